FROM debian:bookworm-slim
USER 1000
USER root
HEALTHCHECK CMD ["true"]
CMD ["true"]
