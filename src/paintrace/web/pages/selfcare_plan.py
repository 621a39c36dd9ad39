"""The full self-care plan as the result page shows it.

The plan comes from :mod:`paintrace.plan` as saved with the assessment; this only shapes it for
the template (labels, dosage lines, figures, close-up body maps, grouped steps) and tolerates older
or partial plans, so a saved assessment keeps rendering after the plan's shape gains a field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.text import slugify

from paintrace import bodymap
from paintrace.knowledge.schema import Knowledge
from paintrace.web.pages import present
from paintrace.web.pages.selfcare_words import (
    KIND_LABELS,
    distinct_points,
    red_flag_groups,
    references,
    seconds_text,
    side_label,
    strings,
    technique_figure,
)
from paintrace.wording import TOOL_LABELS, in_sentence, times


def _estimate_note(item: Mapping[str, Any]) -> bool:
    """Say that the dose is an estimate, unless the evidence note already says so."""
    said = re.search(r"estimate|teaching sources|not trials", str(item.get("evidence", "")), re.I)
    return bool(item.get("estimate", True)) and not said


def _refs(keys: Any, known: set[str]) -> list[dict[str, Any]]:
    return [{"key": k, "linked": k in known} for k in strings(keys)]


def _massage(m: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    dose = []
    if m.get("pressure"):
        dose.append(("How hard", str(m["pressure"])))
    if m.get("hold_seconds"):
        dose.append(("How long", f"Hold each point {seconds_text(m['hold_seconds'])}."))
    points = m.get("points_today") or m.get("points_per_session")
    if points:
        dose.append(("How many", f"{points} point{'s' if points != 1 else ''} each session."))
    if m.get("sessions_per_day"):
        often = f"{times(m['sessions_per_day']).capitalize()} a day"
        if m.get("days_per_week"):
            often += f", {m['days_per_week']} days a week"
        dose.append(("How often", often + "."))
    return {
        "name": m.get("name", ""),
        "position": m.get("position", ""),
        "find_it": strings(m.get("find_it")),
        "tools": [
            {
                "label": TOOL_LABELS.get(t.get("tool", ""), t.get("tool", "")),
                "how": t.get("how", ""),
            }
            for t in m.get("tools") or []
        ],
        "steps": strings(m.get("steps")),
        "dose": dose,
        "hold": seconds_text(m.get("hold_seconds")),
        "feels_like": m.get("feels_like", ""),
        "stop_if": strings(m.get("stop_if")),
        "avoid": strings(m.get("avoid")),
        "figure": technique_figure(m.get("figure")),
        "evidence": m.get("evidence", ""),
        "estimate_note": _estimate_note(m),
        "refs": _refs(m.get("references"), known),
    }


def _stretch(s: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    dose = []
    if s.get("hold_seconds"):
        dose.append(("Hold", seconds_text(s["hold_seconds"]).capitalize() + "."))
    if s.get("repetitions"):
        dose.append(("Repeat", f"{times(s['repetitions']).capitalize()}."))
    if s.get("times_per_day"):
        dose.append(("How often", f"{times(s['times_per_day']).capitalize()} a day."))
    return {
        "name": s.get("name", ""),
        "position": s.get("position", ""),
        "steps": strings(s.get("steps")),
        "dose": dose,
        "feels_like": s.get("feels_like", ""),
        "cautions": strings(s.get("cautions")),
        "figure": technique_figure(s.get("figure")),
        "evidence": s.get("evidence", ""),
        "estimate_note": _estimate_note(s),
        "refs": _refs(s.get("references"), known),
    }


ZOOM_WIDTH, ZOOM_HEIGHT, ZOOM_MARGIN = 220.0, 220.0, 60.0


def zoom_box(view: str, regions: Sequence[str]) -> str | None:
    """A viewBox around the given regions' centres: a close-up in which a trigger-point marker
    is large enough to see, with enough of the body around it to tell where it is."""
    v = bodymap.load_bodymap().views[view]
    x0, y0, w, h = (float(n) for n in v.view_box.split())
    centres = [(s.cx, s.cy) for s in v.shapes if s.region in set(regions)]
    if not centres:
        return None
    xs, ys = [c[0] for c in centres], [c[1] for c in centres]
    bw = min(max(ZOOM_WIDTH, max(xs) - min(xs) + 2 * ZOOM_MARGIN), w)
    bh = min(max(ZOOM_HEIGHT, max(ys) - min(ys) + 2 * ZOOM_MARGIN), h)
    left = min(max((min(xs) + max(xs) - bw) / 2, x0), x0 + w - bw)
    top = min(max((min(ys) + max(ys) - bh) / 2, y0), y0 + h - bh)
    return f"{left:.0f} {top:.0f} {bw:.0f} {bh:.0f}"


def muscle_map(kb: Knowledge, muscle_id: str, sides: Sequence[str], index: int) -> list[Any]:
    """The body map views that show where a muscle's trigger points are, on the drawn sides."""
    if muscle_id not in kb.sources:
        return []
    _, points = present.pattern_on_sides(kb, muscle_id, sides)
    if not points:
        return []
    bm = bodymap.load_bodymap()
    name = in_sentence(kb.sources[muscle_id].name)
    out = []
    for view in present.views_for(points):
        caption = bm.views[view].caption
        svg = bodymap.render_view(
            view,
            points=points,
            title=f"Where to find the trigger points of the {name}, {caption.lower()} view",
            id_prefix=f"plan{index}-{view}-",
        )
        for rid in points:  # the area to work on, shaded under its marker
            svg = svg.replace(
                f'class="region" data-region="{rid}"', f'class="region tp-area" data-region="{rid}"'
            )
        box = zoom_box(view, points)
        if box:
            full = bm.views[view].view_box
            svg = svg.replace(f'viewBox="{full}"', f'viewBox="{box}"', 1)
        where = " and ".join(side_label(side) for side in sides)
        out.append({"svg": present.safe(svg), "caption": f"{caption} view, {where}"})
    return out


