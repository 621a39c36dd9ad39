"""The handout's own words: doses, tools and today's steps as a person reads them, in the HTML
and in the terminal's Markdown (the plan's content is tested in tests/test_plan.py)."""

from __future__ import annotations

from paintrace.assessment import assess
from paintrace.handout import render_plan_html, render_plan_markdown
from paintrace.knowledge import load_knowledge

KB = load_knowledge()
NO_FLAGS = {f.id: False for f in KB.findings.values() if f.group == "red-flag"}
PIRIFORMIS = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
FINDINGS = {**NO_FLAGS, "worse-sitting": True, "hip-rotation-reproduces-buttock-pain": True}


def _plan(**changes):
    plan = assess(PIRIFORMIS, FINDINGS).to_dict()["plan"]
    muscle = plan["muscles"][0]
    muscle["massage"] = {**muscle["massage"], **changes}
    return plan


def test_doses_say_once_and_twice_and_count_points_in_words():
    plan = _plan(points_today=1, sessions_per_day=2)
    stretch = plan["muscles"][0]["stretches"][0]
    for text in (render_plan_html(plan), render_plan_markdown(plan)):
        assert "time(s)" not in text
        assert "seconds, 1 point, twice a day, " in text
    markdown = render_plan_markdown(plan)
    assert f"Hold {stretch['hold_seconds']} seconds, " in markdown
    assert " a day." in markdown and " 2 a day" not in markdown


def test_tools_are_named_in_words_not_by_their_id():
    html = render_plan_html(_plan())
    assert "<b>A tennis ball</b>: " in html
    assert "<b>tennis-ball</b>" not in html


def test_stop_signs_are_a_list_not_sentences_joined_by_semicolons():
    plan = _plan()
    markdown = render_plan_markdown(plan)
    stop_if = plan["muscles"][0]["massage"]["stop_if"]
    assert ".;" not in markdown
    assert "Stop if:\n\n" + "\n".join(f"- {item}" for item in stop_if) in markdown


def test_todays_steps_read_as_sentences():
    plan = _plan()
    first = plan["schedule"]["steps"][0]
    line = f"1. Massage: {first['name']}, right side, {first['seconds']} seconds."
    assert line in render_plan_markdown(plan).splitlines()
