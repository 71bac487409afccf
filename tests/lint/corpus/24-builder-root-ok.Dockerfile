FROM debian:bookworm-slim AS builder
USER root
RUN apt-get update && apt-get install -y gcc
RUN gcc -o /hello /dev/null || true
FROM debian:bookworm-slim
COPY --from=builder /hello /hello
USER 65532
HEALTHCHECK CMD ["true"]
CMD ["/hello"]
