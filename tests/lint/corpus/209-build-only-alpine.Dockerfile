FROM python:3.13-alpine
RUN apk add --no-cache pkgconf autoconf automake linux-headers openssl-dev libffi libpq
USER 1000
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python"]
