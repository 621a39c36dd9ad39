"""schemathesis against the running `paintrace serve` (real HTTP, gunicorn, the whole stack):
at least 1,000 generated requests, no 5xx, every answer as the OpenAPI document says."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .test_server_hardening import server  # noqa: F401  (fixture)

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


def test_schemathesis_against_the_live_server(server: Any, tmp_path: Path) -> None:  # noqa: F811
    base, _, _ = server
    exe = Path(sys.executable).with_name("schemathesis")
    if not exe.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is not installed (dev group)")
    har = tmp_path / "run.har"
    proc = subprocess.run(
        [
            str(exe),
            "run",
            f"{base}/api/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            "120",
            "--seed",
            "9",
            "--report",
            "har",
            "--report-har-path",
            str(har),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    entries = json.loads(har.read_text())["log"]["entries"]
    assert len(entries) >= 1000, len(entries)
    assert not [e for e in entries if e["response"]["status"] >= 500]
