# An ARG with no default used in FROM: without --build-arg the image name is empty.
ARG BASE
ARG PYTHON_TAG=
ARG DEFAULTED=debian:bookworm-slim
FROM ${BASE} AS first
RUN true
FROM python:${PYTHON_TAG}-slim AS second
RUN true
FROM ${BASE:-debian:bookworm-slim} AS third
COPY --from=first /x /x
COPY --from=second /y /y
FROM $DEFAULTED
COPY --from=third /z /z
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["bash"]
