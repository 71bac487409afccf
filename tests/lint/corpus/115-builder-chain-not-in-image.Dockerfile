# os and build are built FROM each other, but the image is built FROM neither.
FROM debian:12 AS os
RUN apt-get update && apt-get install -y gcc=4:12.2.0-3 python3-venv=3.11.2-1+b1

FROM os AS build
RUN python3 -m venv /opt/venv

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=build /opt/venv /opt/venv
HEALTHCHECK NONE
ENTRYPOINT ["/opt/venv/bin/python"]
