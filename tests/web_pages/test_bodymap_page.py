"""The body map page: every region in the picture and in the no-JavaScript form."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from paintrace import bodymap
from paintrace.web.pages.state import SESSION_KEY

from .conftest import PIRIFORMIS_DRAWING, drawing_post

pytestmark = pytest.mark.django_db

SYMPTOMS = ("pain", "burning", "numbness", "tingling")


def test_it_lists_all_74_regions_with_a_checkbox_per_symptom(client: Client) -> None:
    html = client.get("/").content.decode()
    regions = bodymap.region_ids()
    assert len(regions) == 74
    for rid in regions:
        for symptom in SYMPTOMS:
            box = f'<input type="checkbox" name="r:{rid}" value="{symptom}">'
            assert html.count(box) == 1, (rid, symptom)
    assert html.count('class="rg"') == 74


def test_it_draws_every_region_as_a_plain_named_shape_until_the_script_starts(
    client: Client,
) -> None:
    # Without JavaScript a tap does nothing (the list of places does the work), so no region
    # may be a focusable button; static bodymap.js makes them buttons when it starts.
    html = client.get("/").content.decode()
    shapes = re.findall(r'<path id="r-[^"]+" class="region"[^>]*>', html)
    drawn = {re.search(r'data-region="([^"]+)"', s).group(1) for s in shapes}
    assert drawn == bodymap.region_ids()
    for shape in shapes:
        assert "tabindex" not in shape and "role=" not in shape and "aria-pressed" not in shape
        assert re.search(r'data-name="[^"]+"', shape)  # the name the script announces
        assert "aria-label" not in shape  # a part of an image: no name of its own (ARIA)
    for svg in re.findall(r"<svg [^>]*>", html):
        assert 'role="group"' not in svg


def test_it_is_a_plain_form_with_a_search_box_and_optional_patient_fields(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<form method="post" action="/" id="drawing-form"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="search" id="region-search"' in html
    assert 'name="age"' in html and 'name="sex"' in html
    assert "Continue to the questions" in html
    assert "not a medical device" in html


def test_it_obeys_the_content_security_policy(client: Client) -> None:
    html = client.get("/").content.decode()
    assert not re.search(r"<script(?![^>]*\ssrc=)", html), "inline script"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "a third-party resource"


def test_an_empty_drawing_is_refused_with_a_message(client: Client) -> None:
    response = client.post("/", {"age": "40"})
    assert response.status_code == 400
    assert "Mark at least one place" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_bad_age_is_refused_and_the_drawing_kept(client: Client) -> None:
    response = client.post("/", drawing_post(PIRIFORMIS_DRAWING, age="200"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an age from 0 to 120" in html
    assert '<input type="checkbox" name="r:right.sacroiliac" value="pain" checked>' in html
    assert 'class="region marked sym-pain" data-region="right.sacroiliac"' in html


def test_unknown_regions_and_symptoms_are_ignored(client: Client) -> None:
    data = drawing_post(PIRIFORMIS_DRAWING)
    data["r:left.elbow"] = ["pain"]
    data["r:left.calf-upper"] = ["itching"]
    response = client.post("/", data)
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["drawing"] == PIRIFORMIS_DRAWING


def test_posting_a_drawing_starts_the_interview(client: Client) -> None:
    response = client.post("/", drawing_post(PIRIFORMIS_DRAWING, age="41", sex="female"))
    assert response.status_code == 302
    assert response["Location"] == "/interview/"
    state = client.session[SESSION_KEY]
    assert state["drawing"] == PIRIFORMIS_DRAWING
    assert state["patient"] == {"age": 41, "sex": "female"}
    assert state["steps"] == []


def test_coming_back_shows_the_drawing_so_far(client: Client) -> None:
    client.post("/", drawing_post({"left.calf-upper": ["pain", "tingling"]}, age="52"))
    html = client.get("/").content.decode()
    assert '<input type="checkbox" name="r:left.calf-upper" value="tingling" checked>' in html
    assert 'class="region marked sym-pain sym-tingling multi"' in html
    assert 'value="52"' in html


def test_the_stylesheet_the_picture_follows_the_list_with_is_current(client: Client) -> None:
    """bodymap-list.css is written from the regions (paintrace.web.pages.list_marks): a region
    added to bodymap.yaml without running it would not follow its ticks without JavaScript.
    Both pages with the list link it inside <noscript>, so the script's pages never fetch it."""
    from paintrace.web.pages import list_marks

    assert list_marks.STATIC.read_text(encoding="utf-8") == list_marks.stylesheet(), (
        "run: python -m paintrace.web.pages.list_marks"
    )
    css = list_marks.stylesheet()
    for rid in bodymap.region_ids():
        for symptom in SYMPTOMS:
            assert f'[name="r:{rid}"][value={symptom}]:checked) [data-region="{rid}"]' in css
    html = client.get("/").content.decode()
    link = re.search(r'<noscript><link rel="stylesheet" href="([^"]+)"></noscript>', html)
    assert link is not None and "bodymap-list" in link.group(1)
