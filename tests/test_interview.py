"""The interview: warning signs first, then the most informative question, then stop."""

from __future__ import annotations

import pytest

from paintrace import interview
from paintrace.assessment import AssessmentInput, Patient, assess_input
from paintrace.knowledge import load_knowledge
from paintrace.plan_modifiers import plan_modifier_ids
from paintrace.triage import applies

KB = load_knowledge()
RED_FLAGS = [f.id for f in KB.findings.values() if f.group == "red-flag"]
NO_FLAGS = {f: False for f in RED_FLAGS}
PLAN_QUESTIONS = set(plan_modifier_ids(KB)) | {"calf-swelling-warmth", "clot-risk"}
PIRIFORMIS = {
    "right.buttock-center": ["pain"],
    "right.sacroiliac": ["pain"],
    "right.thigh-posterior-upper": ["pain"],
}


def ask(drawing, findings, skip=(), patient=None):
    inp = AssessmentInput(drawing, findings, patient or Patient())
    return assess_input(inp, KB, skip=skip).next_question


def run_interview(drawing, findings, patient=None, limit=40):
    """Answer "no" to every question until the interview stops; the questions in order."""
    findings = dict(findings)
    asked = []
    for _ in range(limit):
        q = ask(drawing, findings, patient=patient)
        if q is None:
            return asked
        asked.append(q.finding)
        findings[q.finding] = False
    raise AssertionError("the interview did not stop")


def test_red_flags_that_apply_come_first_in_order():
    applicable = [f for f in RED_FLAGS if applies(KB, f, PIRIFORMIS)]
    assert "clot-risk" not in applicable and "calf-swelling-warmth" not in applicable
    asked = []
    findings: dict[str, bool] = {}
    for _ in applicable:
        q = ask(PIRIFORMIS, findings)
        assert q is not None and q.group == "red-flag"
        asked.append(q.finding)
        findings[q.finding] = False
    assert asked == applicable
    q = ask(PIRIFORMIS, findings)
    assert q is None or q.group != "red-flag"


def test_the_clot_questions_come_first_when_the_calf_is_drawn():
    calf = {"left.calf-upper": ["pain"], "left.knee-posterior": ["pain"]}
    asked = run_interview(calf, {})
    flags = [f for f in asked if f in RED_FLAGS]
    assert asked[: len(flags)] == flags  # every warning sign before any other question
    assert "clot-risk" in flags and "calf-swelling-warmth" in flags


def test_a_clot_risk_with_calf_pain_is_urgent_and_ends_without_a_plan():
    calf = {"left.calf-upper": ["pain"]}
    result = assess_input(AssessmentInput(calf, {"clot-risk": True}, Patient()), KB)
    assert result.triage.level == "urgent"
    assert result.plan is None
    assert ("clot", KB.triage.causes["clot"]) in result.triage.causes


def test_red_flags_come_first_even_with_an_empty_drawing():
    assert ask({}, {}).finding == RED_FLAGS[0]


def test_emergency_stops_the_interview():
    assert ask({"perineum": ["numbness"]}, {}) is None


def test_after_red_flags_the_question_carries_its_rationale():
    q = ask(PIRIFORMIS, NO_FLAGS)
    assert q is not None and q.group != "red-flag"
    assert q.why.startswith("We ask because")
    assert q.gain is not None and q.gain > 0


def test_skipped_questions_are_not_asked_again():
    first = ask(PIRIFORMIS, NO_FLAGS)
    second = ask(PIRIFORMIS, NO_FLAGS, skip={first.finding})
    assert second is None or second.finding != first.finding


CLEAR_PIRIFORMIS = {
    "worse-sitting": True,
    "hip-rotation-reproduces-buttock-pain": True,
    "pressure-point-reproduces-pain": True,
    "sacroiliac-tender": False,
    "worse-cough-sneeze-strain": False,
    "straight-leg-raise-positive": False,
}


def test_interview_stops_when_the_leader_is_clear_after_the_plan_questions():
    findings = {**NO_FLAGS, **CLEAR_PIRIFORMIS}
    result = assess_input(AssessmentInput(PIRIFORMIS, findings, Patient()), KB)
    assert result.sources[0].id == "piriformis"
    assert result.sources[0].probability >= KB.model.stop_probability
    # Only what changes the massage plan is left to ask, then nothing.
    rest = run_interview(PIRIFORMIS, findings)
    assert rest and set(rest) <= PLAN_QUESTIONS
    assert set(plan_modifier_ids(KB)) - {"osteoporosis-or-long-term-steroids"} <= set(rest)


