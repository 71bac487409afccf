# A distroless-like runtime base: the Python interpreter, its standard library and the shared
# libraries they load. No shell, no package manager, no pip, no compiler, no headers.
# Final stages copy a virtualenv built on the Debian base of the same release into it.
ARG BASE
FROM ${BASE} AS collect
ARG PYTHON
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY collect-runtime.sh /usr/local/sbin/collect-runtime
RUN sh /usr/local/sbin/collect-runtime /rootfs "python${PYTHON}"

FROM scratch
COPY --from=collect /rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
