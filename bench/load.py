"""`make load`: throughput of the write and page endpoints against /healthz, in the same run.

Starts `paintrace serve` (its default workers) on a throwaway data folder, on SQLite and on a
throwaway PostgreSQL server (when its binaries are installed), and runs wrk against each
endpoint at concurrency 1, 8 and 32 for a few seconds each:

    GET  /healthz                      the bare endpoint every ratio is relative to
    POST /api/assessments              engine + database write (one case, the bar's row)
    POST /api/assessments, 76 cases    the same, the development cases in turn
    POST /api/interview/next           engine only
    GET  /a/<id>/                      a saved result's page
    GET  /api/assessments/<id>/plan.pdf  the PDF handout

DESIGN.md's bar: POST /api/assessments at least 30 % of /healthz at concurrency 8, and no drop
from 8 to 32 on PostgreSQL. wrk and the server share the machine's cores, so ratios matter, not
raw numbers. Rate limits are switched off for the run (PAINTRACE_RATE_LIMITS=off).

    python bench/load.py [--seconds 3] [--repeat 5] [--db sqlite|postgres|both] [--json FILE]
                         [--split]

Every run of an endpoint comes right after a run of /healthz at the same concurrency, and its
ratio is to that run: the machine's speed drifts, and runs minutes apart would compare unlike
moments. Each cell is the run with the median ratio of `--repeat` (5: single runs of the same
build on PostgreSQL ranged from 21 % to 41 % at 8 clients, because each run's connections land
on the workers afresh and a worker keeps those it accepted); /healthz's own row, the median of
its runs. For that run the table below it gives the CPU time per request of the app
server's processes and of the database server's (PostgreSQL's postmaster and backends; on
Linux, from /proc): the machine's cores are shared, so every millisecond the database server
spends on a write is one the app cannot serve with.

`--split` takes the load generator and the database server off the app's cores: the app server
runs on the first half of the cores this process may use, wrk and PostgreSQL on the rest (as in
production, where clients and the database are other machines). Each ratio is then the app
server's alone; the app has half the cores, so its requests a second are about half.
"""

from __future__ import annotations

import argparse
import functools
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from web import (  # the same folder: bench/web.py starts servers and runs wrk the same way
    ROOT,
    free_port,
    input_body,
    load_case,
    lua,
    lua_string,
    stop_server,
    wait_for,
    wrk,
)

MIX = sorted((ROOT / "tests" / "vignettes").glob("dev-*.json"))  # the varied row's inputs
CONCURRENCY = (1, 8, 32)


def _proc_stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children() -> dict[int, list[int]]:
    """Every process's children, from one scan of /proc (Linux; empty elsewhere)."""
    children: dict[int, list[int]] = defaultdict(list)
    try:
        entries = [e for e in Path("/proc").iterdir() if e.name.isdigit()]
    except OSError:
        return children
    for entry in entries:
        try:
            children[int(_proc_stat(int(entry.name))[1])].append(int(entry.name))
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
    return children


def cpu_seconds(*roots: int | None) -> list[float]:
    """User plus system CPU time used so far by each root's process tree (0.0 if unknown).

    Each process counts its own time and that of its children that have exited (reaped): a
    PostgreSQL backend whose connection was closed mid-run still counts, in the postmaster's.
    """
    children = _children()
    out = []
    for root in roots:
        ticks = 0
        tree = process_tree(root, children) if root is not None else []
        for pid in tree:
            try:
                ticks += sum(int(f) for f in _proc_stat(pid)[11:15])  # utime stime cutime cstime
            except (OSError, IndexError, ValueError):
                continue
        out.append(ticks / os.sysconf("SC_CLK_TCK"))
    return out


def process_tree(root: int, children: dict[int, list[int]] | None = None) -> list[int]:
    """The root and all its descendants, from one scan of /proc (`children`, or a new one)."""
    children = _children() if children is None else children
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


POSTMASTERS: dict[str, int] = {}  # URL -> pid of the server postgres() started there


