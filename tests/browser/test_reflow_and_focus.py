"""WCAG 2.2 AA checks only a browser can make: reflow at 320 px, the Tab order of the body map's
controls, focus and title after a refused form, and contrast of the marks as drawn."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect


def test_the_body_map_fits_320_px_without_scrolling_sideways(page: Page, site: str) -> None:
    """1.4.10 Reflow: 320 CSS px is a 1280 px screen zoomed to 400 %."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + "/")
    expect(page.locator("#brush")).to_be_visible()  # the script's controls are in the layout
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide at 320 px"


def test_every_view_button_is_a_tab_stop_on_a_phone(page: Page, site: str) -> None:
    """2.1.1 Keyboard: below 60em one view shows at a time; Tab reaches each view button (they
    are plain toggle buttons, not a toolbar, so nothing says arrow keys would be needed)."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/")
    back = page.get_by_role("button", name="Back", exact=True)
    expect(back).to_have_attribute("aria-pressed", "true")
    back.focus()
    for name in ("Front", "Sides", "Soles"):
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name=name, exact=True)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # on Sides
    expect(page.get_by_role("button", name="Sides", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".bodymap-view-sides")).to_be_visible()
    expect(page.locator(".bodymap-view-back")).to_be_hidden()


def test_a_refused_form_starts_at_its_error_summary(
    page: Page, site: str, csp_errors: list[str]
) -> None:
    """3.3.1 and 4.1.3: after a full page load with errors, the title says "Error: " and focus
    is on the summary (the static script does it: no inline script under the CSP)."""
    page.goto(site + "/")
    page.get_by_role("button", name="Continue to the questions").click()  # nothing marked
    page.wait_for_load_state()
    expect(page).to_have_title("Error: Mark where you feel it · paintrace")
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Mark at least one place")

    # a bad age (the browser's own check switched off, as some browsers have none): the
    # summary's link leads to the field, which is described by its message
    page.locator('.bodymap-view-back [data-region="right.sacroiliac"]').click()
    page.get_by_label("Your age").fill("200")
    page.locator("#drawing-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Continue to the questions").click()
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    age = page.get_by_label("Your age")
    expect(age).to_have_accessible_description(re.compile("Enter an age from 0 to 120"))
    assert csp_errors == []


def _account_with_a_saved_plan(page: Page, site: str, username: str) -> tuple[Any, str]:
    """A new account with one saved self-care assessment, logged in on the page's browser too:
    the Django test client that made it (to add check-ins), and the assessment's id."""
    import json

    from django.conf import settings
    from django.test import Client

    from paintrace.knowledge import load_knowledge

    client = Client()
    password = "correct horse battery staple"
    signup = {"username": username, "password1": password, "password2": password}
    assert client.post("/accounts/signup/", signup).status_code == 302
    flags = {f.id: False for f in load_knowledge().findings.values() if f.group == "red-flag"}
    case = {"drawing": {"right.buttock-center": ["pain"]}, "findings": flags}
    made = client.post("/api/assessments", json.dumps(case), content_type="application/json")
    aid = made.json()["id"]
    assert client.post(f"/a/{aid}/save/").status_code == 302
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site}]
    )
    return client, aid


def test_the_journal_s_tables_scroll_on_their_own_at_320_px(page: Page, site: str) -> None:
    """1.4.10 Reflow: a wide table scrolls sideways in its own box (a keyboard stop with a name),
    the page itself stays 320 px wide."""
    import json

    client, _ = _account_with_a_saved_plan(page, site, "narrow")
    for leg in (7, 5, 4):
        body = {"leg_pain": leg, "back_pain": 2, "note": "", "regions": {"right.calf-upper": 6}}
        r = client.post("/api/journal/entries", json.dumps(body), content_type="application/json")
        assert r.status_code == 201, r.content
    r = client.post("/journal/activities/", {"new_activity": "sitting through a film", "score": 4})
    assert r.status_code == 302

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + "/journal/")
    tables = page.locator("main table")
    expect(tables).to_have_count(4)  # pain, activities, places, sources
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide at 320 px"
    for i in range(4):
        box = tables.nth(i).locator("xpath=..")
        expect(box).to_have_attribute("role", "region")
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_accessible_name(re.compile(r"\w"))
        expect(tables.nth(i).locator("caption")).to_have_count(1)


def test_the_link_lists_scroll_on_their_own_at_320_px(page: Page, site: str) -> None:
    """1.4.10 Reflow on the two account pages that list links (shares, view-only links): the
    table scrolls in its own named box, the page stays 320 px wide."""
    client, aid = _account_with_a_saved_plan(page, site, "links")
    assert client.post("/journal/share/", {"days": "7"}).status_code == 200
    assert client.post(f"/a/{aid}/views/", {"days": "7"}).status_code == 200

    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/journal/share/", f"/a/{aid}/views/"):
        page.goto(site + path)
        table = page.locator("main table")
        expect(table).to_have_count(1)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"
        box = table.locator("xpath=..")
        expect(box).to_have_attribute("role", "region")
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_accessible_name(re.compile(r"\w"))


def scale_targets(page: Page) -> list[dict[str, float]]:
    """Each visible 0-10 (or 1-10) choice's hit area: its radio covers the whole label."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll(".scale input")]
                .filter(i => i.getClientRects().length)
                .map(i => { const r = i.getBoundingClientRect();
                            return {name: i.name, value: i.value, w: r.width, h: r.height}; })"""
        )
    )


def test_every_number_scale_has_24_px_targets_at_320_px(page: Page, site: str) -> None:
    """2.5.8 Target Size (Minimum): each number of a pain or score scale is at least 24 by 24 CSS
    px at 320 px wide, without the page scrolling sideways (1.4.10)."""
    _account_with_a_saved_plan(page, site, "scales")

    page.set_viewport_size({"width": 320, "height": 640})
    seen: dict[str, int] = {}
    for path in ("/", "/journal/check-in/", "/journal/activities/"):
        page.goto(site + path)
        if page.locator("#checkin-map").count():
            page.locator("#checkin-map > summary").click()  # the map's 1-10 strength scale
            expect(page.locator(".level-scale")).to_be_visible()
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"
        for t in scale_targets(page):
            seen[t["name"]] = seen.get(t["name"], 0) + 1
            assert t["w"] >= 24 and t["h"] >= 24, f"{path} {t['name']}={t['value']}: {t}"
    assert seen == {
        "pain": 11,
        "leg_pain": 11,
        "back_pain": 11,
        "brush-level": 10,
        "score": 11,
    }


def test_a_page_after_a_saved_form_starts_at_its_message(page: Page, site: str) -> None:
    """4.1.3 Status messages: "Check-in saved" sat in a status region that was filled before
    the page loaded, so it was never read out, and focus started at the top of the page."""
    _account_with_a_saved_plan(page, site, "told")
    page.goto(site + "/journal/check-in/")
    page.locator('input[name="leg_pain"][value="4"]').check()
    page.locator('input[name="back_pain"][value="1"]').check()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()
    message = page.locator(".messages")
    expect(message).to_be_focused()
    expect(message).to_have_text("Check-in saved. Thank you.")
    page.goto(site + "/journal/")  # no message: focus stays where a page load leaves it
    expect(page.locator("body")).to_be_focused()
