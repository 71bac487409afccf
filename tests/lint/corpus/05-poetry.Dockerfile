FROM python:3.12-slim AS build
RUN pip install poetry==1.8.3
WORKDIR /src
COPY pyproject.toml poetry.lock ./
RUN poetry config virtualenvs.in-project true && poetry install --only main --no-root
COPY . .
FROM python:3.12-slim
COPY --from=build /src/.venv /src/.venv
COPY --from=build /src /src
USER 1000
CMD ["/src/.venv/bin/python", "-m", "service"]
