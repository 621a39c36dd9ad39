"""The self-care plan: complete content, safe composition, printable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paintrace.assessment import assess
from paintrace.handout import plan_pdf, render_plan_html, render_plan_markdown
from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import knowledge_root
from paintrace.plan import SETUP_SECONDS, STRETCH_SETUP_SECONDS, _schedule, _seconds

KB = load_knowledge()
NO_FLAGS = {f.id: False for f in KB.findings.values() if f.group == "red-flag"}
PIRIFORMIS = {
    "right.buttock-center": ["pain"],
    "right.sacroiliac": ["pain"],
    "right.thigh-posterior-upper": ["pain"],
}
PIRIFORMIS_FINDINGS = {
    **NO_FLAGS,
    "worse-sitting": True,
    "hip-rotation-reproduces-buttock-pain": True,
}
CALF = {"left.calf-upper": ["pain"], "left.knee-posterior": ["pain"], "left.foot-sole": ["pain"]}
L5 = {
    "left.buttock-center": ["pain"],
    "left.leg-lateral": ["pain", "numbness"],
    "left.foot-dorsum": ["numbness"],
    "left.big-toe": ["tingling"],
}


def test_every_muscle_has_a_complete_technique():
    muscles = [s.id for s in KB.sources.values() if s.kind == "muscle"]
    assert sorted(KB.techniques) == sorted(muscles)
    for tech in KB.techniques.values():
        assert tech.massage.steps and tech.massage.find_it and tech.massage.stop_if
        assert tech.massage.avoid or tech.source in {"lumbar-paraspinals", "vastus-lateralis"}
        assert 1 <= len(tech.stretches) <= 2
        assert tech.massage.evidence and all(s.evidence for s in tech.stretches)


def test_every_other_source_has_self_management():
    others = [s.id for s in KB.sources.values() if s.kind != "muscle"]
    assert sorted(KB.self_management) == sorted(others)


def test_every_figure_exists():
    figures = knowledge_root() / "figures"
    for tech in KB.techniques.values():
        for slug in [tech.massage.figure, *(s.figure for s in tech.stretches)]:
            assert (figures / f"{slug}.svg").exists(), slug


def test_no_plan_at_emergency_or_urgent():
    assert assess(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "saddle-numbness": True}).plan is None
    assert assess(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "fever": True}).plan is None


def test_plan_at_soon_and_self_care():
    assert assess(PIRIFORMIS, PIRIFORMIS_FINDINGS).plan is not None
    assert assess(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "cancer-history": True}).plan is not None


def test_massage_first_then_stretch_for_a_muscle():
    plan = assess(PIRIFORMIS, PIRIFORMIS_FINDINGS).plan
    assert plan["kind"] == "massage-and-stretch"
    assert plan["muscles"][0]["id"] == "piriformis"
    steps = [s for s in plan["schedule"]["steps"] if s["muscle"] == "piriformis"]
    kinds = [s["kind"] for s in steps]
    assert kinds.index("stretch") > max(i for i, k in enumerate(kinds) if k == "massage")
    assert plan["sides"] == ["right"]


def test_the_summary_names_several_muscles_as_a_list_with_and():
    """It read "trigger points in the lumbar paraspinal muscles (multifidus), iliopsoas"."""
    import json

    case = json.loads((Path(__file__).parent / "vignettes" / "dev-034.json").read_text())
    plan = assess(case["drawing"], case["findings"]).plan
    names = [m["name"] for m in plan["muscles"]]
    assert len(names) >= 2
    assert f"and {names[-1][:1].lower()}{names[-1][1:]}." in plan["summary"]


def test_the_summary_without_a_muscle_to_name_reads_right():
    """No muscle likely enough to work on (the leading one at 9 %): the summary read "trigger
    points in the the muscles", then told you to massage each point of no muscle."""
    drawing = {"coccyx": ["numbness", "tingling"]}
    findings = {
        "worse-cough-sneeze-strain": True,
        "both-feet-numb-or-burning": True,
        "onset-after-unaccustomed-activity": True,
        "heel-pain-on-walking": True,
        "straight-leg-raise-positive": False,
        "worse-sitting": True,
        "worse-getting-up-from-chair": True,
    }
    plan = assess(drawing, findings).plan
    assert plan is not None and plan["muscles"] == [] and plan["kind"] == "self-management"
    assert "the the" not in plan["summary"]
    # nothing to massage: the summary must not tell you to massage
    assert "Massage" not in plan["summary"] and "stands out" in plan["summary"]


