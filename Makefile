# `make run` and `make test` are all a fresh machine needs (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app planner
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-pg serve backup translations translations-update bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(TEST_STAMP): requirements-test.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $(STAMP) $@

translations: $(STAMP)
	$(VENV)/bin/pybabel compile -d planner/translations

## Extract msgids from code and templates and merge them into the catalogues.
translations-update: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l --sort-by-file -o planner/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i planner/translations/messages.pot -d planner/translations

## Create the venv, migrate, load demo data on first start, serve at http://127.0.0.1:5000
run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# Two pytest-xdist workers (one per core), a test file per worker at a time; PYTEST_WORKERS=0 runs
# serially in one process (for debugging). Under PostgreSQL each worker has a database of its own,
# named after PG_TEST_URL's with _gw0, _gw1 (see docs/testing.md).
PYTEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

## The whole suite on SQLite, then on PostgreSQL when a server answers (always under CI).
test: $(TEST_STAMP) translations
	$(PYTEST)
	@if [ -n "$$CI" ] || $(PY) -c "import psycopg,sys; psycopg.connect('postgresql://postgres@127.0.0.1:5432/test', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL run =="; \
		TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST); \
	else \
		echo "PostgreSQL not reachable at 127.0.0.1:5432: skipped the PostgreSQL run"; \
	fi

## Production: gunicorn web workers and job workers against DATABASE_URL and REDIS_URL (see docs/deploy.md).
WORKERS ?= 4
JOB_WORKERS ?= 2
BIND ?= 127.0.0.1:8000
serve: $(STAMP) translations
	@if [ -z "$$SECRET_KEY" ]; then echo "Set SECRET_KEY to a long random value first (see docs/deploy.md)."; exit 1; fi
	@if [ -z "$$DATABASE_URL" ]; then echo "Note: DATABASE_URL is not set; serving the SQLite database in instance/."; fi
	@if [ -z "$$REDIS_URL" ]; then echo "Note: REDIS_URL is not set; jobs queue in instance/jobs.sqlite3 (job workers on this machine only)."; fi
	$(FLASK) db upgrade
	export PLANNER_ENV=production PLANNER_JOB_CONSUMER=external PLANNER_SECURE_COOKIES=$${PLANNER_SECURE_COOKIES:-1}; \
	$(FLASK) jobs worker --workers $(JOB_WORKERS) & jobs=$$!; \
	trap 'kill $$jobs 2>/dev/null; wait $$jobs 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c python:planner.gunicorn_config --workers $(WORKERS) --worker-class gthread --threads 4 --bind $(BIND) --timeout 120 --graceful-timeout 30 \
		--access-logfile - --forwarded-allow-ips 127.0.0.1 'planner:create_app()'

## A consistent copy of the database while the app runs (instance/backups/).
backup: $(STAMP)
	$(FLASK) backup

test-sqlite: $(TEST_STAMP) translations
	$(PYTEST)

test-pg: $(TEST_STAMP) translations
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST)

bench: $(STAMP)
	$(PY) bench/optimize.py

clean:
	rm -rf $(VENV) instance .pytest_cache
