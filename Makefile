# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: demo test test-pg test-all lint format messages bench bench-smoke bench-scale loadtest faulttest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## make demo: virtualenv, SQLite database, demo content and users, then serve on http://127.0.0.1:$(PORT)
demo: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo_data
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: everything a bare machine can run (SQLite, no browser, no PostgreSQL/Redis)
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not postgres and not redis and not browser and not java and not slow"

## make test-pg: the same suite on PostgreSQL (DATABASE_URL must point at a server)
test-pg: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: refresh and compile the Chinese translations
messages: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

## make bench: every public page cold, warm and without fragments at 100,000 articles (bench/run.py)
bench: $(STAMP)
	$(BIN)/python bench/run.py --articles 100000

bench-smoke: $(STAMP)
	$(BIN)/python bench/run.py --articles 1000 --duration 2 --smoke

## make bench-scale: the cold pages at 10,000, 100,000 and 1,000,000 articles, one growing database (bench/scale.py)
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py

## make loadtest / make faulttest: 200 readers for 60 s at gunicorn over PostgreSQL; PostgreSQL and Redis stopped
## under a running site (needs root for its private PostgreSQL). Both print their figures; docs/operations.md.
loadtest: $(STAMP)
	$(BIN)/python scripts/loadtest.py

faulttest: $(STAMP)
	$(BIN)/python scripts/faulttest.py

clean:
	rm -rf $(VENV) db.sqlite3 media .pytest_cache
