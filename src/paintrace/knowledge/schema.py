"""The knowledge base's schema and its loader.

Clinical knowledge lives in YAML so that clinicians can read, review and correct it without
touching code. The types below are the gate every file passes on load: unknown keys are rejected,
every region, finding, source and reference id is checked against the others, and every clinical
claim must name a reference. A knowledge base that loads is internally consistent.

The types are frozen standard-library dataclasses that pydantic validates on load (pydantic reads
``__pydantic_config__`` and runs ``__post_init__`` checks). Keeping pydantic out of the types
themselves means a cached, already validated knowledge base is unpickled without importing
pydantic, which is what keeps `paintrace assess` quick to start.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from paintrace.knowledge.care import CareRules, SelfManagement, Technique

Symptom = Literal["pain", "burning", "numbness", "tingling"]
SYMPTOMS: tuple[Symptom, ...] = ("pain", "burning", "numbness", "tingling")
Level = Literal["emergency", "urgent", "soon", "self-care"]
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "soon", "self-care")
SourceKind = Literal["muscle", "nerve_root", "condition"]
Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")

STRICT = {"extra": "forbid"}  # pydantic config: a misspelt key is an error, not a default


class KnowledgeError(ValueError):
    """The knowledge base is inconsistent; the message names the file and the bad id."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _probability(value: float, name: str, *, open_top: bool = True) -> None:
    top_ok = value < 1 if open_top else value <= 1
    _check(value > 0 and top_ok, f"{name} must be a probability, got {value}")


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class Reference:
    __pydantic_config__ = STRICT
    citation: str
    url: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------- atlas


@dataclass(frozen=True)
class RegionDef:
    __pydantic_config__ = STRICT
    id: str
    name: str
    landmarks: str
    view: Literal["front", "back", "side", "sole"]
    below_knee: bool = False
    leg: bool = False  # below the buttock: counts for the both-legs red flag


@dataclass(frozen=True)
class Atlas:
    __pydantic_config__ = STRICT
    sided: list[RegionDef]
    midline: list[RegionDef]


@dataclass(frozen=True)
class Region:
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


@dataclass(frozen=True)
class SelfTest:
    __pydantic_config__ = STRICT
    steps: list[str]
    yes_means: str
    figure: str | None = None

    def __post_init__(self) -> None:
        _check(len(self.steps) >= 2, "a self-test needs at least two steps")


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


# --------------------------------------------------------------------------- sources


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
        _probability(self.share, "share", open_top=False)


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
        _check(self.lr_pos > 0, "lr_pos must be positive")
        _check(self.lr_neg is None or self.lr_neg > 0, "lr_neg must be positive")
        _check(len(self.references) >= 1, "evidence needs a reference")


@dataclass(frozen=True)
class AgeEffect:
    __pydantic_config__ = STRICT
    lr: float
    min: int | None = None
    max: int | None = None

    def __post_init__(self) -> None:
        _check(self.lr > 0, "lr must be positive")


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
    bilateral: float = 0.05  # P(both sides | this source)
    profile: str | None = None  # default symptom profile of its zones
    evidence: list[FindingEvidence] = field(default_factory=list)
    patient: PatientEffects = field(default_factory=PatientEffects)
    root: RootPattern | None = None
    features: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _probability(self.prior, "prior")
        _check(0 <= self.bilateral <= 0.95, "bilateral must be between 0 and 0.95")
        _check(len(self.portions) >= 1, "a source needs at least one portion or zones")
        _check(len(self.references) >= 1, "a source needs a reference")
        total = sum(p.share for p in self.portions)
        _check(abs(total - 1.0) <= 1e-6, f"portion shares sum to {total}, not 1")

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

    @property
    def phrase(self) -> str:
        """The source as named inside a sentence ("the piriformis", "the S1 nerve root")."""
        if self.called:
            return self.called
        keep = self.name[1:2].isupper() or self.name[1:2].isdigit()
        name = self.name if keep else self.name[:1].lower() + self.name[1:]
        return name if self.kind == "condition" else f"the {name}"

    @property
    def trigger_points(self) -> list[TriggerPoint]:
        return [tp for portion in self.portions for tp in portion.trigger_points]


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
        _check(self.min_age is None or 0 <= self.min_age <= 120, "min_age must be 0..120")


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
    causes: dict[str, str] = field(default_factory=dict)  # cause id -> plain name


