"""Helpers for the page tests: walk the interview the way a browser without JavaScript does."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.test import Client

from paintrace.knowledge import load_knowledge

PIRIFORMIS_DRAWING = {
    "right.buttock-center": ["pain"],
    "right.sacroiliac": ["pain"],
    "right.thigh-posterior-upper": ["pain"],
}
PIRIFORMIS_YES = {
    "worse-sitting",
    "hip-rotation-reproduces-buttock-pain",
    "pressure-point-reproduces-pain",
}


def drawing_post(drawing: Mapping[str, Iterable[str]], **extra: str) -> dict[str, object]:
    data: dict[str, object] = {f"r:{rid}": list(symptoms) for rid, symptoms in drawing.items()}
    data.update(extra)
    return data


def hidden(html: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    return match.group(1) if match else None


def red_flag_ids() -> list[str]:
    return [f.id for f in load_knowledge().findings.values() if f.group == "red-flag"]


@dataclass
class Walk:
    """The questions asked (finding ids, in order) and the final result URL."""

    asked: list[str] = field(default_factory=list)
    result_url: str = ""


@dataclass
class Browserless:
    """Drives the pages with plain form posts, as a browser without JavaScript would."""

    client: Client

    def draw(self, drawing: Mapping[str, Iterable[str]], **extra: str) -> str:
        response = self.client.post("/", drawing_post(drawing, **extra))
        assert response.status_code == 302, response.content[:500]
        return response["Location"]

    def none_of_these(self, location: str = "/interview/") -> str:
        """Choose "None of these apply to me" on every warning-sign screen; where it leads."""
        return self.warning_signs(lambda fid: None, location)[1]

    def warning_signs(
        self, choose: Callable[[str], str | None], location: str = "/interview/"
    ) -> tuple[list[str], str]:
        """Answer each warning-sign screen (`choose` None: "None of these apply to me").

        Returns the themes shown, in order, and the location after them."""
        themes: list[str] = []
        while location.startswith("/interview/"):
            html = self.client.get(location).content.decode()
            theme, step = hidden(html, "theme"), hidden(html, "step")
            if theme is None:
                break
            themes.append(theme)
            flags = re.findall(r'name="rf:([a-z0-9-]+)" value="yes"', html)
            answers = {fid: choose(fid) for fid in flags}
            data: dict[str, str] = {"step": step or "0", "theme": theme}
            if all(a is None for a in answers.values()):
                data["action"] = "none"
            else:
                data.update({f"rf:{fid}": a or "no" for fid, a in answers.items()})
            response = self.client.post("/interview/", data)
            assert response.status_code == 302, response.content[:300]
            location = response["Location"]
        return themes, location

    def answer_all(self, location: str, choose: Callable[[str], str], limit: int = 40) -> Walk:
        walk = Walk()
        for _ in range(limit):
            if location.startswith("/a/"):
                walk.result_url = location
                return walk
            page = self.client.get(location)
            assert page.status_code == 200
            html = page.content.decode()
            fid, step = hidden(html, "finding"), hidden(html, "step")
            assert fid and step is not None, "expected a one-question screen"
            walk.asked.append(fid)
            response = self.client.post(
                "/interview/", {"step": step, "finding": fid, "answer": choose(fid)}
            )
            assert response.status_code == 302
            location = response["Location"]
        raise AssertionError(f"the interview did not end after {limit} questions")


@pytest.fixture
def nojs(client: Client) -> Browserless:
    return Browserless(client)


@pytest.fixture
def piriformis_choice() -> Callable[[str], str]:
    return lambda fid: "yes" if fid in PIRIFORMIS_YES else "no"


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _TableParents(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.parents: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self.stack:
            self.parents.append(self.stack[-1])
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass


def table_boxes(html: str) -> list[tuple[str, dict[str, str]]]:
    """The element around each table, with its attributes (a table that may be wider than a
    320 px screen needs its own scroll box, a keyboard stop with a name: WCAG 1.4.10)."""
    parser = _TableParents()
    parser.feed(html)
    return parser.parents


def assert_tables_scroll_in_a_named_box(html: str) -> int:
    """Every table sits in a .table-scroll region that Tab reaches and a screen reader names;
    how many tables there were."""
    boxes = table_boxes(html)
    for tag, attrs in boxes:
        assert tag == "div" and "table-scroll" in attrs.get("class", "").split(), (tag, attrs)
        assert attrs.get("role") == "region" and attrs.get("tabindex") == "0", attrs
        assert attrs.get("aria-label", "").strip(), attrs
    return len(boxes)
