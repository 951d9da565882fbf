# Sociale basis monitor: every command a user needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SUPERSET_VENV := .venv-superset
PY := $(VENV)/bin/python
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
export UV_PYTHON := $(PYTHON)
export UV_LINK_MODE := copy

.PHONY: help setup prepare demo-data refresh serve demo test test-fast browser benchmark benchmark-scale lint docs clean reset

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

$(SUPERSET_VENV)/.synced: dashboards/requirements-superset.lock | $(UV)
	test -x $(SUPERSET_VENV)/bin/python || $(UV) venv --quiet $(SUPERSET_VENV)
	VIRTUAL_ENV=$(SUPERSET_VENV) $(UV) pip sync --compile-bytecode dashboards/requirements-superset.lock
	@touch $@

setup: $(VENV)/.synced $(SUPERSET_VENV)/.synced ## create both virtual environments from the lock files

prepare: setup ## parse the dbt project (when it changed) and write the Dagster instance config
	$(PY) -m pipelines prepare

demo-data: setup ## make the state folder the demo profile's and write its SYNTHETIC source data into it
	$(PY) -m demo

refresh: prepare ## run the full refresh (ingest, dbt build, GX checks, publish to serving.duckdb)
	$(PY) -m pipelines refresh

serve: prepare ## start Superset and the Dagster UI on 127.0.0.1 (Ctrl-C stops both)
	$(PY) -m pipelines serve

demo: demo-data refresh serve ## the main job on the demo data, then serve the dashboards

browser: ## install Debian's chromium and chromedriver for the browser tests, if missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing chromium and chromium-driver with apt-get"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; }

test: setup browser ## run the whole test suite, including the end-to-end browser test
	$(VENV)/bin/pytest

test-fast: setup ## unit tests and the small-graph integration tests (no whole demo pipeline, no Superset)
	$(VENV)/bin/pytest -m "not slow and not e2e"

benchmark: setup ## median and p95 of the chart-data API over every dashboard chart (needs `make serve` running)
	$(PY) scripts/benchmark_dashboards.py

benchmark-scale: setup ## the pipeline on a region's care data at scale: SIZES=1M (default), 5M, 10M, 50M; see README, Scale
	$(PY) scripts/benchmark_scale.py --sizes $(or $(SIZES),1M)

docs: prepare ## dbt documentation (models, catalogue, lineage) as one offline page: dbt_project/target/static_index.html
	$(PY) -m pipelines dbt -- docs generate --static --quiet
	@echo "open dbt_project/target/static_index.html"

lint: setup ## ruff
	$(VENV)/bin/ruff check pipelines dashboards demo tests scripts
	$(VENV)/bin/ruff format --check pipelines dashboards demo tests scripts

clean: ## remove build output (dbt target, caches); keeps data and environments
	rm -rf dbt_project/target dbt_project/logs .pytest_cache .ruff_cache test-artifacts

reset: clean ## remove ALL local state (warehouse, snapshots, Superset metadata, secrets) and both venvs
	rm -rf .sbm $(VENV) $(SUPERSET_VENV) $(TOOLS)
