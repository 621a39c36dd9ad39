"""docs/deploy.md section 6's nginx when the app cannot answer: down or restarting (nothing
listens on its port: 502), or too slow (it takes the request and says nothing for longer than
proxy_read_timeout: 504). nginx then answers in the app's place, and a person must not be shown
nginx's bare '502 Bad Gateway' (htmx swaps it in place of the question) nor an API client get
HTML. The blocks run verbatim, as in test_nginx_proxy.py (the harness: nginx_harness.py), in
front of no app, or of a stand-in for one."""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path

import pytest

from paintrace.web.bodylimit import page
from paintrace.web.middleware import SECURITY_HEADERS
from paintrace.web.pdf import busy_response
from paintrace.web.private_headers import PRIVATE_HEADERS

from .helpers import free_port
from .nginx_harness import NGINX, Proxy, build_config, running, stand_in_app

if NGINX is None:
    pytest.skip(
        "no nginx binary (apt-get install nginx-light); .ci/run installs it, so CI runs this",
        allow_module_level=True,
    )

# The words docs/deploy.md's nginx answers with when the app does not (the app has no copy of
# them: it is not there to answer), in the look of its other small error pages.
DOWN_PAGE = page(
    "This site is not answering just now",
    "It may be restarting, or too busy. What you saved before is still there. "
    "What you sent just now may not have been saved.",
    "Wait a minute, then try again. Your browser's Back button usually takes you to the form "
    "with your answers still in it.",
)
DOWN_DETAIL = (
    "The server is not answering just now; what you sent may not have been saved. "
    "Please try again in a minute."
)

CASE = json.dumps({"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}).encode()
# an interview step, a page read, an API write and an API read
REQUESTS = [
    ("POST", "/start/"),
    ("GET", "/faq/"),
    ("POST", "/api/assessments"),
    ("GET", "/api/knowledge/regions"),
]


def _send(proxy: Proxy, method: str, path: str) -> tuple[http.client.HTTPResponse, bytes]:
    if method == "GET":
        _, resp, body = proxy.request(method, path)
    elif path.startswith("/api/"):
        _, resp, body = proxy.request(method, path, CASE)
    else:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        _, resp, body = proxy.request(method, path, b"step=1", form)
    return resp, body


def _assert_answered_for_the_app(
    resp: http.client.HTTPResponse, body: bytes, path: str, status: int
) -> None:
    assert resp.status == status, body
    assert b"<center>nginx" not in body, body  # not nginx's own page
    if path.startswith("/api/"):
        assert resp.getheader("Content-Type") == "application/json"
        assert json.loads(body) == {"detail": DOWN_DETAIL}
        # shaped as the app's own 503 (paintrace.web.pdf): the same keys, and Retry-After
        assert json.loads(body).keys() == json.loads(busy_response().content).keys()
    else:
        assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
        assert body == DOWN_PAGE
        for words in (b"What you saved before is still there", b"may not have been saved"):
            assert words in body
        assert b"In an emergency, call your emergency number." in body
    for name, value in [*PRIVATE_HEADERS, *SECURITY_HEADERS.items()]:
        assert resp.getheader(name) == value, name
    assert resp.getheader("Retry-After") == "60"  # "try again in a minute"


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_the_app_down_gets_502_in_plain_words(tmp_path: Path, method: str, path: str) -> None:
    """Nothing listens on the app's port (stopped, or restarting): nginx cannot connect."""
    with running(build_config(tmp_path, free_port())) as proxy:
        resp, body = _send(proxy, method, path)
        _assert_answered_for_the_app(resp, body, path, 502)
        # HEAD: the same headers, no body
        status, resp, body = proxy.request("HEAD", path)
        assert status == 502 and body == b"" and resp.getheader("Retry-After") == "60"
        assert f'"{method} {path}" 502' in proxy.access_log


@pytest.mark.parametrize(("method", "path"), REQUESTS)
def test_an_app_too_slow_gets_504_in_plain_words(tmp_path: Path, method: str, path: str) -> None:
    """The app takes the request and does not answer: after proxy_read_timeout (30 s in the
    document, 1 s in this copy of it) nginx gives up and answers for it. What was sent may
    have been saved by then, or not: the words say so."""
    changes = {"proxy_read_timeout 30s;": "proxy_read_timeout 1s;"}
    with stand_in_app(None) as port, running(build_config(tmp_path, port, changes)) as proxy:
        start = time.monotonic()
        resp, body = _send(proxy, method, path)
        assert 0.9 < time.monotonic() - start < 5
        _assert_answered_for_the_app(resp, body, path, 504)
        # nginx may write its log line a moment after the answer
        deadline = time.monotonic() + 5
        while f'"{method} {path}" 504' not in proxy.access_log:
            assert time.monotonic() < deadline, proxy.access_log
            time.sleep(0.05)


def test_the_apps_own_503_passes_through_as_it_is(tmp_path: Path) -> None:
    """nginx answers only for itself: the app's own 503 (too busy making PDFs, come back in 5 s)
    reaches the client as the app sent it, not replaced by nginx's words nor its minute."""
    busy = busy_response()
    answer = (
        b"HTTP/1.1 503 Service Unavailable\r\n"
        + b"".join(f"{k}: {v}\r\n".encode() for k, v in busy.items())
        + f"Content-Length: {len(busy.content)}\r\n\r\n".encode()
        + busy.content
    )
    with stand_in_app(answer) as port, running(build_config(tmp_path, port)) as proxy:
        status, resp, body = proxy.request("GET", "/a/some-id/plan.pdf")
    assert status == 503 and body == busy.content, body
    assert resp.getheader("Retry-After") == "5"
    assert resp.getheader("Content-Type") == "application/json"
    assert len(re.findall(r"(?im)^retry-after:", str(resp.headers))) == 1
