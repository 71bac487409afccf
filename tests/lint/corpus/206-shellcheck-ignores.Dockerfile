# hadolint global ignore=SC2006
FROM debian:bookworm-slim
# hadolint ignore=SC2086
RUN echo $HOME `date`
# slimstage ignore=SC2164
RUN apt-get update \
    && cd /tmp; \
    echo $PWD
RUN cd /srv
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["bash"]
