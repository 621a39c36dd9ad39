"""GET /api/knowledge/*: the knowledge base, read-only, as clients need it to build a drawing."""

from __future__ import annotations

from typing import Any

import pytest

from paintrace.knowledge import load_knowledge

KB = load_knowledge()


def test_regions(api: Any) -> None:
    response = api.get("/api/knowledge/regions")
    assert response.status_code == 200
    regions = response.json()
    assert [r["id"] for r in regions] == list(KB.regions)
    first = regions[0]
    assert {"id", "base", "side", "name", "landmarks", "view"} <= set(first)


def test_findings(api: Any) -> None:
    findings = api.get("/api/knowledge/findings").json()
    assert [f["id"] for f in findings] == list(KB.findings)
    assert {"question", "help", "why", "group", "self_test"} <= set(findings[0])


def test_sources(api: Any) -> None:
    sources = api.get("/api/knowledge/sources").json()
    assert [s["id"] for s in sources] == list(KB.sources)
    assert all(s["kind"] in ("muscle", "nerve_root", "condition") for s in sources)


@pytest.mark.parametrize("source_id", list(KB.sources))
def test_source_detail(api: Any, source_id: str) -> None:
    response = api.get(f"/api/knowledge/sources/{source_id}")
    assert response.status_code == 200
    body = response.json()
    src = KB.sources[source_id]
    assert body["id"] == source_id and body["name"] == src.name
    assert {z["region"]: z["level"] for z in body["zones"]} == src.zone_levels
    assert len(body["trigger_points"]) == len(src.trigger_points)
    assert [p["id"] for p in body["portions"]] == [p.id for p in src.portions]
    assert [e["finding"] for e in body["evidence"]] == [e.finding for e in src.evidence]
    cited = {r["key"]: r for r in body["references"]}
    for key in [*src.references, *(k for e in src.evidence for k in e.references)]:
        assert cited[key]["citation"] == KB.references[key].citation


def test_a_muscle_has_trigger_points(api: Any) -> None:
    body = api.get("/api/knowledge/sources/gluteus-minimus").json()
    assert body["trigger_points"] and all(tp["landmarks"] for tp in body["trigger_points"])


@pytest.mark.parametrize("bad", ["nope", "GLUTEUS-MINIMUS", "x" * 300, "%00"])
def test_unknown_source_is_404(api: Any, bad: str) -> None:
    response = api.get(f"/api/knowledge/sources/{bad}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No source with this id."}
