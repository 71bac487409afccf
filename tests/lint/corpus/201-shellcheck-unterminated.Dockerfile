FROM debian:bookworm-slim
# A quote left open: the shell fails at build time; shlex alone saw nothing wrong.
RUN apt-get update \
    && echo "unterminated \
    && rm -rf /var/lib/apt/lists/*
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["bash"]
