"""Triage: the contract's minimum rules, and properties that must hold for every input."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import LEVELS, SYMPTOMS
from paintrace.triage import open_red_flags, triage

KB = load_knowledge()
RED_FLAGS = sorted(f.id for f in KB.findings.values() if f.group == "red-flag")
ALL_FINDINGS = sorted(KB.findings)
REGIONS = sorted(KB.regions)
CONTRACT = yaml.safe_load((Path(__file__).parent / "contract" / "triage.yaml").read_text())


def rank(level: str) -> int:
    return LEVELS.index(level)  # 0 = most urgent


drawings = st.dictionaries(
    st.sampled_from(REGIONS),
    st.lists(st.sampled_from(SYMPTOMS), min_size=1, max_size=4, unique=True),
    max_size=8,
)
answers = st.dictionaries(st.sampled_from(ALL_FINDINGS), st.booleans(), max_size=20)


@settings(max_examples=300, deadline=None)
@given(drawings, answers, st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers_the_level(drawing, findings, flag):
    before = triage(KB, drawing, findings).level
    after = triage(KB, drawing, {**findings, flag: True}).level
    assert rank(after) <= rank(before)


@settings(max_examples=200, deadline=None)
@given(drawings, answers, st.sampled_from(["numbness", "tingling", "burning"]))
def test_altered_feeling_in_the_saddle_is_always_an_emergency(drawing, findings, symptom):
    drawing = {**drawing, "perineum": [symptom]}
    assert triage(KB, drawing, findings).level == "emergency"


@settings(max_examples=200, deadline=None)
@given(drawings, answers)
def test_the_level_is_the_most_urgent_reason(drawing, findings):
    result = triage(KB, drawing, findings)
    assert result.reasons
    assert rank(result.level) == min(rank(r.level) for r in result.reasons)


# A drawing that satisfies each drawing predicate of the contract, and one that does not.
PREDICATE_DRAWINGS = {
    'numbness, tingling or burning marked in "perineum"': (
        {"perineum": ["numbness"]},
        {"perineum": ["pain"]},
    ),
    "symptoms marked below the buttock in both legs, unless new-bilateral-leg-symptoms is "
    "answered false": (
        {"left.calf-upper": ["pain"], "right.thigh-posterior-upper": ["pain"]},
        {"left.calf-upper": ["pain"], "left.buttock-center": ["pain"]},
    ),
    "symptoms marked in the calf or the back of the knee": (
        {"right.knee-posterior": ["pain"]},
        {"right.thigh-posterior-upper": ["pain"]},
    ),
}


def _rule_cases(rule):
    for pick in rule.get("any", [None]):
        findings = {f: True for f in rule.get("all", [])}
        if pick:
            findings[pick] = True
        yield findings


def test_every_minimum_rule_of_the_contract_holds():
    checked = 0
    for rule in CONTRACT["minimum_rules"]:
        drawing = {"left.calf-upper": ["pain"]}
        if "drawing" in rule:
            drawing = PREDICATE_DRAWINGS[rule["drawing"]][0]
        for findings in _rule_cases(rule):
            level = triage(KB, drawing, findings, age=rule.get("min_age")).level
            assert rank(level) <= rank(rule["level"]), (rule, findings, level)
            checked += 1
    assert checked >= 40


def test_min_age_rules_need_a_known_age_at_least_the_minimum():
    for rule in CONTRACT["minimum_rules"]:
        if "min_age" not in rule or "drawing" in rule:
            continue
        for findings in _rule_cases(rule):
            young = triage(KB, {"left.buttock-center": ["pain"]}, findings, age=rule["min_age"] - 1)
            unknown = triage(KB, {"left.buttock-center": ["pain"]}, findings, age=None)
            old = triage(KB, {"left.buttock-center": ["pain"]}, findings, age=rule["min_age"])
            assert rank(old.level) <= rank(rule["level"])
            fired = {r.rule for r in old.reasons} - {r.rule for r in young.reasons}
            assert fired, rule
            assert {r.rule for r in unknown.reasons} == {r.rule for r in young.reasons}


def test_clot_risk_is_urgent_only_with_the_calf_or_the_back_of_the_knee_drawn():
    yes, no = PREDICATE_DRAWINGS["symptoms marked in the calf or the back of the knee"]
    assert triage(KB, yes, {"clot-risk": True}).level == "urgent"
    assert triage(KB, {"left.calf-lower": ["tingling"]}, {"clot-risk": True}).level == "urgent"
    assert triage(KB, no, {"clot-risk": True}).level == "self-care"


def test_the_calf_questions_apply_only_when_the_calf_or_knee_back_is_drawn():
    calf, thigh = PREDICATE_DRAWINGS["symptoms marked in the calf or the back of the knee"]
    assert "calf-swelling-warmth" in open_red_flags(KB, calf, {})
    assert "clot-risk" in open_red_flags(KB, calf, {})
    assert "calf-swelling-warmth" not in open_red_flags(KB, thigh, {})
    assert "clot-risk" not in open_red_flags(KB, thigh, {})
    assert "saddle-numbness" in open_red_flags(KB, thigh, {})


def test_both_legs_drawn_is_an_emergency_unless_answered_not_new():
    drawing = {"left.calf-upper": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    assert triage(KB, drawing, {}).level == "emergency"
    assert triage(KB, drawing, {"new-bilateral-leg-symptoms": False}).level == "self-care"


def test_both_buttocks_alone_are_not_both_legs():
    drawing = {"left.buttock-center": ["pain"], "right.buttock-center": ["pain"]}
    assert triage(KB, drawing, {}).level == "self-care"


def test_pain_alone_in_the_saddle_is_not_the_numbness_rule():
    assert triage(KB, {"perineum": ["pain"]}, {}).level == "self-care"


def test_reasons_name_the_findings_behind_them():
    result = triage(KB, {}, {"fever": True, "cancer-history": True})
    assert result.level == "urgent"
    named = {r.finding for r in result.reasons}
    assert {"fever", "cancer-history"} <= named


def test_no_red_flags_gives_self_care_with_a_reason():
    result = triage(KB, {"left.calf-upper": ["pain"]}, {f: False for f in RED_FLAGS})
    assert result.level == "self-care"
    assert result.reasons[0].rule == "no-red-flags"
    assert result.unanswered_red_flags == ()


@settings(max_examples=200, deadline=None)
@given(drawings, answers)
def test_while_warning_signs_are_open_no_line_calls_self_care_reasonable(drawing, findings):
    """The title says to wait; the advice under it said "Self-care is a reasonable start"."""
    result = triage(KB, drawing, findings)
    if result.level == "self-care" and result.unanswered_red_flags:
        assert "reasonable" not in result.title + result.advice
        assert "Do not start massage or stretching yet" in result.advice
