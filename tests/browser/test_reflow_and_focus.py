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
