"""The self-care pages: the full plan on the result page, the guided session, the PDF, the FAQ."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from paintrace.assessment import assess_input, parse_input
from paintrace.knowledge import load_knowledge
from paintrace.web import store
from paintrace.web.pages.selfcare import session_view

from .conftest import PIRIFORMIS_DRAWING, red_flag_ids

pytestmark = pytest.mark.django_db

FIGURES = Path(__file__).parents[2] / "src/paintrace/knowledge/figures"
CSP_BREAKERS = re.compile(
    r"<script(?![^>]*\s(?:src=|type=\"application/json\"))|<style|\sstyle=|\son[a-z]+="
)


def piriformis_findings() -> dict[str, bool]:
    findings = dict.fromkeys(red_flag_ids(), False)
    findings.update({"worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True})
    return findings


def save(drawing: dict[str, list[str]], findings: dict[str, bool]) -> tuple[str, dict[str, Any]]:
    inp = parse_input({"drawing": drawing, "findings": findings})
    result = assess_input(inp).to_dict()
    return store.save(inp, result).id, result


@pytest.fixture
def self_care() -> tuple[str, dict[str, Any]]:
    aid, result = save(PIRIFORMIS_DRAWING, piriformis_findings())
    assert result["triage"]["level"] == "self-care"
    assert result["plan"]["kind"] == "massage-and-stretch"
    assert result["plan"]["schedule"]["steps"]
    return aid, result


@pytest.fixture
def urgent() -> str:
    aid, result = save(PIRIFORMIS_DRAWING, {**piriformis_findings(), "fever": True})
    assert result["triage"]["level"] == "urgent" and result["plan"] is None
    return aid


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    """The visible words, roughly: tags dropped, entities for quotes undone, spaces squeezed."""
    plain = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&quot;", '"')
    return " ".join(plain.replace("&amp;", "&").split())


# ------------------------------------------------------------------------------ result page


def test_the_result_page_shows_the_whole_plan_in_order(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, result = self_care
    plan = result["plan"]
    html = get(client, f"/a/{aid}/")
    section = html.split('id="plan"')[1].split('class="keep card"')[0]
    words = text(section)
    muscle = plan["muscles"][0]
    massage = muscle["massage"]
    in_order = [
        plan["summary"],
        "Where the trigger points are",
        f"Massage: {massage['name']}",
        "Find the points",
        massage["find_it"][0],
        "Tools, from the gentlest to the firmest",
        "How",
        massage["steps"][0],
        "How hard",
        "Hold each point 30 to 90 seconds.",
        f"{massage['points_today']} points each session.",
        "Twice a day, 5 days a week.",
        "It should feel like:",
        "Stop if",
        massage["stop_if"][0],
        "Avoid",
        massage["avoid"][0],
        "What the evidence says:",
        f"Stretch: {muscle['stretches'][0]['name']}",
        "Hold 30 seconds. Repeat 3 times. How often Twice a day.",
        f"Stretch: {muscle['stretches'][1]['name']}",
        "Habits that keep it going",
        muscle["habits"][0],
        "Today's routine (about",
        "Over the next weeks",
        "Week 1:",
        "Review after 14 days.",
        "Be careful",
        plan["cautions"][0],
        "Stop and get help",
        "Go to an emergency department now",
        "References",
    ]
    position = 0
    for item in in_order:
        found = words.find(item, position)
        assert found >= 0, f"{item!r} missing or out of order"
        position = found
    # the tools come in the knowledge base's order, gentlest first
    tools = re.findall(r'<ol class="tools">(.*?)</ol>', section, re.S)[0]
    assert [t for t in re.findall(r"<strong>([^<]+)\.</strong>", tools)][:3] == [
        "Your hands",
        "A foam roller",
        "A tennis ball",
    ]
    # references with their citations, and the evidence notes link to them
    kb = load_knowledge()
    for key in plan["references"]:
        assert f'id="ref-{key}"' in section
    assert kb.references["M24"].citation.split(".")[0] in section
    assert 'href="#ref-M24"' in section


def test_the_plan_has_its_figures_served_locally_with_their_titles(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, _ = self_care
    html = get(client, f"/a/{aid}/")
    images = re.findall(r'<img class="technique-figure" src="([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 3  # the massage and two stretches
    for src, alt in images:
        assert src.startswith("/static/paintrace/technique-figures/"), src
        slug = src.rsplit("/", 1)[1].removesuffix(".svg")
        title = re.search(r"<title>(.*?)</title>", (FIGURES / f"{slug}.svg").read_text(), re.S)
        assert title and alt == title.group(1).replace("'", "&#x27;")
        served = client.get(src)
        assert served.status_code == 200
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert body.lstrip().startswith(b"<svg")


def test_the_plan_marks_where_the_trigger_points_are_on_the_body_map(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, _ = self_care
    html = get(client, f"/a/{aid}/")
    muscle = html.split('id="plan-piriformis"')[1].split('class="technique')[0]
    assert "Where to find the trigger points of the piriformis, back view" in muscle
    assert muscle.count('<circle class="tp"') >= 1
    # the source overlays mark them as well
    source = html.split('id="source-piriformis"')[1].split('class="compare-legend"')[0]
    assert '<circle class="tp"' in source


def test_the_plan_offers_the_session_the_pdf_and_the_faq(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, _ = self_care
    html = get(client, f"/a/{aid}/")
    assert f'href="/a/{aid}/session/">Start today\'s session</a>' in html
    assert f'href="/a/{aid}/plan.pdf" download>Download the plan (PDF)</a>' in html
    assert "Print" in html
    assert 'href="/faq/">Questions about massage?</a>' in html
    assert not CSP_BREAKERS.search(html)


def test_no_session_button_without_schedule_steps(client: Client) -> None:
    # a nerve root leads: self-management, no massage routine
    drawing = {"right.calf-lower": ["pain", "numbness"], "right.foot-lateral": ["numbness"]}
    aid, result = save(drawing, {**piriformis_findings(), "worse-cough-sneeze-strain": True})
    plan = result["plan"]
    if plan is None or plan["schedule"]["steps"]:
        pytest.skip("this case no longer gives a plan without steps")
    html = get(client, f"/a/{aid}/")
    assert "Start today's session" not in html
    assert "Download the plan (PDF)" in html
    assert get(client, f"/a/{aid}/session/", 404)


# ------------------------------------------------------------------------------ session


def test_the_session_lists_every_step_without_javascript(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, result = self_care
    steps = result["plan"]["schedule"]["steps"]
    html = get(client, f"/a/{aid}/session/")
    listed = re.findall(r'<li class="routine-step" id="step-(\d+)"', html)
    assert listed == [str(s["order"]) for s in steps]
    items = re.findall(r'<li class="routine-step".*?</li>', html, re.S)
    for step, item in zip(steps, items, strict=True):
        words = text(item)
        assert step["name"] in words
        assert f"hold {step['seconds']} seconds" in words
        assert "Right side" in words
    assert "Point 1 of 2" in text(items[0]) and "Stretch 3 of 3" in text(items[-1])
    # the instructions and figures are on the page too, and the end of the session
    assert result["plan"]["muscles"][0]["massage"]["steps"][0].split(".")[0] in html
    assert 'src="/static/paintrace/technique-figures/stretch-figure-4.svg"' in html
    assert "Done for today" in html and "Stop and get help" in html
    assert re.search(r"Review around \d{1,2} \w+ \d{4}\.", text(html))
    # the guided mode is an enhancement: its panel starts hidden, its script is a static file
    assert re.search(r'<section class="player card" id="player"[^>]*hidden>', html)
    assert '<script src="/static/paintrace/session.js" defer></script>' in html
    assert not CSP_BREAKERS.search(html)


def test_the_session_data_block_is_json_for_the_script(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, result = self_care
    html = get(client, f"/a/{aid}/session/")
    block = re.search(r'<script id="session-data" type="application/json">(.*?)</script>', html)
    assert block
    data = json.loads(block.group(1))
    steps = result["plan"]["schedule"]["steps"]
    assert [s["seconds"] for s in data["steps"]] == [s["seconds"] for s in steps]
    assert [s["title"] for s in data["steps"]] == [s["name"] for s in steps]
    assert data["steps"][0]["rest"] == 0 and all(s["rest"] > 0 for s in data["steps"][1:])
    for step in data["steps"]:
        tech = data["techniques"][step["tech"]]
        assert tech["steps"] and tech["figure"].startswith("/static/paintrace/technique-figures/")
        assert tech["alt"]


def test_the_session_is_small(client: Client, self_care: tuple[str, dict[str, Any]]) -> None:
    aid, _ = self_care
    assert len(client.get(f"/a/{aid}/session/").content) < 60 * 1024


def test_no_session_when_there_is_no_plan(client: Client, urgent: str) -> None:
    html = get(client, f"/a/{urgent}/session/", 404)
    assert "No self-care session for this assessment" in html
    assert "need a doctor first" in html
    assert f'href="/a/{urgent}/"' in html
    assert get(client, "/a/AAAAAAAAAAAAAAAAAAAAAA/session/", 404)


def test_no_session_for_a_plan_without_steps() -> None:
    assert session_view(None) is None
    assert session_view({"schedule": {"minutes": 0, "steps": []}, "muscles": []}) is None


# ------------------------------------------------------------------------------ PDF


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


@pytest.mark.parametrize("url", ["/a/{aid}/plan.pdf", "/api/assessments/{aid}/plan.pdf"])
def test_the_plan_downloads_as_a_pdf(
    client: Client, self_care: tuple[str, dict[str, Any]], url: str, tmp_path: Path
) -> None:
    aid, result = self_care
    response = client.get(url.format(aid=aid))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="paintrace-plan.pdf"'
    assert response.content.startswith(b"%PDF")
    words = pdf_text(response.content, tmp_path)
    first_step = result["plan"]["muscles"][0]["massage"]["steps"][0]
    assert " ".join(first_step.split()[:10]) in words
    assert "Stop and get help if" in words


def test_both_pdf_links_give_the_same_document(
    client: Client, self_care: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    aid, _ = self_care
    page = client.get(f"/a/{aid}/plan.pdf").content
    api = client.get(f"/api/assessments/{aid}/plan.pdf").content
    assert pdf_text(page, tmp_path) == pdf_text(api, tmp_path)


def test_pdf_errors(client: Client, urgent: str) -> None:
    unknown = client.get("/api/assessments/AAAAAAAAAAAAAAAAAAAAAA/plan.pdf")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "No assessment with this id."}
    no_plan = client.get(f"/api/assessments/{urgent}/plan.pdf")
    assert no_plan.status_code == 409
    assert "no self-care plan" in no_plan.json()["detail"]
    assert client.get("/a/AAAAAAAAAAAAAAAAAAAAAA/plan.pdf").status_code == 404
    page = client.get(f"/a/{urgent}/plan.pdf")
    assert page.status_code == 404
    assert "No plan to download" in page.content.decode()


def test_openapi_documents_the_pdf(client: Client) -> None:
    doc = client.get("/api/openapi.json").json()
    op = doc["paths"]["/api/assessments/{assessment_id}/plan.pdf"]["get"]
    assert set(op["responses"]) == {"200", "404", "409", "429", "503"}
    assert op["responses"]["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }
    assert op["responses"]["404"]["content"]["application/json"]
    refs = set(re.findall(r"'\$ref': '#/components/schemas/([^']+)'", str(doc)))
    assert refs <= set(doc["components"]["schemas"])


# ------------------------------------------------------------------------------ FAQ


def test_the_faq_answers_every_question_with_its_sources(client: Client) -> None:
    kb = load_knowledge()
    assert kb.care is not None
    faq = kb.care.faq
    assert len(faq) == 6
    html = get(client, "/faq/")
    words = text(html)
    questions = re.findall(r'<h2 id="[^"]+-q">([^<]+)</h2>', html)
    assert questions == [e.question for e in faq]
    for entry in faq:
        section = text(html.split(f">{entry.question}</h2>")[1].split("</section>")[0])
        assert " ".join(entry.answer[0].split()[:12]) in section
        for key in entry.references:
            assert f"[{key}] {kb.references[key].citation}" in section
    assert "Questions about massage and sciatica" in words
    assert not CSP_BREAKERS.search(html)


def test_the_footer_links_to_the_faq(client: Client) -> None:
    assert 'href="/faq/">Questions about massage and sciatica</a>' in get(client, "/")


VIGNETTES = sorted((Path(__file__).parents[1] / "vignettes").glob("*.json"))


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_every_vignette_renders_its_plan_and_session(client: Client, path: Path) -> None:
    data = json.loads(path.read_text())
    inp = parse_input(data)
    result = assess_input(inp).to_dict()
    aid = store.save(inp, result).id
    html = get(client, f"/a/{aid}/")
    assert not CSP_BREAKERS.search(html)
    plan = result["plan"]
    calm = result["triage"]["level"] in ("soon", "self-care") and not result["triage"]["unanswered"]
    assert ('id="plan"' in html) == bool(plan and calm)
    assert ('id="open-flags"' in html) == bool(
        result["triage"]["unanswered"] and result["triage"]["level"] != "emergency"
    )
    steps = plan["schedule"]["steps"] if plan else []
    session = client.get(f"/a/{aid}/session/")
    assert session.status_code == (200 if steps and calm else 404)
    if session.status_code == 200:
        listed = re.findall(r'<li class="routine-step" id="step-(\d+)"', session.content.decode())
        assert len(listed) == len(steps)
        assert "Start today's session" in html
    for m in plan["muscles"] if plan and calm else []:
        if m["massage"]:
            assert f"Massage: {m['massage']['name']}" in html
        for s in m["stretches"]:
            assert f"Stretch: {s['name']}" in text(html)


def test_a_calf_not_yet_checked_for_a_clot_gets_no_massage_and_no_session(
    client: Client,
) -> None:
    data = json.loads((Path(__file__).parents[1] / "vignettes" / "dev-040.json").read_text())
    data["findings"].pop("calf-swelling-warmth")  # unanswered: a clot is not ruled out
    inp = parse_input(data)
    result = assess_input(inp).to_dict()
    muscle = result["plan"]["muscles"][0]
    assert muscle["massage"] is None and muscle["massage_blocked"]
    assert "calf-swelling-warmth" in result["triage"]["unanswered"]
    aid = store.save(inp, result).id
    html = get(client, f"/a/{aid}/")
    assert 'id="plan"' not in html and "Start today's session" not in html
    assert 'name="rf:calf-swelling-warmth"' in html.split('id="open-flags"')[1]
    assert "Answer them on your result page first" in get(client, f"/a/{aid}/session/", 404)


def test_the_pdf_lists_open_warning_signs_and_holds_the_massage_plan_back(
    client: Client, tmp_path: Path
) -> None:
    findings = {"worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True}
    aid, result = save(PIRIFORMIS_DRAWING, findings)
    assert result["plan"] and result["triage"]["unanswered"]
    words = pdf_text(client.get(f"/a/{aid}/plan.pdf").content, tmp_path)
    assert "Warning signs still open" in words
    fever = load_knowledge().findings["fever"].question
    assert " ".join(fever.split()[:6]) in words
    assert "Massage:" not in words and "Today's routine" not in words
    assert "Stop and get help if" in words


def test_the_pdf_shows_pain_since_when_and_the_adaptations(client: Client, tmp_path: Path) -> None:
    findings = {**piriformis_findings(), "blood-thinners": True}
    inp = parse_input({"drawing": PIRIFORMIS_DRAWING, "findings": findings})
    result = assess_input(inp).to_dict()
    assert result["plan"]["adaptations"]
    aid = store.save(inp, result, about={"pain": 6, "since": "6-to-12-weeks"}).id
    words = pdf_text(client.get(f"/a/{aid}/plan.pdf").content, tmp_path)
    assert "Pain at its worst: 6 out of 10" in words and "Since: 6 to 12 weeks" in words
    assert "Changed for you" in words
    blood = next(a for a in result["plan"]["adaptations"] if a["finding"] == "blood-thinners")
    assert " ".join(blood["text"].split()[:6]) in words
    html = get(client, f"/a/{aid}/")
    assert "Changed for you" in html and blood["title"] in html.replace("&#x27;", "'")


def test_the_guided_session_names_the_point_and_the_muscle(
    client: Client, self_care: tuple[str, dict[str, Any]]
) -> None:
    aid, _ = self_care
    html = get(client, f"/a/{aid}/session/")
    assert '<p class="player-where" id="player-where">Piriformis, right side: point 1 of 2</p>' in (
        html
    )
    data = json.loads(re.search(r'id="session-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    wheres = [s["where"] for s in data["steps"]]
    assert wheres[1] == "Piriformis, right side: point 2 of 2"
    shown = [(s["title"], s["where"]) for s in data["steps"]]
    assert len(set(shown)) == len(shown)  # every step looks different from the one before
