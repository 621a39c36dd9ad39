"""Today's guided session: the plan's schedule as timed steps for the session page and
session.js.

Like the full plan, it is shaped from the plan saved with the assessment and tolerates older or
partial plans; steps whose technique the plan no longer describes are left out rather than shown
without instructions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.text import slugify

from paintrace.plan import review_day
from paintrace.web.pages.selfcare_words import (
    KIND_LABELS,
    distinct_points,
    red_flag_groups,
    side_label,
    strings,
    technique_figure,
)

# The guided session's pause before a step: time to find the next point or change position.
REST_SAME = 10  # another repetition of the same stretch
REST_CHANGE = 20  # a new point, a new technique or the other side
# What session.js reads of each step (the rest of a step is for the page itself).
SCRIPT_STEP_KEYS = (
    "n",
    "kind",
    "title",
    "side",
    "part",
    "seconds",
    "rest",
    "tech",
    "landmark",
    "muscle",
    "where",
)


def _technique_key(step: Mapping[str, Any]) -> str:
    return f"{step.get('muscle', '')}--{step.get('technique', '')}"


def _techniques(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Instructions for every technique in the plan, keyed like the schedule's steps."""
    out: dict[str, dict[str, Any]] = {}
    for m in plan.get("muscles") or []:
        points = distinct_points(m.get("trigger_points"))
        massage = m.get("massage")
        if massage:
            stop = strings(massage.get("stop_if"))[:2]
            out[f"{m.get('id', '')}--{massage.get('id', '')}"] = {
                "kind": "massage",
                "name": massage.get("name", ""),
                "muscle": m.get("name", ""),
                "position": massage.get("position", ""),
                "find_it": strings(massage.get("find_it")),
                "steps": strings(massage.get("steps")),
                "pressure": str(massage.get("pressure", "")),
                "stop": stop,
                "figure": technique_figure(massage.get("figure")),
                "points": [
                    f"{str(tp.get('name', '')).capitalize()}: {tp.get('landmarks', '')}"
                    for tp in points
                ],
            }
        for s in m.get("stretches") or []:
            out[f"{m.get('id', '')}--{s.get('id', '')}"] = {
                "kind": "stretch",
                "name": s.get("name", ""),
                "muscle": m.get("name", ""),
                "position": s.get("position", ""),
                "find_it": [],
                "steps": strings(s.get("steps")),
                "pressure": "",
                "stop": strings(s.get("cautions"))[:2],
                "figure": technique_figure(s.get("figure")),
                "points": [],
            }
    return out


def session_view(
    plan: Mapping[str, Any] | None, started: dt.date | None = None
) -> dict[str, Any] | None:
    """Today's routine, step by step, or None when the plan has no steps to guide. `started`
    is the plan's first day on the person's calendar; its review day (plan.review_day) is the
    one the reminders' calendar names too."""
    if not plan:
        return None
    raw_steps = [s for s in (plan.get("schedule") or {}).get("steps") or [] if s.get("seconds")]
    techniques = _techniques(plan)
    raw_steps = [s for s in raw_steps if _technique_key(s) in techniques]
    if not raw_steps:
        return None
    counts: dict[tuple[str, str], int] = {}
    for s in raw_steps:
        k = (_technique_key(s), str(s.get("side")))
        counts[k] = counts.get(k, 0) + 1
    steps = []
    previous: Mapping[str, Any] | None = None
    for n, s in enumerate(raw_steps, 1):
        key = _technique_key(s)
        tech = techniques[key]
        kind = tech["kind"]
        count = counts[(key, str(s.get("side")))]
        if kind == "massage":
            number = int(s.get("point") or 1)
            part = f"Point {number} of {count}"
            landmark = tech["points"][number - 1] if number <= len(tech["points"]) else ""
        else:
            number = int(s.get("repetition") or 1)
            part = f"Stretch {number} of {count}"
            landmark = ""
        if previous is None:
            rest = 0
        elif (
            kind == "massage"
            or _technique_key(previous) != key
            or previous.get("side") != s.get("side")
        ):
            rest = REST_CHANGE
        else:
            rest = REST_SAME
        seconds = int(s["seconds"])
        steps.append(
            {
                "n": n,
                "kind": KIND_LABELS[kind],
                "title": tech["name"],
                "side": side_label(s.get("side")).capitalize(),
                "part": part,
                "seconds": seconds,
                "rest": rest,
                "tech": key,
                "landmark": landmark,
                "muscle": tech["muscle"],
                # "Piriformis, right side: point 2 of 3": which point of which muscle
                "where": f"{tech['muscle']}, {side_label(s.get('side'))}: {part[0].lower()}"
                f"{part[1:]}",
                "anchor": "how-" + slugify(key),
                "figure": tech["figure"],
                "first": previous is None or _technique_key(previous) != key,
            }
        )
        previous = s
    review = plan.get("review") if isinstance(plan.get("review"), Mapping) else {}
    data = {
        "steps": [{k: step[k] for k in SCRIPT_STEP_KEYS} for step in steps],
        "techniques": {
            key: {
                "kind": t["kind"],
                "position": t["position"],
                "find_it": t["find_it"],
                "steps": t["steps"],
                "pressure": t["pressure"],
                "stop": t["stop"],
                "figure": t["figure"]["url"] if t["figure"] else "",
                "alt": t["figure"]["alt"] if t["figure"] else "",
            }
            for key, t in techniques.items()
        },
    }
    used = list(dict.fromkeys(step["tech"] for step in steps))
    return {
        "steps": steps,
        "techniques": [
            {**techniques[key], "key": key, "anchor": "how-" + slugify(key)} for key in used
        ],
        "minutes": (plan.get("schedule") or {}).get("minutes")
        or round(sum(s["seconds"] + s["rest"] for s in steps) / 60),
        "total_seconds": sum(s["seconds"] + s["rest"] for s in steps),
        "data": data,
        "review": review.get("text") if review else "",
        "review_date": review_day(plan, started) if started else None,
        "red_flags": red_flag_groups(strings(plan.get("red_flag_card"))),
    }
