# USER, PIP_NO_CACHE_DIR and HEALTHCHECK are set once in a base stage and inherited.
FROM python:3.13-slim AS base
ENV PIP_NO_CACHE_DIR=1
RUN useradd --create-home app
HEALTHCHECK CMD ["python", "-c", "print(1)"]
USER app

FROM base AS app
WORKDIR /home/app
RUN pip install --user flask==3.1.0
COPY app.py .
CMD ["python", "app.py"]