def test_daily_routine_fits_about_twenty_minutes():
    for drawing in (PIRIFORMIS, CALF, {**PIRIFORMIS, "left.buttock-center": ["pain"]}):
        result = assess(drawing, {**NO_FLAGS, "calf-swelling-warmth": False})
        if result.plan:
            assert result.plan["schedule"]["minutes"] <= 21


def test_the_budget_counts_the_seconds_the_schedule_lists():
    """The budget loop adds up seconds without building steps; it must agree with the steps."""
    checked = 0
    for drawing in (PIRIFORMIS, CALF, L5, {**PIRIFORMIS, "left.buttock-center": ["pain"]}):
        plan = assess(drawing, {**NO_FLAGS, "calf-swelling-warmth": False}).plan
        if not plan or not plan["muscles"]:
            continue
        sides = KB.drawn_sides(drawing)
        steps, _ = _schedule(plan["muscles"], sides)
        setup = {"massage": SETUP_SECONDS, "stretch": STRETCH_SETUP_SECONDS}
        listed = sum(step["seconds"] + setup[step["kind"]] for step in steps)
        assert _seconds(plan["muscles"], sides) == listed > 0
        assert len(steps) == len(plan["schedule"]["steps"])
        checked += 1
    assert checked >= 2


def test_no_calf_massage_while_a_clot_is_possible():
    unknown = {k: v for k, v in NO_FLAGS.items() if k != "calf-swelling-warmth"}
    plan = assess(CALF, {**unknown, "night-calf-cramps": True}).plan
    calf = [m for m in plan["muscles"] if m["id"] in ("gastrocnemius", "soleus")]
    assert calf and all(m["massage"] is None and m["massage_blocked"] for m in calf)
    assert all(s["muscle"] not in ("gastrocnemius", "soleus") for s in plan["schedule"]["steps"])
    cleared = assess(CALF, {**NO_FLAGS, "night-calf-cramps": True}).plan
    assert any(m["massage"] for m in cleared["muscles"] if m["id"] == "gastrocnemius")
    assert assess(CALF, {**NO_FLAGS, "calf-swelling-warmth": True}).plan is None


def test_no_massage_first_plan_when_a_root_leads():
    result = assess(L5, {**NO_FLAGS, "straight-leg-raise-positive": True})
    assert result.sources[0].id == "l5-root"
    plan = result.plan
    assert plan["kind"] == "self-management"
    assert plan["muscles"] == [] and plan["schedule"]["steps"] == []
    assert plan["self_management"][0]["source"] == "l5-root"


def test_every_plan_has_a_review_and_a_red_flag_card():
    plan = assess(PIRIFORMIS, PIRIFORMIS_FINDINGS).plan
    assert plan["review"]["after_days"] == 14
    assert len(plan["red_flag_card"]) >= 3
    assert any("gun" in c.lower() or "percussion" in c.lower() for c in plan["cautions"])
    assert any("sciatic" in s["site"].lower() for s in plan["nerve_sites"])


def test_handout_html_has_steps_and_figures():
    plan = assess(PIRIFORMIS, PIRIFORMIS_FINDINGS).plan
    html = render_plan_html(plan)
    assert plan["muscles"][0]["massage"]["steps"][0][:30] in html
    assert "<svg" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")
def test_pdf_renders_and_contains_the_steps(tmp_path):
    plan = assess(PIRIFORMIS, PIRIFORMIS_FINDINGS).plan
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(plan_pdf(plan))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    normalised = " ".join(text.split())
    assert "Your self-care plan" in normalised
    first_step = " ".join(plan["muscles"][0]["massage"]["steps"][0].split()[:5])
    assert first_step in normalised
    assert plan["muscles"][0]["stretches"][0]["name"] in normalised


