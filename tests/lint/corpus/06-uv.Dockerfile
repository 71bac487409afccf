FROM python:3.13-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-install-project
COPY . .
RUN uv sync --frozen
FROM python:3.13-slim
COPY --from=build /app /app
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["/app/.venv/bin/python", "-m", "app"]
