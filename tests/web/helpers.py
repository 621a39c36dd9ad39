"""Plain helpers for the web tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "vignettes").glob("*.json"))


def load_vignette(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def without_keys(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def fresh_environment() -> dict[str, str]:
    """This process's environment minus anything that configures Django or paintrace (other
    test folders set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly rejects)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAINTRACE_", "DJANGO_")) and k != "DATABASE_URL"
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_request(
    url: str, data: bytes | None = None, method: str = "GET"
) -> tuple[int, Any, bytes]:
    """(status, headers, body) of one request to a server a test started; errors included."""
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def stop_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """`sig` to a process started with start_new_session=True and its group (gunicorn's or
    nginx's workers), then SIGKILL if it has not ended within 15 s."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
