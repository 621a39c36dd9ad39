"""The only way the web layer saves, reads and deletes assessments.

Pages and the API call these functions so that storage rules (random ids, what is kept, sealing,
retention, deleting for good) live in one place. What is stored is compact and sealed (see
:class:`paintrace.web.models.Assessment` and :mod:`paintrace.web.crypto`); what comes back is a
:class:`Saved`, whose ``result`` is worked out again from the input, once per row version.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.signals import post_delete
from django.utils import timezone

from paintrace.assessment import AssessmentInput, assess_input, parse_input
from paintrace.web import crypto
from paintrace.web.models import Assessment, new_assessment_id

# Ids are token_urlsafe(16): 22 characters from this alphabet. Checking the shape first saves a
# query for junk and keeps odd strings (NUL bytes, megabyte ids) away from the database driver.
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_RECORD = b"record"
_PDF = b"pdf"
_UNREAD: Any = object()  # Saved._pdf when the handout was not read with the record


class TooLarge(ValueError):
    """The record is larger than settings.MAX_RECORD_BYTES."""


def input_to_dict(inp: AssessmentInput) -> dict[str, Any]:
    """The contract input shape, so a saved input can be fed back to ``parse_input``."""
    age, sex = inp.patient.age, inp.patient.sex
    patient: dict[str, Any] = {} if age is None else {"age": age}
    if sex is not None:
        patient["sex"] = sex
    return {"drawing": dict(inp.drawing), "findings": dict(inp.findings), "patient": patient}


def _plausible(aid: object) -> bool:
    return isinstance(aid, str) and 16 <= len(aid) <= 43 and set(aid) <= _ID_CHARS


# ------------------------------------------------------------------ worked-out results, cached
# Keyed by a digest of the sealed bytes (a new version after every update gets a new key), and
# consulted only after the row was read: a deleted or expired record is never served from here.
# The dicts are shared by every reader of that version, so they are read-only: pages and the API
# build new dicts from them and never change them (Result.to_dict() makes plain JSON values).
_RESULTS: OrderedDict[str, dict[str, Any]] = OrderedDict()
_RESULTS_LOCK = threading.Lock()
_RESULTS_MAX = 256


def _work_out(version: str, inp: dict[str, Any], unknown: Collection[str]) -> dict[str, Any]:
    with _RESULTS_LOCK:
        hit = _RESULTS.get(version)
        if hit is not None:
            _RESULTS.move_to_end(version)
            return hit
    parsed = parse_input(inp)
    result = assess_input(parsed, skip=set(unknown) - set(parsed.findings)).to_dict()
    _remember(version, result)
    return result


def _remember(version: str, result: dict[str, Any]) -> None:
    with _RESULTS_LOCK:
        _RESULTS[version] = result
        while len(_RESULTS) > _RESULTS_MAX:
            _RESULTS.popitem(last=False)


def _forget(version: str) -> None:
    with _RESULTS_LOCK:
        _RESULTS.pop(version, None)


def _on_delete(sender: Any, instance: Assessment, **kwargs: Any) -> None:
    """Any delete (the page, the API, expiry, an account deleted): the worked-out result leaves
    memory with the row."""
    _forget(_version(bytes(instance.sealed)))


post_delete.connect(_on_delete, sender=Assessment, dispatch_uid="paintrace.store.results")


@dataclass
class Saved:
    """A saved assessment as the pages and the API see it."""

    id: str
    input: dict[str, Any]
    unknown: list[str]
    pain_score: int | None
    pain_since: str
    created_at: datetime
    expires_at: datetime | None
    version: str = field(repr=False)
    _result: dict[str, Any] | None = field(default=None, repr=False)
    # the sealed handout (or None) as read with the row by get(with_pdf=True); else _UNREAD
    _pdf: Any = field(default=_UNREAD, repr=False)

    @property
    def result(self) -> dict[str, Any]:
        """The core's Result.to_dict() for the saved input (worked out, not stored)."""
        if self._result is None:
            self._result = _work_out(self.version, self.input, self.unknown)
        return self._result

    @property
    def pk(self) -> str:
        return self.id

    def refresh_from_db(self) -> None:
        """Read the record again (after another request changed it)."""
        fresh = get(self.id)
        if fresh is None:
            raise LookupError("the assessment is gone (deleted or expired)")
        self.__dict__.update(fresh.__dict__)


def _payload(inp: dict[str, Any], unknown: list[str], pain: int | None, since: str) -> bytes:
    data = {"v": 1, "input": inp, "unknown": unknown, "pain": pain, "since": since}
    # orjson writes the same compact UTF-8 JSON as json.dumps(ensure_ascii=False) in a fraction
    # of the time; the values are ids, booleans, whole numbers and text, never NaN.
    raw = orjson.dumps(data)
    if len(raw) > settings.MAX_RECORD_BYTES:
        raise TooLarge(f"an assessment may hold at most {settings.MAX_RECORD_BYTES} bytes")
    return raw


