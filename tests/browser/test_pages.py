"""The pages in a real browser: marking, the interview, the result, accessibility and weight."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from playwright.sync_api import Page, Response, expect

from paintrace.web import store

from .conftest import PAGE_BUDGET, RESULT_BUDGET, body_size, run_axe, screenshot, serious

PIRIFORMIS_YES = {
    "worse-sitting",
    "hip-rotation-reproduces-buttock-pain",
    "pressure-point-reproduces-pain",
}


def region(page: Page, rid: str, view: str | None = None) -> Any:
    scope = page.locator(f".bodymap-view-{view}") if view else page.locator(".bodymap")
    return scope.locator(f'[data-region="{rid}"]').first


def checkbox(page: Page, rid: str, symptom: str) -> Any:
    return page.locator(f'input[type="checkbox"][name="r:{rid}"][value="{symptom}"]')


def answer_until_result(page: Page, choose: Any, limit: int = 30) -> list[str]:
    """Answer one-question screens (through htmx) until the result page loads."""
    asked: list[str] = []
    for _ in range(limit):
        if "/a/" in page.url:
            return asked
        fid = page.locator('input[name="finding"]').input_value()
        asked.append(fid)
        page.get_by_role("button", name=choose(fid), exact=True).click()
        page.wait_for_function(
            """(fid) => location.pathname.startsWith("/a/") ||
                 ((document.querySelector('input[name="finding"]') || {}).value || fid) !== fid""",
            arg=fid,
        )
        page.wait_for_load_state()
    raise AssertionError(f"no result after {limit} questions: {asked}")


def none_of_these(page: Page) -> int:
    """Choose "None of these apply to me" on each warning-sign screen; how many there were."""
    screens = 0
    while page.locator('input[name="theme"]').count():
        theme = page.locator('input[name="theme"]').input_value()
        page.get_by_role("button", name="None of these apply to me").click()
        page.wait_for_function(
            """(t) => !document.querySelector('input[name="theme"]') ||
                 document.querySelector('input[name="theme"]').value !== t""",
            arg=theme,
        )
        page.wait_for_load_state()
        screens += 1
    return screens


def test_mark_by_mouse_and_keyboard_then_piriformis_ranks_first(
    page: Page, site: str, csp_errors: list[str]
) -> None:
    page.goto(site + "/")
    expect(page.locator("#brush")).to_be_visible()

    # mouse: a tap marks the chosen symptom, a second tap removes it
    region(page, "right.buttock-center", "back").click()
    expect(region(page, "right.buttock-center", "back")).to_have_class("region marked sym-pain")
    expect(checkbox(page, "right.buttock-center", "pain")).to_be_checked()
    page.locator(".brush-option", has_text="Numbness").click()
    region(page, "right.buttock-center", "back").click()
    expect(region(page, "right.buttock-center", "back")).to_have_class(
        "region marked sym-pain sym-numbness multi"
    )
    region(page, "right.buttock-center", "back").click()
    expect(checkbox(page, "right.buttock-center", "numbness")).not_to_be_checked()
    page.locator(".brush-option", has_text="Pain").click()

    # keyboard: every region is a named button; Enter and Space toggle it
    sacroiliac = region(page, "right.sacroiliac", "back")
    sacroiliac.focus()
    page.keyboard.press("Enter")
    expect(sacroiliac).to_have_attribute("aria-pressed", "true")
    expect(sacroiliac).to_have_attribute("aria-label", "Sacroiliac area (right): pain")
    thigh = region(page, "right.thigh-posterior-upper", "back")
    thigh.focus()
    page.keyboard.press("Space")
    expect(checkbox(page, "right.thigh-posterior-upper", "pain")).to_be_checked()
    page.keyboard.press("Tab")  # on to the next region of the same view
    expect(page.locator(":focus")).to_have_attribute("data-region", "left.thigh-posterior-lower")

    # the list mirrors the picture, and the other way round
    page.locator("#region-list > summary").click()
    checkbox(page, "left.calf-lower", "tingling").check()
    expect(region(page, "left.calf-lower")).to_have_class("region marked sym-tingling")
    checkbox(page, "left.calf-lower", "tingling").uncheck()
    expect(region(page, "left.calf-lower")).to_have_class("region")
    expect(page.locator("#mark-count")).to_have_text("You have marked 3 places.")
    screenshot(page, "1-bodymap-marked")

    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.get_by_role("heading", name="Nerves and bladder")).to_be_visible()
    expect(page.locator(".progress-text")).to_have_text("Warning signs 1 of 4")
    screenshot(page, "2-red-flags")
    assert none_of_these(page) == 4
    expect(page.locator('input[name="finding"]')).to_have_count(1)
    expect(page).to_have_url(site + "/interview/?step=4")
    expect(page.locator("#step-heading")).to_be_focused()
    expect(page.locator("img.figure")).to_be_visible()
    page.locator("details.why summary").click()
    screenshot(page, "3-question-self-test")

    asked = answer_until_result(page, lambda fid: "Yes" if fid in PIRIFORMIS_YES else "No")
    assert len(asked) == len(set(asked))
    expect(page.locator(".banner-self-care")).to_be_visible()
    first = page.locator(".source").first
    expect(first.locator("h3")).to_contain_text("Piriformis")
    expect(first.locator(".compare svg").first).to_be_visible()
    expect(
        first.locator('.compare [data-region="right.buttock-center"].zone-essential')
    ).to_have_count(1)
    saved = store.from_url(page.url)
    expect(page.locator(".plan")).to_have_count(1 if saved.result["plan"] else 0)
    screenshot(page, "4-result-self-care")
    assert csp_errors == []


def test_a_marked_place_shows_its_symptom_s_pattern_as_drawn(page: Page, site: str) -> None:
    """1.4.1 Use of Color: the script fills a tapped place with its symptom's pattern (colour and
    marks), and the stylesheet leaves that fill alone."""
    page.goto(site + "/")
    expect(page.locator("#brush")).to_be_visible()
    buttock = region(page, "right.buttock-center", "back")
    buttock.click()
    expect(buttock).to_have_attribute("fill", "url(#bm-back-pattern-pain)")
    drawn = buttock.evaluate("el => getComputedStyle(el).fill")
    assert drawn == 'url("#bm-back-pattern-pain")', drawn
    page.locator(".brush-option", has_text="Numbness").click()
    buttock.click()  # pain and numbness: the pain pattern, as the colour is pain's
    expect(buttock).to_have_attribute("fill", "url(#bm-back-pattern-pain)")
    page.locator("#region-list > summary").click()
    checkbox(page, "left.calf-lower", "tingling").check()
    expect(region(page, "left.calf-lower")).to_have_attribute(
        "fill", "url(#bm-back-pattern-tingling)"
    )
    checkbox(page, "left.calf-lower", "tingling").uncheck()
    expect(region(page, "left.calf-lower")).not_to_have_attribute("fill", re.compile("."))
    grey = region(page, "left.calf-lower").evaluate("el => getComputedStyle(el).fill")
    assert grey == "rgb(228, 228, 228)", grey
    key = page.locator(".legend li", has_text="Numbness (lines across)")
    expect(key.locator("svg.swatch-marks path")).to_have_count(4)  # the marks on 2 by 2 tiles


def test_the_script_makes_every_region_a_toggle_button(page: Page, site: str) -> None:
    # The server sends plain shapes (a tap does nothing without JavaScript); bodymap.js turns
    # each into a named toggle button in the Tab order, and each view into a group.
    page.goto(site + "/")
    expect(page.locator("#brush")).to_be_visible()
    shapes = page.locator("#picture [data-region]")
    total = shapes.count()
    assert total >= 74
    expect(page.locator('#picture [data-region][role="button"][tabindex="0"]')).to_have_count(total)
    expect(page.locator('#picture [data-region][aria-pressed="false"]')).to_have_count(total)
    expect(page.locator('#picture svg[role="group"]')).to_have_count(4)
    buttock = region(page, "right.buttock-center", "back")
    expect(buttock).to_have_accessible_name("Middle of the buttock (right)")
    buttock.focus()
    page.keyboard.press("Enter")
    expect(buttock).to_have_attribute("aria-pressed", "true")


def test_going_back_in_the_browser_changes_an_answer(page: Page, site: str) -> None:
    page.goto(site + "/")
    for rid in ("right.buttock-center", "right.sacroiliac"):
        region(page, rid, "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    none_of_these(page)
    first = page.locator('input[name="finding"]').input_value()
    page.get_by_role("button", name="No", exact=True).click()
    expect(page).to_have_url(site + "/interview/?step=5")
    page.get_by_role("link", name="Back to the previous question").click()
    expect(page.locator('input[name="finding"]')).to_have_value(first)
    expect(page.locator(".previous")).to_contain_text("You answered no before.")
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page).to_have_url(site + "/interview/?step=5")
    expect(page.locator(".previous")).to_have_count(0)


def test_none_of_these_after_a_yes_asks_to_check(page: Page, site: str) -> None:
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    page.locator('input[name="rf:foot-drop"][value="yes"]').check()
    page.get_by_role("button", name="None of these apply to me").click()
    expect(page.locator("#form-errors")).to_contain_text("You answered yes to one question")
    expect(page.locator('input[name="rf:foot-drop"][value="yes"]')).to_be_checked()


def test_saddle_numbness_shows_the_emergency_banner_and_no_plan(
    page: Page, site: str, csp_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/")
    expect(page.locator("#view-tabs")).to_be_visible()
    expect(page.get_by_role("button", name="Back", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )  # the back view first on a phone
    region(page, "left.buttock-center", "back").click()
    page.locator(".brush-option", has_text="Numbness").click()
    page.get_by_role("button", name="Front", exact=True).click()
    saddle = region(page, "perineum", "front")
    expect(saddle).to_be_visible()
    saddle.click()
    expect(page.locator("#mark-count")).to_have_text("You have marked 2 places.")
    screenshot(page, "5-bodymap-saddle")
    page.get_by_role("button", name="Continue to the questions").click()
    page.wait_for_url("**/a/**")
    banner = page.locator(".banner-emergency")
    expect(banner.get_by_role("heading", level=1)).to_have_text("Go to an emergency department now")
    expect(page.locator(".plan")).to_have_count(0)
    expect(page.locator(".sources")).to_have_count(0)
    screenshot(page, "6-result-emergency")
    assert csp_errors == []


def test_the_region_list_can_be_searched(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.locator("#region-list > summary").click()
    search = page.get_by_label("Find a place")
    search.fill("calf")
    expect(page.locator("#search-count")).to_have_text("4 places match.")
    expect(page.locator(".rg:visible")).to_have_count(4)
    search.fill("heel left")
    expect(page.locator(".rg:visible legend")).to_have_text(["Heel (left)"])
    search.press("Enter")  # must not submit the form
    expect(page).to_have_url(site + "/")
    search.fill("elbow")
    expect(page.locator("#search-count")).to_have_text("No place matches “elbow”.")
    search.fill("")
    expect(page.locator(".rg:visible")).to_have_count(74)


def test_axe_finds_no_serious_problems(page: Page, site: str) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    def check(name: str) -> None:
        violations = run_axe(page)
        print(f"axe {name}:", json.dumps(violations) if violations else "no violations")
        found[name] = serious(violations)

    page.goto(site + "/")
    check("bodymap")
    page.locator("#region-list > summary").click()
    region(page, "right.buttock-center", "back").click()
    check("bodymap-list-open")
    page.get_by_role("button", name="Continue to the questions").click()
    page.wait_for_url("**/interview/")
    check("red-flags")
    none_of_these(page)
    expect(page.locator('input[name="finding"]')).to_have_count(1)
    check("question")
    answer_until_result(page, lambda fid: "No")
    check("result")
    page.get_by_role("link", name="Delete for good").click()
    check("delete")
    assert found == {k: [] for k in found}, json.dumps(found, indent=1)


def test_pages_are_light_and_talk_only_to_their_server(page: Page, site: str) -> None:
    requests: list[str] = []
    responses: list[Response] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: responses.append(r))

    def weight(name: str) -> int:
        page.wait_for_load_state("networkidle")
        sizes = {r.url.removeprefix(site): body_size(r) for r in responses if r.status < 300}
        total = sum(sizes.values())
        print(f"page weight {name}: {total} bytes", json.dumps(sizes))
        responses.clear()
        return total

    page.goto(site + "/")
    assert weight("bodymap") <= PAGE_BUDGET
    region(page, "right.buttock-center", "back").click()
    region(page, "right.thigh-posterior-upper", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    assert weight("red-flags (full load)") <= PAGE_BUDGET
    none_of_these(page)
    expect(page.locator('input[name="finding"]')).to_have_count(1)
    assert weight("question (htmx swap)") <= PAGE_BUDGET
    page.reload()
    assert weight("question (full load)") <= PAGE_BUDGET
    answer_until_result(page, lambda fid: "Yes" if fid in PIRIFORMIS_YES else "No")
    responses.clear()
    page.reload()
    assert weight("result (full load)") <= RESULT_BUDGET
    assert requests and all(url.startswith(site + "/") for url in requests), requests


def test_delete_for_good_from_the_result_page(page: Page, site: str) -> None:
    page.goto(site + "/")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    none_of_these(page)
    answer_until_result(page, lambda fid: "I don't know")
    result_url = page.url
    page.get_by_role("link", name="Delete for good").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this assessment for good?")
    screenshot(page, "7-delete-confirm")
    page.get_by_role("button", name="Yes, delete it for good").click()
    expect(page).to_have_url(site + "/")
    expect(page.locator(".message")).to_have_text("Your assessment has been deleted for good.")
    assert page.goto(result_url).status == 404


def test_everything_works_without_javascript(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site + "/")
    expect(page.locator("#brush")).to_be_hidden()
    expect(page.locator("#region-list")).to_have_attribute("open", "")
    checkbox(page, "right.buttock-center", "pain").check()
    checkbox(page, "right.sacroiliac", "pain").check()
    page.get_by_label("Your age").fill("45")
    page.get_by_role("button", name="Continue to the questions").click()
    assert none_of_these(page) == 4
    expect(page).to_have_url(site + "/interview/?step=4")
    answer_until_result(page, lambda fid: "Yes" if fid in PIRIFORMIS_YES else "No")
    expect(page.locator(".source").first.locator("h3")).to_contain_text("Piriformis")
    context.close()


FILL = "el => getComputedStyle(el).fill"


def _share_of(png: bytes, colour: tuple[int, int, int]) -> float:
    """The share of a screenshot's pixels that are `colour` (give or take antialiasing)."""
    from PIL import Image

    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    near = [p for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, colour, strict=True))]
    return len(near) / len(pixels)


