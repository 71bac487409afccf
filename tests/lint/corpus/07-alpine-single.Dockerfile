FROM python:3.13-alpine
RUN apk add gcc musl-dev postgresql-dev
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD python app.py
