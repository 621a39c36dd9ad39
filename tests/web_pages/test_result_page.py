"""The result page per triage level, and deleting an assessment for good."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from paintrace.assessment import assess_input, parse_input
from paintrace.web import store

from .conftest import PIRIFORMIS_DRAWING, Browserless, red_flag_ids

pytestmark = pytest.mark.django_db

NO_RED_FLAGS = dict.fromkeys(red_flag_ids(), False)


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


def test_urgent_says_the_serious_cause_first_and_folds_the_ranking(client: Client) -> None:
    html = page(client, saved(PIRIFORMIS_DRAWING, {**NO_RED_FLAGS, "fever": True}))
    assert 'class="banner banner-urgent"' in html
    assert "See a doctor today" in html
    assert "infection in the spine" in html
    assert "What a doctor needs to rule out first" in html
    assert "an infection in or near the spine" in html
    assert "Likely sources of your symptoms" not in html
    folded = html.split('<details class="disclosure ruled-out">')[1].split("</details>")[0]
    assert "If a doctor rules this out, the pain may come from ..." in folded
    assert before(html, "What a doctor needs to rule out first", "ruled-out")
    assert "What you can do" not in html


def test_soon_shows_the_banner_then_sources_and_the_plan(client: Client) -> None:
    # morning stiffness for months with sacroiliac pain: a doctor should look for inflammation
    findings = {
        **NO_RED_FLAGS,
        "inflammatory-morning-stiffness": True,
        "duration-over-12-weeks": True,
    }
    drawing = {
        "right.buttock-center": ["pain"],
        "right.sacroiliac": ["pain"],
        "left.sacroiliac": ["pain"],
    }
    aid = saved(drawing, findings)
    result = store.get(aid).result
    assert result["triage"]["level"] == "soon" and result["plan"]
    html = page(client, aid)
    assert 'class="banner banner-soon"' in html
    assert "Book a doctor&#x27;s appointment within one to two weeks" in html
    assert before(html, "banner-soon", "Likely sources of your symptoms")
    assert before(html, "Likely sources of your symptoms", "What you can do")


def test_open_warning_signs_are_listed_with_no_plan_and_can_be_answered(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING, {"worse-sitting": True})
    result = store.get(aid).result
    assert result["triage"]["unanswered"] and result["plan"]
    html = page(client, aid)
    assert "No warning signs found" not in html
    assert "Some warning signs are still open" in html
    assert "Warning signs still open" in html
    for fid in result["triage"]["unanswered"]:
        assert f'name="rf:{fid}" value="unknown"' in html
    assert 'id="plan"' not in html
    assert "Start today&#x27;s session" not in html and "plan.pdf" not in html
    assert client.get(f"/a/{aid}/session/").status_code == 404
    # answered on the result page: the same link now has the plan
    data = {f"rf:{fid}": "no" for fid in result["triage"]["unanswered"]}
    response = client.post(f"/a/{aid}/answer/", data)
    assert response.status_code == 302 and response["Location"] == f"/a/{aid}/"
    html = page(client, aid)
    assert "Warning signs still open" not in html
    assert 'id="plan"' in html
    assert "Your result has been updated with your answers." in html


def test_the_banner_does_not_call_self_care_reasonable_while_warning_signs_are_open(
    client: Client,
) -> None:
    """The banner's advice was the self-care level's own ("Self-care is a reasonable start"),
    under a title that says to wait: the first lines a person reads contradicted each other."""
    aid = saved(PIRIFORMIS_DRAWING, {"worse-sitting": True})
    html = page(client, aid)
    advice = re.search(r'<p class="banner-advice">(.*?)</p>', html, re.S)
    assert advice is not None
    assert "reasonable" not in advice.group(1)
    assert "Do not start massage or stretching yet" in advice.group(1)


def test_open_warning_signs_do_not_wear_the_all_clear_green(client: Client) -> None:
    """Green says "no warning signs found"; with some still open the banner is amber."""
    html = page(client, saved(PIRIFORMIS_DRAWING, {"worse-sitting": True}))
    assert 'class="banner banner-self-care banner-open"' in html


def test_answering_a_warning_sign_yes_on_the_result_page_escalates(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING, {"worse-sitting": True})
    response = client.post(f"/a/{aid}/answer/", {"rf:bladder-dysfunction": "yes"})
    assert response.status_code == 302
    html = page(client, aid)
    assert 'class="banner banner-emergency"' in html
    assert 'href="tel:112"' in html


def test_i_dont_know_on_the_result_page_keeps_the_sign_open(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING, {"worse-sitting": True})
    client.post(f"/a/{aid}/answer/", {"rf:fever": "unknown"})
    saved_row = store.get(aid)
    assert "fever" in saved_row.result["triage"]["unanswered"]
    assert "fever" in saved_row.unknown and "fever" not in saved_row.input["findings"]
    assert "You answered “I don't know” to" in page(client, aid)


@pytest.mark.parametrize("data", [{}, {"rf:fever": "maybe"}, {"rf:not-a-finding": "yes"}])
def test_an_empty_or_bad_answer_form_is_a_400(client: Client, data: dict[str, str]) -> None:
    aid = saved(PIRIFORMIS_DRAWING, {"worse-sitting": True})
    response = client.post(f"/a/{aid}/answer/", data)
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert "Choose yes, no or “I don't know” for at least one question" in html
    assert client.post("/a/nope-not-an-id-at-all/answer/", {"rf:fever": "no"}).status_code == 404


def test_the_emergency_result_has_a_call_button_and_what_to_say(
    client: Client, settings: Any
) -> None:
    aid = saved(PIRIFORMIS_DRAWING, {"bladder-dysfunction": True})
    html = page(client, aid)
    assert '<a class="btn btn-call btn-large" href="tel:112">Call 112</a>' in html
    assert "If yours is different, call your local emergency number." in html
    assert (
        "What to tell them:</strong> “I have pain in the middle of the buttock, sacroiliac "
        "area and upper back of the thigh, on the right. I have new trouble passing or holding "
        "urine.”"
    ) in html.replace("&#x27;", "'")
    assert "a doctor should check for" in html and "cauda equina" in html
    settings.EMERGENCY_NUMBER = "911"
    assert 'href="tel:911">Call 911</a>' in page(client, aid)


def test_the_emergency_result_does_not_invite_daily_check_ins_on_a_plan(client: Client) -> None:
    """Someone who must go to hospital now has no plan to follow: "check in each day, your
    journal shows whether the plan helps" sat under the emergency call and competed with it."""
    html = page(client, saved(PIRIFORMIS_DRAWING, {"bladder-dysfunction": True}))
    assert "whether the plan helps" not in html
    assert "Follow how it goes" not in html


