"""Your check-ins one by one, without JavaScript: the list (newest first, local times, a page
at a time, "not given" for what was not said), changing one (prefilled, checked like a new
check-in, the warning page for a new warning sign) and deleting one; another account's
check-in is a 404, and the writes need a login, the CSRF token and stay within the rate limit."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from paintrace.journal import CheckIn
from paintrace.web import journal_store, time_zones
from paintrace.web.models import JournalEntry

from .test_account_pages import checkin, heading_levels, sign_up

pytestmark = pytest.mark.django_db
SYDNEY = "Australia/Sydney"


def user(name: str = "alice") -> Any:
    return get_user_model().objects.get(username=name)


def add(name: str = "alice", **fields: Any) -> JournalEntry:
    """A check-in stored as the API or an import stores it: any time, any answers."""
    fields.setdefault("at", datetime.now(UTC) - timedelta(hours=1))
    fields.setdefault("leg_pain", 5)
    fields.setdefault("back_pain", 2)
    return journal_store.add(user(name), CheckIn(**fields))


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def text(html: str) -> str:
    """The words of the page's main part, tags dropped and spaces collapsed."""
    part = main(html) if "<main" in html else html
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def headings(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", h).split())
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    ]


def stored(row: JournalEntry) -> CheckIn:
    return journal_store.to_checkin(JournalEntry.objects.get(pk=row.pk))


def as_form(html: str) -> dict[str, Any]:
    """What a browser without JavaScript would post from the change page as it came."""
    form = html.split('id="checkin-form"', 1)[1].split("</form>", 1)[0]
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name is None or value is None:
            continue
        if kind and kind.group(1) in ("radio", "checkbox") and " checked" not in tag:
            continue
        data.setdefault(name.group(1), []).append(value.group(1))
    for name, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        if chosen and chosen.group(1):
            data[name] = [chosen.group(1)]
    note = re.search(r'<textarea id="note" name="note"[^>]*>(.*?)</textarea>', form, re.S)
    text = note.group(1).replace("&lt;", "<").replace("&gt;", ">") if note else ""
    data["note"] = [text.removeprefix("\n")]  # as HTML parsers drop a textarea's first newline
    data.pop("csrfmiddlewaretoken", None)
    return data


# --------------------------------------------------------------------------- the list


def test_the_list_shows_each_check_in_newest_first_on_the_account_s_clock(client: Client) -> None:
    sign_up(client)
    time_zones.choose(user(), SYDNEY)
    add(at=datetime(2025, 3, 1, 21, 0, tzinfo=UTC), leg_pain=9)  # Sun 2 March, 08:00 in Sydney
    add(at=datetime(2025, 3, 3, 7, 30, tzinfo=UTC), leg_pain=4)  # Mon 3 March, 18:30
    assert checkin(client, 3, 1).status_code == 302  # now: this year, so no year is shown
    r = client.get("/journal/entries/")
    assert r.status_code == 200
    assert "no-store" in r["Cache-Control"]
    html = r.content.decode()
    whens = headings(html)
    assert len(whens) == 3 and not re.search(r"\d{4},", whens[0]), whens
    assert whens[1:] == ["Mon 3 March 2025, 18:30", "Sun 2 March 2025, 08:00"]
    assert "Times are in Australia/Sydney." in text(html)
    legs = re.findall(r"<dt>Leg pain</dt><dd>(\d+) out of 10</dd>", html)
    assert legs == ["3", "4", "9"]
    # each link says which check-in it changes or deletes
    for label in whens[1:]:
        for verb in ("Change", "Delete"):
            assert f'{verb}<span class="vh"> the check-in of {label}</span></a>' in html
    row = JournalEntry.objects.get(leg_pain=9)
    assert f'href="/journal/entries/{row.pk}/">Change<' in html
    assert f'href="/journal/entries/{row.pk}/delete/">Delete<' in html


