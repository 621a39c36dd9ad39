"""The sources of pain the engine ranks (sources/*.yaml): where each refers pain, its trigger
points, the evidence for and against it, and how age and sex shift it.

Named for what it holds rather than ``sources.py``, which would sit beside the ``sources/`` data
folder and shadow it as an import name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

from paintrace.knowledge.vocabulary import STRICT, SourceKind, check, check_probability
from paintrace.wording import in_sentence


@dataclass(frozen=True)
class Zone:
    __pydantic_config__ = STRICT
    region: str  # a sided region id without its side, or a midline id
    level: Literal["essential", "spillover"]
    profile: str | None = None  # symptom profile; the source's default when absent


@dataclass(frozen=True)
class TriggerPoint:
    __pydantic_config__ = STRICT
    name: str
    region: str
    landmarks: str


@dataclass(frozen=True)
class Portion:
    """A part of a source with its own referral map (e.g. gluteus minimus anterior fibres)."""

    __pydantic_config__ = STRICT
    id: str
    name: str
    share: float  # share of the source's prior
    zones: list[Zone]
    trigger_points: list[TriggerPoint] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_probability(self.share, "share", open_top=False)


@dataclass(frozen=True)
class FindingEvidence:
    __pydantic_config__ = STRICT
    finding: str
    lr_pos: float  # likelihood ratio when the finding is present
    references: list[str]
    lr_neg: float | None = None  # likelihood ratio when absent
    estimate: bool = False  # an expert estimate, not a published figure
    note: str | None = None

    def __post_init__(self) -> None:
        check(self.lr_pos > 0, "lr_pos must be positive")
        check(self.lr_neg is None or self.lr_neg > 0, "lr_neg must be positive")
        check(len(self.references) >= 1, "evidence needs a reference")


@dataclass(frozen=True)
class AgeEffect:
    __pydantic_config__ = STRICT
    lr: float
    min: int | None = None
    max: int | None = None

    def __post_init__(self) -> None:
        check(self.lr > 0, "lr must be positive")


@dataclass(frozen=True)
class PatientEffects:
    __pydantic_config__ = STRICT
    age: list[AgeEffect] = field(default_factory=list)
    sex: dict[Literal["female", "male", "other"], float] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RootPattern:
    __pydantic_config__ = STRICT
    motor: str
    reflex: str
    sensory: str


@dataclass(frozen=True)
class Source:
    __pydantic_config__ = STRICT
    id: str
    name: str
    kind: SourceKind
    description: str
    prior: float
    portions: list[Portion]
    references: list[str]
    called: str | None = None  # how a sentence names it: "the hip joint"
    plural: bool = False  # the name is plural: "the hamstrings refer pain", not "refers"
    bilateral: float = 0.05  # P(both sides | this source)
    profile: str | None = None  # default symptom profile of its zones
    evidence: list[FindingEvidence] = field(default_factory=list)
    patient: PatientEffects = field(default_factory=PatientEffects)
    root: RootPattern | None = None
    features: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_probability(self.prior, "prior")
        check(0 <= self.bilateral <= 0.95, "bilateral must be between 0 and 0.95")
        check(len(self.portions) >= 1, "a source needs at least one portion or zones")
        check(len(self.references) >= 1, "a source needs a reference")
        total = sum(p.share for p in self.portions)
        check(abs(total - 1.0) <= 1e-6, f"portion shares sum to {total}, not 1")

    @staticmethod
    def normalise(data: Any) -> Any:
        """A source without portions is written with top-level zones; make it one portion."""
        if isinstance(data, dict) and "zones" in data:
            data = dict(data)
            data["portions"] = [
                {
                    "id": "whole",
                    "name": data.get("name", ""),
                    "share": 1.0,
                    "zones": data.pop("zones"),
                    "trigger_points": data.pop("trigger_points", []),
                }
            ]
        return data

    @functools.cached_property
    def phrase(self) -> str:
        """The source as named inside a sentence ("the piriformis", "the S1 nerve root")."""
        if self.called:
            return self.called
        name = in_sentence(self.name)
        return name if self.kind == "condition" else f"the {name}"

    @functools.cached_property
    def zone_levels(self) -> dict[str, str]:
        """Base region -> the strongest level over the portions, in the zones' order. Read-only:
        computed once and shared by every caller."""
        levels: dict[str, str] = {}
        for portion in self.portions:
            for zone in portion.zones:
                if levels.get(zone.region) != "essential":
                    levels[zone.region] = zone.level
        return levels

    @functools.cached_property
    def essential_regions(self) -> tuple[str, ...]:
        """The base regions the pain nearly always reaches, in the zones' order."""
        return tuple(base for base, level in self.zone_levels.items() if level == "essential")

    @functools.cached_property
    def evidence_ids(self) -> frozenset[str]:
        """The findings this source lists (explanations ask once per ranked source)."""
        return frozenset(ev.finding for ev in self.evidence)

    @property
    def trigger_points(self) -> list[TriggerPoint]:
        return [tp for portion in self.portions for tp in portion.trigger_points]
