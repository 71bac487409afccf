# Build-only packages beyond compilers: build systems, headers, version control.
FROM python:3.13-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config cmake libtool git libpq-dev=15.* libpq5 curl \
    && rm -rf /var/lib/apt/lists/*
USER 1000
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python"]
