"""`make hardening`, part 3: how fast one client can fill the disk under the default limits."""

from __future__ import annotations

import http.client
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from hardening_common import BEFORE, DB_FILE, HOST, TABLE, human, request, serve, server_settings

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
