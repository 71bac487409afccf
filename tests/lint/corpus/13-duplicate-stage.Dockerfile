FROM debian:bookworm-slim AS base
FROM debian:bookworm-slim AS base
FROM base
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["true"]
