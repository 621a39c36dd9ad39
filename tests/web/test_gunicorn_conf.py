"""Plain gunicorn with ``-c python:paintrace.web.gunicorn_conf``, as docs/deploy.md runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from .helpers import (
    VIGNETTES,
    free_port,
    fresh_environment,
    http_request,
    load_vignette,
    stop_process,
)


def test_plain_gunicorn_serves_as_paintrace_serve_does(tmp_path: Path) -> None:
    """Without the file gunicorn would run sync workers and log every path whole, ids and all."""
    env = fresh_environment()
    env.update(
        PAINTRACE_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="paintrace.web.settings",
        WEB_CONCURRENCY="2",
    )
    manage = [sys.executable, "-m", "paintrace.web.manage"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)
    port = free_port()
    log_out, log_err = tmp_path / "out.log", tmp_path / "err.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_out.open("wb") as out, log_err.open("wb") as err:
        proc = subprocess.Popen(
            [
                str(gunicorn),
                "-c",
                "python:paintrace.web.gunicorn_conf",
                "paintrace.web.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
            ],
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    assert http_request(f"{base}/healthz")[0] == 200
                    break
                except OSError:
                    assert proc.poll() is None, log_err.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not answer"
                    time.sleep(0.1)
            # preloaded in the master before the fork, as `serve` does: WeasyPrint's libraries
            # are mapped in the master itself
            assert "libpango" in Path(f"/proc/{proc.pid}/maps").read_text()
            body = json.dumps(load_vignette(VIGNETTES[0])).encode()
            status, _, created = http_request(f"{base}/api/assessments", body, "POST")
            assert status == 201
            aid = json.loads(created)["id"]
            assert http_request(f"{base}/api/assessments/{aid}")[0] == 200
            assert http_request(f"{base}/a/{aid}/")[0] == 200
        finally:
            stop_process(proc)
    logs = log_out.read_text() + log_err.read_text()
    assert "Using worker: paintrace.web.worker.ThreadWorker" in logs
    assert "Booting worker" in logs and logs.count("Booting worker") == 2  # WEB_CONCURRENCY
    assert '"GET /api/assessments/<aid>' in logs and '"GET /a/<aid>/' in logs
    assert aid not in logs
