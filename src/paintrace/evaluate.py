"""Scoring a folder of vignettes against the contract's measures.

top-1: the first source is expected or acceptable; top-3: every expected source is in the first
three; triage: exact level; under-triage (less urgent than expected) is a safety failure and is
counted separately from over-triage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paintrace.assessment import assess_input, parse_input
from paintrace.knowledge import Knowledge, load_knowledge
from paintrace.knowledge.schema import LEVELS


@dataclass(frozen=True)
class CaseScore:
    id: str
    expected_level: str
    level: str
    expected_sources: list[str]
    acceptable: list[str]
    ranked: list[str]
    top1: bool | None
    top3: bool | None

    @property
    def triage_exact(self) -> bool:
        return self.level == self.expected_level

    @property
    def under_triage(self) -> bool:
        return LEVELS.index(self.level) > LEVELS.index(self.expected_level)

    @property
    def over_triage(self) -> bool:
        return LEVELS.index(self.level) < LEVELS.index(self.expected_level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "expected_triage": self.expected_level,
            "triage": self.level,
            "expected_sources": self.expected_sources,
            "also_acceptable": self.acceptable,
            "ranked": self.ranked[:5],
            "top1": self.top1,
            "top3": self.top3,
        }


@dataclass
class Scores:
    cases: list[CaseScore] = field(default_factory=list)

    def _rate(self, values: list[bool]) -> float:
        return sum(values) / len(values) if values else 1.0

    @property
    def ranked_cases(self) -> list[CaseScore]:
        return [c for c in self.cases if c.top1 is not None]

    @property
    def top1(self) -> float:
        return self._rate([bool(c.top1) for c in self.ranked_cases])

    @property
    def top3(self) -> float:
        return self._rate([bool(c.top3) for c in self.ranked_cases])

    @property
    def triage_exact(self) -> float:
        return self._rate([c.triage_exact for c in self.cases])

    @property
    def under_triage(self) -> int:
        return sum(c.under_triage for c in self.cases)

    @property
    def over_triage(self) -> float:
        return self._rate([c.over_triage for c in self.cases])

    def summary(self) -> dict[str, Any]:
        return {
            "cases": len(self.cases),
            "ranked_cases": len(self.ranked_cases),
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "triage_exact": round(self.triage_exact, 4),
            "under_triage": self.under_triage,
            "over_triage": round(self.over_triage, 4),
        }


class VignetteError(ValueError):
    pass


def load_vignette(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VignetteError(f"{path.name}: cannot read JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("expect"), dict):
        raise VignetteError(f"{path.name}: not a vignette (no 'expect' object)")
    return data


def score_case(data: dict[str, Any], knowledge: Knowledge) -> CaseScore:
    expect = data["expect"]
    result = assess_input(parse_input(data, knowledge), knowledge)
    ranked = [s.id for s in result.sources]
    expected = list(expect.get("sources") or [])
    acceptable = list(expect.get("also_acceptable") or [])
    top1 = top3 = None
    if expected:
        top1 = bool(ranked) and ranked[0] in expected + acceptable
        top3 = all(s in ranked[:3] for s in expected)
    return CaseScore(
        id=str(data.get("id", "?")),
        expected_level=expect["triage"],
        level=result.triage.level,
        expected_sources=expected,
        acceptable=acceptable,
        ranked=ranked,
        top1=top1,
        top3=top3,
    )


def evaluate_dir(folder: Path, knowledge: Knowledge | None = None) -> Scores:
    kb = knowledge or load_knowledge()
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise VignetteError(f"{folder}: no *.json vignettes found")
    scores = Scores()
    for path in paths:
        scores.cases.append(score_case(load_vignette(path), kb))
    return scores