def test_the_list_names_places_and_muscles_says_not_given_and_escapes_the_note(
    client: Client,
) -> None:
    sign_up(client)
    add(
        leg_pain=6,
        regions={"right.calf-upper": 8, "left.buttock-center": 3},
        massaged=("piriformis",),
        stretched=("hamstrings", "piriformis"),
        minutes=0,
        felt_after="worse",
        sleep_disturbed=False,
        red_flags={"fever": True, "foot-drop": False},
        new_weakness=True,
        note="sat <b>long</b>\nin the car",
    )
    add(leg_pain=2, at=datetime.now(UTC) - timedelta(days=1))  # nothing but the two numbers
    html = main(client.get("/journal/entries/").content.decode())
    full, bare = html.split('<article class="card entry"')[1:]
    facts = text(full)
    assert "Upper calf (right): 8 out of 10" in facts
    assert "Middle of the buttock (left): 3 out of 10" in facts
    assert "right.calf-upper" not in full and "piriformis" not in full
    assert "Massaged Piriformis Stretched Hamstrings, Piriformis" in facts
    assert "Minutes of self-care 0 minutes" in facts  # typed: 0 is an answer
    assert "How it felt right after Worse Pain disturbed sleep No" in facts
    assert "sat &lt;b&gt;long&lt;/b&gt;<br>in the car" in full
    warning = re.search(r'<div class="entry-warning">(.*?)</div>', full, re.S)
    assert warning is not None
    assert "You have a fever or feel unwell with the pain" in warning.group(1)
    assert "New weakness in the leg or foot" in warning.group(1)
    assert "foot" not in warning.group(1).replace("leg or foot", "")  # a no is not a warning
    # what was not said is "not given", never 0 or "no"
    facts = text(bare)
    for label in (
        "Massaged",
        "Stretched",
        "Minutes of self-care",
        "How it felt right after",
        "Pain disturbed sleep",
    ):
        assert f"{label} Not given" in facts, label
    assert "Where it hurt No places marked" in facts
    assert "0 minutes" not in facts and "entry-warning" not in bare and "Note" not in facts


def test_the_list_goes_a_page_at_a_time(client: Client) -> None:
    sign_up(client)
    start = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    journal_store.add_many(
        user(),
        [
            CheckIn(at=start + timedelta(days=n), leg_pain=n % 11, back_pain=1, note=f"day {n}")
            for n in range(65)
        ],
    )
    first = client.get("/journal/entries/").content.decode()
    assert first.count('<article class="card entry"') == 30
    assert "day 64" in first and "day 35" in first and "day 34" not in first
    assert 'href="/journal/entries/?page=2" rel="next">Older check-ins</a>' in first
    assert "Newer check-ins" not in first and "Page 1 of 3" in first
    second = client.get("/journal/entries/?page=2").content.decode()
    assert "day 34" in second and "day 5" in second and "day 35" not in second
    assert 'href="/journal/entries/" rel="prev">Newer check-ins</a>' in second
    assert 'href="/journal/entries/?page=3" rel="next">Older check-ins</a>' in second
    last = client.get("/journal/entries/?page=3").content.decode()
    assert last.count('<article class="card entry"') == 5 and "Older check-ins" not in last
    # the links from a later page lead back to it
    row = JournalEntry.objects.get(leg_pain=34 % 11, at=start + timedelta(days=34))
    assert f'href="/journal/entries/{row.pk}/?page=2">Change<' in second
    # not a page: the first; past the end: the last
    assert "day 64" in client.get("/journal/entries/?page=abc").content.decode()
    assert "day 0" in client.get("/journal/entries/?page=99").content.decode()
    assert client.get("/journal/entries/?page=" + "9" * 5000).status_code == 200


def test_an_empty_diary_says_so_and_leads_to_the_check_in(client: Client) -> None:
    sign_up(client)
    html = main(client.get("/journal/entries/").content.decode())
    assert "You have no check-ins yet." in html
    assert 'href="/journal/check-in/"' in html and "<article" not in html


def test_the_progress_page_leads_to_the_list(client: Client) -> None:
    sign_up(client)
    assert 'href="/journal/entries/"' in client.get("/journal/").content.decode()


def test_two_check_ins_in_one_minute_are_told_apart(client: Client) -> None:
    """Checking in twice by mistake is what the list is there to fix: both must not be
    "Change the check-in of Mon 2 March, 08:00"."""
    sign_up(client)
    at = datetime(2025, 3, 2, 8, 0, 5, tzinfo=UTC)
    add(at=at)
    add(at=at + timedelta(seconds=20))
    add(at=at + timedelta(seconds=20))
    whens = headings(client.get("/journal/entries/").content.decode())
    assert whens == [
        "Sun 2 March 2025, 08:00:25 (2 of 2)",
        "Sun 2 March 2025, 08:00:25 (1 of 2)",
        "Sun 2 March 2025, 08:00:05",
    ]


# --------------------------------------------------------------------------- changing one