def _version(sealed: bytes) -> str:
    return hashlib.sha256(sealed).hexdigest()[:32]


def _expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.RETENTION_DAYS)


def save(
    inp: AssessmentInput,
    result_dict: dict[str, Any] | None = None,
    *,
    unknown: Collection[str] = (),
    about: Mapping[str, Any] | None = None,
) -> Saved:
    """Save a new assessment. `unknown`: answered "I don't know"; `about`: pain and since when.

    `result_dict` (what the caller already worked out) only seeds the cache: the stored record
    is the input, from which the result is worked out again when read. The cache keeps the dict
    itself, not a copy, so the caller must not change it afterwards.
    """
    about = about or {}
    aid = new_assessment_id()
    data = input_to_dict(inp)
    skipped = sorted(set(unknown) - set(inp.findings))
    pain = about.get("pain")
    since = str(about.get("since") or "")
    sealed = crypto.seal(aid, _payload(data, skipped, pain, since), _RECORD)
    created = timezone.now()
    expires = _expiry(created)
    _insert(crypto.lookup_key(aid), sealed, created, expires)
    saved = Saved(aid, data, skipped, pain, since, created, expires, _version(sealed))
    if result_dict is not None:
        _remember(saved.version, result_dict)
    return saved


def _insert(lookup: str, sealed: bytes, created: datetime, expires: datetime) -> None:
    """One INSERT, without building a model instance: the write path's hottest statement.

    The ORM's create() costs about twice as much (instance, signals, SQL compilation) and adds
    nothing here: the row has no defaults or signal receivers beyond these columns.
    (On PostgreSQL the sealed bytes go as a binary parameter: paintrace.web.postgresql.)
    """
    db = connections[DEFAULT_DB_ALIAS]
    ops = db.ops
    params = [
        lookup,
        sealed,
        ops.adapt_datetimefield_value(created),
        ops.adapt_datetimefield_value(expires),
    ]
    sql = _insert_sql(db.vendor)
    if db.queries_logged or db.in_atomic_block:  # Django's own cursor: logged, or checked
        with db.cursor() as cursor:
            cursor.execute(sql, params)
        return
    with db.wrap_database_errors:
        _kept_cursor(db).execute(sql, params)


def _kept_cursor(db: Any) -> Any:
    """The driver's cursor for this connection, made once and kept with it.

    ``connection.cursor()`` makes a new driver cursor and a Django wrapper for every statement.
    Measured in a loop, the INSERT cost the worker 158 µs of CPU that way and 119 µs with the
    kept cursor on PostgreSQL, the round trip included (SQLite: 119 and 100 µs). It is used
    only outside transactions and when no queries are logged (tests, DEBUG), where Django's
    wrapper adds checks or records; it goes through the same health check, connecting and error
    translation as Django's cursors, and a new one is made whenever the connection was replaced
    (closed, failed its health check, expired).
    """
    db.close_if_health_check_failed()
    db.ensure_connection()
    kept = db.__dict__.get("_pt_kept_cursor")
    if kept is None or kept[0] is not db.connection:
        db.validate_thread_sharing()
        kept = (db.connection, db.create_cursor())
        db._pt_kept_cursor = kept
    return kept[1]


def _quoted(*names: str) -> tuple[str, ...]:
    """The assessment table's name, then these fields' columns, quoted for this database."""
    meta = Assessment._meta
    quote = connection.ops.quote_name
    return (quote(meta.db_table), *(quote(meta.get_field(n).column) for n in names))


@functools.cache
def _insert_sql(vendor: str) -> str:
    table, *columns = _quoted("lookup", "sealed", "created_at", "expires_at")
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES (%s, %s, %s, %s)"


def update(
    saved: Saved, inp: AssessmentInput, result_dict: dict[str, Any], unknown: Collection[str]
) -> Saved:
    """Replace the answers of a saved assessment (answers given on the result page)."""
    data = input_to_dict(inp)
    skipped = sorted(set(unknown) - set(inp.findings))
    sealed = crypto.seal(
        saved.id, _payload(data, skipped, saved.pain_score, saved.pain_since), _RECORD
    )
    Assessment.objects.filter(pk=crypto.lookup_key(saved.id)).update(sealed=sealed, pdf=None)
    _forget(saved.version)
    saved.input, saved.unknown, saved.version = data, skipped, _version(sealed)
    saved._result = result_dict
    _remember(saved.version, result_dict)  # the page the answers redirect to reads it next
    return saved


def _live(aid: str) -> Any:
    now = timezone.now()
    rows = Assessment.objects.filter(pk=crypto.lookup_key(aid))
    return rows.exclude(expires_at__lte=now)


