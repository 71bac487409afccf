ARG PYTHON=3.13
FROM python:${PYTHON}-alpine AS base
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apk add --no-cache build-base postgresql-dev libffi-dev \
 && pip install --user psycopg2==2.9.13 cffi==2.1.1 \
 && apk del build-base

FROM alpine:3.22 AS docs
RUN echo "built docs" > /index.html

FROM base AS app
ENV PATH=/root/.local/bin:$PATH
WORKDIR /srv
COPY --from=docs /index.html static/
COPY service.py ./
HEALTHCHECK CMD wget -qO- http://127.0.0.1:8000/ || exit 1
CMD python service.py
