FROM python:3.12-slim AS builder
RUN python -m venv /opt/venv
FROM python:3.13-slim
COPY --from=builder /opt/venv /opt/venv
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["/opt/venv/bin/python"]