def test_the_change_page_opens_with_every_answer_and_saves_the_correction(
    client: Client,
) -> None:
    sign_up(client)
    time_zones.choose(user(), SYDNEY)
    at = datetime(2025, 3, 1, 21, 0, tzinfo=UTC)
    row = add(
        at=at,
        leg_pain=9,
        back_pain=2,
        regions={"right.calf-upper": 8},
        massaged=("piriformis",),
        minutes=15,
        felt_after="better",
        sleep_disturbed=True,
        note="sat <long>\nin the car",
    )
    r = client.get(f"/journal/entries/{row.pk}/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    html = r.content.decode()
    assert "<h1>Change your check-in of Sun 2 March 2025, 08:00</h1>" in html
    assert f'action="/journal/entries/{row.pk}/"' in html
    assert 'name="leg_pain" value="9" required checked' in html
    assert 'name="back_pain" value="2" required checked' in html
    assert re.search(r'name="r:right.calf-upper" value="pain" checked', html)
    assert re.search(r'<select name="ri:right.calf-upper">.*?<option value="8" selected>', html)
    # piriformis is in no plan of this account: offered all the same, so it is not lost
    assert 'name="massaged" value="piriformis" checked' in html
    assert 'name="stretched" value="piriformis">' in html
    assert re.search(r'<input id="minutes" name="minutes"[^>]* value="15"', html)
    assert 'name="felt_after" value="better" checked' in html
    assert 'name="sleep_disturbed" value="yes" checked' in html
    assert ">\nsat &lt;long&gt;\nin the car</textarea>" in html
    assert re.search(r'<div id="flag-banner"[^>]* hidden>', html)
    levels = heading_levels(html)
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))

    sent = as_form(html)
    sent["leg_pain"] = ["3"]
    r = client.post(f"/journal/entries/{row.pk}/", sent)
    assert r.status_code == 302 and r["Location"] == f"/journal/entries/#entry-{row.pk}"
    after = stored(row)
    assert after.leg_pain == 3 and after.at == at  # the time kept as it was
    assert after.regions == {"right.calf-upper": 8} and after.massaged == ("piriformis",)
    assert (after.minutes, after.felt_after, after.sleep_disturbed) == (15, "better", True)
    assert after.note == "sat <long>\nin the car"
    page = client.get("/journal/entries/").content.decode()
    assert "Your check-in of Sun 2 March 2025, 08:00 is changed." in page
    assert JournalEntry.objects.count() == 1
    # the API, the exports and the charts read the same row
    (item,) = client.get("/api/journal/entries").json()["items"]
    assert item["leg_pain"] == 3


def test_a_change_can_take_answers_back(client: Client) -> None:
    sign_up(client)
    row = add(leg_pain=7, regions={"right.calf-upper": 8}, minutes=15, note="oops")
    r = client.post(f"/journal/entries/{row.pk}/", {"leg_pain": "7", "back_pain": "2"})
    assert r.status_code == 302
    after = stored(row)
    assert (after.regions, after.minutes, after.note) == ({}, None, "")


