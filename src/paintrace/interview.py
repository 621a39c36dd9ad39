"""Which question to ask next, and when to stop asking.

Warning signs come first, always: every unanswered red-flag question that can apply to this
drawing is asked before any other, in the order of the knowledge base, because a missed emergency
costs more than a longer interview (the clot questions apply when the calf or the back of the knee
is drawn). After that the engine asks the question whose answer is expected to shrink the
uncertainty of the ranking most (expected information gain, in bits). It asks at least the
`min_questions` best ones whenever any is worth asking, so a confident first guess is still
checked, and stops when the leading source is clear, when no question is worth asking, or after
`max_questions`. Last, before a massage plan is shown, it asks what changes the plan (blood
thinners, pregnancy; the calf questions before calf massage).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from paintrace.inference import Posterior, entropy, information_gain
from paintrace.knowledge.schema import Knowledge
from paintrace.plan import CALF_MUSCLES, MIN_PROBABILITY
from paintrace.plan_modifiers import plan_modifier_ids
from paintrace.triage import TriageResult, applies
from paintrace.wording import fits

#: questions asked before calf massage is offered, whatever was drawn
CALF_QUESTIONS = ("calf-swelling-warmth", "clot-risk")


@dataclass(frozen=True)
class Question:
    finding: str
    text: str
    help: str
    why: str
    group: str
    gain: float | None = None
    remaining: int = 1  # an estimate of the questions left, this one included

    def to_dict(self) -> dict[str, object]:
        return {
            "finding": self.finding,
            "text": self.text,
            "help": self.help,
            "why": self.why,
            "group": self.group,
            "remaining": self.remaining,
        }


def _question(
    knowledge: Knowledge,
    fid: str,
    why: str | None = None,
    gain: float | None = None,
    remaining: int = 1,
) -> Question:
    f = knowledge.findings[fid]
    return Question(fid, f.question, f.help, why or f.why, f.group, gain, remaining)


def asked_count(knowledge: Knowledge, findings: Mapping[str, bool]) -> int:
    """Questions of the ranking stage answered so far (not warning signs, not plan questions)."""
    plan_only = set(plan_modifier_ids(knowledge))
    return sum(
        1
        for fid in findings
        if knowledge.findings[fid].group != "red-flag" and fid not in plan_only
    )


def candidates(
    knowledge: Knowledge,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    skip: Collection[str] = (),
    sex: str | None = None,
) -> list[str]:
    """Questions the information-gain rule may pick: not red flags, not answered, not skipped,
    not what only changes the plan, and only those that can apply to this person."""
    plan_only = set(plan_modifier_ids(knowledge))
    return [
        f.id
        for f in knowledge.findings.values()
        if f.group != "red-flag"
        and f.id not in findings
        and f.id not in skip
        and f.id not in plan_only
        and not (f.derived_from_drawing and drawing)
        and applies(knowledge, f.id, drawing, sex)
    ]


def plan_questions(
    knowledge: Knowledge,
    posterior: Posterior,
    findings: Mapping[str, bool],
    tri: TriageResult,
    skip: Collection[str] = (),
    sex: str | None = None,
) -> list[str]:
    """What must be known before a massage plan is shown, when one would be."""
    if not tri.self_care_allowed:
        return []
    ranking = posterior.ranking()
    kb_sources = knowledge.sources
    if not ranking or kb_sources[ranking[0][0]].kind != "muscle":
        return []
    wanted = list(plan_modifier_ids(knowledge))
    if any(sid in CALF_MUSCLES and p >= MIN_PROBABILITY for sid, p in ranking[:4]):
        wanted += list(CALF_QUESTIONS)
    return [
        fid
        for fid in dict.fromkeys(wanted)
        if fid not in findings
        and fid not in skip
        and sex not in knowledge.findings[fid].not_for_sex
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
        return f"{base} {tell_apart(moved[0], moved[1])}"
    if len(moved) == 1:
        return f"{base} Here it tests {moved[0]}."
    return base


def tell_apart(first: str, second: str) -> str:
    """The sentence that says which two sources an answer tells apart ("Here it helps to tell
    the piriformis from the S1 nerve root."); with two long names, three short sentences."""
    whole = f"Here it helps to tell {first} from {second}."
    if fits(whole):
        return whole
    return f"Here it helps to tell two likely sources apart. One is {first}. The other is {second}."


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
    sex: str | None = None,
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
    # Triage already knows which warning signs apply and are open; "I don't know" ones are
    # not asked again.
    warning = [fid for fid in tri.unanswered_red_flags if fid not in skip]
    best, gain, estimate = _ranking_choice(
        knowledge, posterior, drawing, findings, skip, sex, choose=not warning
    )
    plan_left = plan_questions(knowledge, posterior, findings, tri, skip, sex)
    remaining = max(len(warning) + estimate + len(plan_left), 1)
    if warning:
        return _question(knowledge, warning[0], remaining=remaining)
    if best is not None:
        return _question(knowledge, best, _rationale(posterior, best), gain, remaining)
    if plan_left:
        return _question(knowledge, plan_left[0], remaining=max(len(plan_left), 1))
    return None


def _ranking_choice(
    knowledge: Knowledge,
    posterior: Posterior,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    skip: Collection[str],
    sex: str | None,
    *,
    choose: bool = True,
) -> tuple[str | None, float, int]:
    """The most informative question (None: none is worth asking), its gain, and an estimate
    of how many such questions are left.

    While warning signs are still open they are asked first, so the ranking question is not
    chosen yet (`choose` False): only the estimate is made, assuming one is worth asking. The
    information gain of every open question is most of an interview step's cost (about half of
    the first step's), and it would be worked out again after the warning signs anyway.
    """
    params = knowledge.model
    plan_only = set(plan_modifier_ids(knowledge))
    skipped = sum(
        1 for fid in skip if knowledge.findings[fid].group != "red-flag" and fid not in plan_only
    )
    asked = asked_count(knowledge, findings) + skipped
    budget = params.max_questions - asked
    if budget <= 0:
        return None, 0.0, 0
    ranking = posterior.ranking()
    confident = bool(ranking) and ranking[0][1] >= params.stop_probability
    must_ask = max(params.min_questions - asked, 0)
    if confident and must_ask == 0:
        return None, 0.0, 0
    open_questions = candidates(knowledge, drawing, findings, skip, sex)
    if not open_questions:
        return None, 0.0, 0
    # An estimate: the questions still owed, or about one per 0.6 bit of uncertainty left.
    spread = math.ceil(float(entropy(posterior.source_probs)) / 0.6)
    estimate = min(budget, max(must_ask, 1 if confident else spread, 1))
    if not choose:
        return None, 0.0, estimate
    gains = information_gain(posterior, open_questions)
    fid, gain = max(gains.items(), key=lambda kv: kv[1])
    # The owed confirming questions need only gain something; further ones must be worth it.
    threshold = params.min_confirming_gain if must_ask else params.min_information_gain
    if gain < threshold:
        return None, 0.0, 0
    return fid, gain, estimate
