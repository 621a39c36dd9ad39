"""Migrating a running install: one instance at a time, and never half-way back.

``paintrace serve`` migrates the database on every start (docs/deploy.md). Two instances
started together on one database, or two ``serve`` on one data folder, used to work out the same
plan at once and both apply it: the slower failed on a table the faster had just made (SQLite:
``table ... already exists``; PostgreSQL: a duplicate key in ``pg_type``) and did not start.
:func:`one_at_a_time` makes them take turns: the second waits for the first, then finds nothing
left to do. The app's ``migrate`` command (``management/commands/migrate.py``) takes the same
turn, so ``python -m paintrace.web.manage migrate`` run from two places at once, or beside a
starting ``serve``, does too. ``serve`` holds the turn around migrate and collectstatic and runs
that command inside it: the turn is re-entrant within a thread.

* PostgreSQL: an advisory lock held by a transaction on a connection of its own while the
  migration runs on Django's. It ends with that transaction, so a process that dies cannot leave
  it behind, and it holds through PgBouncer in transaction mode (a session-level lock could be
  taken on one server connection and released on another, and stay taken). A server whose
  ``idle_in_transaction_session_timeout`` is shorter than the migration ends the lock early:
  that start is then as unguarded as before, no worse.
* SQLite: an exclusive ``flock`` on a file beside the database (SQLite is for one machine).

:func:`refuse_irreversible` guards the way back: asked for a state before a migration that
cannot be undone, Django undoes every later migration first and fails only when it reaches that
one (``migrate paintrace 0002`` dropped the tables of accounts, check-ins and view links, then
stopped at 0003). It is refused before anything is undone.
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

# The advisory lock's key: any fixed bigint that nothing else locks; this is b"paintrac".
LOCK_KEY = 0x7061696E74726163


def _say_waiting() -> None:
    print("paintrace: another instance is migrating the database; waiting for it", file=sys.stderr)
    sys.stderr.flush()


@contextlib.contextmanager
def _postgresql_lock(alias: str) -> Iterator[None]:
    lock = connections.create_connection(alias)  # its own connection, not the migration's
    try:
        lock.set_autocommit(False)
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                _say_waiting()
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        yield
    finally:
        with contextlib.suppress(DatabaseError):  # the server may have ended it already
            lock.rollback()  # ends the transaction, and the lock with it
        lock.close()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say_waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


_HELD = threading.local()  # .aliases: the databases whose turn this thread holds


@contextlib.contextmanager
def one_at_a_time(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Held by one process at a time per database, for migrating and collecting static files.

    Re-entrant in a thread: taken again inside itself (prepare() runs the migrate command,
    which takes it too), it is already held. A second flock on a new handle of the file, or a
    second advisory lock from a new connection, would wait for ever on the first."""
    held: set[str] | None = getattr(_HELD, "aliases", None)
    if held is None:
        held = _HELD.aliases = set()
    if alias in held:
        yield
        return
    connection = connections[alias]
    if connection.vendor == "postgresql":
        lock: contextlib.AbstractContextManager[None] = _postgresql_lock(alias)
    elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
        lock = _file_lock(Path(f"{connection.settings_dict['NAME']}.migrate-lock"))
    else:
        lock = contextlib.nullcontext()
    with lock:
        held.add(alias)
        try:
            yield
        finally:
            held.discard(alias)


def refuse_irreversible(plan: Any = None, **kwargs: Any) -> None:
    """``pre_migrate``: refuse a plan that undoes a migration that cannot be undone, before it
    undoes anything. (With ``--fake`` too: the signal does not say, and recording a state the
    tables are not in is no way back either.)"""
    for migration, backwards in plan or ():
        if not backwards:
            continue
        stuck = [op for op in migration.operations if not op.reversible]
        if stuck:
            raise CommandError(
                f"{migration.app_label}.{migration.name} cannot be undone "
                f"({stuck[0].describe()}), so the database cannot go back before it; nothing "
                "was changed. To go back, restore the backup taken before the upgrade "
                "(docs/deploy.md, Upgrading)."
            )
