"""Reassessment: what the journal says about the sources, the triage level and the next step.

The plan is also a test. Relief that follows working on a muscle, day after day, is evidence that
the muscle is a source; consistent work without relief is evidence against it [J2]. Each check-in
that names a worked muscle and says how it felt right after multiplies that muscle's odds by a
likelihood ratio (better 2.0, the same 0.7, worse 0.5; estimates), tempered like a drawing
because the days are not independent, and the ranking is renormalised. Relief can only raise the
muscle worked; the ratios are data below, not tuned to any journal.

Safety first: a warning sign answered "yes" at any check-in goes through the same triage rules as
the assessment, so it always escalates the level and pauses the plan; new numbness or new
weakness is checked by a clinician within one to two weeks at the latest. And at fourteen days,
if pain has not fallen by the minimal important change [J1], the answer is to see a professional,
with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal

from paintrace.journal import CheckIn
from paintrace.knowledge.schema import LEVELS, Knowledge, Level
from paintrace.measures import (
    STALE_DAYS,
    baseline_level,
    daily,
    important_drop,
    improved,
    recent_level,
    worsened,
)
from paintrace.triage import more_urgent, triage
from paintrace.wording import in_sentence, join_and
from paintrace.zones import local_day

RELIEF_LR: Mapping[str, float] = {"better": 2.0, "same": 0.7, "worse": 0.5}
DAY_WEIGHT = 0.5  # days of one person are correlated: temper like the drawing
REVIEW_DAYS = 14
CONSISTENT_DAYS = 5  # worked on this many days in the review window counts as consistent work
MIN_DAYS_FOR_TREND = 3

Status = Literal["no-data", "too-early", "improving", "unchanged", "worse", "stale"]
# Each status in words, for a reader of the journal's summary (the ids are for programs).
STATUS_WORDS: dict[str, str] = {
    "no-data": "no check-ins yet",
    "too-early": "too early to tell",
    "improving": "improving",
    "unchanged": "no clear change",
    "worse": "worse",
    "stale": "no recent check-ins",
}


@dataclass(frozen=True)
class SourceUpdate:
    id: str
    kind: str
    before: float
    after: float
    worked_days: int = 0
    better_days: int = 0
    not_better_days: int = 0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "before": round(self.before, 4),
            "after": round(self.after, 4),
            "worked_days": self.worked_days,
            "better_days": self.better_days,
            "not_better_days": self.not_better_days,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Reassessment:
    status: Status
    days: int  # days since the first check-in (or the assessment)
    baseline: float | None
    current: float | None
    target: float | None  # pain at or below this is an important improvement
    level: Level
    reasons: list[dict[str, Any]]
    plan_paused: bool
    see_professional: bool
    advice: list[str]
    sources: list[SourceUpdate] = field(default_factory=list)
    last_checkin: date | None = None  # `current` is as of this day

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "days": self.days,
            "baseline": self.baseline,
            "current": self.current,
            "target": self.target,
            "last_checkin": self.last_checkin.isoformat() if self.last_checkin else None,
            "triage": {"level": self.level, "reasons": self.reasons},
            "plan_paused": self.plan_paused,
            "see_professional": self.see_professional,
            "advice": self.advice,
            "sources": [s.to_dict() for s in self.sources],
        }


def update_sources(
    ranking: Sequence[Mapping[str, Any]], checkins: Sequence[CheckIn]
) -> list[SourceUpdate]:
    """Re-weight the assessment's ranking by what happened after working each muscle."""
    logs: dict[str, float] = {}
    counts: dict[str, tuple[int, int, int]] = {}
    for item in ranking:
        sid = str(item["id"])
        prob = max(float(item["probability"]), 1e-6)
        log = math.log(prob)
        worked = better = not_better = 0
        if item.get("kind") == "muscle":
            for c in checkins:
                if sid in c.massaged and c.felt_after is not None:
                    worked += 1
                    log += DAY_WEIGHT * math.log(RELIEF_LR[c.felt_after])
                    better += c.felt_after == "better"
                    not_better += c.felt_after != "better"
                elif sid in c.massaged:
                    worked += 1
        logs[sid] = log
        counts[sid] = (worked, better, not_better)
    top = max(logs.values(), default=0.0)
    total_before = sum(float(i["probability"]) for i in ranking) or 1.0
    weights = {sid: math.exp(v - top) for sid, v in logs.items()}
    norm = sum(weights.values()) or 1.0
    out = []
    for item in ranking:
        sid = str(item["id"])
        worked, better, not_better = counts[sid]
        after = weights[sid] / norm * total_before
        reason = None
        if better >= 2 and better > not_better:
            reason = f"It felt better right after working on it on {better} days."
        elif not_better >= CONSISTENT_DAYS and better == 0:
            # only days with an answer count: a blank "how did it feel" is not "no relief"
            reason = f"Working on it on {not_better} days brought no relief."
        out.append(
            SourceUpdate(
                id=sid,
                kind=str(item.get("kind", "")),
                before=float(item["probability"]),
                after=after,
                worked_days=worked,
                better_days=better,
                not_better_days=not_better,
                reason=reason,
            )
        )
    out.sort(key=lambda s: -s.after)
    return out


