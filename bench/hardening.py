"""`make hardening`: re-measure the figures of the issue "Hardening: slow clients, PDF storms,
disk filling, real deletion" against a real `paintrace serve` (gunicorn gthread, default workers).

    1. slow clients   N connections (4, 16, 32) send a head with Content-Length: 900 and then a
                      body one byte a second (a third of them trickle the headers instead);
                      /healthz is probed 10 times meanwhile, and the time to the 408 is taken
    2. PDF burst      K fresh assessments' plan.pdf asked for at once (K = 4, 16) while /healthz
                      is probed every 0.1 s; then the same K again (kept, not rendered again)
    3. fill rate      one client posting assessments on one keep-alive connection for 20 s with
                      the DEFAULT rate limits; database growth and the hour extrapolated
    4. deletion       after DELETE, are the row's sealed bytes, lookup hash or id still in the
                      database files? SQLite, and PostgreSQL after VACUUM and CHECKPOINT

Parts 1 to 3 run on SQLite; --db chooses where the deletion part runs. It is a benchmark run by
hand, not a test: it prints figures and never fails on them. Takes about 2 to 3 minutes.

    python bench/hardening.py [--db sqlite|postgres|both] [--json FILE] [--quick]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import http.client
import json
import os
import select
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The same folder: bench/load.py's throwaway PostgreSQL server, bench/web.py's server helpers.
from load import postgres

from web import free_port, stop_server, wait_for

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "vignettes" / "dev-023.json"
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
    case = json.loads(CASE.read_text())
    return json.dumps(
        {k: case[k] for k in ("drawing", "findings", "patient") if k in case}
    ).encode()


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
        "from paintrace.web.server import _workers\n"
        "print(json.dumps({'rate_limits': settings.RATE_LIMITS, 'workers': _workers(),\n"
        "  'body_read_timeout': settings.BODY_READ_TIMEOUT, 'pdf_renders': settings.PDF_RENDERS,\n"
        "  'pdf_wait_seconds': settings.PDF_WAIT_SECONDS}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# ------------------------------------------------------------------------------ 1. slow clients

BODY_HEAD = (
    f"POST /api/assessments HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
    "Content-Length: 900\r\n\r\n"
).encode()
HEADER_HEAD = f"POST /api/assessments HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode()


def slow_client(port: int, kind: str, stop: threading.Event, out: dict[str, Any]) -> None:
    """Send the head (whole, or part of it), then one byte a second until answered or closed."""
    out.update(kind=kind, status=None, answered_after=None, closed_after=None)
    try:
        sock = socket.create_connection((HOST, port), timeout=10)
    except OSError as exc:
        out["error"] = f"connect: {exc}"
        return
    buf = b""
    start = time.monotonic()
    try:
        sock.sendall(BODY_HEAD if kind == "body" else HEADER_HEAD)
        trickle = b"{" if kind == "body" else b"a"
        next_send = start + 1.0
        while not stop.is_set():
            wait = max(0.0, next_send - time.monotonic())
            readable, _, _ = select.select([sock], [], [], min(wait, 0.1))
            now = time.monotonic()
            if readable:
                data = sock.recv(4096)
                if not data:
                    out["closed_after"] = now - start
                    break
                if out["answered_after"] is None:
                    out["answered_after"] = now - start
                buf += data
                continue
            if now >= next_send:
                sock.sendall(trickle)
                trickle = b" " if kind == "body" else b"a"
                next_send += 1.0
    except OSError as exc:  # reset or broken pipe: cut off
        out["closed_after"] = time.monotonic() - start
        out["error"] = type(exc).__name__
    finally:
        sock.close()
    if buf.startswith(b"HTTP/"):
        parts = buf.split(b"\r\n", 1)[0].split()
        out["status"] = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def slow_clients(port: int, n: int, body_timeout: float) -> dict[str, Any]:
    n_header = n // 3
    kinds = ["header"] * n_header + ["body"] * (n - n_header)
    stop = threading.Event()
    outs: list[dict[str, Any]] = [{} for _ in kinds]
    threads = [
        threading.Thread(target=slow_client, args=(port, kind, stop, out), daemon=True)
        for kind, out in zip(kinds, outs, strict=True)
    ]
    start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(1.0)  # let every slow connection be accepted and reach a thread
    latencies: list[float] = []
    failed = 0
    for i in range(10):
        due = start + 1.0 + 0.3 * i
        time.sleep(max(0.0, due - time.monotonic()))
        try:
            status, _, _, seconds = request(port, "GET", "/healthz", timeout=40)
            latencies.append(seconds)
            failed += status != 200
        except OSError:
            failed += 1
    # Wait for the 408s (BODY_READ_TIMEOUT after each head) with a margin, then probe once more.
    end = start + body_timeout + 6.0
    while time.monotonic() < end:
        body_done = all(o.get("closed_after") is not None for o in outs if o["kind"] == "body")
        if body_done and time.monotonic() > start + body_timeout + 3.0:
            break
        time.sleep(0.2)
    try:
        after = request(port, "GET", "/healthz", timeout=40)[3]
    except OSError:
        after = None
    window = time.monotonic() - start
    stop.set()
    for t in threads:
        t.join(timeout=5)

    def cut(kind: str) -> dict[str, Any]:
        mine = [o for o in outs if o.get("kind") == kind]
        answered = [o["answered_after"] for o in mine if o["answered_after"] is not None]
        closed = [o["closed_after"] for o in mine if o["closed_after"] is not None]
        statuses: dict[str, int] = {}
        for o in mine:
            key = str(o["status"]) if o["status"] else ("closed" if o["closed_after"] else "open")
            statuses[key] = statuses.get(key, 0) + 1
        return {
            "connections": len(mine),
            "statuses": statuses,
            "answered_median_s": round(statistics.median(answered), 2) if answered else None,
            "answered_max_s": round(max(answered), 2) if answered else None,
            "closed_max_s": round(max(closed), 2) if closed else None,
            "still_open": len(mine) - len(closed),
        }

    return {
        "n": n,
        "healthz": {**ms(latencies), "failed": failed, "probes": 10},
        "healthz_after_cutoff_ms": None if after is None else round(after * 1000, 1),
        "body": cut("body"),
        "header": cut("header"),
        "window_s": round(window, 1),
    }


# ------------------------------------------------------------------------------ 2. PDF burst


def pdf_round(port: int, ids: list[str]) -> tuple[list[dict[str, Any]], float]:
    results: list[dict[str, Any]] = [{} for _ in ids]
    barrier = threading.Barrier(len(ids))

    def fetch(i: int) -> None:
        barrier.wait()
        try:
            status, headers, data, seconds = request(
                port, "GET", f"/api/assessments/{ids[i]}/plan.pdf", timeout=120
            )
            results[i] = {
                "status": status,
                "retry_after": headers.get("Retry-After"),
                "seconds": seconds,
                "sha256": hashlib.sha256(data).hexdigest() if status == 200 else None,
            }
        except OSError as exc:
            results[i] = {"status": None, "error": str(exc), "seconds": None}

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(len(ids))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def pdf_burst(port: int, k: int, body: bytes) -> dict[str, Any]:
    ids = [create(port, body) for _ in range(k)]
    stop = threading.Event()
    probes: list[float] = []
    probe_failed = [0]

    def probe() -> None:
        while not stop.is_set():
            due = time.monotonic() + 0.1
            try:
                status, _, _, seconds = request(port, "GET", "/healthz", timeout=60)
                probes.append(seconds)
                probe_failed[0] += status != 200
            except OSError:
                probe_failed[0] += 1
            time.sleep(max(0.0, due - time.monotonic()))

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    first, first_total = pdf_round(port, ids)
    stop.set()
    prober.join(timeout=60)
    second, second_total = pdf_round(port, ids)

    def count(results: list[dict[str, Any]]) -> dict[str, int]:
        out = {"200": 0, "503": 0, "503_with_retry_after": 0, "other": 0}
        for r in results:
            if r["status"] == 200:
                out["200"] += 1
            elif r["status"] == 503:
                out["503"] += 1
                out["503_with_retry_after"] += r.get("retry_after") is not None
            else:
                out["other"] += 1
        return out

    same = sum(
        1
        for a, b in zip(first, second, strict=True)
        if a.get("sha256") and a.get("sha256") == b.get("sha256")
    )
    first_200 = [r["seconds"] for r in first if r["status"] == 200]
    return {
        "k": k,
        "healthz": {**ms(probes), "probes": len(probes), "failed": probe_failed[0]},
        "first": {
            **count(first),
            "total_s": round(first_total, 2),
            "slowest_200_s": round(max(first_200), 2) if first_200 else None,
        },
        "again": {
            **count(second),
            "total_s": round(second_total, 2),
            "identical_bytes": same,  # the same sealed-and-kept PDF, not a new render
        },
    }


# ------------------------------------------------------------------------------ 3. fill rate


def sqlite_sizes(data_dir: Path) -> dict[str, int]:
    out = {}
    for suffix in ("", "-wal"):
        path = data_dir / f"{DB_FILE}{suffix}"
        out["db" if not suffix else "wal"] = path.stat().st_size if path.exists() else 0
    return out


def checkpoint(data_dir: Path) -> list[int]:
    con = sqlite3.connect(data_dir / DB_FILE, timeout=20)
    try:
        return list(con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
    finally:
        con.close()


def row_stats(data_dir: Path) -> dict[str, Any]:
    con = sqlite3.connect(f"file:{data_dir / DB_FILE}?mode=ro", uri=True, timeout=20)
    try:
        rows, sealed, lookup, pdf = con.execute(
            f"SELECT count(*), avg(length(sealed)), avg(length(lookup)), avg(length(pdf)) "
            f"FROM {TABLE}"
        ).fetchone()
        try:  # on-disk bytes of the table and its indexes, when SQLite has the dbstat table
            stored = con.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name = ? OR name LIKE ?",
                (TABLE, f"%{TABLE}%"),
            ).fetchone()[0]
        except sqlite3.Error:
            stored = None
    finally:
        con.close()
    return {
        "rows": rows,
        "mean_sealed_bytes": round(sealed or 0, 1),
        "mean_lookup_bytes": round(lookup or 0, 1),
        "mean_pdf_bytes": round(pdf or 0, 1),  # rows whose PDF was asked for (NULL otherwise)
        "table_and_index_pages_bytes": stored,
    }


def fill_rate(seconds: float, body: bytes) -> dict[str, Any]:
    with serve(rate_limits_off=False) as (port, data_dir, env):
        config = server_settings(env)
        checkpoint(data_dir)
        before = sqlite_sizes(data_dir)
        rows_before = row_stats(data_dir)["rows"]
        counts: dict[str, int] = {}
        retry_after = {"with": 0, "without": 0}
        connections = 0
        last_id = None
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        start = time.monotonic()
        try:
            while time.monotonic() - start < seconds:
                if conn.sock is None:
                    connections += 1  # http.client (re)opens it: a new, possibly other, worker
                conn.request(
                    "POST",
                    "/api/assessments",
                    body=body,
                    headers={"Content-Type": "application/json"},
                )
                resp = conn.getresponse()
                data = resp.read()
                counts[str(resp.status)] = counts.get(str(resp.status), 0) + 1
                if resp.status == 201:
                    last_id = json.loads(data)["id"]
                if resp.status == 429:
                    retry_after["with" if resp.getheader("Retry-After") else "without"] += 1
        finally:
            conn.close()
        elapsed = time.monotonic() - start
        unchecked = sqlite_sizes(data_dir)
        # GETs are not rate limited: asking for a row's PDF keeps a sealed copy with the row.
        pdf_status = None
        if last_id is not None:
            pdf_status = request(port, "GET", f"/api/assessments/{last_id}/plan.pdf")[0]
        busy = checkpoint(data_dir)
        after = sqlite_sizes(data_dir)
        stats = row_stats(data_dir)
    created = counts.get("201", 0)
    growth = (after["db"] + after["wal"]) - (before["db"] + before["wal"])
    per_row = growth / created if created else 0.0
    limits = config["rate_limits"].get("assessment", [])
    per_minute = min((n * 60 / period for n, period in limits if period <= 60), default=None)
    per_hour = min((n * 3600 / period for n, period in limits), default=None)
    row_bytes = max(per_row, stats["mean_sealed_bytes"])
    linear = created / elapsed * 3600
    return {
        "seconds": round(elapsed, 1),
        "requests": sum(counts.values()),
        "statuses": counts,
        "429_retry_after": retry_after,
        "connections": connections,
        "rate_limits": config["rate_limits"],
        "workers": config["workers"],
        "rows_created": stats["rows"] - rows_before,
        "files_before": before,
        "files_after_run": unchecked,
        "files_after_checkpoint": after,
        "checkpoint_busy_log_done": busy,
        "pdf_status": pdf_status,
        "growth_bytes": growth,
        "growth_per_row_bytes": round(per_row, 1),
        **{k: v for k, v in stats.items() if k != "rows"},
        "per_hour": {
            "rows_linear_from_window": round(linear),
            "bytes_linear_from_window": round(linear * row_bytes),
            "rows_capped_one_connection": per_hour,
            "bytes_capped_one_connection": None
            if per_hour is None
            else round(per_hour * row_bytes),
            "minute_limit_per_hour": per_minute,
        },
    }


# ------------------------------------------------------------------------------ 4. deletion


def chunks(blob: bytes, size: int = 32, limit: int = 64) -> list[bytes]:
    """Aligned 32-byte pieces (any surviving run of 63+ bytes holds one); at most `limit`."""
    starts = list(range(0, len(blob) - size + 1, size))
    if len(starts) > limit:
        starts = [starts[i * len(starts) // limit] for i in range(limit)]
    return [blob[s : s + size] for s in starts]


def scan(files: list[Path], needles: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """For each needle: the files holding it whole, and how many of its 32-byte pieces survive."""
    pieces = {name: chunks(blob) for name, blob in needles.items()}
    out: dict[str, dict[str, Any]] = {
        name: {
            "bytes": len(needles[name]),
            "whole_in": [],
            "pieces_found": set(),
            "pieces": len(pieces[name]),
        }
        for name in needles
    }
    for path in files:
        if not path.is_file():
            continue
        data = path.read_bytes()
        for name, blob in needles.items():
            if blob and blob in data:
                out[name]["whole_in"].append(path.name)
            for i, piece in enumerate(pieces[name]):
                if piece in data:
                    out[name]["pieces_found"].add(i)
    for entry in out.values():
        entry["pieces_found"] = len(entry["pieces_found"])
    return out


def sqlite_rows(data_dir: Path) -> dict[str, tuple[bytes, bytes]]:
    con = sqlite3.connect(f"file:{data_dir / DB_FILE}?mode=ro", uri=True, timeout=20)
    try:
        rows = con.execute(f"SELECT lookup, sealed, pdf FROM {TABLE}").fetchall()
    finally:
        con.close()
    return {str(lookup): (bytes(sealed), bytes(pdf or b"")) for lookup, sealed, pdf in rows}


def needles_for(aid: str, lookup: str, sealed: bytes, pdf: bytes) -> dict[str, bytes]:
    return {
        "id (the key's only source)": aid.encode(),
        "lookup hash": lookup.encode(),
        "sealed record": sealed,
        "sealed PDF": pdf,
    }


def delete_and_check(
    port: int, body: bytes, rows: Any
) -> tuple[str, str, bytes, bytes, dict[str, Any]]:
    """Create, fetch the PDF (so it is kept too), read the new row, DELETE it."""
    before = rows()
    aid = create(port, body)
    pdf_status = request(port, "GET", f"/api/assessments/{aid}/plan.pdf", timeout=60)[0]
    after = rows()
    new = [lookup for lookup in after if lookup not in before]
    if len(new) != 1:
        raise RuntimeError(f"expected one new row, found {len(new)}")
    lookup = new[0]
    sealed, pdf = after[lookup]
    status = request(port, "DELETE", f"/api/assessments/{aid}")[0]
    gone = request(port, "GET", f"/api/assessments/{aid}")[0]
    left = rows()
    return (
        aid,
        lookup,
        sealed,
        pdf,
        {
            "pdf_status": pdf_status,
            "delete_status": status,
            "get_after_delete": gone,
            "row_gone": lookup not in left,
            "sealed_bytes": len(sealed),
            "pdf_bytes": len(pdf),
        },
    )


def deletion_sqlite(port: int, data_dir: Path, body: bytes) -> dict[str, Any]:
    aid, lookup, sealed, pdf, info = delete_and_check(port, body, lambda: sqlite_rows(data_dir))
    files = sorted(data_dir.glob(f"{DB_FILE}*"))
    sizes = {p.name: p.stat().st_size for p in files}
    return {
        **info,
        "files": sizes,
        "found": scan(files, needles_for(aid, lookup, sealed, pdf)),
    }


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(found[-1]) if found else None


def psql(url: str, sql: str) -> str:
    binary = pg_bin()
    exe = str(binary / "psql") if binary else "psql"
    return subprocess.run(
        [exe, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pg_rows(url: str) -> dict[str, tuple[bytes, bytes]]:
    out = psql(url, f"SELECT lookup, encode(sealed, 'hex'), encode(pdf, 'hex') FROM {TABLE}")
    rows = {}
    for line in out.splitlines():
        lookup, sealed, pdf = line.split("|")
        rows[lookup] = (bytes.fromhex(sealed), bytes.fromhex(pdf))
    return rows


def deletion_postgres(body: bytes) -> dict[str, Any] | None:
    with postgres() as url:
        if url is None:
            return None
        with serve(database_url=url) as (port, _, _):
            aid, lookup, sealed, pdf, info = delete_and_check(port, body, lambda: pg_rows(url))
        data_dir = Path(psql(url, "SHOW data_directory").strip())
        needles = needles_for(aid, lookup, sealed, pdf)

        def files() -> dict[str, list[Path]]:
            return {
                "table files (base/)": [p for p in data_dir.joinpath("base").rglob("*")],
                "WAL (pg_wal/)": [p for p in data_dir.joinpath("pg_wal").rglob("*")],
            }

        psql(url, "CHECKPOINT")
        after_delete = {where: scan(paths, needles) for where, paths in files().items()}
        psql(url, f"VACUUM {TABLE}")
        psql(url, "CHECKPOINT")
        after_vacuum = {where: scan(paths, needles) for where, paths in files().items()}
        version = psql(url, "SHOW server_version").strip()
    return {
        **info,
        "server_version": version,
        "after_delete_checkpoint": after_delete,
        "after_vacuum_checkpoint": after_vacuum,
    }


# ------------------------------------------------------------------------------ output


def print_slow(rows: list[dict[str, Any]], body_timeout: float) -> None:
    print("\n1. Slow clients (body one byte a second; a third trickle the headers instead)")
    print(f"   before: {BEFORE['slow']}")
    print(f"   BODY_READ_TIMEOUT = {body_timeout:g} s")
    head = (
        f"   {'N':>3} {'body/hdr':>8} {'healthz median':>15} {'healthz max':>12} "
        f"{'failed':>6} {'body: answers':>16} {'time to 408':>17} {'hdr: still open':>16} "
        f"{'healthz after':>14}"
    )
    print(head)
    for r in rows:
        b, h = r["body"], r["header"]
        answers = ",".join(f"{k}x{v}" for k, v in sorted(b["statuses"].items()))
        to408 = (
            f"{b['answered_median_s']:.1f}/{b['answered_max_s']:.1f} s"
            if b["answered_median_s"] is not None
            else "-"
        )
        print(
            f"   {r['n']:>3} {str(b['connections']) + '/' + str(h['connections']):>8} "
            f"{fmt_ms(r['healthz']['median_ms']):>15} {fmt_ms(r['healthz']['max_ms']):>12} "
            f"{r['healthz']['failed']:>6} {answers:>16} {to408:>17} "
            f"{str(h['still_open']) + ' of ' + str(h['connections']):>16} "
            f"{fmt_ms(r['healthz_after_cutoff_ms']):>14}"
        )
    print(
        "   (time to 408: median/max seconds from the head to the answer; "
        f"'still open': header tricklers not cut off after ~{body_timeout + 6:g} s)"
    )


def print_pdf(rows: list[dict[str, Any]], config: dict[str, Any]) -> None:
    print("\n2. PDF burst (K fresh assessments' plan.pdf at once; /healthz every 0.1 s)")
    print(f"   before: {BEFORE['pdf']}")
    print(
        f"   {config['workers']} worker processes, PDF_RENDERS = {config['pdf_renders']} per "
        f"process, PDF_WAIT_SECONDS = {config['pdf_wait_seconds']}"
    )
    print(
        f"   {'K':>3} {'healthz median':>15} {'healthz max':>12} {'probes':>7} "
        f"{'200':>4} {'503 (Retry-After)':>18} {'total':>8} {'slowest 200':>12} "
        f"{'again: total':>13} {'again: same bytes':>18}"
    )
    for r in rows:
        f, a = r["first"], r["again"]
        again = f"{a['identical_bytes']}/{r['k']}" + (f" ({a['503']}x503)" if a["503"] else "")
        print(
            f"   {r['k']:>3} {fmt_ms(r['healthz']['median_ms']):>15} "
            f"{fmt_ms(r['healthz']['max_ms']):>12} {r['healthz']['probes']:>7} "
            f"{f['200']:>4} {str(f['503']) + ' (' + str(f['503_with_retry_after']) + ')':>18} "
            f"{f['total_s']:>7.2f}s "
            f"{'-' if f['slowest_200_s'] is None else format(f['slowest_200_s'], '.2f') + 's':>12} "
            f"{a['total_s']:>12.2f}s {again:>18}"
        )


def human(n: float | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.1f} {unit}" if unit != "B" else f"{n:,.0f} B"
        n /= 1000
    return str(n)


def print_fill(r: dict[str, Any]) -> None:
    ph = r["per_hour"]
    print("\n3. Fill rate (one client, one keep-alive connection, DEFAULT rate limits)")
    print(f"   before: {BEFORE['fill']}")
    limits = ", ".join(f"{n}/{period}s" for n, period in r["rate_limits"].get("assessment", []))
    print(
        f"   assessment limit: {limits or 'none'} (counted across all {r['workers']} workers: "
        "paintrace.web.counters)"
    )
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
    ra = r["429_retry_after"]
    print(
        f"   {r['requests']} requests in {r['seconds']} s on {r['connections']} connection(s): "
        f"{statuses}; 429 with Retry-After: {ra['with']}, without: {ra['without']}"
    )
    b, u, a = r["files_before"], r["files_after_run"], r["files_after_checkpoint"]
    print(
        f"   database: {human(b['db'] + b['wal'])} before -> {human(u['db'])} + WAL "
        f"{human(u['wal'])} after -> {human(a['db'] + a['wal'])} after "
        f"wal_checkpoint(TRUNCATE); growth {human(r['growth_bytes'])} for {r['rows_created']} rows"
        f" = {human(r['growth_per_row_bytes'])} a row"
    )
    pages = r["table_and_index_pages_bytes"]
    print(
        f"   stored row: sealed {r['mean_sealed_bytes']:,.0f} bytes on average (+ lookup "
        f"{r['mean_lookup_bytes']:.0f}); table and indexes {human(pages)} in pages"
    )
    if r["mean_pdf_bytes"]:
        print(
            f"   a row whose PDF is asked for (GET, not rate limited; {r['pdf_status']}) also "
            f"keeps the sealed PDF: +{r['mean_pdf_bytes']:,.0f} bytes (not in the growth above "
            "nor the figures below)"
        )
    print(
        f"   per hour, one client: linear from this window {ph['rows_linear_from_window']:,} "
        f"rows = {human(ph['bytes_linear_from_window'])} (ignores the hour limit); "
        f"capped by the limits {ph['rows_capped_one_connection'] or 0:,.0f} "
        f"rows = {human(ph['bytes_capped_one_connection'])}, however many connections"
    )


def print_found(found: dict[str, dict[str, Any]], indent: str = "   ") -> None:
    for name, f in found.items():
        if not f["bytes"]:
            state = "- (nothing stored)"
        elif f["whole_in"]:
            state = f"FOUND whole in {', '.join(sorted(set(f['whole_in'])))}"
        elif f["pieces_found"]:
            state = f"{f['pieces_found']} of {f['pieces']} 32-byte pieces found"
        else:
            state = "not found"
        if f["whole_in"] and f["pieces"]:
            state += f" ({f['pieces_found']} of {f['pieces']} pieces)"
        print(f"{indent}{name:28} {state}")


def print_deletion(out: dict[str, Any]) -> None:
    print("\n4. Deletion (DELETE /api/assessments/<id>, then the database files read raw)")
    print(f"   before: {BEFORE['delete']}")
    lite = out.get("sqlite")
    if lite:
        sizes = ", ".join(f"{k} {human(v)}" for k, v in lite["files"].items())
        print(
            f"   SQLite: DELETE {lite['delete_status']}, GET after {lite['get_after_delete']}, "
            f"row gone: {lite['row_gone']}; sealed {lite['sealed_bytes']} B, sealed PDF "
            f"{lite['pdf_bytes']} B; files: {sizes}"
        )
        print_found(lite["found"], "     ")
        left = any(f["whole_in"] or f["pieces_found"] for f in lite["found"].values())
        print(
            "     => "
            + (
                "something of the deleted row is still in the files"
                if left
                else "nothing of the deleted row is left in the files (secure_delete + WAL "
                "truncated)"
            )
        )
    pg = out.get("postgres")
    if pg is False:
        print("   PostgreSQL: server binaries not found (/usr/lib/postgresql/*/bin): skipped")
    elif pg:
        print(
            f"   PostgreSQL {pg['server_version']}: DELETE {pg['delete_status']}, GET after "
            f"{pg['get_after_delete']}, row gone: {pg['row_gone']}; sealed "
            f"{pg['sealed_bytes']} B, sealed PDF {pg['pdf_bytes']} B"
        )
        for label, key in (
            ("after DELETE + CHECKPOINT", "after_delete_checkpoint"),
            ("after VACUUM + CHECKPOINT", "after_vacuum_checkpoint"),
        ):
            for where, found in pg[key].items():
                print(f"     {label}, {where}:")
                print_found(found, "       ")
        id_left = any(
            f["whole_in"] or f["pieces_found"]
            for by_where in (pg["after_delete_checkpoint"], pg["after_vacuum_checkpoint"])
            for name, f in ((n, x) for w in by_where.values() for n, x in w.items())
            if name.startswith("id")
        )
        print(
            "     => ciphertext remains until overwritten; key not stored"
            + ("" if not id_left else " -- BUT THE ID WAS FOUND IN THE FILES")
            + " (the key derives from the id, which appears nowhere)" * (not id_left)
        )


# ------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres", "both"),
        default="both",
        help="where the deletion part runs (the rest always runs on SQLite)",
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--quick", action="store_true", help="smaller N and K, shorter fill window")
    args = parser.parse_args()
    ns = (4, 16) if args.quick else (4, 16, 32)
    ks = (4,) if args.quick else (4, 16)
    fill_seconds = 8.0 if args.quick else 20.0
    body = case_body()
    out: dict[str, Any] = {"quick": args.quick, "cores": os.cpu_count()}
    started = time.monotonic()

    with serve() as (port, data_dir, env):
        config = server_settings(env)
        out["server"] = config
        print(
            f"paintrace serve: {config['workers']} worker processes x 16 threads "
            f"(gthread), SQLite, {os.cpu_count()} cores; rate limits off except in part 3"
        )
        out["slow_clients"] = []
        for n in ns:
            out["slow_clients"].append(slow_clients(port, n, config["body_read_timeout"]))
        print_slow(out["slow_clients"], config["body_read_timeout"])
        out["pdf_burst"] = [pdf_burst(port, k, body) for k in ks]
        print_pdf(out["pdf_burst"], config)
        if args.db in ("sqlite", "both"):
            out.setdefault("deletion", {})["sqlite"] = deletion_sqlite(port, data_dir, body)

    out["fill"] = fill_rate(fill_seconds, body)
    print_fill(out["fill"])

    if args.db in ("postgres", "both"):
        pg = deletion_postgres(body)
        out.setdefault("deletion", {})["postgres"] = pg if pg is not None else False
    print_deletion(out.get("deletion", {}))

    out["total_seconds"] = round(time.monotonic() - started, 1)
    print(f"\n(total {out['total_seconds']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
