"""Read each request body whole, within a size limit and a deadline, before Django sees it.

gunicorn's threads read the body when the view asks for it, with no time limit: a client that
sends one byte a second holds a thread for as long as it likes. This WSGI wrapper reads the body
first, at most ``MAX_REQUEST_BYTES`` (larger: 413 without reading it) and within
``BODY_READ_TIMEOUT`` seconds in total (slower: 408 and the connection is closed), then hands
Django the bytes from memory.

The API is answered in its JSON. Anything else is a page a person sent, often an interview step
that htmx swaps into the screen: JSON there would be shown to them raw, so the pages get a short
HTML page in plain words instead (what happened, what to do), written out once at start, since
no template engine runs this far out.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from paintrace.web.private_headers import PRIVATE_HEADERS

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_CHUNK = 16 * 1024


class _Watchdog:
    """One thread per process that cuts off bodies past their deadline.

    gunicorn's body reader loops over recv until it has the bytes asked for, so a per-recv
    socket timeout never fires for a client that sends a byte a second. Shutting the socket's
    read side down ends the blocked read at once; the reader then sees the deadline passed.
    """

    def __init__(self) -> None:
        self._deadlines: dict[int, tuple[float, socket.socket]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> int:
        key = id(sock)
        with self._lock:
            self._deadlines[key] = (deadline, sock)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="bodylimit")
                self._thread.start()
        return key

    def forget(self, key: int) -> None:
        with self._lock:
            self._deadlines.pop(key, None)

    def _run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self._lock:
                late = [k for k, (deadline, _) in self._deadlines.items() if deadline <= now]
                socks = [self._deadlines.pop(k)[1] for k in late]
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RD)


WATCHDOG = _Watchdog()  # one per process; paintrace.web.worker uses it for request heads


# What a person reads when a page's form is refused here: (heading, what happened, what to do).
# docs/deploy.md's nginx answers a body over its own limit with a copy of the 413 page and of
# the API's JSON (tests/web/test_nginx_proxy.py compares them): change them together.
_PAGE_WORDS = {
    "400": (
        "We could not read what you sent",
        "What you sent did not arrive whole, so nothing was saved.",
        "Go back with your browser's Back button and send it again.",
    ),
    "408": (
        "Your connection was too slow",
        "What you sent did not arrive in time, so nothing was saved.",
        "Check your internet connection. Then go back with your browser's Back button and "
        "send it again.",
    ),
    "413": (
        "What you sent was too large",
        "It was more than this site can take at once, so nothing was saved.",
        "Go back with your browser's Back button, make anything you typed shorter, and send it "
        "again.",
    ),
}

# The markup of the site's other error pages (templates/500.html): the same header, heading
# and classes, so it looks like them when shown whole and when htmx swaps it into a page.
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error: {heading} · paintrace</title>
<link rel="icon" href="{icon}" type="image/svg+xml">
<link rel="stylesheet" href="{stylesheet}">
</head>
<body class="page">
<a class="skip-link" href="#main">Skip to the main content</a>
<header class="site-header"><div class="wrap header-inner"><a class="brand" href="/">\
<span class="brand-mark" aria-hidden="true"></span>paintrace</a></div></header>
<main id="main" tabindex="-1">
<div class="wrap">
<section class="error-page" aria-labelledby="error-heading">
  <h1 id="error-heading">{heading}</h1>
  <p class="lead">{happened}</p>
  <p>{to_do}</p>
  <p><a class="btn btn-primary" href="/">Go to the start</a></p>
  <p class="muted">If you are worried about your symptoms, or anything gets worse, see a doctor. \
In an emergency, call your emergency number.</p>
</section>
</div>
</main>
</body>
</html>
"""


def page(
    heading: str,
    happened: str,
    to_do: str,
    stylesheet: str = "/static/paintrace/app.css",
    icon: str = "/static/paintrace/favicon.svg",
) -> bytes:
    """One small error page in the site's look. Public because docs/deploy.md's nginx answers
    in it too, with its own words when the app is down (no app answers then to copy from):
    tests/web/test_nginx_upstream.py builds the page nginx must send from here."""
    return _PAGE.format(
        stylesheet=html.escape(stylesheet),
        icon=html.escape(icon),
        heading=html.escape(heading),
        happened=html.escape(happened),
        to_do=html.escape(to_do),
    ).encode()


