"""The one entry point: a drawing, findings and a patient in; the contract's Result out.

Data flows one way: input is validated, triage runs on it alone, inference ranks the sources,
the interview picks the next question, and the plan is built only when triage allows self-care.
The CLI, the API and the web pages all call :func:`assess` and render the same Result.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from paintrace.errors import InputError, refuse_unknown
from paintrace.explain import explain
from paintrace.inference import Posterior, compiled_model, infer
from paintrace.interview import Question, next_question
from paintrace.knowledge import Knowledge, load_knowledge
from paintrace.knowledge.schema import LEVELS, SYMPTOMS
from paintrace.plan import build_plan
from paintrace.triage import TriageResult, triage

_INPUT_KEYS = {"drawing", "findings", "patient", "id", "summary", "expect"}
__all__ = ["AssessmentInput", "InputError", "Patient", "Result", "assess", "parse_input"]


@dataclass(frozen=True)
class Patient:
    age: int | None = None
    sex: str | None = None


@dataclass(frozen=True)
class AssessmentInput:
    drawing: dict[str, list[str]]
    findings: dict[str, bool]
    patient: Patient = field(default_factory=Patient)


@dataclass(frozen=True)
class RankedSource:
    id: str
    kind: str
    probability: float
    why: list[str]
    why_not: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "probability": round(self.probability, 4),
            "why": self.why,
            "why_not": self.why_not,
        }


@dataclass(frozen=True)
class Result:
    triage: TriageResult
    sources: list[RankedSource]
    next_question: Question | None
    plan: dict[str, Any] | None
    input: AssessmentInput

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON (see docs/api.md)."""
        return {
            "triage": {
                "level": self.triage.level,
                "title": self.triage.title,
                "advice": self.triage.advice,
                "reasons": [r.to_dict() for r in self.triage.reasons],
                "unanswered": list(self.triage.unanswered_red_flags),
                "serious_causes": [{"id": cid, "name": name} for cid, name in self.triage.causes],
            },
            "sources": [s.to_dict() for s in self.sources],
            "next_question": self.next_question.to_dict() if self.next_question else None,
            "plan": self.plan,
        }


def refuse_null_objects(data: Any) -> None:
    """Refuse ``"findings": null`` (and the same for the drawing) in input from outside.

    parse_input reads null there as empty, which suits the app's own stored data. From a person
    or a client, a null object is more likely a bug upstream than a wish to say nothing, and
    reading it as "no answers" would hide that. So the API and the CLI refuse it alike.
    """
    if isinstance(data, Mapping):
        for key in ("drawing", "findings"):
            if key in data and data[key] is None:
                raise InputError(
                    key, "expected an object, not null (leave the field out)", kind="object_type"
                )


def parse_outside_input(data: Any, *, allow_empty: bool = False) -> AssessmentInput:
    """parse_input for input from a person or a client (the API, the CLI): null objects too
    are refused."""
    refuse_null_objects(data)
    return parse_input(data, allow_empty=allow_empty)


def parse_input(
    data: Any, knowledge: Knowledge | None = None, *, allow_empty: bool = False
) -> AssessmentInput:
    """Validate a contract input object; raise InputError naming the first bad field."""
    kb = knowledge or load_knowledge()
    if not isinstance(data, Mapping):
        raise InputError("(root)", "expected a JSON object with 'drawing' and 'findings'")
    refuse_unknown(data, _INPUT_KEYS)
    _check_labels(data)
    raw_drawing = data.get("drawing", {})
    if raw_drawing is None:
        raw_drawing = {}
    if not isinstance(raw_drawing, Mapping):
        raise InputError("drawing", "expected an object mapping region ids to symptom lists")
    drawing: dict[str, list[str]] = {}
    for rid, symptoms in raw_drawing.items():
        where = f"drawing.{rid}"
        if rid not in kb.regions:
            raise InputError(where, "unknown region id (see `paintrace regions`)")
        if isinstance(symptoms, str):
            symptoms = [symptoms]
        if not isinstance(symptoms, Sequence) or not symptoms:
            raise InputError(where, f"expected a non-empty list of symptoms from {list(SYMPTOMS)}")
        for s in symptoms:
            if s not in SYMPTOMS:
                raise InputError(where, f"unknown symptom {s!r}; expected one of {list(SYMPTOMS)}")
        drawing[rid] = sorted(set(symptoms), key=SYMPTOMS.index)
    raw_findings = data.get("findings", {})
    if raw_findings is None:
        raw_findings = {}
    if not isinstance(raw_findings, Mapping):
        raise InputError("findings", "expected an object mapping finding ids to true or false")
    findings: dict[str, bool] = {}
    for fid, value in raw_findings.items():
        where = f"findings.{fid}"
        if fid not in kb.findings:
            raise InputError(where, "unknown finding id (see `paintrace findings`)")
        if value is None:
            continue  # explicitly unknown
        if not isinstance(value, bool):
            raise InputError(where, "expected true, false or null")
        findings[fid] = value
    if not drawing and not findings and not allow_empty:
        raise InputError("drawing", "the drawing is empty and no findings are given")
    raw_patient = data.get("patient", {})
    if raw_patient is None:
        raw_patient = {}
    if not isinstance(raw_patient, Mapping):
        raise InputError("patient", "expected an object with 'age' and 'sex'")
    refuse_unknown(raw_patient, ("age", "sex"), "patient.")
    age = raw_patient.get("age")
    if isinstance(age, float) and age.is_integer():
        age = int(age)  # 46.0 is a whole number in JSON
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120
    ):
        raise InputError("patient.age", "expected a whole number of years from 0 to 120")
    sex = raw_patient.get("sex")
    if sex is not None and sex not in ("female", "male", "other"):
        raise InputError("patient.sex", "expected 'female', 'male' or 'other'")
    return AssessmentInput(drawing, findings, Patient(age, sex))


