FROM debian:bookworm-slim
USER 1000
HEALTHCHECK CMD ["true"]
ENTRYPOINT /usr/local/bin/start.sh
