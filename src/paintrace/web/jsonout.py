"""JSON responses encoded with orjson.

The assessment endpoints send the engine's whole result (10-20 KB of reasons and plan text) on
every call; the standard library's encoder costs about as much as the database write. orjson
writes the same JSON (UTF-8, shortest round-trip floats) several times faster. NaN and
infinities cannot occur: the engine's numbers are finite, and orjson would write them as null.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """Like Django's JsonResponse for plain data (dicts, lists, str, numbers, bools, None)."""
    return HttpResponse(orjson.dumps(data), content_type="application/json", status=status)
