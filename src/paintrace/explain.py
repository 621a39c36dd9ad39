"""Plain-language reasons for and against each ranked source.

A person needs to see *why* a muscle in the buttock is blamed for pain in the calf. The reasons
name the marked regions that fall in the source's referral map, the marked regions it does not
explain, symptom types that fit or do not fit, and the answers that moved it most.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

from paintrace.inference import Model, Posterior, finding_factor, partners
from paintrace.knowledge.schema import SYMPTOMS, Knowledge, Source
from paintrace.wording import capitalized, fits, join_and, list_sentences

_NEURAL = frozenset({"numbness", "tingling"})


# Names that keep their capital inside a sentence ("the Achilles tendon").
_PROPER_NOUNS = ("Achilles",)


@functools.lru_cache(maxsize=1024)  # region names are a fixed, small set
def _in_sentence(name: str) -> str:
    """A region name that reads inside a list: "Outer thigh, upper half" -> "upper outer thigh"."""
    head, sep, tail = name.partition(", ")
    if sep and tail.endswith(" half"):
        name = f"{tail.removesuffix(' half')} {head}"
    return " ".join(w if w in _PROPER_NOUNS else w.lower() for w in name.split(" "))


@functools.cache
def _region_label(knowledge: Knowledge, rid: str) -> str:
    return _in_sentence(knowledge.regions[rid].name)


@functools.cache
def _middles(knowledge: Knowledge) -> frozenset[str]:
    """The parts with a region in their middle ("middle of the buttock"): their upper and
    lower regions together are not the whole part."""
    return frozenset(
        label.removeprefix("middle of the ")
        for region in knowledge.base_regions.values()
        if (label := _in_sentence(region.name)).startswith("middle of the ")
    )


def _places(knowledge: Knowledge, labels: Sequence[str]) -> list[str]:
    """Region labels for a sentence, each once, both halves of a part named as the part:
    "upper back of the thigh and lower back of the thigh" reads "back of the thigh"."""
    out = list(dict.fromkeys(labels))
    middles = _middles(knowledge)
    for label in list(out):
        if label.startswith("upper "):
            part = label.removeprefix("upper ")
            if f"lower {part}" in out and part not in middles:
                first = min(out.index(label), out.index(f"lower {part}"))
                out.remove(label)
                out.remove(f"lower {part}")
                out.insert(first, part)
    return out


def place_names(knowledge: Knowledge, rids: Sequence[str]) -> list[str]:
    """Marked regions as a sentence names them, without their side: "middle of the buttock",
    "back of the thigh" for both its halves, each once."""
    return _places(knowledge, [_region_label(knowledge, rid) for rid in rids])


_SYMPTOM_WORDS = {
    "pain": "pain",
    "burning": "burning",
    "numbness": "numbness",
    "tingling": "pins and needles",
}


def _symptom_words(symptoms: Sequence[str]) -> str:
    return join_and([_SYMPTOM_WORDS[s] for s in symptoms])


def _fits_source(source: Source, symptoms: Sequence[str]) -> tuple[str, str]:
    """How the symptoms fit the source: the verb for the symptoms as subject ("your pain
    matches", "your pain and numbness match"), and the rest of the sentence."""
    # "pins and needles" alone is plural too
    plural = len(symptoms) > 1 or list(symptoms) == ["tingling"]
    if source.kind == "nerve_root":
        return ("follow" if plural else "follows"), f"the path of {source.phrase}."
    if source.kind == "muscle":
        verb = "refer pain" if source.plural else "refers pain"
    else:
        verb = "send symptoms" if source.plural else "sends symptoms"
    return ("match" if plural else "matches"), f"where {source.phrase} {verb}."


def _in_map_reason(source: Source, symptoms: Sequence[str], places: Sequence[str]) -> str:
    """Your symptoms in the marked places that the source explains. One sentence when it is
    short enough; else the places first ("You marked ... ."), then "This matches where ..."."""
    verb, rest = _fits_source(source, symptoms)
    said = _symptom_words(symptoms)
    whole = f"Your {said} in the {join_and(places)} {verb} {rest}"
    if fits(whole):
        return whole
    marked = list_sentences(
        (f"You marked {said} in the", "."), ("You also marked the", "."), places
    )
    this = "follows" if source.kind == "nerve_root" else "matches"
    return " ".join([*marked, f"This {this} {rest}"])


def _outside_reason(places: Sequence[str]) -> str:
    whole = f"It does not usually explain the {join_and(places)} you marked."
    if fits(whole):
        return whole
    return " ".join(
        list_sentences(
            ("It does not usually explain the", "you marked."),
            ("The same goes for the", "."),
            places,
        )
    )


def _unmarked_reason(places: Sequence[str]) -> str:
    whole = f"Its pain usually also reaches the {join_and(places)}, which you did not mark."
    if fits(whole):
        return whole
    them = "them" if len(places) > 1 else "it"
    return f"Its pain usually also reaches the {join_and(places)}. You did not mark {them}."


def region_reasons(
    knowledge: Knowledge, source: Source, drawing: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[str]]:
    levels = source.zone_levels
    regions = knowledge.regions
    in_zone: list[str] = []
    outside: list[str] = []
    for rid in drawing:
        (in_zone if regions[rid].base in levels else outside).append(rid)
    marked_bases = {regions[rid].base for rid in in_zone}
    for_lines: list[str] = []
    against: list[str] = []
    if in_zone:
        present = {s for rid in in_zone for s in drawing[rid]}
        symptoms = [s for s in SYMPTOMS if s in present]  # in the vocabulary's order
        places = place_names(knowledge, in_zone)
        # The subject is the symptoms ("your pain ... matches", "your pain and numbness ...
        # match"), not the places.
        for_lines.append(_in_map_reason(source, symptoms, places))
        neural_in_zone = not _NEURAL.isdisjoint(present)
        if source.kind == "nerve_root" and neural_in_zone:
            for_lines.append(
                "Numbness or pins and needles along a nerve's skin area (dermatome) point to "
                "a nerve root."
            )
        if source.kind == "muscle" and neural_in_zone:
            against.append(
                "Numbness and pins and needles are less typical of muscle pain; a nerve may be "
                "involved as well."
            )
    if outside:
        against.append(_outside_reason(place_names(knowledge, outside)))
    missing = [base for base in source.essential_regions if base not in marked_bases]
    if drawing and missing and len(missing) >= 2 and len(in_zone) <= 2:
        against.append(
            _unmarked_reason(
                _places(
                    knowledge,
                    [_in_sentence(knowledge.base_regions[b].name) for b in missing[:3]],
                )
            )
        )
    return for_lines, against


def finding_reasons(
    posterior: Posterior, source: Source, findings: Mapping[str, bool]
) -> tuple[list[str], list[str]]:
    """The answers that moved this source most: at most three each way, largest move first
    (ties in the order the answers were given)."""
    lines = _answer_lines(posterior.model, source.id)
    moved = [line for fid, value in findings.items() if (line := lines.get((fid, value)))]
    moved.sort(key=_by_strength)
    for_lines = [text for _, fits, text in moved if fits][:3]
    against = [text for _, fits, text in moved if not fits][:3]
    return for_lines, against


# how strongly an answer moved the source (strongest first), whether it speaks for it, and the
# sentence that says so
_AnswerLine = tuple[float, bool, str]


def _by_strength(line: _AnswerLine) -> float:
    return line[0]


@functools.cache
def _answer_lines(model: Model, source_id: str) -> dict[tuple[str, bool], _AnswerLine]:
    """The answers that move the source enough to be said, with their sentences, worked out
    once per source: none of it depends on the person, only which answers they gave."""
    knowledge = model.knowledge
    source = knowledge.sources[source_id]
    out: dict[tuple[str, bool], _AnswerLine] = {}
    for fid in source.evidence_ids:
        finding = knowledge.findings[fid]
        for value in (True, False):
            factor = finding_factor(model, source_id, fid, value)
            said = capitalized(finding.said_yes if value else finding.said_no)
            strength = -abs(_log(factor))
            if factor >= 1.25:
                out[(fid, value)] = (strength, True, answer_sentence(said, "fits", source))
            elif factor <= 0.8:
                out[(fid, value)] = (
                    strength,
                    False,
                    answer_sentence(said, "speaks against", source),
                )
    return out


def answer_sentence(said: str, verb: str, source: Source) -> str:
    """The answer and how it bears on the source: "Lying on your side hurts, which fits the
    gluteus medius." When that is too long, two sentences: "… is tender. This fits …"."""
    whole = f"{said}, which {verb} {source.phrase}."
    return whole if fits(whole) else f"{said}. This {verb} {source.phrase}."


def _log(x: float) -> float:
    return math.log(max(x, 1e-9))


def explain(
    posterior: Posterior,
    source_id: str,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
) -> tuple[list[str], list[str]]:
    """Reasons for and against one source, most telling first."""
    knowledge = posterior.model.knowledge
    source = knowledge.sources[source_id]
    r_for, r_against = region_reasons(knowledge, source, drawing)
    f_for, f_against = finding_reasons(posterior, source, findings)
    return r_for + f_for + together(posterior, source_id), r_against + f_against


TOGETHER_SHARE = 0.25  # of the posterior, for a pair to be worth a sentence


def together(posterior: Posterior, source_id: str) -> list[str]:
    """Say so when two sources explain the drawing better together than either alone."""
    knowledge = posterior.model.knowledge
    found = partners(posterior, source_id, min_mass=TOGETHER_SHARE)
    if not found:
        return []
    return [together_sentence(knowledge.sources[source_id], knowledge.sources[found[0][0]])]


def together_sentence(source: Source, other: Source) -> str:
    """Two sources that explain the picture best together, in a sentence short enough for any
    two names: with two long ones, the source itself is "it", as in its other reasons."""
    whole = (
        f"Your picture is explained best by {source.phrase} and {other.phrase} together: the two "
        "often occur at the same time."
    )
    if fits(whole):
        return whole
    return (
        f"It explains your picture best together with {other.phrase}. The two often occur at "
        "the same time."
    )