def test_at_least_the_two_best_questions_even_when_the_first_guess_is_confident():
    gluteus_minimus = {
        "left.buttock-lateral": ["pain"],
        "left.thigh-lateral-upper": ["pain"],
        "left.thigh-lateral-lower": ["pain"],
        "left.leg-lateral": ["pain"],
        "left.ankle-lateral": ["pain"],
    }
    asked = [f for f in run_interview(gluteus_minimus, NO_FLAGS) if f not in PLAN_QUESTIONS]
    assert len(asked) >= KB.model.min_questions


def test_no_pregnancy_question_for_a_man():
    findings = {**NO_FLAGS, **CLEAR_PIRIFORMIS}
    asked = run_interview(PIRIFORMIS, findings, patient=Patient(40, "male"))
    assert "blood-thinners" in asked
    assert "pregnant-or-recently-gave-birth" not in asked
    asked = run_interview(PIRIFORMIS, findings, patient=Patient(40, "female"))
    assert "pregnant-or-recently-gave-birth" in asked


def test_the_estimate_of_questions_left_counts_down_to_the_end():
    findings = dict(NO_FLAGS)
    estimates = []
    for _ in range(30):
        q = ask(PIRIFORMIS, findings)
        if q is None:
            break
        assert q.remaining >= 1
        estimates.append(q.remaining)
        findings[q.finding] = False
    assert estimates and estimates[-1] == 1
    first = ask(PIRIFORMIS, {})
    applicable = [f for f in RED_FLAGS if applies(KB, f, PIRIFORMIS)]
    assert first.remaining > len(applicable)


def test_open_warning_signs_are_asked_without_weighing_the_other_questions(monkeypatch):
    """While warning signs are open, no information gain is worked out (most of a step's
    cost): the warning sign is asked whatever it would be, and the count still covers the
    ranking questions to come."""

    def must_not_run(*args, **kwargs):
        raise AssertionError("information gain worked out while warning signs are open")

    monkeypatch.setattr(interview, "information_gain", must_not_run)
    first = ask(PIRIFORMIS, {})
    applicable = [f for f in RED_FLAGS if applies(KB, f, PIRIFORMIS)]
    assert first.finding == applicable[0]
    assert first.remaining > len(applicable)
    with pytest.raises(AssertionError, match="information gain"):
        ask(PIRIFORMIS, dict(NO_FLAGS))  # once they are answered, the gain chooses


def test_interview_ends_within_the_cap():
    drawing = {"left.calf-upper": ["pain"], "left.thigh-posterior-lower": ["pain"]}
    asked = run_interview(drawing, NO_FLAGS)
    ranking_questions = [f for f in asked if f not in PLAN_QUESTIONS]
    assert len(ranking_questions) <= KB.model.max_questions


def test_both_legs_drawn_asks_whether_it_is_new_before_anything_else():
    drawing = {"left.calf-upper": ["pain"], "right.calf-upper": ["pain"]}
    result = assess_input(AssessmentInput(drawing, {}, Patient()), KB)
    assert result.triage.level == "emergency"
    assert result.next_question.finding == "new-bilateral-leg-symptoms"
    settled = assess_input(
        AssessmentInput(drawing, {"new-bilateral-leg-symptoms": False}, Patient()), KB
    )
    assert settled.triage.level != "emergency"
    assert settled.next_question is not None and settled.next_question.group == "red-flag"
    confirmed = AssessmentInput(drawing, {"new-bilateral-leg-symptoms": True}, Patient())
    assert assess_input(confirmed, KB).next_question is None


def test_an_emergency_that_no_answer_can_lift_asks_nothing():
    drawing = {"left.calf-upper": ["pain"], "right.calf-upper": ["pain"], "perineum": ["numbness"]}
    assert ask(drawing, {}) is None


def test_unknown_red_flags_do_not_use_up_the_questions():
    q = ask(PIRIFORMIS, {}, skip=set(RED_FLAGS))
    assert q is not None and q.group != "red-flag"
