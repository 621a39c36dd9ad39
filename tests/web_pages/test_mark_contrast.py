"""Marks on the maps must stand out from the unmarked regions (WCAG 1.4.11 non-text contrast,
3:1): read from the stylesheets as served, computed with WCAG's relative luminance."""

from __future__ import annotations

import re
from importlib import resources

STATIC = resources.files("paintrace.web").joinpath("static", "paintrace")
WHITE = "#ffffff"


def css(name: str) -> str:
    return STATIC.joinpath(name).read_text("utf-8")


def rule(text: str, selector: str, prop: str) -> str:
    found = re.search(re.escape(selector) + r"\s*\{[^}]*?" + prop + r":\s*([^;]+);", text)
    assert found is not None, (selector, prop)
    return found.group(1).strip()


def rgb(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def luminance(c: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over_white(colour: str, opacity: float) -> tuple[float, float, float]:
    return tuple(opacity * c + (1 - opacity) * 255 for c in rgb(colour))  # type: ignore[return-value]


def test_every_check_in_strength_stands_out_from_unmarked_regions() -> None:
    text = css("bodymap.css")
    unmarked = rgb(rule(text, ".bodymap-svg .region:not(.marked)", "fill"))
    pain = rule(text, ".bodymap-svg .pattern-bg.sym-pain", "fill")
    for level in ("mild", "moderate", "strong"):
        opacity = float(rule(text, f".bodymap-svg .region.marked.lvl-{level}", "fill-opacity"))
        drawn = over_white(pain, opacity)
        assert ratio(drawn, unmarked) >= 3, (level, round(ratio(drawn, unmarked), 2))


def test_the_trigger_point_muscle_stands_out_from_grey_regions_and_white() -> None:
    muscle = rgb(rule(css("app.css"), ".tp-map .bodymap-svg .region.tp-area", "fill"))
    grey = rgb(rule(css("bodymap.css"), ".bodymap-svg .region:not(.marked)", "fill"))
    assert ratio(muscle, grey) >= 3, round(ratio(muscle, grey), 2)
    assert ratio(muscle, rgb(WHITE)) >= 3, round(ratio(muscle, rgb(WHITE)), 2)


def test_each_symptom_s_marks_stand_out_from_its_colour() -> None:
    """The white marks that tell the symptoms apart without colour (1.4.1) are graphics too."""
    text = css("bodymap.css")
    marks = rgb(rule(text, ".swatch-marks .pattern-marks", "stroke"))
    for sym in ("pain", "burning", "numbness", "tingling"):
        colour = rgb(rule(text, f".bodymap-svg .pattern-bg.sym-{sym}", "fill"))
        assert ratio(marks, colour) >= 3, (sym, round(ratio(marks, colour), 2))
        swatch = rgb(rule(css("app.css"), f".swatch-sym-{sym}", "background"))
        assert swatch == colour, sym  # the key shows the colour of the map
