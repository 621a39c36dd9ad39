"""The daily check-in page without JavaScript: what it stores (a blank minutes box is
unknown, line breaks plain), its warning signs (the banner, the plan paused, an unticked box is
not a "no") and a check-in sent back with its errors and every answer kept."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from paintrace.journal import RESCREEN
from paintrace.knowledge import load_knowledge
from paintrace.web.models import JournalEntry

from .test_account_pages import anonymous_assessment, checkin, sign_up

pytestmark = pytest.mark.django_db


def test_check_in_and_progress(client: Client) -> None:
    sign_up(client)
    page = client.get("/journal/check-in/").content.decode()
    kb = load_knowledge()
    for fid in RESCREEN:
        assert kb.findings[fid].question in page.replace("&#x27;", "'")
    for leg in (7, 6, 5):
        r = checkin(client, leg, 2, note="ok", minutes="10", sleep_disturbed="no")
        assert r.status_code == 302 and r["Location"] == "/journal/"
    assert JournalEntry.objects.count() == 3
    page = client.get("/journal/").content.decode()
    assert "<svg" in page and "<table" in page and "Download FHIR bundle" in page


def test_a_blank_minutes_box_is_stored_as_unknown(client: Client) -> None:
    sign_up(client)
    checkin(client, 5, 2, minutes="")
    checkin(client, 4, 2, minutes="0")
    assert list(JournalEntry.objects.order_by("id").values_list("minutes", flat=True)) == [None, 0]


def test_a_full_note_with_line_breaks_is_kept_with_plain_line_breaks(client: Client) -> None:
    """The browser lets a 2,000-character note through (a line break counts once) but sends
    each break as CRLF: the note was refused as too long, and kept notes held a stray CR."""
    sign_up(client)
    typed = "\n".join(["a" * 199] * 10) + "!"
    assert len(typed) == 2000  # as the browser counts it against maxlength
    assert checkin(client, 4, 2, note=typed.replace("\n", "\r\n")).status_code == 302
    (item,) = client.get("/api/journal/entries").json()["items"]
    assert item["note"] == typed


def test_a_warning_sign_at_check_in_shows_the_banner_and_pauses_the_plan(client: Client) -> None:
    sign_up(client)
    r = checkin(client, 5, 5, **{f"flag-{RESCREEN[0]}": "yes"})
    assert r.status_code == 200
    page = r.content.decode()
    assert 'role="alert"' in page and "Stop the self-care plan" in page
    assert "Plan paused" in client.get("/journal/").content.decode()


def test_an_unticked_warning_sign_is_not_recorded_as_no(client: Client) -> None:
    """ "Tick any that apply": an empty box was not answered, so exports must not say "no"."""
    sign_up(client)
    assert checkin(client, 4, 2).status_code == 302
    assert checkin(client, 5, 2, **{f"flag-{RESCREEN[0]}": "yes"}).status_code == 200
    items = client.get("/api/journal/entries").json()["items"]
    flags = [item["red_flags"] for item in items]
    assert len(flags) == 2 and {} in flags and {RESCREEN[0]: True} in flags
    bundle = client.get("/api/journal/export?format=fhir").json()
    answered = [
        (item["linkId"], item["answer"])
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
        for item in entry["resource"]["item"]
        if item["linkId"].startswith("red-flag.")
    ]
    assert answered == [(f"red-flag.{RESCREEN[0]}", [{"valueBoolean": True}])]


def test_check_in_errors_are_shown(client: Client) -> None:
    sign_up(client)
    r = checkin(client, 11, 2)
    assert r.status_code == 400
    # the field's label, not its id
    assert "Leg pain: expected a whole number" in r.content.decode()
    assert "leg_pain:" not in r.content.decode()
    # nothing ticked: the stop banner stays hidden and the optional part folded
    assert re.search(r'<div id="flag-banner"[^>]* hidden>', r.content.decode())
    assert '<details class="checkin-more">' in r.content.decode()


def test_a_check_in_sent_back_keeps_every_answer_and_the_stop_banner(client: Client) -> None:
    """A check-in refused for a missing back pain comes back with everything else as it was
    sent: ticks, numbers, note and the red stop banner of a ticked warning sign."""
    aid = anonymous_assessment()
    sign_up(client)
    client.post(f"/a/{aid}/save/")
    page = client.get("/journal/check-in/").content.decode()
    muscle = re.search(r'name="massaged" value="([^"]+)"', page)
    assert muscle is not None
    sent = {
        "leg_pain": "6",
        f"flag-{RESCREEN[0]}": "yes",
        "new_numbness": "yes",
        "new_weakness": "yes",
        "massaged": muscle.group(1),
        "stretched": muscle.group(1),
        "minutes": "25",
        "felt_after": "better",
        "sleep_disturbed": "yes",
        "note": "sat <long> in the car",
    }
    r = client.post("/journal/check-in/", sent)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Back pain: required: a whole number from 0 to 10" in html
    assert "back_pain:" not in html
    assert 'name="leg_pain" value="6" required checked' in html
    for name in (f"flag-{RESCREEN[0]}", "new_numbness", "new_weakness"):
        assert re.search(rf'<input type="checkbox" name="{name}" value="yes"[^>]* checked', html)
    for name in ("massaged", "stretched"):
        assert f'name="{name}" value="{muscle.group(1)}" checked' in html
    assert re.search(r'<input id="minutes" name="minutes"[^>]* value="25"', html)
    assert 'name="felt_after" value="better" checked' in html
    assert 'name="sleep_disturbed" value="yes" checked' in html
    assert 'name="sleep_disturbed" value="no">' in html
    assert ">\nsat &lt;long&gt; in the car</textarea>" in html
    assert '<details class="checkin-more" open>' in html  # the kept answers are in view
    banner = re.search(r'<div id="flag-banner"[^>]*>', html)
    assert banner is not None and "hidden" not in banner.group(0)
