"""The body map draws every contract region, as valid, accessible, CSP-safe SVG within budget."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
import yaml

from paintrace import bodymap
from paintrace.bodymap import VIEWS, legend_html, load_bodymap, region_ids, render_all, render_view

CONTRACT = Path(__file__).parent / "contract" / "atlas.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def contract_ids() -> set[str]:
    atlas = yaml.safe_load(CONTRACT.read_text("utf-8"))
    sided = {f"{side}.{r['id']}" for side in atlas["sides"] for r in atlas["sided"]}
    return sided | {r["id"] for r in atlas["midline"]}


def region_paths(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [el for el in root.iter(f"{SVG}path") if "region" in el.get("class", "").split()]


def test_every_contract_region_is_drawn_and_nothing_else() -> None:
    ids = contract_ids()
    assert len(ids) == 74
    assert region_ids() == ids


def test_each_region_is_in_one_view_except_the_heel() -> None:
    seen: dict[str, list[str]] = {}
    for name, view in load_bodymap().views.items():
        for shape in view.shapes:
            seen.setdefault(shape.region, []).append(name)
    twice = {rid: views for rid, views in seen.items() if len(views) > 1}
    assert twice == {"left.heel": ["back", "soles"], "right.heel": ["back", "soles"]}


def test_regions_sit_in_the_view_the_knowledge_atlas_names() -> None:
    atlas_file = resources.files("paintrace.knowledge").joinpath("atlas.yaml")
    if not atlas_file.is_file():
        pytest.skip("no knowledge atlas yet")
    atlas = yaml.safe_load(atlas_file.read_text("utf-8"))
    plural = {"front": "front", "back": "back", "side": "sides", "sole": "soles"}
    drawn: dict[str, set[str]] = {}
    for name, view in load_bodymap().views.items():
        for shape in view.shapes:
            drawn.setdefault(shape.region.split(".")[-1], set()).add(name)
    for region in atlas["sided"] + atlas["midline"]:
        assert plural[region["view"]] in drawn[region["id"]], region["id"]


@pytest.mark.parametrize("view", VIEWS)
def test_view_is_well_formed_svg(view: str) -> None:
    svg = render_view(view)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert region_paths(svg)


@pytest.mark.parametrize("view", VIEWS)
def test_interactive_regions_are_served_plain_with_their_names(view: str) -> None:
    # Without the page's script a region does nothing, so it must not claim to be a button:
    # bodymap.js adds tabindex, role and aria-pressed when it starts.
    svg = render_view(view, interactive=True, marks={"left.heel": ["pain"]})
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    paths = region_paths(svg)
    for el in paths:
        assert el.get("tabindex") is None
        assert el.get("role") is None
        assert el.get("aria-pressed") is None
        # a part of an image may not have a name of its own (aria-label is prohibited there):
        # the script reads it from data-name when it makes the shape a button
        assert el.get("aria-label") is None
        assert el.get("data-name")
        rid = el.get("data-region", "")
        assert el.get("id", "").startswith("r-" + rid.replace(".", "-"))


def test_names_say_the_side() -> None:
    svg = render_view("back", interactive=True)
    labels = {el.get("data-region"): el.get("data-name") for el in region_paths(svg)}
    assert labels["left.calf-upper"] == "Upper calf (left)"
    assert labels["right.buttock-center"] == "Middle of the buttock (right)"
    assert labels["sacrum"] == "Sacrum"


def test_element_ids_are_unique_across_all_views() -> None:
    html = render_all(interactive=True, id_prefix="d1-")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert all(i.startswith("d1-") for i in ids)


def test_marks_zones_and_points_add_classes() -> None:
    svg = render_view(
        "back",
        marks={"right.calf-upper": ["tingling", "pain"], "sacrum": ["burning"]},
        zones={"left.calf-upper": "essential", "left.calf-lower": "spillover"},
        points=["right.buttock-center"],
    )
    classes = {el.get("data-region"): set(el.get("class", "").split()) for el in region_paths(svg)}
    assert classes["right.calf-upper"] == {"region", "marked", "sym-pain", "sym-tingling", "multi"}
    assert classes["sacrum"] == {"region", "marked", "sym-burning"}
    assert classes["left.calf-upper"] == {"region", "zone-essential"}
    assert classes["left.calf-lower"] == {"region", "zone-spillover"}
    assert classes["left.achilles"] == {"region"}
    root = ET.fromstring(svg)
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "tp"]) == 1


ONE_OF_EACH = {
    "right.calf-upper": ["pain"],
    "sacrum": ["burning"],
    "left.calf-upper": ["numbness"],
    "left.calf-lower": ["tingling"],
}


def patterns(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {p.get("data-symptom", ""): p for p in root.iter(f"{SVG}pattern")}


def marks_of(el: ET.Element) -> str:
    """A pattern's or swatch's marks without its colour: what is left when colour is not seen."""
    return (
        "".join(
            ET.tostring(m, encoding="unicode")
            for m in el.iter()
            if m.tag in (f"{SVG}path", f"{SVG}circle") and "bg" not in m.get("class", "")
        )
        .replace(' xmlns:ns0="http://www.w3.org/2000/svg"', "")
        .replace("ns0:", "")
    )


def test_each_symptom_type_is_drawn_with_its_own_pattern_not_only_a_colour() -> None:
    """1.4.1 Use of Color: pain, burning, numbness and tingling differ on the picture itself."""
    svg = render_view("back", marks=ONE_OF_EACH, id_prefix="s0-back-mine-")
    found = patterns(svg)
    assert set(found) == set(bodymap.SYMPTOMS)
    for sym, pattern in found.items():
        assert pattern.get("id") == f"s0-back-mine-bm-back-pattern-{sym}"
        assert marks_of(pattern), sym
    assert len({marks_of(p) for p in found.values()}) == 4  # four different marks
    fills = {el.get("data-region"): el.get("fill") for el in region_paths(svg)}
    for rid, (sym,) in ONE_OF_EACH.items():
        assert fills[rid] == f"url(#s0-back-mine-bm-back-pattern-{sym})"
    assert fills["left.achilles"] is None  # unmarked: the stylesheet's grey


def test_a_region_with_several_symptoms_shows_the_pattern_of_the_colour_it_shows() -> None:
    """The same order as the stylesheet's colours (pain over burning over tingling over numbness),
    so colour and pattern never disagree; the dashed border says there is more than one."""
    for syms, shown in [
        (["tingling", "pain"], "pain"),
        (["numbness", "burning"], "burning"),
        (["numbness", "tingling"], "tingling"),
    ]:
        svg = render_view("back", marks={"sacrum": syms})
        (fill,) = [el.get("fill") for el in region_paths(svg) if el.get("data-region") == "sacrum"]
        assert fill == f"url(#bm-back-pattern-{shown})"


def test_patterns_are_there_when_needed_and_ids_stay_unique() -> None:
    """A referral map has no symptoms (no patterns to send); the drawing page's script fills the
    regions as they are tapped, so its views always carry all four."""
    assert "<pattern" not in render_view("back", zones={"sacrum": "essential"})
    for view in VIEWS:
        assert set(patterns(render_view(view, interactive=True))) == set(bodymap.SYMPTOMS)
    page = render_all(marks=ONE_OF_EACH, id_prefix="a-") + render_all(
        marks=ONE_OF_EACH, id_prefix="b-"
    )
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r'fill="url\(#([^)]+)\)"', page):
        assert ref in ids


def test_the_legend_shows_each_symptom_s_pattern_and_says_it_in_words() -> None:
    svg = render_view("back", marks=ONE_OF_EACH)
    legend = ET.fromstring(legend_html(zones=False, points=False))
    items = {li.find("span").get("class", ""): li for li in legend.iter("li")}  # type: ignore[union-attr]
    drawn = patterns(svg)
    assert set(drawn) == set(bodymap.SYMPTOMS)
    for sym, pattern in drawn.items():
        li = items[f"swatch swatch-sym-{sym}"]
        text = "".join(li.itertext())
        assert text.startswith(bodymap.SYMPTOM_NAMES[sym]), text
        assert f"({bodymap.PATTERN_WORDS[sym]})" in text
        swatch = li.find(f"span/{SVG}svg")
        assert swatch is not None and swatch.get("aria-hidden") is None  # the span hides it
        assert marks_of(pattern) in marks_of(swatch)


def test_marks_for_other_views_are_ignored_but_unknown_ids_rejected() -> None:
    svg = render_view("soles", marks={"left.thigh-anterior": ["pain"]})
    assert "marked" not in svg
    with pytest.raises(ValueError):
        render_view("front", marks={"left.elbow": ["pain"]})
    with pytest.raises(ValueError):
        render_view("front", marks={"left.groin": ["itching"]})
    with pytest.raises(ValueError):
        render_view("front", zones={"left.groin": "core"})
    with pytest.raises(ValueError):
        render_view("hands")


@pytest.mark.parametrize(
    ("view", "words"),
    [
        ("front", ["Front", "Right", "Left"]),
        ("back", ["Back", "Left", "Right"]),
        ("sides", ["Right leg, outer side", "Left leg, outer side"]),
        ("soles", ["Left", "Right"]),
    ],
)
def test_left_and_right_are_labelled(view: str, words: list[str]) -> None:
    root = ET.fromstring(render_view(view))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for word in words:
        assert word in texts


def test_patient_right_is_on_the_viewers_left_in_front_and_on_the_right_in_back() -> None:
    bm = load_bodymap()

    def x(view: str, rid: str) -> float:
        return next(s.cx for s in bm.views[view].shapes if s.region == rid)

    assert x("front", "right.thigh-anterior") < x("front", "left.thigh-anterior")
    assert x("back", "left.calf-upper") < x("back", "right.calf-upper")
    assert x("soles", "left.foot-sole") < x("soles", "right.foot-sole")
    assert x("sides", "right.thigh-lateral-upper") < x("sides", "left.thigh-lateral-upper")


def test_titles_are_escaped_and_markup_is_csp_safe() -> None:
    html = render_all(title='Pain <script>alert("x")</script>', interactive=True)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    for view in VIEWS:
        root = ET.fromstring(render_view(view, title="A & B"))
        title = root.find(f"{SVG}title")
        assert title is not None and title.text == "A & B"


def test_render_all_wraps_four_captioned_figures() -> None:
    html = render_all()
    assert html.startswith('<div class="bodymap">')
    assert html.count("<figure") == 4
    assert html.count("<figcaption>") == 4
    ET.fromstring(html)  # the whole block is well-formed too


def test_svg_size_budget() -> None:
    marks = {rid: ["pain", "numbness"] for rid in region_ids()}
    html = render_all(interactive=True, marks=marks, points=sorted(region_ids()))
    assert len(html.encode("utf-8")) < 60_000


def test_trigger_point_markers_sit_inside_their_region() -> None:
    for view in load_bodymap().views.values():
        for shape in view.shapes:
            (ring, *_) = sorted(bodymap.path_vertices(shape.d), key=len, reverse=True)
            assert _inside(shape.cx, shape.cy, ring), shape.region


def test_legend_lists_symptoms_and_zones() -> None:
    legend = legend_html()
    ET.fromstring(legend)
    for cls in ["sym-pain", "sym-burning", "sym-numbness", "sym-tingling", "zone-essential"]:
        assert f"swatch-{cls}" in legend
    assert "zone-essential" not in legend_html(zones=False)


def test_path_vertices_understands_relative_and_curved_paths() -> None:
    rings = bodymap.path_vertices("M0,0 h10 v10 H0 Z m20,0 l5,0 c1,1 2,2 3,3 z")
    assert rings == [[(0, 0), (10, 0), (10, 10), (0, 10)], [(20, 0), (25, 0), (28, 3)]]


def _inside(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside
