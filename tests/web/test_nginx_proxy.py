"""docs/deploy.md section 6, "nginx in front", run for real: the two ```nginx blocks are taken
from the document verbatim and served by a real nginx in front of a real `paintrace serve`
(the harness, and what it substitutes: tests/web/nginx_harness.py)."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import secrets
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from paintrace.web.middleware import SECURITY_HEADERS
from paintrace.web.private_headers import PRIVATE_HEADERS
from paintrace.web.ratelimit import too_many

from .helpers import free_port, fresh_environment, stop_process
from .nginx_harness import (
    HOST,
    NGINX,
    Proxy,
    build_config,
    nginx_args,
    running,
    upstream_connections,
)

if NGINX is None:
    pytest.skip(
        "no nginx binary (apt-get install nginx-light); .ci/run installs it, so CI runs this",
        allow_module_level=True,
    )

CASE = json.dumps({"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}).encode()


# ------------------------------------------------------------------------------ the app


@pytest.fixture(scope="module")
def app_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`paintrace serve` on a throwaway data folder, configured as docs/deploy.md says for a
    server behind nginx (its own rate limits off so that the 429s seen here are nginx's)."""
    data_dir = tmp_path_factory.mktemp("paintrace-data")
    port = free_port()
    env = fresh_environment()
    env.update(
        PAINTRACE_DATA_DIR=str(data_dir),
        PAINTRACE_RATE_LIMITS="off",
        PAINTRACE_TRUSTED_PROXIES="127.0.0.1",
        PAINTRACE_SECURE="1",  # trusts nginx's X-Forwarded-Proto: no redirect loop
        PAINTRACE_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        WEB_CONCURRENCY="2",
    )
    serve = Path(sys.executable).with_name("paintrace")
    command = [str(serve)] if serve.exists() else [sys.executable, "-m", "paintrace"]
    proc = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()  # any answer: with PAINTRACE_SECURE it is a 301
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("paintrace serve did not start") from None
                time.sleep(0.1)
            finally:
                conn.close()
        yield port
    finally:
        stop_process(proc)


# ------------------------------------------------------------------------------ nginx


@pytest.fixture
def proxy(tmp_path: Path, app_port: int) -> Iterator[Proxy]:
    """A fresh nginx per test (fresh rate-limit zones and log), stopped even on failure."""
    with running(build_config(tmp_path, app_port)) as built:
        yield built


# ------------------------------------------------------------------------------ tests


