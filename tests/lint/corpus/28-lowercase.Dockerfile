from python:3.13-slim as base
run pip install --no-cache-dir flask
user 1000
healthcheck cmd ["true"]
cmd ["python"]
