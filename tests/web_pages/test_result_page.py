"""The result page per triage level, and deleting an assessment for good."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from paintrace.assessment import assess_input, parse_input
from paintrace.web import store
from paintrace.web.models import Assessment

from .conftest import PIRIFORMIS_DRAWING, Browserless

pytestmark = pytest.mark.django_db


def saved(drawing: dict[str, list[str]], findings: dict[str, bool] | None = None) -> str:
    inp = parse_input({"drawing": drawing, "findings": findings or {}})
    return store.save(inp, assess_input(inp).to_dict()).id


def page(client: Client, aid: str) -> str:
    response = client.get(f"/a/{aid}/")
    assert response.status_code == 200
    return response.content.decode()


def before(html: str, first: str, second: str) -> bool:
    return html.index(first) < html.index(second)


@pytest.fixture
def piriformis_result(client: Client, nojs: Browserless, piriformis_choice: Any) -> str:
    nojs.draw(PIRIFORMIS_DRAWING)
    return page(client, nojs.answer_all(nojs.none_of_these(), piriformis_choice).result_url[3:-1])


def test_saddle_numbness_drawn_goes_straight_to_the_emergency_banner(
    client: Client, nojs: Browserless
) -> None:
    location = nojs.draw({"perineum": ["numbness"], "left.buttock-center": ["pain"]})
    assert location.startswith("/a/"), "no questions when the drawing alone is an emergency"
    html = client.get(location).content.decode()
    assert 'class="banner banner-emergency"' in html
    assert "Go to an emergency department now" in html
    assert "You marked numbness, tingling or burning in the saddle area." in html
    assert "What you told us" in html and "Saddle area" in html
    assert "Likely sources" not in html
    assert "What you can do" not in html
    assert 'class="plan' not in html
    assert "<svg" not in html.split('class="keep')[0].split("</header>")[1]


def test_urgent_shows_the_banner_and_reasons_then_sources_and_no_plan(client: Client) -> None:
    html = page(client, saved(PIRIFORMIS_DRAWING, {"fever": True}))
    assert 'class="banner banner-urgent"' in html
    assert "See a doctor today" in html
    assert "infection in the spine" in html
    assert "Likely sources of your symptoms" in html
    assert before(html, "banner-urgent", "Likely sources of your symptoms")
    assert "What you can do" not in html


def test_soon_shows_the_banner_then_sources_and_the_plan(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING, {"cancer-history": True})
    html = page(client, aid)
    assert 'class="banner banner-soon"' in html
    assert "Book a doctor&#x27;s appointment within one to two weeks" in html
    assert before(html, "banner-soon", "Likely sources of your symptoms")
    if Assessment.objects.get(pk=aid).result["plan"]:
        assert before(html, "Likely sources of your symptoms", "What you can do")


def test_self_care_ranks_sources_with_bars_reasons_pictures_and_a_plan(
    piriformis_result: str,
) -> None:
    html = piriformis_result
    assert 'class="banner banner-self-care"' in html
    assert "This is not a diagnosis." in html
    first = re.search(r'<li class="source card" id="source-([^"]+)"', html)
    assert first and first.group(1) == "piriformis"
    assert re.search(r'<p class="pct"><span class="vh">How well it fits: </span>\d+ %</p>', html)
    assert "What fits" in html
    # the drawing and the referral pattern side by side, on the back view
    compare = html.split('id="source-piriformis"')[1].split('<li class="source card"')[0]
    assert 'aria-labelledby="s0-back-mine-bm-back-title"' in compare
    assert 'class="region marked sym-pain" data-region="right.buttock-center"' in compare
    assert re.search(r'class="region zone-essential" data-region="right\.buttock-center"', compare)
    assert 'class="tp"' in compare
    assert "left.buttock-center" not in re.findall(r'zone-[a-z]+" data-region="([^"]+)"', compare)
    if Assessment.objects.get().result["plan"]:  # the plan appears once the core makes one
        assert before(html, "Likely sources", "What you can do")


def test_the_plan_shows_its_muscles_advice_and_cautions(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": {}})
    result = assess_input(inp).to_dict()
    result["plan"] = {
        "kind": "massage-and-stretch",
        "summary": "Your pain most likely comes from trigger points in the piriformis.",
        "muscles": [
            {
                "id": "piriformis",
                "name": "Piriformis",
                "probability": 0.8,
                "trigger_points": [
                    {
                        "name": "lateral trigger point",
                        "region": "buttock-center",
                        "landmarks": "A third of the way in from the hip.",
                    },
                    {
                        "name": "lateral trigger point",
                        "region": "buttock-center",
                        "landmarks": "A third of the way in from the hip.",
                    },
                ],
                "massage": {
                    "name": "Ball against a wall",
                    "hold_seconds": [30, 90],
                    "pressure": "about 5 to 7 out of 10",
                },
                "stretches": [
                    {"name": "Figure-four stretch", "hold_seconds": 30, "repetitions": 3}
                ],
                "habits": ["Take the wallet out of your back pocket."],
            }
        ],
        "schedule": {"minutes": 12, "steps": []},
        "keep_active": ["Keep active: walk within comfort."],
        "cautions": ["No percussion gun on trigger points."],
        "review": {
            "after_days": 14,
            "text": "If it is not clearly better in two weeks, see a professional.",
        },
    }
    html = page(client, store.save(inp, result).id)
    plan = html.split('aria-labelledby="plan-heading"')[1]
    assert before(html, "Likely sources", "What you can do")
    for text in (
        "trigger points in the piriformis",
        "About 12 minutes a day",
        "Piriformis",
        "Massage: Ball against a wall",
        "Hold each point 30 to 90 seconds.",
        "Stretch: Figure-four stretch",
        "<dd>30 seconds.</dd>",
        "<dd>3 times.</dd>",
        "wallet",
        "Keep active",
        "No percussion gun",
        "two weeks",
    ):
        assert text in plan, text
    assert plan.count("A third of the way in from the hip.") == 1


def test_an_outline_plan_lists_its_muscles_and_advice(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": {}})
    result = assess_input(inp).to_dict()
    result["plan"] = {
        "status": "outline",
        "massage_first": True,
        "muscles": [
            {"id": "piriformis", "name": "Piriformis", "probability": 0.6, "trigger_points": []}
        ],
        "advice": ["Keep active: walk and move within comfort."],
    }
    plan = page(client, store.save(inp, result).id).split('aria-labelledby="plan-heading"')[1]
    assert "Start with these muscles" in plan and "Piriformis" in plan and "60 %" in plan
    assert "Keep active: walk and move within comfort." in plan


def test_result_pages_share_their_link_and_offer_deletion(piriformis_result: str) -> None:
    html = piriformis_result
    assert re.search(r'id="share-url" value="http://testserver/a/[\w-]+/" readonly', html)
    assert 'data-copy="share-url"' in html
    assert re.search(r'<form method="post" action="/a/[\w-]+/delete/"', html)
    assert "Delete for good" in html


def test_result_pages_obey_the_csp(piriformis_result: str) -> None:
    assert not re.search(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", piriformis_result)


def test_an_unknown_or_malformed_id_is_a_404(client: Client) -> None:
    assert client.get("/a/AAAAAAAAAAAAAAAAAAAAAA/").status_code == 404
    assert client.get("/a/not%20an%20id/").status_code == 404
    assert client.post("/a/AAAAAAAAAAAAAAAAAAAAAA/delete/", {"confirm": "yes"}).status_code == 404


def test_deleting_asks_first_then_deletes_for_good(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING)
    confirm = client.post(f"/a/{aid}/delete/")
    assert confirm.status_code == 200
    assert "Delete this assessment for good?" in confirm.content.decode()
    assert Assessment.objects.filter(pk=aid).exists()

    done = client.post(f"/a/{aid}/delete/", {"confirm": "yes"}, follow=True)
    assert done.redirect_chain == [("/", 302)]
    assert "Your assessment has been deleted for good." in done.content.decode()
    assert not Assessment.objects.filter(pk=aid).exists()
    assert client.get(f"/a/{aid}/").status_code == 404


def test_deleting_needs_the_csrf_token(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/a/{aid}/delete/", {"confirm": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=aid).exists()
