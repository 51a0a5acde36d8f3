# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SRC    := $(wildcard matcher api benchmarks)
STAMP_RUN := $(VENV)/.installed-run
STAMP_SVC := $(VENV)/.installed-service
STAMP_DEV := $(VENV)/.installed-dev
# the demo's store: the sample district with 12 generated months of history, rebuilt each run
DEMO_DB    := demo.db
DEMO_CADRE := P0451

.PHONY: demo test lint typecheck unit bench clean kernels

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_SVC): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[service]'
	touch $@ $(STAMP_RUN)

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN) $(STAMP_SVC)

# the compiled kernels built ahead of time into one extension module
# (matcher/solver/_aot, python -m matcher.warm.build), so a proposal loads them in
# milliseconds and never starts numba (docs/benchmarks.md, "Cold start"). Checked on
# every run (a fraction of a second): rebuilt when missing or stale (any source,
# numpy, the interpreter or the processor changed: a stale module is never used); a
# machine that cannot build it (no Python headers) says so and goes on with numba
kernels: $(STAMP_RUN)
	$(BIN)/python -m matcher.warm.build --if-stale

# the proposal; then the sample's growth record: a store with its history, the warning
# rules run over it (the newest few shown), and one cadre's record with their warnings
demo: $(STAMP_SVC) kernels
	$(BIN)/matcher propose data/sample-district
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/matcher import data/sample-district --district gulou --history --db $(DEMO_DB)
	$(BIN)/matcher warnings --evaluate --limit 3 --district gulou --db $(DEMO_DB)
	$(BIN)/matcher record $(DEMO_CADRE) --district gulou --db $(DEMO_DB)

lint: $(STAMP_DEV)
	$(BIN)/ruff check $(SRC) tests
	$(BIN)/ruff format --check $(SRC) tests

typecheck: $(STAMP_DEV)
	$(BIN)/mypy $(SRC)

# one test process per core (pytest-xdist), a test file's tests in one process so its
# servers and browser start once
unit: $(STAMP_DEV) kernels
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n auto --dist loadfile

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	rm -rf matcher/solver/_aot matcher/solver/_aot.old matcher/solver/.aot-* matcher/solver/.aot.lock
