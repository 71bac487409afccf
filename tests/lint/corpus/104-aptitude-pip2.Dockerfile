FROM python:2.7-slim
RUN aptitude update && aptitude install -y libpq5
RUN pip2 install psycopg2-binary==2.8.6
USER 10001
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python", "app.py"]
