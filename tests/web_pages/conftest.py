"""Helpers for the page tests: walk the interview the way a browser without JavaScript does."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

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

    def none_of_these(self) -> str:
        response = self.client.post("/interview/", {"step": "0", "action": "none"})
        assert response.status_code == 302
        return response["Location"]

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
