"""The benchmark scripts (bench/), loaded for their tests.

bench/ is a folder of scripts, not a package: ``bench/load.py`` imports its helpers as ``web``
(the script's own folder comes first on its path). Under pytest that name is taken by the
tests' ``web`` package, so each script is loaded here from its file under a name of its own,
with ``web`` pointing at bench/web.py only while load.py is imported.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench_web() -> ModuleType:
    return _load("paintrace_bench_web", BENCH / "web.py")


@pytest.fixture(scope="session")
def bench_load(bench_web: ModuleType) -> ModuleType:
    saved = sys.modules.get("web")
    sys.modules["web"] = bench_web
    try:
        return _load("paintrace_bench_load", BENCH / "load.py")
    finally:
        if saved is None:
            del sys.modules["web"]
        else:
            sys.modules["web"] = saved
