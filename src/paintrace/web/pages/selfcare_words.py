"""The small pieces the self-care pages share: dose and side words, technique figures, the
trigger points without repeats, the red-flag card and the reference list.

They live here, below :mod:`.selfcare_plan` and :mod:`.selfcare_session`, so that the full plan
and the guided session word a dose, a side or a figure the same way without importing each other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.templatetags.static import static

from paintrace.knowledge.schema import Knowledge

FIGURE_PREFIX = "paintrace/technique-figures"
KIND_LABELS = {"massage": "Massage", "stretch": "Stretch"}
SIDE_WORDS = {"left": "left side", "right": "right side"}


# --------------------------------------------------------------------------- small words


def seconds_text(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]} to {value[1]} seconds"
    return f"{value} seconds" if value else ""


def side_label(side: str | None) -> str:
    return SIDE_WORDS.get(side or "", "sore side")


def strings(value: Any) -> list[str]:
    return [str(v) for v in value or [] if v]


# --------------------------------------------------------------------------- figures


@functools.cache
def _figure_titles() -> dict[str, str]:
    folder = Path(settings.TECHNIQUE_FIGURES)
    titles: dict[str, str] = {}
    for path in folder.glob("*.svg"):
        match = re.search(r"<title[^>]*>(.*?)</title>", path.read_text("utf-8"), re.S)
        titles[path.stem] = " ".join(match.group(1).split()) if match else ""
    return titles


def technique_figure(slug: Any) -> dict[str, str] | None:
    """A technique figure from the knowledge base: its URL and alt text (the SVG's title)."""
    if not isinstance(slug, str) or slug not in _figure_titles():
        return None
    return {
        "url": static(f"{FIGURE_PREFIX}/{slug}.svg"),
        "alt": _figure_titles()[slug] or "Drawing of the technique",
    }


# --------------------------------------------------------------------------- plan parts


def distinct_points(trigger_points: Any) -> list[Mapping[str, Any]]:
    """The trigger points without repeats (a muscle's portions may list the same point)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for tp in trigger_points or []:
        key = (tp.get("name", ""), tp.get("landmarks", ""))
        if key not in seen:
            seen.add(key)
            out.append(tp)
    return out


def red_flag_groups(items: Sequence[str]) -> list[dict[str, Any]]:
    """The red-flag card: a line ending in ':' heads the lines that follow it."""
    groups: list[dict[str, Any]] = []
    for item in items:
        text = str(item).strip()
        if text.endswith(":"):
            groups.append({"heading": text, "items": []})
        else:
            if not groups:
                groups.append({"heading": "", "items": []})
            groups[-1]["items"].append(text)
    return groups


def _natural(key: str) -> tuple[str, int, str]:
    """M3 before M13: letters, then the number."""
    match = re.fullmatch(r"([A-Za-z]*)(\d*)(.*)", key)
    assert match is not None
    letters, number, rest = match.groups()
    return letters, int(number) if number else -1, rest


def references(kb: Knowledge, keys: Sequence[str], *, sort: bool = False) -> list[dict[str, Any]]:
    out = []
    for key in sorted(keys, key=_natural) if sort else keys:
        ref = kb.references.get(key)
        if ref is not None:
            out.append({"key": key, "citation": ref.citation, "url": ref.url, "note": ref.note})
    return out
