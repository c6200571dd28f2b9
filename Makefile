# One command for each thing a developer does often. `make run` and `make test` are the README's two.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Newest Python (override with PYTHON=...) >= 3.11 on this machine: PATH first, then pyenv's versions (Django 6 wants 3.12+).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3.11 python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
endif
PG_URL ?= postgres://postgres@127.0.0.1:5432/baocao
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test test-sqlite test-postgres lint format bench system-deps clean

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Cần Python 3.11 trở lên (Python 3.11+ is required)"; exit 1; }
	@echo "Using $$($(PYTHON) --version) at $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## run: set up, migrate, load the built-in outline and demo province, serve on http://$(HOST):$(PORT)/
run: $(BIN)/.installed
	$(BIN)/baocao demo
	$(BIN)/baocao serve --host $(HOST) --port $(PORT)

## test: set up and run lint and the whole suite on SQLite, then on PostgreSQL where one answers
test: $(BIN)/.installed system-deps lint test-sqlite test-postgres

# What the tests drive besides Python: Debian's chromium (browser journeys) and LibreOffice
# with a Vietnamese-complete Times New Roman look-alike (DOCX -> PDF -> PNG checks).
SYSTEM_PACKAGES := chromium libreoffice-writer-nogui fonts-liberation2 poppler-utils
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages for the tests: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; fi

## lint: ruff check and format check
lint: $(BIN)/.installed
	$(BIN)/ruff check baocao tests bench
	$(BIN)/ruff format --check baocao tests bench

## format: let ruff fix and format the code
format: $(BIN)/.installed
	$(BIN)/ruff check --fix baocao tests bench
	$(BIN)/ruff format baocao tests bench

test-sqlite: $(BIN)/.installed
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: $(BIN)/.installed
	@if ! bash scripts/postgres-up.sh; then \
		if [ "$${CI:-}" = "true" ]; then echo "PostgreSQL does not answer at 127.0.0.1:5432 and CI must test on it"; exit 1; fi; \
		echo "== PostgreSQL does not answer at 127.0.0.1:5432: skipping the PostgreSQL run =="; exit 0; fi; \
	echo "== test suite on PostgreSQL =="; \
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

## bench: run every benchmark in bench/ and print its figures
bench: $(BIN)/.installed
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
