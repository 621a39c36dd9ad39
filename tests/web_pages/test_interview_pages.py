"""The interview without JavaScript: red-flag checklist, one question per screen, going back."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.html import escape

from paintrace.knowledge import load_knowledge
from paintrace.web import store
from paintrace.web.pages import warning_signs
from paintrace.web.pages.state import SESSION_KEY

from .conftest import PIRIFORMIS_DRAWING, Browserless, hidden, red_flag_ids

pytestmark = pytest.mark.django_db


def test_the_warning_signs_come_in_short_screens_by_theme(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    html = client.get("/interview/").content.decode()
    assert "Warning signs 1 of 4" in html
    assert "Nerves and bladder" in html
    kb = load_knowledge()
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    for fid in nerves.findings:
        for value in ("yes", "no", "unknown"):
            assert f'name="rf:{fid}" value="{value}"' in html
        assert kb.findings[fid].question in html.replace("&#x27;", "'")
    assert 'name="rf:fever"' not in html  # another theme's screen
    assert 'name="action" value="none"' in html
    themes, location = nojs.warning_signs(lambda fid: None)
    assert themes == ["nerves", "infection-cancer", "injury-bone", "blood"]
    assert location == "/interview/?step=4"


def test_every_red_flag_is_in_exactly_one_theme() -> None:
    listed = [fid for t in warning_signs.THEMES for fid in t.findings]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(red_flag_ids())
    assert [t.id for t in warning_signs.themes()] == [t.id for t in warning_signs.THEMES]


def test_calf_questions_are_asked_only_with_a_calf_drawn(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nojs.warning_signs(lambda fid: None)
    blood = client.get("/interview/?step=3").content.decode()
    assert "Blood flow and clots" in blood
    assert 'name="rf:calf-swelling-warmth"' not in blood
    assert 'name="rf:clot-risk"' not in blood
    assert 'name="rf:cold-pale-foot"' in blood

    client.get("/")  # a new drawing with the calf
    nojs.draw({"right.buttock-center": ["pain"], "right.calf-upper": ["pain"]})
    nojs.warning_signs(lambda fid: None)
    blood = client.get("/interview/?step=3").content.decode()
    assert 'name="rf:calf-swelling-warmth"' in blood and 'name="rf:clot-risk"' in blood


def test_none_of_these_answers_no_to_the_screen_only(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    response = client.post("/interview/", {"step": "0", "theme": "nerves", "action": "none"})
    assert response["Location"] == "/interview/?step=1"
    steps = client.session[SESSION_KEY]["steps"]
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    assert steps == [
        {"kind": "red-flags", "theme": "nerves", "answers": dict.fromkeys(nerves.findings, False)}
    ]
    assert nojs.none_of_these("/interview/?step=1") == "/interview/?step=4"
    answered = {fid for s in client.session[SESSION_KEY]["steps"] for fid in s["answers"]}
    not_applying = {"calf-swelling-warmth", "clot-risk"}  # no calf drawn
    assert answered == set(red_flag_ids()) - not_applying


def test_none_of_these_does_not_overwrite_a_yes(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    response = client.post(
        "/interview/",
        {"step": "0", "theme": "nerves", "action": "none", "rf:foot-drop": "yes"},
    )
    assert response.status_code == 400
    assert "You answered yes" in response.content.decode()
    assert client.session[SESSION_KEY]["steps"] == []


def test_none_of_these_keeps_an_i_dont_know(client: Client, nojs: Browserless) -> None:
    """Unknown is never no: a warning sign marked "I don't know" stays open."""
    nojs.draw(PIRIFORMIS_DRAWING)
    data = {"step": "0", "theme": "nerves", "action": "none", "rf:saddle-numbness": "unknown"}
    assert client.post("/interview/", data).status_code == 302
    answers = client.session[SESSION_KEY]["steps"][0]["answers"]
    assert answers["saddle-numbness"] is None
    assert {v for fid, v in answers.items() if fid != "saddle-numbness"} == {False}


def test_an_unanswered_red_flag_is_asked_for(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    ids = list(nerves.findings)
    data = {"step": "0", "theme": "nerves", **{f"rf:{fid}": "no" for fid in ids[1:]}}
    response = client.post("/interview/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "One question has no answer yet." in html
    assert html.count('value="no" checked') == len(ids) - 1  # the other answers are kept
    assert client.session[SESSION_KEY]["steps"] == []


def test_a_stale_theme_is_shown_again(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    response = client.post("/interview/", {"step": "0", "theme": "blood", "action": "none"})
    assert response.status_code == 302 and response["Location"] == "/interview/?step=0"
    assert client.session[SESSION_KEY]["steps"] == []


@pytest.mark.parametrize("step", ["99", "-1", "abc", "1"])
def test_an_invalid_step_redirects_to_the_current_one(
    client: Client, nojs: Browserless, step: str
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    response = client.get(f"/interview/?step={step}")
    assert response.status_code == 302
    assert response["Location"] == "/interview/?step=0"
    response = client.post("/interview/", {"step": step, "theme": "nerves", "action": "none"})
    assert response.status_code == 302 and response["Location"] == "/interview/?step=0"
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
    assert re.search(r"about \d+ questions left|probably the last one", html)
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
    saved = store.from_url(walk.result_url)
    assert saved.input["drawing"] == PIRIFORMIS_DRAWING
    assert saved.input["patient"] == {"age": 38}
    assert saved.result["sources"][0]["id"] == "piriformis"
    assert saved.result["next_question"] is None
    assert saved.result["plan"] is not None
    assert saved.result == worked_out_again(saved)
    page = client.get(walk.result_url)
    assert page.status_code == 200


def worked_out_again(saved: store.Saved) -> dict[str, object]:
    """The saved input's result from the engine, not the one the interview handed the cache
    (its steps work without a plan; the end must add it)."""
    store._forget(saved.version)
    again = store.get(saved.id)
    assert again is not None
    return again.result


def test_i_dont_know_leaves_the_finding_unknown_and_is_not_asked_again(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    walk = nojs.answer_all(nojs.none_of_these(), lambda fid: "unknown")
    assert len(walk.asked) == len(set(walk.asked)), "a skipped question came back"
    saved = store.from_url(walk.result_url)
    for fid in walk.asked:
        assert fid not in saved.input["findings"]


def test_going_back_shows_the_answer_and_answering_again_drops_later_steps(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    location = nojs.none_of_these()
    assert location == "/interview/?step=4"
    first = hidden(client.get(location).content.decode(), "finding")
    client.post("/interview/", {"step": "4", "finding": first, "answer": "no"})
    second = hidden(client.get("/interview/?step=5").content.decode(), "finding")
    client.post("/interview/", {"step": "5", "finding": second, "answer": "no"})
    assert len(client.session[SESSION_KEY]["steps"]) == 6

    back = client.get("/interview/?step=4").content.decode()
    assert hidden(back, "finding") == first
    assert "You answered <strong>no</strong> before." in back
    assert 'href="/interview/?step=3"' in back
    assert "Back to the warning signs" in back

    response = client.post("/interview/", {"step": "4", "finding": first, "answer": "yes"})
    assert response["Location"] == "/interview/?step=5"
    steps = client.session[SESSION_KEY]["steps"]
    assert len(steps) == 5
    assert steps[4] == {"kind": "question", "answers": {first: True}}


def test_going_back_to_a_warning_sign_screen_keeps_its_answers(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nojs.none_of_these()
    html = client.get("/interview/?step=0").content.decode()
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    assert html.count('value="no" checked') == len(nerves.findings)
    assert "Back to your drawing" in html
    assert "Back to the warning signs" in client.get("/interview/?step=1").content.decode()


def test_a_stale_form_is_not_applied_to_another_question(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nojs.none_of_these()
    response = client.post(
        "/interview/", {"step": "4", "finding": "night-calf-cramps", "answer": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/interview/?step=4"
    assert len(client.session[SESSION_KEY]["steps"]) == 4


def test_a_red_flag_answered_yes_ends_the_interview_at_emergency(
    client: Client, nojs: Browserless
) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    data = {"step": "0", "theme": "nerves", **{f"rf:{fid}": "no" for fid in nerves.findings}}
    data["rf:bladder-dysfunction"] = "yes"
    response = client.post("/interview/", data)
    assert response.status_code == 302 and response["Location"].startswith("/a/")
    html = client.get(response["Location"]).content.decode()
    assert "Go to an emergency department now" in html
    kb = load_knowledge()
    assert escape(kb.findings["bladder-dysfunction"].said_yes) in html  # what you told us
    assert escape(kb.findings["foot-drop"].said_no) not in html  # ... without the many "no"s


def test_show_my_result_now_names_the_skipped_question(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    location = nojs.none_of_these()
    html = client.get(location).content.decode()
    assert 'name="action" value="stop"' in html and "Show my result now" in html
    fid = hidden(html, "finding")
    response = client.post("/interview/", {"step": "4", "finding": fid, "action": "stop"})
    assert response.status_code == 302 and response["Location"].startswith("/a/")
    saved = store.from_url(response["Location"])
    assert saved.result["next_question"]["finding"] == fid
    assert saved.result == worked_out_again(saved)
    page = client.get(response["Location"]).content.decode()
    assert "You chose to see your result before this question" in page
    question = load_knowledge().findings[fid].question
    assert escape(question) in page
    # answering it there updates the same result
    response = client.post(f"/a/{saved.id}/answer/", {"finding": fid, "answer": "yes"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.input["findings"][fid] is True


def test_the_interview_needs_a_drawing_first(client: Client) -> None:
    response = client.get("/interview/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Start by marking where you feel your symptoms." in response.content.decode()


def test_htmx_requests_get_an_hx_redirect_at_the_end(client: Client, nojs: Browserless) -> None:
    nojs.draw(PIRIFORMIS_DRAWING)
    data = {"step": "0", "theme": "nerves", "rf:saddle-numbness": "yes"}
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    data.update({f"rf:{fid}": "no" for fid in nerves.findings if fid != "saddle-numbness"})
    response = client.post("/interview/", data, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/a/")


def test_htmx_requests_without_an_interview_load_the_body_map_in_full(client: Client) -> None:
    """A swap would keep the interview page's head: the body map without its script."""
    response = client.post("/interview/", {"step": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/"


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
    # Long-standing symptoms in both legs: "none of these" lifts the both-legs rule, and the
    # other themes follow.
    themes, location = nojs.warning_signs(lambda fid: None)
    assert themes == ["nerves", "infection-cancer", "injury-bone", "blood"]
    assert location.startswith("/interview/?step=")


def test_both_legs_drawn_and_new_is_an_emergency(client: Client, nojs: Browserless) -> None:
    nojs.draw(BOTH_LEGS)
    nerves = warning_signs.theme("nerves")
    assert nerves is not None
    data = {"step": "0", "theme": "nerves", **{f"rf:{fid}": "no" for fid in nerves.findings}}
    data["rf:new-bilateral-leg-symptoms"] = "yes"
    response = client.post("/interview/", data)
    assert response.status_code == 302
    saved = store.from_url(response["Location"])
    assert response["Location"].endswith(f"/a/{saved.id}/")
    assert saved.result["triage"]["level"] == "emergency"
    assert saved.result["plan"] is None
