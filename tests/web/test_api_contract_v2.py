"""Contract v2 through the API: every new id is accepted, and the new fields are there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from paintrace.knowledge import load_knowledge

pytestmark = pytest.mark.django_db

CONTRACT = Path(__file__).parents[1] / "contract"
V2_FINDINGS = [
    "clot-risk",
    "smoker",
    "diabetes",
    "heart-or-vessel-disease",
    "blood-thinners",
    "pregnant-or-recently-gave-birth",
    "walking-pain-eased-by-standing-still",
    "sit-bone-pain",
    "both-feet-numb-or-burning",
]


def test_every_contract_finding_is_accepted_by_the_api(api: Any) -> None:
    ids = [f["id"] for f in yaml.safe_load((CONTRACT / "findings.yaml").read_text())["findings"]]
    assert set(V2_FINDINGS) <= set(ids)
    for fid in ids:
        for value in (True, False):
            body = {"drawing": {"left.calf-upper": ["pain"]}, "findings": {fid: value}}
            response = api.post("/api/interview/next", body)
            assert response.status_code == 200, (fid, response.content)


def test_the_v2_sources_are_known_to_the_api(api: Any) -> None:
    for sid in ("polyneuropathy", "proximal-hamstring-tendinopathy"):
        response = api.get(f"/api/knowledge/sources/{sid}")
        assert response.status_code == 200
        assert response.json()["id"] == sid


def test_result_carries_unanswered_warning_signs_and_serious_causes(api: Any) -> None:
    body = {"drawing": {"left.calf-upper": ["pain"]}, "findings": {"clot-risk": True}}
    result = api.post("/api/assessments", body).json()
    assert result["triage"]["level"] == "urgent"
    assert {"id": "clot", "name": load_knowledge().triage.causes["clot"]} in result["triage"][
        "serious_causes"
    ]
    assert "saddle-numbness" in result["triage"]["unanswered"]
    assert "clot-risk" not in result["triage"]["unanswered"]


def test_the_next_question_says_about_how_many_are_left(api: Any) -> None:
    body = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}
    question = api.post("/api/interview/next", body).json()["next_question"]
    assert question["remaining"] >= 1