@contextmanager
def postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL server (as tests/conftest.py starts one); None if not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        yield None
        return
    pg_bin = Path(found[-1])
    root = Path(tempfile.mkdtemp(prefix="paintrace-load-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = root / "data"

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)

    run(str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync")
    # Durable settings (fsync on), as in production: the write path is what is measured.
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
    run(str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", opts, "start")
    try:
        run(str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "pt")
        url = f"postgres://postgres@127.0.0.1:{port}/pt"
        POSTMASTERS[url] = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
        yield url
    finally:
        subprocess.run(
            [*as_user, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def measured(
    url: str, c: int, seconds: float, script: Path | None, app: int, db: int | None
) -> dict[str, Any]:
    """One wrk run, with the CPU milliseconds per request of the app and database servers."""
    app0, db0 = cpu_seconds(app, db)
    out = wrk(url, c, seconds, script)
    app1, db1 = cpu_seconds(app, db)
    served = max(1, out["requests"])
    out["app_ms"] = (app1 - app0) * 1000 / served
    out["db_ms"] = (db1 - db0) * 1000 / served
    return out


@functools.cache
def mix_bodies() -> list[str]:
    """The varied row's bodies, read once for both databases."""
    return [input_body(json.loads(p.read_text())) for p in MIX]


def rotating_lua(path: Path, method: str, bodies: list[str]) -> Path:
    """A wrk script whose connections send these bodies in turn.

    The bar's row sends one case (dev-023: a piriformis picture with 13 answers, heavier than
    most); this row shows what a mix of people costs: red flags, nerve roots, sparse drawings.
    Building each request in Lua costs wrk a little more CPU than a fixed body, on shared cores.
    """
    items = ",\n".join(lua_string(b) for b in bodies)
    path.write_text(
        f"local bodies = {{\n{items}\n}}\n"
        "local i = 0\n"
        'local headers = {["Content-Type"] = "application/json"}\n'
        "request = function()\n"
        "  i = i % #bodies + 1\n"
        f'  return wrk.format("{method}", nil, headers, bodies[i])\n'
        "end\n",
        encoding="utf-8",
    )
    return path


def run_one(
    label: str,
    database_url: str | None,
    seconds: float,
    workers: int | None = None,
    only: str = "",
    repeat: int = 1,
    app_cores: set[int] | None = None,
) -> dict[str, Any]:
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="paintrace-load-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PAINTRACE_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(PAINTRACE_DATA_DIR=str(data_dir), PAINTRACE_RATE_LIMITS="off")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    db_pid = POSTMASTERS.get(database_url) if database_url else None
    if database_url:
        env["DATABASE_URL"] = database_url
    exe = Path(sys.executable).with_name("paintrace")
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        # before exec, so gunicorn's workers inherit it (this process is single-threaded)
        preexec_fn=(lambda: os.sched_setaffinity(0, app_cores)) if app_cores else None,
    )
    results: dict[str, Any] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        case = load_case()
        body = input_body(case)
        req = urllib.request.Request(
            f"{base}/api/assessments",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        created = json.loads(urllib.request.urlopen(req, timeout=30).read())
        assert created.get("plan"), "the load case must have a self-care plan (for the PDF)"
        aid = created["id"]
        partial = json.dumps({"drawing": case["drawing"], "findings": {}})
        endpoints: list[tuple[str, str, Path | None]] = [
            ("GET /healthz", f"{base}/healthz", None),
            (
                "POST /api/assessments",
                f"{base}/api/assessments",
                lua(data_dir / "post.lua", "POST", body),
            ),
            (
                f"POST /api/assessments, {len(MIX)} cases",
                f"{base}/api/assessments",
                rotating_lua(data_dir / "mix.lua", "POST", mix_bodies()),
            ),
            (
                "POST /api/interview/next",
                f"{base}/api/interview/next",
                lua(data_dir / "next.lua", "POST", partial),
            ),
            ("GET /a/<id>/ (result page)", f"{base}/a/{aid}/", None),
            ("GET plan.pdf", f"{base}/api/assessments/{aid}/plan.pdf", None),
        ]
        bare_url = endpoints[0][1]
        bare_runs: dict[int, list[dict[str, Any]]] = {c: [] for c in CONCURRENCY}
        results["GET /healthz"] = {}  # first in the table; filled in from the paired runs
        for name, url, script in endpoints[1:]:
            if only and only not in name:
                continue
            results[name] = {}
            for c in CONCURRENCY:
                runs = []
                for _ in range(repeat):
                    # Each run right after a /healthz run at the same concurrency, its ratio to
                    # that one: the machine's speed drifts (other virtual machines share the
                    # host), and runs minutes apart differ by more than the bar's margin.
                    bare = measured(bare_url, c, seconds, None, server.pid, db_pid)
                    time.sleep(0.5)
                    run = measured(url, c, seconds, script, server.pid, db_pid)
                    time.sleep(0.5)
                    run["ratio"] = run["rps"] / bare["rps"] if bare["rps"] else 0.0
                    bare_runs[c].append(bare)
                    runs.append(run)
                # the median run: wrk and the server share the cores, and a worker keeps the
                # connections it accepted, so single runs swing by a third either way
                results[name][c] = {
                    **_median(runs, "ratio"),
                    "ratios": [round(r["ratio"], 4) for r in runs],  # the spread, in --json
                }
        if not bare_runs[CONCURRENCY[0]]:
            raise SystemExit(f"--only {only!r} names none of: {[n for n, _, _ in endpoints[1:]]}")
        for c in CONCURRENCY:
            results["GET /healthz"][c] = {**_median(bare_runs[c], "rps"), "ratio": 1.0}
    finally:
        stop_server(server)
        shutil.rmtree(data_dir, ignore_errors=True)
    print_table(label, results)
    return results


def _median(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return sorted(runs, key=lambda r: float(r[key]))[len(runs) // 2]


def print_table(label: str, results: dict[str, Any]) -> None:
    print(f"\n{label}: requests/second (ratio to /healthz at the same concurrency)")
    print(f"{'endpoint':32}" + "".join(f"{'c=' + str(c):>20}" for c in CONCURRENCY))
    for name, row in results.items():
        cells = []
        for c in CONCURRENCY:
            cell = row[c]
            ratio = cell["ratio"]
            flag = "*" if cell["non_2xx"] or cell["socket_errors"] else " "
            cells.append(f"{cell['rps']:9.1f} ({ratio:5.1%}){flag}")
        print(f"{name:32}" + "".join(f"{c:>20}" for c in cells))
    print("(* = some non-2xx responses or socket errors)")
    print("CPU per request at c=8, ms: app server + database server")
    for name, row in results.items():
        print(f"  {name:32}{row[8]['app_ms']:7.3f} + {row[8]['db_ms']:.3f}")
    post = results.get("POST /api/assessments")
    if post is None:
        return
    # The c=32 and c=8 cells ran minutes apart, and the machine's speed drifts: their ratios to
    # /healthz, each taken from a paired run, say whether the drop is the app's or the machine's.
    print(
        f"POST/healthz at c=8: {post[8]['ratio']:.1%} (bar >= 30 %); "
        f"POST c=32 vs c=8: {post[32]['rps'] / post[8]['rps']:.2f}x (bar: no drop on PostgreSQL); "
        f"as ratios to /healthz: {post[32]['ratio'] / post[8]['ratio']:.2f}x"
    )
    # Whether the ratio is held down by the CPU each write costs or by cores left idle while
    # writes wait (on PostgreSQL's round trip and commit): /healthz's CPU over POST's, and the
    # cores each kept busy (requests a second times CPU per request).
    bare = results["GET /healthz"][8]
    cpu_h, cpu_p = bare["app_ms"] + bare["db_ms"], post[8]["app_ms"] + post[8]["db_ms"]
    print(
        f"At c=8, /healthz's CPU per request over POST's: {cpu_h / cpu_p:.1%}; cores kept busy: "
        f"/healthz {bare['rps'] * cpu_h / 1000:.2f}, POST {post[8]['rps'] * cpu_p / 1000:.2f}"
    )
    # Each cell is the median of its runs; the lowest and highest show how far one run strays.
    spread = ", ".join(
        f"c={c} {min(post[c]['ratios']):.1%} to {max(post[c]['ratios']):.1%}" for c in CONCURRENCY
    )
    print(f"POST/healthz over the {len(post[8]['ratios'])} runs of each cell: {spread}")


def split_cores() -> set[int]:
    """Keep this process (and so wrk and the PostgreSQL it starts) off the app server's cores;
    return those: the first half of the cores this process may use."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        print("--split needs at least two cores", file=sys.stderr)
        raise SystemExit(2)
    app, rest = set(cores[: len(cores) // 2]), set(cores[len(cores) // 2 :])
    os.sched_setaffinity(0, rest)
    print(f"--split: app server on cores {sorted(app)}, wrk and PostgreSQL on {sorted(rest)}")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: the server's)")
    parser.add_argument("--only", default="", help="only endpoints whose name contains this")
    parser.add_argument("--repeat", type=int, default=5, help="runs per cell; the median counts")
    parser.add_argument(
        "--split",
        action="store_true",
        help="the app server on half the cores, wrk and PostgreSQL on the others",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    app_cores = split_cores() if args.split else None
    out: dict[str, Any] = {}
    if args.db in ("sqlite", "both"):
        out["sqlite"] = run_one(
            "SQLite", None, args.seconds, args.workers, args.only, args.repeat, app_cores
        )
    if args.db in ("postgres", "both"):
        with postgres() as url:
            if url is None:
                print("PostgreSQL server binaries not found: skipping PostgreSQL")
            else:
                out["postgres"] = run_one(
                    "PostgreSQL", url, args.seconds, args.workers, args.only, args.repeat, app_cores
                )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