def get(aid: str, *, with_pdf: bool = False) -> Saved | None:
    """The saved assessment behind this id, or None (no such id, deleted, or expired).

    `with_pdf`: also read the handout kept with it, in the same query, for a download; other
    readers leave its ~14 KB in the table.
    """
    if not _plausible(aid):
        return None
    row = _read_live(crypto.lookup_key(aid), with_pdf)
    if row is None:
        return None
    sealed = bytes(row[0])
    try:
        data = orjson.loads(crypto.open_sealed(aid, sealed, _RECORD))
    except (crypto.Unreadable, ValueError):
        return None
    return Saved(
        aid,
        data["input"],
        list(data.get("unknown") or []),
        data.get("pain"),
        str(data.get("since") or ""),
        _datetime_from_db(row[1]),
        _datetime_from_db(row[2]),
        _version(sealed),
        _pdf=row[3] if with_pdf else _UNREAD,
    )


def _read_live(lookup: str, with_pdf: bool) -> tuple[Any, ...] | None:
    """The live row's sealed record, created and expiry dates (and kept handout): one SELECT.

    Written as SQL, like _insert: every result page and download starts here, and measured in a
    loop the ORM's filter, exclude, defer and first() took about 480 µs, this about 60. "Live"
    is _live's condition (not expired; NULL never expires), which the rarer updates use.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(connection.vendor, with_pdf), [lookup, now])
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


@functools.cache
def _select_sql(vendor: str, with_pdf: bool) -> str:
    read = ("sealed", "created_at", "expires_at", *(("pdf",) if with_pdf else ()))
    table, lookup, expires, *columns = _quoted("lookup", "expires_at", *read)
    return (
        f"SELECT {', '.join(columns)} FROM {table} "
        f"WHERE {lookup} = %s AND ({expires} IS NULL OR {expires} > %s)"
    )


def _datetime_from_db(value: Any) -> datetime | None:
    """A DateTimeField's value as the ORM returns it: aware (SQLite hands back naive ones)."""
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is not None:
        value = convert(value, None, connection)
    return cast(datetime | None, value)


def cached_pdf(saved: Saved, *, again: bool = False) -> bytes | None:
    """The handout rendered earlier for this version of the record, if any.

    Read with the record when it was got ``with_pdf``; `again` reads the database anyway
    (another thread may have rendered it meanwhile).
    """
    sealed = saved._pdf
    if again or sealed is _UNREAD:
        row = _read_live(crypto.lookup_key(saved.id), with_pdf=True)
        sealed = row[3] if row else None
    if not sealed:
        return None
    try:
        raw = crypto.open_sealed(saved.id, sealed, _PDF)
    except crypto.Unreadable:
        return None
    version, pdf = raw[:32].decode(), raw[32:]
    return pdf if version == saved.version else None


def keep_pdf(saved: Saved, pdf: bytes) -> None:
    """Store the rendered handout, sealed, with the record (deleted with it)."""
    sealed = crypto.seal(saved.id, saved.version.encode() + pdf, _PDF)
    Assessment.objects.filter(pk=crypto.lookup_key(saved.id)).update(pdf=sealed)


def keep(aid: str) -> None:
    """Keep the assessment until it is deleted (saved to an account: no retention expiry)."""
    if _plausible(aid):
        _live(aid).update(expires_at=None)


def delete(aid: str) -> bool:
    """Delete for good (no soft delete: a person asking to forget must be forgotten).

    On SQLite the freed pages are zeroed (secure_delete) and the write-ahead log is
    checkpointed and truncated, so the bytes are gone from the files, not just unlinked.
    """
    if not _plausible(aid):
        return False
    deleted, _ = Assessment.objects.filter(pk=crypto.lookup_key(aid)).delete()
    if deleted and connection.vendor == "sqlite":
        wipe_sqlite_log()
    return deleted > 0


def wipe_sqlite_log() -> None:
    """Copy the WAL into the (secure_delete-zeroed) database file and truncate it to 0 bytes.

    Only outside a transaction: inside one the deletion is not committed yet; the checkpoint
    then happens at the next delete or when SQLite checkpoints on its own.
    """
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def purge_expired(now: datetime | None = None) -> int:
    """Delete every assessment past its retention; returns how many."""
    deleted, _ = Assessment.objects.filter(expires_at__lte=now or timezone.now()).delete()
    if deleted and connection.vendor == "sqlite":
        wipe_sqlite_log()
    return deleted


_LINK = re.compile(r"/a/([A-Za-z0-9_-]{16,43})/")


def from_url(text: str) -> Saved | None:
    """The saved assessment a result link (or a page containing one) points to."""
    match = _LINK.search(text)
    return get(match.group(1)) if match else None
