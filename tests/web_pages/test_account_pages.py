"""Account and journal pages without JavaScript: sign up, log in and out, change password,
delete the account, progress, save an assessment; and one account's pages never show
another's data. The check-in page's own tests: test_checkin_pages.py."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from paintrace.knowledge import load_knowledge
from paintrace.web import accounts, store
from paintrace.web.models import JournalEntry

from .conftest import assert_tables_scroll_in_a_named_box, red_flag_ids

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def sign_up(client: Client, username: str = "alice") -> None:
    r = client.post(
        "/accounts/signup/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert r.status_code == 302, r.content.decode()[:2000]


def checkin(client: Client, leg: int, back: int, **extra: Any) -> Any:
    return client.post("/journal/check-in/", {"leg_pain": leg, "back_pain": back, **extra})


def anonymous_assessment() -> str:
    drawing = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    # every warning sign answered no, so the plan may be followed (and offered at check-in)
    body = {"drawing": drawing, "findings": dict.fromkeys(red_flag_ids(), False)}
    r = Client().post("/api/assessments", data=json.dumps(body), content_type="application/json")
    return str(r.json()["id"])


def test_sign_up_log_out_log_in(client: Client) -> None:
    sign_up(client)
    assert client.get("/journal/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/journal/")["Location"].startswith("/accounts/login/")
    r = client.post("/accounts/login/", {"username": "alice", "password": "nope nope"})
    assert r.status_code == 400
    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/journal/"
    assert get_user_model().objects.get(username="alice").password.startswith("argon2$")


def test_sign_up_refuses_a_weak_password_and_a_taken_name(client: Client) -> None:
    sign_up(client)
    other = Client()
    r = other.post("/accounts/signup/", {"username": "x1", "password1": "1", "password2": "1"})
    assert r.status_code == 400 and b"too short" in r.content
    r = other.post(
        "/accounts/signup/", {"username": "Alice", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert b"taken" in r.content


def described_by_targets(html: str) -> list[tuple[str, int]]:
    """Each id an aria-describedby names, with how many elements carry it."""
    named = [i for ref in re.findall(r'aria-describedby="([^"]+)"', html) for i in ref.split()]
    return [(i, len(re.findall(rf'\sid="{re.escape(i)}"', html))) for i in named]


def test_field_errors_are_tied_to_their_field(client: Client) -> None:
    """Django points a field with errors at "<id>_error": the message must carry that id, once
    however many messages the field has."""
    r = client.post("/accounts/signup/", {"username": "x1", "password1": "1", "password2": "1"})
    html = r.content.decode()
    assert html.count('class="field-error"') >= 2  # too short, too common, only digits
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
    targets = described_by_targets(html)
    assert ("id_password1_error", 1) in targets
    assert all(n == 1 for _, n in targets), targets
    # under the password itself (Django puts it under the confirmation)
    error = re.search(r'id="id_password1_error"[^>]*>(.*?)</div>', html, re.S)
    assert error is not None and "too short" in error.group(1)
    assert 'id="id_password2_error"' not in html

    sign_up(client, "carol")
    r = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "1", "new_password2": "1"},
    )
    html = r.content.decode()
    assert r.status_code == 400
    error = re.search(r'id="id_new_password1_error"[^>]*>(.*?)</div>', html, re.S)
    assert error is not None and "too short" in error.group(1)
    client.post("/accounts/logout/")

    sign_up(client)
    r = client.post("/accounts/delete/", {"password": "not it at all"})
    targets = described_by_targets(r.content.decode())
    assert targets == [("id_password_error", 1)]


def test_sign_up_promises_no_password_reset(client: Client) -> None:
    """There is no password reset (the email is kept, and nothing is ever sent to it): the
    sign-up page said the email was there to reset a password."""
    html = client.get("/accounts/signup/").content.decode()
    assert "reset your password" not in html
    assert "A forgotten password cannot be reset, so keep yours safe." in html


def test_sign_up_fields_say_what_to_fill_in(client: Client) -> None:
    """WCAG 1.3.5: browsers and password managers fill a field whose purpose is declared."""
    html = client.get("/accounts/signup/").content.decode()
    purposes = {}
    for tag in re.findall(r"<input [^>]*>", html):
        if 'type="hidden"' not in tag:
            name = re.search(r'name="([^"]+)"', tag)
            assert name is not None
            purposes[name.group(1)] = re.search(r'autocomplete="([^"]+)"', tag)
    assert {name: m.group(1) if m else None for name, m in purposes.items()} == {
        "username": "username",
        "email": "email",
        "password1": "new-password",
        "password2": "new-password",
    }


def test_log_in_locks_out_after_repeated_failures() -> None:
    sign_up(Client(), "dora")
    client = Client()
    statuses = [
        client.post("/accounts/login/", {"username": "dora", "password": "wrong!!"}).status_code
        for _ in range(5)
    ]
    assert statuses[-1] == 429
    r = client.post("/accounts/login/", {"username": "dora", "password": PASSWORD})
    assert r.status_code == 429


def test_change_password(client: Client) -> None:
    sign_up(client)
    token = accounts.issue_token(get_user_model().objects.get(username="alice"))
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert Client().get("/api/journal/entries", **bearer).status_code == 200
    new = "a different long passphrase"
    r = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert r.status_code == 302
    assert client.get("/journal/").status_code == 200  # still logged in
    assert get_user_model().objects.get(username="alice").check_password(new)
    # a token someone may have taken does not outlive the old password
    assert Client().get("/api/journal/entries", **bearer).status_code == 401


def test_save_to_my_account_from_the_result_page(client: Client) -> None:
    aid = anonymous_assessment()
    assert b"Save to my account" in client.get(f"/a/{aid}/").content
    r = client.post(f"/a/{aid}/save/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")
    sign_up(client)
    assert client.post(f"/a/{aid}/save/").status_code == 302
    user = get_user_model().objects.get(username="alice")
    assert accounts.saved_links(user) == [aid]
    assert store.get(aid).expires_at is None
    muscles = client.get("/journal/check-in/").content.decode()
    assert 'name="massaged"' in muscles


def test_save_asked_before_logging_in_is_offered_again_after_signing_up(client: Client) -> None:
    """Logged out, "Save to my account" led through sign-up back to the result page, which
    said only "Your account is ready": nothing was saved, and nothing said so."""
    aid = anonymous_assessment()
    r = client.post(f"/a/{aid}/save/")
    assert r["Location"] == f"/accounts/login/?next=/a/{aid}/save/"
    r = client.post(
        "/accounts/signup/",
        {
            "username": "alice",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": f"/a/{aid}/save/",
        },
    )
    assert r.status_code == 302 and r["Location"] == f"/a/{aid}/save/"
    page = client.get(r["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Save this assessment to your account?" in html
    assert f'action="/a/{aid}/save/"' in html and 'method="post"' in html
    user = get_user_model().objects.get(username="alice")
    assert accounts.saved_links(user) == []  # a GET saves nothing
    assert client.post(f"/a/{aid}/save/").status_code == 302
    assert accounts.saved_links(user) == [aid]


def test_the_save_step_asks_to_log_in_first_and_knows_no_strange_ids(client: Client) -> None:
    aid = anonymous_assessment()
    r = client.get(f"/a/{aid}/save/")
    assert r.status_code == 302 and r["Location"] == f"/accounts/login/?next=/a/{aid}/save/"
    assert client.get("/a/AAAAAAAAAAAAAAAAAAAAAA/save/").status_code == 404


def test_delete_account_page(client: Client) -> None:
    sign_up(client)
    aid = anonymous_assessment()
    client.post(f"/a/{aid}/save/")
    checkin(client, 3, 3)
    r = client.post("/accounts/delete/", {"password": "wrong"})
    assert r.status_code == 400 and get_user_model().objects.count() == 1
    r = client.post("/accounts/delete/", {"password": PASSWORD})
    assert r.status_code == 302
    assert get_user_model().objects.count() == 0 and JournalEntry.objects.count() == 0
    assert store.get(aid) is None
    assert client.get("/journal/").status_code == 302


def test_pages_show_only_the_account_s_own_journal(client: Client) -> None:
    sign_up(client, "alice")
    checkin(client, 9, 9, note="alice-secret-note")
    bob = Client()
    sign_up(bob, "bob")
    page = bob.get("/journal/").content.decode()
    assert "No check-ins yet" in page and "alice-secret-note" not in page


def test_the_progress_charts_each_have_their_own_name(client: Client) -> None:
    """Pain and activity charts on one page: every id once, and each chart's aria-labelledby
    points at its own title and description."""
    sign_up(client)
    checkin(client, 6, 2, **{"r:right.calf-upper": "pain"})
    checkin(client, 5, 2)
    assert (
        client.post("/journal/activities/", {"new_activity": "walking", "score": "4"}).status_code
        == 302
    )
    html = client.get("/journal/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    charts = re.findall(r'<svg [^>]*class="chart"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) == 2
    names = {}
    for labelled in charts:
        title_id, desc_id = labelled.split()
        title = re.search(rf'<title id="{title_id}">([^<]+)</title>', html)
        assert title is not None and f'<desc id="{desc_id}">' in html
        names[title_id] = title.group(1)
    assert sorted(names.values()) == ["Leg and back pain over time", "Your activities week by week"]


def test_journal_pages_need_a_login() -> None:
    client = Client()
    for path in ("/journal/", "/journal/check-in/", "/accounts/", "/accounts/password/"):
        assert client.get(path)["Location"].startswith("/accounts/login/"), path
    assert client.get("/accounts/delete/").status_code == 302


def test_share_page_makes_and_revokes_links(client: Client) -> None:
    sign_up(client)
    checkin(client, 6, 2, note="shared note")
    page = client.post("/journal/share/", {"days": "7"}).content.decode()
    url = page.split('id="share-url" class="share-url" type="text" readonly value="')[1]
    url = url.split('"')[0]
    path = "/" + url.split("/", 3)[3]
    clinician = Client()
    assert clinician.get(path).status_code == 200
    share_id = page.split('name="revoke" value="')[1].split('"')[0]
    bob = Client()
    sign_up(bob, "bob")
    bob.post("/journal/share/", {"revoke": share_id})  # not bob's: nothing happens
    assert clinician.get(path).status_code == 200
    client.post("/journal/share/", {"revoke": share_id})
    assert clinician.get(path).status_code == 404


def test_the_share_page_s_table_scrolls_in_its_own_box(client: Client) -> None:
    sign_up(client)
    client.post("/journal/share/", {"days": "7"})
    html = client.get("/journal/share/").content.decode()
    assert assert_tables_scroll_in_a_named_box(html) == 1


def test_every_table_in_a_web_page_template_has_its_scroll_box() -> None:
    """Pages not covered by a rendered-page test (or added later) keep the rule too. The
    clinician's PDF is left out: it is printed on A4, never shown at 320 px."""
    templates = Path(accounts.__file__).with_name("templates")
    checked = 0
    for path in sorted(templates.rglob("*.html")):
        if path.name == "clinician_pdf.html":
            continue
        text = path.read_text("utf-8")
        if "<table" in text:
            checked += assert_tables_scroll_in_a_named_box(text)
    assert checked >= 6  # the journal's four, the shares and the view-only links


