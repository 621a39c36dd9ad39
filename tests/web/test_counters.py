"""The rate-limit counters' file (paintrace.web.counters): atomic across processes, windows that
expire, and a busy file lets the event through instead of failing the request."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from paintrace.web import counters
from paintrace.web.counters import SQLiteCounters


def _store(path: Path) -> SQLiteCounters:
    return SQLiteCounters(str(path), {})


def test_bump_counts_then_starts_a_new_window_after_expiry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "c.sqlite3")
    now = [1000.0]
    monkeypatch.setattr(counters.time, "time", lambda: now[0])
    assert [store.bump("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.bump("other", 60) == 1
    now[0] += 61
    assert store.bump("k", 60) == 1


def _bump_many(path: str, n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = SQLiteCounters(path, {})
    out.put([store.bump("shared", 60) for _ in range(n)])


def test_processes_share_one_count(tmp_path: Path) -> None:
    path = str(tmp_path / "c.sqlite3")
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_bump_many, args=(path, 50, out)) for _ in range(3)]
    for p in procs:
        p.start()
    seen = [v for _ in procs for v in out.get(timeout=30)]
    for p in procs:
        p.join(timeout=30)
    assert sorted(seen) == list(range(1, 151))  # every event counted once, none lost


def test_a_busy_file_lets_the_event_through(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = _store(path)
    assert store.bump("k", 60) == 1
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        assert store.bump("k", 60) is None
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.bump("k", 60) == 2


def test_the_cache_api_for_the_generic_path(tmp_path: Path) -> None:
    store = _store(tmp_path / "c.sqlite3")
    assert store.add("a", 0, timeout=60) is True
    assert store.add("a", 5, timeout=60) is False
    assert store.incr("a") == 1
    assert store.get("a") == 1 and store.has_key("a")
    store.set("a", 7, timeout=60)
    assert store.get("a") == 7
    with pytest.raises(ValueError):
        store.incr("missing")
    assert store.delete("a") and store.get("a", "gone") == "gone"
    store.set("b", 1, timeout=60)
    store.clear()
    assert store.get("b") is None
