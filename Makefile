# Every target that needs Python creates .venv on first use (uv, from the committed uv.lock).
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PROD_STAMP := $(VENV)/.installed-prod-stamp
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint typecheck unit bench load hardening journal-scale evaluate clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

# With the dev group (pytest, playwright, schemathesis, mypy, ruff): tests, lint, benchmarks.
$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --quiet
	$(BIN)/python -m compileall -q src  # the editable package too, even if PYTHONDONTWRITEBYTECODE
	rm -f $(PROD_STAMP)
	touch $(STAMP)

# Production: the app's own dependencies only, no test tools (docs/deploy.md).
$(PROD_STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --no-dev --compile-bytecode --quiet
	$(BIN)/python -m compileall -q src
	rm -f $(STAMP)
	touch $(PROD_STAMP)

run: $(PROD_STAMP)
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

# Throughput of the write and page endpoints against /healthz at concurrency 1, 8, 32, on SQLite
# and PostgreSQL (needs wrk: apt-get install wrk). See bench/load.py.
load: $(STAMP)
	$(BIN)/python bench/load.py

# Issue 9's figures again on a real server: slow clients, PDF bursts, fill rate, deletion.
hardening: $(STAMP)
	$(BIN)/python bench/hardening.py

# The journal at scale (issue 10): 10,000 accounts and 1,000,000 check-ins loaded with COPY into
# a throwaway PostgreSQL server; p95 of the progress page and GET /api/journal/summary under
# 50 ms, and the EXPLAIN of the check-in query (docs/deploy.md). Not part of make test.
journal-scale: $(STAMP)
	$(BIN)/python bench/journal_scale.py

evaluate: $(STAMP)
	$(BIN)/paintrace evaluate tests/vignettes

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
