"""Turn the core's values into what the templates show: names, groups, percentages, pictures.

Nothing here decides anything clinical. It looks names up in the knowledge base, groups the regions
for the list, and places a source's referral map (from the knowledge base) on the sides the person
drew, so that their drawing and the source's pattern can be compared on the same body map.
The self-care plan, the guided session and the FAQ are shaped in :mod:`.selfcare`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from paintrace import bodymap
from paintrace.explain import place_names
from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import Knowledge
from paintrace.wording import capitalized, fits, join_and

SYMPTOM_LABELS = {
    "pain": "Pain",
    "burning": "Burning",
    "numbness": "Numbness",
    "tingling": "Tingling",
}
SYMPTOM_HINTS = {
    "pain": "aching, sharp or deep pain",
    "burning": "a hot, burning feeling",
    "numbness": "less feeling, dull or dead",
    "tingling": "pins and needles",
}
KIND_LABELS = {
    "muscle": "Muscle (trigger points)",
    "nerve_root": "Nerve root",
    "condition": "Joint, tendon, nerve or blood vessel",
}
SIDE_LABELS = {"left": "Left side", "right": "Right side", None: "Middle"}
SIDE_ORDER = ("right", "left")

# The list groups regions the way people think of their body, top to bottom.
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Lower back", ("lumbar-spine", "sacrum", "coccyx", "low-back", "sacroiliac")),
    ("Belly, groin and saddle", ("abdomen-lower", "groin", "perineum")),
    (
        "Buttock and hip",
        ("buttock-upper", "buttock-center", "buttock-lower", "buttock-lateral", "hip-lateral"),
    ),
    (
        "Thigh",
        (
            "thigh-anterior",
            "thigh-anterolateral",
            "thigh-medial",
            "thigh-lateral-upper",
            "thigh-lateral-lower",
            "thigh-posterior-upper",
            "thigh-posterior-lower",
        ),
    ),
    ("Knee", ("knee-anterior", "knee-medial", "knee-lateral", "knee-posterior")),
    (
        "Lower leg",
        ("leg-anterior", "leg-medial", "leg-lateral", "calf-upper", "calf-lower", "achilles"),
    ),
    (
        "Ankle and foot",
        (
            "ankle-anterior",
            "ankle-medial",
            "ankle-lateral",
            "heel",
            "foot-dorsum",
            "foot-sole",
            "foot-lateral",
            "big-toe",
            "lesser-toes",
        ),
    ),
)

LEADING_COUNT = 3
LEADING_MIN_PROBABILITY = 0.05
MAX_VIEWS_PER_SOURCE = 2


# --------------------------------------------------------------------------- body map page


@dataclass(frozen=True)
class RegionRow:
    id: str
    name: str
    side: str | None
    checked: tuple[str, ...]
    search: str


@dataclass(frozen=True)
class SideGroup:
    side: str | None
    label: str
    rows: tuple[RegionRow, ...]


@dataclass(frozen=True)
class AreaGroup:
    name: str
    slug: str
    sides: tuple[SideGroup, ...]


def region_groups(drawing: Mapping[str, Sequence[str]] | None = None) -> list[AreaGroup]:
    """Every region of the body map, grouped by area and side, with the drawing's ticks."""
    kb = load_knowledge()
    drawing = drawing or {}
    known = bodymap.region_ids()
    listed: set[str] = set()
    areas = list(AREAS)
    extra = tuple(sorted({kb.regions[r].base for r in known} - {b for _, bs in AREAS for b in bs}))
    if extra:  # a region added to the atlas but not yet to AREAS still gets listed
        areas.append(("Other places", extra))
    groups = []
    for area, bases in areas:
        sides = []
        for side in (None, *SIDE_ORDER):
            rows = []
            for base in bases:
                rid = base if side is None else f"{side}.{base}"
                if rid not in known or rid not in kb.regions:
                    continue
                region = kb.regions[rid]
                words = [region.name, side or "middle", area]
                rows.append(
                    RegionRow(
                        id=rid,
                        name=region.name,
                        side=side,
                        checked=tuple(drawing.get(rid, ())),
                        search=" ".join(words).lower(),
                    )
                )
                listed.add(rid)
            if rows:
                sides.append(SideGroup(side, SIDE_LABELS[side], tuple(rows)))
        if sides:
            slug = re.sub(r"[^a-z]+", "-", area.lower()).strip("-")
            groups.append(AreaGroup(area, slug, tuple(sides)))
    return groups


