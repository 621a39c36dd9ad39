"""`make hardening`, part 4: what is left of a deleted assessment in the database files."""

from __future__ import annotations

import glob
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from hardening_common import BEFORE, DB_FILE, TABLE, create, human, request, serve

# The same folder: bench/load.py's throwaway PostgreSQL server.
from load import postgres

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
