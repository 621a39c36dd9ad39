"""API throughput: `POST /api/assessments` against a bare endpoint on the same server (wrk).

The quick check `make bench` runs: one 10-second run each at concurrency 8 on SQLite, against
DESIGN.md's bar (the assessment endpoint at least 30 % of /healthz served by the same gunicorn
workers). Both run on one machine with wrk, so the ratio matters, not the raw numbers.
`make load` (bench/load.py) measures the bar properly: more endpoints, concurrency 1, 8 and 32,
medians of three runs, SQLite and PostgreSQL. This module also holds the helpers both use.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "vignettes" / "dev-023.json"
SECONDS = 10
CONNECTIONS = 8  # DESIGN.md's bar is set at concurrency 8


@functools.cache
def load_case() -> dict[str, Any]:
    """The load case, read once: every benchmark posts it (callers do not change it)."""
    return dict(json.loads(CASE.read_text()))


def input_body(case: dict[str, Any]) -> str:
    """A vignette's input as the API takes it (its id, summary and expectations left out)."""
    return json.dumps({k: case[k] for k in ("drawing", "findings", "patient") if k in case})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop a server started with start_new_session=True: its process group, gently first."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def wrk(url: str, connections: int, seconds: float, script: Path | None = None) -> dict[str, Any]:
    """Requests a second, with the count of non-2xx answers (a 429 is not a served request)."""
    threads = min(2, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "30s"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    if not rate or not count:
        raise RuntimeError(out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": float(rate.group(1)),
        "requests": int(count.group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def lua_string(text: str) -> str:
    """`text` as a Lua long string. A quoted Lua string would not do: Lua does not read JSON's
    ``\\uXXXX`` escapes, so a body with a non-ASCII character would not load. The level (the
    ``=`` signs) is the lowest whose closing bracket first appears where the string ends, not
    inside the text. Lua drops a line break right after the opening bracket and reads ``\\r``
    as ``\\n``: compact JSON has no raw line breaks, so it comes through unchanged."""
    eq = ""
    while (text + f"]{eq}]").find(f"]{eq}]") < len(text):
        eq += "="
    return f"[{eq}[{text}]{eq}]"


def lua(path: Path, method: str, body: str) -> Path:
    """A wrk script that sends this body, as JSON, with every request."""
    path.write_text(
        f'wrk.method = "{method}"\n'
        f"wrk.body = {lua_string(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n',
        encoding="utf-8",
    )
    return path


def _served(run: dict[str, Any]) -> float:
    if run["non_2xx"]:
        raise RuntimeError(f"{run['non_2xx']} answers were not 2xx: they are not served requests")
    return float(run["rps"])


def main() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): skipping the API throughput benchmark")
        return
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="paintrace-bench-")
    # Rate limits off, as in bench/load.py: with them on, nearly every POST is a quick 429
    # (this benchmark once reported those as served assessments).
    env = {
        **os.environ,
        "PAINTRACE_DATA_DIR": data_dir,
        "PAINTRACE_RATE_LIMITS": "off",
    }
    exe = Path(sys.executable).with_name("paintrace")
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        body = input_body(load_case())
        script = lua(Path(data_dir) / "post.lua", "POST", body)
        bare = _served(wrk(f"{base}/healthz", CONNECTIONS, SECONDS))
        assess = _served(wrk(f"{base}/api/assessments", CONNECTIONS, SECONDS, script))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{'endpoint':34} {'req/s':>9}")
    print(f"{'GET /healthz (bare)':34} {bare:9.0f}")
    print(f"{'POST /api/assessments':34} {assess:9.0f}")
    print(f"ratio {assess / bare:.0%} at c={CONNECTIONS} (DESIGN.md: >= 30 %; make load for more)")


if __name__ == "__main__":
    main()
