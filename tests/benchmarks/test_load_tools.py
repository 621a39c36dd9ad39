"""The tools that measure DESIGN.md's throughput bar (bench/load.py, bench/web.py).

The bar's figures are only as good as what produces them: wrk must send the body it was given,
a refused request must not count as served, and the CPU per request must count every process of
the server. These tests run the real tools: wrk against a small local server, processes that
burn known CPU time. wrk is a Debian package (.ci/run installs it).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from paintrace.assessment import parse_input

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


class Recorder(NamedTuple):
    url: str
    bodies: list[bytes]  # every POST body, in the order received


@pytest.fixture
def server() -> Iterator[Recorder]:
    """Keep-alive HTTP/1.1 that records each POST body; /limited answers 429, as a limit does."""
    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            self.send_response(429 if self.path == "/limited" else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self._answer()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield Recorder(f"http://127.0.0.1:{httpd.server_address[1]}", bodies)
    finally:
        httpd.shutdown()
        httpd.server_close()


# ------------------------------------------------------------------------- wrk's scripts


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2]}',
        '{"note": "café – naïve"}',
        '{"x": "]]"}',
        '{"x": "]=]"}',
        '{"x": "a]"}',
        "ends with ]",
        "ends with ]=",
        "",
    ],
)
def test_lua_string_is_one_long_string_that_ends_where_the_text_ends(bench_web, text):
    literal = bench_web.lua_string(text)
    level = literal.index("[", 1) - 1  # the = signs between the two opening brackets
    closing = "]" + "=" * level + "]"
    assert literal == "[" + "=" * level + "[" + text + closing
    inner = literal[level + 2 :]
    assert inner.index(closing) == len(text)  # no earlier close inside the text


@needs_wrk
def test_lua_sends_the_body_unchanged_even_with_non_ascii(bench_web, server, tmp_path):
    body = json.dumps({"note": "café – ]] naïve", "n": [1, 2]}, ensure_ascii=False)
    script = bench_web.lua(tmp_path / "post.lua", "POST", body)
    run = bench_web.wrk(server.url + "/ok", 1, 1, script)
    assert run["requests"] > 0 and run["non_2xx"] == 0
    assert server.bodies, "wrk sent no POST: its script did not load"
    assert set(server.bodies) == {body.encode()}


@needs_wrk
def test_rotating_lua_sends_the_bodies_in_turn(bench_load, server, tmp_path):
    bodies = ['{"case": 1}', '{"case": "zwei – ü"}', '{"case": [3]}']
    script = bench_load.rotating_lua(tmp_path / "mix.lua", "POST", bodies)
    bench_load.wrk(server.url + "/ok", 1, 1, script)  # one connection: the requests in order
    sent = [b.decode() for b in server.bodies]
    assert len(sent) >= 6 and set(sent) == set(bodies)
    # wrk calls request() once before it starts, so the first body sent may be any of them
    start = bodies.index(sent[0])
    assert sent == [bodies[(start + i) % 3] for i in range(len(sent))]


# ------------------------------------------------------------------------- counting


@needs_wrk
def test_wrk_counts_refused_requests_as_not_served(bench_web, server):
    ok = bench_web.wrk(server.url + "/ok", 2, 1)
    assert ok["rps"] > 0 and ok["requests"] > 0 and ok["non_2xx"] == 0
    assert bench_web._served(ok) == ok["rps"]
    limited = bench_web.wrk(server.url + "/limited", 2, 1)
    assert limited["requests"] > 0 and limited["non_2xx"] == limited["requests"]
    with pytest.raises(RuntimeError, match="not 2xx"):
        bench_web._served(limited)


_BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass\n"


def test_cpu_seconds_counts_the_whole_process_tree(bench_load, tmp_path):
    """0.3 s in a child that has exited (its parent's reaped time), 0.3 s in a child still
    running, 0.2 s in the root itself: about 0.8 s in all, from /proc."""
    script = tmp_path / "tree.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import subprocess, sys, time
            burn = {_BURN!r}
            subprocess.run([sys.executable, "-c", burn.format(s=0.3)], check=True)
            live = subprocess.Popen(
                [sys.executable, "-c", burn.format(s=0.3) + "import time; time.sleep(60)"]
            )
            exec(burn.format(s=0.2))
            print("burnt", flush=True)
            time.sleep(60)
            """
        )
    )
    root = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert root.stdout is not None and root.stdout.readline().strip() == "burnt"
        # the live child may still be burning its last ticks: wait until they are in
        deadline = time.monotonic() + 5
        while bench_load.cpu_seconds(root.pid)[0] < 0.75 and time.monotonic() < deadline:
            time.sleep(0.1)
        total, none = bench_load.cpu_seconds(root.pid, None)
        assert 0.75 <= total < 3.0
        assert none == 0.0
    finally:
        _kill_tree(bench_load, root.pid)
        root.wait()


def _kill_tree(bench_load: ModuleType, pid: int) -> None:
    for p in bench_load.process_tree(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


@needs_wrk
def test_measured_gives_the_servers_cpu_per_request(bench_load, bench_web, tmp_path):
    """A separate server process (Python's http.server), as the app server is in make load."""
    (tmp_path / "index.html").write_text("hello")
    port = bench_web.free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/index.html"
        bench_web.wait_for(url)
        run = bench_load.measured(url, 2, 1, None, app.pid, None)
    finally:
        app.kill()
        app.wait()
    assert run["requests"] > 0 and run["non_2xx"] == 0
    assert 0.0 < run["app_ms"] < 100.0  # CPU milliseconds per request, of that process alone
    assert run["db_ms"] == 0.0


def test_median_is_the_middle_run_by_that_key(bench_load):
    runs = [{"ratio": r, "n": i} for i, r in enumerate([0.31, 0.25, 0.40, 0.28, 0.33])]
    assert bench_load._median(runs, "ratio") == {"ratio": 0.31, "n": 0}
    assert bench_load._median(runs[:1], "ratio") == runs[0]


# ------------------------------------------------------------------------- inputs and cores


def test_the_load_bodies_are_inputs_the_api_takes(bench_load, bench_web):
    case = bench_web.load_case()
    body = json.loads(bench_web.input_body(case))
    assert set(body) <= {"drawing", "findings", "patient"}
    assert parse_input(body).drawing  # the bar's case: a drawing and answers
    assert len(bench_load.mix_bodies()) == len(bench_load.MIX) > 0  # every dev case, once
    for text in bench_load.mix_bodies():
        parse_input(json.loads(text))


def _split_in_child(bench_load: ModuleType, cores: list[int]) -> subprocess.CompletedProcess[str]:
    """split_cores() changes the calling process's affinity: run it in a child of its own."""
    code = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(bench_load.__file__).parent)!r})
        os.sched_setaffinity(0, {set(cores)!r})
        import load
        app = load.split_cores()
        print(sorted(app), sorted(os.sched_getaffinity(0)))
        """
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_split_cores_gives_the_app_the_first_half_and_keeps_the_rest(bench_load):
    cores = sorted(os.sched_getaffinity(0))
    done = _split_in_child(bench_load, cores)
    assert done.returncode == 0, done.stderr
    half = len(cores) // 2
    assert done.stdout.splitlines()[-1] == f"{cores[:half]} {cores[half:]}"


def test_split_cores_refuses_one_core(bench_load):
    done = _split_in_child(bench_load, [min(os.sched_getaffinity(0))])
    assert done.returncode == 2
    assert "--split needs at least two cores" in done.stderr
