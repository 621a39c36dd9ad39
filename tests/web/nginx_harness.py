"""The harness for running docs/deploy.md section 6 ("nginx in front") for real: the documented
```nginx blocks, taken verbatim, wrapped in the test's own main nginx.conf, and the processes.

Only what a test cannot use is replaced, each by an exact, counted substitution (`swap`): the
listen ports (free ports on 127.0.0.1, not 443/80), the certificate paths (a self-signed
certificate made here), the upstream port and the access log path; a test may ask for more
(`changes`, e.g. a shorter timeout), each counted the same way. The main nginx.conf is the
test's own (Debian's stands in for it in production): no daemon, pid, logs and temp files in
the test's folder, and `user root;` when the test runs as root."""

from __future__ import annotations

import contextlib
import datetime
import http.client
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .helpers import free_port, stop_process

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

DEPLOY_MD = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
HOST = "paintrace.example.org"  # the documented server_name, sent as Host and allowed by Django


def documented_blocks() -> tuple[str, str]:
    """The ```nginx blocks of section 6: what goes in `http { }`, and the site."""
    text = DEPLOY_MD.read_text(encoding="utf-8")
    _, found, rest = text.partition("\n### 6. nginx in front\n")
    assert found, "docs/deploy.md has no section '### 6. nginx in front'"
    section = re.split(r"^#{2,} ", rest, maxsplit=1, flags=re.MULTILINE)[0]
    blocks = re.findall(r"^```nginx\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2, f"expected 2 nginx blocks in section 6, found {len(blocks)}"
    return blocks[0], blocks[1]


def swap(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once, so that a changed document fails loudly."""
    assert text.count(old) == 1, f"docs/deploy.md section 6 should contain {old!r} once"
    return text.replace(old, new)


def self_signed(folder: Path) -> tuple[Path, Path]:
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


def build_config(folder: Path, app_port: int, changes: Mapping[str, str] | None = None) -> Proxy:
    """nginx.conf in `folder`: the test's main file including the two documented blocks.
    `app_port` is where nginx finds the app (a closed port: the app is down)."""
    http_block, site = documented_blocks()
    cert, key = self_signed(folder)
    https_port, http_port = free_port(), free_port()
    site = swap(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = swap(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = swap(site, f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert))
    site = swap(site, f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key))
    site = swap(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = swap(site, "/var/log/nginx/paintrace.log", str(folder / "paintrace.log"))
    for old, new in (changes or {}).items():
        site = swap(site, old, new)
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


def nginx_args(proxy: Proxy) -> list[str]:
    assert NGINX is not None
    return [NGINX, "-p", str(proxy.folder), "-e", str(proxy.folder / "error.log")]


@contextlib.contextmanager
def running(proxy: Proxy) -> Iterator[Proxy]:
    """nginx on `proxy`'s configuration until the block ends, stopped even on failure."""
    proc = subprocess.Popen(
        [*nginx_args(proxy), "-c", str(proxy.conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", proxy.https_port), 1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start:\n{proxy.error_log}") from None
                time.sleep(0.05)
        yield proxy
    finally:
        stop_process(proc)


@contextlib.contextmanager
def stand_in_app(answer: bytes | None) -> Iterator[int]:
    """A stand-in for the app on a port of its own, for what the real one cannot be made to do
    on cue: it reads each request whole, then sends `answer`, or with None sends nothing and
    holds the connection (an app stuck or too slow). Yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)  # accept() wakes up to see the block has ended
    stop = threading.Event()
    taken: list[socket.socket] = []

    def serve(conn: socket.socket) -> None:
        data = b""
        with contextlib.suppress(OSError):
            while not stop.is_set():  # nginx keeps the connection for its next request
                while b"\r\n\r\n" not in data:
                    got = conn.recv(65536)
                    if not got:
                        return
                    data += got
                head, _, data = data.partition(b"\r\n\r\n")
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                while length and len(data) < int(length[1]):
                    data += conn.recv(65536)
                data = data[int(length[1]) :] if length else data
                if answer is None:
                    stop.wait()
                    return
                conn.sendall(answer)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            taken.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        acceptor.join()
        listener.close()
        for conn in taken:
            conn.close()


def upstream_connections(app_port: int) -> int:
    """Established TCP connections to the app (Linux /proc/net/tcp: local port, state 01)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == app_port and fields[3] == "01":
            count += 1
    return count
