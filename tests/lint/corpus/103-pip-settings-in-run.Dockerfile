FROM python:3.13-slim
WORKDIR /app
COPY requirements.txt .
# Both turn pip's cache off: pip reads any value but an empty one as "no cache".
RUN PIP_NO_CACHE_DIR=1 pip install -r requirements.txt
RUN export PIP_NO_CACHE_DIR=false && pip install gunicorn==23.0.0
# A bare assignment is a shell variable; pip never sees it.
RUN PIP_NO_CACHE_DIR=1; pip install uvicorn==0.32.1
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["gunicorn", "app:app"]