def _check_labels(data: Mapping[str, Any]) -> None:
    """`id`, `summary` and `expect` are ignored by the engine but must still be what the
    vignette format says, so the API can document them exactly."""
    for key, limit in (("id", 200), ("summary", 4000)):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InputError(key, f"expected text of at most {limit} characters")
    expect = data.get("expect")
    if expect is None:
        return
    if not isinstance(expect, Mapping):
        raise InputError("expect", "expected an object with triage, sources, also_acceptable")
    refuse_unknown(expect, ("triage", "sources", "also_acceptable"), "expect.")
    if expect.get("triage") is not None and expect["triage"] not in LEVELS:
        raise InputError("expect.triage", f"expected one of {list(LEVELS)}")
    for key in ("sources", "also_acceptable"):
        items = expect.get(key, [])
        if not isinstance(items, list) or len(items) > 40:
            raise InputError(f"expect.{key}", "expected a list of at most 40 source ids")
        if not all(isinstance(i, str) and len(i) <= 80 for i in items):
            raise InputError(f"expect.{key}", "expected source ids as text")


def rank(
    posterior: Posterior, drawing: Mapping[str, Sequence[str]], findings: Mapping[str, bool]
) -> list[RankedSource]:
    kb = posterior.model.knowledge
    threshold = kb.model.report_threshold
    out = []
    for sid, prob in posterior.ranking():
        if round(prob, 4) <= threshold:  # as reported, after rounding
            break
        why, why_not = explain(posterior, sid, drawing, findings)
        out.append(RankedSource(sid, kb.sources[sid].kind, prob, why, why_not))
    return out


def assess_input(
    inp: AssessmentInput,
    knowledge: Knowledge | None = None,
    *,
    skip: Collection[str] = (),
    with_plan: bool = True,
) -> Result:
    """Assess one input. `skip`: questions answered "I don't know", never asked again.

    `with_plan` False leaves the plan out (None) for callers that show only the question, the
    triage and the ranking, such as ``POST /api/interview/next``: one step of an interview
    should not pay for a plan that nobody reads.
    """
    kb = knowledge or load_knowledge()
    age, sex = inp.patient.age, inp.patient.sex
    findings = kb.with_implied(inp.findings)  # answers plus what they imply
    tri = triage(kb, inp.drawing, findings, age, sex)
    posterior = infer(compiled_model(kb), inp.drawing, findings, age, sex)
    sources = rank(posterior, inp.drawing, findings)
    question = next_question(kb, posterior, inp.drawing, findings, tri, skip, sex)
    plan = build_plan(kb, tri, sources, inp.drawing, findings) if with_plan else None
    return Result(tri, sources, question, plan, inp)


def add_plan(result: Result, knowledge: Knowledge | None = None) -> Result:
    """The same result with its plan, for one worked out with ``with_plan=False``.

    The web interview assesses at every step but shows a plan only at the end: the plan is
    built from what the result already holds (the triage, the ranking, the input) instead of
    running the engine again.
    """
    kb = knowledge or load_knowledge()
    inp = result.input
    findings = kb.with_implied(inp.findings)
    plan = build_plan(kb, result.triage, result.sources, inp.drawing, findings)
    return replace(result, plan=plan)


def assess(
    drawing: Mapping[str, Sequence[str]],
    findings: Mapping[str, bool] | None = None,
    patient: Mapping[str, Any] | None = None,
    knowledge: Knowledge | None = None,
) -> Result:
    inp = parse_input(
        {
            "drawing": dict(drawing),
            "findings": dict(findings or {}),
            "patient": dict(patient or {}),
        },
        knowledge,
    )
    return assess_input(inp, knowledge)


def assess_payload(data: Any, knowledge: Knowledge | None = None) -> dict[str, Any]:
    """Contract input object in, contract output object out (raises InputError)."""
    return assess_input(parse_input(data, knowledge), knowledge).to_dict()
