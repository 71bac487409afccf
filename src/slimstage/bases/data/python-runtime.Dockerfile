# A distroless-like runtime base: the Python interpreter, its standard library, the shared
# libraries they load, certificates and time zones. No shell, no package manager, no pip, no
# compiler, no headers.
# Final stages copy a virtualenv built on the Debian base of the same release into it.
ARG BASE
FROM ${BASE} AS collect
ARG PYTHON
# ca/: the extra CA bundle asked for, as in python-slim.Dockerfile; it reaches the runtime
# through the system bundle that update-ca-certificates writes.
# tzdata: zoneinfo.ZoneInfo("Europe/Paris") needs /usr/share/zoneinfo (collect-runtime copies it).
RUN --mount=type=bind,source=ca,target=/run/slimstage-ca \
    mkdir -p /usr/local/share/ca-certificates \
 && cp -R /run/slimstage-ca/. /usr/local/share/ca-certificates/ \
 && apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates tzdata \
 && update-ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY collect-runtime.sh /usr/local/sbin/collect-runtime
RUN sh /usr/local/sbin/collect-runtime /rootfs "python${PYTHON}"

FROM scratch
COPY --from=collect /rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
