"""The result page's cache (paintrace.web.pages.page_cache): the second view of a saved result
is served without rendering, yet every request still gets its own CSRF token, header, host and
messages; a changed, deleted or expired record is never served from memory; the view-only page
never carries the secret id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.utils import timezone

from paintrace.assessment import assess_input, parse_input
from paintrace.web import crypto, store, view_links
from paintrace.web.models import Assessment
from paintrace.web.pages import page_cache
from paintrace.web.pages.page_cache import PAGES, PageCache
from paintrace.web.pages.views import _result_context

from .conftest import PIRIFORMIS_DRAWING, PIRIFORMIS_YES, red_flag_ids

pytestmark = pytest.mark.django_db

TEMPLATES = Path(page_cache.__file__).resolve().parents[1] / "templates"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _saved(findings: dict[str, bool]) -> str:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": findings})
    return store.save(inp, assess_input(inp).to_dict()).id


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    PAGES.clear()
    yield
    PAGES.clear()


@pytest.fixture
def aid() -> str:
    """Self-care with a plan and no open warning sign."""
    return _saved({**dict.fromkeys(red_flag_ids(), False), **dict.fromkeys(PIRIFORMIS_YES, True)})


@pytest.fixture
def open_aid() -> str:
    """Warning signs still open: the page has the answer form (and so a CSRF token)."""
    aid = _saved({"worse-sitting": True})
    assert store.get(aid).result["triage"]["unanswered"]
    return aid


@pytest.fixture
def renders() -> Iterator[list[str]]:
    """The names of the templates rendered (Django's test signal), result.html only."""
    seen: list[str] = []

    def count(sender: Any, template: Any, **kwargs: Any) -> None:
        if template.name == "paintrace/result.html":
            seen.append(template.name)

    template_rendered.connect(count)
    yield seen
    template_rendered.disconnect(count)


def _get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return response.content.decode()


def _no_tokens(html: str) -> str:
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', html)


def _log_in(client: Client, name: str = "carla") -> None:
    user = get_user_model().objects.create_user(name, password="a long pass phrase 7")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


# ------------------------------------------------------------------------------ served twice


def test_the_second_get_is_served_from_the_cache(
    client: Client, aid: str, renders: list[str]
) -> None:
    first = client.get(f"/a/{aid}/")
    second = client.get(f"/a/{aid}/")
    assert len(renders) == 1  # the second was not rendered
    assert first.status_code == second.status_code == 200
    pages = [r.content.decode() for r in (first, second)]
    assert _no_tokens(pages[0]) == _no_tokens(pages[1])  # all but the CSRF token's masking
    assert all(CSRF_INPUT.search(p) for p in pages)
    for response in (first, second):
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert set(first.headers) == set(second.headers)
    assert len(PAGES) == 1


@pytest.mark.parametrize("read_only", [False, True])
def test_the_cached_page_is_what_django_renders(
    client: Client, open_aid: str, aid: str, read_only: bool
) -> None:
    """Byte for byte the page rendered without the cache, the CSRF token's value aside."""
    target = aid if read_only else open_aid
    saved = store.get(target)
    assert saved is not None
    url = f"/a/{target}/"
    expires = None
    if read_only:
        made = view_links.create(target, 7)
        assert made is not None
        url, expires = view_links.url(made[1]), made[0].expires_at
    _get(client, url)
    cached = _get(client, url)  # from the cache
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    context = _result_context(request, saved, read_only=read_only)
    if read_only:
        context["view_expires"] = expires
    expected = render_to_string("paintrace/result.html", context, request)
    assert _no_tokens(cached) == _no_tokens(expected)
    assert read_only or len(CSRF_INPUT.findall(cached)) >= 2  # the forms kept their token


def test_query_strings_and_htmx_headers_share_the_cached_page(
    client: Client, aid: str, renders: list[str]
) -> None:
    plain = _no_tokens(_get(client, f"/a/{aid}/"))
    assert _no_tokens(_get(client, f"/a/{aid}/?step=3&x=%3Cscript%3E")) == plain
    assert _no_tokens(client.get(f"/a/{aid}/", HTTP_HX_REQUEST="true").content.decode()) == plain
    assert len(renders) == 1


# ------------------------------------------------------------------------------ CSRF


def test_each_session_gets_its_own_csrf_token_and_posts_from_a_cached_page_pass(
    open_aid: str, renders: list[str]
) -> None:
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _get(alice, f"/a/{open_aid}/")  # renders and caches
    responses = {name: c.get(f"/a/{open_aid}/") for name, c in (("alice", alice), ("bob", bob))}
    assert len(renders) == 1  # both served from the cache
    tokens = {}
    for name, response in responses.items():
        html = response.content.decode()
        found = set(CSRF_INPUT.findall(html))
        assert len(found) == 1  # one token for every form on the page, as Django renders it
        assert page_cache.CSRF_MARK not in html and page_cache.ID_MARK not in html
        tokens[name] = found.pop()
    # bob never had a cookie: the cached page still sets one, as rendering did
    assert "csrftoken" in responses["bob"].cookies
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    assert tokens["alice"] != tokens["bob"]
    flag = store.get(open_aid).result["triage"]["unanswered"][0]
    data = {f"rf:{flag}": "no"}
    # another session's token is refused; one's own token from the cached page is accepted
    refused = bob.post(f"/a/{open_aid}/answer/", {**data, "csrfmiddlewaretoken": tokens["alice"]})
    assert refused.status_code == 403
    accepted = bob.post(f"/a/{open_aid}/answer/", {**data, "csrfmiddlewaretoken": tokens["bob"]})
    assert accepted.status_code == 302 and accepted["Location"] == f"/a/{open_aid}/"


def test_a_page_without_a_form_sets_no_csrf_cookie(aid: str) -> None:
    made = view_links.create(aid, 7)
    assert made is not None
    for _ in range(2):  # rendered, then cached: neither asks for a CSRF cookie
        viewer = Client(enforce_csrf_checks=True)
        assert "csrftoken" not in viewer.get(view_links.url(made[1])).cookies


# ------------------------------------------------------------------------------ freshness


def test_answers_given_later_show_the_new_result(
    client: Client, open_aid: str, renders: list[str]
) -> None:
    before = _get(client, f"/a/{open_aid}/")
    assert "Warning signs still open" in before
    _get(client, f"/a/{open_aid}/")
    assert len(renders) == 1
    response = client.post(f"/a/{open_aid}/answer/", {"rf:bladder-dysfunction": "yes"})
    assert response.status_code == 302
    after = _get(client, f"/a/{open_aid}/")  # with the flash message: rendered, not kept
    assert 'class="banner banner-emergency"' in after
    assert "Your result has been updated with your answers." in after
    again = _get(client, f"/a/{open_aid}/")
    assert 'class="banner banner-emergency"' in again
    assert "Your result has been updated" not in again  # shown once, never cached
    assert _no_tokens(_get(client, f"/a/{open_aid}/")) == _no_tokens(again)  # now cached
    assert len(renders) == 3
    assert len(PAGES) == 1  # the old version's page is gone


def test_an_update_through_the_store_replaces_the_old_version(
    client: Client, open_aid: str
) -> None:
    """The API changes answers without the page view: the old version is never served, and
    its page leaves memory when the new one is kept."""
    _get(client, f"/a/{open_aid}/")
    saved = store.get(open_aid)
    assert saved is not None
    inp = parse_input({**saved.input, "findings": {**saved.input["findings"], "fever": True}})
    store.update(saved, inp, assess_input(inp).to_dict(), saved.unknown)
    html = _get(client, f"/a/{open_aid}/")
    assert "fever" not in store.get(open_aid).result["triage"]["unanswered"]
    assert 'name="rf:fever"' not in html
    assert len(PAGES) == 1


def test_a_deleted_assessment_is_404_after_being_cached(client: Client, aid: str) -> None:
    made = view_links.create(aid, 7)
    assert made is not None
    _get(client, f"/a/{aid}/")
    _get(client, view_links.url(made[1]))
    assert len(PAGES) == 2
    response = client.post(f"/a/{aid}/delete/", {"confirm": "yes"})
    assert response.status_code == 302
    assert len(PAGES) == 0  # left memory with the row
    _get(client, f"/a/{aid}/", 404)
    _get(client, view_links.url(made[1]), 404)


def test_a_deletion_by_any_path_drops_the_pages(client: Client, aid: str) -> None:
    other = _saved({"worse-sitting": True})
    _get(client, f"/a/{aid}/")
    _get(client, f"/a/{other}/")
    store.delete(aid)  # what the API and account deletion call
    assert len(PAGES) == 1
    Assessment.objects.filter(pk=crypto.lookup_key(other)).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    _get(client, f"/a/{other}/", 404)  # expired: gone before the purge, cache or not
    store.purge_expired()
    assert len(PAGES) == 0


def test_an_answer_error_is_shown_once_and_never_cached(client: Client, open_aid: str) -> None:
    _get(client, f"/a/{open_aid}/")
    response = client.post(f"/a/{open_aid}/answer/", {})
    assert response.status_code == 400
    assert "Please check your answers" in response.content.decode()
    assert "Please check your answers" not in _get(client, f"/a/{open_aid}/")


def test_a_flash_message_is_shown_and_not_cached(
    client: Client, aid: str, renders: list[str]
) -> None:
    _get(client, f"/a/{aid}/")
    _log_in(client)
    assert client.post(f"/a/{aid}/save/").status_code == 302  # same version: only kept longer
    shown = _get(client, f"/a/{aid}/")
    assert "Saved to your account." in shown
    assert "Saved to your account." not in _get(client, f"/a/{aid}/")
    assert "Saved to your account." not in _get(client, f"/a/{aid}/")
    # anonymous (cached), with the message (rendered, not kept), logged in (rendered once)
    assert len(renders) == 3
    assert len(PAGES) == 2


# ------------------------------------------------------------------------------ who asks


def test_logged_in_and_anonymous_each_see_their_header(
    client: Client, aid: str, renders: list[str]
) -> None:
    member = Client()
    _log_in(member)
    for _ in range(2):
        anonymous = _get(client, f"/a/{aid}/")
        assert 'href="/accounts/login/">Log in</a>' in anonymous
        assert "My journal" not in anonymous
        assert "You will be asked to log in" in anonymous
        logged_in = _get(member, f"/a/{aid}/")
        assert 'href="/journal/">My journal</a>' in logged_in
        assert ">Log in</a>" not in logged_in
        assert "You will be asked to log in" not in logged_in
    assert len(renders) == 2


def test_each_time_zone_gets_its_own_copy_and_none_leaks_to_the_next(
    client: Client, aid: str, renders: list[str]
) -> None:
    """A logged-in person sees the view link's expiry on their own clock; the page is kept
    once per zone, and anonymous visitors still see UTC after them."""
    from paintrace.web import time_zones

    made = view_links.create(aid, 7)
    assert made is not None
    url = view_links.url(made[1])
    people = {}
    for name, zone in (("sam", "Australia/Sydney"), ("lou", "America/Los_Angeles")):
        people[zone] = Client()
        _log_in(people[zone], name)
        time_zones.choose(get_user_model().objects.get(username=name), zone)
    for _ in range(2):
        for zone, member in people.items():
            expected = made[0].expires_at.astimezone(ZoneInfo(zone)).strftime("%H:%M")
            found = re.search(
                r"The link works until [^(]*, (\d\d:\d\d) \(([^)]+)\)", _get(member, url)
            )
            assert found is not None and found.groups() == (expected, time_zones.label(zone))
        assert "(UTC)" in _get(client, url)
    assert len(renders) == 3 and len(PAGES) == 3


def test_the_link_in_the_share_box_follows_the_host_and_scheme(client: Client, aid: str) -> None:
    for _ in range(2):
        assert f'value="http://testserver/a/{aid}/"' in _get(client, f"/a/{aid}/")
        html = client.get(f"/a/{aid}/", HTTP_HOST="localhost").content.decode()
        assert f'value="http://localhost/a/{aid}/"' in html
        html = client.get(f"/a/{aid}/", secure=True).content.decode()
        assert f'value="https://testserver/a/{aid}/"' in html


def test_the_emergency_number_is_part_of_the_key(client: Client, settings: Any) -> None:
    aid = _saved({"bladder-dysfunction": True})
    assert 'href="tel:112"' in _get(client, f"/a/{aid}/")
    settings.EMERGENCY_NUMBER = "911"
    assert 'href="tel:911"' in _get(client, f"/a/{aid}/")


def test_the_view_only_page_never_has_the_secret_id_even_after_the_owner_page(
    client: Client, aid: str, renders: list[str]
) -> None:
    owner = _get(client, f"/a/{aid}/")
    assert aid in owner
    first = view_links.create(aid, 7)
    second = view_links.create(aid, 30)
    assert first is not None and second is not None
    viewer = Client()
    for _ in range(2):
        for link, _token in (first, second):
            html = _get(viewer, view_links.url(_token))
            assert aid not in html and crypto.lookup_key(aid) not in html
            assert page_cache.ID_MARK not in html and page_cache.CSRF_MARK not in html
            assert "<form" not in html and "A view-only copy" in html
            assert f"{link.expires_at:%Y}" in html
        dates = [
            re.search(r"The link works until ([^(]+)\(UTC\)", _get(viewer, view_links.url(t)))
            for _, t in (first, second)
        ]
        assert dates[0] and dates[1] and dates[0].group(1) != dates[1].group(1)
    assert len(renders) == 3  # the owner's page and one per link


# ------------------------------------------------------------------------------ templates


def _template_sources(name: str, seen: set[str] | None = None) -> dict[str, str]:
    seen = seen if seen is not None else set()
    if name in seen:
        return {}
    seen.add(name)
    text = (TEMPLATES / name).read_text()
    found = {name: text}
    for other in re.findall(r'{%\s*(?:extends|include)\s+"([^"]+)"', text):
        found.update(_template_sources(other, seen))
    return found


def test_the_result_templates_read_from_the_request_only_what_the_key_covers() -> None:
    """A tripwire: if result.html or anything it includes starts to show something else about
    the request or the person, the cache key (page_cache._request_key) must learn it first."""
    sources = _template_sources("paintrace/result.html")
    assert {"paintrace/base.html", "paintrace/_plan.html", "paintrace/_source.html"} <= set(sources)
    text = "\n".join(sources.values())
    used = set(re.findall(r"\b(?:user|request|perms|csrf_token|messages)\b[.\w]*", text))
    assert used == {"user.is_authenticated", "csrf_token", "messages"}
    assert not re.search(r"{{\s*csrf_token", text)  # only the tag, which reads the context
    assert "now " not in text and "{% now" not in text
    assert "get_current_language" not in text


# ------------------------------------------------------------------------------ the store


def test_least_recently_used_goes_first() -> None:
    cache = PageCache(max_entries=2)
    cache.put(("a",), "r1", "v1", "A")
    cache.put(("b",), "r2", "v1", "B")
    assert cache.get(("a",)) == "A"  # now b is the least recently used
    cache.put(("c",), "r3", "v1", "C")
    assert cache.get(("b",)) is None and cache.get(("a",)) == "A" and cache.get(("c",)) == "C"


def test_the_byte_bound_holds() -> None:
    cache = PageCache(max_entries=100, max_bytes=10)
    cache.put(("a",), "r1", "v1", "x" * 6)
    cache.put(("b",), "r2", "v1", "y" * 6)
    assert cache.get(("a",)) is None and cache.get(("b",)) == "y" * 6
    cache.put(("c",), "r3", "v1", "z" * 11)  # larger than the whole cache: not kept
    assert cache.get(("c",)) is None and len(cache) == 1


def test_old_pages_are_never_served_and_leave() -> None:
    now = [1000.0]
    cache = PageCache(ttl=60, clock=lambda: now[0])
    cache.put(("a",), "r1", "v1", "A")
    now[0] += 30
    cache.put(("b",), "r2", "v1", "B")
    now[0] += 31
    assert cache.get(("a",)) is None and len(cache) == 1
    assert cache.get(("b",)) == "B"


def test_a_new_version_replaces_a_records_pages_and_forget_drops_them() -> None:
    cache = PageCache()
    cache.put(("r1", "v1", "owner"), "r1", "v1", "old owner")
    cache.put(("r1", "v1", "view"), "r1", "v1", "old view")
    cache.put(("r2", "v1", "owner"), "r2", "v1", "other")
    cache.put(("r1", "v2", "owner"), "r1", "v2", "new owner")
    assert cache.get(("r1", "v1", "owner")) is None and cache.get(("r1", "v1", "view")) is None
    assert cache.get(("r1", "v2", "owner")) == "new owner"
    cache.forget("r1")
    assert len(cache) == 1 and cache.get(("r2", "v1", "owner")) == "other"
