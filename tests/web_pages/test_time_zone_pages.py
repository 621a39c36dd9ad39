"""The account's time zone on the pages: sign-up takes the browser's, the account page shows
it and changes it (an unknown one is refused like any account form), and a logged-in person's
pages count days and show times in it. Anonymous pages stay in UTC."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from paintrace.journal import CheckIn
from paintrace.web import journal_store, time_zones
from paintrace.web.models import ShareLink

from .test_account_pages import PASSWORD, sign_up
from .test_view_link_pages import aid, make_link  # noqa: F401  (aid: a fixture)

pytestmark = pytest.mark.django_db
SYDNEY = ZoneInfo("Australia/Sydney")


def sign_up_in(client: Client, username: str, zone: str) -> Any:
    r = client.post(
        "/accounts/signup/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD, "time_zone": zone},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    return get_user_model().objects.get(username=username)


def zone_of(username: str) -> str:
    return time_zones.zone_name(get_user_model().objects.get(username=username))


def test_sign_up_asks_the_browser_for_its_zone(client: Client) -> None:
    html = client.get("/accounts/signup/").content.decode()
    field = re.search(r'<input type="hidden" name="time_zone"[^>]*>', html)
    assert field is not None and "data-time-zone" in field.group(0)
    assert "Time zone" not in html  # hidden: no label, no row
    assert '<script src="/static/paintrace/time_zone.js" defer></script>' in html


def test_sign_up_keeps_the_browsers_zone(client: Client) -> None:
    sign_up_in(client, "sam", "Australia/Sydney")
    assert zone_of("sam") == "Australia/Sydney"


def test_sign_up_without_a_zone_or_with_an_unknown_one_takes_the_default(settings: Any) -> None:
    settings.PAINTRACE_TIME_ZONE = "Europe/Berlin"
    sign_up(Client(), "nojs")  # no script: the field is empty
    sign_up_in(Client(), "odd", "Etc/Unknown")  # what some browsers say when they cannot tell
    # nor one too long for any zone: the person never saw the field, so it must not refuse
    # them with an error they cannot correct (the summary linked to the hidden field)
    sign_up_in(Client(), "long", "Europe/" + "x" * 80)
    assert zone_of("nojs") == zone_of("odd") == zone_of("long") == "Europe/Berlin"


def test_the_account_page_shows_the_zone_and_links_to_change_it(client: Client) -> None:
    sign_up_in(client, "lou", "America/Los_Angeles")
    html = client.get("/accounts/").content.decode()
    assert "Your time zone is <strong>America/Los Angeles</strong>" in html
    assert 'href="/accounts/time-zone/"' in html


def selected(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)"[^>]*selected', html)


def test_the_zone_can_be_changed(client: Client) -> None:
    sign_up_in(client, "sam", "Australia/Sydney")
    html = client.get("/accounts/time-zone/").content.decode()
    assert selected(html) == ["Australia/Sydney"]
    options = re.findall(r'<option value="([^"]+)"', html)
    assert options == sorted(options) and len(options) > 300
    assert "localtime" not in options
    assert 'aria-describedby="id_time_zone_helptext"' in html
    r = client.post("/accounts/time-zone/", {"time_zone": "Europe/Berlin"})
    assert r.status_code == 302 and r["Location"] == "/accounts/"
    assert zone_of("sam") == "Europe/Berlin"
    assert "Your time zone is now Europe/Berlin." in client.get("/accounts/").content.decode()


@pytest.mark.parametrize("posted", [{"time_zone": "Mars/Olympus_Mons"}, {}])
def test_an_unknown_zone_is_refused_and_nothing_changes(
    client: Client, posted: dict[str, str]
) -> None:
    sign_up_in(client, "sam", "Australia/Sydney")
    r = client.post("/accounts/time-zone/", posted)
    html = r.content.decode()
    assert r.status_code == 400
    assert re.search(r"<title>Error: ", html)
    summary = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert summary is not None and '<a href="#id_time_zone">Choose your time zone' in summary[0]
    if posted:
        assert "Mars/Olympus_Mons is not one we know." in summary[0]
    assert 'aria-invalid="true"' in html
    assert selected(html) == ["Australia/Sydney"]  # the zone still in force, not the first
    assert zone_of("sam") == "Australia/Sydney"


def test_the_zone_page_needs_a_login() -> None:
    assert Client().get("/accounts/time-zone/")["Location"].startswith("/accounts/login/")


def morning_and_evening(user: Any) -> None:
    """8 am and 6 pm on Monday 2 March 2026 in Sydney; in UTC, Sunday evening and Monday."""
    for hour, leg in ((8, 6), (18, 4)):
        at = datetime(2026, 3, 2, hour, tzinfo=SYDNEY).astimezone(UTC)
        journal_store.add(user, CheckIn(at=at, leg_pain=leg, back_pain=2))


def pain_rows(html: str) -> list[list[str]]:
    body = html.split('aria-label="Pain per day, table"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_the_progress_page_counts_the_persons_days(client: Client) -> None:
    user = sign_up_in(client, "sam", "Australia/Sydney")
    morning_and_evening(user)
    html = client.get("/journal/").content.decode()
    assert pain_rows(html) == [["2026-03-02", "5.0", "2.0", "not recorded", "2"]]
    assert "Days run from midnight to midnight in Australia/Sydney." in html


def test_the_clinicians_page_counts_the_owners_days(client: Client) -> None:
    user = sign_up_in(client, "sam", "Australia/Sydney")
    morning_and_evening(user)
    page = client.post("/journal/share/", {"days": "7"}).content.decode()
    url = re.search(r'value="http://testserver(/s/[^"]+/)"', page)
    assert url is not None
    clinician = Client()
    sign_up_in(clinician, "doc", "America/Los_Angeles")  # logged in elsewhere: still her days
    html = clinician.get(url.group(1)).content.decode()
    assert pain_rows(html) == [["2026-03-02", "5.0", "2.0", "not recorded", "2"]]
    assert "midnight to midnight in Australia/Sydney." in html


def test_a_logged_in_person_sees_times_on_their_clock(client: Client) -> None:
    sign_up_in(client, "sam", "Australia/Sydney")
    client.post("/journal/share/", {"days": "7"})
    html = client.get("/journal/share/").content.decode()
    share = ShareLink.objects.get()
    local = share.expires_at.astimezone(SYDNEY).strftime("%Y-%m-%d %H:%M")
    utc = share.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    assert local in html and (utc == local or utc not in html)
    assert "All times: Australia/Sydney." in html
    # the zone is not left active for whoever this thread serves next
    assert timezone.get_current_timezone_name() == "UTC"


def test_view_links_say_which_clock_their_expiry_is_on(client: Client, aid: str) -> None:  # noqa: F811
    sign_up_in(client, "sam", "Australia/Sydney")
    page = client.post(f"/a/{aid}/views/", {"days": "7"}).content.decode()
    assert re.search(r"It works until \d+ \w+ \d{4}, \d\d:\d\d \(Australia/Sydney\)\.", page)
    assert "All times: Australia/Sydney." in page
    anonymous_owner = Client().post(f"/a/{aid}/views/", {"days": "7"}).content.decode()
    assert re.search(r"It works until [^(]*\(UTC\)\.", anonymous_owner)
    assert "All times:" not in anonymous_owner  # as it was before zones
    url = make_link(Client(), aid)  # made by someone without an account: UTC
    anonymous = Client().get(url).content.decode()
    assert re.search(r"The link works until [^(]*\(UTC\)", anonymous)
    logged_in = client.get(url).content.decode()  # the same page, cached apart per zone
    assert re.search(r"The link works until [^(]*\(Australia/Sydney\)", logged_in)
    assert re.search(r"The link works until [^(]*\(UTC\)", Client().get(url).content.decode())


def test_this_weeks_rating_on_the_page_is_the_persons_week(
    client: Client, freeze_clock: Callable[[datetime], datetime]
) -> None:
    freeze_clock(datetime(2026, 3, 1, 21, 30, tzinfo=UTC))  # Monday 8:30 am in Sydney
    user = sign_up_in(client, "sam", "Australia/Sydney")
    r = client.post("/journal/activities/", {"new_activity": "walking", "score": "5"})
    assert r.status_code == 302
    assert [(r.week.isoformat(), r.score) for r in journal_store.ratings(user)] == [
        ("2026-03-02", 5)
    ]


def test_the_last_7_days_of_the_map_are_the_persons_last_7_days(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Days marked' counts the person's days, so the period is theirs too: today and the six
    days before, from midnight. Counted back 7 times 24 hours from now, a place marked every
    morning and evening showed '8' days marked in 'the last 7 days' (the evening of the eighth
    day back fell inside)."""
    from paintrace.knowledge import load_knowledge

    user = sign_up_in(client, "sam", "Australia/Sydney")
    rid = "right.buttock-center"
    for day in range(1, 11):  # 1 to 10 June 2025, at 7 am and 9 pm in Sydney
        for hour in (7, 21):
            at = datetime(2025, 6, day, hour, tzinfo=SYDNEY).astimezone(UTC)
            journal_store.add(user, CheckIn(at=at, leg_pain=5, back_pain=1, regions={rid: 6}))
    now = datetime(2025, 6, 10, 20, tzinfo=SYDNEY).astimezone(UTC)  # the 10th, 8 pm
    monkeypatch.setattr(timezone, "now", lambda: now)
    page = client.get("/journal/?period=7").content.decode()
    name = load_knowledge().region_name(rid)
    found = re.search(rf'<th scope="row">{re.escape(name)}</th><td>(\d+)</td>', page)
    assert found is not None and found.group(1) == "7"  # the 4th to the 10th


