"""Django's PostgreSQL backend, with a per-request health check that needs no round trip.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request
that reuses a connection. On the assessment write path that is a second statement beside the
one INSERT: measured, about 50 µs of the worker's CPU and 30 µs of the database server's per
request. A connection that the server has closed (a restart, an idle timeout, an administrator's
``pg_terminate_backend``) says so on its socket: the server sends its FATAL message and closes,
so the idle socket turns readable. Here a kept connection counts as healthy when libpq still
reports it open and nothing is waiting to be read on it; otherwise it is closed and the request
opens a new one, as with Django's check.

What neither check catches the same way: a server that vanished without closing the connection
(a network cut). ``SELECT 1`` would then wait for TCP to give up; here the request's own query
does, fails, and Django drops the connection when the request ends (``errors_occurred``).
``is_usable()``, which Django uses after an error, still runs the real ``SELECT 1``.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base

__all__ = ["DatabaseWrapper", "idle_connection_alive"]


def idle_connection_alive(connection: object) -> bool:
    """True if a psycopg connection that is idle between requests looks usable."""
    if connection is None or getattr(connection, "closed", True) or connection.broken:  # type: ignore[attr-defined]
        return False
    pgconn = connection.pgconn  # type: ignore[attr-defined]
    if pgconn.status != 0:  # CONNECTION_OK
        return False
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)  # anything to read now is a goodbye (or an unasked-for notice)


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not idle_connection_alive(self.connection):
            self.close()
        self.health_check_done = True
