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
    expect(page.locator("#id_password1")).to_be_focused()  # the rule is the password's


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


def test_an_interview_step_sent_too_large_says_so_in_words(
    page: Page, site: str, body_limit: None, csp_errors: list[str]
) -> None:
    """The body-size guard answered every path in JSON, which htmx swapped into the page raw:
    a person in pain read {"detail": [{"loc": ["body"], ...}]}. Now a page says what happened
    and what to do, and focus goes to its heading as for any refused step."""
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("#step-heading")).to_have_text("Nerves and bladder")
    page.evaluate(
        """() => {
            const pad = document.createElement("input");
            pad.type = "hidden"; pad.name = "pad"; pad.value = "x".repeat(70 * 1024);
            document.querySelector("#interview form").appendChild(pad);
        }"""
    )
    with page.expect_response(lambda r: r.url.endswith("/interview/")) as sent:
        page.get_by_role("button", name="None of these apply to me").focus()
        page.keyboard.press("Enter")
    assert sent.value.status == 413
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("What you sent was too large")
    expect(heading).to_be_focused()
    expect(page).to_have_title("Error: What you sent was too large · paintrace")
    expect(page.locator("main")).to_contain_text("nothing was saved")
    assert "detail" not in page.locator("body").inner_text()
    assert not csp_errors


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
    """Without the script the list cannot be searched: the page said it could. The picture
    follows the ticks either way (without the script by CSS, bodymap-list.css), so both say
    so."""
    context = browser.new_context(java_script_enabled=False)
    nojs = context.new_page()
    nojs.goto(site + "/")
    listing = nojs.locator("#region-list")
    expect(listing.locator("#region-search")).to_be_hidden()
    expect(listing.locator("> summary")).not_to_contain_text("search", use_inner_text=True)
    expect(listing.locator("> .help")).to_have_text(
        "Tick what you feel in each place. The list and the picture show the same marks.",
        use_inner_text=True,
    )
    expect(nojs.get_by_text("the picture shows what you tick there")).to_be_visible()
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


# --------------------------------------------------------------------------- the whole journeys


def honest_without_javascript(page: Page) -> None:
    """Nothing on the page waits for a script: no visible script-only button, every posted form
    carries its CSRF token."""
    dead = page.locator('main button[type="button"]:visible')
    assert dead.count() == 0, dead.all_inner_texts()
    for form in page.locator('form[method="post"]').all():
        expect(form.locator('input[name="csrfmiddlewaretoken"]')).to_have_count(1)


