"""The self-care plan: from a Result to what to do today, in order, and for how long.

The one idea the plan teaches: the pain is felt down the leg, but the muscles to work on sit in
the buttock. For each implicated muscle it gives the massage first (where, how hard, how long),
then the stretches for the same muscle, a daily schedule of about twenty minutes, a progression
over four weeks, a review date, and always the red-flag card. When a nerve root or another
non-muscle source leads, massage is not presented as the treatment: the plan is guideline
self-management instead (NICE NG59; KNGF advises against massage in radicular syndrome).
No plan is made at emergency or urgent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from paintrace.knowledge.care import Massage
from paintrace.knowledge.schema import Knowledge
from paintrace.plan_modifiers import adapt
from paintrace.triage import TriageResult
from paintrace.wording import in_sentence, join_and

if TYPE_CHECKING:
    from paintrace.assessment import RankedSource

MAX_MUSCLES = 3
MIN_PROBABILITY = 0.10  # a muscle below this is not worth a place in today's routine
ROOT_FIRST = 0.15  # a root this likely leads the plan with its self-management, and a caution
DAILY_BUDGET_SECONDS = 20 * 60
SETUP_SECONDS = 30  # getting into position, finding the point
STRETCH_SETUP_SECONDS = 10  # between repetitions of a stretch
REVIEW_DAYS = 14
CALF_MUSCLES = frozenset({"gastrocnemius", "soleus"})
CLOT_FINDING = "calf-swelling-warmth"


_DICTS: dict[int, tuple[Any, dict[str, Any]]] = {}


def _as_dict(item: Any) -> dict[str, Any]:
    """The JSON form of a piece of content, computed once: content never changes at run time.

    (Keyed by identity, keeping the item alive so the id cannot be reused; the dataclasses
    hold lists and cannot be hashed.)
    """
    cached = _DICTS.get(id(item))
    if cached is None or cached[0] is not item:
        cached = _DICTS[id(item)] = (item, asdict(item))
    return cached[1]


def _massage_dict(m: Massage, points: int) -> dict[str, Any]:
    return {**_as_dict(m), "points_today": points}


def _hold(massage: dict[str, Any]) -> int:
    """Seconds on each point: the middle of the technique's range."""
    return int((massage["hold_seconds"][0] + massage["hold_seconds"][1]) // 2)


def _schedule(muscles: list[dict[str, Any]], sides: list[str]) -> tuple[list[dict[str, Any]], int]:
    """Today's steps in order, and the seconds they take (_seconds)."""
    steps: list[dict[str, Any]] = []
    for muscle in muscles:
        for side in sides:
            massage = muscle.get("massage")
            if massage:
                hold = _hold(massage)
                for point in range(1, massage["points_today"] + 1):
                    steps.append(
                        {
                            "kind": "massage",
                            "muscle": muscle["id"],
                            "technique": massage["id"],
                            "name": massage["name"],
                            "side": side,
                            "point": point,
                            "seconds": hold,
                            "figure": massage["figure"],
                        }
                    )
            for stretch in muscle["stretches"]:
                for rep in range(1, stretch["repetitions"] + 1):
                    steps.append(
                        {
                            "kind": "stretch",
                            "muscle": muscle["id"],
                            "technique": stretch["id"],
                            "name": stretch["name"],
                            "side": side,
                            "repetition": rep,
                            "seconds": stretch["hold_seconds"],
                            "figure": stretch["figure"],
                        }
                    )
    for i, step in enumerate(steps, 1):
        step["order"] = i
    return steps, _seconds(muscles, sides)


def _seconds(muscles: list[dict[str, Any]], sides: list[str]) -> int:
    """What _schedule's steps take, each with its setup, without building them (the budget
    loop asks often)."""
    per_side = 0
    for muscle in muscles:
        massage = muscle.get("massage")
        if massage:
            per_side += massage["points_today"] * (_hold(massage) + SETUP_SECONDS)
        for stretch in muscle["stretches"]:
            per_side += stretch["repetitions"] * (stretch["hold_seconds"] + STRETCH_SETUP_SECONDS)
    return per_side * len(sides)


def _fit_budget(
    knowledge: Knowledge, chosen: list[RankedSource], sides: list[str], calf_ok: bool
) -> list[dict[str, Any]]:
    """Build the muscle entries, trimming points (then muscles) to stay near twenty minutes."""
    entries = []
    for ranked in chosen:
        tech = knowledge.techniques[ranked.id]
        source = knowledge.sources[ranked.id]
        blocked = ranked.id in CALF_MUSCLES and not calf_ok
        points = tech.massage.points_per_session
        entry: dict[str, Any] = {
            "id": ranked.id,
            "name": source.name,
            "probability": round(ranked.probability, 4),
            "trigger_points": [_as_dict(tp) for tp in source.trigger_points],
            "massage": None if blocked else dict(_massage_dict(tech.massage, points)),
            "massage_blocked": knowledge.care.clot if blocked else None,
            "stretches": [] if blocked else [_as_dict(s) for s in tech.stretches],
            "habits": list(tech.habits),
        }
        entries.append(entry)

    while _seconds(entries, sides) > DAILY_BUDGET_SECONDS:
        reducible = [e for e in entries if e["massage"] and e["massage"]["points_today"] > 1]
        if reducible:
            reducible[-1]["massage"]["points_today"] -= 1
            continue
        if len(entries) > 1:
            entries.pop()
            continue
        break
    return entries


def _self_management(knowledge: Knowledge, ranked: RankedSource) -> dict[str, Any] | None:
    sm = knowledge.self_management.get(ranked.id)
    if sm is None:
        return None
    out = dict(_as_dict(sm))
    out["name"] = knowledge.sources[ranked.id].name
    out["probability"] = round(ranked.probability, 4)
    return out


def build_plan(
    knowledge: Knowledge,
    tri: TriageResult,
    sources: Sequence[RankedSource],
    drawing: Mapping[str, Sequence[str]] | None = None,
    findings: Mapping[str, bool] | None = None,
) -> dict[str, Any] | None:
    if not tri.self_care_allowed or not sources:
        return None
    care = knowledge.care
    drawing = drawing or {}
    findings = findings or {}
    sides = knowledge.drawn_sides(drawing) or ["painful"]
    leading = sources[0]
    massage_first = leading.kind == "muscle"
    calf_ok = findings.get(CLOT_FINDING) is False

    muscles: list[dict[str, Any]] = []
    if massage_first:
        chosen = [
            s
            for s in sources
            if s.kind == "muscle"
            and s.probability >= MIN_PROBABILITY
            and s.id in knowledge.techniques
        ][:MAX_MUSCLES]
        muscles = _fit_budget(knowledge, chosen, sides, calf_ok)
    muscles, adaptations = adapt(knowledge, muscles, findings)
    # A nerve root that is a real possibility leads: its self-management comes first, and the
    # massage is offered only as something to try beside it.
    roots = [s for s in sources if s.kind == "nerve_root" and s.probability >= ROOT_FIRST]
    guidance_sources = [*roots[:1]]
    if leading.kind != "muscle" and leading not in guidance_sources:
        guidance_sources.append(leading)
    guidance_sources = guidance_sources[:2]
    guidance = [g for s in guidance_sources if (g := _self_management(knowledge, s)) is not None]
    steps, seconds = _schedule(muscles, sides)

    cautions = [care.percussion, care.blood_thinners, *care.general]
    implicated = {tp["region"] for m in muscles for tp in m["trigger_points"]}
    implicated |= {
        z.region
        for m in muscles
        for portion in knowledge.sources[m["id"]].portions
        for z in portion.zones
    }
    nerve_sites = [_as_dict(site) for site in care.nerve_sites if implicated & set(site.regions)]
    if any(m["id"] in CALF_MUSCLES for m in muscles):
        cautions.insert(0, care.clot)
    if massage_first and roots:
        cautions.insert(
            0,
            "A nerve root may be involved as well: press gently, and move off at once if you feel "
            "tingling, burning or an electric pain.",
        )

    if massage_first:
        if muscles:
            names = join_and(in_sentence(m["name"]) for m in muscles)
            summary = (
                f"Your pain may come from trigger points in the {names}. You feel the pain down "
                "the leg, but you work on the muscle where the trigger points sit. Massage each "
                "point first, then stretch the same muscle."
            )
        else:  # a muscle leads, but none is likely enough to plan massage for
            summary = (
                "No single muscle stands out enough to plan massage for it. Keep active and "
                "follow the advice below. See a professional if it is not clearly better."
            )
        if roots:
            root = roots[0]
            summary = (
                f"A nerve root may be involved: {knowledge.sources[root.id].phrase} is "
                f"{round(root.probability * 100)} % likely. Follow its advice first. "
                + summary
                + " Press gently, and stop if tingling or numbness spreads."
            )
    else:
        summary = (
            f"Your pain may come from {knowledge.sources[leading.id].phrase}. Massage is not the "
            "treatment for this: keep active and follow the advice below, and see a professional "
            "if it is not clearly better."
        )
    references = sorted(
        {
            *care.references,
            *(r for m in muscles for r in knowledge.techniques[m["id"]].references),
            *(r for g in guidance for r in g["references"]),
        }
    )
    return {
        "kind": "massage-and-stretch" if massage_first and muscles else "self-management",
        "summary": summary,
        "root_first": bool(roots) and massage_first,
        "adaptations": adaptations,
        "sides": sides,
        "muscles": muscles,
        "self_management": guidance,
        "schedule": {"minutes": round(seconds / 60), "steps": steps},
        "progression": [
            {"weeks": step.weeks, "text": step.text}
            for step in (
                care.progression_massage if massage_first and muscles else care.progression_active
            )
        ],
        "review": {"after_days": REVIEW_DAYS, "text": care.review},
        "keep_active": list(care.keep_active),
        "cautions": cautions,
        "nerve_sites": nerve_sites,
        "red_flag_card": list(care.red_flag_card),
        "references": references,
    }


def plan_to_show(result: Mapping[str, Any]) -> dict[str, Any] | None:
    """The plan of a result (the contract's output) where a person may follow it, else None.

    The engine builds a plan at the soon and self-care levels even while warning-sign questions
    are open, so that answering them on the result page shows it at once. Anything that offers
    the plan (a page, a handout, a calendar, a check-in's list of muscles, a summary for a
    clinician) offers it only when no warning sign is open: unknown is never no.
    """
    triage = result.get("triage") or {}
    if triage.get("level") not in ("soon", "self-care") or triage.get("unanswered"):
        return None
    plan = result.get("plan")
    return plan if isinstance(plan, dict) and plan else None


def review_day(plan: Mapping[str, Any], started: date) -> date | None:
    """The day the plan asks for its review: `after_days` after the day it started (the saved
    assessment's day where the person lives), never after the day someone looks. The session
    page and the calendar's review event both count from here, so they name the same day.
    None for a plan (an older or partial one) that sets no review."""
    review = plan.get("review")
    days = review.get("after_days") if isinstance(review, Mapping) else None
    return started + timedelta(days=int(days)) if days else None
