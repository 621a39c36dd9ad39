"""Bad input is a 422 naming the field, never a 500, on every endpoint that takes a body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from paintrace.web.models import Assessment

pytestmark = pytest.mark.django_db

BODY_ENDPOINTS = ["/api/assessments", "/api/interview/next"]

# (what is wrong, the body, the loc the error must name)
BAD_BODIES = [
    ("unknown region", {"drawing": {"left.elbow": ["pain"]}}, ["body", "drawing", "left.elbow"]),
    (
        "unknown finding",
        {"drawing": {"left.calf-upper": ["pain"]}, "findings": {"x-ray": True}},
        ["body", "findings", "x-ray"],
    ),
    (
        "unknown symptom",
        {"drawing": {"left.calf-upper": ["itch"]}},
        ["body", "drawing", "left.calf-upper"],
    ),
    (
        "empty symptom list",
        {"drawing": {"left.calf-upper": []}},
        ["body", "drawing", "left.calf-upper"],
    ),
    ("drawing is a list", {"drawing": ["left.calf-upper"]}, ["body", "drawing"]),
    ("drawing is a number", {"drawing": 3}, ["body", "drawing"]),
    (
        "symptoms are a number",
        {"drawing": {"left.calf-upper": 1}},
        ["body", "drawing", "left.calf-upper"],
    ),
    (
        "finding is a string",
        {"findings": {"saddle-numbness": "yes"}},
        ["body", "findings", "saddle-numbness"],
    ),
    (
        "finding is a number",
        {"findings": {"saddle-numbness": 1}},
        ["body", "findings", "saddle-numbness"],
    ),
    ("findings is a list", {"findings": ["saddle-numbness"]}, ["body", "findings"]),
    (
        "age is a string",
        {"drawing": {"left.calf-upper": ["pain"]}, "patient": {"age": "44"}},
        ["body", "patient", "age"],
    ),
    (
        "age is true",
        {"drawing": {"left.calf-upper": ["pain"]}, "patient": {"age": True}},
        ["body", "patient", "age"],
    ),
    (
        "age out of range",
        {"drawing": {"left.calf-upper": ["pain"]}, "patient": {"age": 500}},
        ["body", "patient", "age"],
    ),
    (
        "unknown sex",
        {"drawing": {"left.calf-upper": ["pain"]}, "patient": {"sex": "x"}},
        ["body", "patient", "sex"],
    ),
    (
        "patient is a string",
        {"drawing": {"left.calf-upper": ["pain"]}, "patient": "old"},
        ["body", "patient"],
    ),
    (
        "unknown top-level field",
        {"drawing": {"left.calf-upper": ["pain"]}, "draw": {}},
        ["body", "draw"],
    ),
    ("a list, not an object", [1, 2], ["body"]),
    ("a string, not an object", "pain", ["body"]),
    ("null", None, ["body"]),
]


def assert_422(response: Any, loc: list[str]) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    assert detail[0]["loc"] == loc
    assert isinstance(detail[0]["msg"], str) and detail[0]["msg"]


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS)
@pytest.mark.parametrize(("case", "body", "loc"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_json_values(api: Any, endpoint: str, case: str, body: Any, loc: list[str]) -> None:
    assert_422(api.post(endpoint, body), loc)


RAW_BODIES = [
    ("malformed JSON", b'{"drawing": {'),
    ("trailing garbage", b'{"drawing": {}} x'),
    ("not UTF-8", b'{"drawing": {"\xff": ["pain"]}}'),
    ("empty body", b""),
    ("whitespace body", b"  \n"),
    ("deeply nested", b"[" * 10_000 + b"]" * 10_000),
    ("duplicate key", b'{"drawing": {"left.calf-upper": ["pain"]}, "drawing": {}}'),
    ("NaN", b'{"patient": {"age": NaN}}'),
    ("huge integer", b'{"patient": {"age": ' + b"9" * 5000 + b"}}"),
]


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS)
@pytest.mark.parametrize(("case", "raw"), RAW_BODIES, ids=[b[0] for b in RAW_BODIES])
def test_unparseable_bodies(api: Any, endpoint: str, case: str, raw: bytes) -> None:
    response = api.post(endpoint, raw=raw)
    assert_422(response, ["body"])


def test_malformed_json_message_says_so(api: Any) -> None:
    msg = api.post("/api/assessments", raw=b"{oops").json()["detail"][0]["msg"]
    assert msg.startswith("malformed JSON") and "JSON: malformed JSON" not in msg


def test_empty_assessment_is_refused_but_empty_interview_is_not(api: Any) -> None:
    assert_422(api.post("/api/assessments", {}), ["body", "drawing"])
    assert api.post("/api/interview/next", {}).status_code == 200


def test_error_message_names_the_problem(api: Any) -> None:
    detail = api.post("/api/assessments", {"drawing": {"left.elbow": ["pain"]}}).json()["detail"]
    assert "unknown region" in detail[0]["msg"]


def test_nothing_is_saved_for_bad_input(api: Any) -> None:
    for _, body, _ in BAD_BODIES:
        api.post("/api/assessments", body)
    assert Assessment.objects.count() == 0


def test_a_huge_body_is_refused_before_parsing(api: Any) -> None:
    big = b'{"summary": "' + b"x" * 400_000 + b'"}'
    response = api.post("/api/assessments", raw=big)
    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_form_encoded_body_is_a_415(client: Any) -> None:
    response = client.post("/api/assessments", {"drawing": "left.calf-upper"})
    assert response.status_code == 415
    assert response.json()["detail"][0]["loc"] == ["header", "Content-Type"]


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_body_with_another_content_type_is_a_415(
    client: Any, endpoint: str, content_type: str
) -> None:
    body = json.dumps({"drawing": {"left.calf-upper": ["pain"]}})
    response = client.post(endpoint, data=body, content_type=content_type)
    assert response.status_code == 415, response.content


def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: Any) -> None:
    body = json.dumps({"drawing": {"left.calf-upper": ["pain"]}})
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = client.post("/api/interview/next", data=body, content_type=content_type)
        assert response.status_code == 200


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS)
@pytest.mark.parametrize("field", ["drawing", "findings"])
def test_null_where_an_object_is_required_is_a_422(api: Any, endpoint: str, field: str) -> None:
    data = {"drawing": {"left.calf-upper": ["pain"]}, "findings": {}, field: None}
    response = api.post(endpoint, data)
    assert_422(response, ["body", field])
    assert response.json()["detail"][0]["type"] == "object_type"


def test_a_duplicate_key_never_silently_wins(api: Any) -> None:
    """A later "saddle-numbness": false must not override true: the whole body is refused."""
    raw = (
        b'{"drawing": {"left.calf-upper": ["pain"]},'
        b' "findings": {"saddle-numbness": true, "saddle-numbness": false}}'
    )
    response = api.post("/api/assessments", raw=raw)
    assert_422(response, ["body"])
    assert "duplicate key" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/interview/next"),
        ("put", "/api/assessments"),
        ("post", "/api/knowledge/regions"),
    ],
)
def test_wrong_method_is_405(client: Any, method: str, path: str) -> None:
    assert getattr(client, method)(path).status_code == 405
