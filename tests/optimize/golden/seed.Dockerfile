# The seed's single-stage build ("Building the image (Without Multi-Stage Build)"), step by step.
# It is the baseline every other Dockerfile here is measured against.

# 1-3. The official slim Python image as the starting point: only essential components.
#      The seed used Python 3.9, end-of-life since October 2025; 3.13 is current.
FROM python:3.13-slim

# 4. No bytecode files, unbuffered output.
ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1

# 5. Build dependencies to compile Python packages, and the apt cache cleaned in the same RUN.
#    libpq-dev is added to the seed's build-essential: psycopg2 compiles against libpq.
#    As in the seed, the compiler stays in the image: that is what the multi-stage builds fix.
RUN apt-get update \
 && apt-get install -y build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/*

# 6. The application lives in /app.
WORKDIR /app

# 7. The Python packages, without pip's download cache.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py .

# Shown on the app's page, so a running container says which variant it is.
ENV IMAGE_VARIANT=single-stage

# 8. Documents the port; `docker run -p` still has to publish it.
EXPOSE 5000

CMD ["python", "app.py"]
