FROM python:3.13-slim
RUN python3 -m pip install flask && pip3 install --no-cache-dir gunicorn
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["gunicorn"]
