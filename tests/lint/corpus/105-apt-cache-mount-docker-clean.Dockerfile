FROM python:3.13-slim AS base
# With Debian's docker-clean hook in place, a cache mount on /var/lib/apt alone is enough.
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends libpq5=17.5-1

FROM base
# Without the hook the .deb files must go to a cache mount too: only /var/lib/apt is
# mounted here, so every downloaded .deb stays in the layer.
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl=8.14.1-2
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
