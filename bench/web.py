"""API throughput: `POST /api/assessments` against a bare endpoint on the same server (wrk).

DESIGN.md asks the assessment endpoint to reach at least 70 % of the throughput of a bare
endpoint served by the same gunicorn workers: the engine and the database write must not be the
bottleneck. Both run on one 2-core machine with wrk, so the ratio matters, not the raw numbers.
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "vignettes" / "dev-023.json"
SECONDS = 10


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


def wrk(url: str, script: Path | None = None) -> float:
    """Requests a second; an error if any answer was not 2xx (a 429 is not a served request)."""
    cmd = ["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--latency", url]
    if script is not None:
        cmd[1:1] = ["-s", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(out)
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} answers were not 2xx\n{out}")
    return float(match.group(1))


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
        "WEB_CONCURRENCY": "2",
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
        body = json.dumps(json.loads(CASE.read_text()))
        script = Path(data_dir) / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        bare = wrk(f"{base}/healthz")
        assess = wrk(f"{base}/api/assessments", script)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{'endpoint':34} {'req/s':>9}")
    print(f"{'GET /healthz (bare)':34} {bare:9.0f}")
    print(f"{'POST /api/assessments':34} {assess:9.0f}")
    print(f"ratio {assess / bare:.0%} (target >= 70 %)")


if __name__ == "__main__":
    main()
