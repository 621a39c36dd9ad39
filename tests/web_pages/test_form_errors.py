"""A refused form, sent back as a whole page (WCAG 3.3.1, 4.1.3): the title says "Error: " so
a screen reader hears it first, there is an error summary for the script to focus, and each
message is tied to its field with aria-describedby."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from paintrace.web.pages import warning_signs

from .conftest import PIRIFORMIS_DRAWING, Browserless, drawing_post
from .test_account_pages import sign_up

pytestmark = pytest.mark.django_db


def title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found is not None
    return found.group(1)


def ids_named_by(tag: str) -> list[str]:
    found = re.search(r'aria-describedby="([^"]+)"', tag)
    return found.group(1).split() if found else []


def test_a_refused_form_says_error_first_in_the_title(client: Client, nojs: Browserless) -> None:
    assert not title(client.get("/").content.decode()).startswith("Error")
    refused = client.post("/", {"age": "40"})
    assert refused.status_code == 400
    assert title(refused.content.decode()) == "Error: Mark where you feel it · paintrace"

    nojs.draw(PIRIFORMIS_DRAWING)
    r = client.post("/interview/", {"step": "0", "theme": "nerves"})
    assert r.status_code == 400 and title(r.content.decode()).startswith("Error: Warning signs")

    r = client.post("/accounts/login/", {"username": "nobody", "password": "wrong wrong"})
    assert r.status_code == 400 and title(r.content.decode()).startswith("Error: ")

    sign_up(client)
    r = client.post("/journal/check-in/", {"leg_pain": "4"})
    assert r.status_code == 400 and title(r.content.decode()) == "Error: Check in · paintrace"


def test_a_bad_age_is_tied_to_the_age_field(client: Client) -> None:
    html = client.post("/", drawing_post(PIRIFORMIS_DRAWING, age="200")).content.decode()
    age = re.search(r'<input type="number" name="age"[^>]*>', html)
    assert age is not None and 'aria-invalid="true"' in age.group(0)
    (described,) = ids_named_by(age.group(0))
    message = re.search(rf'<p [^>]*id="{described}"[^>]*>([^<]+)</p>', html)
    assert message is not None and "Enter an age from 0 to 120" in message.group(1)
    assert 'class="error-summary"' in html and 'href="#id_age"' in html


def test_an_unanswered_warning_sign_is_tied_to_its_question(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    first, *others = list(nerves.findings)
    data = {"step": "0", "theme": "nerves", **{f"rf:{fid}": "no" for fid in others}}
    html = client.post("/interview/", data).content.decode()
    fieldsets = re.findall(r"<fieldset[^>]*>.*?</fieldset>", html, re.S)
    missing = [f for f in fieldsets if "Please answer this one." in f]
    assert len(missing) == 1 and f'name="rf:{first}"' in missing[0]
    described = ids_named_by(missing[0])
    error = re.search(r'<p class="field-error" id="([^"]+)">Please answer this', missing[0])
    assert error is not None and error.group(1) in described
    for other in fieldsets:
        if other is not missing[0]:
            assert not any(i.startswith("error-") for i in ids_named_by(other))


def test_a_refused_check_in_has_a_summary_tied_to_the_field(client: Client) -> None:
    sign_up(client)
    html = client.post("/journal/check-in/", {"leg_pain": "4"}).content.decode()
    summary = re.search(r'<div class="error-summary"[^>]*tabindex="-1"[^>]*>.*?</div>', html, re.S)
    assert summary is not None and "Back pain: required" in summary.group(0)
    back = re.search(r'<fieldset[^>]*id="back-pain"[^>]*>', html)
    assert back is not None and 'aria-invalid="true"' in back.group(0)
    assert 'href="#back-pain"' in summary.group(0)
    (described,) = ids_named_by(back.group(0))
    assert f'id="{described}"' in summary.group(0)
    leg = re.search(r'<fieldset[^>]*id="leg-pain"[^>]*>', html)
    assert leg is not None and "aria-invalid" not in leg.group(0)


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/accounts/signup/", {"username": "x1", "password1": "1", "password2": "1"}, "password1"),
        ("/accounts/login/", {"username": "nobody", "password": "wrong wrong"}, ""),
        ("/accounts/password/", {"old_password": "not it"}, "old_password"),
        ("/accounts/delete/", {"password": "not it at all"}, "password"),
    ],
)
def test_a_refused_account_form_starts_with_an_error_summary(
    client: Client, path: str, data: dict[str, str], field: str
) -> None:
    """The account forms refuse like the others: 400, "Error: " in the title, and a summary for
    the script to focus, each message a link to its field."""
    if path in ("/accounts/password/", "/accounts/delete/"):
        sign_up(client, "erin")
    r = client.post(path, data)
    html = r.content.decode()
    assert r.status_code == 400 and title(html).startswith("Error: "), (r.status_code, title(html))
    summary = re.search(r'<div class="error-summary"[^>]*tabindex="-1"[^>]*>.*?</div>', html, re.S)
    assert summary is not None, html
    if field:
        assert f'<a href="#id_{field}">' in summary.group(0)
        assert f'id="id_{field}"' in html


def test_a_refused_activity_rating_has_a_summary_tied_to_the_field(client: Client) -> None:
    """The rating's error was a lone paragraph in the core's words ("expected the activity's
    name"), tied to no field and not focused; the chosen score was lost."""
    sign_up(client)
    r = client.post("/journal/activities/", {"new_activity": " ", "score": "4"})
    html = r.content.decode()
    assert r.status_code == 400
    summary = re.search(r'<div class="error-summary"[^>]*tabindex="-1"[^>]*>.*?</div>', html, re.S)
    assert summary is not None
    assert '<a href="#new_activity">Name the activity' in summary.group(0)
    field = re.search(r'<input id="new_activity"[^>]*>', html)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    (described,) = ids_named_by(field.group(0))
    assert f'id="{described}"' in summary.group(0)
    assert re.search(r'name="score" value="4"[^>]*checked', html)

    r = client.post("/journal/activities/", {"new_activity": "walking"})
    html = r.content.decode()
    assert r.status_code == 400 and '<a href="#activity-score">' in html
    assert re.search(r'<input id="new_activity"[^>]*value="walking"', html)


class _Ids(HTMLParser):
    """Every id on a page, and the links of its error summaries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.summary_links: list[str] = []
        self._summary_depth = 0  # open <div>s since the summary's own (0: outside)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "div" and self._summary_depth:
            self._summary_depth += 1
        elif tag == "div" and "error-summary" in (found.get("class") or "").split():
            self._summary_depth = 1
        elif tag == "a" and self._summary_depth and (found.get("href") or "").startswith("#"):
            self.summary_links.append(str(found["href"])[1:])

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1


def assert_summary_links_lead_somewhere(html: str) -> None:
    """Each link of an error summary points at an element of the page (WCAG 2.4.4, 3.3.1)."""
    page = _Ids()
    page.feed(html)
    assert page.summary_links, "no error summary with links"
    missing = [target for target in page.summary_links if target not in page.ids]
    assert not missing, f"the summary links to ids not on the page: {missing}"


def test_a_full_list_of_activities_links_its_error_to_the_choice(client: Client) -> None:
    """With three activities the page has no field for a new one; a crafted post that names a
    fourth (or none) linked its summary to that missing field, so the link went nowhere."""
    sign_up(client)
    for name in ("walking", "sitting", "sleeping"):
        response = client.post("/journal/activities/", {"new_activity": name, "score": "5"})
        assert response.status_code == 302
    page = client.get("/journal/activities/").content.decode()
    assert 'id="new_activity"' not in page
    for data in ({"new_activity": "swimming", "score": "4"}, {"activity": "dancing"}, {}):
        response = client.post("/journal/activities/", {"score": "4", **data})
        html = response.content.decode()
        assert response.status_code == 400
        assert_summary_links_lead_somewhere(html)
        summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
        assert summary is not None and "three" in summary.group(0), summary
        choice = re.search(r'<fieldset[^>]*id="activity"[^>]*>', html)
        assert choice is not None and 'aria-invalid="true"' in choice.group(0)
        (described,) = ids_named_by(choice.group(0))
        assert f'id="{described}"' in summary.group(0)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/journal/activities/", {"new_activity": " ", "score": "4"}),
        ("/journal/activities/", {"new_activity": "walking"}),
        ("/journal/activities/", {"new_activity": "x" * 81, "score": "4"}),
        ("/journal/check-in/", {"leg_pain": "4"}),
        ("/accounts/signup/", {"username": "x1", "password1": "1", "password2": "1"}),
        ("/accounts/password/", {"old_password": "not it"}),
        ("/accounts/delete/", {"password": "not it at all"}),
    ],
)
def test_every_error_summary_links_to_the_page(
    client: Client, path: str, data: dict[str, str]
) -> None:
    if path != "/accounts/signup/":
        sign_up(client, "fay")
    response = client.post(path, data)
    assert response.status_code == 400
    assert_summary_links_lead_somewhere(response.content.decode())