def test_pain_and_since_when_are_shown_with_the_answers(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": NO_RED_FLAGS})
    aid = store.save(
        inp, assess_input(inp).to_dict(), about={"pain": 7, "since": "over-12-weeks"}
    ).id
    html = page(client, aid)
    assert "<strong>Pain at its worst:</strong> 7 out of 10" in html
    assert "<strong>Since:</strong> more than 12 weeks" in html


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
    if store.from_url(html).result["plan"]:  # the plan appears once the core makes one
        assert before(html, "Likely sources", "What you can do")


def test_the_plan_shows_its_muscles_advice_and_cautions(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": NO_RED_FLAGS})
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


def test_in_pregnancy_the_page_shows_stretches_propped_up(client: Client) -> None:
    from paintrace.knowledge import load_knowledge

    mod = next(
        m for m in load_knowledge().care.modifiers if m.finding == "pregnant-or-recently-gave-birth"
    )
    findings = {**NO_RED_FLAGS, "pregnant-or-recently-gave-birth": True}
    plan = page(client, saved(PIRIFORMIS_DRAWING, findings)).split(
        'aria-labelledby="plan-heading"'
    )[1]
    assert mod.stretch_position.split(",")[0] in plan
    assert "Lying on your back" not in plan


def test_an_outline_plan_lists_its_muscles_and_advice(client: Client) -> None:
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": NO_RED_FLAGS})
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
    # a link to the confirm page (a GET: Back after deleting asks for it again, and it is gone)
    assert re.search(r'<a class="btn btn-danger-quiet" href="/a/[\w-]+/delete/"', html)
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
    assert store.get(aid) is not None

    done = client.post(f"/a/{aid}/delete/", {"confirm": "yes"}, follow=True)
    assert done.redirect_chain == [("/", 302)]
    assert "Your assessment has been deleted for good." in done.content.decode()
    assert store.get(aid) is None
    assert client.get(f"/a/{aid}/").status_code == 404


def test_deleting_needs_the_csrf_token(client: Client) -> None:
    aid = saved(PIRIFORMIS_DRAWING)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/a/{aid}/delete/", {"confirm": "yes"}).status_code == 403
    assert store.get(aid) is not None


def test_on_your_drawing_each_symptom_type_has_its_pattern_and_the_key_shows_it(
    client: Client,
) -> None:
    """1.4.1 Use of Color: the kinds of symptom differ by pattern on the picture, and the key
    beside it shows and names the same pattern."""
    drawing = {
        "right.buttock-center": ["pain"],
        "right.thigh-posterior-upper": ["burning"],
        "right.calf-upper": ["numbness"],
        "right.calf-lower": ["tingling"],
    }
    html = page(client, saved(drawing, NO_RED_FLAGS))
    compare = html.split('<div class="compare">')[1]
    mine = re.search(r'<svg[^>]*aria-labelledby="s(\d+)-back-mine-bm-back-title".*?</svg>', compare)
    assert mine, "your drawing, back view"
    prefix = f"s{mine.group(1)}-back-mine-bm-back-pattern-"
    for rid, (sym,) in drawing.items():
        assert f'<pattern id="{prefix}{sym}"' in mine.group(0)
        assert f'data-region="{rid}" fill="url(#{prefix}{sym})"' in mine.group(0)
    legend = compare.split('<div class="compare-legend">')[1].split("</ul>")[0]
    for words in [
        "Pain (slanted lines)",
        "Burning (small crosses)",
        "Numbness (lines across)",
        "Tingling, pins and needles (dots)",
    ]:
        sym = words.split()[0].strip(",").lower()
        item = re.search(rf'<li><span class="swatch swatch-sym-{sym}"[^>]*><svg .*?</li>', legend)
        assert item and item.group(0).endswith(f"{words}</li>"), sym


def test_referral_maps_show_only_the_views_the_source_uses(client: Client) -> None:
    drawing = {**PIRIFORMIS_DRAWING, "right.foot-lateral": ["pain"]}
    html = page(client, saved(drawing, NO_RED_FLAGS))
    piriformis = html.split('id="source-piriformis"')[1].split('<li class="source card"')[0]
    assert "Usual pattern (back)" in piriformis
    assert "(soles)" not in piriformis  # the sole is only a faint spillover of the piriformis
    assert "Your drawing (soles)" not in html


def test_a_view_with_nothing_drawn_says_so_instead_of_an_empty_body(client: Client) -> None:
    html = page(client, saved({"right.hip-lateral": ["pain"]}, NO_RED_FLAGS))
    assert "You marked nothing on the back view." in html


def test_a_nerve_root_keeps_its_capital_inside_a_sentence(client: Client) -> None:
    drawing = {
        "right.thigh-lateral-lower": ["pain"],
        "right.leg-lateral": ["pain"],
        "right.foot-dorsum": ["numbness"],
        "right.big-toe": ["numbness"],
    }
    html = page(client, saved(drawing, NO_RED_FLAGS))
    assert "Your drawing beside the usual pattern of the L5 nerve root" in html
    assert "Where symptoms from the L5 nerve root usually show" in html
    assert "l5 nerve root" not in html


def test_a_plan_with_no_muscle_to_work_on_asks_for_no_massage(client: Client) -> None:
    """A muscle leads but none is likely enough to plan for: the page shows the plan's advice
    and no instruction to massage points that are not there."""
    findings = {
        **NO_RED_FLAGS,
        "worse-cough-sneeze-strain": True,
        "both-feet-numb-or-burning": True,
        "onset-after-unaccustomed-activity": True,
        "heel-pain-on-walking": True,
        "straight-leg-raise-positive": False,
        "worse-sitting": True,
        "worse-getting-up-from-chair": True,
    }
    html = page(client, saved({"coccyx": ["numbness", "tingling"]}, findings))
    assert "No single muscle stands out enough to plan massage for it." in html
    assert "Massage each point" not in html