def test_cli_writes_the_pdf_and_refuses_at_emergency(tmp_path):
    case = Path(__file__).parent / "vignettes" / "dev-023.json"
    out = tmp_path / "handout.pdf"
    cmd = [sys.executable, "-m", "paintrace.cli", "plan", "--input", str(case), "--pdf", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF")
    emergency = Path(__file__).parent / "vignettes" / "dev-001.json"
    proc = subprocess.run(
        [sys.executable, "-m", "paintrace.cli", "plan", "--input", str(emergency)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and "no self-care plan" in proc.stderr


# --------------------------------------------------------------------- plan modifiers (v2)

QL = {"right.low-back": ["pain"], "right.buttock-upper": ["pain"], "right.hip-lateral": ["pain"]}


def _plan(drawing, findings, patient=None):
    return assess(drawing, findings, patient).plan


def _muscle(plan, mid):
    return next(m for m in plan["muscles"] if m["id"] == mid)


def test_blood_thinners_mean_light_pressure_and_no_firm_tools():
    plain = _plan(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "blood-thinners": False})
    thin = _plan(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "blood-thinners": True})
    before, after = _muscle(plain, "piriformis")["massage"], _muscle(thin, "piriformis")["massage"]
    assert before["pressure"] != after["pressure"] and "Light only" in after["pressure"]
    firm = {"lacrosse-ball", "cane-hook", "glute-tool", "peanut-ball"}
    assert not firm & {t["tool"] for t in after["tools"]}
    assert {"finding": "blood-thinners", "state": "yes"}.items() <= thin["adaptations"][0].items()
    # the content itself is untouched (the plan works on copies)
    again = _plan(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "blood-thinners": False})
    assert _muscle(again, "piriformis")["massage"]["pressure"] == before["pressure"]


def test_with_a_blood_thinner_in_pregnancy_the_lighter_pressure_holds():
    both = {**PIRIFORMIS_FINDINGS, "blood-thinners": True, "pregnant-or-recently-gave-birth": True}
    massage = _muscle(_plan(PIRIFORMIS, both), "piriformis")["massage"]
    limits = {m.finding: m for m in KB.care.modifiers}
    assert massage["pressure"] == limits["blood-thinners"].pressure  # 2 to 3, not 3 to 5
    assert {t["tool"] for t in massage["tools"]} <= set(limits["blood-thinners"].tools or [])
    assert massage["position"] == limits["pregnant-or-recently-gave-birth"].position
    assert "on your back with" not in massage["position"]  # the technique's own, replaced


def test_the_weeks_ahead_keep_each_muscles_own_dose():
    """The progression names no pressure of its own: on a blood thinner, '5 to 7 out of 10'
    beside the muscle's '2 to 3' would contradict it."""
    thin = _plan(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "blood-thinners": True})
    assert [step["weeks"] for step in thin["progression"]] == ["1", "2", "3-4"]
    assert not any("out of 10" in step["text"] for step in thin["progression"])
    assert "given for each muscle" in thin["progression"][1]["text"]


def test_the_terminal_plan_carries_the_handouts_cautions():
    plan = _plan(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "blood-thinners": True})
    text = render_plan_markdown(plan)
    massage = _muscle(plan, "piriformis")["massage"]
    assert all(item in text for item in massage["avoid"])
    assert plan["nerve_sites"] and all(site["why"] in text for site in plan["nerve_sites"])
    assert "## Changed for you" in text and plan["adaptations"][0]["text"] in text
    assert f"Pressure: {massage['pressure'].rstrip('.')}. Hold" in text
    assert all(step["text"] in text for step in plan["progression"])
    assert ".." not in text.replace("...", "")


def test_a_plan_is_shown_only_with_no_warning_sign_open():
    from paintrace.plan import plan_to_show

    open_signs = assess(PIRIFORMIS, {"worse-sitting": True}).to_dict()
    assert open_signs["plan"] and open_signs["triage"]["unanswered"]
    assert plan_to_show(open_signs) is None
    answered = assess(PIRIFORMIS, PIRIFORMIS_FINDINGS).to_dict()
    assert plan_to_show(answered) == answered["plan"] is not None
    urgent = {**answered, "triage": {**answered["triage"], "level": "urgent"}}
    assert plan_to_show(urgent) is None


def test_every_pressure_limit_says_how_light_it_is():
    for mod in KB.care.modifiers:
        assert (mod.pressure is None) == (mod.pressure_max is None), mod.finding
        assert mod.pressure_max is None or f"{mod.pressure_max} out of 10" in mod.pressure


def test_an_unanswered_modifier_is_stated_not_assumed_no():
    plan = _plan(PIRIFORMIS, PIRIFORMIS_FINDINGS)
    states = {a["finding"]: a["state"] for a in plan["adaptations"]}
    assert states.get("blood-thinners") == "unknown"


