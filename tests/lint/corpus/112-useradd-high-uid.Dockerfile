# Older bases still write the lastlog entry for a new UID.
FROM python:3.11-slim-bullseye
RUN groupadd --gid 1000680000 app \
 && useradd --uid 1000680000 --gid app --create-home app
RUN useradd -l -u 1000680001 worker
USER app
HEALTHCHECK CMD ["python", "-c", "print(1)"]
