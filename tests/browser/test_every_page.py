"""Every page the site can show, swept the same way, so that a page added later is swept too.

The other browser tests run axe on the pages of their own journeys, some only for serious
problems; pages added since (the time zone, the clinician's share, view-only links, the error
and refusal pages) were never looked at. Here one walk visits every page in real states
(anonymous; logged in with a saved assessment and check-ins on five days; without the site's
scripts; a clinician's link; each error page) and holds each to one bar (page_audit.Sweep):
axe with every impact, and the checks axe leaves to people. The route test fails when a URL
pattern is neither swept here nor named as not a page, with the reason; what each of those
answers to a GET instead is checked with real ids.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from paintrace.knowledge import load_knowledge

from .page_audit import Sweep
from .test_pages import none_of_these, region

PASSWORD = "correct horse battery staple"
NO_FLAGS = {f.id: False for f in load_knowledge().findings.values() if f.group == "red-flag"}
PLAN_CASE = {
    "drawing": {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]},
    "findings": {**NO_FLAGS, "worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True},
}
CASES = [
    ("plan", PLAN_CASE),
    ("emergency", {"drawing": {"perineum": ["numbness"], "left.buttock-center": ["numbness"]}}),
    ("urgent", {**PLAN_CASE, "findings": {**NO_FLAGS, "fever": True}}),
    ("soon", {**PLAN_CASE, "findings": {**NO_FLAGS, "constant-night-pain": True}}),
    ("warning signs open", {"drawing": {"right.buttock-center": ["pain"]}}),
]

# The routes the walk shows as pages (it checks it showed exactly these, each at a URL that
# resolves to it).
SWEPT = {
    "pt-bodymap", "pt-interview", "pt-result", "pt-answer", "pt-session", "pt-plan-pdf",
    "pt-view-links", "pt-view-only", "pt-delete", "pt-faq", "pt-login", "pt-signup",
    "pt-progress", "pt-save", "pt-checkin", "pt-activities", "pt-shares", "pt-account",
    "pt-password", "pt-time-zone", "pt-account-delete", "pt-shared", "pt-entries", "pt-entry",
    "pt-entry-delete",
}  # fmt: skip

# Routes that are not pages, with what a GET answers instead, which test_the_walk checks:
# "post": 405 (the form posts there; there is nothing to show), a media type: 200 with it.
NOT_PAGES: dict[str, tuple[str, str]] = {
    "pt-healthz": ("application/json", "the load balancer's health check"),
    "pt-answer": ("post", "takes the answers given on a result page, then redirects to it"),
    "pt-logout": ("post", "the Log out button's form; it redirects to the start"),
    "pt-plan-pdf": ("application/pdf", "the plan handout (its no-plan page is swept)"),
    "pt-view-only-pdf": ("application/pdf", "the handout behind a view-only link"),
    "pt-summary-pdf": ("application/pdf", "the journal summary for a clinician"),
    "pt-shared-pdf": ("application/pdf", "the journal summary behind a clinician's link"),
}
# Everything under /api/ is the JSON API for apps (docs/api.md): checked to answer a GET with
# anything but an HTML page (JSON, a PDF, a calendar, a 405 in JSON), but for one exception.
API = "api:"
NOT_SWEPT = {
    "api:openapi-view": "the API's documentation for developers: Swagger UI, a third-party "
    "script that draws the page, with django-ninja's template; not our markup to fix",
}


def _post_json(page: Page, site: str, path: str, body: dict[str, Any]) -> Any:
    """A write through the API with the page's session, as the site's own scripts send it."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    sent = page.request.post(
        site + path,
        data=json.dumps(body),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert sent.ok, (path, sent.status, sent.text())
    return sent.json()