# --------------------------------------------------------------------------- model parameters


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
            _probability(getattr(self, name), name)


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
            _probability(getattr(self, name), name)
        for key, value in [*self.p_marked.items(), *self.base_rates.items()]:
            _probability(value, key)
        for name in ("drawing_weight", "findings_weight"):
            _check(0 < getattr(self, name) <= 1, f"{name} must be in (0, 1]")
        _check(self.type_regions >= 1, "type_regions must be at least 1")
        _check(0 <= self.model_doubt < 0.5, "model_doubt must be in [0, 0.5)")
        _check(0.5 < self.stop_probability < 1, "stop_probability must be in (0.5, 1)")
        _check(self.min_information_gain >= 0, "min_information_gain must be >= 0")
        _check(self.max_questions > 0, "max_questions must be positive")
        _check(0 <= self.min_questions <= self.max_questions, "min_questions in 0..max_questions")


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
        techniques: list[Technique],
        self_management: list[SelfManagement],
        care: CareRules,
    ) -> None:
        self.techniques = {t.source: t for t in techniques}
        self.self_management = {m.source: m for m in self_management}
        self.care = care
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
                    rid,
                    base.id,
                    side,
                    base.name,
                    base.landmarks,
                    base.view,
                    base.below_knee,
                    base.leg,
                )
        for base in atlas.midline:
            self.regions[base.id] = Region(
                base.id,
                base.id,
                None,
                base.name,
                base.landmarks,
                base.view,
                base.below_knee,
                base.leg,
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

        for tech in self.techniques.values():
            where = f"techniques/{tech.source}.yaml"
            source = self.sources.get(tech.source)
            if source is None or source.kind != "muscle":
                problems.append(f"{where}: {tech.source!r} is not a muscle source")
            need_refs(where, tech.references)
            need_refs(where, tech.massage.references)
            for stretch in tech.stretches:
                need_refs(where, stretch.references)
        for sm in self.self_management.values():
            where = f"self_management/{sm.source}.yaml"
            if sm.source not in self.sources or self.sources[sm.source].kind == "muscle":
                problems.append(f"{where}: {sm.source!r} is not a non-muscle source")
            need_refs(where, sm.references)
        for source in self.sources.values():
            if source.kind == "muscle" and source.id not in self.techniques:
                problems.append(f"techniques/{source.id}.yaml: every muscle needs its technique")
            if source.kind != "muscle" and source.id not in self.self_management:
                problems.append(f"self_management/{source.id}.yaml: missing for {source.id!r}")
        need_refs("care.yaml", self.care.references)
        for entry in self.care.faq:
            need_refs("care.yaml faq", entry.references)
        for mod in self.care.modifiers:
            need_finding("care.yaml modifiers", mod.finding)
            need_refs("care.yaml modifiers", mod.references)
            for sid in mod.no_massage:
                if sid not in self.techniques:
                    problems.append(f"care.yaml modifiers: {sid!r} has no technique")
        for site in self.care.nerve_sites:
            for rid in site.regions:
                need_base_region("care.yaml", rid)

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
        for f in self.findings.values():
            for fid in f.implies:
                need_finding(f"findings.yaml {f.id} implies", fid)
            if f.applies_when is not None:
                walk(f"findings.yaml {f.id} applies_when", f.applies_when)
        for rule in self.triage.rules:
            where = f"triage.yaml {rule.id}"
            walk(where, rule.when)
            for fid in rule.unless_false:
                need_finding(where, fid)
            if rule.cause is not None and rule.cause not in self.triage.causes:
                problems.append(f"{where}: unknown cause {rule.cause!r}")
            need_refs(where, rule.references)
        if problems:
            raise KnowledgeError("knowledge base is inconsistent:\n  " + "\n  ".join(problems))

    def with_implied(self, findings: Mapping[str, bool]) -> dict[str, bool]:
        """The answers with what they imply (contract v2: a finding may imply another).

        An explicit answer always wins; only unanswered findings are filled in.
        """
        out = dict(findings)
        for f in self.findings.values():
            for fid in f.implies:
                if findings.get(f.id) is True and fid not in findings:
                    out[fid] = True
                if findings.get(fid) is False and f.id not in findings:
                    out[f.id] = False
        return out

    def concrete(self, base: str, sides: Iterable[str]) -> list[str]:
        """The drawing's ids for a base region on the given sides (a midline id as it is)."""
        if base in self.regions:  # midline regions have no side
            return [base]
        return [rid for side in sides if (rid := f"{side}.{base}") in self.regions]

    def drawn_sides(self, drawing: Iterable[str]) -> list[str]:
        """The sides a drawing marks, left before right; empty for a midline-only drawing."""
        sides = {self.regions[rid].side for rid in drawing if rid in self.regions}
        return [side for side in SIDES if side in sides]

    def region_name(self, rid: str) -> str:
        region = self.regions[rid]
        if region.side is None:
            return region.name
        return f"{region.name} ({region.side})"


def read_yaml(path: Path) -> Any:
    """One YAML file of the knowledge base; a syntax error names the file."""
    import yaml  # imported on first use: a cached knowledge base needs no YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML: {exc}") from exc


def _validated(kind: Any, data: Any, where: str) -> Any:
    from pydantic import TypeAdapter  # only when (re)building: the cache needs no pydantic

    try:
        return TypeAdapter(kind).validate_python(data)
    except ValueError as exc:
        raise KnowledgeError(f"{where}: {exc}") from exc


def load_knowledge_from(root: Path) -> Knowledge:
    """Load and validate a knowledge base from a folder (tests use this on modified copies)."""
    refs_raw = read_yaml(root / "references.yaml") or {}
    references = {k: _validated(Reference, v, f"references.yaml {k}") for k, v in refs_raw.items()}
    atlas = _validated(Atlas, read_yaml(root / "atlas.yaml"), "atlas.yaml")
    findings = [
        _validated(Finding, f, f"findings.yaml #{i}")
        for i, f in enumerate(read_yaml(root / "findings.yaml")["findings"])
    ]
    sources = []
    for path in sorted((root / "sources").glob("*.yaml")):
        source = _validated(Source, Source.normalise(read_yaml(path)), f"sources/{path.name}")
        if source.id != path.stem:
            raise KnowledgeError(f"sources/{path.name}: id {source.id!r} must match the file name")
        sources.append(source)
    triage = _validated(Triage, read_yaml(root / "triage.yaml"), "triage.yaml")
    model = _validated(ModelParams, read_yaml(root / "model.yaml"), "model.yaml")
    techniques = [
        _validated(Technique, read_yaml(path), f"techniques/{path.name}")
        for path in sorted((root / "techniques").glob("*.yaml"))
    ]
    self_management = [
        _validated(SelfManagement, read_yaml(path), f"self_management/{path.name}")
        for path in sorted((root / "self_management").glob("*.yaml"))
    ]
    care = _validated(CareRules, read_yaml(root / "care.yaml"), "care.yaml")
    return Knowledge(
        references=references,
        atlas=atlas,
        findings=findings,
        sources=sources,
        triage=triage,
        model=model,
        techniques=techniques,
        self_management=self_management,
        care=care,
    )


def knowledge_root() -> Path:
    return Path(str(resources.files("paintrace.knowledge")))


def fingerprint(root: Path) -> str:
    """A hash of a knowledge base and its schema, so a cache never outlives an edit."""
    digest = hashlib.sha256()
    # The schema's code is part of what a pickle means, so it is hashed with the data.
    for path in sorted([*root.rglob("*.yaml"), *root.glob("*.py")]):
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
