"""WCAG 2.2 AA checks only a browser can make: reflow at 320 px, the Tab order of the body map's
controls, focus and title after a refused form, and contrast of the marks as drawn."""

from __future__ import annotations

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