def _anonymous(sweep: Sweep, page: Page, site: str) -> dict[str, str]:
    """The body map to the result, the self-care pages and view-only links; log in and sign up
    (the walk ends logged in). The assessments' ids and the view-only link, by name."""
    page.goto(site + "/")
    sweep.audit(page, "pt-bodymap")
    region(page, "right.buttock-center", "back").click()
    page.get_by_role("button", name="Continue to the questions").click()
    page.wait_for_url("**/interview/")
    sweep.audit(page, "pt-interview", "warning signs")
    none_of_these(page)
    expect(page.locator('input[name="finding"]')).to_have_count(1)
    page.reload()  # the question as a whole page, as it is without JavaScript
    sweep.audit(page, "pt-interview", "a question")

    made = {name: _post_json(page, site, "/api/assessments", case)["id"] for name, case in CASES}
    for name, _ in CASES:  # the warning signs still open last: their form is answered next
        page.goto(f"{site}/a/{made[name]}/")
        sweep.audit(page, "pt-result", name)
    page.locator("#open-flags form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Update my result").click()  # nothing chosen
    sweep.audit(page, "pt-result", "answers refused", status=400, route="pt-answer")
    answer_url = page.url  # the form's address, opened again (history, a restored tab)
    page.goto("about:blank")
    page.goto(answer_url)
    sweep.audit(page, "405", status=405)
    page.goto(f"{site}/a/{made['plan']}/session/")
    sweep.audit(page, "pt-session")
    page.get_by_role("button", name="Start").click()
    sweep.audit(page, "pt-session", "the timer running")
    page.goto(f"{site}/a/{made['emergency']}/session/")
    sweep.audit(page, "pt-session without a plan", status=404)
    page.goto(f"{site}/a/{made['emergency']}/plan.pdf")
    sweep.audit(page, "pt-plan-pdf without a plan", status=404)
    page.goto(f"{site}/a/{made['plan']}/delete/")
    sweep.audit(page, "pt-delete")

    page.goto(f"{site}/a/{made['plan']}/views/")
    sweep.audit(page, "pt-view-links", "none yet")
    page.get_by_role("button", name="Make a view-only link").click()
    made["view"] = page.locator("#share-url").input_value()
    sweep.audit(page, "pt-view-links", "a new link")
    page.goto(made["view"])
    sweep.audit(page, "pt-view-only")

    page.goto(site + "/faq/")
    sweep.audit(page, "pt-faq")
    page.goto(site + "/accounts/login/")
    sweep.audit(page, "pt-login")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    sweep.audit(page, "pt-login", "refused", status=400)
    page.goto(site + "/accounts/signup/")
    sweep.audit(page, "pt-signup")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("short")
    page.get_by_role("button", name="Create my account").click()
    sweep.audit(page, "pt-signup", "refused", status=400)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/journal/")
    return made


def _account(sweep: Sweep, page: Page, site: str, made: dict[str, str]) -> Any:
    """Logged in: an empty journal, the assessment saved, check-ins on five days (listed, one
    changed in vain, one asked about deleting), a rating, a clinician's link (kept in `made`),
    and every account page. The session, to go on with."""
    sweep.audit(page, "pt-progress", "empty")
    page.goto(f"{site}/a/{made['plan']}/save/")
    sweep.audit(page, "pt-save")
    page.get_by_role("button", name="Save to my account").click()
    page.wait_for_url(f"**/a/{made['plan']}/")
    sweep.audit(page, "pt-result", "saved to the account")
    now = timezone.now()
    for days_ago, (leg, back) in enumerate([(3, 1), (4, 2), (5, 2), (6, 3), (7, 3)]):
        entry = {"leg_pain": leg, "back_pain": back, "note": "walked to the shop"}
        entry.update(at=(now - timedelta(days=days_ago)).isoformat(), minutes=15)
        entry["regions"] = {"right.buttock-center": leg, "right.thigh-posterior-upper": 4}
        made["entry"] = str(_post_json(page, site, "/api/journal/entries", entry)["id"])
    page.goto(site + "/journal/activities/")
    sweep.audit(page, "pt-activities")
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Save rating").click()
    sweep.audit(page, "pt-activities", "refused", status=400)
    page.get_by_label("The activity").fill("sitting through a film")
    page.locator('input[name="score"][value="4"]').check()
    page.get_by_role("button", name="Save rating").click()
    page.wait_for_url("**/journal/")
    sweep.audit(page, "pt-progress", "five days of check-ins")
    page.goto(site + "/journal/entries/")
    sweep.audit(page, "pt-entries")
    page.goto(f"{site}/journal/entries/{made['entry']}/")
    sweep.audit(page, "pt-entry")
    page.locator("#checkin-form").evaluate("form => { form.noValidate = true; }")
    page.locator('input[name="leg_pain"]:checked').evaluate("box => { box.checked = false; }")
    page.get_by_role("button", name="Save the changes").click()
    sweep.audit(page, "pt-entry", "refused", status=400)
    page.goto(f"{site}/journal/entries/{made['entry']}/delete/")
    sweep.audit(page, "pt-entry-delete")

    page.goto(site + "/journal/check-in/")
    sweep.audit(page, "pt-checkin")
    page.locator('input[name="leg_pain"][value="4"]').check()
    page.locator("#checkin-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Save check-in").click()
    sweep.audit(page, "pt-checkin", "refused", status=400)
    page.locator('input[name="back_pain"][value="1"]').check()
    page.locator('input[name="new_weakness"]').check()
    page.get_by_role("button", name="Save check-in").click()
    sweep.audit(page, "pt-checkin after a warning sign")
    page.goto(site + "/journal/")
    sweep.audit(page, "pt-progress", "the plan paused")

    page.goto(site + "/journal/share/")
    sweep.audit(page, "pt-shares", "no link yet")
    page.get_by_role("button", name="Make a link").click()
    made["share"] = page.locator("#share-url").input_value()
    sweep.audit(page, "pt-shares", "a new link")
    for path, key in (
        ("/accounts/", "pt-account"),
        ("/accounts/password/", "pt-password"),
        ("/accounts/time-zone/", "pt-time-zone"),
        ("/accounts/delete/", "pt-account-delete"),
    ):
        page.goto(site + path)
        sweep.audit(page, key)
    page.get_by_label("Your password, to confirm").fill("not my password")
    page.get_by_role("button", name="Yes, delete everything for good").click()
    sweep.audit(page, "pt-account-delete", "refused", status=400)
    return page.context.storage_state()