def test_the_session_page_and_the_reminders_name_the_same_review_day(
    client: Client, freeze_clock: Callable[[datetime], datetime]
) -> None:
    """Both count the plan's days from the day it was saved, on the person's calendar. Saved at
    11:30 pm on Friday 20 March in Berlin, the review is 14 days on: Friday 3 April. Adding 14
    times 24 hours to the instant, as the page did, crossed the change to summer time and
    landed at 0:30 am on the 4th; the reminders, counted from the download, said 8 April."""
    from paintrace.web import accounts
    from paintrace.web.models import Assessment

    from .test_selfcare_pages import PIRIFORMIS_DRAWING, piriformis_findings, save

    freeze_clock(datetime(2026, 3, 25, 9, 0, tzinfo=UTC))
    user = sign_up_in(client, "eva", "Europe/Berlin")
    saved, _ = save(PIRIFORMIS_DRAWING, piriformis_findings())
    assert accounts.save_assessment(user, saved)
    Assessment.objects.update(created_at=datetime(2026, 3, 20, 22, 30, tzinfo=UTC))
    html = client.get(f"/a/{saved}/session/").content.decode()
    found = re.search(r"Review around ([^.]*)\.", html)
    assert found is not None and found.group(1) == "3 April 2026"
    ics = client.get("/api/journal/reminders.ics").content.decode()
    assert "DTSTART;VALUE=DATE:20260403" in ics and "DTSTART:20260325T080000" in ics