def refusal_pages(
    stylesheet: str = "/static/paintrace/app.css", icon: str = "/static/paintrace/favicon.svg"
) -> dict[str, bytes]:
    """The HTML answer for each status, by its code ("413"): built once, not per request."""
    return {code: page(*words, stylesheet, icon) for code, words in _PAGE_WORDS.items()}


def _is_api(environ: Mapping[str, Any]) -> bool:
    path = str(environ.get("PATH_INFO", ""))
    return path == "/api" or path.startswith("/api/")


# (status, the API's message) of the refusals given in more than one place below
_TOO_LARGE = ("413 Content Too Large", "the request body is too large")
_TOO_SLOW = ("408 Request Timeout", "the body came too slowly")


class BodyLimit:
    def __init__(
        self,
        app: WSGIApp,
        max_bytes: int,
        timeout: float,
        large: dict[str, int] | None = None,
        pages: Mapping[str, bytes] | None = None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.large = large or {}  # path -> a larger limit (the journal import)
        self.pages = dict(pages) if pages is not None else refusal_pages()
        self.headers = list(headers)  # the security headers Django's middleware would add

    def _reject(
        self,
        environ: Mapping[str, Any],
        start_response: Callable[..., Any],
        status: str,
        message: str,
        sock: Any = None,
    ) -> list[bytes]:
        """The error, and the connection's end when `sock` still holds unread body: gunicorn
        drops the app's ``Connection: close`` and would keep it alive, waiting for the rest of a
        body it then reads and throws away. With the read side shut, it sees the end of the
        stream and closes once the answer is written."""
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RD)
        if _is_api(environ):
            error = {"detail": [{"loc": ["body"], "msg": message, "type": "body"}]}
            body, content_type = json.dumps(error).encode(), "application/json"
        else:
            body, content_type = self.pages[status[:3]], "text/html; charset=utf-8"
        start_response(
            status,
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
                *PRIVATE_HEADERS,  # as on every other answer
                *self.headers,
            ],
        )
        # HEAD: the headers a GET would get, Content-Length included, and no body.
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        max_bytes = self.large.get(environ.get("PATH_INFO", ""), self.max_bytes)
        sock = environ.get("gunicorn.socket")
        length_raw = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not length_raw and not chunked:
            return self.app(environ, start_response)
        try:
            length = int(length_raw) if length_raw else None
        except ValueError:
            return self._reject(
                environ, start_response, "400 Bad Request", "bad Content-Length", sock
            )
        if length is not None and length > max_bytes:
            return self._reject(environ, start_response, *_TOO_LARGE, sock)
        deadline = time.monotonic() + self.timeout
        stream = environ["wsgi.input"]
        parts: list[bytes] = []
        size = 0
        want = length if length is not None else max_bytes + 1
        key = WATCHDOG.watch(sock, deadline) if sock is not None else None
        try:
            while size < want:
                chunk = stream.read(min(_CHUNK, want - size))
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
        except OSError:
            if time.monotonic() >= deadline:
                return self._reject(environ, start_response, *_TOO_SLOW)
            return self._reject(
                environ, start_response, "400 Bad Request", "the request body could not be read"
            )
        finally:
            if key is not None:
                WATCHDOG.forget(key)
        if time.monotonic() >= deadline and size < want and length is not None:
            return self._reject(environ, start_response, *_TOO_SLOW)
        if size > max_bytes:  # a chunked body, read up to the limit: the rest is unread
            return self._reject(environ, start_response, *_TOO_LARGE, sock)
        body = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def wrap(app: WSGIApp) -> WSGIApp:
    from django.conf import settings
    from django.templatetags.static import static

    from paintrace.web.middleware import SECURITY_HEADERS

    return BodyLimit(
        app,
        settings.MAX_REQUEST_BYTES,
        settings.BODY_READ_TIMEOUT,
        getattr(settings, "LARGE_BODY_PATHS", None),
        # the hashed names, once collected
        pages=refusal_pages(static("paintrace/app.css"), static("paintrace/favicon.svg")),
        headers=SECURITY_HEADERS.items(),
    )