def test_a_refused_change_keeps_the_check_in_and_shows_what_was_sent(client: Client) -> None:
    sign_up(client)
    row = add(leg_pain=9, back_pain=2, note="as it was")
    r = client.post(f"/journal/entries/{row.pk}/", {"leg_pain": "3", "note": "typed again"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "<title>Error: Change your check-in of" in html
    assert "Back pain: required: a whole number from 0 to 10" in html
    assert 'href="#back-pain"' in html
    assert 'name="leg_pain" value="3" required checked' in html  # what was sent, kept
    assert ">\ntyped again</textarea>" in html
    assert f'action="/journal/entries/{row.pk}/"' in html
    r = client.post(f"/journal/entries/{row.pk}/", {"leg_pain": "11", "back_pain": "2"})
    assert r.status_code == 400 and "Leg pain: expected a whole number" in r.content.decode()
    r = client.post(
        f"/journal/entries/{row.pk}/", {"leg_pain": "3", "back_pain": "2", "minutes": "601"}
    )
    assert r.status_code == 400
    after = stored(row)
    assert (after.leg_pain, after.back_pain, after.note) == (9, 2, "as it was")


def test_a_change_that_adds_a_warning_sign_shows_the_warning_page(client: Client) -> None:
    sign_up(client)
    row = add(leg_pain=5)
    r = client.post(
        f"/journal/entries/{row.pk}/", {"leg_pain": "5", "back_pain": "2", "flag-fever": "yes"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'role="alert"' in html and "Stop the self-care plan" in html
    assert stored(row).warning_signs == ["fever"]
    assert "Plan paused" in client.get("/journal/").content.decode()
    # changing something else keeps the sign: nothing new, so back to the list
    sent = {"leg_pain": "4", "back_pain": "2", "flag-fever": "yes"}
    assert client.post(f"/journal/entries/{row.pk}/", sent).status_code == 302
    # new weakness is new too
    sent["new_weakness"] = "yes"
    r = client.post(f"/journal/entries/{row.pk}/", sent)
    assert r.status_code == 200 and "Stop the self-care plan" in r.content.decode()


def test_a_no_given_through_the_api_is_not_lost_by_a_change(client: Client) -> None:
    """The form can only tick a warning sign; an answer "no" given before stays "no"."""
    sign_up(client)
    row = add(red_flags={"fever": False, "foot-drop": True}, new_numbness=False)
    r = client.post(f"/journal/entries/{row.pk}/", {"leg_pain": "5", "back_pain": "2"})
    assert r.status_code == 302
    after = stored(row)
    assert after.red_flags == {"fever": False} and after.new_numbness is False


def test_warning_signs_the_form_does_not_ask_are_kept_by_a_change(client: Client) -> None:
    """The API and imports take any warning sign; the form asks only the re-screen ones. Saving
    the form as it came must not drop a "yes" it never showed."""
    sign_up(client)
    flags = {"cold-pale-foot": True, "cancer-history": False, "fever": False}
    row = add(red_flags=flags)
    form = as_form(client.get(f"/journal/entries/{row.pk}/").content.decode())
    assert client.post(f"/journal/entries/{row.pk}/", form).status_code == 302
    assert stored(row).red_flags == flags and stored(row).warning_signs == ["cold-pale-foot"]


def test_a_note_that_starts_with_a_line_break_comes_back_whole(client: Client) -> None:
    sign_up(client)
    row = add(note="\nslept badly\nwalked 10 minutes")
    form = as_form(client.get(f"/journal/entries/{row.pk}/").content.decode())
    assert client.post(f"/journal/entries/{row.pk}/", form).status_code == 302
    assert stored(row).note == "\nslept badly\nwalked 10 minutes"


def test_a_change_returns_to_the_page_it_came_from(client: Client) -> None:
    sign_up(client)
    row = add()
    html = client.get(f"/journal/entries/{row.pk}/?page=2").content.decode()
    assert '<input type="hidden" name="page" value="2">' in html
    assert 'href="/journal/entries/?page=2#entry-' in html  # cancel
    r = client.post(f"/journal/entries/{row.pk}/", {"leg_pain": "1", "back_pain": "1", "page": "2"})
    assert r["Location"] == f"/journal/entries/?page=2#entry-{row.pk}"
    for junk in ("0", "-1", "x", "٣", "9" * 5000):
        r = client.post(
            f"/journal/entries/{row.pk}/", {"leg_pain": "1", "back_pain": "1", "page": junk}
        )
        assert r["Location"] == f"/journal/entries/#entry-{row.pk}", junk


# --------------------------------------------------------------------------- deleting one


def test_deleting_asks_first_then_the_check_in_is_gone_everywhere(client: Client) -> None:
    sign_up(client)
    time_zones.choose(user(), SYDNEY)
    keep = add(at=datetime(2025, 3, 2, 21, 0, tzinfo=UTC), note="keep me")
    gone = add(at=datetime(2025, 3, 1, 21, 0, tzinfo=UTC), leg_pain=9, note="checked in twice")
    r = client.get(f"/journal/entries/{gone.pk}/delete/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    html = r.content.decode()
    assert "<h1" in html and "Delete your check-in of Sun 2 March 2025, 08:00?" in html
    assert "checked in twice" in html and "9 out of 10" in html  # what will go
    assert "cannot be undone" in html
    assert JournalEntry.objects.count() == 2  # asking deletes nothing
    r = client.post(f"/journal/entries/{gone.pk}/delete/")
    assert r.status_code == 302 and r["Location"] == "/journal/entries/"
    assert list(JournalEntry.objects.values_list("pk", flat=True)) == [keep.pk]
    page = client.get("/journal/entries/").content.decode()
    assert "Your check-in of Sun 2 March 2025, 08:00 is deleted." in page
    assert "checked in twice" not in page and "keep me" in page
    csv = client.get("/api/journal/export?format=csv").content.decode()
    assert "checked in twice" not in csv and "keep me" in csv
    assert client.get(f"/journal/entries/{gone.pk}/delete/").status_code == 404
    assert client.post(f"/journal/entries/{gone.pk}/delete/").status_code == 404
