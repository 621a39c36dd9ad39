"""``paintrace serve``: migrate, collect static files, run gunicorn, answer over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from paintrace.web import server

from .helpers import VIGNETTES, free_port, fresh_environment, http_request, load_vignette


def test_collectstatic_runs_only_when_files_changed(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    assert server.collect_static_if_needed() is True
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    hashed = manifest["paths"]["ninja/swagger-ui-bundle.js"]
    assert (settings.STATIC_ROOT / f"{hashed}.gz").exists()
    assert (settings.STATIC_ROOT / f"{hashed}.br").exists()
    assert not (settings.STATIC_ROOT / "ninja" / "swagger-ui-bundle.js").exists()  # hashed only
    assert not any(name.startswith("ninja/redoc") for name in manifest["paths"])
    assert server.collect_static_if_needed() is False
    stamp = settings.STATIC_ROOT / ".paintrace-fingerprint"
    assert stamp.read_text() == server.static_fingerprint()


def test_a_requested_address_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAINTRACE_ALLOWED_HOSTS", raising=False)
    server._allow_host("192.168.1.20")
    assert os.environ["PAINTRACE_ALLOWED_HOSTS"].split(",")[-1] == "192.168.1.20"
    monkeypatch.setenv("PAINTRACE_ALLOWED_HOSTS", "mine.example.org")
    server._allow_host("10.0.0.1")
    assert os.environ["PAINTRACE_ALLOWED_HOSTS"] == "mine.example.org"


def test_serve_end_to_end(tmp_path: Path) -> None:
    """A fresh data folder: serve() must set everything up and answer real HTTP requests."""
    port = free_port()
    env = fresh_environment()
    env["PAINTRACE_DATA_DIR"] = str(tmp_path)
    env["WEB_CONCURRENCY"] = "1"
    code = f"from paintrace.web.server import serve; serve('127.0.0.1', {port})"
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first, first + (
            proc.stderr.read() if proc.stderr else ""
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                status, _, _ = http_request(f"{base}/api/knowledge/sources")
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not answer"
                time.sleep(0.1)
        assert status == 200

        data = load_vignette(VIGNETTES[0])
        status, headers, body = http_request(
            f"{base}/api/assessments", json.dumps(data).encode(), "POST"
        )
        assert status == 201
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        aid = json.loads(body)["id"]
        assert http_request(f"{base}/api/assessments/{aid}")[0] == 200

        # static files were collected: hashed names, served with far-future caching
        status, _, html = http_request(f"{base}/api/docs")
        assert status == 200
        css = next(part for part in html.decode().split('"') if part.endswith(".css"))
        assert css.startswith("/static/ninja/swagger-ui.") and css != "/static/ninja/swagger-ui.css"
        status, headers, _ = http_request(f"{base}{css}")
        assert status == 200 and "immutable" in headers["Cache-Control"]

        assert (tmp_path / "paintrace.sqlite3").exists() and (tmp_path / "secret_key").exists()
    finally:
        proc.send_signal(signal.SIGTERM)  # gunicorn's arbiter: graceful stop of its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 4), (3, 6), (4, 8), (32, 8)])
def test_default_workers_two_per_core_within_bounds(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    """A CPU-bound app needs processes to use the cores, and two per core so that a few
    keep-alive clients landing on one process do not leave a core idle."""
    monkeypatch.setattr(server.os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert server.default_workers() == workers
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert server.configured_workers() == workers
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert server.configured_workers() == 3


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    """Workers bind with SO_REUSEPORT, which would let a second server share a taken port: serve()
    checks first and stops with one line and exit 2, before touching the data folder."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert server.port_in_use("127.0.0.1", port)
        env = fresh_environment()
        env["PAINTRACE_DATA_DIR"] = str(tmp_path / "data")
        code = f"from paintrace.web.server import serve; serve('127.0.0.1', {port})"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2
    assert f"port {port} is already in use" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "paintrace.sqlite3").exists()
    assert not server.port_in_use("127.0.0.1", port)  # free again once the listener closed


def test_the_empty_host_checks_every_address() -> None:
    """serve('') listens on every address, so a port taken on any one of them is taken."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.2", 0))  # another address than the one localhost resolves to
        taken.listen()
        port = taken.getsockname()[1]
        assert server.port_in_use("", port)
        assert server.port_in_use("0.0.0.0", port)
        assert not server.port_in_use("127.0.0.1", port)


def test_preload_loads_the_engine_and_freezes_it() -> None:
    """What the master holds before forking is loaded once and never scanned by the GC."""
    import gc

    from paintrace.inference import compiled_model
    from paintrace.knowledge import load_knowledge

    gc.unfreeze()
    try:
        server.preload_for_workers()
        assert gc.get_freeze_count() > 0
        model = compiled_model(load_knowledge())
        assert model is compiled_model(load_knowledge())  # built once, then shared
        assert all(obj is not model for obj in gc.get_objects())  # out of the collector's scans
    finally:
        gc.unfreeze()


def test_preload_loads_what_first_requests_would(tmp_path: Path) -> None:
    """The URLconf, the templates and the handout renderer are in the master before it forks,
    so no worker's first request pays for them (nor holds its own copy). A fresh interpreter:
    this one has loaded them already through other tests."""
    probe = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.template import engines
from paintrace.web import server
root = Path(server.__file__).with_name("templates")
names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
cache = engines["django"].engine.template_loaders[0].get_template_cache
before = [m in sys.modules for m in ("weasyprint", "paintrace.web.pages.views")]
before.append(any(n in cache for n in names))
server.preload_for_workers()
after = [m in sys.modules for m in ("weasyprint", "paintrace.web.pages.views")]
after.append(all(n in cache for n in names))
print(json.dumps({"before": before, "after": after, "names": names}))
"""
    env = {
        **fresh_environment(),
        "DJANGO_SETTINGS_MODULE": "paintrace.web.settings",
        "PAINTRACE_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["before"] == [False, False, False]  # all of it is loaded lazily otherwise
    assert seen["after"] == [True, True, True]
    assert {"paintrace/bodymap.html", "paintrace/result.html"} <= set(seen["names"])
