"""Plain helpers for the web tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "vignettes").glob("*.json"))


def load_vignette(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def without_keys(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def fresh_environment() -> dict[str, str]:
    """This process's environment minus anything that configures Django or paintrace (other
    test folders set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly rejects)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAINTRACE_", "DJANGO_")) and k != "DATABASE_URL"
    }
