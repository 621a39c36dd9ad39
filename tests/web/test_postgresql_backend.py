"""The PostgreSQL backend's health check: a dropped connection is replaced, a live one kept,
without a query of its own."""

from __future__ import annotations

import select
import time
from typing import Any

import pytest
from django.db import connection

from paintrace.web.postgresql.base import idle_connection_alive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in the suite's PostgreSQL pass")


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _next_request() -> None:
    """What Django does between requests (request_started/finished)."""
    connection.close_if_unusable_or_obsolete()


def _terminate(pid: int) -> None:
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # the server's goodbye reaches the idle socket
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass


def test_a_live_connection_is_kept_and_checked_without_a_query(
    postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _backend_pid()
    _next_request()
    assert idle_connection_alive(connection.connection)

    def select_1() -> bool:  # Django's own check: a round trip
        raise AssertionError("the per-request health check sent SELECT 1")

    monkeypatch.setattr(connection, "is_usable", select_1)
    assert _backend_pid() == pid  # the first query of a request runs the health check
    assert connection.health_check_done


def test_a_connection_the_server_dropped_is_replaced(postgres: None, api: Any) -> None:
    pid = _backend_pid()
    _terminate(pid)
    assert not idle_connection_alive(connection.connection)
    _next_request()
    # the next request's first query (the raw INSERT) gets a new connection, not an error
    response = api.post(
        "/api/assessments", {"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}
    )
    assert response.status_code == 201, response.content
    assert _backend_pid() != pid


def test_closed_or_missing_connections_are_not_alive(postgres: None) -> None:
    assert not idle_connection_alive(None)
    _backend_pid()
    raw = connection.connection
    connection.close()
    assert not idle_connection_alive(raw)
