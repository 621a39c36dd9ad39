"""The body map: SVG pictures of the lower trunk and legs on which every region is its own shape.

The geometry is data (``knowledge/bodymap.yaml``) so that it can be corrected without touching
code, and the SVG is built here as plain strings so that the CLI, the PDF report and the Django
templates all draw the same picture without a browser or a template engine. Colour comes only from
CSS classes (``web/static/paintrace/bodymap.css``): the web app runs under a strict
Content-Security-Policy, so the markup carries no ``style`` attributes and no event handlers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from paintrace.knowledge.schema import knowledge_root, read_yaml

VIEWS: tuple[str, ...] = ("front", "back", "sides", "soles")
SYMPTOMS: tuple[str, ...] = ("pain", "burning", "numbness", "tingling")
ZONES: tuple[str, ...] = ("essential", "spillover")

# Presentation attributes are the fallback when the stylesheet is missing (a saved file, a PDF
# renderer without our CSS); any CSS rule overrides them, so they never fight the stylesheet.
_SVG_DEFAULTS = 'fill="#ececec" stroke="#6b6b6b" stroke-width="1" stroke-linejoin="round"'
_TP_RADIUS = 6.0

# Colour alone must not tell the symptoms apart (WCAG 1.4.1), so each also has its own marks,
# white over its colour. They follow the marks of Ransford's pain drawing (Spine, 1976): ////
# pain, xxxx burning, ==== numbness, oooo pins and needles. One 8-unit tile each,
# about 8 px on screen: fine enough for the smallest region, coarse enough to see.
SYMPTOM_NAMES: dict[str, str] = {
    "pain": "Pain",
    "burning": "Burning",
    "numbness": "Numbness",
    "tingling": "Tingling, pins and needles",
}
PATTERN_WORDS: dict[str, str] = {
    "pain": "slanted lines",
    "burning": "small crosses",
    "numbness": "lines across",
    "tingling": "dots",
}
_PATTERN_TILE = 8
_PATTERN_MARKS: dict[str, str] = {
    "pain": '<path d="M-2,2L2,-2M0,8L8,0M6,10L10,6"/>',
    "burning": '<path d="M2.5,2.5L5.5,5.5M5.5,2.5L2.5,5.5"/>',
    "numbness": '<path d="M0,4H8"/>',
    "tingling": '<circle cx="4" cy="4" r="1.3"/>',
}
_MARKS_STYLE = (
    'class="pattern-marks" fill="#fff" stroke="#fff" stroke-width="1.5" stroke-linecap="round"'
)
# Fallback colours as in bodymap.css, for a copy of the picture without the stylesheet.
_SYMPTOM_FALLBACK_FILL = {
    "pain": "#c62828",
    "burning": "#d35400",
    "numbness": "#1565c0",
    "tingling": "#7b1fa2",
}
# With several symptoms a region shows one colour and one pattern: the same one, in the order of
# the stylesheet's rules (pain over burning over tingling over numbness).
SHOWN_FIRST: tuple[str, ...] = ("pain", "burning", "tingling", "numbness")


@dataclass(frozen=True, slots=True)
class Shape:
    """One region as drawn in one view."""

    region: str
    name: str
    d: str
    cx: float
    cy: float
    dom_id: str  # element id without the caller's prefix; unique across all views


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class View:
    name: str
    caption: str
    title: str
    view_box: str
    outlines: tuple[str, ...]
    details: tuple[str, ...]
    labels: tuple[Label, ...]
    shapes: tuple[Shape, ...]


@dataclass(frozen=True, slots=True)
class BodyMap:
    views: Mapping[str, View]

    def region_ids(self) -> set[str]:
        return {s.region for v in self.views.values() for s in v.shapes}

    def names(self) -> dict[str, str]:
        return {s.region: s.name for v in self.views.values() for s in v.shapes}


# --------------------------------------------------------------------------- loading

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|" + _NUMBER.pattern)
_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}


def path_vertices(d: str) -> list[list[tuple[float, float]]]:
    """The end points of every segment, one list per subpath.

    Control points are dropped: the result only places markers, where a polygon through the end
    points is close enough to the drawn curve.
    """
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = sx = sy = 0.0
    cmd = ""
    tokens = _TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.isalpha():
            cmd = tok
            i += 1
            if cmd in "Zz":
                x, y = sx, sy
                if ring:
                    rings.append(ring)
                ring = []
                continue
        elif not cmd:
            raise ValueError(f"path data must start with a command: {d[:20]!r}")
        upper = cmd.upper()
        n = _ARITY[upper]
        args = [float(t) for t in tokens[i : i + n]]
        if len(args) < n:
            raise ValueError(f"incomplete path segment in {d[:40]!r}")
        i += n
        rel = cmd.islower()
        if upper == "H":
            x = args[0] + (x if rel else 0.0)
        elif upper == "V":
            y = args[0] + (y if rel else 0.0)
        else:
            x, y = args[-2] + (x if rel else 0.0), args[-1] + (y if rel else 0.0)
        if upper == "M":
            if ring:
                rings.append(ring)
            ring = []
            sx, sy = x, y
            cmd = "l" if rel else "L"  # further pairs after a moveto are linetos
        ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def _centroid(d: str) -> tuple[float, float]:
    """Area centroid of the largest subpath: where a trigger-point marker sits by default."""
    best: tuple[float, float, float] | None = None
    for ring in path_vertices(d):
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            c = x0 * y1 - x1 * y0
            a += c
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
        if a == 0:
            continue
        a /= 2
        cand = (abs(a), cx / (6 * a), cy / (6 * a))
        if best is None or cand[0] > best[0]:
            best = cand
    if best is None:
        raise ValueError(f"path has no area: {d[:40]!r}")
    return best[1], best[2]


def _parse(data: Any) -> BodyMap:
    views: dict[str, View] = {}
    drawn: set[str] = set()
    for name, raw in data["views"].items():
        shapes = []
        for s in raw["shapes"]:
            region = s["region"]
            cx, cy = (s["cx"], s["cy"]) if "cx" in s else _centroid(s["d"])
            # HTML ids must be unique on a page: a region drawn again in a later view (the heel,
            # in back and soles) takes the view's name, so scripts should use data-region.
            dom_id = "r-" + region.replace(".", "-") + (f"-{name}" if region in drawn else "")
            drawn.add(region)
            shapes.append(Shape(region, s["name"], s["d"], float(cx), float(cy), dom_id))
        labels = tuple(
            Label(float(lb["x"]), float(lb["y"]), str(lb["text"]), lb.get("kind", "side"))
            for lb in raw.get("labels", ())
        )
        views[name] = View(
            name=name,
            caption=raw["caption"],
            title=raw["title"],
            view_box=raw["viewBox"],
            outlines=tuple(raw.get("outlines", ())),
            details=tuple(raw.get("details", ())),
            labels=labels,
            shapes=tuple(shapes),
        )
    if tuple(views) != VIEWS:
        raise ValueError(f"bodymap.yaml: views must be {list(VIEWS)}, got {list(views)}")
    return BodyMap(views)


@functools.cache
def load_bodymap() -> BodyMap:
    """The body map shipped as package data (read once: every page draws it)."""
    return _parse(read_yaml(knowledge_root() / "bodymap.yaml"))


def region_ids() -> set[str]:
    """Every region id that can be marked on the map."""
    return load_bodymap().region_ids()


# --------------------------------------------------------------------------- rendering


def _check(
    marks: Mapping[str, Sequence[str]], zones: Mapping[str, str], points: Iterable[str]
) -> None:
    """Reject unknown ids and values early: they would otherwise become silent class names."""
    known = region_ids()
    for rid in [*marks, *zones, *points]:
        if rid not in known:
            raise ValueError(f"unknown region id {rid!r}")
    for rid, symptoms in marks.items():
        if isinstance(symptoms, str):
            raise TypeError(f"marks[{rid!r}] must be a list of symptoms, not a string")
        for sym in symptoms:
            if sym not in SYMPTOMS:
                raise ValueError(f"unknown symptom {sym!r} for {rid!r}")
    for rid, zone in zones.items():
        if zone not in ZONES:
            raise ValueError(f"unknown zone {zone!r} for {rid!r}")


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _marker(x: float, y: float) -> str:
    r = _TP_RADIUS
    k = r * 0.55
    cross = (
        f"M{_fmt(x - k)},{_fmt(y - k)}L{_fmt(x + k)},{_fmt(y + k)}"
        f"M{_fmt(x - k)},{_fmt(y + k)}L{_fmt(x + k)},{_fmt(y - k)}"
    )
    return (
        f'<circle class="tp" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}"/>'
        f'<path class="tp-x" d="{cross}"/>'
    )


def pattern_id(id_prefix: str, view: str, symptom: str) -> str:
    """A view's pattern for a symptom. Named in one place: the marks drawn here, the page's
    script and the stylesheet the picture follows the list with, without it
    (web.pages.list_marks), all fill regions with it."""
    return f"{id_prefix}bm-{view}-pattern-{symptom}"


def _patterns(id_prefix: str, view: str) -> str:
    """One ``<pattern>`` per symptom: the colour (a class, so the stylesheet may change it) under
    the symptom's white marks. The page's script finds them by ``data-symptom``."""
    t = _PATTERN_TILE
    out = ["<defs>"]
    for sym in SYMPTOMS:
        out.append(
            f'<pattern id="{escape(pattern_id(id_prefix, view, sym))}" data-symptom="{sym}" '
            f'class="sym-pattern" patternUnits="userSpaceOnUse" width="{t}" height="{t}">'
            f'<rect class="pattern-bg sym-{sym}" width="{t}" height="{t}" '
            f'fill="{_SYMPTOM_FALLBACK_FILL[sym]}" stroke="none"/>'
            f"<g {_MARKS_STYLE}>{_PATTERN_MARKS[sym]}</g></pattern>"
        )
    out.append("</defs>")
    return "".join(out)


def pattern_swatch(symptom: str) -> str:
    """The symptom's marks on a 2 by 2 tile square for a key, in the same size as on the map; the
    colour under them is the swatch's own (the stylesheet's ``swatch-sym-*``)."""
    t = _PATTERN_TILE
    tiles = "".join(
        f'<g transform="translate({x},{y})">{_PATTERN_MARKS[symptom]}</g>'
        for y in (0, t)
        for x in (0, t)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="swatch-marks" '
        f'viewBox="0 0 {2 * t} {2 * t}" focusable="false"><g {_MARKS_STYLE}>{tiles}</g></svg>'
    )


def render_view(
    view: str,
    *,
    marks: Mapping[str, Sequence[str]] | None = None,
    zones: Mapping[str, str] | None = None,
    points: Sequence[str] = (),
    interactive: bool = False,
    title: str | None = None,
    id_prefix: str = "",
) -> str:
    """One view as an ``<svg>`` string.

    ``marks`` maps a region id to its symptoms, ``zones`` a region id to ``essential`` or
    ``spillover`` (a source's referral map), ``points`` lists regions that get a trigger-point
    marker. Ids that belong to other views are ignored, so a whole drawing can be passed to every
    view. With ``interactive`` every region carries its name (``data-name``) for the page's
    script, which makes each region a named toggle button and the view a group when it starts:
    served as buttons, the regions would be Tab stops that do nothing without JavaScript (the
    list of places does the work then), so the picture is served as a plain image. Its shapes
    are then parts of an image, which may not carry a name of their own (ARIA: aria-label is
    prohibited on them), hence not ``aria-label`` until the script names them.
    """
    bm = load_bodymap()
    if view not in bm.views:
        raise ValueError(f"unknown view {view!r}; expected one of {list(VIEWS)}")
    marks = marks or {}
    zones = zones or {}
    _check(marks, zones, points)
    v = bm.views[view]
    title_id = f"{id_prefix}bm-{view}-title"
    label = title if title is not None else v.title
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bodymap-svg bodymap-{view}" '
        f'viewBox="{escape(v.view_box)}" role="img" aria-labelledby="{escape(title_id)}" '
        f"{_SVG_DEFAULTS}>",
        f'<title id="{escape(title_id)}">{escape(label)}</title>',
    ]
    # Only the regions speak to assistive technology: their names already say the side, so the
    # outline, landmarks and the Left/Right words would be noise around the buttons.
    out.append('<g class="silhouette" aria-hidden="true">')
    out.extend(f'<path class="outline" d="{escape(d)}"/>' for d in v.outlines)
    out.append("</g>")
    shown = {s.region for s in v.shapes} & set(marks)
    if interactive or any(marks[rid] for rid in shown):
        out.append(_patterns(id_prefix, view))
    out.append('<g class="regions">')
    for s in v.shapes:
        syms = [sym for sym in SYMPTOMS if sym in marks.get(s.region, ())]
        classes = ["region"]
        if syms:
            classes.append("marked")
            classes.extend(f"sym-{sym}" for sym in syms)
            if len(syms) > 1:
                classes.append("multi")
        if s.region in zones:
            classes.append(f"zone-{zones[s.region]}")
        attrs = [
            f'id="{escape(id_prefix + s.dom_id)}"',
            f'class="{" ".join(classes)}"',
            f'data-region="{escape(s.region)}"',
        ]
        if syms:
            top = next(sym for sym in SHOWN_FIRST if sym in syms)
            attrs.append(f'fill="url(#{escape(pattern_id(id_prefix, view, top))})"')
        if interactive:
            attrs.append(f'data-name="{escape(s.name)}"')
        out.append(f'<path {" ".join(attrs)} d="{escape(s.d)}"/>')
    out.append("</g>")
    if v.details:
        out.append('<g class="details" aria-hidden="true">')
        out.extend(f'<path d="{escape(d)}"/>' for d in v.details)
        out.append("</g>")
    wanted = set(points)
    tps = [_marker(s.cx, s.cy) for s in v.shapes if s.region in wanted]
    if tps:
        out.append('<g class="tps" aria-hidden="true">')
        out.extend(tps)
        out.append("</g>")
    out.append(
        '<g class="labels" aria-hidden="true" fill="#222" stroke="none" text-anchor="middle">'
    )
    for lb in v.labels:
        out.append(
            f'<text class="label label-{escape(lb.kind)}" x="{_fmt(lb.x)}" y="{_fmt(lb.y)}">'
            f"{escape(lb.text)}</text>"
        )
    out.append("</g></svg>")
    return "".join(out)


def render_all(
    *,
    marks: Mapping[str, Sequence[str]] | None = None,
    zones: Mapping[str, str] | None = None,
    points: Sequence[str] = (),
    interactive: bool = False,
    title: str | None = None,
    id_prefix: str = "",
) -> str:
    """All four views side by side, each a captioned figure, wrapping on narrow screens."""
    bm = load_bodymap()
    parts = ['<div class="bodymap">']
    for name, v in bm.views.items():
        view_title = f"{title}: {v.caption}" if title else None
        svg = render_view(
            name,
            marks=marks,
            zones=zones,
            points=points,
            interactive=interactive,
            title=view_title,
            id_prefix=id_prefix,
        )
        parts.append(
            f'<figure class="bodymap-view bodymap-view-{name}">{svg}'
            f"<figcaption>{escape(v.caption)}</figcaption></figure>"
        )
    parts.append("</div>")
    return "".join(parts)


def legend_html(*, symptoms: bool = True, zones: bool = True, points: bool = True) -> str:
    """The key to the colours and patterns: colours as classes (the stylesheet draws the
    swatches), each symptom's marks drawn over its colour and said in words.

    A drawing page needs only the symptom part and a referral map only the zones, hence the
    switches.
    """
    items: list[tuple[str, str]] = []
    if symptoms:
        items += [(f"sym-{sym}", symptom_key_text(sym)) for sym in SYMPTOMS]
        items.append(("multi", "More than one symptom (dashed border)"))
    if zones:
        items += [
            ("zone-essential", "Where this source usually refers pain"),
            ("zone-spillover", "Where the pain sometimes spreads"),
        ]
    if points:
        items.append(("tp", "Trigger point"))
    return f'<ul class="legend">{"".join(legend_item(cls, text) for cls, text in items)}</ul>'


def symptom_key_text(symptom: str) -> str:
    """The name and, in words, the marks: for whoever cannot tell the colours apart."""
    return f"{SYMPTOM_NAMES[symptom]} ({PATTERN_WORDS[symptom]})"


def legend_item(cls: str, text: str) -> str:
    """One entry of a key: ``cls`` is the class the picture uses (``sym-pain``, ``zone-essential``,
    ``tp``...); a symptom's swatch carries its pattern too."""
    marks = pattern_swatch(cls.removeprefix("sym-")) if cls.startswith("sym-") else ""
    return (
        f'<li><span class="swatch swatch-{escape(cls)}" aria-hidden="true">{marks}</span>'
        f"{escape(text)}</li>"
    )
