FROM debian:bookworm-slim
RUN <<EOT
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOT
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["curl", "--version"]