def test_the_whole_journey_without_javascript(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()

    # draw: the list is the picture's fallback, open, and says why
    page.goto(site + "/")
    expect(page.get_by_text("The picture needs JavaScript to be tapped.")).to_be_visible()
    expect(page.locator("#region-list")).to_have_attribute("open", "")
    honest_without_javascript(page)
    page.locator('input[name="r:right.buttock-center"][value="pain"]').check()
    page.locator('input[name="r:right.thigh-posterior-upper"][value="pain"]').check()
    page.get_by_role("button", name="Continue to the questions").click()

    # every warning sign "I don't know", then every question "I don't know"
    for n in range(1, 5):
        expect(page.locator(".progress-text")).to_have_text(f"Warning signs {n} of 4")
        honest_without_javascript(page)
        for radio in page.locator('input[type="radio"][value="unknown"]').all():
            radio.check()
        page.get_by_role("button", name="Continue with these answers").click()
    for _ in range(30):
        if "/a/" in page.url:
            break
        honest_without_javascript(page)
        page.get_by_role("button", name="I don't know", exact=True).click()
    expect(page.locator(".banner-kicker")).to_have_text("Some warning signs are still open")
    expect(page.locator("#plan")).to_have_count(0)
    honest_without_javascript(page)

    # answered on the result page: the plan, its session (a checklist) and its PDF
    open_flags = page.locator("#open-flags")
    for radio in open_flags.locator('input[type="radio"][value="no"]').all():
        radio.check()
    open_flags.get_by_role("button", name="Update my result").click()
    expect(page.locator(".message")).to_have_text("Your result has been updated with your answers.")
    plan = page.locator("#plan")
    expect(plan).to_be_visible()
    plan.get_by_role("link", name="Start today's session").first.click()
    expect(page.locator(".routine-step").first).to_be_visible()
    honest_without_javascript(page)
    page.get_by_role("link", name="Back to your plan").first.click()
    with page.expect_download() as pdf:
        plan.get_by_role("link", name="Download the plan (PDF)").click()
    assert pdf.value.suggested_filename == "paintrace-plan.pdf"

    # save it to a new account, the sign-up refused once
    page.get_by_role("button", name="Save to my account").click()
    page.get_by_role("link", name="Create one").click()
    page.get_by_label("Username").fill("nojs")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD + "!")
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#form-errors")).to_contain_text("didn’t match")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    honest_without_javascript(page)
    page.get_by_role("button", name="Save to my account").click()
    expect(page.locator(".message")).to_contain_text("Saved to your account")

    # a daily check-in, a place marked through the list
    page.get_by_role("link", name="My journal").click()
    page.get_by_role("link", name="Check in today").click()
    honest_without_javascript(page)
    page.locator('input[name="leg_pain"][value="6"]').check()
    page.locator('input[name="back_pain"][value="2"]').check()
    page.locator("#checkin-map > summary").click()
    expect(page.locator("#region-list")).to_have_attribute("open", "")
    page.locator('input[name="r:right.calf-upper"]').check()
    page.locator('select[name="ri:right.calf-upper"]').select_option("8")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator(".message")).to_have_text("Check-in saved. Thank you.")

    # progress, exports
    place = page.locator("tr", has=page.get_by_role("rowheader", name="Upper calf (right)"))
    expect(place.locator("td")).to_have_text(["1", "8.0", "8"])
    honest_without_javascript(page)
    with page.expect_download() as csv:
        page.get_by_role("link", name="Download CSV").click()
    assert csv.value.suggested_filename.endswith(".csv")
    with page.expect_download() as summary:
        page.get_by_role("link", name="One-page PDF for your clinician").click()
    assert summary.value.suggested_filename.endswith(".pdf")

    # log out, log in (refused once), delete the account (refused once)
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".message")).to_have_text("You are logged out.")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("nojs")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#form-errors")).to_contain_text("Please enter a correct username")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Delete your account and all its data").click()
    page.get_by_label("Your password, to confirm").fill("not my password")
    page.get_by_role("button", name="Yes, delete everything for good").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#form-errors")).to_contain_text("That is not your password.")
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Yes, delete everything for good").click()
    expect(page.locator(".message")).to_contain_text("deleted for good")
    context.close()


