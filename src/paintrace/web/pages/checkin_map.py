"""Where it hurts today, on the check-in: the home page's body map with an intensity per region.

The same picture (paintrace.bodymap through present.drawing_picture), the same script
(static/paintrace/bodymap.js) and the same list grouped by area and side; only the choices
differ. Each region in the list has a checkbox ``r:<id>`` ("hurts today", value ``pain``, which
the picture mirrors) and a select ``ri:<id>`` with the intensity 1-10. Without JavaScript the
list is the form: tick a region and choose how strong; a region ticked without a number takes
the leg pain given on the same check-in (at least 1), and a number chosen without a tick counts
as ticked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paintrace import bodymap
from paintrace.typed_text import whole_number
from paintrace.web.pages import present

LEVELS = tuple(range(1, 11))
_PREFIXES = ("r:", "ri:")


def regions_from_post(post: Any, leg_pain: Any) -> dict[str, Any]:
    """The ticked regions as the API's ``regions`` object; values are checked by the core."""
    rids = dict.fromkeys(
        key.split(":", 1)[1] for key in post if key.startswith(_PREFIXES) and post.get(key)
    )
    default = max(1, leg_pain) if isinstance(leg_pain, int) else 1
    regions: dict[str, Any] = {}
    for rid in rids:
        raw = str(post.get(f"ri:{rid}", "")).strip()
        if raw:
            regions[rid] = int(raw) if whole_number(raw) and len(raw) <= 3 else raw
        elif post.get(f"r:{rid}"):
            regions[rid] = default
    return regions


def map_context(values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The picture and the grouped list, with the ticks and numbers of a form sent back."""
    values = values or {}
    chosen: dict[str, str] = {}
    for key in values:
        if key.startswith(_PREFIXES) and values.get(key):
            rid = key.split(":", 1)[1]
            chosen.setdefault(rid, "")
            if key.startswith("ri:"):
                chosen[rid] = str(values.get(key))
    known = bodymap.region_ids()
    marks = {rid: ["pain"] for rid in chosen if rid in known}
    groups = [
        {
            "name": area.name,
            "slug": area.slug,
            "sides": [
                {
                    "side": sg.side,
                    "label": sg.label,
                    "rows": [
                        {
                            "id": r.id,
                            "name": r.name,
                            "side": r.side,
                            "search": r.search,
                            "checked": r.id in marks,
                            "level": chosen.get(r.id, ""),
                        }
                        for r in sg.rows
                    ],
                }
                for sg in area.sides
            ],
        }
        for area in present.region_groups(marks)
    ]
    return {
        "map_picture": present.drawing_picture(marks),
        "map_groups": groups,
        "map_levels": LEVELS,
        "map_count": len(marks),
        "map_open": bool(marks),
    }
