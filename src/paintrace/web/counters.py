"""Rate-limit counters shared by every worker process of one machine, in a small SQLite file.

Django's in-memory cache is per process: with four gunicorn workers a client that opens new
connections would be counted four times over more leniently. The database cache
(``PAINTRACE_SHARED_CACHE=1``) is shared by every machine but costs a write to the main
database for each counted request. This backend sits between: one SQLite file in the data folder
(``ratelimit.sqlite3``), written without waiting for the disk (``synchronous=OFF``: a crash may
forget some counts, which only forgives a client early), one atomic UPSERT per counted event.

Only what the rate limiter needs is implemented: integer values with an expiry (``bump``, the
one call per event; ``add``/``incr``/``get``/``set``/``delete``/``clear`` for the generic path and
the tests). If the file is busy beyond a second the event is let through: a limiter must not
take the site down.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

log = logging.getLogger(__name__)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters "
    "(key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"
)
# A fresh window when the stored one has run out; otherwise one more.
_BUMP = (
    "INSERT INTO counters (key, value, expires) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET "
    "value = CASE WHEN counters.expires <= ? THEN 1 ELSE counters.value + 1 END, "
    "expires = CASE WHEN counters.expires <= ? THEN excluded.expires ELSE counters.expires END "
    "RETURNING value"
)


class SQLiteCounters(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = location
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():  # after a fork
            conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute(_SCHEMA)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _expiry(self, timeout: Any) -> float:
        seconds = self.get_backend_timeout(timeout)
        return float("inf") if seconds is None else float(seconds)

    # ------------------------------------------------------------------ the rate limiter's call

    def bump(self, key: str, timeout: float) -> int | None:
        """Count one event under `key` (a window of `timeout` seconds); None if the file is busy."""
        now = time.time()
        try:
            db = self._db()
            value = db.execute(_BUMP, (key, now + timeout, now, now)).fetchone()[0]
            if random.random() < 0.002:  # now and then, drop windows that ran out
                db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        except sqlite3.Error as exc:
            log.warning("rate-limit counters unavailable, event let through: %s", exc)
            return None
        return int(value)

    # ------------------------------------------------------------------ the cache API, for ints

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = time.time()
        db = self._db()
        db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
        cur = db.execute(
            "INSERT OR IGNORE INTO counters (key, value, expires) VALUES (?, ?, ?)",
            (key, int(value), self._expiry(timeout)),
        )
        return cur.rowcount == 1

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return default if row is None else row[0]

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._db().execute(
            "INSERT OR REPLACE INTO counters (key, value, expires) VALUES (?, ?, ?)",
            (key, int(value), self._expiry(timeout)),
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "UPDATE counters SET value = value + ? WHERE key = ? AND expires > ? "
                "RETURNING value",
                (delta, key, time.time()),
            )
            .fetchone()
        )
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return int(row[0])

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        cur = self._db().execute(
            "UPDATE counters SET expires = ? WHERE key = ? AND expires > ?",
            (self._expiry(timeout), key, time.time()),
        )
        return cur.rowcount == 1

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM counters WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self.get(key, version=version) is not None

    def clear(self) -> None:
        self._db().execute("DELETE FROM counters")
