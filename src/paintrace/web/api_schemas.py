"""Pydantic shapes of the API, for the OpenAPI document.

The request models describe the contract input but do not validate it: the core's
``parse_input`` does, so the API accepts and rejects exactly what the CLI does. The id enums are
read from the knowledge base so that clients (and schemathesis) see the real region and finding
ids. Output models allow extra keys: the core may add a field without the API dropping it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import LEVELS, SYMPTOMS

_kb = load_knowledge()

RegionId = Literal[tuple(_kb.regions)]  # type: ignore[valid-type]
FindingId = Literal[tuple(_kb.findings)]  # type: ignore[valid-type]
SourceId = Literal[tuple(_kb.sources)]  # type: ignore[valid-type]
Symptom = Literal[tuple(SYMPTOMS)]  # type: ignore[valid-type]
Level = Literal[tuple(LEVELS)]  # type: ignore[valid-type]
Kind = Literal["muscle", "nerve_root", "condition"]


class _Closed(Schema):
    model_config = ConfigDict(extra="forbid")


class _Open(Schema):
    model_config = ConfigDict(extra="allow")


# ------------------------------------------------------------------------------ input


class PatientIn(_Closed):
    age: Annotated[int, Field(ge=0, le=120)] | None = Field(None, description="years")
    sex: Literal["female", "male", "other"] | None = None


class ExpectIn(_Closed):
    """What a test case expects (the vignette format); the engine never reads it."""

    triage: Level | None = None
    sources: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=40)
    also_acceptable: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list, max_length=40
    )


class InterviewIn(_Closed):
    """What is known so far: a pain drawing and answers, both possibly empty."""

    drawing: dict[RegionId, Annotated[list[Symptom], Field(min_length=1)] | Symptom] = Field(
        default_factory=dict,
        description="region id -> symptom types marked there (see GET /api/knowledge/regions)",
    )
    findings: dict[FindingId, bool | None] = Field(
        default_factory=dict,
        description="finding id -> true, false, or null for unknown (GET /api/knowledge/findings)",
    )
    patient: PatientIn | None = None
    id: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="a label for your own use; ignored by the engine"
    )
    summary: Annotated[str, Field(max_length=4000)] | None = Field(
        None, description="free text; ignored by the engine"
    )
    expect: ExpectIn | None = Field(None, description="only in test cases (vignettes); ignored")


# The engine needs something to go on: a marked region, or a finding answered true or false.
_SOMETHING_KNOWN = {
    "anyOf": [
        {"required": ["drawing"], "properties": {"drawing": {"minProperties": 1}}},
        {
            "required": ["findings"],
            "properties": {
                "findings": {"minProperties": 1, "not": {"additionalProperties": {"type": "null"}}}
            },
        },
    ]
}


class AssessmentIn(InterviewIn):
    """A pain drawing and answers, as in the contract (tests/vignettes/*.json)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_SOMETHING_KNOWN)


# ----------------------------------------------------------------------------- output


class ReasonOut(_Open):
    finding: str | None
    text: str
    regions: list[str] | None = None
    rule: str
    level: Level


class SeriousCauseOut(_Open):
    id: str
    name: str


class TriageOut(_Open):
    level: Level
    title: str
    advice: str
    reasons: list[ReasonOut]
    unanswered: list[FindingId] = Field(
        description="warning-sign findings that apply and were not answered (null or "
        '"I don\'t know"); while any is listed, show them instead of the plan'
    )
    serious_causes: list[SeriousCauseOut] = Field(
        description="the serious causes behind the rules that fired, for a clinician"
    )


class RankedSourceOut(_Open):
    id: SourceId
    kind: Kind
    probability: float = Field(ge=0, le=1)
    why: list[str]
    why_not: list[str]


class QuestionOut(_Open):
    finding: FindingId
    text: str
    help: str
    why: str
    group: Literal["red-flag", "history", "pattern"]
    remaining: int = Field(ge=1, description="an estimate of the questions left, this one included")


class AssessmentOut(_Open):
    """The contract output: what ``paintrace assess --json`` prints."""

    triage: TriageOut
    sources: list[RankedSourceOut]
    next_question: QuestionOut | None
    plan: dict[str, Any] | None = Field(
        description="the self-care plan; null at the emergency and urgent levels. Show it only "
        "when triage.unanswered is empty: unknown is not no"
    )


class SavedAssessmentOut(AssessmentOut):
    id: str = Field(description="unguessable id: whoever holds it can read and delete")
    url: str = Field(description="the result page, e.g. /a/<id>/")


class StoredAssessmentOut(SavedAssessmentOut):
    created_at: datetime
    input: dict[str, Any] = Field(description="the input as saved (drawing, findings, patient)")


class InterviewOut(_Open):
    next_question: QuestionOut | None
    should_stop: bool = Field(description="true when there is nothing useful left to ask")
    triage: TriageOut
    sources: list[RankedSourceOut]


class ErrorItem(Schema):
    loc: list[str] = Field(description='where the problem is, e.g. ["body", "drawing", "x"]')
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ErrorItem]


class MessageOut(Schema):
    detail: str


# -------------------------------------------------------------------------- knowledge


class RegionOut(_Open):
    id: RegionId
    base: str
    side: Literal["left", "right"] | None
    name: str
    landmarks: str
    view: str
    below_knee: bool
    leg: bool


class SelfTestOut(_Open):
    steps: list[str]
    yes_means: str
    figure: str | None = None


class FindingOut(_Open):
    id: FindingId
    group: Literal["red-flag", "history", "pattern"]
    question: str
    help: str
    why: str
    said_yes: str
    said_no: str
    self_test: SelfTestOut | None = None
    derived_from_drawing: bool
    references: list[str]


class SourceSummaryOut(_Open):
    id: SourceId
    name: str
    kind: Kind
    description: str


class ZoneOut(Schema):
    region: str = Field(description="a base region id (no side), e.g. thigh-lateral")
    level: Literal["essential", "spillover"]


class TriggerPointOut(Schema):
    name: str
    region: str
    landmarks: str


class PortionOut(Schema):
    id: str
    name: str
    share: float
    zones: list[ZoneOut]
    trigger_points: list[TriggerPointOut]


class EvidenceOut(_Open):
    finding: str
    lr_pos: float
    lr_neg: float | None = None
    estimate: bool
    note: str | None = None
    references: list[str]


class ReferenceOut(Schema):
    key: str
    citation: str
    url: str | None = None


class RootPatternOut(Schema):
    motor: str
    reflex: str
    sensory: str


class SourceDetailOut(SourceSummaryOut):
    zones: list[ZoneOut] = Field(description="strongest referral level per region, all portions")
    portions: list[PortionOut]
    trigger_points: list[TriggerPointOut]
    evidence: list[EvidenceOut]
    root: RootPatternOut | None = None
    references: list[ReferenceOut]
