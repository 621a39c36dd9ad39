"""Rendered result pages kept in process memory: ``/a/<id>/`` and ``/v/<token>/``.

The result page is a large template: rendering it took about two thirds of the request. The
same version of a record renders to the same HTML for everyone who sees it the same way, so
this module keeps the HTML and serves it again. What makes that safe:

* **The row is read first.** Callers look the record up (``store.get`` / ``view_links``)
  before they ask here, exactly like ``store._RESULTS``: a deleted, expired or revoked record
  is a 404/410 before this cache is consulted. Entries are keyed by the record's version (a
  digest of its sealed bytes), so answers given later (a new version) miss the old HTML.
* **Everything request-dependent is in the key** (:func:`_request_key`): logged in or not
  (the header and the "save to my account" text), the scheme and host (``share_url`` is an
  absolute link), the script prefix (every ``{% url %}``), the language and time zone (dates;
  a logged-in person's own zone, activated by ``paintrace.web.time_zones``), the emergency
  number, and what the caller adds (owner page or view-only page, whether the
  person looking keeps the assessment in their account, and the view link's expiry date,
  which the view-only page shows). The templates read nothing else from
  the request: ``tests/web_pages/test_page_cache.py`` fails if one starts to.
* **No secret is cached.** The HTML is rendered with placeholders for the CSRF token and for
  the secret id, and the real values are put in on every serve. The CSRF token comes from
  ``get_token(request)``, which also marks the CSRF cookie to be set, as rendering would. So
  the cached HTML holds neither a link nor a token, and the view-only page, rendered without
  the id in the first place, can never pick one up.
* **One-off content is never cached.** A request with flash messages to show is rendered
  normally and not stored (showing them uses them up); error pages (the answer form's 400)
  do not come through here.

Bounds: at most ``MAX_ENTRIES`` pages and ``MAX_BYTES`` of HTML per process (least recently
used first out); a page older than ``TTL_SECONDS`` is never served and is dropped at the next
request that reaches the cache. Deleting an assessment
(any path: the page, the API, expiry, an account deleted) drops its pages at once through the
``post_delete`` signal; a newer version of a record replaces the older one's pages.
Nothing is written to disk or shared between processes.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models.signals import post_delete
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation

from paintrace.web import crypto, store
from paintrace.web.models import Assessment

MAX_ENTRIES = 128
MAX_BYTES = 16 * 1024 * 1024  # about 230 result pages of 70 KB: MAX_ENTRIES binds first
TTL_SECONDS = 600.0

# Placeholders rendered in place of the CSRF token and the secret id; random per process so no
# text on a page can match them by accident. Both are URL-safe and need no HTML escaping.
CSRF_MARK = "ptcsrf" + secrets.token_hex(16)
ID_MARK = "ptid" + secrets.token_hex(16)

Key = tuple[Hashable, ...]


@dataclass(frozen=True)
class _Entry:
    record: str
    version: str
    html: str
    born: float


class PageCache:
    """A thread-safe LRU of rendered pages, grouped by record so that a record's pages can be
    dropped together (deleted) or replaced (a newer version)."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries, self.max_bytes, self.ttl, self._clock = max_entries, max_bytes, ttl, clock
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()  # least recently used first
        self._born: OrderedDict[Key, None] = OrderedDict()  # oldest first
        self._by_record: dict[str, set[Key]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: Key) -> str | None:
        with self._lock:
            self._drop_stale()
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry.html

    def put(self, key: Key, record: str, version: str, html: str) -> None:
        size = len(html)
        if size > self.max_bytes:
            return
        with self._lock:
            self._drop_stale()
            for old in list(self._by_record.get(record, ())):
                if old == key or self._entries[old].version != version:
                    self._drop(old)  # the same page again, or a page of an older version
            self._entries[key] = _Entry(record, version, html, self._clock())
            self._born[key] = None
            self._by_record.setdefault(record, set()).add(key)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def forget(self, record: str) -> None:
        """Drop every page of one record (it was deleted or changed)."""
        with self._lock:
            for key in list(self._by_record.get(record, ())):
                self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._born.clear()
            self._by_record.clear()
            self._bytes = 0

    def _drop_stale(self) -> None:  # with the lock held
        oldest = self._clock() - self.ttl
        while self._born:
            key = next(iter(self._born))
            if self._entries[key].born >= oldest:
                break
            self._drop(key)

    def _drop(self, key: Key) -> None:  # with the lock held
        entry = self._entries.pop(key)
        del self._born[key]
        self._bytes -= len(entry.html)
        keys = self._by_record[entry.record]
        keys.discard(key)
        if not keys:
            del self._by_record[entry.record]


PAGES = PageCache()


def record_of(saved: store.Saved) -> str:
    """The record's database key (the id's one-way hash): what a delete names."""
    return crypto.lookup_key(saved.id)


def forget(saved: store.Saved) -> None:
    PAGES.forget(record_of(saved))


def _on_delete(sender: Any, instance: Assessment, **kwargs: Any) -> None:
    PAGES.forget(str(instance.pk))


post_delete.connect(_on_delete, sender=Assessment, dispatch_uid="paintrace.page_cache")


def _has_messages(request: HttpRequest) -> bool:
    # len() loads the stored messages without marking them shown (iterating would).
    return bool(len(messages.get_messages(request)))


def _request_key(request: HttpRequest) -> Key:
    """Everything about the request that the result templates show (see the module's doc)."""
    user = getattr(request, "user", None)
    return (
        bool(user is not None and user.is_authenticated),
        request.scheme,
        request.get_host(),
        get_script_prefix(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        settings.EMERGENCY_NUMBER,
    )


def serve(
    request: HttpRequest,
    saved: store.Saved,
    template: str,
    context: Callable[[str], dict[str, Any]],
    variant: Key = (),
) -> HttpResponse:
    """The page for `saved`, from the cache when it can be, rendered and kept when not.

    `context(link_id)` builds the template's context with `link_id` wherever the secret id goes
    (links, forms, the share box); `variant` names what else the caller's page depends on (for
    example owner or view-only). Call only after the record was read from the database.
    """
    if _has_messages(request):
        return render(request, template, context(saved.id))
    key = (record_of(saved), saved.version, variant, _request_key(request))
    html = PAGES.get(key)
    if html is None:
        values = {**context(ID_MARK), "csrf_token": CSRF_MARK, "messages": ()}
        html = render_to_string(template, values, request)
        PAGES.put(key, key[0], saved.version, html)
    if CSRF_MARK in html:
        token = get_token(request)  # also marks the CSRF cookie to be sent, as rendering does
        if token is None:  # no CSRF middleware: render as Django would without it
            return render(request, template, context(saved.id))
        html = html.replace(CSRF_MARK, token)
    return HttpResponse(html.replace(ID_MARK, saved.id))
