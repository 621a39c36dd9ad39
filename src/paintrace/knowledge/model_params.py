"""The model's parameters (model.yaml): symptom profiles, pair boosts, weights and stopping rules.

Kept apart from the sources because they tune the engine as a whole, not one source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from paintrace.knowledge.vocabulary import (
    STRICT,
    SYMPTOMS,
    SourceKind,
    check,
    check_probability,
)


@dataclass(frozen=True)
class SymptomProfile:
    """P(symptom type drawn | region drawn) for each type, for one kind of zone."""

    __pydantic_config__ = STRICT
    pain: float
    burning: float
    numbness: float
    tingling: float

    def __post_init__(self) -> None:
        for name in SYMPTOMS:
            check_probability(getattr(self, name), name)


@dataclass(frozen=True)
class PairBoost:
    """Sources often active together (e.g. a root irritation and gluteal trigger points)."""

    __pydantic_config__ = STRICT
    a: list[str]
    b: list[str]
    factor: float
    references: list[str]


@dataclass(frozen=True)
class ModelParams:
    __pydantic_config__ = STRICT
    p_marked: dict[Literal["essential", "spillover", "leak"], float]
    leak_profile: str
    default_profile: dict[SourceKind, str]
    profiles: dict[str, SymptomProfile]
    pair_prior: float
    finding_base_rate: float
    drawing_weight: float  # power on the drawing's likelihood: drawn regions are correlated
    findings_weight: float  # power on the answers' likelihood: asked separately, nearly whole
    type_regions: int  # symptom types count in full over at most this many drawn regions
    model_doubt: float  # weight of the prior in the reported ranking: the model may be wrong
    stop_probability: float
    min_information_gain: float
    max_questions: int
    min_questions: int  # asked after the warning signs whenever any gains information
    min_confirming_gain: float  # what "gains information" means for those (bits)
    report_threshold: float
    pair_boosts: list[PairBoost] = field(default_factory=list)
    base_rates: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("pair_prior", "finding_base_rate", "report_threshold"):
            check_probability(getattr(self, name), name)
        for key, value in [*self.p_marked.items(), *self.base_rates.items()]:
            check_probability(value, key)
        for name in ("drawing_weight", "findings_weight"):
            check(0 < getattr(self, name) <= 1, f"{name} must be in (0, 1]")
        check(self.type_regions >= 1, "type_regions must be at least 1")
        check(0 <= self.model_doubt < 0.5, "model_doubt must be in [0, 0.5)")
        check(0.5 < self.stop_probability < 1, "stop_probability must be in (0.5, 1)")
        check(self.min_information_gain >= 0, "min_information_gain must be >= 0")
        check(self.max_questions > 0, "max_questions must be positive")
        check(0 <= self.min_questions <= self.max_questions, "min_questions in 0..max_questions")
