FROM python:3.13-slim AS base
WORKDIR /app

FROM base AS deps
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.13-slim
COPY --from=deps /usr/local /usr/local
COPY app.py .
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python", "/app.py"]
