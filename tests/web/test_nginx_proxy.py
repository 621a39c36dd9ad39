"""docs/deploy.md section 6, "nginx in front", run for real: the two ```nginx blocks are taken
from the document verbatim and served by a real nginx in front of a real `paintrace serve`.

Only what a test cannot use is replaced, each by an exact, counted substitution (`_swap`): the
listen ports (free ports on 127.0.0.1, not 443/80), the certificate paths (a self-signed
certificate made here), the upstream port and the access log path. The main nginx.conf is the
test's own (Debian's stands in for it in production): no daemon, pid, logs and temp files in
tmp_path, and `user root;` when the test runs as root."""

from __future__ import annotations

import contextlib
import datetime
import http.client
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .helpers import fresh_environment

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
if NGINX is None:
    pytest.skip(
        "no nginx binary (apt-get install nginx-light); .ci/run installs it, so CI runs this",
        allow_module_level=True,
    )

DEPLOY_MD = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
HOST = "paintrace.example.org"  # the documented server_name, sent as Host and allowed by Django
CASE = json.dumps({"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}).encode()


def documented_blocks() -> tuple[str, str]:
    """The ```nginx blocks of section 6: what goes in `http { }`, and the site."""
    text = DEPLOY_MD.read_text(encoding="utf-8")
    _, found, rest = text.partition("\n### 6. nginx in front\n")
    assert found, "docs/deploy.md has no section '### 6. nginx in front'"
    section = re.split(r"^#{2,} ", rest, maxsplit=1, flags=re.MULTILINE)[0]
    blocks = re.findall(r"^```nginx\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2, f"expected 2 nginx blocks in section 6, found {len(blocks)}"
    return blocks[0], blocks[1]


def _swap(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once, so that a changed document fails loudly."""
    assert text.count(old) == 1, f"docs/deploy.md section 6 should contain {old!r} once"
    return text.replace(old, new)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# ------------------------------------------------------------------------------ the app


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (gunicorn's workers, nginx's workers), SIGKILL if stuck."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def app_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`paintrace serve` on a throwaway data folder, configured as docs/deploy.md says for a
    server behind nginx (its own rate limits off so that the 429s seen here are nginx's)."""
    data_dir = tmp_path_factory.mktemp("paintrace-data")
    port = _free_port()
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
        _stop(proc)


# ------------------------------------------------------------------------------ nginx


@dataclass
class Proxy:
    folder: Path
    conf: Path
    https_port: int
    http_port: int
    app_port: int
    context: ssl.SSLContext

    @property
    def access_log(self) -> str:
        path = self.folder / "paintrace.log"
        return path.read_text() if path.exists() else ""

    @property
    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text() if path.exists() else ""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, context=self.context, timeout=10
        )
        try:
            sent = {"Host": HOST, **(headers or {})}
            if body is not None:
                sent.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            return resp.status, resp, resp.read()
        finally:
            conn.close()

    def json(
        self, method: str, path: str, data: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = None if data is None else json.dumps(data).encode()
        status, _, raw = self.request(method, path, body, headers)
        return status, json.loads(raw) if raw.startswith((b"{", b"[")) else raw

    def tls_socket(self, source: str = "127.0.0.1") -> ssl.SSLSocket:
        raw = socket.create_connection(("127.0.0.1", self.https_port), 10, (source, 0))
        return self.context.wrap_socket(raw, server_hostname=HOST)


def build_config(folder: Path, app_port: int) -> Proxy:
    """nginx.conf in `folder`: the test's main file including the two documented blocks."""
    http_block, site = documented_blocks()
    cert, key = _self_signed(folder)
    https_port, http_port = _free_port(), _free_port()
    site = _swap(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = _swap(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _swap(site, f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert))
    site = _swap(site, f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key))
    site = _swap(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = _swap(site, "/var/log/nginx/paintrace.log", str(folder / "paintrace.log"))
    (folder / "http-block.conf").write_text(http_block)
    (folder / "paintrace-site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # workers must reach tmp_path (0700)
        + "daemon off;\n"
        + f"pid {folder / 'nginx.pid'};\n"
        + f"error_log {folder / 'error.log'};\n"
        + "events {}\n"
        + "http {\n"
        + f"{temp}\n"
        + f"    include {folder / 'http-block.conf'};\n"
        + f"    include {folder / 'paintrace-site.conf'};\n"
        + "}\n"
    )
    context = ssl.create_default_context(cafile=str(cert))
    return Proxy(folder, conf, https_port, http_port, app_port, context)


def _nginx_args(proxy: Proxy) -> list[str]:
    assert NGINX is not None
    return [NGINX, "-p", str(proxy.folder), "-e", str(proxy.folder / "error.log")]


@pytest.fixture
def proxy(tmp_path: Path, app_port: int) -> Iterator[Proxy]:
    """A fresh nginx per test (fresh rate-limit zones and log), stopped even on failure."""
    built = build_config(tmp_path, app_port)
    proc = subprocess.Popen(
        [*_nginx_args(built), "-c", str(built.conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", built.https_port), 1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start:\n{built.error_log}") from None
                time.sleep(0.05)
        yield built
    finally:
        _stop(proc)


def _upstream_connections(app_port: int) -> int:
    """Established TCP connections to the app (Linux /proc/net/tcp: local port, state 01)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == app_port and fields[3] == "01":
            count += 1
    return count


# ------------------------------------------------------------------------------ tests


def test_nginx_accepts_the_documented_configuration(tmp_path: Path, app_port: int) -> None:
    built = build_config(tmp_path, app_port)
    done = subprocess.run(
        [*_nginx_args(built), "-t", "-c", str(built.conf)],
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
        assert _upstream_connections(proxy.app_port) <= 4

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
        extra.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        extra.settimeout(5)
        assert extra.recv(200).startswith(b"HTTP/1.1 429")
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
    status, _, body = proxy.request("POST", "/api/assessments", at_limit + b" ")
    assert status == 413 and _nginx_page(body), body
    # at the limit it reaches the app, which refuses the unknown field in JSON
    status, resp, body = proxy.request("POST", "/api/assessments", at_limit)
    assert status == 422 and resp.getheader("Content-Type") == "application/json", body
    assert '"POST /api/assessments" 413' in proxy.access_log


def test_writes_past_the_burst_get_429_while_reads_go_on(proxy: Proxy) -> None:
    answers = [proxy.json("POST", "/api/assessments", json.loads(CASE)) for _ in range(25)]
    statuses = [status for status, _ in answers]
    made = answers[0][1]["id"]
    # rate=30r/m burst=20 nodelay: 21 at once (maybe one more a couple of seconds in), then 429
    assert statuses[:21] == [201] * 21, statuses
    assert 429 in statuses and set(statuses) <= {201, 429}, statuses
    first_refused = statuses.index(429)
    assert all(s == 429 for s in statuses[first_refused : first_refused + 2]), statuses
    status, _, body = proxy.request("POST", "/api/assessments", CASE)
    assert status == 429 and _nginx_page(body), body
    # a refused write that names an assessment: the id reaches neither log (nginx logs the
    # refusal at limit_req_log_level warn, below the error log's level)
    status, _, body = proxy.request("POST", f"/api/assessments/{made}/shares", b'{"days": 7}')
    assert status == 429 and _nginx_page(body), body
    assert made not in proxy.access_log and made not in proxy.error_log, proxy.error_log
    # reads are not counted as writes
    for path in ("/healthz", "/faq/", "/api/knowledge/regions"):
        assert proxy.request("GET", path)[0] == 200, path
    assert '"POST /api/assessments" 429' in proxy.access_log
