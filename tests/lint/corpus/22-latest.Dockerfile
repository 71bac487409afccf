FROM python:latest AS builder
FROM ubuntu
COPY --from=builder /usr/local/bin/python3 /usr/local/bin/
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["true"]
