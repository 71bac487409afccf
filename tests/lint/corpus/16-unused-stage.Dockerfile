FROM python:3.13-slim AS test
RUN pip install --no-cache-dir pytest
FROM python:3.13-slim AS builder
RUN python -m venv /opt/venv
FROM python:3.13-slim
COPY --from=builder /opt/venv /opt/venv
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["/opt/venv/bin/python"]