def test_nginx_accepts_the_documented_configuration(tmp_path: Path, app_port: int) -> None:
    built = build_config(tmp_path, app_port)
    done = subprocess.run(
        [*nginx_args(built), "-t", "-c", str(built.conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


def test_pages_and_writes_pass_and_no_secret_reaches_the_access_log(proxy: Proxy) -> None:
    status, made = proxy.json("POST", "/api/assessments", json.loads(CASE))
    assert status == 201, made
    aid = made["id"]
    status, _, page = proxy.request("GET", f"/a/{aid}/")
    assert status == 200 and b"<html" in page.lower()
    assert proxy.json("GET", f"/api/assessments/{aid}")[0] == 200

    # a view-only link to the assessment
    status, view = proxy.json("POST", f"/api/assessments/{aid}/shares", {"days": 7})
    assert status == 201, view
    assert re.fullmatch(r"/v/[^/]+/", view["url"])
    view_token = view["url"].split("/")[2]
    status, _, page = proxy.request("GET", view["url"])
    assert status == 200 and b"<html" in page.lower()

    # a journal share link: an account saves the assessment and shares its journal
    user = {"username": f"nginx-{secrets.token_hex(4)}", "password": secrets.token_urlsafe(16)}
    assert proxy.json("POST", "/api/accounts", user)[0] == 201
    status, login = proxy.json("POST", "/api/auth/token", user)
    assert status == 200, login
    api_token = login["token"]
    assert proxy.json("POST", "/api/journal/assessments", {"id": aid}, api_token)[0] == 201
    status, share = proxy.json("POST", "/api/journal/shares", {"days": 7}, api_token)
    assert status == 201, share
    assert re.fullmatch(r"/s/[^/]+/", share["url"])
    share_token = share["url"].split("/")[2]
    status, _, page = proxy.request("GET", share["url"])
    assert status == 200 and b"<html" in page.lower()

    # the view link is revoked, the assessment deleted: both requests name the id
    status, _, _ = proxy.request("DELETE", f"/api/assessments/{aid}/shares/{view['id']}")
    assert status == 204
    assert proxy.request("GET", view["url"])[0] == 404
    # a mistyped case still names the secret: the map is case-insensitive
    assert proxy.request("GET", f"/V/{view_token}/")[0] == 404
    assert proxy.request("GET", f"/A/{aid}/")[0] == 404

    log = proxy.access_log
    for secret in (aid, view_token, share_token, api_token):
        assert secret not in log, f"{secret!r} is in nginx's access log:\n{log}"
    # the log is written, in the documented format, with the routes in place of the secrets
    for line in (
        '"POST /api/assessments" 201',
        '"GET /a/<aid>/" 200',
        '"GET /api/assessments/<aid>" 200',
        '"POST /api/assessments/<aid>/shares" 201',
        '"GET /v/<token>/" 200',
        '"GET /s/<token>/" 200',
        '"DELETE /api/assessments/<aid>/shares/',
        '"GET /v/<token>/" 404',
    ):
        assert line in log, f"{line!r} not in nginx's access log:\n{log}"


def test_the_http_site_redirects_to_https(proxy: Proxy) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    try:
        conn.request("GET", "/faq/?x=1", headers={"Host": HOST})
        resp = conn.getresponse()
        assert resp.status == 301
        assert resp.getheader("Location") == f"https://{HOST}/faq/?x=1"
    finally:
        conn.close()


def test_slow_clients_wait_in_nginx_not_in_the_app(proxy: Proxy) -> None:
    """40 clients drip a body a byte a second, 4 stall in the headers and 4 after the first
    byte of the body. Each comes from its own loopback address: from one address, every POST
    past the write burst (20) is answered 429 at once, so nginx would not be holding them.

    /healthz through nginx answers at once all along, and the app sees none of them (nginx
    reads a request whole before connecting upstream). The stalled ones are cut off after
    client_header_timeout / client_body_timeout (10 s). client_body_timeout is the longest
    pause between two reads, not a limit on the whole body, so the drippers are still held
    by nginx when the stalled ones are gone (docs/deploy.md says so)."""
    head = f"POST /api/assessments HTTP/1.1\r\nHost: {HOST}\r\n".encode()
    body_head = head + b"Content-Type: application/json\r\nContent-Length: 900\r\n\r\n{"
    drippers: list[ssl.SSLSocket] = []
    stalled: list[ssl.SSLSocket] = []
    stop = threading.Event()
    dripper_thread: threading.Thread | None = None
    try:
        started = time.monotonic()
        for n in range(48):
            sock = proxy.tls_socket(f"127.0.0.{10 + n}")
            if n < 40:
                sock.sendall(body_head)
                drippers.append(sock)
            else:
                sock.sendall(head if n < 44 else body_head)
                stalled.append(sock)

        def drip() -> None:
            while not stop.wait(1):
                for sock in drippers:
                    with contextlib.suppress(OSError):
                        sock.sendall(b" ")

        dripper_thread = threading.Thread(target=drip, daemon=True)
        dripper_thread.start()
        time.sleep(1.5)
        for _ in range(5):
            start = time.monotonic()
            status, _, answer = proxy.request("GET", "/healthz")
            assert status == 200 and json.loads(answer) == {"ok": True}
            assert time.monotonic() - start < 2.0
            assert proxy.json("POST", "/api/interview/next", {})[0] == 200
            time.sleep(0.5)
        # proxy_request_buffering: nginx has opened no connection to the app for them
        # (the keep-alive ones from the requests above are at most a few)
        assert upstream_connections(proxy.app_port) <= 4

        # the stalled ones are cut off after 10 s: nginx closes the connection
        time.sleep(max(0.0, started + 11 - time.monotonic()))
        for sock in stalled:
            sock.settimeout(4)
            assert sock.recv(200) == b"", "a stalled client was not cut off"
        assert time.monotonic() - started < 16

        # the drippers are still held by nginx (a byte a second is never a 10 s pause)
        stop.set()
        dripper_thread.join()
        for sock in drippers:
            sock.settimeout(0.01)
            with pytest.raises(TimeoutError):
                sock.recv(200)
        start = time.monotonic()
        assert proxy.request("GET", "/healthz")[0] == 200
        assert time.monotonic() - start < 2.0
    finally:
        stop.set()
        if dripper_thread is not None:
            dripper_thread.join()
        for sock in drippers + stalled:
            sock.close()


def test_one_address_holds_at_most_20_requests_open(proxy: Proxy) -> None:
    """limit_conn: 20 requests stalled in their bodies from one address; a 21st request from
    it is refused at once (429), while another address is served."""
    head = f"POST /api/assessments HTTP/1.1\r\nHost: {HOST}\r\n".encode()
    body_head = head + b"Content-Type: application/json\r\nContent-Length: 900\r\n\r\n{"
    held = []
    try:
        for _ in range(20):
            sock = proxy.tls_socket("127.0.0.99")
            sock.sendall(body_head)
            held.append(sock)
        time.sleep(0.5)
        extra = proxy.tls_socket("127.0.0.99")
        held.append(extra)
        extra.sendall(f"GET /api/knowledge/regions HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        extra.settimeout(5)
        answer = http.client.HTTPResponse(extra)  # type: ignore[arg-type]
        answer.begin()
        assert answer.status == 429
        # the app's own 429, as for too many writes (below)
        assert answer.read() == _too_many_by_the_app("/api/knowledge/regions")
        _assert_the_apps_headers(answer, retry_after="2")
        assert proxy.request("GET", "/healthz")[0] == 200
    finally:
        for sock in held:
            sock.close()


def _nginx_page(body: bytes) -> bool:
    """nginx's own error page (the app answers errors in JSON)."""
    return re.search(rb"<center>nginx(/[\d.]+)?</center>", body) is not None


def test_a_body_over_client_max_body_size_gets_413_from_nginx(proxy: Proxy) -> None:
    limit = 64 * 1024  # client_max_body_size 64k
    head, tail = b'{"drawing": {}, "findings": {}, "pad": "', b'"}'
    at_limit = head + b"x" * (limit - len(head) - len(tail)) + tail
    status, resp, body = proxy.request("POST", "/api/assessments", at_limit + b" ")
    assert status == 413 and not _nginx_page(body), body
    assert resp.getheader("Content-Type") == "application/json", body
    # at the limit it reaches the app, which refuses the unknown field in JSON
    status, resp, body = proxy.request("POST", "/api/assessments", at_limit)
    assert status == 422 and resp.getheader("Content-Type") == "application/json", body
    assert '"POST /api/assessments" 413' in proxy.access_log
    # a journal import may be larger (the app's limit there is 4 MB): it reaches the app, which
    # asks who is importing
    status, resp, body = proxy.request("POST", "/api/journal/import", at_limit * 8)
    assert not _nginx_page(body) and resp.getheader("Content-Type") == "application/json", body
    assert status in (401, 403), body


def _refusal_by_the_app(app_port: int, path: str, content_type: str) -> tuple[Any, bytes]:
    """The app's own 413 for a body over its limit (paintrace.web.bodylimit), asked directly:
    it answers from the Content-Length, without reading the body, so none is sent."""
    conn = http.client.HTTPConnection("127.0.0.1", app_port, timeout=10)
    try:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Content-Type": content_type,
            "Content-Length": str(5 * 1024 * 1024),
        }
        conn.request("POST", path, headers=headers)
        resp = conn.getresponse()
        assert resp.status == 413
        return resp, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("path", "content_type", "answer"),
    [
        ("/api/assessments", "application/json", "application/json"),
        ("/api/journal/import", "application/json", "application/json"),
        ("/start/", "application/x-www-form-urlencoded", "text/html; charset=utf-8"),
        ("/journal/checkin/", "application/x-www-form-urlencoded", "text/html; charset=utf-8"),
    ],
)
def test_nginx_refuses_a_body_too_large_as_the_app_does(
    proxy: Proxy, path: str, content_type: str, answer: str
) -> None:
    """A body over client_max_body_size never reaches the app: nginx answers in its place with
    the app's own refusal, the same status, type, words and headers. A page (an interview step
    htmx shows in place) gets the page in plain words, not nginx's bare '413 Request Entity Too
    Large'; the API its JSON."""
    too_large = b"x" * (5 * 1024 * 1024 if path == "/api/journal/import" else 64 * 1024 + 1)
    status, resp, body = proxy.request("POST", path, too_large, {"Content-Type": content_type})
    assert status == 413 and not _nginx_page(body), body
    assert resp.getheader("Content-Type") == answer
    app, app_body = _refusal_by_the_app(proxy.app_port, path, content_type)
    # the same bytes, but for the stylesheet: the app names its hashed copy, nginx cannot
    assert body == _unhashed(app_body)
    if answer == "application/json":
        assert json.loads(body) == {
            "detail": [{"loc": ["body"], "msg": "the request body is too large", "type": "body"}]
        }
    else:
        assert b"What you sent was too large" in body and b"nothing was saved" in body
    for name in (
        "Cache-Control",
        "X-Robots-Tag",
        "Content-Security-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "X-Content-Type-Options",
    ):
        assert resp.getheader(name) == app.getheader(name), name
    # the page's stylesheet is there without the app's hashed name
    assert proxy.request("GET", "/static/paintrace/app.css")[0] == 200
    assert f'"POST {path}" 413' in proxy.access_log


def test_a_chunked_body_too_large_gets_the_same_page(proxy: Proxy) -> None:
    """A chunked body has no length to refuse it by: nginx reads it up to the limit, then
    answers with the same page."""
    chunk = b"x" * (64 * 1024 + 1)
    sock = proxy.tls_socket()
    try:
        sock.sendall(
            f"POST /start/ HTTP/1.1\r\nHost: {HOST}\r\nTransfer-Encoding: chunked\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n\r\n{len(chunk):x}\r\n".encode()
            + chunk
            + b"\r\n0\r\n\r\n"
        )
        sock.settimeout(5)
        answer = b""
        while b"</html>" not in answer:
            got = sock.recv(65536)
            if not got:
                break
            answer += got
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert b"Content-Type: text/html; charset=utf-8" in answer
    assert b"What you sent was too large" in answer and not _nginx_page(answer)


def test_writes_past_the_burst_get_429_while_reads_go_on(proxy: Proxy) -> None:
    answers = [proxy.json("POST", "/api/assessments", json.loads(CASE)) for _ in range(25)]
    statuses = [status for status, _ in answers]
    made = answers[0][1]["id"]
    # rate=30r/m burst=20 nodelay: 21 at once (maybe one more a couple of seconds in), then 429
    assert statuses[:21] == [201] * 21, statuses
    assert 429 in statuses and set(statuses) <= {201, 429}, statuses
    first_refused = statuses.index(429)
    assert all(s == 429 for s in statuses[first_refused : first_refused + 2]), statuses
    status, resp, body = proxy.request("POST", "/api/assessments", CASE)
    assert status == 429 and not _nginx_page(body), body
    # the app's own 429 in the API's JSON, as for a wait of 2 s: pt_writes (30r/m) lets one
    # more write through every 2 s (docs/deploy.md)
    assert resp.getheader("Content-Type") == "application/json"
    assert body == _too_many_by_the_app("/api/assessments")
    assert json.loads(body) == {
        "detail": "Too many requests from your connection. Please try again in 1 minute.",
        "retry_after": 2,
    }
    _assert_the_apps_headers(resp, retry_after="2")
    # a refused write that names an assessment: the id reaches neither log (nginx logs the
    # refusal at limit_req_log_level warn, below the error log's level)
    status, _, body = proxy.request("POST", f"/api/assessments/{made}/shares", b'{"days": 7}')
    assert status == 429 and body == _too_many_by_the_app("/api/assessments"), body
    assert made not in proxy.access_log and made not in proxy.error_log, proxy.error_log
    # reads are not counted as writes
    for path in ("/healthz", "/faq/", "/api/knowledge/regions"):
        assert proxy.request("GET", path)[0] == 200, path
    assert '"POST /api/assessments" 429' in proxy.access_log


@pytest.mark.parametrize(("method", "path"), [("POST", "/start/"), ("GET", "/faq/")])
def test_a_page_past_the_burst_gets_the_apps_429_page(proxy: Proxy, method: str, path: str) -> None:
    """An interview step sent too often (past the writes' burst of 20) or pages asked for too
    fast (past the pages' burst of 40, 10 a second): nginx answers with the app's own 429 page,
    which htmx shows in place of the question, not nginx's bare '429 Too Many Requests'."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(300):
        if method == "POST":
            status, resp, body = proxy.request(method, path, b"step=1", form)
        else:
            status, resp, body = proxy.request(method, path)
        if status == 429:
            break
    else:
        raise AssertionError(f"{method} {path}: no 429 in 300 requests")
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert not _nginx_page(body), body
    assert body == _unhashed(_too_many_by_the_app(path))
    assert b"Too many requests" in body and b"What you sent just now was not saved" in body
    _assert_the_apps_headers(resp, retry_after="2")
    # its stylesheets, script and icon are served under the plain names it gives them
    named = re.findall(rb'(?:href|src)="(/static/[^"]+)"', body)
    assert len(named) == 4, named
    for url in named:
        assert proxy.request("GET", url.decode())[0] == 200, url
    assert f'"{method} {path}" 429' in proxy.access_log


def _too_many_by_the_app(path: str) -> bytes:
    """The app's own 429 (paintrace.web.ratelimit) for a wait of 2 s, which nginx copies."""
    return bytes(too_many(RequestFactory().post(path), 2).content)


def _unhashed(page: bytes) -> bytes:
    """The app names the hashed copies of its static files once collected; nginx cannot know
    those names, and names the plain ones, which WhiteNoise serves as well."""
    return re.sub(rb"(/static/paintrace/[\w-]+)\.[0-9a-f]{12}(\.\w+)", rb"\1\2", page)


def _assert_the_apps_headers(resp: http.client.HTTPResponse, retry_after: str | None) -> None:
    """The privacy and security headers of every answer of the app's, and the wait."""
    for name, value in [*PRIVATE_HEADERS, *SECURITY_HEADERS.items()]:
        assert resp.getheader(name) == value, name
    assert resp.getheader("Retry-After") == retry_after
