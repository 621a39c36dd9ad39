"""Playwright on Debian's Chromium against pytest-django's live server.

Chromium is the distribution's (``apt-get install chromium``), not Playwright's download, so the
launch arguments point at it. Every test here is marked ``browser``; they are skipped when
Chromium is not installed. Screenshots go to artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, Response

# Sync Playwright runs an event loop in this thread; the ORM calls of the test body are still
# synchronous, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()), None
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = {"narrow": 375, "wide": 1280}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    # live_server serves /static/ through the finders, which know only the plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def site(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def body_limit(live_server: Any) -> Iterator[None]:
    """The live server behind the body-size guard, as gunicorn serves the app
    (paintrace.web.wsgi). wsgiref refuses hop-by-hop headers from an app, so the guard's
    ``Connection: close`` (which gunicorn acts on) is left out here."""
    from paintrace.web.bodylimit import wrap

    httpd = live_server.thread.httpd
    app = httpd.get_app()
    guarded = wrap(app)

    def without_connection(environ: Any, start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            return start_response(status, [h for h in headers if h[0] != "Connection"], *exc)

        return guarded(environ, start)

    httpd.set_app(without_connection)
    yield
    httpd.set_app(app)


@pytest.fixture
def csp_errors(page: Page) -> Iterator[list[str]]:
    """Console errors about the Content-Security-Policy: each one is a bug in our markup."""
    errors: list[str] = []

    def collect(msg: ConsoleMessage) -> None:
        if msg.type == "error" and "Content Security Policy" in msg.text:
            errors.append(msg.text)

    page.on("console", collect)
    yield errors


def screenshot(page: Page, name: str) -> None:
    """Full-page screenshots at 375 and 1280 px wide, then back to the wide viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(100)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (the script is evaluated, not injected, so
    the page's CSP does not block it)."""
    page.evaluate(AXE.read_text("utf-8") + "\n;void 0;")
    return list(
        page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
            }"""
        )
    )


# Page weights in decoded bytes (sent gzipped, a page is a fraction of this). DESIGN.md's bar is
# for the body map page; the interview's pages keep to it too. The result page draws the marks
# and each likely source's referral maps inline (SVG): heavier, but bounded all the same.
PAGE_BUDGET = 150 * 1024
RESULT_BUDGET = 200 * 1024


def body_size(response: Response) -> int:
    """The response body's length. Chromium may already have dropped the body of a response
    from a page that was replaced ("No resource with given identifier"); then the size the
    network layer recorded is used."""
    try:
        return len(response.body())
    except Error:
        return int(response.request.sizes()["responseBodySize"])


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="session", autouse=True)
def _clean_screenshots() -> None:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
