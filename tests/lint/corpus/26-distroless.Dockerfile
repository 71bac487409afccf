FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3-venv gcc libpython3-dev && \
    python3 -m venv /venv && rm -rf /var/lib/apt/lists/*
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /venv /venv
HEALTHCHECK NONE
ENTRYPOINT ["/venv/bin/python3"]
