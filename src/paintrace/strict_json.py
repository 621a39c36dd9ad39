"""Strict JSON for untrusted input: one meaning per document, bounded in size and depth.

The standard parser accepts things an assessment must not: a repeated key silently keeps the last
value (a later `"saddle-numbness": false` would win over `true`), `NaN` and `Infinity`, integers
of thousands of digits, and nesting deep enough to exhaust the stack. Every limit here ends in a
:class:`StrictJSONError` with a message fit to show a person, never a traceback. The CLI and the
web API both parse with :func:`loads`.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_BYTES = 1_000_000  # an assessment is a few kilobytes; a megabyte is generous
MAX_DEPTH = 32  # the contract nests three levels deep
MAX_INT_DIGITS = 18


class StrictJSONError(ValueError):
    """The input is not one plain, bounded JSON document."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise StrictJSONError(f"duplicate key {printable(key)!r}: each key may appear once")
        out[key] = value
    return out


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise StrictJSONError(f"number too large ({len(text)} digits)")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 64:
        raise StrictJSONError(f"number too long ({len(text)} characters)")
    return float(text)


def _constant(name: str) -> Any:
    raise StrictJSONError(f"{name} is not a JSON number")


# One decoder for every call: json.loads(..., object_pairs_hook=...) would build a new decoder and
# its scanner each time. It holds no state between documents.
_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_int=_int, parse_float=_float, parse_constant=_constant
)


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects, counted without parsing (strings skipped)."""
    deepest = level = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            level += 1
            deepest = max(deepest, level)
        elif ch in "]}":
            level -= 1
    return deepest


def printable(text: str, limit: int = 80) -> str:
    """Text safe to echo to a terminal or a log: control characters shown as escapes."""
    out = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return out if len(out) <= limit else out[: limit - 1] + "…"


# An escape for one half of a UTF-16 pair (\ud800-\udfff). JSON allows one alone, Python keeps
# it as a lone surrogate, and whatever encodes the text later (the database, a password hash,
# the log) fails. A whole pair decodes to one character, so only documents with such an escape
# are checked.
_HALF_PAIR = re.compile(r"\\u[dD][89a-fA-F]")


def _whole_characters(value: Any) -> None:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise StrictJSONError(
            "a lone surrogate escape (\\ud800-\\udfff, half of a UTF-16 pair) is not a character"
        ) from exc


def loads(data: str | bytes, where: str = "input") -> Any:
    """Parse one JSON document strictly; raise StrictJSONError naming `where`."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise StrictJSONError(f"{where}: larger than {MAX_BYTES // 1000} kB")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StrictJSONError(f"{where}: not UTF-8 text (byte {exc.start})") from exc
    # A byte order mark first (Windows editors save UTF-8 with one): RFC 8259 lets a parser
    # ignore it, and refusing it would be "malformed JSON at line 1 column 1" for a good file.
    data = data.removeprefix("\ufeff")
    if len(data) > MAX_BYTES:
        raise StrictJSONError(f"{where}: larger than {MAX_BYTES // 1000} kB")
    if not data.strip():
        raise StrictJSONError(f"{where}: empty input, expected a JSON object")
    # A document cannot nest deeper than the brackets it opens; counting them is far cheaper
    # than the scan, so only documents with many brackets are scanned.
    if data.count("[") + data.count("{") > MAX_DEPTH and depth(data) > MAX_DEPTH:
        raise StrictJSONError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    try:
        value = _DECODER.decode(data)
        if _HALF_PAIR.search(data):
            _whole_characters(value)
        return value
    except StrictJSONError as exc:
        raise StrictJSONError(f"{where}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise StrictJSONError(
            f"{where}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except (RecursionError, ValueError) as exc:
        raise StrictJSONError(f"{where}: not valid JSON ({printable(str(exc))})") from exc
