"""View-only links to one saved assessment on the API (/api/assessments/{id}/shares), and the
storage behind them (paintrace.web.view_links): the token and the assessment id are never
stored, a link never allows a change, revoked or deleted is 404, expired 410, purged daily."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from paintrace.web import crypto, store, view_links
from paintrace.web.models import AssessmentViewLink

pytestmark = pytest.mark.django_db

CASE = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {"worse-sitting": True}}


@pytest.fixture
def aid(api: Any) -> str:
    return str(api.post("/api/assessments", CASE).json()["id"])


def share(api: Any, aid: str, body: Any = None) -> Any:
    return api.post(f"/api/assessments/{aid}/shares", {} if body is None else body)


def test_create_list_and_revoke(api: Any, aid: str) -> None:
    r = share(api, aid)
    assert r.status_code == 201, r.content
    made = r.json()
    assert set(made) == {"id", "url", "expires_at"}
    assert made["url"].startswith("/v/") and aid not in made["url"]
    expires = timezone.datetime.fromisoformat(made["expires_at"])
    assert timedelta(days=6, hours=23) < expires - timezone.now() <= timedelta(days=7)  # default
    r30 = share(api, aid, {"days": 30}).json()
    listed = api.get(f"/api/assessments/{aid}/shares").json()["items"]
    assert [i["id"] for i in listed] == [r30["id"], made["id"]]
    assert all(set(i) == {"id", "created_at", "expires_at"} for i in listed)  # no secrets
    assert Client().get(made["url"]).status_code == 200
    assert api.delete(f"/api/assessments/{aid}/shares/{made['id']}").status_code == 204
    assert Client().get(made["url"]).status_code == 404
    assert api.delete(f"/api/assessments/{aid}/shares/{made['id']}").status_code == 404
    assert [i["id"] for i in api.get(f"/api/assessments/{aid}/shares").json()["items"]] == [
        r30["id"]
    ]


def test_bad_days_and_bad_bodies_are_422_or_415(api: Any, aid: str) -> None:
    assert share(api, aid, {"days": 3.0}).status_code == 201  # a JSON integer, written 3.0
    AssessmentViewLink.objects.all().delete()
    for body in ({"days": 0}, {"days": 31}, {"days": "7"}, {"days": True}, {"days": 7.5}, [7]):
        r = share(api, aid, body)
        assert r.status_code == 422, body
        assert r.json()["detail"][0]["loc"][0] == "body"
    r = share(api, aid, {"days": 7, "view": "all"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "view"]
    r = api.client.post(f"/api/assessments/{aid}/shares", data="days=7", content_type="text/plain")
    assert r.status_code == 415
    assert (
        api.post(f"/api/assessments/{aid}/shares", raw=b'{"days": 1, "days": 30}').status_code
        == 422
    )
    assert AssessmentViewLink.objects.count() == 0


def test_unknown_or_wrong_assessment_is_404(api: Any, aid: str) -> None:
    other = str(api.post("/api/assessments", CASE).json()["id"])
    link = share(api, other).json()
    assert share(api, "A" * 22).status_code == 404
    assert api.get(f"/api/assessments/{'A' * 22}/shares").status_code == 404
    # Another assessment's link id is not this assessment's: 404, and the link still works.
    assert api.delete(f"/api/assessments/{aid}/shares/{link['id']}").status_code == 404
    assert api.delete(f"/api/assessments/{aid}/shares/0").status_code == 404
    assert api.delete(f"/api/assessments/{aid}/shares/{2**63}").status_code == 404
    assert Client().get(link["url"]).status_code == 200
    # The view token opens nothing on the assessment API.
    token = link["url"].split("/")[2]
    assert api.get(f"/api/assessments/{token}").status_code == 404
    assert api.delete(f"/api/assessments/{token}").status_code == 404
    assert share(api, token).status_code == 404
    assert store.get(other) is not None


def test_deleting_the_assessment_kills_its_view_links(api: Any, aid: str) -> None:
    url = share(api, aid).json()["url"]
    assert api.delete(f"/api/assessments/{aid}").status_code == 204
    assert AssessmentViewLink.objects.count() == 0
    assert Client().get(url).status_code == 404


def test_expired_is_410_then_purged(api: Any, aid: str) -> None:
    old = share(api, aid, {"days": 1}).json()
    new = share(api, aid, {"days": 2}).json()
    AssessmentViewLink.objects.filter(pk=old["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Client().get(old["url"]).status_code == 410
    assert [i["id"] for i in api.get(f"/api/assessments/{aid}/shares").json()["items"]] == [
        new["id"]
    ]
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert "1 expired view-only link(s)" in out.getvalue()
    assert Client().get(old["url"]).status_code == 404
    assert Client().get(new["url"]).status_code == 200


def test_the_database_holds_neither_the_token_nor_the_id(api: Any, aid: str) -> None:
    token = share(api, aid).json()["url"].split("/")[2]
    row = AssessmentViewLink.objects.get()
    stored = [row.lookup, bytes(row.wrapped).hex(), row.assessment_id]
    for value in (token, aid):
        assert all(value not in s for s in stored)
        assert value.encode() not in bytes(row.wrapped)
    assert row.lookup == crypto.view_lookup(token)
    assert crypto.unwrap_for_view(token, row.wrapped) == aid
    with pytest.raises(crypto.Unreadable):
        crypto.unwrap_for_view(token[:-1] + ("A" if token[-1] != "A" else "B"), row.wrapped)


def test_at_most_twenty_live_links(api: Any, aid: str) -> None:
    for _ in range(view_links.MAX_LINKS):
        assert share(api, aid, {"days": 1}).status_code == 201
    r = share(api, aid, {"days": 1})
    assert r.status_code == 422 and "revoke one first" in r.json()["detail"][0]["msg"]


def test_documented_in_openapi(api: Any) -> None:
    paths = api.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/assessments/{assessment_id}/shares"]) == {"post", "get"}
    assert set(paths["/api/assessments/{assessment_id}/shares/{share_id}"]) == {"delete"}
    post = paths["/api/assessments/{assessment_id}/shares"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["days"]["minimum"] == 1
    assert schema["properties"]["days"]["maximum"] == 30
    assert {"201", "404", "422"} <= set(post["responses"])


def test_view_link_responses_are_not_cached_or_indexed(api: Any, aid: str) -> None:
    r = share(api, aid)
    assert "no-store" in r["Cache-Control"] and "noindex" in r["X-Robots-Tag"]
    page = Client().get(r.json()["url"])
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]


def test_the_view_token_is_kept_out_of_logs(api: Any, aid: str) -> None:
    from paintrace.web.logs import redact_path, redact_text

    url = share(api, aid).json()["url"]
    token = url.split("/")[2]
    assert redact_path(url) == "/v/<id>/"
    assert token not in redact_text(f"Gone: {url}")
