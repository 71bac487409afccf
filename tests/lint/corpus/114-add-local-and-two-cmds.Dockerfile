FROM python:3.13-slim
WORKDIR /app
ADD vendor.tar.gz /opt/vendor/
ADD app.py settings.toml ./
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python", "app.py"]
CMD ["gunicorn", "app:app"]
