"""What the parts of `make hardening` share: the case, requests, a server to measure, figures."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from web import (  # the same folder: bench/web.py
    free_port,
    input_body,
    load_case,
    stop_server,
    wait_for,
)

TABLE = "paintrace_assessment"  # the Assessment model (app label "paintrace")
DB_FILE = "paintrace.sqlite3"
HOST = "127.0.0.1"

BEFORE = {
    "slow": "two connections sending a body one byte a second blocked `paintrace serve` for "
    "30 s; four kept it down",
    "pdf": "every PDF request rendered anew (about 1 s of CPU): four parallel requests stalled "
    "every other page for seconds",
    "fill": "about 16 GB an hour on one connection; each row stored 12 KB of JSON",
    "delete": "deleted rows stayed readable in the database files",
}


# ------------------------------------------------------------------------------ helpers


def case_body() -> bytes:
    return input_body(load_case()).encode()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    timeout: float = 60.0,
) -> tuple[int, dict[str, str], bytes, float]:
    """One request on a fresh connection: status, headers, body, seconds."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data, time.perf_counter() - start
    finally:
        conn.close()


def create(port: int, body: bytes) -> str:
    status, _, data, _ = request(port, "POST", "/api/assessments", body)
    if status != 201:
        raise RuntimeError(f"POST /api/assessments answered {status}: {data[:200]!r}")
    created = json.loads(data)
    if not created.get("plan"):
        raise RuntimeError("the case must have a self-care plan (for the PDF)")
    return str(created["id"])


def ms(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median_ms": None, "max_ms": None}
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def server_env(data_dir: Path, database_url: str | None, rate_limits_off: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAINTRACE_", "DJANGO_"))
        and k not in ("DATABASE_URL", "WEB_CONCURRENCY")
    }
    env["PAINTRACE_DATA_DIR"] = str(data_dir)
    if rate_limits_off:
        env["PAINTRACE_RATE_LIMITS"] = "off"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextmanager
def serve(
    database_url: str | None = None, rate_limits_off: bool = True
) -> Iterator[tuple[int, Path, dict[str, str]]]:
    """`paintrace serve` on a throwaway data folder, with a clean environment (as load.py)."""
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="paintrace-hardening-"))
    env = server_env(data_dir, database_url, rate_limits_off)
    exe = Path(sys.executable).with_name("paintrace")
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(f"http://{HOST}:{port}/healthz")
        yield port, data_dir, env
    finally:
        stop_server(server)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def server_settings(env: dict[str, str]) -> dict[str, Any]:
    """The settings the server runs with (same environment), read in a separate process."""
    code = (
        "import json, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'paintrace.web.settings')\n"
        "from django.conf import settings\n"
        "from paintrace.web.server import configured_workers\n"
        "print(json.dumps({'rate_limits': settings.RATE_LIMITS, 'workers': configured_workers(),\n"
        "  'body_read_timeout': settings.BODY_READ_TIMEOUT, 'pdf_renders': settings.PDF_RENDERS,\n"
        "  'pdf_wait_seconds': settings.PDF_WAIT_SECONDS}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def human(n: float | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.1f} {unit}" if unit != "B" else f"{n:,.0f} B"
        n /= 1000
    return str(n)
