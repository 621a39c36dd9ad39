"""The entry point: validation that names the bad field, and the contract JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paintrace.assessment import (
    InputError,
    add_plan,
    assess,
    assess_input,
    assess_payload,
    parse_input,
    refuse_null_objects,
)

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "(root)"),
        ({"drawing": {"left.elbow": ["pain"]}}, "drawing.left.elbow"),
        ({"drawing": {"left.calf-upper": ["itching"]}}, "drawing.left.calf-upper"),
        ({"drawing": {"left.calf-upper": []}}, "drawing.left.calf-upper"),
        ({"drawing": {}, "findings": {}}, "drawing"),
        ({"drawing": {"perineum": ["pain"]}, "findings": {"fevr": True}}, "findings.fevr"),
        ({"drawing": {"perineum": ["pain"]}, "findings": {"fever": "yes"}}, "findings.fever"),
        ({"drawing": {"perineum": ["pain"]}, "patient": {"age": -3}}, "patient.age"),
        ({"drawing": {"perineum": ["pain"]}, "patient": {"sex": "x"}}, "patient.sex"),
        ({"drawing": {"perineum": ["pain"]}, "finding": {}}, "finding"),
        ({"drawing": ["left.calf-upper"]}, "drawing"),
        ({"drawing": 0}, "drawing"),
        ({"drawing": {"perineum": ["pain"]}, "findings": []}, "findings"),
        ({"drawing": {"perineum": ["pain"]}, "patient": False}, "patient"),
        ({"drawing": {"perineum": ["pain"]}, "patient": {"age": 46.5}}, "patient.age"),
    ],
)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(InputError) as info:
        parse_input(data)
    assert info.value.field == field


def test_whole_number_ages_may_be_written_as_floats():
    assert (
        parse_input({"drawing": {"perineum": ["pain"]}, "patient": {"age": 46.0}}).patient.age == 46
    )


@pytest.mark.parametrize("field", ["drawing", "findings"])
def test_input_from_outside_may_not_send_null_for_an_object(field):
    data = {"drawing": {"perineum": ["pain"]}, "findings": {"fever": False}, field: None}
    parse_input(data)  # the app's own stored data may hold it: read as empty
    with pytest.raises(InputError) as info:
        refuse_null_objects(data)
    assert (info.value.field, info.value.kind) == (field, "object_type")
    refuse_null_objects({"drawing": {"perineum": ["pain"]}, "patient": None})  # patient may be


def test_null_finding_means_unknown():
    inp = parse_input({"drawing": {"perineum": ["pain"]}, "findings": {"fever": None}})
    assert "fever" not in inp.findings


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_output_follows_the_contract(path):
    out = assess_payload(json.loads(path.read_text()))
    assert set(out) == {"triage", "sources", "next_question", "plan"}
    assert out["triage"]["level"] in ("emergency", "urgent", "soon", "self-care")
    assert all({"finding", "text"} <= set(r) for r in out["triage"]["reasons"])
    probs = [s["probability"] for s in out["sources"]]
    assert probs == sorted(probs, reverse=True)
    assert all(p > 0.01 for p in probs)
    assert sum(probs) <= 1.0 + 1e-6
    for s in out["sources"]:
        assert s["kind"] in ("muscle", "nerve_root", "condition")
        assert isinstance(s["why"], list)
    if out["next_question"] is not None:
        assert {"finding", "text"} <= set(out["next_question"])
    if out["triage"]["level"] in ("emergency", "urgent"):
        assert out["plan"] is None
    json.dumps(out)  # plain JSON


@pytest.mark.parametrize("path", VIGNETTES[:20], ids=lambda p: p.stem)
def test_without_the_plan_everything_else_is_the_same(path):
    """The interview's step leaves the plan out; the rest must not change with it."""
    case = json.loads(path.read_text())
    inp = parse_input({k: case[k] for k in ("drawing", "findings", "patient") if k in case})
    full = assess_input(inp).to_dict()
    lean_result = assess_input(inp, with_plan=False)
    lean = lean_result.to_dict()
    assert lean["plan"] is None
    assert {k: v for k, v in lean.items() if k != "plan"} == {
        k: v for k, v in full.items() if k != "plan"
    }
    assert add_plan(lean_result).to_dict() == full


def test_no_plan_at_emergency_or_urgent():
    assert assess({"perineum": ["numbness"]}).plan is None
    assert assess({"left.calf-upper": ["pain"]}, {"calf-swelling-warmth": True}).plan is None


def test_a_self_care_plan_lists_the_implicated_muscles():
    result = assess(
        {
            "right.buttock-center": ["pain"],
            "right.sacroiliac": ["pain"],
            "right.thigh-posterior-upper": ["pain"],
        },
        {"worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True},
    )
    assert result.plan is not None
    assert result.plan["muscles"][0]["id"] == "piriformis"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"id": 10**40}, "id"),
        ({"summary": ["not", "text"]}, "summary"),
        ({"expect": {"triage": "later"}}, "expect.triage"),
        ({"expect": {"sources": None}}, "expect.sources"),
        ({"expect": {"grade": 3}}, "expect.grade"),
    ],
)
def test_labels_the_engine_ignores_must_still_match_the_vignette_format(extra, field):
    from paintrace.assessment import InputError, parse_input

    with pytest.raises(InputError) as err:
        parse_input({"drawing": {"left.calf-upper": ["pain"]}, **extra})
    assert err.value.field == field
