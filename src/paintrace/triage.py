"""Red-flag triage: the rules of ``triage.yaml`` applied to a drawing and findings.

Triage decides alone. The ranking of sources never changes the level, and a rule reads only
findings answered *true* (and the drawing), so adding a red flag can only add rules that fire.
The one exception by design is ``unless_false``: answering "no" to a specific question (for
example "are the symptoms in both legs new?") can silence a rule that the drawing alone would
fire, which is how the contract's both-legs rule is written.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from paintrace.knowledge.schema import (
    LEVELS,
    AllOf,
    AnyOf,
    Condition,
    DrawingBothLegs,
    DrawingMarked,
    Finding,
    FindingIs,
    Knowledge,
    Level,
)


@dataclass(frozen=True)
class Reason:
    rule: str
    level: Level
    text: str
    finding: str | None = None
    regions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"finding": self.finding, "text": self.text}
        if self.regions:
            out["regions"] = list(self.regions)
        out["rule"] = self.rule
        out["level"] = self.level
        return out


@dataclass(frozen=True)
class TriageResult:
    level: Level
    reasons: tuple[Reason, ...]
    advice: str
    title: str
    unanswered_red_flags: tuple[str, ...] = field(default_factory=tuple)
    causes: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (id, plain name)

    @property
    def self_care_allowed(self) -> bool:
        return self.level in ("soon", "self-care")


def more_urgent(a: Level, b: Level) -> Level:
    return a if LEVELS.index(a) <= LEVELS.index(b) else b


@dataclass
class _Match:
    findings: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)


def _evaluate(
    cond: Condition,
    knowledge: Knowledge,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    match: _Match,
) -> bool:
    if isinstance(cond, FindingIs):
        if findings.get(cond.finding) is True:
            match.findings.append(cond.finding)
            return True
        return False
    if isinstance(cond, DrawingMarked):
        hits = [
            rid
            for rid, symptoms in drawing.items()
            if knowledge.regions[rid].base in cond.marked
            and any(s in cond.symptoms for s in symptoms)
        ]
        match.regions.extend(hits)
        return bool(hits)
    if isinstance(cond, DrawingBothLegs):
        legs = {
            region.side: rid
            for rid in drawing
            if (region := knowledge.regions[rid]).leg and region.side is not None
        }
        if len(legs) == 2:
            match.regions.extend(rid for rid in drawing if knowledge.regions[rid].leg)
            return True
        return False
    if isinstance(cond, AllOf):
        sub = _Match()
        if all(_evaluate(c, knowledge, drawing, findings, sub) for c in cond.all):
            match.findings.extend(sub.findings)
            match.regions.extend(sub.regions)
            return True
        return False
    if isinstance(cond, AnyOf):
        # Evaluate every branch so the reason names every finding that is true.
        results = [_evaluate(c, knowledge, drawing, findings, match) for c in cond.any]
        return any(results)
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def applies(
    knowledge: Knowledge,
    finding_id: str,
    drawing: Mapping[str, Sequence[str]],
    sex: str | None = None,
) -> bool:
    """Whether a question can matter for this person (calf swelling only with a calf drawn)."""
    return _finding_applies(knowledge, knowledge.findings[finding_id], drawing, sex)


def _finding_applies(
    knowledge: Knowledge, finding: Finding, drawing: Mapping[str, Sequence[str]], sex: str | None
) -> bool:
    if sex is not None and sex in finding.not_for_sex:
        return False
    if finding.applies_when is None:
        return True
    return _evaluate(finding.applies_when, knowledge, drawing, {}, _Match())


def open_red_flags(
    knowledge: Knowledge,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    sex: str | None = None,
) -> tuple[str, ...]:
    """Warning-sign questions that apply to this drawing and are not answered: unknown, not no."""
    return tuple(
        f.id
        for f in _red_flags(knowledge)
        if f.id not in findings and _finding_applies(knowledge, f, drawing, sex)
    )


def open_questions(knowledge: Knowledge, unanswered: Sequence[str]) -> list[str]:
    """The questions of unanswered warning signs, in words, for whoever must answer them (a
    stored result may name an id a newer knowledge base no longer has: it is left out)."""
    return [knowledge.findings[fid].question for fid in unanswered if fid in knowledge.findings]


@functools.cache
def _red_flags(knowledge: Knowledge) -> tuple[Finding, ...]:
    """The warning-sign findings, in the knowledge base's order (asked about every assessment)."""
    return tuple(f for f in knowledge.findings.values() if f.group == "red-flag")