def test_without_javascript_the_picture_shows_the_ticks_of_the_list(
    browser: Any, site: str
) -> None:
    """The list is the form; the picture follows its ticks by CSS alone (bodymap-list.css,
    linked in <noscript>): each ticked place in its symptom's pattern, in every view it is
    drawn in, the one shown first (pain) winning; unticking clears it, also a mark the server
    drew into the picture."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    buttock = region(page, "right.buttock-center", "back")
    plain = buttock.evaluate(FILL)
    assert plain == "rgb(228, 228, 228)", plain
    assert _share_of(buttock.screenshot(), (198, 40, 40)) == 0
    checkbox(page, "right.buttock-center", "numbness").check()
    assert buttock.evaluate(FILL) == 'url("#bm-back-pattern-numbness")'
    checkbox(page, "right.buttock-center", "pain").check()
    assert buttock.evaluate(FILL) == 'url("#bm-back-pattern-pain")'
    # the pattern is drawn, not only named: the place turns the pain red (#c62828)
    assert _share_of(buttock.screenshot(), (198, 40, 40)) > 0.15
    checkbox(page, "right.heel", "tingling").check()
    for view in ("back", "soles"):
        fill = region(page, "right.heel", view).evaluate(FILL)
        assert fill == f'url("#bm-{view}-pattern-tingling")', view
    checkbox(page, "right.buttock-center", "pain").uncheck()
    checkbox(page, "right.buttock-center", "numbness").uncheck()
    assert buttock.evaluate(FILL) == plain

    # a form sent back (an age out of range; the browser's own check off, as in some
    # browsers): the server drew the heel into the picture, and unticking it clears it
    page.get_by_label("Your age").fill("200")
    page.locator("#drawing-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Continue to the questions").click()
    expect(page.locator("#form-errors")).to_contain_text("age")
    heel = region(page, "right.heel", "soles")
    expect(heel).to_have_class(re.compile(r"\bmarked\b"))
    assert heel.evaluate(FILL) == 'url("#bm-soles-pattern-tingling")'
    checkbox(page, "right.heel", "tingling").uncheck()
    assert heel.evaluate(FILL) == plain
    context.close()


def test_without_javascript_the_check_in_map_shows_the_ticks_too(browser: Any, site: str) -> None:
    """At check-in a place hurts or not (pain): ticked, or given a strength without a tick
    (which counts as ticked), it turns pain red on the picture."""
    from .test_reflow_and_focus import _account_with_a_saved_plan

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _account_with_a_saved_plan(page, site, "nojs-map")
    page.goto(site + "/journal/check-in/")
    page.locator("#checkin-map > summary").click()
    calf = region(page, "right.calf-upper", "back")
    shin = region(page, "left.leg-anterior", "front")
    assert calf.evaluate(FILL) == shin.evaluate(FILL) == "rgb(228, 228, 228)"
    page.locator('input[name="r:right.calf-upper"]').check()
    assert calf.evaluate(FILL) == 'url("#bm-back-pattern-pain")'
    page.locator('select[name="ri:left.leg-anterior"]').select_option("3")
    assert shin.evaluate(FILL) == 'url("#bm-front-pattern-pain")'
    page.locator('select[name="ri:left.leg-anterior"]').select_option("")
    assert shin.evaluate(FILL) == "rgb(228, 228, 228)"
    context.close()
