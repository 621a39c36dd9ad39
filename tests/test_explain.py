"""Reasons for and against a source name the regions and answers that moved it."""

from __future__ import annotations

from paintrace.explain import answer_sentence, explain, together_sentence
from paintrace.inference import compiled_model, infer
from paintrace.interview import tell_apart
from paintrace.knowledge import load_knowledge
from paintrace.wording import fits

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


def test_both_halves_of_a_part_are_named_as_the_part():
    halves = {"right.thigh-posterior-upper": ["pain"], "right.thigh-posterior-lower": ["pain"]}
    why, _ = reasons("hamstrings", halves)
    assert any("Your pain in the back of the thigh match" in line for line in why), why
    # the buttock has a middle: its upper and lower regions are not the whole buttock
    ends = {"right.buttock-upper": ["pain"], "right.buttock-lower": ["pain"]}
    why, _ = reasons("gluteus-maximus", ends)
    assert any("upper buttock and lower buttock" in line for line in why), why


def test_the_achilles_tendon_keeps_its_capital():
    _, why_not = reasons(
        "piriformis", {"right.buttock-center": ["pain"], "right.achilles": ["pain"]}
    )
    assert any("the Achilles tendon you marked" in line for line in why_not), why_not


def test_many_places_are_named_over_short_sentences():
    """Every marked place is still named, but no sentence runs past 25 words."""
    drawing = {
        (base if base == "lumbar-spine" else f"right.{base}"): ["pain", "numbness"]
        for base in (
            "lumbar-spine",
            "buttock-center",
            "thigh-posterior-upper",
            "thigh-lateral-lower",
            "knee-lateral",
            "leg-lateral",
            "ankle-lateral",
            "foot-dorsum",
            "big-toe",
            "lesser-toes",
            "thigh-anterior",
            "knee-medial",
            "heel",
        )
    }
    why, why_not = reasons("l5-root", drawing)
    lines = why + why_not
    path = next(line for line in why if "the path of the L5 nerve root" in line)
    assert path.startswith("You marked pain and numbness in the lower spine, ")
    assert path.endswith(". This follows the path of the L5 nerve root.")
    for place in ("middle of the buttock", "outer lower leg", "big toe", "other toes"):
        assert place in path
    outside = next(line for line in why_not if "does not usually explain" in line)
    for place in ("front of the thigh", "inner knee", "heel"):
        assert place in outside
    sentences = [s for line in lines for s in line.split(". ")]
    assert max(len(s.split()) for s in sentences) <= 25, lines


def test_a_long_answer_and_a_long_name_make_two_sentences():
    drawing = {"right.hip-lateral": ["pain"]}
    findings = {"trochanter-tender": True}
    why, _ = reasons("greater-trochanteric-pain-syndrome", drawing, findings)
    said = KB.findings["trochanter-tender"].said_yes
    assert f"{said[:1].upper()}{said[1:]}. This fits tendon pain over the bony point" in " ".join(
        why
    ), why
    why, _ = reasons("gluteus-minimus", drawing, {"worse-lying-on-side": True})
    assert any(", which fits the gluteus minimus." in line for line in why), why


# Every sentence a template can build stays within 25 words, whatever it is built from: the
# vignettes (tests/test_wording_outputs.py) meet only some of the names and answers.


def _fits(text: str) -> bool:
    return fits(*text.split(". "))


def test_any_two_sources_together_fit_in_short_sentences():
    sources = list(KB.sources.values())
    long = [
        (a.id, b.id)
        for a in sources
        for b in sources
        if a is not b and not _fits(together_sentence(a, b))
    ]
    assert long == []
    # the long form is kept for two long names only
    pair = KB.sources["lumbar-spinal-stenosis"], KB.sources["greater-trochanteric-pain-syndrome"]
    assert together_sentence(*pair).startswith("It explains your picture best together with ")
    pair = KB.sources["s1-root"], KB.sources["piriformis"]
    assert together_sentence(*pair).startswith(
        "Your picture is explained best by the S1 nerve root and the piriformis together: "
    )


def test_any_two_sources_told_apart_fit_in_short_sentences():
    phrases = [s.phrase for s in KB.sources.values()]
    assert [(a, b) for a in phrases for b in phrases if not _fits(tell_apart(a, b))] == []


def test_every_answer_about_every_source_fits_in_short_sentences():
    long = [
        (source.id, ev.finding)
        for source in KB.sources.values()
        for ev in source.evidence
        for said in (KB.findings[ev.finding].said_yes, KB.findings[ev.finding].said_no)
        for verb in ("fits", "speaks against")
        if not _fits(answer_sentence(said, verb, source))
    ]
    assert long == []


def test_every_source_map_is_told_in_short_sentences():
    """The widest drawing a source explains, with every symptom: all its zones marked."""
    for source in KB.sources.values():
        drawing = {
            (base if base in KB.regions else f"right.{base}"): ["pain", "burning", "numbness"]
            for base in source.zone_levels
        }
        why, why_not = reasons(source.id, drawing)
        assert all(_fits(line) for line in why + why_not), (source.id, why, why_not)
        # and what it does not explain: every other region marked
        drawing = {rid: ["pain"] for rid in KB.regions if not rid.startswith("left.")}
        why, why_not = reasons(source.id, drawing)
        assert all(_fits(line) for line in why + why_not), (source.id, why, why_not)
