"""Check-ins and activity ratings: what is accepted, and what is refused with the field named."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from paintrace.errors import InputError
from paintrace.journal import RESCREEN, CheckIn, parse_activity, parse_checkin
from paintrace.knowledge import load_knowledge
from paintrace.triage import triage

KB = load_knowledge()
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_a_minimal_check_in_needs_only_the_two_pain_ratings():
    c = parse_checkin({"leg_pain": 6, "back_pain": 2}, KB, now=NOW)
    assert isinstance(c, CheckIn)
    assert (c.leg_pain, c.back_pain, c.at, c.note) == (6, 2, NOW, "")
    assert c.did_plan is None and c.warning_signs == []


def test_a_full_check_in_round_trips():
    data = {
        "at": "2026-12-03T08:30:00+01:00",
        "leg_pain": 5,
        "back_pain": 3,
        "note": "walked the dog",
        "regions": {"right.buttock-center": 6, "right.thigh-posterior-upper": 3},
        "massaged": ["piriformis"],
        "stretched": ["piriformis", "gluteus-minimus"],
        "minutes": 15,
        "felt_after": "better",
        "sleep_disturbed": False,
        "red_flags": {"saddle-numbness": False},
        "new_numbness": False,
        "new_weakness": None,
    }
    c = parse_checkin(data, KB, now=NOW)
    assert c.at == datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
    again = parse_checkin(c.to_dict(), KB, now=NOW)
    assert again == c


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"back_pain": 2}, "leg_pain"),
        ({"leg_pain": 11, "back_pain": 2}, "leg_pain"),
        ({"leg_pain": True, "back_pain": 2}, "leg_pain"),
        ({"leg_pain": 3, "back_pain": "2"}, "back_pain"),
        ({"leg_pain": 3, "back_pain": 2, "at": "2030-01-01T00:00:00Z"}, "at"),
        ({"leg_pain": 3, "back_pain": 2, "at": "yesterday"}, "at"),
        ({"leg_pain": 3, "back_pain": 2, "regions": {"left.elbow": 3}}, "regions.left.elbow"),
        ({"leg_pain": 3, "back_pain": 2, "regions": {"left.calf-upper": 0}}, "regions"),
        ({"leg_pain": 3, "back_pain": 2, "massaged": ["l5-root"]}, "massaged.l5-root"),
        ({"leg_pain": 3, "back_pain": 2, "felt_after": "great"}, "felt_after"),
        ({"leg_pain": 3, "back_pain": 2, "red_flags": {"smoker": True}}, "red_flags.smoker"),
        ({"leg_pain": 3, "back_pain": 2, "minutes": -1}, "minutes"),
        ({"leg_pain": 3, "back_pain": 2, "note": "x" * 3000}, "note"),
        ({"leg_pain": 3, "back_pain": 2, "mood": 3}, "mood"),
        ([1, 2], "(root)"),
    ],
)
def test_bad_check_ins_name_the_field(data, field):
    with pytest.raises(InputError) as err:
        parse_checkin(data, KB, now=NOW)
    assert err.value.field.startswith(field)


def test_minutes_left_out_stay_unknown_not_zero():
    """A blank "minutes" is not "I did nothing": it stays unknown through the round trip."""
    for data in ({"leg_pain": 3, "back_pain": 2}, {"leg_pain": 3, "back_pain": 2, "minutes": None}):
        c = parse_checkin(data, KB, now=NOW)
        assert c.minutes is None
        assert parse_checkin(c.to_dict(), KB, now=NOW).minutes is None
    assert parse_checkin({"leg_pain": 3, "back_pain": 2, "minutes": 0}, KB, now=NOW).minutes == 0


def test_a_partial_check_in_is_for_changes():
    assert parse_checkin({"note": "typo"}, KB, now=NOW, partial=True) == {"note": "typo"}


def test_a_change_can_take_an_answer_back_to_unknown():
    taken_back = {"felt_after": None, "minutes": None, "sleep_disturbed": None}
    assert parse_checkin(taken_back, KB, now=NOW, partial=True) == taken_back


def test_every_rescreen_question_alone_changes_triage():
    for fid in RESCREEN:
        assert KB.findings[fid].group == "red-flag"
        assert triage(KB, {"left.calf-upper": ["pain"]}, {fid: True}).level != "self-care", fid


def test_activity_ratings_are_weekly_and_bounded():
    r = parse_activity({"activity": " sitting through a film ", "score": 4, "week": "2026-12-03"})
    assert (r.activity, r.week, r.score) == ("sitting through a film", date(2026, 11, 30), 4)
    with pytest.raises(InputError, match="score"):
        parse_activity({"activity": "walking", "score": 12})
    with pytest.raises(InputError, match="activity"):
        parse_activity({"activity": "", "score": 3})


def test_a_nul_character_in_free_text_is_bad_input():
    """PostgreSQL's text columns cannot hold one; it is refused before it gets there."""
    with pytest.raises(InputError) as info:
        parse_checkin({"leg_pain": 3, "back_pain": 2, "note": "a\x00b"}, KB, now=NOW)
    assert info.value.field == "note"
    with pytest.raises(InputError) as info:
        parse_activity({"activity": "walk\x00ing", "score": 3}, now=NOW)
    assert info.value.field == "activity"
