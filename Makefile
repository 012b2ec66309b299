# Set-up is the first prerequisite of every target: a fresh clone needs only `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run test dev clean

# The parser modules that setup.py compiles (pipelines/native.py lists them): editing one rebuilds them.
NATIVE := $(shell $(PYTHON) -c 'import runpy; n = runpy.run_path("pipelines/native.py"); print(*(n["source_of"](m) for m in n["COMPILED"]))')

$(VENV)/.installed: pyproject.toml requirements.lock setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	@# pip keeps the build's output to itself: say whether the parser was compiled (setup.py) or not.
	@$(BIN)/python -c 'import pipelines.report, pipelines.native as n; print(n.summary())'
	touch $@

# Installing builds the compiled modules in place already: they are rebuilt only when their build
# record no longer matches their source.
$(VENV)/.native: $(VENV)/.installed $(NATIVE)
	$(BIN)/python -c 'import runpy, sys; n = runpy.run_path("pipelines/native.py"); sys.exit(0 if n["built"]() and not n["stale"]() else 1)' \
		|| $(BIN)/python setup.py -q build_ext --inplace
	touch $@

run: $(VENV)/.native
	$(BIN)/gongkai run

test: $(VENV)/.native
	$(BIN)/python -m pytest

dev: $(VENV)/.native
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1

clean:
	rm -rf $(VENV) build data/warehouse.duckdb pipelines/native.json
	find pipelines -name '*.so' -delete
