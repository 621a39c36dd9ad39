"""The result page's text, read as tests/test_wording_outputs.py reads the engine's: the
sentences the pages build around the result (what to tell the emergency call, the plan's doses)
and the result's own, for a few vignettes: one per triage level and kind of plan, as written and
with every warning sign answered no."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from paintrace.assessment import assess_input, parse_input
from paintrace.knowledge import load_knowledge
from paintrace.web import store
from paintrace.web.pages import present
from test_wording_outputs import defects, html_blocks

from .conftest import red_flag_ids

pytestmark = pytest.mark.django_db

VIGNETTES = Path(__file__).parent.parent / "vignettes"
NO_RED_FLAGS = dict.fromkeys(red_flag_ids(), False)
# emergency; urgent; soon with a condition's advice; a muscle plan; a muscle plan with a nerve
# root first; a root's advice; a drawing over the whole leg
CASES = ["dev-001", "dev-007", "dev-017", "dev-023", "dev-027", "dev-014", "ext-003"]


def _case(name: str) -> dict:
    path = next(VIGNETTES.rglob(f"{name}.json"))
    case = json.loads(path.read_text())
    return {k: case[k] for k in ("drawing", "findings", "patient") if k in case}


def _page(client: Client, payload: dict, page: str = "") -> str:
    inp = parse_input(payload)
    aid = store.save(inp, assess_input(inp).to_dict()).id
    response = client.get(f"/a/{aid}/{page}")
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    # the forms' controls are labels; citations are not our sentences
    main = re.sub(r"<(form|nav|button|select)\b.*?</\1>", "", main, flags=re.S)
    return re.sub(r'<(ol|ul) class="ref-list">.*?</\1>', "", main, flags=re.S)


# paragraphs that label: "Within one to two weeks", "Joint, tendon, nerve or blood vessel",
# "How well it fits: 4 %", "Where the trigger points are", "Piriformis, right side: point 1 of 3"
_LABELS = frozenset({"banner-kicker", "kind", "pct", "plan-label", "player-where"})


def _not_a_sentence(tag: str, text: str) -> bool:
    name, *classes = tag.split(".")
    return name != "p" or not _LABELS.isdisjoint(classes) or len(text.split()) < 5


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("answered", [False, True], ids=["as-written", "no-warning-signs"])
def test_the_result_page_reads_plainly(client: Client, name: str, answered: bool) -> None:
    payload = _case(name)
    if answered:
        payload["findings"] = {**NO_RED_FLAGS, **payload.get("findings", {})}
    found = [
        f"{kind}: {sentence}"
        for tag, text in html_blocks(_page(client, payload))
        # a page's kickers, labels, links and list items are not sentences; its paragraphs are
        for kind, sentence in defects(text, _not_a_sentence(tag, text))
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", ["dev-023", "dev-027", "dev-040"])
def test_the_guided_session_reads_plainly(client: Client, name: str) -> None:
    payload = _case(name)
    payload["findings"] = {**NO_RED_FLAGS, **payload.get("findings", {})}
    found = [
        f"{kind}: {sentence}"
        for tag, text in html_blocks(_page(client, payload, "session/"))
        for kind, sentence in defects(text, _not_a_sentence(tag, text))
    ]
    assert not found, "\n".join(found)


def test_what_to_tell_the_emergency_call_is_short_sentences() -> None:
    kb = load_knowledge()
    said = present.tell_them(kb, {"perineum": ["numbness"]}, {"saddle-numbness": True})
    assert said == (
        "I have numbness in the saddle area. I have new numbness or altered feeling in the "
        "saddle area."
    )
    both = {"left.calf-upper": ["pain"], "right.calf-lower": ["pain"], "lumbar-spine": ["pain"]}
    assert (
        present.tell_them(kb, both, {}) == "I have pain in the calf and lower spine, on both sides."
    )
    everywhere = {rid: ["pain", "tingling"] for rid in kb.regions if rid.startswith("left.")}
    said = present.tell_them(kb, everywhere, {"bladder-dysfunction": True})
    assert said.startswith("I have pain in the ") and " and other places, on the left. " in said
    assert said.endswith(". I have new trouble passing or holding urine.")
    assert all(len(s.split()) <= 25 for s in said.split(". ")), said
