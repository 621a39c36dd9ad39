"""The self-care plan as the pages show it: the full plan, today's guided session, the FAQ.

Nothing here decides anything clinical: the plan comes from :mod:`paintrace.plan` as saved with
the assessment, and the words from the knowledge base. These functions only shape it for the
templates (labels, dosage lines, figures, grouped steps) and tolerate older or partial plans, so
a saved assessment keeps rendering after the plan's shape gains a field.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.utils.text import slugify

from paintrace import bodymap
from paintrace.knowledge.schema import Knowledge
from paintrace.web.pages import present

FIGURE_PREFIX = "paintrace/technique-figures"
TOOL_LABELS = {
    "hands": "Your hands",
    "tennis-ball": "A tennis ball",
    "lacrosse-ball": "A lacrosse ball",
    "peanut-ball": "A peanut ball (two balls joined)",
    "foam-roller": "A foam roller",
    "cane-hook": "A massage cane (hook)",
    "glute-tool": "A deep-tissue glute tool",
}
KIND_LABELS = {"massage": "Massage", "stretch": "Stretch"}
SIDE_WORDS = {"left": "left side", "right": "right side"}
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


# --------------------------------------------------------------------------- small words


def times(n: Any) -> str:
    """1 -> "once", 2 -> "twice", 3 -> "3 times"."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return ""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def seconds_text(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]} to {value[1]} seconds"
    return f"{value} seconds" if value else ""


def side_label(side: str | None) -> str:
    return SIDE_WORDS.get(side or "", "sore side")


def _strings(value: Any) -> list[str]:
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


# --------------------------------------------------------------------------- the plan


def _estimate_note(item: Mapping[str, Any]) -> bool:
    """Say that the dose is an estimate, unless the evidence note already says so."""
    said = re.search(r"estimate|teaching sources|not trials", str(item.get("evidence", "")), re.I)
    return bool(item.get("estimate", True)) and not said


def _refs(keys: Any, known: set[str]) -> list[dict[str, Any]]:
    return [{"key": k, "linked": k in known} for k in _strings(keys)]


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
        "find_it": _strings(m.get("find_it")),
        "tools": [
            {
                "label": TOOL_LABELS.get(t.get("tool", ""), t.get("tool", "")),
                "how": t.get("how", ""),
            }
            for t in m.get("tools") or []
        ],
        "steps": _strings(m.get("steps")),
        "dose": dose,
        "hold": seconds_text(m.get("hold_seconds")),
        "feels_like": m.get("feels_like", ""),
        "stop_if": _strings(m.get("stop_if")),
        "avoid": _strings(m.get("avoid")),
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
        "steps": _strings(s.get("steps")),
        "dose": dose,
        "feels_like": s.get("feels_like", ""),
        "cautions": _strings(s.get("cautions")),
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
    name = kb.sources[muscle_id].name.lower()
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


def plan_view(
    kb: Knowledge, plan: Mapping[str, Any] | None, drawing: Mapping[str, Sequence[str]]
) -> dict[str, Any] | None:
    """Everything the result page shows of the plan, in the plan's order."""
    if not plan:
        return None
    ref_keys = [k for k in _strings(plan.get("references")) if k in kb.references]
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
                "habits": _strings(m.get("habits")),
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
                "do": _strings(g.get("do")),
                "avoid": _strings(g.get("avoid")),
                "watch_for": _strings(g.get("watch_for")),
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
        "sides": [side_label(s) for s in _strings(plan.get("sides"))],
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
        "advice": _strings(plan.get("advice") or plan.get("keep_active")),
        "cautions": _strings(plan.get("cautions")),
        "nerve_sites": [
            {"site": n.get("site", ""), "why": n.get("why", "")}
            for n in plan.get("nerve_sites") or []
        ],
        "red_flags": red_flag_groups(_strings(plan.get("red_flag_card"))),
        "references": references(kb, ref_keys, sort=True),
        "root_first": bool(plan.get("root_first")),
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


# --------------------------------------------------------------------------- the session


def _technique_key(step: Mapping[str, Any]) -> str:
    return f"{step.get('muscle', '')}--{step.get('technique', '')}"


def _techniques(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Instructions for every technique in the plan, keyed like the schedule's steps."""
    out: dict[str, dict[str, Any]] = {}
    for m in plan.get("muscles") or []:
        points = distinct_points(m.get("trigger_points"))
        massage = m.get("massage")
        if massage:
            stop = _strings(massage.get("stop_if"))[:2]
            out[f"{m.get('id', '')}--{massage.get('id', '')}"] = {
                "kind": "massage",
                "name": massage.get("name", ""),
                "muscle": m.get("name", ""),
                "position": massage.get("position", ""),
                "find_it": _strings(massage.get("find_it")),
                "steps": _strings(massage.get("steps")),
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
                "steps": _strings(s.get("steps")),
                "pressure": "",
                "stop": _strings(s.get("cautions"))[:2],
                "figure": technique_figure(s.get("figure")),
                "points": [],
            }
    return out


def session_view(
    plan: Mapping[str, Any] | None, created_at: dt.datetime | None = None
) -> dict[str, Any] | None:
    """Today's routine, step by step, or None when the plan has no steps to guide."""
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
    days = review.get("after_days") if review else None
    review_date = created_at + dt.timedelta(days=int(days)) if created_at and days else None
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
        "review_date": review_date,
        "red_flags": red_flag_groups(_strings(plan.get("red_flag_card"))),
    }


# --------------------------------------------------------------------------- FAQ


def faq_entries(kb: Knowledge) -> list[dict[str, Any]]:
    return [
        {
            "question": e.question,
            "anchor": slugify(e.question)[:60],
            "answer": list(e.answer),
            "references": references(kb, e.references),
        }
        for e in kb.care.faq
    ]
