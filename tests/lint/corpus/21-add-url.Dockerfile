FROM debian:bookworm-slim
ADD https://example.com/tool.tar.gz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/other.tar.gz /opt/
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["true"]
