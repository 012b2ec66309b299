# Set-up is the first prerequisite of every target: a fresh clone needs only `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run test dev clean

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/gongkai run

test: $(VENV)/.installed
	$(BIN)/python -m pytest

dev: $(VENV)/.installed
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1

clean:
	rm -rf $(VENV) data/warehouse.duckdb
