"""The whole journey twice, as two kinds of visitor meet it: with JavaScript turned off (every
step a plain form post) and by keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys); and
the defects those walks found, each on its own."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .test_flow import tabs_until

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
