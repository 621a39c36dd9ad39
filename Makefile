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
	$(BIN)/python -m compileall -q src  # the editable package too, even if PYTHONDONTWRITEBYTECODE
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/paintrace serve

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src/paintrace

# Everything on SQLite, then the database-touching web tests again on a throwaway PostgreSQL
# server that tests/conftest.py starts and removes (PostgreSQL server binaries must be installed).
unit: $(STAMP)
	$(BIN)/pytest
	PAINTRACE_TEST_DB=postgres $(BIN)/pytest tests/web tests/web_pages -m "not browser"

bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python bench/run.py
	$(BIN)/python bench/web.py

evaluate: $(STAMP)
	$(BIN)/paintrace evaluate tests/vignettes

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
