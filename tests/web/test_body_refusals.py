"""What the body-size guard (paintrace.web.bodylimit) answers, before Django runs: JSON on the
API, a short page in plain words everywhere else.

The interview's steps are htmx posts whose 4xx answers are swapped into the screen: the JSON
this guard used to give every path was shown raw to the person answering. Through the whole
WSGI application here, in process; through the real server at the end.
"""

from __future__ import annotations

import io
import json
import re
import socket
from typing import Any

import pytest

from paintrace.web.bodylimit import BodyLimit
from paintrace.web.private_headers import PRIVATE_HEADERS

from .test_server_hardening import server  # noqa: F401  (fixture)

LIMIT = 64 * 1024  # settings.MAX_REQUEST_BYTES


class _Answer:
    def __init__(self, app: Any, environ: dict[str, Any]) -> None:
        self.status = ""
        self.headers: dict[str, str] = {}

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            self.status = status
            self.headers = dict(headers)

        self.body = b"".join(app(environ, start_response))


def _post(path: str, body: bytes, content_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        **extra,
    }


def _application() -> Any:
    from paintrace.web.wsgi import application

    return application


def _assert_a_page(answer: _Answer, status: str, heading: str, *, whole: bool = True) -> None:
    """`whole`: through paintrace.web.wsgi, which adds the security headers Django would."""
    assert answer.status == status
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Content-Length"] == str(len(answer.body))
    assert answer.headers["Connection"] == "close"
    for name, value in PRIVATE_HEADERS:
        assert answer.headers[name] == value
    if whole:
        assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    html = answer.body.decode()
    assert f'<h1 id="error-heading">{heading}</h1>' in html
    assert f"<title>Error: {heading} · paintrace</title>" in html
    assert '<main id="main" tabindex="-1">' in html  # app.js focuses its h1 after htmx swaps it in
    assert '<a class="skip-link" href="#main">' in html  # like every other page
    assert re.search(r'<link rel="icon" href="/static/paintrace/favicon[.\w]*\.svg"', html)
    assert "detail" not in html and "{" not in html  # no JSON, no template left over
    assert "<script" not in html and "<style" not in html  # nothing the page's CSP would block
    assert re.search(r'<link rel="stylesheet" href="/static/paintrace/app[.\w]*\.css">', html)


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}], ids=["plain", "htmx"])
@pytest.mark.parametrize("path", ["/interview/", "/", "/journal/check-in/", "/a/x/answer/"])
def test_a_page_sent_too_large_answers_a_page(path: str, headers: dict[str, str]) -> None:
    body = b"step=1&theme=nerves&pad=" + b"x" * LIMIT
    answer = _Answer(
        _application(), _post(path, body, "application/x-www-form-urlencoded", **headers)
    )
    _assert_a_page(answer, "413 Content Too Large", "What you sent was too large")
    assert "nothing was saved" in answer.body.decode()


def test_the_api_keeps_its_json() -> None:
    body = json.dumps({"drawing": {}, "pad": "x" * LIMIT}).encode()
    answer = _Answer(_application(), _post("/api/interview/next", body, "application/json"))
    assert answer.status == "413 Content Too Large"
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body) == {
        "detail": [{"loc": ["body"], "msg": "the request body is too large", "type": "body"}]
    }
    for name, value in PRIVATE_HEADERS:
        assert answer.headers[name] == value


def test_a_page_sent_too_slowly_or_broken_answers_a_page() -> None:
    """408: the body did not come in time (here: a deadline already past and half a body);
    400: a Content-Length that is not a number, or a body that could not be read."""

    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError("connection reset")

    def app(environ: Any, start_response: Any) -> list[bytes]:
        raise AssertionError("the app must not run")

    slow = BodyLimit(app, LIMIT, timeout=0)
    environ = _post("/journal/check-in/", b"leg_pain=4", "application/x-www-form-urlencoded")
    environ["CONTENT_LENGTH"] = "100"
    answer = _Answer(slow, environ)
    _assert_a_page(answer, "408 Request Timeout", "Your connection was too slow", whole=False)

    guard = BodyLimit(app, LIMIT, timeout=10)
    environ = _post("/interview/", b"step=1", "application/x-www-form-urlencoded")
    environ["CONTENT_LENGTH"] = "six"
    answer = _Answer(guard, environ)
    _assert_a_page(answer, "400 Bad Request", "We could not read what you sent", whole=False)
    environ = _post("/interview/", b"step=1", "application/x-www-form-urlencoded")
    environ["wsgi.input"] = Broken()
    answer = _Answer(guard, environ)
    _assert_a_page(answer, "400 Bad Request", "We could not read what you sent", whole=False)


def test_the_pages_words_are_plain() -> None:
    from test_wording_outputs import defects, html_blocks

    for code, page in BodyLimit(lambda e, s: [], LIMIT, 10).pages.items():
        main = "<main" + page.decode().split("<main", 1)[1]
        found = [
            d for tag, text in html_blocks(main) for d in defects(text, tag.startswith(("h1", "a")))
        ]
        assert not found, (code, found)


def test_the_real_server_answers_a_page_and_closes(server: Any) -> None:  # noqa: F811
    """Through gunicorn: a form declared too large is refused unread, as a page, and the
    connection is closed rather than left waiting for the rest of the body."""
    _, port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /interview/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHX-Request: true\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100000000\r\n\r\nstep=1"
        )
        sock.settimeout(5)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b"\r\nContent-Type: text/html; charset=utf-8" in head
    assert b"\r\nX-Robots-Tag: noindex, nofollow" in head
    assert b"What you sent was too large</h1>" in body and body.endswith(b"</html>\n")


@pytest.mark.parametrize("path", ["/interview/", "/api/interview/next"])
def test_a_head_request_is_refused_without_a_body(path: str) -> None:
    """HEAD is answered as GET without its body everywhere else (HeadAsGetMiddleware): a
    refusal too keeps the headers, its Content-Length included, and sends no body (gunicorn
    dropped it with a warning in the log for each one)."""
    environ = _post(path, b"x" * (LIMIT + 1), "application/x-www-form-urlencoded")
    environ["REQUEST_METHOD"] = "HEAD"
    answer = _Answer(_application(), environ)
    assert answer.status == "413 Content Too Large"
    assert answer.body == b""
    assert int(answer.headers["Content-Length"]) > 0 and answer.headers["Connection"] == "close"
    for name, value in PRIVATE_HEADERS:
        assert answer.headers[name] == value
