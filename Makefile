# Every target that needs Python creates .venv on first use (uv, from the committed uv.lock).
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint typecheck unit bench evaluate clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --quiet
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/paintrace serve

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src/paintrace

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

evaluate: $(STAMP)
	$(BIN)/paintrace evaluate tests/vignettes

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
