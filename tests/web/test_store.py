"""paintrace.web.store reads rows with its own SQL: it must read what the ORM would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from paintrace.web import crypto, store
from paintrace.web.models import Assessment

pytestmark = pytest.mark.django_db

CASE = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {"worse-sitting": True}}


def _rows(aid: str) -> Any:
    return Assessment.objects.filter(pk=crypto.lookup_key(aid))


def test_get_reads_the_dates_the_orm_reads(api: Any) -> None:
    aid = api.post("/api/assessments", CASE).json()["id"]
    saved = store.get(aid)
    assert saved is not None and saved.input["drawing"] == CASE["drawing"]
    row = _rows(aid).get()
    assert saved.created_at == row.created_at and timezone.is_aware(saved.created_at)
    assert saved.expires_at == row.expires_at and timezone.is_aware(saved.expires_at)
    store.keep(aid)  # saved to an account: no expiry
    kept = store.get(aid)
    assert kept is not None and kept.expires_at is None


def test_get_skips_an_expired_row_to_the_second(api: Any) -> None:
    aid = api.post("/api/assessments", CASE).json()["id"]
    now = timezone.now()
    _rows(aid).update(expires_at=now)
    assert store.get(aid) is None  # expiring now is expired
    _rows(aid).update(expires_at=now + timedelta(seconds=30))
    assert store.get(aid) is not None


def test_the_handout_comes_with_the_record_only_when_asked(api: Any) -> None:
    aid = api.post("/api/assessments", CASE).json()["id"]
    plain = store.get(aid)
    assert plain is not None
    with_pdf = store.get(aid, with_pdf=True)
    assert with_pdf is not None and with_pdf._pdf is None  # read: none kept yet
    assert plain._pdf is store._UNREAD  # not read
    assert store.cached_pdf(with_pdf) is None
    store.keep_pdf(with_pdf, b"%PDF-1.7 handout")
    assert store.cached_pdf(with_pdf) is None  # what was read with the record
    assert store.cached_pdf(with_pdf, again=True) == b"%PDF-1.7 handout"
    again = store.get(aid, with_pdf=True)
    assert again is not None and store.cached_pdf(again) == b"%PDF-1.7 handout"
    assert store.cached_pdf(plain) == b"%PDF-1.7 handout"  # not read with it: asks the database


@pytest.mark.django_db(transaction=True)  # a fresh connection: it counts runs per connection
def test_postgresql_prepares_the_write_after_a_few_runs(api: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server to prepare on")
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold is not None  # paintrace prepares unless the URL says off
    connection.close()  # earlier tests may have run the INSERT on this one already

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if row[0].startswith("INSERT INTO")]

    for _ in range(threshold):
        api.post("/api/assessments", CASE)
    assert prepared() == []  # run `threshold` times: not yet
    api.post("/api/assessments", CASE)
    server_form = store._insert_sql(connection.vendor).replace("%s", "${}").format(1, 2, 3, 4)
    assert prepared() == [server_form]
    aid = api.post("/api/assessments", CASE).json()["id"]  # written by the prepared statement
    saved = store.get(aid)
    assert saved is not None and saved.input["drawing"] == CASE["drawing"]


@pytest.mark.django_db(transaction=True)  # no transaction around the test: the kept cursor's case
def test_the_write_reuses_one_cursor_per_connection(api: Any) -> None:
    from django.db import connections

    db = connections["default"]  # the connection itself (django.db.connection is a proxy)
    first = api.post("/api/assessments", CASE).json()["id"]
    kept = db.__dict__["_pt_kept_cursor"]
    assert kept[0] is connection.connection
    second = api.post("/api/assessments", CASE).json()["id"]
    assert db.__dict__["_pt_kept_cursor"] is kept
    db.close()  # as after a failed health check, an error or CONN_MAX_AGE
    third = api.post("/api/assessments", CASE).json()["id"]
    renewed = db.__dict__["_pt_kept_cursor"]
    assert renewed[0] is db.connection
    # a new connection gets a new cursor (SQLite's test database lives in memory: never closed)
    assert (renewed is not kept) == (db.connection is not kept[0])
    if db.vendor == "postgresql":
        assert renewed is not kept
    for aid in (first, second, third):
        saved = store.get(aid)
        assert saved is not None and saved.input["drawing"] == CASE["drawing"]


@pytest.mark.django_db(transaction=True)
def test_the_kept_cursor_raises_djangos_errors_and_logged_writes_are_logged() -> None:
    from django.db import IntegrityError
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    store._insert("a" * 64, b"sealed", now, now)
    with pytest.raises(IntegrityError):  # Django's class, not the driver's
        store._insert("a" * 64, b"sealed", now, now)
    store._insert("b" * 64, b"sealed", now, now)  # the connection and cursor still work
    with CaptureQueriesContext(connection) as seen:
        store._insert("c" * 64, b"sealed", now, now)
    assert [q["sql"] for q in seen.captured_queries if "INSERT" in q["sql"]]
    assert Assessment.objects.filter(lookup__in=["a" * 64, "b" * 64, "c" * 64]).count() == 3
