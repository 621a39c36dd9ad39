"""Triage: the contract's minimum rules, and properties that must hold for every input."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import LEVELS, SYMPTOMS
from paintrace.triage import triage

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


def test_every_minimum_finding_rule_of_the_contract_holds():
    for rule in CONTRACT["minimum_rules"]:
        if "drawing" in rule:
            continue
        for pick in rule.get("any", [None]):
            findings = {f: True for f in rule.get("all", [])}
            if pick:
                findings[pick] = True
            level = triage(KB, {"left.calf-upper": ["pain"]}, findings).level
            assert rank(level) <= rank(rule["level"]), (rule, findings, level)


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
