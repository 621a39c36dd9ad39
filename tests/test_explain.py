"""Reasons for and against a source name the regions and answers that moved it."""

from __future__ import annotations

from paintrace.explain import explain
from paintrace.inference import compiled_model, infer
from paintrace.knowledge import load_knowledge

KB = load_knowledge()
MODEL = compiled_model(KB)


def reasons(source, drawing, findings=None):
    findings = findings or {}
    return explain(infer(MODEL, drawing, findings), source, drawing, findings)


def test_regions_in_the_map_are_named_for_the_source():
    why, _ = reasons("piriformis", {"right.buttock-center": ["pain"]})
    assert any("middle of the buttock" in line and "piriformis" in line for line in why)


def test_regions_outside_the_map_count_against():
    _, why_not = reasons(
        "piriformis", {"right.buttock-center": ["pain"], "right.big-toe": ["pain"]}
    )
    assert any("big toe" in line for line in why_not)


def test_numbness_in_a_dermatome_is_named_for_a_root_and_against_a_muscle():
    drawing = {"left.foot-dorsum": ["numbness"], "left.leg-lateral": ["pain"]}
    why, _ = reasons("l5-root", drawing)
    assert any("dermatome" in line for line in why)
    _, why_not = reasons("peroneus-longus", {"left.foot-lateral": ["numbness"]})
    assert any("less typical of muscle pain" in line for line in why_not)


def test_answers_that_moved_the_source_are_named():
    drawing = {"right.buttock-center": ["pain"]}
    why, why_not = reasons(
        "piriformis",
        drawing,
        {"hip-rotation-reproduces-buttock-pain": True, "worse-cough-sneeze-strain": True},
    )
    said_yes = KB.findings["hip-rotation-reproduces-buttock-pain"].said_yes
    assert any(said_yes[:20].lower() in line.lower() for line in why)
    assert any("speaks against the piriformis" in line for line in why_not)


def test_roots_keep_their_capitals():
    why, _ = reasons("s1-root", {"right.foot-lateral": ["numbness"]}, {"toe-walk-difficult": True})
    assert any("the S1 nerve root" in line for line in why)


def test_two_sources_together_are_named():
    drawing = {
        "right.buttock-lateral": ["pain"],
        "right.thigh-lateral-upper": ["pain"],
        "right.thigh-lateral-lower": ["pain"],
        "right.knee-lateral": ["pain"],
        "right.foot-lateral": ["numbness"],
        "right.foot-sole": ["numbness", "tingling"],
        "right.lesser-toes": ["tingling"],
    }
    why, _ = reasons("gluteus-minimus", drawing)
    assert any("together" in line and "S1 nerve root" in line for line in why)
    why_alone, _ = reasons("piriformis", {"right.buttock-center": ["pain"]})
    assert not any("together" in line for line in why_alone)


def test_the_verb_agrees_with_the_symptoms_not_with_the_number_of_places():
    """It read "your pain in the buttock and the calf match": the subject is the pain."""
    two_places = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    why, _ = reasons("piriformis", two_places)
    assert any("pain in the" in line and " matches where " in line for line in why), why
    why, _ = reasons("s1-root", two_places)
    assert any(" follows the path of " in line for line in why), why
    two_symptoms = {"right.buttock-center": ["pain", "numbness"]}
    why, _ = reasons("piriformis", two_symptoms)
    assert any("pain and numbness in the" in line and " match where " in line for line in why)


def test_a_plural_source_takes_a_plural_verb():
    """It read "where the hamstrings refers pain"."""
    why, _ = reasons("hamstrings", {"right.thigh-posterior-lower": ["pain"]})
    assert any("where the hamstrings refer pain." in line for line in why), why
    why, _ = reasons("lumbar-paraspinals", {"right.low-back": ["pain"]})
    assert any("the lumbar paraspinal muscles (multifidus) refer pain." in line for line in why)
    why, _ = reasons("piriformis", {"right.buttock-center": ["pain"]})
    assert any("where the piriformis refers pain." in line for line in why), why


def test_the_achilles_tendon_keeps_its_capital():
    _, why_not = reasons(
        "piriformis", {"right.buttock-center": ["pain"], "right.achilles": ["pain"]}
    )
    assert any("the Achilles tendon you marked" in line for line in why_not), why_not
