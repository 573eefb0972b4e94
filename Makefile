# Werkstatt: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
WERKSTATT := $(VENV)/bin/werkstatt
STAMP := $(VENV)/.installed-stamp
VENDOR := src/werkstatt/web/static/vendor
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install system-deps assets messages lint test-sqlite test-postgres test-browser bench clean

run: install
	$(WERKSTATT) migrate --no-input
	$(WERKSTATT) demo --if-empty
	$(WERKSTATT) collectstatic --no-input -v0
	$(WERKSTATT) serve

test: install lint test-sqlite test-postgres test-browser

install: system-deps $(STAMP) assets messages

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

assets: $(VENDOR)/.stamp

$(VENDOR)/.stamp: package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/htmx
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $@

messages:
	cd src/werkstatt && ../../$(WERKSTATT) compilemessages -v0

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	WERKSTATT_DATA_DIR=$$(mktemp -d) $(WERKSTATT) makemigrations --check --dry-run -v0

# Two processes: the machines have two cores.
test-sqlite:
	$(PY) -m pytest -m "not browser" -n 2

# The engines and the catalogues touch no database: they run once, in test-sqlite.
test-postgres:
	$(PY) -m tests.with_postgres $(PY) -m pytest -m "not browser" -n 2 \
		--ignore=tests/engines --ignore=tests/test_translations.py

test-browser:
	$(PY) -m pytest -m browser

bench: install
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
