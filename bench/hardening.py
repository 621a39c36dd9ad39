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
import hashlib
import json
import os
import select
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from hardening_common import (
    BEFORE,
    HOST,
    case_body,
    create,
    fmt_ms,
    ms,
    request,
    serve,
    server_settings,
)
from hardening_deletion import deletion_postgres, deletion_sqlite, print_deletion
from hardening_fill import fill_rate, print_fill

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
