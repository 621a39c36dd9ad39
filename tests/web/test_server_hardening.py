"""`paintrace serve` under attack: slow and stalled clients, kill -9 during writes."""

from __future__ import annotations

import contextlib
import http.client
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import free_port, fresh_environment, stop_process

CASE = json.dumps({"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}).encode()


def _start(data_dir: Path, port: int, **extra_env: str) -> subprocess.Popen[bytes]:
    env = fresh_environment()
    env.update(PAINTRACE_DATA_DIR=str(data_dir), WEB_CONCURRENCY="2")
    env["PAINTRACE_RATE_LIMITS"] = "off"
    env.update(extra_env)
    code = f"from paintrace.web.server import serve; serve('127.0.0.1', {port})"
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.1)
    stop_process(proc)
    raise AssertionError("server did not start")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    port = free_port()
    proc = _start(tmp_path, port)
    try:
        yield f"http://127.0.0.1:{port}", port, tmp_path
    finally:
        stop_process(proc)


def _post(url: str, body: bytes = CASE, timeout: float = 10) -> tuple[int, Any]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_slow_and_stalled_clients_do_not_block_the_server(server: Any) -> None:
    """Before: 2 clients sending a body a byte a second stalled /healthz for 31 s; 4 took it
    down. Now 12 of them (4 stalled in the headers) leave it answering at once."""
    base, port, _ = server
    stop = threading.Event()
    socks = []
    for n in range(12):
        sock = socket.create_connection(("127.0.0.1", port))
        head = b"POST /api/assessments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if n % 3 == 2:  # stalled in the headers
            sock.sendall(head)
        else:
            sock.sendall(head + b"Content-Type: application/json\r\nContent-Length: 900\r\n\r\n{")
        socks.append(sock)

    def drip() -> None:
        while not stop.is_set():
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.send(b" ")
            time.sleep(1)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(1.5)
        for _ in range(5):
            start = time.monotonic()
            urllib.request.urlopen(f"{base}/healthz", timeout=10).read()
            assert time.monotonic() - start < 2.0
            assert _post(f"{base}/api/interview/next")[0] == 200
        # a body that takes longer than BODY_READ_TIMEOUT (10 s) is cut off with 408
        time.sleep(10)
        socks[0].settimeout(5)
        answer = socks[0].recv(200)
        assert answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        stop.set()
        for sock in socks:
            sock.close()


def test_a_body_refused_unread_closes_the_connection(server: Any) -> None:
    """A 413 for a body declared too large is sent before the body is read. Kept alive, the
    connection would wait for the rest (100 MB here), or read it as the next request; it must
    close once the answer is sent."""
    _, port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /api/assessments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{}"
        )
        sock.settimeout(5)
        start = time.monotonic()
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(4096):
                answer += chunk
        closed_after = time.monotonic() - start
    assert closed_after < 1.0, f"kept open {closed_after:.1f} s (keep-alive waits for the body)"
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert b"\r\nX-Robots-Tag: noindex, nofollow\r\n" in answer
    assert answer.endswith(b'"type": "body"}]}'), answer[-80:]  # the whole answer, then EOF


def test_heads_sent_a_byte_a_second_are_cut_off(server: Any) -> None:
    """gunicorn's threads read a request head with no time limit: before, 48 clients sending
    their headers a byte a second took /healthz down for good. Now each head has 5 s
    (paintrace.web.worker). 12 of them (fewer than one worker's 16 threads, however the two
    workers share them out) leave the server answering, and all are closed soon after the
    deadline, which frees their threads."""
    base, port, _ = server
    stop = threading.Event()
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(12)]
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 60

    def trickle() -> None:
        for i in range(len(head)):
            if stop.is_set():
                return
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.send(head[i : i + 1])
            time.sleep(1)

    trickler = threading.Thread(target=trickle, daemon=True)
    started = time.monotonic()
    trickler.start()
    try:
        time.sleep(1.5)
        for _ in range(3):
            start = time.monotonic()
            urllib.request.urlopen(f"{base}/healthz", timeout=10).read()
            assert time.monotonic() - start < 2.0
        time.sleep(max(0.0, started + 7 - time.monotonic()))
        for sock in socks:
            sock.settimeout(3)
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(200) == b"", "a slow head was answered instead of cut off"
        assert time.monotonic() - started < 12
        start = time.monotonic()
        urllib.request.urlopen(f"{base}/healthz", timeout=10).read()
        assert time.monotonic() - start < 2.0
    finally:
        stop.set()
        for sock in socks:
            sock.close()


def test_a_body_larger_than_the_limit_is_refused_unread(server: Any) -> None:
    _base, port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /api/assessments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"
        )
        sock.settimeout(5)
        assert sock.recv(100).startswith(b"HTTP/1.1 413")


def test_every_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start(tmp_path, port)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            try:
                status, body = _post(f"{base}/api/assessments", timeout=5)
            except (OSError, http.client.HTTPException):
                return  # killed mid-answer: not acknowledged, so not counted
            if status == 201:
                with lock:
                    acknowledged.append(body["id"])

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(3)
    stop_process(proc, signal.SIGKILL)  # the arbiter and its workers, mid-write
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) > 20

    with sqlite3.connect(tmp_path / "paintrace.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    proc = _start(tmp_path, port)
    try:
        for aid in acknowledged:
            with urllib.request.urlopen(f"{base}/api/assessments/{aid}", timeout=10) as resp:
                assert resp.status == 200
    finally:
        stop_process(proc)


def test_rate_limits_count_across_worker_processes(tmp_path: Path) -> None:
    """Counters live in one file shared by the workers (paintrace.web.counters): a client that
    opens a new connection for each request, so reaching every worker, still gets its limit,
    not the limit times the number of workers."""
    port = free_port()
    proc = _start(tmp_path, port, WEB_CONCURRENCY="4", PAINTRACE_RATE_LIMITS="assessment=5/m")
    try:
        statuses = []
        for _ in range(12):  # urllib opens a new connection each time
            status, _ = _post(f"http://127.0.0.1:{port}/api/assessments")
            statuses.append(status)
        assert statuses.count(201) == 5, statuses
        assert statuses.count(429) == 7, statuses
    finally:
        stop_process(proc)


@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (b"GET /a/Q3x9Vt2bLm8RkWp4Zs7YcA11/ HTTP/1.1 junk\r\nHost: x\r\n\r\n", b"400"),
        (b"GET /a/" + b"Q" * 9000 + b"/ HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
    ],
    ids=["bad request line", "request line too long"],
)
def test_requests_gunicorn_refuses_itself_get_private_plain_answers(
    server: Any, request_head: bytes, status: bytes
) -> None:
    """gunicorn answers an unparsable request before the app runs. Its own page echoed the
    request line (an assessment's id in the path) and carried no Cache-Control; a 414 may be
    cached when nothing says otherwise."""
    _, port, _ = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request_head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 " + status + b" "), head[:80]
    lines = head.split(b"\r\n")
    assert b"Cache-Control: no-store" in lines
    assert b"X-Robots-Tag: noindex, nofollow" in lines
    assert b"Content-Type: text/plain; charset=utf-8" in lines
    assert body.startswith(status + b" ")
    assert b"Q3x9" not in body and b"QQQQ" not in body
