"""The journal's summary for a clinician as a PDF (``/journal/summary.pdf`` and through a share
link, ``/s/<token>/summary.pdf``), kept in process memory for a few minutes.

Rendering the PDF (WeasyPrint) takes about a second of CPU (measured: 0.9 s for 90 check-ins,
1.4 s for 2,000, 8.5 s for the 20,000 an account may hold); building the page it is made from,
a tenth to a thirtieth of that. The plan's handout is kept with its saved record because a
saved version never changes. A journal changes all the time (a check-in added, edited or
deleted, a rating, a newer assessment, the knowledge base, the day), so a version number kept
beside it would have to name every one of those and would go stale the day one is added.
Instead the page is built first, every time, and the PDF is kept under a digest of that page:
the same page makes the same PDF, and anything that changes what the clinician reads changes
the page, so it is rendered afresh. Nothing is missed by construction.

What is kept, and for how long: per process, the latest PDF of at most ``MAX_ACCOUNTS``
accounts and ``MAX_BYTES`` in all (least recently used first out), each served for at most
``TTL_SECONDS`` after it was rendered and dropped at the process's first request after that,
whatever the request is for (``request_started``). Nothing is written to disk or shared between
processes. Deleting the account drops its PDF at once (``post_delete``), in the process that
deletes it, which then keeps none for it (not even from a render still running then);
another process's copy can only be found by building the same page from the journal, which
is gone, and goes with its time. docs/security.md says the same.

Every request still counts against the client's ``render`` limit: building the page costs
CPU even when the PDF is kept, and a share link lets anyone who holds it ask.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db.models.signals import post_delete
from django.http import HttpRequest, HttpResponse

from paintrace.web import ratelimit

MAX_ACCOUNTS = 32
MAX_GONE = 4096  # deleted accounts remembered, so that a render still running is not kept
MAX_BYTES = 8 * 1024 * 1024  # a summary is 35 to 130 KB; a journal of 20,000 check-ins 640 KB
TTL_SECONDS = 600.0
FILENAME = "paintrace-clinician-summary.pdf"


class _Kept:
    """The latest PDF of each account, with the digest of the page it was made from."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[int, tuple[str, bytes, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._clock = clock
        # Accounts deleted in this process. A render that was running while its account was
        # deleted would otherwise keep the PDF after forget(); account numbers are not reused
        # (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so remembering them is safe.
        self._gone: OrderedDict[int, None] = OrderedDict()

    def get(self, account: int, digest: str) -> bytes | None:
        with self._lock:
            self._drop_stale()
            entry = self._entries.get(account)
            if entry is None or entry[0] != digest:
                return None
            self._entries.move_to_end(account)
            return entry[1]

    def put(self, account: int, digest: str, pdf: bytes) -> None:
        if len(pdf) > MAX_BYTES:
            return
        with self._lock:
            self._drop_stale()
            if account in self._gone:
                return
            if account in self._entries:
                self._drop(account)  # an older version of the journal, or the same again
            self._entries[account] = (digest, pdf, self._clock())
            self._bytes += len(pdf)
            while len(self._entries) > MAX_ACCOUNTS or self._bytes > MAX_BYTES:
                self._drop(next(iter(self._entries)))

    def sweep(self) -> None:
        """Drop every PDF past its time, whosever it is. Called on every request: with nothing
        kept, as in most workers most of the time, it returns without taking the lock (a PDF
        put meanwhile is seen by the next request)."""
        if not self._entries:
            return
        with self._lock:
            self._drop_stale()

    def forget(self, account: int) -> None:
        """The account is gone: drop its PDF, and keep none rendered for it from now on."""
        with self._lock:
            if account in self._entries:
                self._drop(account)
            self._gone[account] = None
            while len(self._gone) > MAX_GONE:
                self._gone.popitem(last=False)

    def accounts(self) -> list[int]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._gone.clear()
            self._bytes = 0

    def _drop_stale(self) -> None:  # with the lock held; at most MAX_ACCOUNTS to look at
        oldest = self._clock() - TTL_SECONDS
        for account in [a for a, entry in self._entries.items() if entry[2] < oldest]:
            self._drop(account)

    def _drop(self, account: int) -> None:  # with the lock held
        self._bytes -= len(self._entries.pop(account)[1])


KEPT = _Kept()


def _on_account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    KEPT.forget(instance.pk)


post_delete.connect(
    _on_account_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="paintrace.clinician_pdf"
)


def _sweep(**kwargs: Any) -> None:
    KEPT.sweep()


# Every request to the worker, not only a PDF's, drops the PDFs past their time: one of an
# account that never asks again (or was deleted in another worker) does not stay for good.
request_started.connect(_sweep, dispatch_uid="paintrace.clinician_pdf.sweep")


def render(html: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf


def response(request: HttpRequest, user: Any, page: Callable[[], str]) -> HttpResponse:
    """The summary of `user`'s journal as a download; `page()` builds the HTML it is made from.
    Rendered when no kept PDF was made from the same page, within the process's limit on PDF
    renders at once (503 when too busy), like every PDF of the app."""
    from paintrace.web.journal_http import download
    from paintrace.web.pdf import busy_response, rendered

    wait = ratelimit.hit(request, "render")
    if wait:
        return ratelimit.too_many(request, wait)
    html = page()
    digest = hashlib.sha256(html.encode()).hexdigest()

    def render_and_keep() -> bytes:
        pdf = KEPT.get(user.pk, digest)  # another thread may have rendered it meanwhile
        if pdf is None:
            pdf = render(html)
            KEPT.put(user.pk, digest, pdf)
        return pdf

    pdf = KEPT.get(user.pk, digest) or rendered(render_and_keep)
    if pdf is None:
        return busy_response()
    return download(pdf, "application/pdf", FILENAME)
