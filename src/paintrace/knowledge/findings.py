"""The findings the interview asks about, and the triage rules built on them (findings.yaml,
triage.yaml).

They share a module because each needs the other: a rule is a condition over the findings and the
drawing, and a finding that applies only to some drawings says so with the same condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from paintrace.knowledge.vocabulary import STRICT, SYMPTOMS, Level, Symptom, check


@dataclass(frozen=True)
class SelfTest:
    __pydantic_config__ = STRICT
    steps: list[str]
    yes_means: str
    figure: str | None = None

    def __post_init__(self) -> None:
        check(len(self.steps) >= 2, "a self-test needs at least two steps")


@dataclass(frozen=True)
class Finding:
    __pydantic_config__ = STRICT
    id: str
    group: Literal["red-flag", "history", "pattern"]
    question: str
    help: str
    why: str  # why we ask, in one plain sentence
    said_yes: str  # the finding in the second person when true
    said_no: str  # the finding in the second person when false
    self_test: SelfTest | None = None
    derived_from_drawing: bool = False
    references: list[str] = field(default_factory=list)
    # A question that can only matter for some drawings (calf swelling when a calf is drawn) is
    # asked, and counted as open, only when this holds; None means it always applies.
    applies_when: Condition | None = None
    # Changes how the plan is given (light pressure on blood thinners), not the ranking: asked
    # before a massage plan is shown.
    plan_modifier: bool = False
    # Never asked of a person of this sex (pregnancy of a man).
    not_for_sex: list[Literal["female", "male", "other"]] = field(default_factory=list)
    # A yes here is a yes to these too (calf pain eased by standing still is walking pain eased
    # by standing still), and a no to one of these is a no here.
    implies: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- triage rules


@dataclass(frozen=True)
class FindingIs:
    __pydantic_config__ = STRICT
    finding: str


@dataclass(frozen=True)
class DrawingMarked:
    """True when any of `marked` (base ids, either side) is marked with any of `symptoms`."""

    __pydantic_config__ = STRICT
    marked: list[str]
    symptoms: list[Symptom] = field(default_factory=lambda: list(SYMPTOMS))


@dataclass(frozen=True)
class DrawingBothLegs:
    """True when regions below the buttock are marked on both sides."""

    __pydantic_config__ = STRICT
    both_legs: Literal[True]


@dataclass(frozen=True)
class AllOf:
    __pydantic_config__ = STRICT
    all: list[Condition]


@dataclass(frozen=True)
class AnyOf:
    __pydantic_config__ = STRICT
    any: list[Condition]


Condition = FindingIs | DrawingMarked | DrawingBothLegs | AllOf | AnyOf


@dataclass(frozen=True)
class Rule:
    __pydantic_config__ = STRICT
    id: str
    level: Level
    when: Condition
    reason: str  # what it means, in plain words, second person
    references: list[str]
    unless_false: list[str] = field(default_factory=list)  # silenced if one is answered false
    min_age: int | None = None  # fires only when the age is known and at least this
    # A serious cause the ranking does not model (cauda equina, infection, cancer, fracture,
    # clot, blocked artery): the result then says so first and ranks only "if it is ruled out".
    cause: str | None = None

    def __post_init__(self) -> None:
        check(self.min_age is None or 0 <= self.min_age <= 120, "min_age must be 0..120")


@dataclass(frozen=True)
class LevelDef:
    __pydantic_config__ = STRICT
    id: Level
    title: str
    advice: str


@dataclass(frozen=True)
class Triage:
    __pydantic_config__ = STRICT
    levels: list[LevelDef]
    rules: list[Rule]
    no_flags_reason: str
    open_flags_title: str
    open_flags_reason: str
    open_flags_advice: str
    causes: dict[str, str] = field(default_factory=dict)  # cause id -> plain name
