# Gifts of Hope. `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench translations system-deps clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	@bash scripts/system-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP) ## Migrate, seed demo data, start web server + Celery worker (SQLite and embedded broker unless DATABASE_URL / REDIS_URL are set)
	$(VENV)/bin/flask --app app serve

test: $(STAMP) ## Run the whole test suite (set REQUIRE_SERVICES=1 to fail instead of skip when PostgreSQL/Redis/Chromium are missing)
	$(VENV)/bin/pytest

lint: $(STAMP) ## ruff check, format check and mypy (configurator/ and proofs/, see pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP) ## Benchmark proof rendering, the card book, the worker pipeline and the pages under wrk (needs Redis and wrk; prints medians and ratios)
	$(PY) -m bench.run

translations: $(STAMP) ## Update and compile the maker board's message catalogs (translations/) after a board text changed
	$(PY) -m scripts.translations

system-deps: ## Install the Debian packages the service and tests need (as root)
	bash scripts/system-deps.sh

clean: ## Remove the virtual environment and local instance data
	rm -rf $(VENV) instance
