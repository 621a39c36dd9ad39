"""Deleted means unreadable: read the database files themselves after a delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from paintrace.web import store

CASE = {
    "drawing": {"right.buttock-center": ["pain"], "right.calf-upper": ["tingling"]},
    "findings": {"worse-sitting": True, "saddle-numbness": False},
    "patient": {"age": 47, "sex": "female"},
}
# Text that would be in the files if the input were stored as it came: finding ids, region ids
MARKERS = {
    m: m.encode()
    for m in ("worse-sitting", "saddle-numbness", "right.calf-upper", "right.buttock-center")
}


def _scan(files: list[Path], needles: dict[str, bytes]) -> dict[str, list[str]]:
    """file -> the names of the needles found in it."""
    hits: dict[str, list[str]] = {}
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            found = [name for name, n in needles.items() if n in data]
            if found:
                hits[str(path)] = found
    return hits


@pytest.mark.django_db(transaction=True)
def test_postgres_files_never_hold_the_id_or_the_input(api: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite: test_sqlite_files_after_delete)")
    aid = api.post("/api/assessments", CASE).json()["id"]
    assert api.get(f"/api/assessments/{aid}/plan.pdf").status_code in (200, 409)
    assert api.delete(f"/api/assessments/{aid}").status_code == 204
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SHOW data_directory")
        data_dir = Path(cursor.fetchone()[0])
    files = [*data_dir.joinpath("base").rglob("*"), *data_dir.joinpath("pg_wal").rglob("*")]
    assert files
    assert _scan(files, {"id": aid.encode(), **MARKERS}) == {}


def test_sqlite_files_after_delete(tmp_path: Path) -> None:
    """A real file database, as `paintrace serve` makes: nothing left after delete."""
    import subprocess
    import sys

    code = f"""
import json, os, django
os.environ["PAINTRACE_DATA_DIR"] = {str(tmp_path)!r}
os.environ["DJANGO_SETTINGS_MODULE"] = "paintrace.web.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from paintrace.assessment import parse_input
from paintrace.web import store
from django.db import connection
inp = parse_input({CASE!r})
from paintrace.web import crypto
ids = [store.save(inp).id for _ in range(20)]
gone, kept = ids[5], ids[6]
rows = {{}}
with connection.cursor() as c:
    for aid in (gone, kept):
        lookup = crypto.lookup_key(aid)
        c.execute("SELECT sealed FROM paintrace_assessment WHERE lookup = %s", [lookup])
        rows[aid] = [lookup, bytes(c.fetchone()[0]).hex()]
assert store.delete(gone)
with connection.cursor() as c:
    c.execute("PRAGMA secure_delete"); assert c.fetchone()[0] == 1
print(json.dumps({{"gone": [gone, *rows[gone]], "kept": [kept, *rows[kept]]}}))
"""
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PAINTRACE_")}
    env["PAINTRACE_RATE_LIMITS"] = "off"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    import json

    rows = json.loads(out.strip().splitlines()[-1])
    files = sorted(tmp_path.glob("paintrace.sqlite3*"))
    assert files
    wal = tmp_path / "paintrace.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL was checkpointed and truncated"
    (gone, gone_lookup, gone_sealed), (kept, kept_lookup, kept_sealed) = rows["gone"], rows["kept"]
    needles = {
        "deleted id": gone.encode(),
        "kept id": kept.encode(),
        "deleted lookup hash": gone_lookup.encode(),
        "deleted sealed record": bytes.fromhex(gone_sealed),
    }
    assert _scan(files, {**needles, **MARKERS}) == {}
    # the scan finds what is there: the row that was kept, sealed, under its lookup hash
    kept_row = {"lookup": kept_lookup.encode(), "sealed": bytes.fromhex(kept_sealed)}
    assert list(_scan(files, kept_row).values()) == [["lookup", "sealed"]]
    assert store is not None
