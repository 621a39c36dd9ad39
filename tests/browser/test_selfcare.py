"""The self-care pages in a real browser: the guided session's timer, the plan, the FAQ."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect

from paintrace.assessment import assess_input, parse_input
from paintrace.knowledge import load_knowledge
from paintrace.web import store

from .conftest import PAGE_BUDGET, RESULT_BUDGET, body_size, run_axe, screenshot, serious

PIRIFORMIS_DRAWING = {
    "right.buttock-center": ["pain"],
    "right.sacroiliac": ["pain"],
    "right.thigh-posterior-upper": ["pain"],
}


@pytest.fixture
def self_care(db: Any) -> dict[str, Any]:
    findings = {f.id: False for f in load_knowledge().findings.values() if f.group == "red-flag"}
    findings.update({"worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True})
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": findings})
    result = assess_input(inp).to_dict()
    assert result["plan"]["schedule"]["steps"]
    return {"id": store.save(inp, result).id, "plan": result["plan"]}


def record_announcements(page: Page) -> None:
    """Keep every text the aria-live region shows: at 100x some last only a few frames."""
    page.evaluate(
        """() => {
            window.__said = [];
            const live = document.getElementById("player-live");
            new MutationObserver(() => window.__said.push(live.textContent)).observe(
                live, {childList: true, characterData: true, subtree: true});
        }"""
    )


def test_the_guided_session_counts_down_and_moves_on(
    page: Page, site: str, self_care: dict[str, Any], csp_errors: list[str]
) -> None:
    steps = self_care["plan"]["schedule"]["steps"]
    page.goto(f"{site}/a/{self_care['id']}/session/?speed=100")
    player = page.locator("#player")
    expect(player).to_be_visible()
    expect(page.locator("#player-count")).to_have_text(f"Step 1 of {len(steps)}")
    expect(page.locator("#player-title")).to_have_text(steps[0]["name"])
    expect(page.locator("#player-figure")).to_have_attribute(
        "src", f"/static/paintrace/technique-figures/{steps[0]['figure']}.svg"
    )
    expect(page.locator("#player-clock")).to_have_text("1:00")
    expect(page.locator("#finish")).to_be_hidden()
    expect(page.locator("#player-sound")).not_to_be_checked()
    screenshot(page, "8-session-ready")

    # Start: the hold is announced, counts down (60 s at 100x: 0.6 s), and the step moves on
    record_announcements(page)
    page.get_by_role("button", name="Start").click()
    page.wait_for_function(
        "(want) => document.getElementById('player-count').textContent === want",
        arg=f"Step 2 of {len(steps)}",
    )
    page.get_by_role("button", name="Pause").click()
    said = page.evaluate("window.__said")
    assert said[:3] == [
        "Hold for 60 seconds.",
        "10 seconds left.",
        f"Done — next: {steps[1]['name']}, right side, point 2 of 2. Get ready: 20 seconds.",
    ], said
    assert said[3].startswith("Paused, "), said
    expect(page.locator("#routine-list input[value='1']")).to_be_checked()
    expect(page.locator("#routine-list li").nth(1)).to_have_attribute("aria-current", "step")
    # the next point of the same muscle says so: which point of which muscle, flashed
    expect(page.locator("#player-where")).to_have_text("Piriformis, right side: point 2 of 2")
    expect(page.locator("#player-where")).to_have_class(re.compile(r"\bis-new\b"))
    expect(page.locator("#routine-list li").nth(1)).to_have_class(re.compile(r"\bis-current\b"))

    # Pause stops the clock; Resume goes on
    expect(page.locator("#player-live")).to_contain_text("Paused")
    expect(page.locator("#player-state")).to_have_text("Paused")
    frozen = page.locator("#player-clock").text_content()
    page.wait_for_timeout(300)  # 30 s at 100x
    expect(page.locator("#player-clock")).to_have_text(frozen or "")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()

    # Skip goes to the next step (waiting for Start, as the clock was paused); Back returns
    page.get_by_role("button", name="Skip").click()
    expect(page.locator("#player-count")).to_have_text(f"Step 3 of {len(steps)}")
    expect(page.locator("#player-title")).to_have_text(steps[2]["name"])
    expect(page.locator("#player-live")).to_contain_text("Skipped — next:")
    expect(page.locator("#player-clock")).to_have_text(f"0:{steps[2]['seconds']}")
    expect(page.locator("#routine-list li").nth(2)).to_have_attribute("aria-current", "step")
    expect(page.locator("#routine-list input[value='2']")).not_to_be_checked()
    page.get_by_role("button", name="Back").click()
    expect(page.locator("#player-count")).to_have_text(f"Step 2 of {len(steps)}")
    expect(page.locator("#player-live")).to_contain_text("Back to step 2")
    page.get_by_role("button", name="Skip").click()
    expect(page.locator("#player-count")).to_have_text(f"Step 3 of {len(steps)}")
    screenshot(page, "9-session-stretch")

    # the sound toggle is off by default and can be switched on without an error
    page.get_by_label("Beep when a timer ends").check()

    # run to the end: Done for today, with the review and the red-flag card
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#finish")).to_be_visible(timeout=15_000)
    expect(player).to_be_hidden()
    expect(page.locator("#finish-heading")).to_be_focused()
    expect(page.locator("#player-live")).to_have_text("Done for today.")
    said = page.evaluate("window.__said")
    assert "10 seconds left." in said or all(s["seconds"] <= 15 for s in steps[2:]), said
    expect(page.locator("#finish")).to_contain_text("Review around")
    expect(page.locator("#finish .red-flags")).to_contain_text("emergency department")
    screenshot(page, "10-session-done")
    assert csp_errors == []


def test_the_session_is_a_checklist_without_javascript(
    browser: Any, site: str, self_care: dict[str, Any]
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/a/{self_care['id']}/session/")
    steps = self_care["plan"]["schedule"]["steps"]
    expect(page.locator("#player")).to_be_hidden()
    expect(page.locator(".routine-step")).to_have_count(len(steps))
    expect(page.locator("#finish")).to_be_visible()
    expect(page.locator(".how")).to_be_visible()
    page.locator(".routine-step input").first.check()
    screenshot(page, "11-session-nojs")
    context.close()


def test_the_plan_on_the_result_page(page: Page, site: str, self_care: dict[str, Any]) -> None:
    page.goto(f"{site}/a/{self_care['id']}/")
    plan = page.locator("#plan")
    expect(plan.get_by_role("link", name="Start today's session")).to_have_count(2)
    expect(plan.get_by_role("link", name="Start today's session").first).to_be_visible()
    expect(plan.get_by_role("link", name="Download the plan (PDF)")).to_be_visible()
    figures = plan.locator("img.technique-figure")
    expect(figures).to_have_count(3)
    for i in range(3):
        figures.nth(i).scroll_into_view_if_needed()
        expect(figures.nth(i)).to_have_js_property("complete", True)
        assert figures.nth(i).evaluate("img => img.naturalWidth") > 0
    expect(plan.locator(".tp-map circle.tp").first).to_be_visible()
    plan.scroll_into_view_if_needed()
    screenshot(page, "12-result-plan")
    page.emulate_media(media="print")
    expect(plan.locator(".plan-actions")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(figures.first).to_be_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        plan.get_by_role("link", name="Download the plan (PDF)").click()
    assert download.value.suggested_filename == "paintrace-plan.pdf"
    page.get_by_role("link", name="Start today's session").first.click()
    expect(page).to_have_url(f"{site}/a/{self_care['id']}/session/")


def test_axe_and_weight_on_the_self_care_pages(
    page: Page, site: str, self_care: dict[str, Any], csp_errors: list[str]
) -> None:
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r))
    found: dict[str, list[dict[str, Any]]] = {}
    weights: dict[str, int] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        weights[name] = sum(body_size(r) for r in responses if r.status < 300)
        responses.clear()
        violations = run_axe(page)
        print(f"axe {name}:", json.dumps(violations) if violations else "no violations")
        found[name] = serious(violations)

    page.goto(f"{site}/a/{self_care['id']}/session/")
    check("session")
    page.get_by_role("button", name="Start").click()
    running = run_axe(page)
    print("axe session-running:", json.dumps(running) if running else "no violations")
    found["session-running"] = serious(running)
    page.goto(f"{site}/faq/")
    check("faq")
    screenshot(page, "13-faq")
    page.goto(f"{site}/a/{self_care['id']}/")
    check("result-with-plan")
    print("page weights:", json.dumps(weights))
    assert weights["result-with-plan"] < RESULT_BUDGET, weights
    assert weights["session"] < PAGE_BUDGET, weights
    assert weights["faq"] < PAGE_BUDGET, weights
    assert found == {k: [] for k in found}, json.dumps(found, indent=1)
    assert csp_errors == []
