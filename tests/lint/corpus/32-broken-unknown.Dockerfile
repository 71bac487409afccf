FROM debian:bookworm-slim
COPPY app /app
