"""Whole-site middleware: HEAD is answered as GET without the body, on pages as on the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/faq/", "/healthz", "/accounts/login/"])
def test_head_on_a_page_answers_like_get_without_a_body(client: Client, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert get.status_code == 200
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert int(head["Content-Length"]) > 0
    assert head["Cache-Control"] == get["Cache-Control"]


def test_head_of_a_gzipped_page_gives_the_compressed_length(client: Client) -> None:
    get = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    head = client.head("/", HTTP_ACCEPT_ENCODING="gzip")
    assert get["Content-Encoding"] == head["Content-Encoding"] == "gzip"
    # the same page compressed, with Django's random padding: within a few bytes
    assert abs(int(head["Content-Length"]) - len(get.content)) < 200


def test_head_on_a_post_only_address_is_still_refused(client: Client) -> None:
    r = client.head("/accounts/logout/")
    assert r.status_code == 405
    assert "POST" in r["Allow"]


def test_a_405_names_head_wherever_it_names_get(client: Client) -> None:
    r = client.put("/faq/")
    assert r.status_code == 405
    assert {m.strip() for m in r["Allow"].split(",")} == {"GET", "HEAD"}


def test_the_https_redirect_carries_the_privacy_headers_too(client: Client, settings: Any) -> None:
    """Django's SecurityMiddleware answers plain HTTP with its redirect before any other
    middleware runs; the redirect repeats the URL, which may hold an assessment's id."""
    settings.SECURE_SSL_REDIRECT = True
    r = client.get("/a/AAAAAAAAAAAAAAAAAAAAAA/")
    assert r.status_code == 301 and r["Location"].startswith("https://")
    assert r["Cache-Control"] == "no-store"
    assert r["X-Robots-Tag"] == "noindex, nofollow"
