# ShellCheck on shell-form RUNs: findings land on the line of the RUN they are in.
FROM python:3.13-slim AS builder
WORKDIR /src
RUN python -m venv /opt/venv \
 && cd /src \
 && for f in $(ls *.txt); do /opt/venv/bin/pip install --no-cache-dir -r $f; done
RUN echo `date` > /build-date
RUN mkdir -p /out; cd /out
RUN ["sh", "-c", "echo $unquoted_in_exec_form"]

FROM python:3.13-slim
COPY --from=builder /opt/venv /opt/venv
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["/opt/venv/bin/python", "-m", "app"]