def _without_javascript(
    sweep: Sweep, browser: Any, site: str, made: dict[str, str], state: Any
) -> None:
    """The pages that work differently without the script (every form a plain post, the
    picture a list, the session a checklist), logged in as the walk is. The site's scripts
    are refused rather than JavaScript turned off, which would stop axe too (the pages have
    no inline script, the CSP forbids it, and no <noscript>)."""
    context = browser.new_context(storage_state=state)
    context.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
    page = sweep.watch(context.new_page())
    page.goto(site + "/")
    sweep.audit(page, "pt-bodymap", "without JavaScript")
    page.locator('input[name="r:right.buttock-center"][value="pain"]').check()
    page.get_by_role("button", name="Continue to the questions").click()
    sweep.audit(page, "pt-interview", "without JavaScript")
    for path, key in (
        (f"/a/{made['plan']}/session/", "pt-session"),
        ("/journal/check-in/", "pt-checkin"),
        ("/journal/", "pt-progress"),
        ("/journal/entries/", "pt-entries"),
        (f"/journal/entries/{made['entry']}/", "pt-entry"),
    ):
        page.goto(site + path)
        sweep.audit(page, key, "without JavaScript")
    context.close()


def _clinician(sweep: Sweep, browser: Any, made: dict[str, str]) -> None:
    """The clinician's browser: the journal behind the share link, then both links expired."""
    from paintrace.web.models import AssessmentViewLink, ShareLink

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sweep.watch(context.new_page())
    page.goto(made["share"])
    sweep.audit(page, "pt-shared")
    gone = timezone.now() - timedelta(hours=1)
    ShareLink.objects.update(expires_at=gone)
    AssessmentViewLink.objects.update(expires_at=gone)
    page.reload()
    sweep.audit(page, "pt-shared expired", status=410)
    page.goto(made["view"])
    sweep.audit(page, "pt-view-only expired", status=410)
    context.close()


