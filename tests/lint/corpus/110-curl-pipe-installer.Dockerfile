FROM python:3.13-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# SHELL is inherited: this pipe fails the build when the download fails.
FROM base AS poetry
RUN curl -sSL https://install.python-poetry.org | POETRY_HOME=/opt/poetry python3 -

FROM python:3.13-slim
COPY --from=poetry /opt/poetry /opt/poetry
RUN pip freeze | grep -i poetry
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
