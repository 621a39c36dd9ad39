"""Correcting the diary in a phone-sized browser (375 px), with JavaScript and without: check in
twice, find the check-ins from the progress page, correct one's leg pain, delete the other;
the list, the change page (also refused) and the delete page pass the checks every page is
held to (page_audit.Sweep: axe, headings, names, reflow at 320 px), either way."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import screenshot
from .page_audit import Sweep

PASSWORD = "correct horse battery staple"


def check_in(page: Page, site: str, leg: int, back: int) -> None:
    page.goto(site + "/journal/check-in/")
    page.locator(f'input[name="leg_pain"][value="{leg}"]').check()
    page.locator(f'input[name="back_pain"][value="{back}"]').check()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_correct_one_check_in_and_delete_another(browser: Any, site: str, javascript: bool) -> None:
    from django.contrib.auth import get_user_model

    from paintrace.web import journal_store, time_zones
    from paintrace.web.models import JournalEntry
    from paintrace.web.pages.entry_views import when
    from paintrace.zones import local_today

    context = browser.new_context(
        viewport={"width": 375, "height": 800},
        java_script_enabled=javascript,
        timezone_id="Australia/Sydney",
    )
    page = context.new_page()
    sweep = Sweep()  # the bar test_every_page.py holds every page to, axe first
    sweep.watch(page)

    def check(key: str, state: str = "", status: int = 200) -> None:
        if javascript:
            sweep.audit(page, key, state, status=status)
            page.set_viewport_size({"width": 375, "height": 800})
            return
        # axe waits on timers, which never fire with JavaScript off: it reads the same page
        # in a twin that has JavaScript but loads none of the site's scripts (all of them are
        # files: the CSP allows no inline script), so the page is as a no-JS browser shows it
        twin = browser.new_context(storage_state=context.storage_state())
        twin.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
        other = sweep.watch(twin.new_page())
        other.goto(page.url)
        expect(other.locator("html.js")).to_have_count(0)
        sweep.audit(other, key, f"{state} without JavaScript".strip(), status=status)
        twin.close()

    page.goto(site + "/accounts/signup/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/journal/")
    check_in(page, site, 9, 2)  # meant 3
    check_in(page, site, 5, 1)  # checked in twice by mistake

    page.get_by_role("link", name="See your check-ins, to change or delete one").click()
    page.wait_for_url("**/journal/entries/")
    expect(page.get_by_role("heading", name="Your check-ins", level=1)).to_be_visible()
    cards = page.locator("article.entry")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("5 out of 10")  # newest first
    expect(cards.nth(1)).to_contain_text("9 out of 10")
    # the times are on the account's clock: Sydney's with JavaScript (sign-up took the
    # device's zone), the default UTC without
    user = get_user_model().objects.get(username="sam")
    tz = time_zones.zone_of(user)
    assert tz.key == ("Australia/Sydney" if javascript else "UTC")
    wrong = JournalEntry.objects.get(leg_pain=9)
    at = journal_store.to_checkin(wrong).at
    heading = cards.nth(1).get_by_role("heading", level=2)
    # with the seconds when both fell in one minute, and a number when in one second
    said = [when(at, tz, local_today(tz), seconds=s) for s in (False, True)]
    shown = re.sub(r" \(1 of 2\)$", "", heading.inner_text())
    assert shown in said, (heading.inner_text(), said)
    expect(cards.nth(1).get_by_text("Not given").first).to_be_visible()
    check("pt-entries")
    screenshot(page, f"journal-entries-{'js' if javascript else 'nojs'}")

    # correct the leg pain, from the link that names the check-in
    change = cards.nth(1).get_by_role("link", name=re.compile(r"^Change the check-in of "))
    label = heading.inner_text()
    expect(change).to_have_accessible_name(f"Change the check-in of {label}")
    change.click()
    page.wait_for_url(f"**/journal/entries/{wrong.pk}/")
    expect(page.locator('input[name="leg_pain"][value="9"]')).to_be_checked()
    expect(page.locator('input[name="back_pain"][value="2"]')).to_be_checked()
    check("pt-entry")
    if javascript:  # a refused change: the same page with its error (a POST's answer)
        page.locator("#checkin-form").evaluate("form => { form.noValidate = true; }")
        page.locator('input[name="back_pain"]:checked').evaluate("box => { box.checked = false; }")
        page.get_by_role("button", name="Save the changes").click()
        check("pt-entry", "refused", status=400)
        expect(page.locator("#form-errors")).to_contain_text("Back pain")
        page.locator('input[name="back_pain"][value="2"]').check()
    page.locator('input[name="leg_pain"][value="3"]').check()
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_url(f"**/journal/entries/#entry-{wrong.pk}")
    expect(page.get_by_text("is changed.")).to_be_visible()
    expect(page.locator(f"#entry-{wrong.pk}")).to_contain_text("3 out of 10")
    assert journal_store.to_checkin(JournalEntry.objects.get(pk=wrong.pk)).leg_pain == 3

    # delete the other one, after the question
    twice = JournalEntry.objects.get(leg_pain=5)
    delete = page.locator(f"#entry-{twice.pk}").get_by_role(
        "link", name=re.compile(r"^Delete the check-in of ")
    )
    delete.click()
    page.wait_for_url(f"**/journal/entries/{twice.pk}/delete/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delete your check-in of")
    expect(page.locator("main")).to_contain_text("5 out of 10")  # what will go
    check("pt-entry-delete")
    screenshot(page, f"journal-entry-delete-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="Yes, delete this check-in").click()
    page.wait_for_url("**/journal/entries/")
    expect(page.get_by_text("is deleted.")).to_be_visible()
    expect(page.locator("article.entry")).to_have_count(1)
    assert list(JournalEntry.objects.values_list("leg_pain", flat=True)) == [3]

    # the clinician's export has the corrected diary
    export = page.request.get(site + "/api/journal/export?format=json")
    assert [c["leg_pain"] for c in export.json()["checkins"]] == [3]
    context.close()
    assert sweep.routes == {"pt-entries", "pt-entry", "pt-entry-delete"}
    assert sweep.problems == {}, json.dumps(sweep.problems, indent=1)