# digits to str.isdigit() but not to int(), and more digits than int() converts
@pytest.mark.parametrize("digit", ["²", "٣", "१", "9" * 5000])
def test_numbers_int_cannot_read_are_refused_not_a_server_error(client: Client, digit: str) -> None:
    sign_up(client)
    assert client.post("/journal/share/", {"revoke": digit}).status_code == 200
    assert client.post("/journal/share/", {"days": digit}).status_code == 200
    assert checkin(client, digit, digit).status_code == 400  # the form again, with the error
    r = client.post("/journal/check-in/", {"leg_pain": 5, "back_pain": 2, "minutes": digit})
    assert r.status_code == 400
    assert JournalEntry.objects.count() == 0
    r = client.post("/journal/activities/", {"new_activity": "walking", "score": digit})
    assert r.status_code == 400


def test_rate_up_to_three_activities_weekly(client: Client) -> None:
    sign_up(client)
    for name, score in (("sitting", "3"), ("walking", "5"), ("driving", "6")):
        r = client.post("/journal/activities/", {"new_activity": name, "score": score})
        assert r.status_code == 302, r.content.decode()[:500]
    page = client.get("/journal/activities/").content.decode()
    assert 'name="new_activity"' not in page  # three: no room for a fourth
    r = client.post("/journal/activities/", {"new_activity": "gardening", "score": "2"})
    assert r.status_code == 400
    assert (
        client.post("/journal/activities/", {"activity": "sitting", "score": "7"}).status_code
        == 302
    )
    r = client.post("/journal/activities/", {"activity": "sitting", "score": "11"})
    assert r.status_code == 400
    assert "sitting" in client.get("/journal/").content.decode()


