"""POST /api/interview/next: stateless, red flags first, and it stops."""

from __future__ import annotations

from typing import Any

import pytest

from paintrace.assessment import assess_payload
from paintrace.knowledge import load_knowledge
from paintrace.web.models import Assessment

from .helpers import VIGNETTES, load_vignette


def test_empty_start_gets_the_first_red_flag_question(api: Any) -> None:
    response = api.post("/api/interview/next", {"drawing": {}, "findings": {}})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next_question", "should_stop", "triage", "sources"}
    assert body["should_stop"] is False
    question = body["next_question"]
    assert question["group"] == "red-flag"
    assert question["finding"] == next(
        fid for fid, f in load_knowledge().findings.items() if f.group == "red-flag"
    )
    assert {"finding", "text", "help", "why", "group"} <= set(question)
    assert body["triage"]["level"] in ("emergency", "urgent", "soon", "self-care")


@pytest.mark.parametrize("path", VIGNETTES[:12], ids=lambda p: p.stem)
def test_matches_the_engine(api: Any, path: Any) -> None:
    data = load_vignette(path)
    body = api.post("/api/interview/next", data).json()
    engine = assess_payload(data)
    assert body["next_question"] == engine["next_question"]
    assert body["should_stop"] is (engine["next_question"] is None)
    assert body["triage"] == engine["triage"]
    assert body["sources"] == engine["sources"]


def test_a_whole_interview_ends_without_repeating_a_question(api: Any) -> None:
    known: dict[str, Any] = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}
    asked = []
    for _ in range(len(load_knowledge().findings) + 1):
        body = api.post("/api/interview/next", known).json()
        if body["should_stop"]:
            break
        fid = body["next_question"]["finding"]
        assert fid not in asked
        asked.append(fid)
        known["findings"][fid] = False
    else:
        pytest.fail("the interview never stopped")
    assert body["next_question"] is None
    red_flags = [fid for fid in asked if load_knowledge().findings[fid].group == "red-flag"]
    assert asked[: len(red_flags)] == red_flags  # red flags come first


def test_a_red_flag_answer_raises_triage(api: Any) -> None:
    body = api.post("/api/interview/next", {"findings": {"saddle-numbness": True}}).json()
    assert body["triage"]["level"] == "emergency"


@pytest.mark.django_db
def test_nothing_is_saved(api: Any) -> None:
    api.post("/api/interview/next", {"drawing": {"left.calf-upper": ["pain"]}})
    assert Assessment.objects.count() == 0
