FROM python:3.13-slim AS build
RUN python -m venv /opt/venv
RUN /opt/venv/bin/pip install --no-cache-dir flask==3.1.0

FROM python:3.13-slim
COPY --from=build /opt/venv /opt/venv
RUN useradd app
RUN mkdir /data
# a comment does not separate them
RUN chown app /data
USER app
HEALTHCHECK CMD ["python", "-c", "print(1)"]
