RUN echo before from
FROM debian:bookworm-slim
