"""The interview without JavaScript: red-flag checklist, one question per screen, going back."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.html import escape

from paintrace.knowledge import load_knowledge
from paintrace.web.models import Assessment
from paintrace.web.pages.state import SESSION_KEY

from .conftest import PIRIFORMIS_DRAWING, Browserless, hidden, red_flag_ids

pytestmark = pytest.mark.django_db


def test_the_first_screen_is_the_whole_red_flag_checklist(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    html = client.get("/interview/").content.decode()
    kb = load_knowledge()
    for fid in red_flag_ids():
        for value in ("yes", "no", "unknown"):
            assert f'name="rf:{fid}" value="{value}"' in html
        assert kb.findings[fid].question in html.replace("&#x27;", "'")
    assert 'name="action" value="none"' in html
    assert "None of these apply to me" in html


def test_none_of_these_answers_no_to_every_red_flag(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    location = nojs.none_of_these()
    assert location == "/interview/?step=1"
    steps = client.session[SESSION_KEY]["steps"]
    assert steps == [{"kind": "red-flags", "answers": {fid: False for fid in red_flag_ids()}}]


def test_none_of_these_does_not_overwrite_a_yes(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    response = client.post("/interview/", {"step": "0", "action": "none", "rf:fever": "yes"})
    assert response.status_code == 400
    assert "You answered yes" in response.content.decode()
    assert client.session[SESSION_KEY]["steps"] == []


def test_an_unanswered_red_flag_is_asked_for(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    ids = red_flag_ids()
    data = {"step": "0", **{f"rf:{fid}": "no" for fid in ids[1:]}}
    response = client.post("/interview/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "One question has no answer yet." in html
    assert html.count('value="no" checked') == len(ids) - 1  # the other answers are kept
    assert client.session[SESSION_KEY]["steps"] == []


def test_questions_come_one_at_a_time_with_progress_and_why(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    location = nojs.none_of_these()
    html = client.get(location).content.decode()
    fid = hidden(html, "finding")
    finding = load_knowledge().findings[fid]
    assert finding.group != "red-flag"
    assert "Question 1" in html and "<progress" in html
    assert "<summary>Why am I asked this?</summary>" in html
    for value in ("yes", "no", "unknown"):
        assert f'name="answer" value="{value}"' in html


def test_a_self_test_shows_steps_what_counts_as_yes_and_a_figure(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    html = client.get(nojs.none_of_these()).content.decode()
    fid = hidden(html, "finding")
    test = load_knowledge().findings[fid].self_test
    assert test is not None, "the piriformis case starts with the hip rotation self-test"
    assert "How to test it yourself" in html
    assert html.count("<li>") >= len(test.steps)
    assert "Count it as “yes” if:" in html
    img = re.search(r'<img class="figure" src="([^"]+)" alt="([^"]+)"', html)
    assert img and img.group(1).endswith(f"/figures/{test.figure}.svg")
    assert client.get(img.group(1)).status_code == 200


def test_the_whole_flow_ends_on_the_result_page(
    client: Client, nojs: Browserless, piriformis_choice
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING, age="38")
    walk = nojs.answer_all(nojs.none_of_these(), piriformis_choice)
    assert walk.result_url.startswith("/a/")
    assert len(walk.asked) == len(set(walk.asked))
    assert SESSION_KEY not in client.session
    saved = Assessment.objects.get()
    assert saved.input["drawing"] == PIRIFORMIS_DRAWING
    assert saved.input["patient"] == {"age": 38}
    assert saved.result["sources"][0]["id"] == "piriformis"
    assert saved.result["next_question"] is None
    page = client.get(walk.result_url)
    assert page.status_code == 200


def test_i_dont_know_leaves_the_finding_unknown_and_is_not_asked_again(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    walk = nojs.answer_all(nojs.none_of_these(), lambda fid: "unknown")
    assert len(walk.asked) == len(set(walk.asked)), "a skipped question came back"
    saved = Assessment.objects.get()
    for fid in walk.asked:
        assert fid not in saved.input["findings"]


def test_going_back_shows_the_answer_and_answering_again_drops_later_steps(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    location = nojs.none_of_these()
    first = hidden(client.get(location).content.decode(), "finding")
    client.post("/interview/", {"step": "1", "finding": first, "answer": "no"})
    second = hidden(client.get("/interview/?step=2").content.decode(), "finding")
    client.post("/interview/", {"step": "2", "finding": second, "answer": "no"})
    assert len(client.session[SESSION_KEY]["steps"]) == 3

    back = client.get("/interview/?step=1").content.decode()
    assert hidden(back, "finding") == first
    assert "You answered <strong>no</strong> before." in back
    assert 'href="/interview/?step=0"' in back

    response = client.post("/interview/", {"step": "1", "finding": first, "answer": "yes"})
    assert response["Location"] == "/interview/?step=2"
    steps = client.session[SESSION_KEY]["steps"]
    assert len(steps) == 2
    assert steps[1] == {"kind": "question", "answers": {first: True}}


def test_going_back_to_the_checklist_keeps_its_answers(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nojs.none_of_these()
    html = client.get("/interview/?step=0").content.decode()
    assert html.count('value="no" checked') == len(red_flag_ids())
    assert "Back to your drawing" in html


def test_a_stale_form_is_not_applied_to_another_question(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nojs.none_of_these()
    response = client.post(
        "/interview/", {"step": "1", "finding": "night-calf-cramps", "answer": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/interview/?step=1"
    assert len(client.session[SESSION_KEY]["steps"]) == 1


def test_a_red_flag_answered_yes_ends_the_interview_at_emergency(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    data = {"step": "0", **{f"rf:{fid}": "no" for fid in red_flag_ids()}}
    data["rf:bladder-dysfunction"] = "yes"
    response = client.post("/interview/", data)
    assert response.status_code == 302 and response["Location"].startswith("/a/")
    html = client.get(response["Location"]).content.decode()
    assert "Go to an emergency department now" in html
    kb = load_knowledge()
    assert escape(kb.findings["bladder-dysfunction"].said_yes) in html  # what you told us
    assert escape(kb.findings["fever"].said_no) not in html  # ... without the many "no"s


def test_the_interview_needs_a_drawing_first(client: Client) -> None:
    response = client.get("/interview/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Start by marking where you feel your symptoms." in response.content.decode()


def test_htmx_requests_get_an_hx_redirect_at_the_end(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    data = {"step": "0", **{f"rf:{fid}": "no" for fid in red_flag_ids()}}
    data["rf:saddle-numbness"] = "yes"
    response = client.post("/interview/", data, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/a/")


def test_interview_pages_load_htmx_locally_and_obey_the_csp(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    for url in ("/interview/", nojs.none_of_these()):
        html = client.get(url).content.decode()
        assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
        assert 'hx-boost="true"' in html
        assert not re.search(r"<script(?![^>]*\ssrc=)", html)
        assert not re.search(r"\sstyle=|\son[a-z]+=|<style", html)


BOTH_LEGS = {"left.calf-upper": ["pain"], "right.calf-upper": ["pain"], "lumbar-spine": ["pain"]}


def test_both_legs_drawn_asks_the_warning_signs_before_calling_an_emergency(
    client: Client, nojs: Browserless
) -> None:
    assert nojs.draw(BOTH_LEGS) == "/interview/"
    html = client.get("/interview/").content.decode()
    assert 'name="rf:new-bilateral-leg-symptoms"' in html
    # Long-standing symptoms in both legs: "none of these" lifts the both-legs rule.
    assert nojs.none_of_these() == "/interview/?step=1"


def test_both_legs_drawn_and_new_is_an_emergency(client: Client, nojs: Browserless) -> None:
    nojs.draw(BOTH_LEGS)
    data = {"step": "0", **{f"rf:{fid}": "no" for fid in red_flag_ids()}}
    data["rf:new-bilateral-leg-symptoms"] = "yes"
    response = client.post("/interview/", data)
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert response["Location"].endswith(f"/a/{saved.id}/")
    assert saved.result["triage"]["level"] == "emergency"
    assert saved.result["plan"] is None
