"""Every API body refuses a field it does not know the same way: 422, `loc` naming the field,
and a message listing the allowed ones. A misspelt field that was ignored would silently drop
what the person said, and the list lets a client show what to write instead."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from paintrace.web.api import api

from .test_journal_api import Bearer, assessment_id, sign_up

pytestmark = pytest.mark.django_db

MISSPELT = "saddle_numbness"  # not a field anywhere; its real spelling is a finding id

CHECKIN = {
    *("at", "leg_pain", "back_pain", "note", "regions", "massaged", "stretched", "minutes"),
    *("felt_after", "sleep_disturbed", "red_flags", "new_numbness", "new_weakness", "id"),
}

# (method, path template, a body that is otherwise right, the fields the endpoint allows)
CASES: list[tuple[str, str, dict[str, Any], set[str]]] = [
    (
        "post",
        "/api/assessments",
        {"drawing": {"left.calf-upper": ["pain"]}},
        {"drawing", "findings", "patient", "id", "summary", "expect"},
    ),
    (
        "post",
        "/api/interview/next",
        {"drawing": {"left.calf-upper": ["pain"]}},
        {"drawing", "findings", "patient", "id", "summary", "expect"},
    ),
    (
        "post",
        "/api/accounts",
        {"username": "newcomer", "password": "correct horse battery staple"},
        {"username", "password", "email", "time_zone"},
    ),
    (
        "post",
        "/api/auth/token",
        {"username": "alice", "password": "correct horse battery staple"},
        {"username", "password"},
    ),
    ("patch", "/api/accounts/me", {"time_zone": "UTC"}, {"time_zone"}),
    ("post", "/api/journal/entries", {"leg_pain": 3, "back_pain": 2}, CHECKIN),
    ("patch", "/api/journal/entries/{entry_id}", {"leg_pain": 4}, CHECKIN),
    (
        "post",
        "/api/journal/activities",
        {"activity": "walking", "score": 5},
        {"activity", "score", "week"},
    ),
    ("post", "/api/journal/assessments", {"id": "{assessment_id}"}, {"id"}),
    (
        "post",
        "/api/journal/import",
        {"format": "paintrace-journal", "version": 1, "checkins": []},
        {"format", "version", "assessments", "checkins", "activities"},
    ),
    ("post", "/api/journal/shares", {"days": 7}, {"days"}),
    ("post", "/api/assessments/{assessment_id}/shares", {"days": 7}, {"days"}),
]


def test_the_cases_cover_every_operation_that_takes_a_body() -> None:
    schema = api.get_openapi_schema()
    with_body = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert with_body == {(method, path) for method, path, _, _ in CASES}


@pytest.fixture
def alice() -> Bearer:
    return sign_up(Client(), "alice")


def _filled(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _filled(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "allowed"), CASES, ids=[c[1] for c in CASES])
def test_an_unknown_field_is_a_422_naming_it_and_the_allowed_ones(
    alice: Bearer,
    vignette: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any],
    allowed: set[str],
) -> None:
    entry = alice.post("/api/journal/entries", {"leg_pain": 3, "back_pain": 2})
    ids = {"entry_id": entry.json()["id"], "assessment_id": assessment_id(vignette)}
    if path.endswith("/shares") and "{assessment_id}" in path:  # a link needs it saved first
        alice.post("/api/journal/assessments", {"id": ids["assessment_id"]})
    url, good = path.format(**ids), _filled(body, ids)

    r = getattr(alice, method)(url, {**good, MISSPELT: True})

    assert r.status_code == 422, r.content
    error = r.json()["detail"][0]
    assert error["loc"] == ["body", MISSPELT], error
    listed, _, names = error["msg"].partition("unknown field; allowed fields: ")
    assert listed == "" and names, error["msg"]
    assert set(names.split(", ")) == allowed
    assert getattr(alice, method)(url, good).status_code < 300, "the body without it is right"


def test_nested_objects_name_the_path_to_the_unknown_field() -> None:
    drawing = {"left.calf-upper": ["pain"]}
    for body, loc in [
        ({"drawing": drawing, "patient": {"age": 40, "weight": 80}}, "patient.weight"),
        ({"drawing": drawing, "expect": {"triage": "self-care", "why": ""}}, "expect.why"),
    ]:
        r = Client().post("/api/assessments", json.dumps(body), content_type="application/json")
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["body", *loc.split(".", 1)], r.content
