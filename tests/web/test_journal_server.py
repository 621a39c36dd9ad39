"""The journal import through the real server: its larger body limit, and no other path's."""

from __future__ import annotations

import http.client
import json
from typing import Any

from .test_server_hardening import _post, server  # noqa: F401  (fixture)


def test_only_the_import_takes_a_large_body(server: Any) -> None:  # noqa: F811
    base, _, _ = server
    big = json.dumps({"format": "paintrace-journal", "version": 1, "pad": "x" * 200_000})
    status, _ = _post(f"{base}/api/journal/import", big.encode())
    assert status == 401  # read whole, then refused for want of a login, not 413
    status, _ = _post(f"{base}/api/journal/entries", big.encode())
    assert status == 413
    conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    conn.putrequest("POST", "/api/journal/import")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(5 * 1024 * 1024))  # refused before the body is sent
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
