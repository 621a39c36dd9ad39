"""gunicorn's threaded worker, with a deadline on each request's head.

gunicorn's gthread worker hands a connection to a thread as soon as its first bytes arrive,
and the thread then reads the request line and headers with blocking reads and no time limit:
a client that sends its head a byte a second holds that thread for ever, and a few dozen of
them take every thread of every worker (measured: 48 such clients made /healthz time out).
Here the head must be complete within ``HEADER_READ_TIMEOUT`` seconds; a slower client's
socket is shut down by the same watchdog that cuts off slow bodies
(:mod:`paintrace.web.bodylimit`), which ends the blocked read and closes the connection.
Once the head is in, the deadline is dropped and the body gets its own.

gunicorn answers a request it cannot parse (a bad request line, a line or headers too long)
itself, before the app runs, so the app's privacy headers never reach that answer. Its own
page echoes the request line, which may hold an assessment's id, and carries no
``Cache-Control``: a 414 or 501 may be stored by a cache unless told not to. This worker
answers those with a short plain-text page of its own: the status in words, ``no-store``,
``noindex``, and nothing of the request.

Use it as ``--worker-class paintrace.web.worker.ThreadWorker``; ``paintrace serve`` does.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker as _GunicornThreadWorker

from paintrace.web.bodylimit import WATCHDOG
from paintrace.web.private_headers import PRIVATE_HEADERS

HEADER_READ_TIMEOUT = 5.0  # seconds for the request line and headers (one packet, normally)


def write_plain_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error`` with the app's privacy headers and without the echo of
    the request (``mesg``, gunicorn's text, goes to its error log only, which is redacted)."""
    body = f"{status_int} {reason}\n".encode("latin-1", "replace")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in PRIVATE_HEADERS)
        + "X-Content-Type-Options: nosniff\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1", "replace") + body)


class ThreadWorker(_GunicornThreadWorker):  # type: ignore[misc]
    def init_process(self) -> None:
        # gunicorn's base worker looks write_error up on its util module at each error; set
        # here, after the fork, it changes the workers of this class and nothing else.
        util.write_error = write_plain_error
        super().init_process()

    def handle(self, conn: Any) -> Any:
        conn.pt_head_watch = WATCHDOG.watch(conn.sock, time.monotonic() + HEADER_READ_TIMEOUT)
        try:
            return super().handle(conn)
        finally:
            self._head_done(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        self._head_done(conn)  # the head is in: the app (and the body's deadline) take over
        return super().handle_request(req, conn)

    @staticmethod
    def _head_done(conn: Any) -> None:
        key = getattr(conn, "pt_head_watch", None)
        if key is not None:
            WATCHDOG.forget(key)
            conn.pt_head_watch = None
