"""The knowledge base's schema and its loader.

Clinical knowledge lives in YAML so that clinicians can read, review and correct it without
touching code. These pydantic models are the gate every file passes on load: unknown keys are
rejected, every region, finding, source and reference id is checked against the others, and every
clinical claim must name a reference. A knowledge base that loads is internally consistent.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Symptom = Literal["pain", "burning", "numbness", "tingling"]
SYMPTOMS: tuple[Symptom, ...] = ("pain", "burning", "numbness", "tingling")
Level = Literal["emergency", "urgent", "soon", "self-care"]
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "soon", "self-care")
SourceKind = Literal["muscle", "nerve_root", "condition"]
Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")

try:  # libyaml is several times faster; the pure-Python loader is the fallback.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


class KnowledgeError(ValueError):
    """The knowledge base is inconsistent; the message names the file and the bad id."""


class Strict(BaseModel):
    # defer_build: a cached knowledge base is unpickled without validation, so the CLI's cold
    # start should not pay for building validators it will not use.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- references


class Reference(Strict):
    citation: str
    url: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------- atlas


class RegionDef(Strict):
    id: str
    name: str
    landmarks: str
    view: Literal["front", "back", "side", "sole"]
    below_knee: bool = False
    leg: bool = Field(False, description="below the buttock: counts for the both-legs red flag")


class Atlas(Strict):
    sided: list[RegionDef]
    midline: list[RegionDef]


class Region(Strict):
    """A concrete region of a drawing: a sided region on one side, or a midline region."""

    id: str
    base: str
    side: Side | None
    name: str
    landmarks: str
    view: str
    below_knee: bool
    leg: bool


# --------------------------------------------------------------------------- findings


class SelfTest(Strict):
    steps: list[str] = Field(min_length=2)
    yes_means: str
    figure: str | None = None


class Finding(Strict):
    id: str
    group: Literal["red-flag", "history", "pattern"]
    question: str
    help: str
    why: str = Field(description="why we ask, in one plain sentence")
    said_yes: str = Field(description="the finding in the second person when true")
    said_no: str = Field(description="the finding in the second person when false")
    self_test: SelfTest | None = None
    derived_from_drawing: bool = False
    references: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- sources


class Zone(Strict):
    region: str = Field(description="a sided region id without side, or a midline id")
    level: Literal["essential", "spillover"]
    profile: str | None = Field(None, description="symptom profile; default from the source")


class TriggerPoint(Strict):
    name: str
    region: str
    landmarks: str


class Portion(Strict):
    """A part of a source with its own referral map (e.g. gluteus minimus anterior fibres)."""

    id: str
    name: str
    share: float = Field(gt=0, le=1, description="share of the source's prior")
    zones: list[Zone]
    trigger_points: list[TriggerPoint] = Field(default_factory=list)


class FindingEvidence(Strict):
    finding: str
    lr_pos: float = Field(gt=0, description="likelihood ratio when the finding is present")
    lr_neg: float | None = Field(None, gt=0, description="likelihood ratio when absent")
    references: list[str] = Field(min_length=1)
    estimate: bool = Field(False, description="an expert estimate, not a published figure")
    note: str | None = None


class AgeEffect(Strict):
    min: int | None = None
    max: int | None = None
    lr: float = Field(gt=0)


class PatientEffects(Strict):
    age: list[AgeEffect] = Field(default_factory=list)
    sex: dict[Literal["female", "male", "other"], float] = Field(default_factory=dict)
    references: list[str] = Field(default_factory=list)


class RootPattern(Strict):
    motor: str
    reflex: str
    sensory: str


class Source(Strict):
    id: str
    name: str
    called: str | None = Field(None, description="how a sentence names it: 'the hip joint'")
    kind: SourceKind
    description: str
    prior: float = Field(gt=0, lt=1)
    bilateral: float = Field(0.05, ge=0, le=0.95, description="P(both sides | this source)")
    profile: str | None = Field(None, description="default symptom profile of its zones")
    portions: list[Portion] = Field(min_length=1)
    evidence: list[FindingEvidence] = Field(default_factory=list)
    patient: PatientEffects = Field(default_factory=PatientEffects)
    root: RootPattern | None = None
    features: list[str] = Field(default_factory=list)
    references: list[str] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _single_portion(cls, data: Any) -> Any:
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

    @field_validator("portions")
    @classmethod
    def _shares_sum_to_one(cls, portions: list[Portion]) -> list[Portion]:
        total = sum(p.share for p in portions)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"portion shares sum to {total}, not 1")
        return portions

    @property
    def phrase(self) -> str:
        """The source as named inside a sentence ("the piriformis", "the S1 nerve root")."""
        if self.called:
            return self.called
        name = (
            self.name
            if self.name[1:2].isupper() or self.name[1:2].isdigit()
            else (self.name[:1].lower() + self.name[1:])
        )
        return name if self.kind == "condition" else f"the {name}"

    @property
    def trigger_points(self) -> list[TriggerPoint]:
        return [tp for portion in self.portions for tp in portion.trigger_points]


# --------------------------------------------------------------------------- triage rules


class FindingIs(Strict):
    finding: str


class DrawingMarked(Strict):
    """True when any of `regions` (base ids, either side) is marked with any of `symptoms`."""

    marked: list[str] = Field(min_length=1)
    symptoms: list[Symptom] = Field(default_factory=lambda: list(SYMPTOMS))


class DrawingBothLegs(Strict):
    """True when regions below the buttock are marked on both sides."""

    both_legs: Literal[True]


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


Condition = Annotated[
    FindingIs | DrawingMarked | DrawingBothLegs | AllOf | AnyOf, Field(union_mode="left_to_right")
]


class Rule(Strict):
    id: str
    level: Level
    when: Condition
    unless_false: list[str] = Field(
        default_factory=list, description="the rule is silenced if any of these is answered false"
    )
    reason: str = Field(description="what it means, in plain words, second person")
    references: list[str] = Field(min_length=1)


class LevelDef(Strict):
    id: Level
    title: str
    advice: str


class Triage(Strict):
    levels: list[LevelDef]
    rules: list[Rule]
    no_flags_reason: str


# --------------------------------------------------------------------------- model parameters


class SymptomProfile(Strict):
    """P(symptom type drawn | region drawn) for each type, for one kind of zone."""

    pain: float = Field(gt=0, lt=1)
    burning: float = Field(gt=0, lt=1)
    numbness: float = Field(gt=0, lt=1)
    tingling: float = Field(gt=0, lt=1)


class ModelParams(Strict):
    p_marked: dict[Literal["essential", "spillover", "leak"], float]
    leak_profile: str
    default_profile: dict[SourceKind, str]
    profiles: dict[str, SymptomProfile]
    pair_prior: float = Field(gt=0, lt=1)
    pair_boosts: list[PairBoost] = Field(default_factory=list)
    finding_base_rate: float = Field(gt=0, lt=1)
    base_rates: dict[str, Annotated[float, Field(gt=0, lt=1)]] = Field(default_factory=dict)
    evidence_weight: float = Field(
        gt=0, le=1, description="power applied to the likelihood: naive Bayes is overconfident"
    )
    stop_probability: float = Field(gt=0.5, lt=1)
    min_information_gain: float = Field(ge=0)
    max_questions: int = Field(gt=0)
    report_threshold: float = Field(gt=0, lt=0.5)


class PairBoost(Strict):
    """Sources often active together (e.g. a root irritation and gluteal trigger points)."""

    a: list[str]
    b: list[str]
    factor: float = Field(gt=0)
    references: list[str] = Field(min_length=1)


# --------------------------------------------------------------------------- the whole


class Knowledge:
    """The validated knowledge base, with lookups the engine and the adapters need."""

    def __init__(
        self,
        *,
        references: dict[str, Reference],
        atlas: Atlas,
        findings: list[Finding],
        sources: list[Source],
        triage: Triage,
        model: ModelParams,
    ) -> None:
        self.references = references
        self.atlas = atlas
        self.findings = {f.id: f for f in findings}
        self.sources = {s.id: s for s in sources}
        self.triage = triage
        self.model = model
        self.base_regions = {r.id: r for r in [*atlas.sided, *atlas.midline]}
        self.regions: dict[str, Region] = {}
        for base in atlas.sided:
            for side in SIDES:
                rid = f"{side}.{base.id}"
                self.regions[rid] = Region(
                    id=rid, base=base.id, side=side, **base.model_dump(exclude={"id"})
                )
        for base in atlas.midline:
            self.regions[base.id] = Region(
                id=base.id, base=base.id, side=None, **base.model_dump(exclude={"id"})
            )
        self._check()

    # The checks live here rather than in validators because they cross files.
    def _check(self) -> None:
        problems: list[str] = []
        refs = self.references

        def need_refs(where: str, keys: Iterable[str]) -> None:
            for key in keys:
                if key not in refs:
                    problems.append(f"{where}: unknown reference {key!r}")

        def need_base_region(where: str, rid: str) -> None:
            if rid not in self.base_regions:
                problems.append(f"{where}: unknown region {rid!r}")

        def need_finding(where: str, fid: str) -> None:
            if fid not in self.findings:
                problems.append(f"{where}: unknown finding {fid!r}")

        for f in self.findings.values():
            need_refs(f"findings.yaml {f.id}", f.references)
        profiles = self.model.profiles
        if self.model.leak_profile not in profiles:
            problems.append(f"model.yaml: unknown profile {self.model.leak_profile!r}")
        for kind, name in self.model.default_profile.items():
            if name not in profiles:
                problems.append(f"model.yaml: default profile for {kind}: unknown {name!r}")
        for s in self.sources.values():
            where = f"sources/{s.id}.yaml"
            need_refs(where, s.references)
            need_refs(where, s.patient.references)
            if s.profile and s.profile not in profiles:
                problems.append(f"{where}: unknown profile {s.profile!r}")
            for portion in s.portions:
                seen: set[str] = set()
                for z in portion.zones:
                    need_base_region(where, z.region)
                    if z.region in seen:
                        problems.append(f"{where}: region {z.region!r} listed twice")
                    seen.add(z.region)
                    if z.profile and z.profile not in profiles:
                        problems.append(f"{where}: unknown profile {z.profile!r}")
                for tp in portion.trigger_points:
                    need_base_region(where, tp.region)
            for ev in s.evidence:
                need_finding(where, ev.finding)
                need_refs(where, ev.references)
            if s.kind == "nerve_root" and s.root is None:
                problems.append(f"{where}: a nerve root needs its root pattern")
            if s.kind == "muscle" and not s.trigger_points:
                problems.append(f"{where}: a muscle needs trigger point landmarks")
        for fid in self.model.base_rates:
            need_finding("model.yaml base_rates", fid)
        for boost in self.model.pair_boosts:
            for sid in [*boost.a, *boost.b]:
                if sid not in self.sources:
                    problems.append(f"model.yaml: pair boost names unknown source {sid!r}")
            need_refs("model.yaml", boost.references)

        def walk(where: str, cond: Condition) -> None:
            if isinstance(cond, FindingIs):
                need_finding(where, cond.finding)
            elif isinstance(cond, DrawingMarked):
                for rid in cond.marked:
                    need_base_region(where, rid)
            elif isinstance(cond, AllOf):
                for c in cond.all:
                    walk(where, c)
            elif isinstance(cond, AnyOf):
                for c in cond.any:
                    walk(where, c)

        level_ids = [lv.id for lv in self.triage.levels]
        if level_ids != list(LEVELS):
            problems.append(f"triage.yaml: levels must be {list(LEVELS)}, got {level_ids}")
        for rule in self.triage.rules:
            where = f"triage.yaml {rule.id}"
            walk(where, rule.when)
            for fid in rule.unless_false:
                need_finding(where, fid)
            need_refs(where, rule.references)
        if problems:
            raise KnowledgeError("knowledge base is inconsistent:\n  " + "\n  ".join(problems))

    def region_name(self, rid: str) -> str:
        region = self.regions[rid]
        if region.side is None:
            return region.name
        return f"{region.name} ({region.side})"


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc


def _validated(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValueError as exc:
        raise KnowledgeError(f"{where}: {exc}") from exc


def load_knowledge_from(root: Path) -> Knowledge:
    """Load and validate a knowledge base from a folder (tests use this on modified copies)."""
    refs_raw = _read(root / "references.yaml") or {}
    references = {k: _validated(Reference, v, f"references.yaml {k}") for k, v in refs_raw.items()}
    atlas = _validated(Atlas, _read(root / "atlas.yaml"), "atlas.yaml")
    findings = [
        _validated(Finding, f, f"findings.yaml #{i}")
        for i, f in enumerate(_read(root / "findings.yaml")["findings"])
    ]
    sources = []
    for path in sorted((root / "sources").glob("*.yaml")):
        source = _validated(Source, _read(path), f"sources/{path.name}")
        if source.id != path.stem:
            raise KnowledgeError(f"sources/{path.name}: id {source.id!r} must match the file name")
        sources.append(source)
    triage = _validated(Triage, _read(root / "triage.yaml"), "triage.yaml")
    model = _validated(ModelParams, _read(root / "model.yaml"), "model.yaml")
    return Knowledge(
        references=references,
        atlas=atlas,
        findings=findings,
        sources=sources,
        triage=triage,
        model=model,
    )


def knowledge_root() -> Path:
    return Path(str(resources.files("paintrace.knowledge")))


def fingerprint(root: Path) -> str:
    """A hash of every file of a knowledge base, so a cache never outlives an edit."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _cache_dir() -> Path:
    explicit = os.environ.get("PAINTRACE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "paintrace"


@functools.cache
def load_knowledge() -> Knowledge:
    """The shipped knowledge base, loaded once per process.

    Validating the YAML costs more than the rest of a CLI call, so the validated object is
    pickled in the user's cache folder under a fingerprint of the files, and rebuilt whenever a
    file changes. A cache that cannot be read or written is simply ignored.
    """
    root = knowledge_root()
    path = _cache_dir() / f"knowledge-{fingerprint(root)}.pickle"
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if isinstance(cached, Knowledge):
            return cached
    except Exception:
        pass
    knowledge = load_knowledge_from(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(knowledge, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return knowledge
