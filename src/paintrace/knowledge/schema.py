"""The knowledge base's schema and its loader, under one name.

Clinical knowledge lives in YAML so that clinicians can read, review and correct it without
touching code. The types are the gate every file passes on load: unknown keys are rejected,
every region, finding, source and reference id is checked against the others, and every clinical
claim must name a reference. A knowledge base that loads is internally consistent.

The types are frozen standard-library dataclasses that pydantic validates on load (pydantic reads
``__pydantic_config__`` and runs ``__post_init__`` checks). Keeping pydantic out of the types
themselves means a cached, already validated knowledge base is unpickled without importing
pydantic, which is what keeps `paintrace assess` quick to start.

They live in modules by what they describe: :mod:`.vocabulary` (shared words and checks),
:mod:`.atlas`, :mod:`.findings` (with the triage rules), :mod:`.pain_sources`,
:mod:`.model_params`, :mod:`.care`, the whole in :mod:`.knowledge_base`, reading and caching in
:mod:`.loader`. This module gathers them so that callers import from one place and need not follow
the split.
"""

from __future__ import annotations

from paintrace.knowledge.atlas import (
    Atlas,
    Region,
    RegionDef,
)
from paintrace.knowledge.care import (
    CareRules,
    SelfManagement,
    Technique,
)
from paintrace.knowledge.findings import (
    AllOf,
    AnyOf,
    Condition,
    DrawingBothLegs,
    DrawingMarked,
    Finding,
    FindingIs,
    LevelDef,
    Rule,
    SelfTest,
    Triage,
)
from paintrace.knowledge.knowledge_base import (
    Knowledge,
)
from paintrace.knowledge.loader import (
    fingerprint,
    knowledge_root,
    load_knowledge,
    load_knowledge_from,
    read_yaml,
)
from paintrace.knowledge.model_params import (
    ModelParams,
    PairBoost,
    SymptomProfile,
)
from paintrace.knowledge.pain_sources import (
    AgeEffect,
    FindingEvidence,
    PatientEffects,
    Portion,
    RootPattern,
    Source,
    TriggerPoint,
    Zone,
)
from paintrace.knowledge.vocabulary import (
    LEVELS,
    SIDES,
    STRICT,
    SYMPTOMS,
    KnowledgeError,
    Level,
    Reference,
    Side,
    SourceKind,
    Symptom,
)

__all__ = [
    "LEVELS",
    "SIDES",
    "STRICT",
    "SYMPTOMS",
    "AgeEffect",
    "AllOf",
    "AnyOf",
    "Atlas",
    "CareRules",
    "Condition",
    "DrawingBothLegs",
    "DrawingMarked",
    "Finding",
    "FindingEvidence",
    "FindingIs",
    "Knowledge",
    "KnowledgeError",
    "Level",
    "LevelDef",
    "ModelParams",
    "PairBoost",
    "PatientEffects",
    "Portion",
    "Reference",
    "Region",
    "RegionDef",
    "RootPattern",
    "Rule",
    "SelfManagement",
    "SelfTest",
    "Side",
    "Source",
    "SourceKind",
    "Symptom",
    "SymptomProfile",
    "Technique",
    "Triage",
    "TriggerPoint",
    "Zone",
    "fingerprint",
    "knowledge_root",
    "load_knowledge",
    "load_knowledge_from",
    "read_yaml",
]