def test_new_weakness_at_check_in_escalates(client: Client) -> None:
    sign_up(client)
    r = checkin(client, 4, 2, new_weakness="yes")
    assert r.status_code == 200 and "weakness" in r.content.decode()
    assert JournalEntry.objects.count() == 1


def test_where_it_hurt_over_a_chosen_period(client: Client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    sign_up(client)
    kb = load_knowledge()
    old, recent = "right.calf-upper", "right.buttock-center"
    long_ago = (timezone.now() - timedelta(days=40)).isoformat()
    for at, rid in ((long_ago, old), (None, recent)):
        body: dict[str, Any] = {"leg_pain": 5, "back_pain": 1, "note": "", "regions": {rid: 7}}
        if at:
            body["at"] = at
        r = client.post("/api/journal/entries", json.dumps(body), content_type="application/json")
        assert r.status_code == 201, r.content
    names = {rid: kb.region_name(rid) for rid in (old, recent)}

    def shown(query: str) -> set[str]:
        page = client.get(f"/journal/{query}").content.decode()
        return {rid for rid, name in names.items() if f'<th scope="row">{name}</th>' in page}

    assert shown("") == {old, recent}  # everything by default
    assert shown("?period=30") == {recent}
    assert shown("?period=90") == {old, recent}
    assert shown("?period=nonsense") == {old, recent}
    page = client.get("/journal/?period=7").content.decode()
    assert '<a href="?period=7" aria-current="true">' in page


def heading_levels(html: str) -> list[int]:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return [int(n) for n in re.findall(r"<h([1-6])\b", main)]


@pytest.mark.parametrize("sent_back", [False, True])
def test_check_in_heading_levels_never_skip(client: Client, sent_back: bool) -> None:
    """1.3.1: the list of places sits under a <summary>, not a heading, so its areas are h2
    (h1 then h3 left a screen reader's heading list with a hole)."""
    sign_up(client)
    if sent_back:  # with the error summary's h2 too
        html = checkin(client, 5, "").content.decode()
        assert 'id="form-errors"' in html
    else:
        html = client.get("/journal/check-in/").content.decode()
    levels = heading_levels(html)
    assert levels[0] == 1 and levels.count(1) == 1
    assert len(levels) > 5, "the areas and sides of the list of places"
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == [], levels


def test_the_clinician_pdf_says_the_reassessment_in_words(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heading printed the internal status id ("Reassessment: too-early") for a clinician
    to decode."""
    import weasyprint

    rendered: list[str] = []

    class Capture:
        def __init__(self, string: str) -> None:
            rendered.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-"

    monkeypatch.setattr(weasyprint, "HTML", Capture)
    sign_up(client)
    client.post(f"/a/{anonymous_assessment()}/save/")
    checkin(client, 6, 3)
    assert client.get("/journal/summary.pdf").status_code == 200
    heading = re.search(r"<h2>Reassessment: (.*?)</h2>", rendered[0])
    assert heading is not None
    assert heading.group(1).startswith("too early to tell")


def test_the_result_page_says_saved_instead_of_offering_to_save_again(client: Client) -> None:
    """After saving, the result page (served from the page cache) still offered "Save to my
    account". It now says where the assessment is, to the account that keeps it only."""
    aid = anonymous_assessment()
    sign_up(client)
    assert b"Save to my account" in client.get(f"/a/{aid}/").content  # cached unsaved
    client.post(f"/a/{aid}/save/")
    html = client.get(f"/a/{aid}/").content.decode()
    assert "Save to my account" not in html
    assert "This assessment is saved in your account." in html
    assert 'href="/journal/check-in/"' in html
    assert client.get(f"/a/{aid}/save/")["Location"] == f"/a/{aid}/"  # no question to ask
    other = Client()
    sign_up(other, "bob")
    html = other.get(f"/a/{aid}/").content.decode()
    assert "Save to my account" in html and "saved in your account" not in html
    assert "saved in your account" not in Client().get(f"/a/{aid}/").content.decode()
