FROM python:3.13-slim AS builder
RUN python -m venv /opt/venv
FROM python:3.13-slim AS final
COPY --from=buidler /opt/venv /opt/venv
COPY --from=final /x /y
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["python"]
