FROM python:3.13-slim AS builder
RUN python -m venv /opt/venv
WORKDIR /build
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip /opt/venv/bin/pip install -r requirements.txt
FROM python:3.13-slim
COPY --from=builder /opt/venv /opt/venv
COPY app.py /app/
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["/opt/venv/bin/python", "/app/app.py"]
