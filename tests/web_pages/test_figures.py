"""Every self-test in the knowledge base has a small, titled figure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paintrace.knowledge import load_knowledge
from paintrace.web.pages.present import figure

FIGURES = Path(__file__).parents[2] / "src/paintrace/web/static/paintrace/figures"
SLUGS = sorted(
    {f.self_test.figure for f in load_knowledge().findings.values() if f.self_test} - {None}
)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_self_test_has_a_small_titled_figure(slug: str) -> None:
    path = FIGURES / f"{slug}.svg"
    text = path.read_text("utf-8")
    assert len(text.encode()) < 3 * 1024
    title = re.search(r"<title>(.+?)</title>", text)
    assert title and len(title.group(1)) > 20
    assert "style=" not in text and "<script" not in text and 'href="http' not in text
    assert figure(slug) == {"path": f"paintrace/figures/{slug}.svg", "alt": title.group(1)}


def test_there_are_no_stray_figures() -> None:
    assert sorted(p.stem for p in FIGURES.glob("*.svg")) == SLUGS
