"""Adapting a self-care plan to blood thinners, pregnancy and weak bones.

These answers change how a person may massage, never which muscle is the likely source, so they
are applied to the plan after it is built: lighter pressure and soft tools on blood thinners, side
lying, stretches propped up rather than flat on the back, and no deep belly or calf work in
pregnancy and after a birth, no ball work beside the spine
with osteoporosis or long-term steroids. The wording lives in care.yaml (`modifiers`). A question
that was not answered is not taken as "no": its caution is stated in the plan instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paintrace.knowledge.care import PlanModifier
from paintrace.knowledge.schema import Knowledge


def plan_modifier_ids(knowledge: Knowledge) -> list[str]:
    return [m.finding for m in knowledge.care.modifiers]


def _restrict(muscle: dict[str, Any], mod: PlanModifier, *, pressure: bool) -> None:
    massage = muscle.get("massage")
    if not massage:
        return
    if muscle["id"] in mod.no_massage:
        muscle["massage"] = None
        muscle["massage_blocked"] = mod.text
        return
    massage = muscle["massage"] = dict(massage)
    if pressure and mod.pressure:
        massage["pressure"] = mod.pressure
    if mod.tools is not None:
        allowed = [t for t in massage["tools"] if t["tool"] in mod.tools]
        massage["tools"] = allowed or [t for t in massage["tools"] if t["tool"] == "hands"]
    if mod.position:
        massage["position"] = mod.position


def _restrict_stretches(muscle: dict[str, Any], mod: PlanModifier) -> None:
    """A stretch done in a position to avoid is done in the modifier's instead: the movement
    is the same, so the figure and the dose still hold."""
    if not mod.stretch_postures or not muscle.get("stretches"):
        return
    muscle["stretches"] = [
        {**s, "position": mod.stretch_position, "adapted_for": mod.finding}
        if s["posture"] in mod.stretch_postures
        else s
        for s in muscle["stretches"]
    ]


def adapt(
    knowledge: Knowledge, muscles: list[dict[str, Any]], findings: Mapping[str, bool]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The muscles with each applying modifier's limits, and what changed (or may apply)."""
    notes: list[dict[str, str]] = []
    # Blood thinners in pregnancy are common: each pressure is a limit, so the lightest holds
    # (every modifier with a pressure states its top: tests/test_plan.py).
    lightest = min(
        (m for m in knowledge.care.modifiers if m.pressure and findings.get(m.finding) is True),
        key=lambda m: m.pressure_max or 10,
        default=None,
    )
    for mod in knowledge.care.modifiers:
        answer = findings.get(mod.finding)
        if answer is True:
            for muscle in muscles:
                _restrict(muscle, mod, pressure=mod is lightest)
                _restrict_stretches(muscle, mod)
            notes.append(
                {"finding": mod.finding, "state": "yes", "title": mod.title, "text": mod.text}
            )
        elif answer is None and mod.unknown:
            notes.append(
                {
                    "finding": mod.finding,
                    "state": "unknown",
                    "title": mod.title,
                    "text": mod.unknown,
                }
            )
    return muscles, notes