def _escalation(
    knowledge: Knowledge,
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool],
    checkins: Sequence[CheckIn],
    assessed_level: Level,
    age: int | None,
) -> tuple[Level, list[dict[str, Any]]]:
    level: Level = assessed_level
    reasons: list[dict[str, Any]] = []
    flags = {fid: True for c in checkins for fid in c.warning_signs}
    if flags:
        tri = triage(knowledge, drawing, {**findings, **flags}, age)
        level = more_urgent(level, tri.level)
        reasons += [
            {**r.to_dict(), "source": "check-in"}
            for r in tri.reasons
            if r.finding in flags or r.level == tri.level
        ]
    if any(c.new_weakness for c in checkins):
        level = more_urgent(level, "soon")
        reasons.append(
            {
                "rule": "new-weakness",
                "level": "soon",
                "finding": None,
                "source": "check-in",
                "text": "You noticed new weakness since the assessment. A clinician should check "
                "your strength and reflexes within one to two weeks, and today if it gets worse.",
            }
        )
    if any(c.new_numbness for c in checkins):
        level = more_urgent(level, "soon")
        reasons.append(
            {
                "rule": "new-numbness",
                "level": "soon",
                "finding": None,
                "source": "check-in",
                "text": "You noticed new numbness since the assessment. A nerve may be involved: "
                "a clinician should examine you within one to two weeks.",
            }
        )
    return level, reasons


def reassess(
    knowledge: Knowledge,
    assessment: Mapping[str, Any],
    checkins: Sequence[CheckIn],
    *,
    now: datetime | None = None,
    assessment_pain: float | None = None,
    started: datetime | None = None,
    tz: tzinfo = UTC,
) -> Reassessment:
    """The journal against the saved assessment (the contract input and its result).

    `assessment` holds `input` (drawing, findings, patient) and `result` (the contract JSON);
    `started` is when the plan began (the assessment's time), else the first check-in. `tz` is
    the person's zone: days (the pain series, the last check-in's day) are their calendar days.
    How long ago something was (days since the start, days without a check-in) is elapsed time,
    the same in every zone.
    """
    now = now or datetime.now(UTC)
    inp = assessment.get("input") or {}
    result = assessment.get("result") or {}
    drawing = inp.get("drawing") or {}
    findings = inp.get("findings") or {}
    age = (inp.get("patient") or {}).get("age")
    assessed = result.get("triage", {}).get("level", "self-care")
    assessed_level: Level = assessed if assessed in LEVELS else "self-care"
    ordered = sorted(checkins, key=lambda c: c.at)
    days_series = daily(ordered, tz)
    start = started or (ordered[0].at if ordered else now)
    days = max((now - start).days, 0)

    level, reasons = _escalation(knowledge, drawing, findings, ordered, assessed_level, age)
    escalated = LEVELS.index(level) < LEVELS.index(assessed_level)
    sources = update_sources(result.get("sources") or [], ordered)

    baseline = baseline_level(days_series, assessment_pain)
    current = recent_level(days_series)
    target = None if baseline is None else round(baseline - important_drop(baseline), 2)
    status: Status
    if not days_series or baseline is None or current is None:
        status = "no-data"
    elif improved(baseline, current):
        status = "improving"
    elif worsened(baseline, current):
        status = "worse"
    elif len(days_series) < MIN_DAYS_FOR_TREND or days < REVIEW_DAYS:
        status = "too-early"
    else:
        status = "unchanged"
    quiet = (now - ordered[-1].at).days if ordered else 0
    if status in ("improving", "unchanged", "too-early") and quiet > STALE_DAYS:
        status = "stale"  # a clearly worse last report still stands: it is the safer reading

    advice: list[str] = []
    see = False
    plan_paused = level in ("emergency", "urgent") or any(c.warning_signs for c in ordered)
    if plan_paused:
        see = True
        advice.append(
            "Stop the self-care plan for now. A warning sign came up in your check-ins: follow "
            "the advice above before you go on."
        )
    elif escalated:
        see = True
        advice.append("Book an appointment with a clinician within one to two weeks.")
    if status == "worse":
        see = True
        advice.append(
            "Your leg pain is clearly worse than when you started. See a professional rather than "
            "pressing on: the cause may be different, or the plan may need changing."
        )
    elif status == "improving":
        advice.append(
            "Your leg pain has fallen by at least the change that matters to people with back "
            "and leg pain. Keep going, and ease off as it settles."
        )
    elif status == "stale":
        advice.append(
            f"Your last check-in was {quiet} days ago, so this page cannot tell how you are now. "
            "Check in today to see where you stand."
        )
        if days >= REVIEW_DAYS:
            see = True
            advice.append(
                f"If your leg pain has not clearly eased in the {days} days since you started, see "
                "a physiotherapist or doctor. The pain may come from somewhere else than the plan "
                "targets, or it may need an examination the app cannot do."
            )
    elif days >= REVIEW_DAYS and status in ("unchanged", "too-early"):
        see = True
        advice.append(
            f"After {days} days your leg pain has not fallen by the change that matters (2 points "
            "or 30 %). See a physiotherapist or doctor: the pain may come from somewhere else "
            "than the plan targets, or it may need an examination the app cannot do."
        )
    lowered = [s for s in sources if s.reason and s.after < s.before]
    known = [knowledge.sources[s.id] for s in lowered if s.id in knowledge.sources]
    if known and days >= REVIEW_DAYS // 2:
        names = join_and(in_sentence(source.name) for source in known)
        they = len(known) > 1 or known[0].plural  # "the hamstrings": they
        advice.append(
            f"Working on the {names} has not brought relief so far, so "
            f"{'they are' if they else 'it is'} less likely to be the source."
        )
    return Reassessment(
        status=status,
        days=days,
        baseline=baseline,
        current=current,
        target=target,
        level=level,
        reasons=reasons,
        plan_paused=plan_paused,
        see_professional=see,
        advice=advice,
        sources=sources,
        last_checkin=local_day(ordered[-1].at, tz) if ordered else None,
    )
