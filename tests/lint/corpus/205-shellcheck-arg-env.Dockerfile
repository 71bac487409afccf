# ARG and ENV names of the stage are assigned for ShellCheck; other lowercase names are not.
FROM python:3.13-slim AS base
ARG app_version=1.0
ENV app_home=/app
RUN echo "$app_version" > "$app_home/VERSION" && echo "$undeclared"
RUN echo "$late"
ENV late=1

# A stage built on another keeps its ENV (it is in the image), not its ARGs.
FROM base
RUN echo "$app_home $late $app_version"
USER 1000
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python"]
