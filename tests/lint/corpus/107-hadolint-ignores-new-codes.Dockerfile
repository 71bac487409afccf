# hadolint's ignore comments reach the slimstage rules its codes map to.
# hadolint global ignore=DL3057
# hadolint ignore=DL3063
FROM python:3.13-slim AS context
RUN python -m venv /opt/venv

FROM python:3.13-slim
# hadolint ignore=DL3064
ARG PIP_INDEX_TOKEN
# hadolint ignore=DL3067
COPY --from=context / /
USER 10001
CMD ["python"]
