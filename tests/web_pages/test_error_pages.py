"""Error pages a person meets on a phone: the site's own layout (viewport, way back), never
Django's bare defaults, and still no-store."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from paintrace.web.ratelimit import too_many

pytestmark = pytest.mark.django_db

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _looks_like_the_site(html: str) -> None:
    assert VIEWPORT in html and 'href="/"' in html and "<h1" in html


def test_an_expired_form_says_what_to_do() -> None:
    r = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert r.status_code == 403
    html = r.content.decode()
    _looks_like_the_site(html)
    assert "reload" in html.lower() and r["Cache-Control"] == "no-store"


def test_a_bad_request_page_has_a_way_back() -> None:
    r = Client().get("/", HTTP_HOST="evil.example")  # not an allowed host: 400
    assert r.status_code == 400
    _looks_like_the_site(r.content.decode())


def test_too_many_requests_is_a_page_for_phones() -> None:
    r = too_many(RequestFactory().get("/journal/"), 90)
    assert r.status_code == 429 and r["Retry-After"] == "90"
    html = r.content.decode()
    _looks_like_the_site(html)
    assert "try again in 2 minutes" in html


def test_a_form_s_address_opened_on_its_own_is_a_page_not_a_blank() -> None:
    """A refused answer on a result page leaves /a/<id>/answer/ in the address bar; opened
    again (history, a restored tab) it was an empty 405: a blank page."""
    r = Client().get("/a/AAAAAAAAAAAAAAAAAAAAAA/answer/")
    assert r.status_code == 405 and r["Allow"] == "POST"
    html = r.content.decode()
    _looks_like_the_site(html)
    assert "There is no page at this address" in html
    assert 'href="/a/AAAAAAAAAAAAAAAAAAAAAA/">Back to your result</a>' in html
    r = Client().get("/accounts/logout/")
    assert r.status_code == 405 and 'href="/">Go to the start</a>' in r.content.decode()
    assert Client().put("/faq/").content == b""  # not a person's browser: no page
