"""GET /api/assessments/{id}/plan.pdf: the printable handout of a saved plan."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from paintrace.knowledge import load_knowledge

pytestmark = pytest.mark.django_db

SELF_CARE = {
    "drawing": {
        "right.buttock-center": ["pain"],
        "right.sacroiliac": ["pain"],
        "right.thigh-posterior-upper": ["pain"],
    },
    "findings": {"worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True},
}


def red_flags_false() -> dict[str, bool]:
    return {f.id: False for f in load_knowledge().findings.values() if f.group == "red-flag"}


@pytest.fixture
def created(api: Any) -> dict[str, Any]:
    body = {**SELF_CARE, "findings": {**red_flags_false(), **SELF_CARE["findings"]}}
    response = api.post("/api/assessments", body)
    assert response.status_code == 201
    data: dict[str, Any] = response.json()
    assert data["plan"] and data["plan"]["muscles"][0]["id"] == "piriformis"
    return data


def test_the_plan_as_a_pdf_attachment(api: Any, created: dict[str, Any], tmp_path: Path) -> None:
    response = api.get(f"/api/assessments/{created['id']}/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="paintrace-plan.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    words = " ".join(out.stdout.split())
    first_step = created["plan"]["muscles"][0]["massage"]["steps"][0]
    assert " ".join(first_step.split()[:10]) in words
    assert "Your self-care plan" in words


def test_an_unknown_id_is_a_json_404(api: Any) -> None:
    for aid in ("AAAAAAAAAAAAAAAAAAAAAA", "not-an-id"):
        response = api.get(f"/api/assessments/{aid}/plan.pdf")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "No assessment with this id."}


def test_no_plan_is_a_json_409(api: Any) -> None:
    body = {**SELF_CARE, "findings": {**red_flags_false(), "saddle-numbness": True}}
    created = api.post("/api/assessments", body).json()
    assert created["triage"]["level"] == "emergency" and created["plan"] is None
    response = api.get(f"/api/assessments/{created['id']}/plan.pdf")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("This assessment has no self-care plan")


def test_a_deleted_assessment_has_no_pdf(api: Any, created: dict[str, Any]) -> None:
    assert api.delete(f"/api/assessments/{created['id']}").status_code == 204
    assert api.get(f"/api/assessments/{created['id']}/plan.pdf").status_code == 404


def test_only_get(api: Any, created: dict[str, Any]) -> None:
    assert api.post(f"/api/assessments/{created['id']}/plan.pdf", {}).status_code == 405


def test_renders_count_against_a_rate_limit_but_stored_handouts_do_not(
    api: Any, settings: Any, rate_windows: None
) -> None:
    """A handout not rendered yet costs up to a second of CPU and a stored copy: those count
    against the client's `render` limit; one already kept is served without counting."""
    settings.RATE_LIMITS = {"render": [(1, 60)]}
    body = {**SELF_CARE, "findings": {**red_flags_false(), **SELF_CARE["findings"]}}
    first, second = (api.post("/api/assessments", body).json()["id"] for _ in range(2))
    assert api.get(f"/api/assessments/{first}/plan.pdf").status_code == 200
    refused = api.get(f"/api/assessments/{second}/plan.pdf")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert api.get(f"/api/assessments/{first}/plan.pdf").status_code == 200  # kept: free
