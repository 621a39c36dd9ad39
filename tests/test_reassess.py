"""Reassessment from made-up journals: relief raises the worked muscle, warning signs escalate,
and two weeks without an important change send the person to a professional."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from paintrace.assessment import assess
from paintrace.journal import RESCREEN, CheckIn
from paintrace.knowledge import load_knowledge
from paintrace.knowledge.schema import LEVELS
from paintrace.reassess import reassess, update_sources

KB = load_knowledge()
T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
NO_FLAGS = {f.id: False for f in KB.findings.values() if f.group == "red-flag"}
DRAWING = {
    "right.buttock-center": ["pain"],
    "right.sacroiliac": ["pain"],
    "right.thigh-posterior-upper": ["pain"],
}
INPUT = {"drawing": DRAWING, "findings": {**NO_FLAGS, "worse-sitting": True}, "patient": {}}
RESULT = assess(DRAWING, INPUT["findings"]).to_dict()
SAVED = {"input": INPUT, "result": RESULT}
TOP_MUSCLE = next(s["id"] for s in RESULT["sources"] if s["kind"] == "muscle")


def journal(pains, **kw):
    return [CheckIn(T0 + timedelta(days=i), p, 2, **kw) for i, p in enumerate(pains)]


def prob(update, sid):
    return next(s.after for s in update if s.id == sid)


def test_no_journal_is_no_data_and_changes_nothing():
    r = reassess(KB, SAVED, [], now=T0)
    assert r.status == "no-data" and not r.see_professional and not r.plan_paused
    assert [s.id for s in r.sources] == [s["id"] for s in RESULT["sources"]]


def test_relief_after_massage_raises_the_muscle():
    days = journal([6, 5, 5, 4], massaged=(TOP_MUSCLE,), felt_after="better")
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=4))
    before = next(s for s in r.sources if s.id == TOP_MUSCLE)
    assert before.after > before.before
    assert before.reason and "better" in before.reason


def test_consistent_work_without_relief_lowers_the_muscle():
    days = journal([6] * 8, massaged=(TOP_MUSCLE,), felt_after="same")
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=8))
    update = next(s for s in r.sources if s.id == TOP_MUSCLE)
    assert update.after < update.before
    assert "no relief" in (update.reason or "")


def test_muscles_that_brought_no_relief_are_named_in_a_sentence():
    days = journal([6] * 8, massaged=("piriformis", "gluteus-minimus"), felt_after="same")
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=8))
    lowered = [s.id for s in r.sources if s.reason and s.after < s.before]
    assert sorted(lowered) == ["gluteus-minimus", "piriformis"]
    said = next(a for a in r.advice if a.startswith("Working on the "))
    names = [KB.sources[sid].name.lower() for sid in lowered]
    assert said == (
        f"Working on the {names[0]} and {names[1]} has not brought relief so far, so they are "
        "less likely to be the source."
    )
    one = reassess(
        KB,
        SAVED,
        journal([6] * 8, massaged=("piriformis",), felt_after="same"),
        now=T0 + timedelta(days=8),
    )
    assert "so it is less likely to be the source." in " ".join(one.advice)


def test_unrated_work_is_not_read_as_no_relief():
    """Massaged on many days, "how did it feel" left blank each time: nothing is known about
    relief, so no reason and no advice claims there was none."""
    days = journal([6] * 8, massaged=(TOP_MUSCLE,))
    other = next(
        s["id"] for s in RESULT["sources"] if s["kind"] == "muscle" and s["id"] != TOP_MUSCLE
    )
    days += journal([6] * 2, massaged=(other,), felt_after="better")
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=10))
    update = next(s for s in r.sources if s.id == TOP_MUSCLE)
    assert update.worked_days == 8 and update.not_better_days == 0
    assert update.reason is None
    assert not any("not brought relief" in a for a in r.advice)


def test_a_journal_left_for_weeks_is_stale_not_a_verdict():
    """Three check-ins, then nothing for a month: the page cannot say the pain has or has not
    fallen; it says when the last check-in was and asks for a new one."""
    for pains in ([5, 5, 5], [7, 4, 3]):
        r = reassess(KB, SAVED, journal(pains), now=T0 + timedelta(days=30))
        assert r.status == "stale", pains
        assert r.last_checkin == (T0 + timedelta(days=2)).date()
        assert not any("has not fallen" in a or "Keep going" in a for a in r.advice)
        assert any("last check-in was 28 days ago" in a for a in r.advice)
        assert r.see_professional  # a month on, unknown how it is: the review still stands
    # a clearly worse last check-in is not hidden by the gap
    assert reassess(KB, SAVED, journal([3, 6, 8]), now=T0 + timedelta(days=30)).status == "worse"
    # a week is not stale
    assert reassess(KB, SAVED, journal([7, 4, 3]), now=T0 + timedelta(days=9)).status == "improving"


def test_fourteen_days_without_the_important_change_means_see_a_professional():
    days = journal([6, 6, 5, 6, 6, 5, 6, 6, 6, 5, 6, 6, 6, 6, 6])
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=15))
    assert r.status == "unchanged" and r.see_professional
    assert any("2 points or 30 %" in a for a in r.advice)


def test_an_important_improvement_is_recognised():
    days = journal([7, 6, 5, 4, 4, 3])
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=6))
    assert r.status == "improving" and not r.see_professional
    assert r.target == 5.0


def test_the_assessment_pain_is_the_baseline_when_given():
    days = journal([5, 5, 5])
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=3), assessment_pain=8)
    assert r.baseline == 8 and r.status == "improving"


def test_new_numbness_or_weakness_is_seen_soon():
    days = [*journal([5, 5]), CheckIn(T0 + timedelta(days=2), 5, 2, new_numbness=True)]
    r = reassess(KB, SAVED, days, now=T0 + timedelta(days=3))
    assert r.level == "soon" and r.see_professional
    assert any(x["rule"] == "new-numbness" for x in r.reasons)


pains = st.lists(st.integers(0, 10), min_size=1, max_size=20)
felt = st.sampled_from(["better", "same", "worse"])


@settings(max_examples=150, deadline=None)
@given(pains, st.lists(felt, min_size=1, max_size=20), st.integers(0, 19))
def test_more_relief_never_lowers_the_worked_muscle(pain_list, felts, flip):
    checkins = [
        CheckIn(
            T0 + timedelta(days=i),
            pain_list[i % len(pain_list)],
            2,
            massaged=(TOP_MUSCLE,),
            felt_after=f,
        )
        for i, f in enumerate(felts)
    ]
    i = flip % len(checkins)
    more = list(checkins)
    more[i] = CheckIn(
        checkins[i].at, checkins[i].leg_pain, 2, massaged=(TOP_MUSCLE,), felt_after="better"
    )
    before = prob(update_sources(RESULT["sources"], checkins), TOP_MUSCLE)
    after = prob(update_sources(RESULT["sources"], more), TOP_MUSCLE)
    assert after >= before - 1e-12
    extra = [
        *checkins,
        CheckIn(T0 + timedelta(days=30), 3, 2, massaged=(TOP_MUSCLE,), felt_after="better"),
    ]
    assert prob(update_sources(RESULT["sources"], extra), TOP_MUSCLE) >= before - 1e-12


@settings(max_examples=150, deadline=None)
@given(pains, st.sampled_from(RESCREEN), st.integers(0, 19))
def test_a_new_red_flag_always_escalates_and_pauses_the_plan(pain_list, flag, when):
    checkins = journal(pain_list)
    before = reassess(KB, SAVED, checkins, now=T0 + timedelta(days=21))
    i = when % len(checkins)
    flagged = list(checkins)
    flagged[i] = CheckIn(checkins[i].at, checkins[i].leg_pain, 2, red_flags={flag: True})
    after = reassess(KB, SAVED, flagged, now=T0 + timedelta(days=21))
    assert LEVELS.index(after.level) < LEVELS.index(RESULT["triage"]["level"])
    assert LEVELS.index(after.level) <= LEVELS.index(before.level)
    assert after.plan_paused and after.see_professional