def _mentions(cond: Condition) -> tuple[set[str], bool]:
    """The findings a condition reads, and whether it reads the drawing."""
    if isinstance(cond, FindingIs):
        return {cond.finding}, False
    if isinstance(cond, (DrawingMarked, DrawingBothLegs)):
        return set(), True
    children = cond.all if isinstance(cond, AllOf) else cond.any
    found: set[str] = set()
    drawing = False
    for child in children:
        f, d = _mentions(child)
        found |= f
        drawing = drawing or d
    return found, drawing


@functools.cache
def _rule_index(knowledge: Knowledge) -> tuple[frozenset[int], dict[str, frozenset[int]]]:
    """The rules that read the drawing, and per finding the rules that read it.

    A rule that reads no drawing can fire only if one of its findings is true, so an
    assessment looks only at the rules of its true findings (and those that read the drawing),
    not at every rule.
    """
    reads_drawing: set[int] = set()
    by_finding: dict[str, set[int]] = {}
    for i, rule in enumerate(knowledge.triage.rules):
        found, drawing = _mentions(rule.when)
        if drawing:
            reads_drawing.add(i)
        for fid in found:
            by_finding.setdefault(fid, set()).add(i)
    return frozenset(reads_drawing), {f: frozenset(r) for f, r in by_finding.items()}


def _candidate_rules(knowledge: Knowledge, true: set[str]) -> list[int]:
    """Indices of the rules that can fire with these true findings, in the rules' order."""
    reads_drawing, by_finding = _rule_index(knowledge)
    found = set(reads_drawing)
    for fid in true:
        found |= by_finding.get(fid, frozenset())
    return sorted(found)


def triage(
    knowledge: Knowledge,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    age: int | None = None,
    sex: str | None = None,
) -> TriageResult:
    reasons: list[Reason] = []
    level: Level = "self-care"
    true = {fid for fid, value in findings.items() if value is True}
    fired_causes: list[tuple[int, str]] = []
    rules = knowledge.triage.rules
    for i in _candidate_rules(knowledge, true):
        rule = rules[i]
        if any(findings.get(fid) is False for fid in rule.unless_false):
            continue
        if rule.min_age is not None and (age is None or age < rule.min_age):
            continue
        match = _Match()
        if not _evaluate(rule.when, knowledge, drawing, findings, match):
            continue
        level = more_urgent(level, rule.level)
        if rule.cause is not None:
            fired_causes.append((LEVELS.index(rule.level), rule.cause))
        first = match.findings[0] if match.findings else None
        reasons.append(
            Reason(
                rule=rule.id,
                level=rule.level,
                text=rule.reason,
                finding=first,
                regions=tuple(dict.fromkeys(match.regions)),
            )
        )
    reasons.sort(key=lambda r: LEVELS.index(r.level))
    unanswered = open_red_flags(knowledge, drawing, findings, sex)
    cause_ids = dict.fromkeys(c for _, c in sorted(fired_causes, key=lambda lc: lc[0]))
    causes = tuple((c, knowledge.triage.causes[c]) for c in cause_ids)
    level_def = next(lv for lv in knowledge.triage.levels if lv.id == level)
    title, advice = level_def.title, level_def.advice
    if unanswered and level in ("soon", "self-care"):
        # Unknown is not no: never "no warning signs" while some are open.
        reasons.insert(
            0 if level == "self-care" else len(reasons),
            Reason(
                rule="open-red-flags",
                level=level,
                text=knowledge.triage.open_flags_reason,
                finding=unanswered[0],
            ),
        )
        if level == "self-care":  # the title and advice must not call self-care reasonable yet
            title = knowledge.triage.open_flags_title
            advice = knowledge.triage.open_flags_advice
    if not reasons:
        reasons.append(
            Reason(rule="no-red-flags", level="self-care", text=knowledge.triage.no_flags_reason)
        )
    return TriageResult(
        level=level,
        reasons=tuple(reasons),
        advice=advice,
        title=title,
        unanswered_red_flags=unanswered,
        causes=causes,
    )