FOCUS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {name: "", ring: false};
    const ring = (s) => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
        || s.boxShadow !== "none";
    const cs = getComputedStyle(e);
    const next = e.nextElementSibling;
    const shown = ring(cs) || (e instanceof SVGElement && parseFloat(cs.strokeWidth) >= 3)
        || (!!next && ring(getComputedStyle(next)));
    const text = e.textContent.trim().replace(/\\s+/g, " ");
    const name = e.getAttribute("data-region") || e.id || text || `${e.name}=${e.value}`;
    return {name, ring: shown};
}"""


def tab_to(page: Page, want: str, key: str = "Tab", limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until the focused element's region, id, text or name=value
    starts with `want`; every stop on the way must show where focus is (2.4.7)."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = page.evaluate(FOCUS)
        assert now["name"], "focus left the page"
        assert now["ring"], f"no visible focus on {now['name']!r}"
        if now["name"].startswith(want):
            return
    raise AssertionError(f"{want!r} not reached in {limit} presses of {key}")


def press_and_load(page: Page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_whole_journey_by_keyboard(page: Page, site: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})

    # draw: the skip link, then a region of the back view, by Enter
    page.goto(site + "/")
    tab_to(page, "Skip to the body map")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Back", exact=True)).to_be_focused()
    tab_to(page, "right.buttock-center")
    page.keyboard.press("Enter")
    expect(region(page, "right.buttock-center", "back")).to_have_attribute("aria-pressed", "true")
    tab_to(page, "continue")
    press_and_load(page)

    # the warning signs: each question's "I don't know" by arrow keys; htmx swaps each screen
    # in and focus goes to its heading
    for n in range(1, 5):
        expect(page.locator(".progress-text")).to_have_text(f"Warning signs {n} of 4")
        for _ in range(page.locator('input[type="radio"][value="yes"]').count()):
            tab_to(page, "rf:")  # the next group's first radio, "yes"
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
        tab_to(page, "Continue with these answers")
        page.keyboard.press("Enter")
        if n < 4:
            expect(page.locator(".progress-text")).to_have_text(f"Warning signs {n + 1} of 4")
        expect(page.locator("#step-heading")).to_be_focused()
    for _ in range(30):
        if "/a/" in page.url:
            break
        question = page.locator('input[name="finding"]').input_value()
        tab_to(page, "I don't know")
        page.keyboard.press("Enter")
        page.wait_for_function(
            """(fid) => location.pathname.startsWith("/a/") ||
                 ((document.querySelector('input[name="finding"]') || {}).value || fid) !== fid""",
            arg=question,
        )
        page.wait_for_load_state()
        if "/a/" not in page.url:
            expect(page.locator("#step-heading")).to_be_focused()
    expect(page.locator(".banner-kicker")).to_have_text("Some warning signs are still open")

    # answer the open ones right there ("no": one arrow key), and the plan shows
    for _ in range(page.locator('#open-flags input[type="radio"][value="yes"]').count()):
        tab_to(page, "rf:")
        page.keyboard.press("ArrowRight")
    tab_to(page, "Update my result")
    press_and_load(page)
    expect(page.locator(".message")).to_have_text("Your result has been updated with your answers.")
    tab_to(page, "Start today's session")
    press_and_load(page)
    tab_to(page, "player-toggle")
    page.keyboard.press("Space")
    expect(page.locator("#player-toggle")).to_have_text("Pause")
    page.keyboard.press("Space")
    tab_to(page, "Back to your plan", key="Shift+Tab")
    press_and_load(page)

    # save to a new account: the refused sign-up starts at its summary
    tab_to(page, "Save to my account")
    press_and_load(page)
    tab_to(page, "Create one")
    press_and_load(page)
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("keys")
    tab_to(page, "id_password1")
    page.keyboard.type(PASSWORD)
    tab_to(page, "id_password2")
    page.keyboard.type("something else entirely")
    press_and_load(page)
    expect(page.locator("#form-errors")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_password2")).to_be_focused()
    page.keyboard.type(PASSWORD)
    tab_to(page, "id_password1", key="Shift+Tab")
    page.keyboard.type(PASSWORD)
    press_and_load(page)
    tab_to(page, "Save to my account")
    press_and_load(page)
    expect(page.locator(".message")).to_contain_text("Saved to your account")
    expect(page.locator(".messages")).to_be_focused()  # the outcome is read out first

    # the daily check-in: the scales by arrow keys, a place on the map by Enter
    tab_to(page, "My journal", key="Shift+Tab")  # the header is behind the message
    press_and_load(page)
    tab_to(page, "Check in today")
    press_and_load(page)
    tab_to(page, "leg_pain=0")
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="leg_pain"][value="6"]')).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator('input[name="back_pain"][value="0"]')).to_be_checked()
    tab_to(page, "Where it hurts today")
    page.keyboard.press("Enter")
    tab_to(page, "right.calf-upper")
    page.keyboard.press("Enter")
    expect(page.locator('input[name="r:right.calf-upper"]')).to_be_checked()
    tab_to(page, "Save check-in")
    press_and_load(page)
    expect(page.locator(".message")).to_have_text("Check-in saved. Thank you.")

    # progress and exports
    expect(page.locator("figure.chart svg").first).to_be_visible()
    tab_to(page, "Download CSV")
    with page.expect_download() as csv:
        page.keyboard.press("Enter")
    assert csv.value.suggested_filename.endswith(".csv")
    tab_to(page, "One-page PDF for your clinician")
    with page.expect_download() as pdf:
        page.keyboard.press("Enter")
    assert pdf.value.suggested_filename.endswith(".pdf")

    # log out, log in (refused once), delete the account (refused once)
    tab_to(page, "Your account")
    press_and_load(page)
    tab_to(page, "Log out")
    press_and_load(page)
    expect(page.locator(".message")).to_have_text("You are logged out.")
    tab_to(page, "Log in", key="Shift+Tab")
    press_and_load(page)
    page.keyboard.type("keys")
    page.keyboard.press("Tab")
    page.keyboard.type("not my password")
    press_and_load(page)
    expect(page.locator("#form-errors")).to_be_focused()
    tab_to(page, "id_password")
    page.keyboard.type(PASSWORD)
    press_and_load(page)
    tab_to(page, "Your account")
    press_and_load(page)
    tab_to(page, "Delete your account")
    press_and_load(page)
    tab_to(page, "id_password")
    page.keyboard.type("not my password")
    press_and_load(page)
    expect(page.locator("#form-errors")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your password, to confirm")).to_be_focused()
    page.keyboard.type(PASSWORD)
    press_and_load(page)
    expect(page.locator(".message")).to_contain_text("deleted for good")
