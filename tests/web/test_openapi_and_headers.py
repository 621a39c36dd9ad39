"""The OpenAPI document, the docs page (no third-party request) and the security headers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from paintrace.web.middleware import CONTENT_SECURITY_POLICY

from .helpers import VIGNETTES, load_vignette

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@pytest.fixture
def openapi(api: Any) -> dict[str, Any]:
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    doc: dict[str, Any] = response.json()
    return doc


def test_openapi_lists_every_endpoint(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.")
    paths = openapi["paths"]
    assert set(paths["/api/assessments"]) == {"post"}
    assert set(paths["/api/assessments/{assessment_id}"]) == {"get", "delete"}
    assert set(paths["/api/assessments/{assessment_id}/plan.pdf"]) == {"get"}
    assert set(paths["/api/interview/next"]) == {"post"}
    for path in ("regions", "findings", "sources", "sources/{source_id}"):
        assert "get" in paths[f"/api/knowledge/{path}"]


def test_openapi_declares_error_responses(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    assert {"201", "422"} <= set(paths["/api/assessments"]["post"]["responses"])
    assert {"200", "422"} <= set(paths["/api/interview/next"]["post"]["responses"])
    assert {"200", "404"} <= set(paths["/api/assessments/{assessment_id}"]["get"]["responses"])
    assert {"204", "404"} <= set(paths["/api/assessments/{assessment_id}"]["delete"]["responses"])
    assert "404" in paths["/api/knowledge/sources/{source_id}"]["get"]["responses"]
    pdf = paths["/api/assessments/{assessment_id}/plan.pdf"]["get"]["responses"]
    assert {"200", "404", "409"} <= set(pdf)
    assert list(pdf["200"]["content"]) == ["application/pdf"]


def test_openapi_documents_the_request_body(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/assessments"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    schema = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"drawing", "findings", "patient"} <= set(schema["properties"])
    assert "left.calf-upper" in str(schema["properties"]["drawing"])


def test_every_ref_resolves(openapi: dict[str, Any]) -> None:
    refs = set(re.findall(r"'\$ref': '#/components/schemas/([^']+)'", str(openapi)))
    assert refs
    assert refs <= set(openapi["components"]["schemas"])


def test_docs_page_loads_nothing_from_elsewhere(api: Any) -> None:
    response = api.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "external URL"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets)
    for asset in assets:
        got = api.get(asset)
        assert got.status_code == 200, asset
        assert b"".join(got.streaming_content) if got.streaming else got.content
    assert '"validatorUrl": null' in html  # no validator badge fetched from swagger.io


@pytest.mark.parametrize(
    "path", ["/api/docs", "/api/openapi.json", "/api/knowledge/regions", "/api/assessments/x"]
)
def test_security_headers(api: Any, path: str, db: Any) -> None:
    response = api.get(path)
    assert response["Content-Security-Policy"] == EXPECTED_CSP == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_security_headers_on_errors_too(api: Any) -> None:
    response = api.post("/api/interview/next", raw=b"{")
    assert response.status_code == 422
    assert response["Content-Security-Policy"] == EXPECTED_CSP


def test_csrf_is_on_for_the_site_and_the_api_needs_no_cookie(settings: Any, db: Any) -> None:
    """The API takes no cookies or sessions, so cross-site requests gain nothing; CSRF guards
    the pages, which use the session."""
    from django.test import Client

    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/interview/next", "{}", content_type="application/json")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_sessions_in_the_database_and_argon2_first(settings: Any) -> None:
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    from django.contrib.auth.hashers import check_password, make_password

    hashed = make_password("correct horse battery staple")
    assert hashed.startswith("argon2$")
    assert check_password("correct horse battery staple", hashed)


def test_component_schemas_are_valid_json_schema(openapi: dict[str, Any]) -> None:
    import jsonschema_rs

    for name, schema in openapi["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name


@pytest.mark.parametrize("model", ["AssessmentIn", "InterviewIn"])
def test_every_vignette_fits_the_documented_input(model: str) -> None:
    """The documented request body describes the contract: every vignette is valid under it."""
    import jsonschema_rs

    from paintrace.web import api_schemas

    validator = jsonschema_rs.validator_for(getattr(api_schemas, model).model_json_schema())
    for path in VIGNETTES:
        errors = [e.message for e in validator.iter_errors(load_vignette(path))]
        assert not errors, (path.name, errors)
    assert not validator.is_valid({"drawing": {"left.elbow": ["pain"]}})
    assert not validator.is_valid({"drawing": {"left.calf-upper": ["itch"]}})
    assert validator.is_valid({}) is (model == "InterviewIn")


def test_a_change_to_a_check_in_requires_no_field(openapi: dict[str, Any]) -> None:
    patch = openapi["paths"]["/api/journal/entries/{entry_id}"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert not body.get("required") and {"leg_pain", "felt_after"} <= set(body["properties"])


@pytest.mark.django_db
def test_the_documented_output_requires_what_keeps_people_safe(client) -> None:
    """A client generated from the schema must see the open warning-sign questions (the plan
    is shown only when there are none) and the questions left; a real answer fits the schema."""
    import json

    import jsonschema_rs

    from paintrace.web import api_schemas

    schema = api_schemas.AssessmentOut.model_json_schema()
    assert {"unanswered", "serious_causes"} <= set(schema["$defs"]["TriageOut"]["required"])
    assert "remaining" in schema["$defs"]["QuestionOut"]["required"]
    body = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {}}
    r = client.post("/api/assessments", data=json.dumps(body), content_type="application/json")
    answer = r.json()
    assert answer["triage"]["unanswered"] and answer["next_question"]["remaining"] >= 1
    errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(answer)]
    assert not errors, errors


def test_health_check_answers_without_touching_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
