FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
USER nobody
HEALTHCHECK CMD ["true"]
CMD ["python", "main.py"]
