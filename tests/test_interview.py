"""The interview: warning signs first, then the most informative question, then stop."""

from __future__ import annotations

from paintrace.assessment import AssessmentInput, Patient, assess_input
from paintrace.knowledge import load_knowledge

KB = load_knowledge()
RED_FLAGS = [f.id for f in KB.findings.values() if f.group == "red-flag"]
NO_FLAGS = {f: False for f in RED_FLAGS}
PIRIFORMIS = {
    "right.buttock-center": ["pain"],
    "right.sacroiliac": ["pain"],
    "right.thigh-posterior-upper": ["pain"],
}


def ask(drawing, findings, skip=()):
    return assess_input(AssessmentInput(drawing, findings, Patient()), KB, skip=skip).next_question


def test_red_flags_come_first_in_order():
    asked = []
    findings: dict[str, bool] = {}
    for _ in RED_FLAGS:
        q = ask(PIRIFORMIS, findings)
        assert q is not None and q.group == "red-flag"
        asked.append(q.finding)
        findings[q.finding] = False
    assert asked == RED_FLAGS
    q = ask(PIRIFORMIS, findings)
    assert q is None or q.group != "red-flag"


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


def test_interview_stops_when_the_leader_is_clear():
    findings = dict(NO_FLAGS)
    findings.update(
        {
            "worse-sitting": True,
            "hip-rotation-reproduces-buttock-pain": True,
            "pressure-point-reproduces-pain": True,
            "sacroiliac-tender": False,
            "worse-cough-sneeze-strain": False,
            "straight-leg-raise-positive": False,
        }
    )
    result = assess_input(AssessmentInput(PIRIFORMIS, findings, Patient()), KB)
    assert result.sources[0].id == "piriformis"
    if result.sources[0].probability >= KB.model.stop_probability:
        assert result.next_question is None


def test_interview_ends_within_the_cap():
    findings = dict(NO_FLAGS)
    drawing = {"left.calf-upper": ["pain"], "left.thigh-posterior-lower": ["pain"]}
    for _ in range(KB.model.max_questions + 1):
        q = ask(drawing, findings)
        if q is None:
            break
        findings[q.finding] = False
    assert ask(drawing, findings) is None
    asked = len(findings) - len(NO_FLAGS)
    assert asked <= KB.model.max_questions


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
