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
