"""The journal as a FHIR R4 Bundle a clinic's system can read.

The person appears as a pseudonymous Patient (no name, no contact, only a random identifier).
Each check-in becomes Observations of pain severity on the 0-10 numeric scale (LOINC 72514-3)
for the leg and the back, one Observation per body region marked that day with the region as
SNOMED CT body site and its laterality as a component, and the whole check-in as a
QuestionnaireResponse to the Questionnaire that is part of the Bundle. Weekly activity ratings
are Observations with the activity's name as text. The codes live in ``knowledge/fhir.yaml``.

Times (``effectiveDateTime``, ``authored``) carry the person's UTC offset, such as
``2026-03-02T18:00:00+11:00``: FHIR asks for an offset on every time, the instant is the same
as in UTC, and a clinician reads the clock time the person lived (pain at 3 in the morning) and
the day it counts for without converting. The resources' ids are made from the UTC time, so
they stay the same when the person changes zone and exports again. With the default zone, UTC,
the Bundle is exactly what it was before zones.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from paintrace.journal import RESCREEN, ActivityRating, CheckIn
from paintrace.knowledge.schema import Knowledge, knowledge_root, read_yaml
from paintrace.zones import local_time

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
QUESTIONNAIRE_URL = "https://paintrace.org/fhir/Questionnaire/check-in"
QUESTIONNAIRE_VERSION = "1"
_NS = uuid.UUID("6f1d3f0e-3b2a-4c55-9d53-3c3f1f7a2a10")


@functools.cache
def _codes() -> dict[str, Any]:
    data = read_yaml(knowledge_root() / "fhir.yaml")
    assert isinstance(data, dict)
    return data


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(parts))}"


def _coding(system: str, entry: Mapping[str, str]) -> dict[str, str]:
    return {"system": system, "code": entry["code"], "display": entry["display"]}


def _pain_observation(
    full_url: str, patient: str, at: datetime, value: int, site: Mapping[str, str], text: str
) -> dict[str, Any]:
    pain = _codes()["pain_severity"]
    return {
        "fullUrl": full_url,
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "survey",
                            "display": "Survey",
                        }
                    ]
                }
            ],
            "code": {"coding": [_coding(LOINC, pain)], "text": pain["display"]},
            "subject": {"reference": patient},
            "effectiveDateTime": at.isoformat(),
            "valueInteger": value,
            "bodySite": {"coding": [_coding(SNOMED, site)], "text": text},
        },
    }


def questionnaire(knowledge: Knowledge) -> dict[str, Any]:
    """The check-in's questions as a FHIR Questionnaire (the app's own wording)."""
    items: list[dict[str, Any]] = [
        {"linkId": "leg_pain", "text": "Leg pain now, 0 (none) to 10 (worst)", "type": "integer"},
        {"linkId": "back_pain", "text": "Back pain now, 0 (none) to 10 (worst)", "type": "integer"},
        {"linkId": "minutes", "text": "Minutes spent on the plan today", "type": "integer"},
        {
            "linkId": "felt_after",
            "text": "How did it feel right after?",
            "type": "choice",
            "answerOption": [{"valueString": v} for v in ("better", "same", "worse")],
        },
        {"linkId": "sleep_disturbed", "text": "Did the pain wake you?", "type": "boolean"},
        {"linkId": "new_numbness", "text": "Any new numbness?", "type": "boolean"},
        {"linkId": "new_weakness", "text": "Any new weakness?", "type": "boolean"},
    ]
    items += [
        {"linkId": f"red-flag.{fid}", "text": knowledge.findings[fid].question, "type": "boolean"}
        for fid in RESCREEN
    ]
    items.append({"linkId": "note", "text": "Note", "type": "text"})
    return {
        "resourceType": "Questionnaire",
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "PaintraceCheckIn",
        "title": "paintrace daily check-in",
        "status": "active",
        "item": items,
    }


def _response(c: CheckIn, patient: str, full_url: str, tz: tzinfo) -> dict[str, Any]:
    answers: list[tuple[str, dict[str, Any]]] = [
        ("leg_pain", {"valueInteger": c.leg_pain}),
        ("back_pain", {"valueInteger": c.back_pain}),
    ]
    if c.minutes is not None:
        answers.append(("minutes", {"valueInteger": c.minutes}))
    if c.felt_after:
        answers.append(("felt_after", {"valueString": c.felt_after}))
    for key in ("sleep_disturbed", "new_numbness", "new_weakness"):
        value = getattr(c, key)
        if value is not None:
            answers.append((key, {"valueBoolean": value}))
    for fid, value in c.red_flags.items():
        answers.append((f"red-flag.{fid}", {"valueBoolean": value}))
    if c.note:
        answers.append(("note", {"valueString": c.note}))
    return {
        "fullUrl": full_url,
        "resource": {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": f"{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}",
            "status": "completed",
            "subject": {"reference": patient},
            "authored": local_time(c.at, tz).isoformat(),
            "item": [{"linkId": link, "answer": [value]} for link, value in answers],
        },
    }


def fhir_bundle(
    pseudonym: str,
    checkins: Iterable[CheckIn],
    activities: Iterable[ActivityRating] = (),
    knowledge: Knowledge | None = None,
    now: datetime | None = None,
    tz: tzinfo = UTC,
) -> dict[str, Any]:
    """A `collection` Bundle: Patient, Questionnaire, then per check-in its observations and
    its QuestionnaireResponse, then the activity ratings. `tz`: the person's zone (module doc)."""
    from paintrace.knowledge import load_knowledge

    kb = knowledge or load_knowledge()
    codes = _codes()
    now = now or datetime.now(UTC)
    patient = _urn(pseudonym, "patient")
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": patient,
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": "https://paintrace.org/pseudonym", "value": pseudonym}],
            },
        },
        {"fullUrl": _urn(pseudonym, "questionnaire"), "resource": questionnaire(kb)},
    ]
    laterality = codes["laterality"]
    for c in sorted(checkins, key=lambda c: c.at):
        stamp = c.at.isoformat()  # the ids' seed: UTC, whatever the zone
        at = local_time(c.at, tz)
        entries.append(
            _pain_observation(
                _urn(pseudonym, stamp, "leg"),
                patient,
                at,
                c.leg_pain,
                codes["leg"],
                "leg (the painful one)",
            )
        )
        entries.append(
            _pain_observation(
                _urn(pseudonym, stamp, "back"),
                patient,
                at,
                c.back_pain,
                codes["back"],
                "low back",
            )
        )
        for rid, intensity in sorted(c.regions.items()):
            region = kb.regions[rid]
            site = codes["regions"][region.base]
            obs = _pain_observation(
                _urn(pseudonym, stamp, rid),
                patient,
                at,
                intensity,
                site,
                kb.region_name(rid),
            )
            if region.side is not None:
                obs["resource"]["component"] = [
                    {
                        "code": {"coding": [_coding(SNOMED, laterality["attribute"])]},
                        "valueCodeableConcept": {
                            "coding": [_coding(SNOMED, laterality[region.side])]
                        },
                    }
                ]
            entries.append(obs)
        entries.append(_response(c, patient, _urn(pseudonym, stamp, "response"), tz))
    for a in sorted(activities, key=lambda a: (a.week, a.activity)):
        entries.append(
            {
                "fullUrl": _urn(pseudonym, a.week.isoformat(), a.activity),
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": f"Activity rating (0 cannot do, 10 as before): {a.activity}"},
                    "subject": {"reference": patient},
                    "effectiveDateTime": a.week.isoformat(),
                    "valueInteger": a.score,
                },
            }
        )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": entries,
    }
