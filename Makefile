# Sociale basis monitor: every command a user needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SUPERSET_VENV := .venv-superset
export UV_PYTHON := $(PYTHON)
export UV_LINK_MODE := copy

.PHONY: help setup demo refresh serve test lint clean reset

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