def schedule_groups(steps: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Runs of the same technique on the same side: "Figure-4 stretch, right side: 3 × 30 s"."""
    groups: list[dict[str, Any]] = []
    for step in steps:
        key = (step.get("technique"), step.get("side"), step.get("muscle"))
        if groups and groups[-1]["key"] == key:
            groups[-1]["count"] += 1
            continue
        kind = step.get("kind", "")
        groups.append(
            {
                "key": key,
                "kind": KIND_LABELS.get(kind, str(kind).capitalize()),
                "name": step.get("name", ""),
                "side": side_label(step.get("side")),
                "count": 1,
                "unit": "point" if kind == "massage" else "time",
                "seconds": step.get("seconds"),
                "first": step.get("order"),
            }
        )
    for g in groups:
        plural = "s" if g["count"] != 1 else ""
        g["what"] = f"{g['count']} {g['unit']}{plural}, {g['seconds']} seconds each"
    return groups


def plan_view(
    kb: Knowledge, plan: Mapping[str, Any] | None, drawing: Mapping[str, Sequence[str]]
) -> dict[str, Any] | None:
    """Everything the result page shows of the plan, in the plan's order."""
    if not plan:
        return None
    ref_keys = [k for k in strings(plan.get("references")) if k in kb.references]
    known = set(ref_keys)
    sides = present.drawn_sides(kb, drawing)
    muscles = []
    for i, m in enumerate(plan.get("muscles") or []):
        massage = m.get("massage") or None
        muscles.append(
            {
                "id": m.get("id", ""),
                "anchor": f"plan-{slugify(m.get('id') or i)}",
                "name": m.get("name") or m.get("id", ""),
                "percent": present.percent(float(m.get("probability") or 0.0)),
                "trigger_points": distinct_points(m.get("trigger_points")),
                "map": muscle_map(kb, m.get("id", ""), sides, i),
                "massage": _massage(massage, known) if massage else None,
                "blocked": m.get("massage_blocked"),
                "stretches": [_stretch(s, known) for s in m.get("stretches") or []],
                "habits": strings(m.get("habits")),
            }
        )
    guidance = []
    for g in plan.get("self_management") or []:
        guidance.append(
            {
                "name": g.get("name") or g.get("source", ""),
                "anchor": f"plan-{slugify(g.get('source') or g.get('name') or 'guidance')}",
                "percent": present.percent(float(g["probability"]))
                if g.get("probability") is not None
                else "",
                "summary": g.get("summary", ""),
                "do": strings(g.get("do")),
                "avoid": strings(g.get("avoid")),
                "watch_for": strings(g.get("watch_for")),
                "see": g.get("see", ""),
                "evidence": g.get("evidence", ""),
                "refs": _refs(g.get("references"), known),
            }
        )
    schedule = plan.get("schedule") or {}
    steps = list(schedule.get("steps") or [])
    review = plan.get("review")
    return {
        "outline": plan.get("status") == "outline",
        "summary": plan.get("summary") or "",
        "massage_first": plan.get("massage_first", plan.get("kind") == "massage-and-stretch"),
        "sides": [side_label(s) for s in strings(plan.get("sides"))],
        "muscles": muscles,
        "self_management": guidance,
        "minutes": schedule.get("minutes"),
        "schedule": schedule_groups(steps),
        "has_steps": bool(steps),
        "progression": [
            {"weeks": p.get("weeks", ""), "text": p.get("text", "")}
            for p in plan.get("progression") or []
        ],
        "review": review.get("text") if isinstance(review, Mapping) else None,
        "review_days": review.get("after_days") if isinstance(review, Mapping) else None,
        "advice": strings(plan.get("advice") or plan.get("keep_active")),
        "cautions": strings(plan.get("cautions")),
        "nerve_sites": [
            {"site": n.get("site", ""), "why": n.get("why", "")}
            for n in plan.get("nerve_sites") or []
        ],
        "red_flags": red_flag_groups(strings(plan.get("red_flag_card"))),
        "references": references(kb, ref_keys, sort=True),
        "root_first": kb.care.root_first if plan.get("root_first") else "",
        "adaptations": [
            {
                "finding": a.get("finding", ""),
                "state": a.get("state", ""),
                "title": a.get("title", ""),
                "text": a.get("text", ""),
            }
            for a in plan.get("adaptations") or []
            if isinstance(a, Mapping)
        ],
    }
