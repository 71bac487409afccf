# The compiler comes in through a stage the final stage is built FROM: its layers ship.
FROM python:3.13-slim AS base
RUN apt-get update && apt-get install -y gcc=4:14.2.0-1 libpq-dev=17.5-1
RUN python -m venv /opt/venv

FROM base
WORKDIR /app
COPY app.py .
USER 10001
HEALTHCHECK CMD ["/opt/venv/bin/python", "-c", "print(1)"]
CMD ["/opt/venv/bin/python", "app.py"]