def _errors(sweep: Sweep, page: Page, site: str, settings: Any) -> None:
    """The error pages, each reached as a person meets it: a wrong link, a form kept open too
    long, too many posts, too much text; the body-size guard's other two and the server's
    error, which no request here can cause, are served to the browser as the server would."""
    from django.template.loader import render_to_string

    from paintrace.web.bodylimit import refusal_pages

    page.goto(site + "/no-such-page/")
    sweep.audit(page, "404", status=404)
    page.goto(site + "/a/AAAAAAAAAAAAAAAAAAAAAA/")
    sweep.audit(page, "404", "an assessment", status=404)
    page.goto(site + "/accounts/login/?" + "&".join(f"f{i}=1" for i in range(300)))
    sweep.audit(page, "400", status=400)

    def log_in() -> None:
        page.goto(site + "/accounts/login/")
        page.get_by_label("Username").fill("sam")
        page.get_by_label("Password").fill(PASSWORD)

    log_in()
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.get_by_role("button", name="Log in").click()
    sweep.audit(page, "403 CSRF", status=403)
    log_in()
    page.locator("main form").evaluate(
        """form => { const pad = document.createElement("input");
            pad.type = "hidden"; pad.name = "pad"; pad.value = "x".repeat(70 * 1024);
            form.appendChild(pad); }"""
    )
    page.get_by_role("button", name="Log in").click()
    sweep.audit(page, "413", status=413)
    settings.RATE_LIMITS = {"login": [(0, 3600)]}
    log_in()
    page.get_by_role("button", name="Log in").click()
    sweep.audit(page, "429", status=429)
    settings.RATE_LIMITS = {}

    served = {**refusal_pages(), "500": render_to_string("500.html").encode()}
    for code in ("400", "408", "500"):
        url = f"{site}/served-{code}/"
        page.route(url, lambda r, _, c=code: r.fulfill(status=int(c), body=served[c]))
        page.goto(url)
        sweep.audit(page, f"{code} served", status=int(code))


def _routes() -> list[tuple[str, str, list[str]]]:
    """Every URL pattern: (its route, its name with namespace, its parameters)."""

    def walk(patterns: list[Any], prefix: str, ns: str, params: list[str]) -> Any:
        for p in patterns:
            here = [*params, *getattr(p.pattern, "converters", {})]
            if isinstance(p, URLResolver):
                inner = f"{ns}{p.namespace}:" if p.namespace else ns
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner, here)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), ns + (p.name or prefix + str(p.pattern)), here

    return sorted(walk(get_resolver().url_patterns, "/", "", []))


def _not_pages(page: Page, site: str, made: dict[str, str]) -> int:
    """What NOT_PAGES says of each route, and that no API route answers with an HTML page,
    checked with real ids (a made-up one would only find the 404 page); how many routes."""
    token = {
        "v": urlsplit(made["view"]).path.split("/")[2],
        "s": urlsplit(made["share"]).path.split("/")[2],
    }
    values = {
        "aid": made["plan"],
        "assessment_id": made["plan"],
        "entry_id": made["entry"],
        "share_id": "1",
        "source_id": "piriformis",
    }
    checked = 0
    for route, name, params in _routes():
        if name in NOT_SWEPT or not (name in NOT_PAGES or name.startswith(API)):
            continue
        kwargs = {p: token[route[1]] if p == "token" else values[p] for p in params}
        url = site + reverse(name, kwargs=kwargs)
        answer = page.request.get(url, max_redirects=0)
        kind = answer.headers.get("content-type", "")
        want = NOT_PAGES.get(name, ("", ""))[0]
        if want == "post":
            assert answer.status == 405, (name, url, answer.status)
        elif want:
            assert answer.status == 200 and kind.startswith(want), (name, url, answer.status, kind)
        else:
            assert not kind.startswith("text/html"), (name, url, answer.status, kind)
        checked += 1
    return checked


def test_every_route_is_swept_or_named_as_not_a_page() -> None:
    names = {name for _, name, _ in _routes()}
    named = SWEPT | set(NOT_PAGES) | set(NOT_SWEPT)
    unswept = sorted(n for n in names - named if not n.startswith(API))
    assert unswept == [], "sweep these pages in test_the_walk, or say in NOT_PAGES why not"
    assert sorted(named - names) == [], "these routes are gone: take them out here"


def test_the_walk(
    page: Page, browser: Any, site: str, body_limit: None, settings: Any, csp_errors: list[str]
) -> None:
    sweep = Sweep()
    sweep.watch(page)
    made = _anonymous(sweep, page, site)
    state = _account(sweep, page, site, made)
    checked = _not_pages(page, site, made)
    _without_javascript(sweep, browser, site, made, state)
    _clinician(sweep, browser, made)
    _errors(sweep, page, site, settings)
    print(
        f"{len(_routes())} routes: {len(sweep.routes)} swept as pages in {sweep.visits} visits "
        f"({len(sweep.titles)} titles), {checked} checked not to be pages; "
        f"axe ran {sweep.rules} rules on a page"
    )
    assert sweep.routes == SWEPT
    assert sweep.problems == {}, json.dumps(sweep.problems, indent=1)
    assert csp_errors == []
