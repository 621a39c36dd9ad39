"""Read each request body whole, within a size limit and a deadline, before Django sees it.

gunicorn's threads read the body when the view asks for it, with no time limit: a client that
sends one byte a second holds a thread for as long as it likes. This WSGI wrapper reads the body
first, at most ``MAX_REQUEST_BYTES`` (larger: 413 without reading it) and within
``BODY_READ_TIMEOUT`` seconds in total (slower: 408 and the connection is closed), then hands
Django the bytes from memory.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_CHUNK = 16 * 1024


def _reject(start_response: Callable[..., Any], status: str, message: str) -> list[bytes]:
    body = json.dumps({"detail": [{"loc": ["body"], "msg": message, "type": "body"}]}).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


class BodyLimit:
    def __init__(self, app: WSGIApp, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        length_raw = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not length_raw and not chunked:
            return self.app(environ, start_response)
        try:
            length = int(length_raw) if length_raw else None
        except ValueError:
            return _reject(start_response, "400 Bad Request", "bad Content-Length")
        if length is not None and length > self.max_bytes:
            return _reject(start_response, "413 Content Too Large", "the request body is too large")
        sock = environ.get("gunicorn.socket")
        previous = sock.gettimeout() if sock is not None else None
        deadline = time.monotonic() + self.timeout
        stream = environ["wsgi.input"]
        parts: list[bytes] = []
        size = 0
        want = length if length is not None else self.max_bytes + 1
        try:
            while size < want:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                if sock is not None:
                    sock.settimeout(left)
                chunk = stream.read(min(_CHUNK, want - size))
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
        except TimeoutError:  # socket.timeout is TimeoutError
            return _reject(start_response, "408 Request Timeout", "the body came too slowly")
        except OSError:
            return _reject(start_response, "400 Bad Request", "the request body could not be read")
        finally:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(previous)
        if size > self.max_bytes:
            return _reject(start_response, "413 Content Too Large", "the request body is too large")
        body = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def wrap(app: WSGIApp) -> WSGIApp:
    from django.conf import settings

    return BodyLimit(app, settings.MAX_REQUEST_BYTES, settings.BODY_READ_TIMEOUT)
