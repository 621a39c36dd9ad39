"""GET /api/journal/entries a page at a time: bounded pages, a cursor that never repeats or skips
an entry (also with equal times), a clear 422 for bad parameters, and only the account's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .test_journal_api import Bearer, alice, bob  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _fill(user: Bearer, n: int, *, same_time_every: int = 3) -> None:
    """n check-ins by import; every `same_time_every` in a row share one time (ties on `at`)."""
    start = datetime(2025, 3, 1, 8, tzinfo=UTC)
    checkins = [
        {
            "at": (start + timedelta(hours=i // same_time_every)).isoformat(),
            "leg_pain": i % 11,
            "back_pain": 1,
            "note": f"n{i}",
        }
        for i in range(n)
    ]
    data = {"format": "paintrace-journal", "version": 1, "checkins": checkins}
    assert user.post("/api/journal/import", data).status_code == 201


def _all_pages(user: Bearer, path: str) -> list[dict[str, Any]]:
    pages = []
    while path:
        r = user.get(path)
        assert r.status_code == 200, r.content
        pages.append(r.json())
        path = r.json()["next"]
    return pages


def test_default_page_is_50_and_the_cursor_walks_every_entry_once(alice: Bearer) -> None:  # noqa: F811
    _fill(alice, 130)
    first = alice.get("/api/journal/entries").json()
    assert first["limit"] == 50 and len(first["items"]) == 50
    assert first["next"].startswith("/api/journal/entries?") and first["next_cursor"]
    pages = _all_pages(alice, "/api/journal/entries")
    assert [len(p["items"]) for p in pages] == [50, 50, 30]
    assert pages[-1]["next"] is None and pages[-1]["next_cursor"] is None
    items = [i for p in pages for i in p["items"]]
    assert len({i["id"] for i in items}) == 130
    keys = [(i["at"], i["id"]) for i in items]
    assert keys == sorted(keys)  # oldest first, ties broken by id
    assert sorted(i["note"] for i in items) == sorted(f"n{i}" for i in range(130))


def test_limit_is_bounded_and_bad_parameters_are_a_clear_422(alice: Bearer) -> None:  # noqa: F811
    _fill(alice, 205)
    assert len(alice.get("/api/journal/entries?limit=200").json()["items"]) == 200
    assert len(alice.get("/api/journal/entries?limit=1").json()["items"]) == 1
    for bad in ("limit=201", "limit=0", "limit=-3", "limit=ten", "limit=1.5"):
        r = alice.get(f"/api/journal/entries?{bad}")
        assert r.status_code == 422, bad
        assert r.json()["detail"][0]["loc"] == ["query", "limit"], bad
    for bad in ("abc", "12", "1.0.2", "99999999999999999999.1", "1.99999999999999999999", "x" * 60):
        r = alice.get(f"/api/journal/entries?cursor={bad}")
        assert r.status_code == 422, bad
        assert r.json()["detail"][0]["loc"] == ["query", "cursor"], bad
        assert "cursor" in r.json()["detail"][0]["msg"]


def test_a_cursor_past_the_end_is_an_empty_last_page(alice: Bearer) -> None:  # noqa: F811
    _fill(alice, 4)
    r = alice.get("/api/journal/entries?cursor=99999999999999999.1")
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["next"] is None


def test_pages_hold_only_the_accounts_own_entries(alice: Bearer, bob: Bearer) -> None:  # noqa: F811
    _fill(alice, 60)
    _fill(bob, 7)
    alices = [i for p in _all_pages(alice, "/api/journal/entries") for i in p["items"]]
    bobs = bob.get("/api/journal/entries").json()
    assert len(alices) == 60 and len(bobs["items"]) == 7 and bobs["next"] is None
    assert not {i["id"] for i in alices} & {i["id"] for i in bobs["items"]}
    # Alice's cursor opens nothing of hers for Bob: it is a position, not a key.
    cursor = alice.get("/api/journal/entries?limit=5").json()["next_cursor"]
    page = bob.get(f"/api/journal/entries?cursor={cursor}").json()
    assert {i["id"] for i in page["items"]} <= {i["id"] for i in bobs["items"]}
    assert Bearer(alice.client, None).get("/api/journal/entries?limit=5").status_code == 401
