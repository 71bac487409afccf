FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y \
      gcc \
      make \
 && rm -rf /var/lib/apt/lists/*
USER 1000
CMD ["make"]
