"""View-only links to one assessment, made from its result page: /v/<token>/ shows the result and
nothing that changes it (no forms, no delete, never the secret id); revoked or deleted is 404,
expired is 410 with the branded page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from paintrace.assessment import assess_input, parse_input
from paintrace.web import crypto, store
from paintrace.web.models import AssessmentViewLink

from .conftest import (
    PIRIFORMIS_DRAWING,
    PIRIFORMIS_YES,
    assert_tables_scroll_in_a_named_box,
    red_flag_ids,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def aid() -> str:
    """A self-care result with a plan and no open warning sign."""
    findings = {**dict.fromkeys(red_flag_ids(), False), **dict.fromkeys(PIRIFORMIS_YES, True)}
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": findings})
    saved = store.save(inp, assess_input(inp).to_dict())
    assert saved.result["plan"] and not saved.result["triage"]["unanswered"]
    return saved.id


def make_link(client: Client, aid: str, days: str = "7") -> str:
    r = client.post(f"/a/{aid}/views/", {"days": days})
    assert r.status_code == 200, r.content[:300]
    match = re.search(r'value="http://testserver(/v/[A-Za-z0-9_-]{32}/)"', r.content.decode())
    assert match, "the new link is shown"
    return match.group(1)


def test_the_result_page_offers_a_view_only_link(client: Client, aid: str) -> None:
    html = client.get(f"/a/{aid}/").content.decode()
    assert f'action="/a/{aid}/views/"' in html and 'name="days"' in html
    assert 'min="1" max="30" value="7"' in html


def test_the_view_only_page_shows_the_result_and_nothing_that_changes_it(
    client: Client, aid: str
) -> None:
    url = make_link(client, aid)
    viewer = Client()
    r = viewer.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "A view-only copy" in html
    assert "<title>Shared result (view-only): " in html  # not the owner's page's title
    assert "banner-self-care" in html  # the triage
    assert "Likely sources of your symptoms" in html  # the ranking
    assert 'id="plan"' in html and "What you can do" in html  # the plan
    assert aid not in html  # never the secret id, so no link or form that contains it
    assert "<form" not in html and "csrfmiddlewaretoken" not in html
    assert "Delete for good" not in html and "Save to my account" not in html
    assert "no-store" in r["Cache-Control"]
    assert "noindex" in r["X-Robots-Tag"]
    assert viewer.head(url).status_code == 200


def test_a_view_link_never_allows_a_change(client: Client, aid: str) -> None:
    url = make_link(client, aid)
    token = url.split("/")[2]
    viewer = Client(enforce_csrf_checks=False)
    assert viewer.post(url, {"confirm": "yes"}).status_code == 405
    # The token is no key to the assessment's own routes.
    for path in (f"/a/{token}/", f"/a/{token}/delete/", f"/a/{token}/views/"):
        assert viewer.get(path).status_code == 404, path
    assert viewer.post(f"/a/{token}/delete/", {"confirm": "yes"}).status_code == 404
    assert viewer.post(f"/a/{token}/answer/", {"finding": "worse-sitting"}).status_code == 404
    assert store.get(aid) is not None


def test_revoked_link_is_404_and_the_list_shows_only_live_links(client: Client, aid: str) -> None:
    url = make_link(client, aid)
    other = make_link(client, aid, "30")
    html = client.get(f"/a/{aid}/views/").content.decode()
    ids = re.findall(r'name="revoke" value="(\d+)"', html)
    assert len(ids) == 2
    row = AssessmentViewLink.objects.get(pk=ids[0])  # newest first: the 30-day link
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    r = client.post(f"/a/{aid}/views/", {"revoke": ids[0]})
    assert r.status_code == 302
    assert Client().get(other).status_code == 404
    assert Client().get(url).status_code == 200
    assert re.findall(
        r'name="revoke" value="(\d+)"', client.get(r["Location"]).content.decode()
    ) == [ids[1]]


def test_the_list_of_links_scrolls_in_its_own_box(client: Client, aid: str) -> None:
    make_link(client, aid)
    html = client.get(f"/a/{aid}/views/").content.decode()
    assert assert_tables_scroll_in_a_named_box(html) == 1


def test_expired_link_is_410_with_the_branded_page(client: Client, aid: str) -> None:
    url = make_link(client, aid, "1")
    AssessmentViewLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = Client().get(url)
    assert r.status_code == 410
    assert "This view-only link has expired" in r.content.decode() and aid not in r.content.decode()


def test_deleting_the_assessment_ends_its_view_links(client: Client, aid: str) -> None:
    url = make_link(client, aid)
    assert client.post(f"/a/{aid}/delete/", {"confirm": "yes"}).status_code == 302
    assert AssessmentViewLink.objects.count() == 0
    r = Client().get(url)
    assert r.status_code == 404 and "We cannot find this page" in r.content.decode()


def test_bad_days_and_unknown_links_get_a_clear_answer(client: Client, aid: str) -> None:
    for days in ("0", "31", "abc", "", "7.5", "9" * 40, "²", "٣"):
        r = client.post(f"/a/{aid}/views/", {"days": days})
        assert r.status_code == 400, days
        assert "a whole number from 1 to 30" in r.content.decode()
    assert AssessmentViewLink.objects.count() == 0
    for revoke in ("123456", "²"):
        r = client.post(f"/a/{aid}/views/", {"revoke": revoke}, follow=True)
        assert "already revoked" in r.content.decode()
    assert client.get("/v/not-a-token/").status_code == 404
    assert client.get("/v/" + "A" * 32 + "/").status_code == 404
    assert client.post("/a/no-such-assessment-id/views/", {"days": "7"}).status_code == 404


def test_another_assessments_link_id_cannot_be_revoked(client: Client, aid: str) -> None:
    findings = dict.fromkeys(red_flag_ids(), False)
    inp = parse_input({"drawing": {"left.calf-upper": ["pain"]}, "findings": findings})
    other = store.save(inp, assess_input(inp).to_dict()).id
    url = make_link(client, other)
    link_id = AssessmentViewLink.objects.get().pk
    client.post(f"/a/{aid}/views/", {"revoke": str(link_id)})
    assert Client().get(url).status_code == 200


# ------------------------------------------------------------------------------ the plan PDF


def test_the_view_only_page_offers_the_plan_pdf_and_serves_the_owners_bytes(
    client: Client, aid: str
) -> None:
    """The one test here that renders a PDF."""
    url = make_link(client, aid)
    viewer = Client()
    html = viewer.get(url).content.decode()
    assert '<a class="btn" href="plan.pdf" download>Download the plan (PDF)</a>' in html
    r = viewer.get(url + "plan.pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="paintrace-plan.pdf"'
    assert "no-store" in r["Cache-Control"] and "noindex" in r["X-Robots-Tag"]
    assert r.content.startswith(b"%PDF") and aid.encode() not in r.content
    assert client.get(f"/a/{aid}/plan.pdf").content == r.content  # rendered once, the same
    assert viewer.head(url + "plan.pdf").status_code == 200


def test_the_view_only_pdf_is_404_or_410_like_the_page(client: Client, aid: str) -> None:
    url = make_link(client, aid, "1")
    gone = make_link(client, aid, "2")
    assert Client().post(url + "plan.pdf").status_code == 405
    for bad in ("/v/not-a-token/plan.pdf", "/v/" + "A" * 32 + "/plan.pdf"):
        assert Client().get(bad).status_code == 404
    AssessmentViewLink.objects.filter(lookup=crypto.view_lookup(gone.split("/")[2])).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    r = Client().get(gone + "plan.pdf")
    assert r.status_code == 410 and "This view-only link has expired" in r.content.decode()
    live = AssessmentViewLink.objects.get(lookup=crypto.view_lookup(url.split("/")[2]))
    client.post(f"/a/{aid}/views/", {"revoke": str(live.pk)})
    assert Client().get(url + "plan.pdf").status_code == 404  # revoked
    assert store.get(aid) is not None


def test_no_plan_no_pdf_and_no_link(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": {"saddle-numbness": True}})
    emergency = store.save(inp, assess_input(inp).to_dict()).id
    assert store.get(emergency).result["plan"] is None
    url = make_link(client, emergency)
    assert "plan.pdf" not in Client().get(url).content.decode()
    r = Client().get(url + "plan.pdf")
    assert r.status_code == 404 and emergency not in r.content.decode()


def test_open_warning_signs_hide_the_pdf_link(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": {"worse-sitting": True}})
    open_signs = store.save(inp, assess_input(inp).to_dict()).id
    url = make_link(client, open_signs)
    html = Client().get(url).content.decode()
    assert 'id="plan"' not in html and "plan.pdf" not in html
