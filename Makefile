# Find a Trial: `make run` sets up and serves the demo site; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo bench-import bench-pages clean

# Settings default to production (DEBUG off, a real SECRET_KEY required);
# the local commands run with development settings over plain HTTP.
run demo test: export DEBUG = 1

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the accessibility test (tests/test_accessibility.py), pinned in
# package-lock.json and installed from the npm registry; read from node_modules.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(VENV)/.installed node_modules/.package-lock.json

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddemo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (editorial admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Import 100,000 generated RePORTER records into fresh databases (README, "Importers").
bench-import: setup
	$(BIN)/python bench/import_reporter.py $(BENCH_ARGS)

# Page benchmark on the database in DATABASE_URL (fill it with bench/generate.py first:
# README, "Scale and benchmarks").
bench-pages: setup
	$(BIN)/python bench/pages.py --runs 20 --wrk

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .hypothesis
