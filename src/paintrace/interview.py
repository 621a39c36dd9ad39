"""Which question to ask next, and when to stop asking.

Warning signs come first, always: every unanswered red-flag question is asked before any other,
in the order of the knowledge base, because a missed emergency costs more than a longer interview.
After that the engine asks the question whose answer is expected to shrink the uncertainty of the
ranking most (expected information gain, in bits), and stops when the leading source is clear,
when no question is worth asking, or after a fixed number of questions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from paintrace.inference import Posterior, information_gain
from paintrace.knowledge.schema import Knowledge
from paintrace.triage import TriageResult


@dataclass(frozen=True)
class Question:
    finding: str
    text: str
    help: str
    why: str
    group: str
    gain: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "finding": self.finding,
            "text": self.text,
            "help": self.help,
            "why": self.why,
            "group": self.group,
        }


def _question(
    knowledge: Knowledge, fid: str, why: str | None = None, gain: float | None = None
) -> Question:
    f = knowledge.findings[fid]
    return Question(fid, f.question, f.help, why or f.why, f.group, gain)


def asked_count(knowledge: Knowledge, findings: Mapping[str, bool]) -> int:
    return sum(1 for fid in findings if knowledge.findings[fid].group != "red-flag")


def candidates(
    knowledge: Knowledge,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    skip: Collection[str] = (),
) -> list[str]:
    """Questions the information-gain rule may pick: not red flags, not answered, not skipped."""
    return [
        f.id
        for f in knowledge.findings.values()
        if f.group != "red-flag"
        and f.id not in findings
        and f.id not in skip
        and not (f.derived_from_drawing and drawing)
    ]


def _rationale(posterior: Posterior, fid: str) -> str:
    """Name the two leading sources the answer moves apart, when it does."""
    knowledge = posterior.model.knowledge
    ranking = posterior.ranking()[:4]
    base = knowledge.findings[fid].why
    moved = []
    for sid, _ in ranking:
        ev = next((e for e in knowledge.sources[sid].evidence if e.finding == fid), None)
        if ev is not None:
            moved.append(knowledge.sources[sid].phrase)
    if len(moved) >= 2:
        return f"{base} Here it helps to tell {moved[0]} from {moved[1]}."
    if len(moved) == 1:
        return f"{base} Here it tests {moved[0]}."
    return base


def _silencing_question(
    knowledge: Knowledge, tri: TriageResult, findings: Mapping[str, bool], skip: Collection[str]
) -> Question | None:
    rules = {rule.id: rule for rule in knowledge.triage.rules}
    emergency = [r for r in tri.reasons if r.level == "emergency"]
    open_answers: list[str] = []
    for reason in emergency:
        rule = rules[reason.rule]
        pending = [f for f in rule.unless_false if f not in findings and f not in skip]
        if not pending:
            return None  # this emergency stands whatever else is answered
        open_answers.extend(pending)
    return _question(knowledge, open_answers[0]) if open_answers else None


def next_question(
    knowledge: Knowledge,
    posterior: Posterior,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    tri: TriageResult,
    skip: Collection[str] = (),
) -> Question | None:
    """The next question, or None when the interview should stop.

    `skip` holds questions the person answered "I don't know": they stay unknown (not false) and
    are not asked again.
    """
    if tri.level == "emergency":
        # Nothing else matters: the person must go now. The one exception is an emergency that
        # rests only on rules an answer can silence (symptoms drawn in both legs, unless they
        # are not new): then that question is the only one worth asking.
        return _silencing_question(knowledge, tri, findings, skip)
    for f in knowledge.findings.values():
        if f.group == "red-flag" and f.id not in findings and f.id not in skip:
            return _question(knowledge, f.id)
    params = knowledge.model
    skipped = sum(1 for fid in skip if knowledge.findings[fid].group != "red-flag")
    if asked_count(knowledge, findings) + skipped >= params.max_questions:
        return None
    ranking = posterior.ranking()
    if ranking and ranking[0][1] >= params.stop_probability:
        return None
    gains = information_gain(posterior, candidates(knowledge, drawing, findings, skip))
    if not gains:
        return None
    fid, gain = max(gains.items(), key=lambda kv: kv[1])
    if gain < params.min_information_gain:
        return None
    return _question(knowledge, fid, _rationale(posterior, fid), gain)
