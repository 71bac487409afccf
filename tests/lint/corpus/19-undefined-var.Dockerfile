FROM debian:bookworm-slim
ARG APP_HOME=/srv
COPY app $APP_DIR/
WORKDIR $APP_HOME
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["true"]
