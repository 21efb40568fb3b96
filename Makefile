# Find a Trial: `make run` sets up and serves the demo site; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddemo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (editorial admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Page benchmark on the database in DATABASE_URL (fill it with bench/generate.py).
bench: setup
	$(BIN)/python bench/pages.py --runs 20 --wrk

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
