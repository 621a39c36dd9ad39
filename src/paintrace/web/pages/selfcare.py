"""The self-care plan as the pages show it: the full plan, today's guided session, the FAQ.

Nothing here decides anything clinical: the plan comes from :mod:`paintrace.plan` as saved with
the assessment, and the words from the knowledge base. The pages only shape it for the templates:
the full plan in :mod:`.selfcare_plan`, the guided session in :mod:`.selfcare_session`, the words
and figures both share in :mod:`.selfcare_words`. This module is what the views import, so they
need not know how the shaping is split; the FAQ, which is small, lives here.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from paintrace.knowledge.schema import Knowledge
from paintrace.web.pages.selfcare_plan import (
    ZOOM_HEIGHT,
    ZOOM_MARGIN,
    ZOOM_WIDTH,
    muscle_map,
    plan_view,
    schedule_groups,
    zoom_box,
)
from paintrace.web.pages.selfcare_session import (
    REST_CHANGE,
    REST_SAME,
    SCRIPT_STEP_KEYS,
    session_view,
)
from paintrace.web.pages.selfcare_words import (
    FIGURE_PREFIX,
    KIND_LABELS,
    SIDE_WORDS,
    distinct_points,
    red_flag_groups,
    references,
    seconds_text,
    side_label,
    technique_figure,
)

__all__ = [
    "FIGURE_PREFIX",
    "KIND_LABELS",
    "REST_CHANGE",
    "REST_SAME",
    "SCRIPT_STEP_KEYS",
    "SIDE_WORDS",
    "ZOOM_HEIGHT",
    "ZOOM_MARGIN",
    "ZOOM_WIDTH",
    "distinct_points",
    "faq_entries",
    "muscle_map",
    "plan_view",
    "red_flag_groups",
    "references",
    "schedule_groups",
    "seconds_text",
    "session_view",
    "side_label",
    "technique_figure",
    "zoom_box",
]


def faq_entries(kb: Knowledge) -> list[dict[str, Any]]:
    return [
        {
            "question": e.question,
            "anchor": slugify(e.question)[:60],
            "answer": list(e.answer),
            "references": references(kb, e.references),
        }
        for e in kb.care.faq
    ]
