FROM debian:bookworm-slim AS ]0;owned
RUN true

FROM [2Jdebian:bookworm-slim
COPY --from=[31mbuild[0m /x /x
USER 1000
HEALTHCHECK CMD ["true"]
CMD ["bash"]
