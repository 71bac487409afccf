FROM python:3.13-slim AS builder
RUN pip install --user --no-cache-dir flask
FROM python:3.13-slim
RUN useradd app
COPY --from=builder /root/.local /root/.local
USER app
HEALTHCHECK CMD ["true"]
CMD ["python", "-m", "flask", "run"]
