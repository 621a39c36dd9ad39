"""The schema of self-care content: massage and stretch techniques, self-management, cautions.

Same rules as :mod:`paintrace.knowledge.schema`: frozen dataclasses validated by pydantic on load,
unknown keys rejected, every claim tied to a reference. Dosages that come from teaching sources
rather than trials say so (`estimate: true`), so the plan can show an honest evidence note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

STRICT = {"extra": "forbid"}

Tool = Literal[
    "hands",
    "tennis-ball",
    "lacrosse-ball",
    "peanut-ball",
    "foam-roller",
    "cane-hook",
    "glute-tool",
]


# How a stretch is done, so a plan can adapt it without reading its words: lying flat on the
# back is the position to avoid in later pregnancy.
Posture = Literal["lying-back", "lying-side", "sitting", "standing", "kneeling"]


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class ToolOption:
    """One way to apply pressure, from the gentlest tool to the firmest."""

    __pydantic_config__ = STRICT
    tool: Tool
    how: str


@dataclass(frozen=True)
class Massage:
    __pydantic_config__ = STRICT
    id: str
    name: str
    position: str  # body position, e.g. "lying on your back, knees bent"
    find_it: list[str]  # landmark steps a lay person can follow to find the points
    tools: list[ToolOption]
    steps: list[str]
    pressure: str  # on a discomfort scale: "strong but not sharp, about 5 to 7 out of 10"
    hold_seconds: list[int]  # [shortest, longest] hold on one point
    points_per_session: int
    sessions_per_day: int
    days_per_week: int
    feels_like: str
    stop_if: list[str]
    avoid: list[str]  # nerve and vessel sites never to press hard
    figure: str
    evidence: str  # what trials show and do not show, in plain words
    references: list[str]
    estimate: bool = True  # dosage from teaching sources, not trials

    def __post_init__(self) -> None:
        _check(len(self.hold_seconds) == 2, "hold_seconds is [shortest, longest]")
        _check(0 < self.hold_seconds[0] <= self.hold_seconds[1] <= 180, "hold 1-180 s")
        _check(1 <= self.points_per_session <= 6, "points_per_session 1-6")
        _check(1 <= self.sessions_per_day <= 3, "sessions_per_day 1-3")
        _check(1 <= self.days_per_week <= 7, "days_per_week 1-7")
        _check(len(self.steps) >= 3 and len(self.find_it) >= 2, "steps and landmarks needed")
        _check(len(self.stop_if) >= 1 and len(self.references) >= 1, "stop rules and refs")


@dataclass(frozen=True)
class Stretch:
    __pydantic_config__ = STRICT
    id: str
    name: str
    position: str
    posture: Posture
    steps: list[str]
    hold_seconds: int
    repetitions: int
    times_per_day: int
    feels_like: str
    cautions: list[str]
    figure: str
    evidence: str
    references: list[str]
    estimate: bool = True

    def __post_init__(self) -> None:
        _check(10 <= self.hold_seconds <= 90, "hold 10-90 s")
        _check(1 <= self.repetitions <= 6 and 1 <= self.times_per_day <= 4, "dosage range")
        _check(len(self.steps) >= 3 and len(self.references) >= 1, "steps and refs needed")


@dataclass(frozen=True)
class Technique:
    """Everything a person needs to work on one muscle: massage first, then stretches."""

    __pydantic_config__ = STRICT
    source: str
    massage: Massage
    stretches: list[Stretch]
    habits: list[str]  # perpetuating factors to change (wallet in back pocket, long sitting)
    references: list[str]

    def __post_init__(self) -> None:
        _check(1 <= len(self.stretches) <= 2, "one or two stretches per muscle")


@dataclass(frozen=True)
class SelfManagement:
    """Guideline-based self-management for a source that is not a muscle."""

    __pydantic_config__ = STRICT
    source: str
    summary: str
    do: list[str]
    avoid: list[str]
    watch_for: list[str]
    see: str  # when and whom to see
    evidence: str
    references: list[str]


@dataclass(frozen=True)
class NerveSite:
    __pydantic_config__ = STRICT
    site: str
    why: str
    regions: list[str]  # base region ids near the site


@dataclass(frozen=True)
class PlanModifier:
    """How a plan changes for one finding (blood thinners, pregnancy, weak bones).

    The finding changes how to massage, never which muscle is the likely source.
    """

    __pydantic_config__ = STRICT
    finding: str
    title: str  # second person: "You take a blood thinner"
    text: str  # what changes, in plain words
    references: list[str]
    pressure: str | None = None  # replaces every massage's pressure
    pressure_max: int | None = None  # its top, out of 10: of two that apply, the lighter wins
    tools: list[Tool] | None = None  # the only tools allowed; None keeps them all
    no_massage: list[str] = field(default_factory=list)  # muscles not to massage at all
    position: str | None = None  # replaces every massage's position (a technique's own may
    # be the very one to avoid, such as lying on your back)
    stretch_postures: list[Posture] = field(default_factory=list)  # stretches done so ...
    stretch_position: str | None = None  # ... are done so instead
    unknown: str | None = None  # said when the question was not answered

    def __post_init__(self) -> None:
        _check(
            bool(self.stretch_postures) == bool(self.stretch_position),
            "stretch_postures and stretch_position go together",
        )


@dataclass(frozen=True)
class ProgressionStep:
    """What to do in some weeks of the plan. The doses stay each muscle's own (and its
    adaptations'), so a step says how to use them, not another number."""

    __pydantic_config__ = STRICT
    weeks: str  # "1", "3-4"
    text: str


@dataclass(frozen=True)
class CareRules:
    """Cautions that apply to every plan."""

    __pydantic_config__ = STRICT
    percussion: str  # no percussion gun or vibration on trigger points
    clot: str  # no calf massage when a clot is possible
    blood_thinners: str  # light pressure only
    general: list[str]
    nerve_sites: list[NerveSite]
    red_flag_card: list[str]
    review: str  # the two-week review rule
    root_first: str  # when a nerve root is likely enough to come before the massage
    keep_active: list[str]
    progression_massage: list[ProgressionStep]  # weeks of a massage-and-stretch plan
    progression_active: list[ProgressionStep]  # weeks of a plan without massage
    references: list[str]
    faq: list[FaqEntry] = field(default_factory=list)
    modifiers: list[PlanModifier] = field(default_factory=list)


@dataclass(frozen=True)
class FaqEntry:
    __pydantic_config__ = STRICT
    question: str
    answer: list[str]  # short paragraphs
    references: list[str]
