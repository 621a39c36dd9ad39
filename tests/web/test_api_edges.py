"""The API's edges answer in JSON like the rest of it: a wrong method, an address that names
nothing, a bad query or path parameter. A client reads one error shape everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from .test_journal_api import Bearer, sign_up

pytestmark = pytest.mark.django_db


def _detail(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:80]
    return response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/interview/next", {"POST"}),
        ("put", "/api/assessments", {"POST"}),
        ("post", "/api/knowledge/regions", {"GET", "HEAD"}),
    ],
)
def test_a_wrong_method_is_a_json_405_with_allow(
    client: Client, method: str, path: str, allowed: set[str]
) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 405
    assert "method" in _detail(r).lower()
    assert {m.strip() for m in r["Allow"].split(",")} == allowed


def test_head_answers_like_get_without_a_body(client: Client) -> None:
    get = client.get("/api/knowledge/regions")
    head = client.head("/api/knowledge/regions")
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert int(head["Content-Length"]) == len(get.content)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/nope"),
        ("get", "/api/knowledge/regions/"),
        ("post", "/api/assessments/"),
        ("get", "/api/journal/entries/abc"),
    ],
)
def test_an_address_that_names_nothing_is_a_json_404(
    client: Client, method: str, path: str
) -> None:
    r = getattr(client, method)(path)
    assert r.status_code == 404
    assert isinstance(_detail(r), str)


@pytest.fixture
def alice(client: Client) -> Bearer:
    return sign_up(client, "alice")


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("/api/journal/entries?limit=0", ["query", "limit"]),
        ("/api/journal/export?format=xml", ["query", "format"]),
        ("/api/journal/reminders.ics?at=25:00", ["query", "at"]),
        ("/api/journal/reminders.ics?at=99:99&days=0", ["query", "at"]),
    ],
)
def test_a_bad_query_parameter_is_one_value_error_naming_it(
    alice: Bearer, path: str, loc: list[str]
) -> None:
    r = alice.get(path)
    assert r.status_code == 422, r.content
    detail = _detail(r)
    assert len(detail) == 1 and detail[0]["loc"] == loc
    assert detail[0]["type"] == "value_error" and set(detail[0]) == {"loc", "msg", "type"}
