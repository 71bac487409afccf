# A base image for other teams' services: the triggers run in their images.
FROM python:3.13-slim
WORKDIR /app
ONBUILD COPY requirements.txt .
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends libpq5=17.5-1
ONBUILD RUN pip install -r requirements.txt
ONBUILD ENV API_TOKEN=change-me
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
