FROM python:3.13-slim AS wheels
RUN pip wheel --wheel-dir /wheels flask
FROM python:3.13-slim
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels pip install --no-cache-dir --no-index /wheels/*
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["python", "-m", "flask"]