def test_pregnancy_means_no_calf_or_belly_massage():
    findings = {**NO_FLAGS, "pregnant-or-recently-gave-birth": True}
    for mod in KB.care.modifiers:
        if mod.finding == "pregnant-or-recently-gave-birth":
            blocked = set(mod.no_massage)
    assert {"iliopsoas", "gastrocnemius", "soleus"} <= blocked
    plan = _plan({"right.heel": ["pain"], "right.calf-lower": ["pain"]}, findings)
    listed = [m for m in plan["muscles"] if m["id"] in blocked]
    assert listed, "the heel and calf drawing implicates a calf muscle"
    assert all(m["massage"] is None for m in listed)


def test_every_stretch_says_its_posture_as_its_words_do():
    """The plan adapts stretches by posture, not by reading their words: the two must agree."""
    words = {"lying-back": "on your back", "lying-side": "on your good side"}
    for tech in KB.techniques.values():
        for stretch in tech.stretches:
            on_back = "on your back" in stretch.position.lower()
            assert on_back == (stretch.posture == "lying-back"), stretch.id
            assert stretch.posture not in words or words[stretch.posture] in stretch.position


def test_in_pregnancy_stretches_on_the_back_are_done_propped_up():
    pregnant = {**PIRIFORMIS_FINDINGS, "pregnant-or-recently-gave-birth": True}
    mod = next(m for m in KB.care.modifiers if m.finding == "pregnant-or-recently-gave-birth")
    assert mod.stretch_postures == ["lying-back"] and mod.stretch_position
    stretches = [s for m in _plan(PIRIFORMIS, pregnant)["muscles"] for s in m["stretches"]]
    on_back = [s for s in stretches if s["posture"] == "lying-back"]
    assert on_back, "the piriformis stretches lie on the back"
    assert all(s["position"] == mod.stretch_position for s in on_back)
    assert all(s["adapted_for"] == mod.finding for s in on_back)
    assert all("adapted_for" not in s for s in stretches if s["posture"] != "lying-back")
    # the content itself is untouched: the next plan, not pregnant, lies on the back again
    plain = _plan(PIRIFORMIS, {**PIRIFORMIS_FINDINGS, "pregnant-or-recently-gave-birth": False})
    figure_4 = next(s for s in _muscle(plain, "piriformis")["stretches"] if s["id"] == "figure-4")
    assert figure_4["position"].startswith("Lying on your back")


def test_the_handout_shows_the_propped_up_position_in_pregnancy():
    pregnant = {**PIRIFORMIS_FINDINGS, "pregnant-or-recently-gave-birth": True}
    mod = next(m for m in KB.care.modifiers if m.finding == "pregnant-or-recently-gave-birth")
    html = render_plan_html(_plan(PIRIFORMIS, pregnant))
    assert mod.stretch_position.split(",")[0] in html
    assert "Lying on your back with both knees bent" not in html
    text = render_plan_markdown(_plan(PIRIFORMIS, pregnant))
    assert mod.stretch_position in text and "Lying on your back" not in text


def test_weak_bones_mean_no_ball_work_beside_the_spine():
    findings = {**NO_FLAGS, "osteoporosis-or-long-term-steroids": True}
    plan = assess(QL, findings).plan
    assert plan is not None
    beside_spine = [
        m for m in plan["muscles"] if m["id"] in ("quadratus-lumborum", "lumbar-paraspinals")
    ]
    assert beside_spine, "the low-back drawing implicates the quadratus lumborum"
    assert all(m["massage"] is None for m in beside_spine)


def test_a_likely_root_leads_the_plan_with_its_self_management():
    sciatic = {
        "left.buttock-center": ["pain"],
        "left.thigh-posterior-upper": ["pain"],
        "left.calf-lower": ["pain"],
    }
    result = assess(sciatic, {**NO_FLAGS, "worse-cough-sneeze-strain": True})
    roots = [s for s in result.sources if s.kind == "nerve_root" and s.probability >= 0.15]
    assert roots, [(s.id, s.probability) for s in result.sources]
    plan = result.plan
    assert plan["self_management"][0]["name"] == KB.sources[roots[0].id].name
    if plan["kind"] == "massage-and-stretch":
        assert plan["root_first"] and "nerve root may be involved" in plan["summary"]


def test_plans_say_may_come_from_not_comes_from():
    for drawing, findings in ((PIRIFORMIS, PIRIFORMIS_FINDINGS), (L5, NO_FLAGS)):
        summary = assess(drawing, findings).plan["summary"]
        assert "may come from" in summary and "most likely comes from" not in summary
