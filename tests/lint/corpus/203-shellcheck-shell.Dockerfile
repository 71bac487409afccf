# The stage's SHELL decides how ShellCheck reads RUN: [[ ]] is fine in bash, not in sh.
FROM debian:bookworm-slim AS bash-stage
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN [[ -d /opt ]] && echo yes | tee /yes

FROM bash-stage AS child
RUN [[ -d /srv ]] && echo inherited

FROM debian:bookworm-slim
COPY --from=child /yes /yes
RUN [[ -d /opt ]] && echo sh
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["bash"]
