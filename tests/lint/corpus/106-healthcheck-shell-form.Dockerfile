FROM python:3.13-slim
WORKDIR /app
COPY app.py .
USER 10001
HEALTHCHECK --interval=30s CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/')"
CMD ["python", "app.py"]
