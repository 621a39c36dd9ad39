"""The whole journey twice, as two kinds of visitor meet it: with JavaScript turned off (every
step a plain form post) and by keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys); and
the defects those walks found, each on its own."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from playwright.sync_api import Page, expect

from .test_flow import tabs_until
from .test_pages import none_of_these, region
from .test_reflow_and_focus import _account_with_a_saved_plan

PASSWORD = "correct horse battery staple"


def test_a_refused_sign_up_starts_at_its_error_summary(page: Page, site: str) -> None:
    """3.3.1 and 4.1.3 on the account forms too: the title says "Error: " and focus is on the
    summary, not on the user name field the page would otherwise autofocus."""
    page.goto(site + "/accounts/signup/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("kim")
    tabs_until(page, "id_password1")
    page.keyboard.type("short")
    tabs_until(page, "id_password2")
    page.keyboard.type("short")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: Create an account"))
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This password is too short")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_password2")).to_be_focused()


def test_an_expired_interview_sends_you_to_a_working_body_map(page: Page, site: str) -> None:
    """The interview lives in the session (two hours). Answered after it expired, htmx used to
    swap the body map into the interview's page without bodymap.js: a picture that did nothing,
    and no note saying so. Now the server asks for a full page load."""
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("#step-heading")).to_have_text("Nerves and bladder")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="None of these apply to me").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/")
    expect(page.locator(".message")).to_have_text("Start by marking where you feel your symptoms.")
    expect(page.locator("#brush")).to_be_visible()  # bodymap.js ran
    buttock = region(page, "right.buttock-center", "back")
    buttock.focus()
    page.keyboard.press("Enter")
    expect(buttock).to_have_attribute("aria-pressed", "true")


def test_a_refused_interview_step_shows_why_instead_of_doing_nothing(page: Page, site: str) -> None:
    """htmx dropped every 4xx and 5xx but 400: an expired form (403), too many requests (429) or
    a server error left the button doing nothing. The server's page is now shown, as it is
    without JavaScript, and focus goes to its heading."""
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("#step-heading")).to_have_text("Nerves and bladder")
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.get_by_role("button", name="None of these apply to me").focus()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("This form has expired")
    expect(heading).to_be_focused()
    expect(page).to_have_title("This form has expired · paintrace")


def test_an_interview_step_that_cannot_be_sent_says_so(page: Page, site: str) -> None:
    """No answer at all (offline, the server down): htmx gave up without a word. Without
    JavaScript the browser would show its own error page; now the page says it, focused."""
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("#step-heading")).to_have_text("Nerves and bladder")
    page.route("**/interview/**", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="None of these apply to me").focus()
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This was not sent")
    expect(alert).to_contain_text("Check your internet connection, then try again.")
    expect(alert).to_be_focused()
    page.unroute("**/interview/**")
    page.get_by_role("button", name="None of these apply to me").click()  # again: it goes
    expect(page.locator("#step-heading")).to_have_text("Infection and cancer")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_without_javascript_the_list_of_places_promises_only_what_works(
    browser: Any, page: Page, site: str
) -> None:
    """Without the script the list cannot be searched and the picture does not follow the
    ticks: the page said both. With the script it still says them."""
    context = browser.new_context(java_script_enabled=False)
    nojs = context.new_page()
    nojs.goto(site + "/")
    listing = nojs.locator("#region-list")
    expect(listing.locator("#region-search")).to_be_hidden()
    expect(listing.locator("> summary")).not_to_contain_text("search", use_inner_text=True)
    expect(listing.locator("> .help")).to_have_text(
        "Tick what you feel in each place.", use_inner_text=True
    )
    context.close()

    page.goto(site + "/")
    page.locator("#region-list > summary").click()
    expect(page.locator("#region-search")).to_be_visible()
    expect(page.locator("#region-list > summary")).to_contain_text(
        "search and tick", use_inner_text=True
    )
    expect(page.locator("#region-list > .help")).to_contain_text(
        "The list and the picture show the same marks.", use_inner_text=True
    )


SUMMARY_MARKERS = """() => [...document.querySelectorAll("summary")]
    .filter(s => s.getClientRects().length)
    .map(s => {
        const shown = getComputedStyle(s).display === "list-item"
            || !["none", "normal"].includes(getComputedStyle(s, "::before").content);
        return [s.textContent.trim().replace(/\\s+/g, " "), shown];
    })"""


def test_every_fold_shows_that_it_opens(page: Page, site: str) -> None:
    """A <summary> laid out as flex loses its triangle: "Where it hurts today", "Add what you
    did" and "Why am I asked this?" looked like plain labels, though Tab stops on them."""
    _, aid = _account_with_a_saved_plan(page, site, "folds")
    seen: dict[str, bool] = {}
    for path in ("/journal/check-in/", f"/a/{aid}/session/"):
        page.goto(site + path)
        seen.update(dict(page.evaluate(SUMMARY_MARKERS)))
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    none_of_these(page)
    seen.update(dict(page.evaluate(SUMMARY_MARKERS)))
    for must in ("Where it hurts today", "Add what you did", "Why am I asked", "How to find"):
        assert any(name.startswith(must) for name in seen), (must, seen)
    assert [name for name, shown in seen.items() if not shown] == []
