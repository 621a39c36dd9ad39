"""Branded error pages, and health pages kept out of the browser's cache."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings

from paintrace.assessment import assess_input, parse_input
from paintrace.web import store

from .conftest import PIRIFORMIS_DRAWING, Browserless

pytestmark = pytest.mark.django_db


def saved() -> str:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": {}})
    return store.save(inp, assess_input(inp).to_dict()).id


@pytest.mark.parametrize(
    "url", ["/a/AAAAAAAAAAAAAAAAAAAAAA/", "/a/x/", "/a/AAAAAAAAAAAAAAAAAAAAAA/delete/"]
)
def test_a_missing_assessment_gets_a_branded_404_with_a_way_back(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "This assessment may have been deleted" in html
    assert 'href="/">Start a new assessment</a>' in html
    assert "paintrace" in html and "Not Found</h1>" not in html


def test_an_unknown_page_gets_the_branded_404(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We cannot find this page" in response.content.decode()


def test_the_500_page_is_branded(client: Client) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and 'href="/"' in html
    assert '<a class="skip-link" href="#main">' in html and 'rel="icon"' in html


@pytest.mark.parametrize("suffix", ["", "delete/", "session/"])
def test_pages_with_health_data_are_not_cached(client: Client, suffix: str) -> None:
    aid = saved()
    response = client.get(f"/a/{aid}/{suffix}")
    assert "no-store" in response["Cache-Control"]


def test_the_drawing_and_interview_pages_are_not_cached(client: Client, nojs: Browserless) -> None:
    assert "no-store" in client.get("/")["Cache-Control"]
    nojs.draw(PIRIFORMIS_DRAWING)
    assert "no-store" in client.get("/interview/")["Cache-Control"]


@override_settings(DEBUG=False)
def test_deleted_means_the_delete_page_is_gone_too(client: Client) -> None:
    aid = saved()
    assert client.get(f"/a/{aid}/delete/").status_code == 200
    client.post(f"/a/{aid}/delete/", {"confirm": "yes"})
    response = client.get(f"/a/{aid}/delete/")
    assert response.status_code == 404
    assert "Yes, delete it for good" not in response.content.decode()
