FROM debian:bookworm-slim AS builder
RUN echo built > /built
FROM scratch
COPY --from=builder / /
USER 65532
HEALTHCHECK NONE
CMD ["/built"]
