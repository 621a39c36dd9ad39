"""Scoring a folder of vignettes against the contract's measures, and how sure the engine is.

top-1: the first source is expected or acceptable; top-3: every expected source is in the first
three; triage: exact level; under-triage (less urgent than expected) is a safety failure and is
counted separately from over-triage.

Calibration asks whether the probability the engine gives its first source matches how often
that source is right (a reliability table and the Brier score). Robustness asks what is left when
a person draws only their one to three most telling places, as real people often do.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paintrace import strict_json
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
    top_probability: float | None = None

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
            "top_probability": self.top_probability,
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

    def calibration(self, bins: int = 5) -> dict[str, Any]:
        """Reliability of the first source's probability: bins of predicted probability against
        observed top-1 accuracy, and the Brier score of that probability (0 is perfect; always
        saying 0.5 scores 0.25)."""
        pairs = [
            (float(c.top_probability or 0.0), bool(c.top1))
            for c in self.ranked_cases
            if c.top_probability is not None
        ]
        table = []
        for i in range(bins):
            lo, hi = i / bins, (i + 1) / bins
            inside = [(p, ok) for p, ok in pairs if lo <= p < hi or (i == bins - 1 and p == 1.0)]
            table.append(
                {
                    "from": round(lo, 2),
                    "to": round(hi, 2),
                    "cases": len(inside),
                    "mean_predicted": round(sum(p for p, _ in inside) / len(inside), 4)
                    if inside
                    else None,
                    "observed": round(sum(ok for _, ok in inside) / len(inside), 4)
                    if inside
                    else None,
                }
            )
        brier = sum((p - ok) ** 2 for p, ok in pairs) / len(pairs) if pairs else None
        return {
            "bins": table,
            "brier": round(brier, 4) if brier is not None else None,
            "cases": len(pairs),
        }

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
    """`paintrace evaluate` reads whatever folder it is given, so a vignette is read like an
    assessment (strict_json): a pipe or a device named *.json would hang or fill memory, deep
    nesting and huge numbers ended in a traceback, and a repeated key silently kept the last."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise VignetteError(f"{path.name}: not a regular file")
        with path.open("rb") as fh:
            raw = fh.read(strict_json.MAX_BYTES + 1)
    except OSError as exc:
        raise VignetteError(f"{path.name}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = strict_json.loads(raw, path.name)
    except strict_json.StrictJSONError as exc:
        raise VignetteError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("expect"), dict):
        raise VignetteError(f"{path.name}: not a vignette (no 'expect' object)")
    if "triage" not in data["expect"]:
        raise VignetteError(f"{path.name}: expect.triage: missing; every vignette expects one")
    return data


def specificity(knowledge: Knowledge) -> dict[str, int]:
    """Base region -> in how many sources' maps it appears (fewer is more telling)."""
    count: dict[str, int] = {}
    for source in knowledge.sources.values():
        regions = {zone.region for portion in source.portions for zone in portion.zones}
        for rid in regions:
            count[rid] = count.get(rid, 0) + 1
    return count


def sparsify(data: dict[str, Any], keep: int, knowledge: Knowledge) -> dict[str, Any]:
    """The case with only its `keep` most specific drawn regions, as a sparse drawer marks.

    Regions that belong to few sources' maps tell most; ties keep the order of the drawing.
    A region with numbness, tingling or burning counts as more telling than pain alone.
    """
    count = specificity(knowledge)
    drawing: dict[str, list[str]] = dict(data.get("drawing") or {})
    order = {rid: i for i, rid in enumerate(drawing)}

    def telling(rid: str) -> tuple[int, int, int]:
        base = knowledge.regions[rid].base if rid in knowledge.regions else rid
        altered = any(s != "pain" for s in drawing[rid])
        return (count.get(base, 0), 0 if altered else 1, order[rid])

    kept = sorted(drawing, key=telling)[:keep]
    return {**data, "drawing": {rid: drawing[rid] for rid in kept}}


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
        top_probability=result.sources[0].probability if result.sources else None,
    )


def evaluate_dir(
    folder: Path, knowledge: Knowledge | None = None, *, keep_regions: int | None = None
) -> Scores:
    """Score every vignette in a folder; `keep_regions` first thins each drawing (sparsify)."""
    kb = knowledge or load_knowledge()
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise VignetteError(f"{folder}: no *.json vignettes found")
    scores = Scores()
    for path in paths:
        data = load_vignette(path)
        if keep_regions is not None:
            data = sparsify(data, keep_regions, kb)
        scores.cases.append(score_case(data, kb))
    return scores


def robustness(folder: Path, knowledge: Knowledge | None = None) -> dict[str, float]:
    """Top-1 when every case keeps only its one, two or three most specific drawn regions."""
    kb = knowledge or load_knowledge()
    out = {"all regions": evaluate_dir(folder, kb).top1}
    for keep in (3, 2, 1):
        out[f"{keep} most specific"] = evaluate_dir(folder, kb, keep_regions=keep).top1
    return {key: round(value, 4) for key, value in out.items()}