# The back view first: sciatica-like pain is mostly drawn there (buttock, back of the thigh,
# calf), so it is the first view on a phone and the first in the keyboard's Tab order.
DRAWING_VIEW_ORDER = ("back", "front", "sides", "soles")


def drawing_picture(marks: Mapping[str, Sequence[str]]) -> SafeString:
    """The tappable body map, one captioned figure per view, the back view first."""
    bm = bodymap.load_bodymap()
    order = [v for v in DRAWING_VIEW_ORDER if v in bm.views]
    order += [v for v in bm.views if v not in order]
    parts = ['<div class="bodymap">']
    for name in order:
        svg = bodymap.render_view(name, marks=marks, interactive=True)
        parts.append(
            f'<figure class="bodymap-view bodymap-view-{name}">{svg}'
            f"<figcaption>{escape(bm.views[name].caption)}</figcaption></figure>"
        )
    parts.append("</div>")
    return safe("".join(parts))


def symptom_choices() -> list[dict[str, str]]:
    return [
        {
            "id": s,
            "label": SYMPTOM_LABELS[s],
            "hint": SYMPTOM_HINTS[s],
            "marks": safe(bodymap.pattern_swatch(s)),
        }
        for s in bodymap.SYMPTOMS
    ]


def drawing_summary(drawing: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """The drawing in words, one line per symptom type: "Pain: upper buttock (right), ..."."""
    kb = load_knowledge()
    out = []
    for sym in bodymap.SYMPTOMS:
        rids = [rid for rid, syms in drawing.items() if sym in syms and rid in kb.regions]
        if rids:
            names = [kb.region_name(rid) for rid in rids]
            out.append({"symptom": sym, "label": SYMPTOM_LABELS[sym], "regions": names})
    return out


# --------------------------------------------------------------------------- interview


@functools.cache
def _figure_titles() -> dict[str, str]:
    root = resources.files("paintrace.web").joinpath("static", "paintrace", "figures")
    titles: dict[str, str] = {}
    if not root.is_dir():
        return titles
    for item in root.iterdir():
        if item.name.endswith(".svg"):
            match = re.search(r"<title[^>]*>(.*?)</title>", item.read_text("utf-8"), re.S)
            titles[item.name[:-4]] = match.group(1).strip() if match else ""
    return titles


def figure(slug: str | None) -> dict[str, str] | None:
    """A self-test figure: its static path and alt text (the SVG's own title)."""
    if not slug:
        return None
    titles = _figure_titles()
    if slug not in titles:
        return None
    return {"path": f"paintrace/figures/{slug}.svg", "alt": titles[slug] or "Drawing of the test"}


# --------------------------------------------------------------------------- result


def drawn_sides(kb: Knowledge, drawing: Mapping[str, Sequence[str]]) -> list[str]:
    return kb.drawn_sides(drawing) or ["left", "right"]


def pattern_on_sides(
    kb: Knowledge, source_id: str, sides: Sequence[str]
) -> tuple[dict[str, str], list[str]]:
    """The source's zones and trigger points as concrete region ids on the given sides."""
    source = kb.sources[source_id]
    known = bodymap.region_ids()
    zones = {
        rid: level
        for base, level in source.zone_levels.items()
        for rid in kb.concrete(base, sides)
        if rid in known
    }
    points = list(
        dict.fromkeys(
            rid
            for tp in source.trigger_points
            for rid in kb.concrete(tp.region, sides)
            if rid in known
        )
    )
    return zones, points


def views_for(*region_sets: Sequence[str] | Mapping[str, Any]) -> list[str]:
    """The views that show most of the given regions: at most two, the fullest first."""
    wanted = {rid for regions in region_sets for rid in regions}
    bm = bodymap.load_bodymap()
    back = {s.region for s in bm.views["back"].shapes}
    scores = {}
    for name, view in bm.views.items():
        shown = {s.region for s in view.shapes}
        if name == "soles":  # the heel is also in the back view; soles only for the sole itself
            shown -= back
        scores[name] = len(shown & wanted)
    best = sorted((v for v in scores if scores[v]), key=lambda v: -scores[v])  # stable: ties
    return best[:MAX_VIEWS_PER_SOURCE] or ["back"]


def source_views(zones: Mapping[str, str], points: Sequence[str]) -> list[str]:
    """The views a source uses: those showing its main zones or its trigger points, the fullest
    first. A view with only its faint spillover (the sole, for the piriformis) is left out."""
    main = [rid for rid, level in zones.items() if level == "essential"] + list(points)
    return views_for(main) if main else views_for(zones)


def view_regions(view: str) -> set[str]:
    bm = bodymap.load_bodymap()
    shown = {s.region for s in bm.views[view].shapes}
    if view == "soles":
        shown -= {s.region for s in bm.views["back"].shapes}
    return shown


def comparison(
    kb: Knowledge, source_id: str, drawing: Mapping[str, Sequence[str]], index: int
) -> list[dict[str, Any]]:
    """Side-by-side pictures: the person's drawing and the source's referral pattern, on the
    views the source uses; a view on which the person marked nothing shows a line, not a blank
    body."""
    sides = drawn_sides(kb, drawing)
    zones, points = pattern_on_sides(kb, source_id, sides)
    known = bodymap.region_ids()
    marks = {rid: list(s) for rid, s in drawing.items() if rid in known}
    bm = bodymap.load_bodymap()
    source = kb.sources[source_id]
    out = []
    for view in source_views(zones, points):
        caption = bm.views[view].caption.lower()
        mine = (
            bodymap.render_view(
                view,
                marks=marks,
                title=f"Your drawing, {caption} view",
                id_prefix=f"s{index}-{view}-mine-",
            )
            if view_regions(view) & set(marks)
            else ""
        )
        pattern = bodymap.render_view(
            view,
            zones=zones,
            points=points,
            title=f"Where symptoms from {source.phrase} usually show, {caption} view",
            id_prefix=f"s{index}-{view}-src-",
        )
        out.append(
            {
                "view": view,
                "caption": bm.views[view].caption,
                "mine": safe(mine) if mine else None,
                "pattern": safe(pattern),
            }
        )
    return out


LEGEND_TEXT = {
    **{f"sym-{sym}": bodymap.symptom_key_text(sym) for sym in bodymap.SYMPTOMS},
    "multi": "More than one symptom (dashed border)",
    "zone-essential": "Where it usually refers symptoms",
    "zone-spillover": "Where they sometimes spread",
    "tp": "Trigger point",
}


def comparison_legend(drawing: Mapping[str, Sequence[str]], *, points: bool) -> SafeString:
    """The key to the side-by-side pictures, naming only what they show."""
    used = {sym for syms in drawing.values() for sym in syms}
    keys = [f"sym-{sym}" for sym in bodymap.SYMPTOMS if sym in used]
    if any(len(set(syms)) > 1 for syms in drawing.values()):
        keys.append("multi")
    keys += ["zone-essential", "zone-spillover"] + (["tp"] if points else [])
    items = "".join(bodymap.legend_item(k, LEGEND_TEXT[k]) for k in keys)
    return safe(f'<ul class="legend">{items}</ul>')


def safe(svg: str) -> SafeString:
    """SVG from :mod:`paintrace.bodymap`, which escapes every text and attribute it writes."""
    return mark_safe(svg)


def percent(p: float) -> str:
    if p < 0.01:
        return "less than 1 %"
    return f"{round(p * 100)} %"


def source_rows(
    kb: Knowledge,
    sources: Sequence[Mapping[str, Any]],
    drawing: Mapping[str, Sequence[str]],
    *,
    pictures: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(leading, less likely): the top sources get pictures, the rest a compact list."""
    leading: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for i, s in enumerate(sources):
        sid = s.get("id", "")
        known = kb.sources.get(sid)
        p = float(s.get("probability", 0.0))
        is_leading = i < LEADING_COUNT and (p >= LEADING_MIN_PROBABILITY or i == 0)
        row = {
            "id": sid,
            "rank": i + 1,
            "name": known.name if known else sid,
            "phrase": known.phrase if known else sid,  # inside a sentence: "the L5 nerve root"
            "kind": KIND_LABELS.get(s.get("kind", ""), s.get("kind", "")),
            "description": known.description if known and is_leading else "",
            "probability": p,
            "percent": percent(p),
            "bar": f"{max(p * 100, 0.5):.1f}",
            "why": list(s.get("why") or []),
            "why_not": list(s.get("why_not") or []),
            "pictures": comparison(kb, sid, drawing, i)
            if pictures and is_leading and known is not None
            else [],
            "legend": comparison_legend(drawing, points=bool(known and known.trigger_points)),
        }
        (leading if is_leading else others).append(row)
    return leading, others


def answers_summary(
    kb: Knowledge, findings: Mapping[str, bool], *, only_yes: bool = False
) -> list[str]:
    """The answers given, in the second person, in the knowledge base's order."""
    out = []
    for fid, finding in kb.findings.items():
        if fid in findings and (findings[fid] or not only_yes):
            out.append(finding.said_yes if findings[fid] else finding.said_no)
    return out


def unknown_summary(kb: Knowledge, unknown: Sequence[str]) -> list[str]:
    """The questions answered "I don't know", as asked: unknown is not no, so they are listed."""
    return [kb.findings[fid].question for fid in kb.findings if fid in set(unknown)]


_FIRST_PERSON = (
    (re.compile(r"\byou are\b"), "I am"),
    (re.compile(r"\byou have\b"), "I have"),
    (re.compile(r"\byour\b"), "my"),
    (re.compile(r"\byou\b"), "I"),
)


def first_person(text: str) -> str:
    """ "your foot slaps" -> "my foot slaps": what a person says about themselves on the phone."""
    for pattern, words in _FIRST_PERSON:
        text = pattern.sub(words, text)
    return text


def tell_them(
    kb: Knowledge, drawing: Mapping[str, Sequence[str]], findings: Mapping[str, bool]
) -> str:
    """What to say on the emergency call, in short sentences: what is felt where ("I have pain
    in the low back and back of the thigh, on the left."), then each warning sign."""
    said = []
    for sym in bodymap.SYMPTOMS:
        rids = [rid for rid, syms in drawing.items() if sym in syms and rid in kb.regions]
        if rids:
            said.append(_felt_where(kb, SYMPTOM_LABELS[sym].lower(), rids))
    said += [
        capitalized(first_person(f.said_yes)) + "."
        for fid, f in kb.findings.items()
        if f.group == "red-flag" and findings.get(fid) is True
    ]
    return " ".join(said) or "I have back or leg pain and warning signs of a serious cause."


_TOLD_PLACES = 3  # a call is short: the first places, then "and other places"


def _felt_where(kb: Knowledge, felt: str, rids: Sequence[str]) -> str:
    sides = sorted({side for rid in rids if (side := kb.regions[rid].side) is not None})
    side = ", on both sides" if len(sides) > 1 else f", on the {sides[0]}" if sides else ""
    places = place_names(kb, rids)
    shown = places[:_TOLD_PLACES]
    while True:
        more = ["other places"] if len(shown) < len(places) else []
        sentence = f"I have {felt} in the {join_and([*shown, *more])}{side}."
        if fits(sentence) or len(shown) == 1:
            return sentence
        shown = shown[:-1]
