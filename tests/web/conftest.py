"""Fixtures for the API and server tests (Django is set up by tests/conftest.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from .helpers import VIGNETTES, load_vignette

DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that touch the database: the rest ran on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    here = Path(__file__).parent
    keep, drop = [], []
    for item in items:
        in_here = here in Path(str(item.path)).parents
        touches_db = DB_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ) or item.get_closest_marker("django_db")
        (drop if in_here and not touches_db else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class Api:
    """The Django test client with JSON in and out."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def post(self, path: str, data: Any = None, *, raw: bytes | str | None = None) -> Any:
        body = raw if raw is not None else json.dumps(data)
        return self.client.post(path, data=body, content_type="application/json")

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def delete(self, path: str) -> Any:
        return self.client.delete(path)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture
def rate_windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Empty rate-limit counters and a limiter clock held still, mid-window.

    The limits count in fixed windows (a minute from :00, an hour from :00): a test that ran
    across a window's end would see its count start again, and no 429 come (it happened, about
    once in a hundred runs). Here the limiter's clock stands at half past the current hour.
    """
    from django.core.cache import caches

    from paintrace.web import ratelimit

    still = int(time.time()) // 3600 * 3600 + 1830.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: still))
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def vignette() -> dict[str, Any]:
    """A self-care case with a drawing, findings and a patient."""
    for path in VIGNETTES:
        data = load_vignette(path)
        if data["expect"]["triage"] == "self-care" and data.get("patient"):
            return data
    raise AssertionError("no self-care vignette")
