FROM debian:bookworm-slim
WORKDIR app
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["true"]
