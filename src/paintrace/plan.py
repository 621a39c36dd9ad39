"""The self-care plan: what to do about the implicated muscles, or about the other sources.

This first version lists the muscles to work on, in order of probability, and the guideline
advice for non-muscle sources. Techniques, dosage and schedules come with the self-care issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from paintrace.knowledge.schema import Knowledge
from paintrace.triage import TriageResult

if TYPE_CHECKING:
    from paintrace.assessment import RankedSource

MAX_MUSCLES = 3
MIN_PROBABILITY = 0.1


def build_plan(
    knowledge: Knowledge, tri: TriageResult, sources: Sequence[RankedSource]
) -> dict[str, Any] | None:
    if not tri.self_care_allowed:
        return None
    leading = sources[0] if sources else None
    muscles = [s for s in sources if s.kind == "muscle" and s.probability >= MIN_PROBABILITY]
    muscles = muscles[:MAX_MUSCLES]
    massage_first = leading is not None and leading.kind == "muscle"
    return {
        "status": "outline",
        "massage_first": massage_first,
        "muscles": [
            {
                "id": m.id,
                "name": knowledge.sources[m.id].name,
                "probability": round(m.probability, 4),
                "trigger_points": [
                    {"name": tp.name, "region": tp.region, "landmarks": tp.landmarks}
                    for tp in knowledge.sources[m.id].trigger_points
                ],
            }
            for m in muscles
        ],
        "advice": [
            "Keep active: walk and move within comfort; bed rest slows recovery.",
            "See a professional if it is not clearly better in two weeks, or at once if a "
            "warning sign appears.",
        ],
    }
