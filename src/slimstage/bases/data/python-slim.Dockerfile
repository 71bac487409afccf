# Stand-in for the official python:<version>-slim image, built from Debian packages.
# It is what `slimstage base build` makes where no registry is reachable. It keeps the
# official image's promises that Dockerfiles rely on: python and pip on PATH, pip allowed to
# install system-wide and with --user, C headers for source builds, apt-get usable, slim.
ARG BASE
FROM ${BASE}
ARG PYTHON

# One RUN so the apt lists never reach a layer.
# ca/ holds the extra CA bundle `slimstage base build` was asked to trust (empty when none was,
# or when the Debian stand-in below carries it already); it is bind-mounted rather than copied
# so that it adds no layer, and update-ca-certificates puts it in the system bundle, also on a
# Debian base that had ca-certificates already.
# --no-install-recommends: python3-pip would otherwise pull build-essential (~250 MB).
# python3-dev: Python.h and friends, like the official image's /usr/local/include.
# EXTERNALLY-MANAGED is removed: official images carry no PEP 668 marker, so
# `pip install` outside a venv must keep working.
RUN --mount=type=bind,source=ca,target=/run/slimstage-ca \
    mkdir -p /usr/local/share/ca-certificates \
 && cp -R /run/slimstage-ca/. /usr/local/share/ca-certificates/ \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      python3 python3-pip python3-venv python3-dev python-is-python3 ca-certificates \
 && update-ca-certificates \
 && rm -f /usr/lib/python${PYTHON}/EXTERNALLY-MANAGED \
 && ln -s /usr/bin/python${PYTHON} /usr/local/bin/python3 \
 && ln -s /usr/bin/python${PYTHON} /usr/local/bin/python \
 && ln -s /usr/bin/pip3 /usr/local/bin/pip3 \
 && ln -s /usr/bin/pip3 /usr/local/bin/pip \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

# The system bundle includes the extra CA, so pip (also inside virtualenvs, whose vendored
# certifi would not know the extra CA) and requests trust what the host trusts.
ENV LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

CMD ["python3"]
