# The README's commands. `make demo` and `make test` work on a fresh machine:
# they create the virtual environment and install the locked versions first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: demo test install check build serve lint typecheck pytest bench clean udata-env

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[site,vault,dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

## Build the site from the shipped data, serve it, and start the vault on SQLite.
demo: install
	$(BIN)/python demo.py

## Every test: lint, format, types, then pytest (unit, fixtures, PostgreSQL, browser).
test: install lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

check: $(STAMP)
	$(BIN)/python build.py check

build: install
	$(BIN)/python build.py build

serve: install
	$(BIN)/python build.py serve

## udata's own environment (.cache/udata-venv), for the data.gouv.fr harvest test; the test
## builds it too when missing.
udata-env: $(STAMP)
	$(BIN)/python -m tests.e2e.tools.udata_env

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf dist .cache
