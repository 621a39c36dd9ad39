"""Scoring vignettes: the contract's measures, counted the contract's way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paintrace.evaluate import VignetteError, evaluate_dir


def write(folder: Path, name: str, triage: str, sources: list[str], drawing, findings=None):
    data = {
        "id": name,
        "drawing": drawing,
        "findings": findings or {},
        "expect": {"triage": triage, "sources": sources, "also_acceptable": []},
    }
    (folder / f"{name}.json").write_text(json.dumps(data))


def test_scores_count_under_and_over_triage(tmp_path):
    saddle = {"perineum": ["numbness"]}
    write(tmp_path, "a", "self-care", [], saddle)  # expected self-care, got emergency: over
    write(tmp_path, "b", "emergency", [], {"left.calf-upper": ["pain"]}, {"fever": True})  # under
    write(tmp_path, "c", "emergency", [], saddle)  # exact
    scores = evaluate_dir(tmp_path)
    assert scores.under_triage == 1
    assert scores.over_triage == pytest.approx(1 / 3)
    assert scores.triage_exact == pytest.approx(1 / 3)
    assert scores.ranked_cases == []


def test_top1_and_top3(tmp_path):
    drawing = {
        "right.buttock-center": ["pain"],
        "right.sacroiliac": ["pain"],
        "right.thigh-posterior-upper": ["pain"],
    }
    findings = {"hip-rotation-reproduces-buttock-pain": True, "worse-sitting": True}
    write(tmp_path, "p", "self-care", ["piriformis"], drawing, findings)
    write(tmp_path, "q", "self-care", ["tibialis-anterior"], drawing, findings)
    scores = evaluate_dir(tmp_path)
    assert scores.top1 == pytest.approx(0.5)
    assert scores.top3 == pytest.approx(0.5)


def test_an_empty_or_foreign_folder_is_an_error(tmp_path):
    with pytest.raises(VignetteError):
        evaluate_dir(tmp_path)
    (tmp_path / "x.json").write_text("[]")
    with pytest.raises(VignetteError, match="not a vignette"):
        evaluate_dir(tmp_path)


CALF = '"drawing": {"left.calf-upper": ["pain"]}'


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[" * 100_000, "nested more than"),
        ("9" * 5000, "number too large"),
        (
            "{" + CALF + ', "expect": {"triage": "self-care"}, '
            '"findings": {"fever": true, "fever": false}}',
            "duplicate key",
        ),
        ("{" + CALF + ', "expect": {}}', "expect.triage"),
        (" " * 1_100_000 + "{}", "larger than"),
    ],
    ids=["deep", "huge-int", "duplicate", "no-triage", "too-big"],
)
def test_a_bad_vignette_file_is_a_vignette_error(tmp_path, text, needle):
    """`paintrace evaluate` reads any folder it is given: as strictly as an assessment."""
    (tmp_path / "x.json").write_text(text)
    with pytest.raises(VignetteError, match=needle):
        evaluate_dir(tmp_path)


def test_calibration_bins_and_brier(tmp_path):
    drawing = {
        "right.buttock-center": ["pain"],
        "right.sacroiliac": ["pain"],
        "right.thigh-posterior-upper": ["pain"],
    }
    findings = {"hip-rotation-reproduces-buttock-pain": True, "worse-sitting": True}
    write(tmp_path, "p", "self-care", ["piriformis"], drawing, findings)
    write(tmp_path, "q", "self-care", ["tibialis-anterior"], drawing, findings)
    scores = evaluate_dir(tmp_path)
    cal = scores.calibration(bins=5)
    assert sum(b["cases"] for b in cal["bins"]) == 2
    p = scores.cases[0].top_probability
    # Both cases predict the same first source with probability p; one is right, one wrong.
    assert cal["brier"] == pytest.approx(((p - 1) ** 2 + p**2) / 2, abs=1e-3)
    full = next(b for b in cal["bins"] if b["cases"] == 2)
    assert full["observed"] == 0.5


def test_sparsify_keeps_the_most_telling_regions():
    from paintrace.evaluate import sparsify
    from paintrace.knowledge import load_knowledge

    kb = load_knowledge()
    data = {
        "drawing": {
            "left.buttock-center": ["pain"],
            "left.thigh-anterolateral": ["burning"],
            "left.thigh-posterior-upper": ["pain"],
        }
    }
    one = sparsify(data, 1, kb)["drawing"]
    assert list(one) == ["left.thigh-anterolateral"]  # few sources refer there, and it burns
    assert len(sparsify(data, 2, kb)["drawing"]) == 2
    assert sparsify(data, 5, kb)["drawing"] == data["drawing"]


def test_robustness_reports_each_sparsity(tmp_path):
    from paintrace.evaluate import robustness

    drawing = {
        "right.buttock-center": ["pain"],
        "right.sacroiliac": ["pain"],
        "right.thigh-posterior-upper": ["pain"],
    }
    write(tmp_path, "p", "self-care", ["piriformis"], drawing, {"worse-sitting": True})
    report = robustness(tmp_path)
    assert list(report) == ["all regions", "3 most specific", "2 most specific", "1 most specific"]
    assert all(0.0 <= v <= 1.0 for v in report.values())
