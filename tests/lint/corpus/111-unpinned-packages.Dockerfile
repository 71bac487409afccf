FROM python:3.13-slim
RUN apt-get update \
 && apt-get install --no-install-recommends libpq5 curl=8.14.1-2 \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir --upgrade pip setuptools==80.9.0
RUN pip install --no-cache-dir -r /tmp/requirements.txt -c /tmp/constraints.txt
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
