"""gunicorn's threaded worker, with a deadline on each request's head.

gunicorn's gthread worker hands a connection to a thread as soon as its first bytes arrive,
and the thread then reads the request line and headers with blocking reads and no time limit:
a client that sends its head a byte a second holds that thread for ever, and a few dozen of
them take every thread of every worker (measured: 48 such clients made /healthz time out).
Here the head must be complete within ``HEADER_READ_TIMEOUT`` seconds; a slower client's
socket is shut down by the same watchdog that cuts off slow bodies
(:mod:`paintrace.web.bodylimit`), which ends the blocked read and closes the connection.
Once the head is in, the deadline is dropped and the body gets its own.

Use it as ``--worker-class paintrace.web.worker.ThreadWorker``; ``paintrace serve`` does.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker as _GunicornThreadWorker

from paintrace.web.bodylimit import WATCHDOG

HEADER_READ_TIMEOUT = 5.0  # seconds for the request line and headers (one packet, normally)


class ThreadWorker(_GunicornThreadWorker):  # type: ignore[misc]
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
