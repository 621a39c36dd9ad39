"""Exports: CSV a spreadsheet reads safely, JSON that re-imports whole, FHIR R4 that validates,
charts as accessible SVG, and the plan as an iCalendar file."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paintrace.assessment import assess
from paintrace.calendar_ics import plan_calendar
from paintrace.charts import (
    COLOURS,
    activity_chart_svg,
    composite_svg,
    pain_chart_svg,
    region_intensities,
)
from paintrace.errors import InputError
from paintrace.exports import journal_csv, journal_json, parse_journal_json
from paintrace.fhir import _codes, fhir_bundle
from paintrace.journal import RESCREEN, ActivityRating, CheckIn
from paintrace.knowledge import load_knowledge
from paintrace.measures import daily

KB = load_knowledge()
T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
CHECKINS = [
    CheckIn(T0, 7, 3, regions={"right.buttock-center": 7}, note="=HYPERLINK(1)"),
    CheckIn(
        T0 + timedelta(days=1),
        6,
        2,
        regions={"right.buttock-center": 5, "lumbar-spine": 2},
        massaged=("piriformis",),
        stretched=("piriformis",),
        minutes=15,
        felt_after="better",
        sleep_disturbed=False,
        red_flags={"fever": False},
    ),
]
ACTIVITIES = [ActivityRating("sitting at work", date(2026, 10, 26), 3)]


def test_csv_has_a_row_per_check_in_and_no_formula_cells():
    text = journal_csv(CHECKINS, ACTIVITIES)
    lines = text.splitlines()
    assert lines[0].startswith("at,leg_pain,back_pain")
    assert len([ln for ln in lines if ln.startswith("2026-11")]) == 2
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    assert "sitting at work" in text


def test_unknown_minutes_are_a_blank_cell_and_no_fhir_answer():
    """Minutes nobody typed are not 0 minutes: the CSV leaves the cell empty, FHIR leaves out
    the answer (a clinician reading either must not see "did the plan for 0 minutes")."""
    unknown = CheckIn(T0, 5, 2)
    none_done = CheckIn(T0 + timedelta(days=1), 5, 2, minutes=0)
    rows = list(csv.DictReader(io.StringIO(journal_csv([unknown, none_done]))))
    assert [r["minutes"] for r in rows] == ["", "0"]
    bundle = fhir_bundle("pseudo-1", [unknown, none_done], now=T0)
    answers = [
        [item["linkId"] for item in e["resource"]["item"]]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert ["minutes" in ids for ids in answers] == [False, True]


def test_json_round_trip_keeps_everything():
    inp = {"drawing": {"right.buttock-center": ["pain"]}, "findings": {}, "patient": {"age": 40}}
    data = journal_json([{**inp, "pain": 7}], CHECKINS, ACTIVITIES)
    back = parse_journal_json(data, KB)
    assert back.checkins == sorted(CHECKINS, key=lambda c: c.at)
    assert back.activities == ACTIVITIES
    assert back.assessments == [{**inp, "pain": 7}]
    assert journal_json(back.assessments, back.checkins, back.activities) == data


def test_a_bad_import_names_the_item():
    data = journal_json([], CHECKINS)
    data["checkins"][1]["leg_pain"] = 42
    with pytest.raises(InputError) as err:
        parse_journal_json(data, KB)
    assert err.value.field == "checkins.1.leg_pain"
    with pytest.raises(InputError, match="format"):
        parse_journal_json({"checkins": []}, KB)


def test_an_import_with_a_misspelt_list_is_refused_not_read_as_empty():
    data = journal_json([], CHECKINS)
    data["checkin"] = data.pop("checkins")
    with pytest.raises(InputError) as err:
        parse_journal_json(data, KB)
    assert err.value.field == "checkin"
    data = journal_json([], [], [ActivityRating("walking", date(2026, 3, 2), 4)])
    data["activities"][0]["scor"] = 5
    with pytest.raises(InputError) as err:
        parse_journal_json(data, KB)
    assert err.value.field == "activities.0.scor"


checkin_strategy = st.builds(
    CheckIn,
    at=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
    ),
    leg_pain=st.integers(0, 10),
    back_pain=st.integers(0, 10),
    note=st.text(st.characters(exclude_characters="\x00"), max_size=40),  # NUL is refused
    regions=st.dictionaries(st.sampled_from(sorted(KB.regions)), st.integers(1, 10), max_size=4),
    massaged=st.lists(st.sampled_from(["piriformis", "gluteus-minimus"]), unique=True).map(tuple),
    minutes=st.none() | st.integers(0, 120),
    felt_after=st.none() | st.sampled_from(["better", "same", "worse"]),
    sleep_disturbed=st.none() | st.booleans(),
    red_flags=st.dictionaries(st.sampled_from(RESCREEN), st.booleans(), max_size=3),
    new_numbness=st.none() | st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(checkin_strategy, max_size=6, unique_by=lambda c: c.at))
def test_any_journal_survives_export_and_import(checkins):
    back = parse_journal_json(journal_json([], checkins, ACTIVITIES), KB)
    assert back.checkins == sorted(checkins, key=lambda c: c.at)


def test_fhir_bundle_validates_as_r4_with_loinc_snomed_and_laterality():
    from fhir.resources.R4B.bundle import Bundle

    bundle = fhir_bundle("pseudo-1", CHECKINS, ACTIVITIES, now=T0)
    parsed = Bundle.model_validate(bundle)
    kinds = [e.resource.get_resource_type() for e in parsed.entry]
    assert kinds.count("Patient") == 1 and kinds.count("Questionnaire") == 1
    assert kinds.count("QuestionnaireResponse") == len(CHECKINS)
    patient = bundle["entry"][0]["resource"]
    assert "name" not in patient and patient["identifier"][0]["value"] == "pseudo-1"
    pain = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation" and "coding" in e["resource"]["code"]
    ]
    assert all(o["code"]["coding"][0]["code"] == "72514-3" for o in pain)
    buttock = [o for o in pain if o["bodySite"]["coding"][0]["code"] == "46862004"]
    assert (
        buttock
        and buttock[0]["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "24028007"
    )  # right


def test_every_region_has_a_body_site_code():
    assert set(KB.base_regions) <= set(_codes()["regions"])


def test_charts_are_accessible_svg_with_the_important_change_line():
    svg = pain_chart_svg(daily(CHECKINS), target=5.0)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<desc" in svg
    assert "mic-line" in svg and "plan-day" in svg and "line-leg" in svg
    assert pain_chart_svg([]) == ""
    weekly = {"walking": [(date(2026, 10, 26), 3), (date(2026, 11, 2), 5)]}
    assert "walking" in activity_chart_svg(weekly)
    rows = region_intensities(CHECKINS)
    assert [r for r in rows if r[0] == "right.buttock-center"] == [
        ("right.buttock-center", 2, 6.0, 7)
    ]
    assert "zone-essential" in composite_svg(rows)
    assert "zone-" not in composite_svg([])


def test_each_chart_names_itself_with_its_own_ids():
    """The progress page shows several charts: shared ids would give the second one the first
    one's name and description."""
    pain = pain_chart_svg(daily(CHECKINS))
    activity = activity_chart_svg({"walking": [(date(2026, 10, 26), 3)]})
    ids: list[str] = []
    for svg in (pain, activity):
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg)
        assert labelled is not None
        own = re.findall(r'\bid="([^"]+)"', svg)
        assert labelled.group(1).split() == own  # the title, then the description
        ids += own
    assert len(ids) == len(set(ids)) == 4


def test_the_chart_counts_only_the_days_the_plan_was_recorded():
    days = daily([CheckIn(T0, 6, 2), CheckIn(T0 + timedelta(days=1), 5, 2, minutes=10)])
    svg = pain_chart_svg(days)
    assert "the plan was done on 1 day; on 1 of 2 days it was not recorded." in svg
    none_said = pain_chart_svg(daily([CheckIn(T0, 6, 2), CheckIn(T0 + timedelta(days=1), 5, 2)]))
    assert "whether the plan was done was not recorded" in none_said and "0 of" not in none_said
    said = pain_chart_svg(
        daily([CheckIn(T0, 6, 2, minutes=0), CheckIn(T0 + timedelta(days=1), 5, 2, minutes=10)])
    )
    assert "the plan was done on 1 of 2 days." in said


def test_lines_break_where_nothing_was_given():
    """Weeks 1 and 4 rated, 2 and 3 not: two dots, no line through values nobody gave; the
    text alternative says so. The pain line breaks the same way across a month of silence."""
    weekly = {"walking the dog": [(date(2026, 11, 2), 7), (date(2026, 11, 23), 3)]}
    svg = activity_chart_svg(weekly)
    assert "<polyline" not in svg and svg.count('class="line-activity-0"') == 2
    assert "(rated in 2 of 4 weeks)" in svg
    together = activity_chart_svg({"walking": [(date(2026, 11, 2), 7), (date(2026, 11, 9), 5)]})
    assert together.count("<polyline") == 1 and "rated in" not in together
    days = daily([CheckIn(T0 + timedelta(days=d), 6, 2) for d in (0, 1, 2, 30, 31)])
    assert pain_chart_svg(days).count('class="line-leg"') == 2


def test_region_intensities_give_days_mean_and_highest_most_often_first():
    assert region_intensities(CHECKINS) == [
        ("right.buttock-center", 2, 6.0, 7),
        ("lumbar-spine", 1, 2.0, 2),
    ]
    assert region_intensities(CHECKINS, since=T0 + timedelta(hours=1)) == [
        ("right.buttock-center", 1, 5.0, 5),
        ("lumbar-spine", 1, 2.0, 2),
    ]
    assert region_intensities([]) == []


def test_fhir_region_observations_carry_each_places_intensity():
    bundle = fhir_bundle("pseudo-1", CHECKINS, now=T0)
    sites = [
        (e["resource"]["bodySite"]["text"], e["resource"]["valueInteger"])
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation" and "bodySite" in e["resource"]
    ]
    buttock = KB.region_name("right.buttock-center")
    assert [v for name, v in sites if name == buttock] == [7, 5]
    assert (KB.region_name("lumbar-spine"), 2) in sites


def test_the_calendar_repeats_the_routine_and_sets_the_review():
    findings = {f.id: False for f in KB.findings.values() if f.group == "red-flag"}
    drawing = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    plan = assess(drawing, {**findings, "worse-sitting": True}).plan
    ics = plan_calendar(plan, date(2026, 12, 7), days=14, at="07:30", now=T0)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert "RRULE:FREQ=DAILY;COUNT=14" in ics and "DTSTART:20261207T073000" in ics
    assert "DTSTART;VALUE=DATE:20261221" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    with pytest.raises(ValueError):
        plan_calendar(plan, date(2026, 12, 7), at="25:00")


def test_the_calendars_review_counts_from_the_plans_start():
    """Downloaded on day 10 of a plan begun on 7 December, the review is on the 21st (day 14),
    not 14 days after the download; a review day already past goes on today, marked due."""
    findings = {f.id: False for f in KB.findings.values() if f.group == "red-flag"}
    drawing = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    plan = assess(drawing, {**findings, "worse-sitting": True}).plan
    started = date(2026, 12, 7)
    ics = plan_calendar(plan, date(2026, 12, 17), now=T0, started=started)
    assert "DTSTART:20261217T080000" in ics and "RRULE:FREQ=DAILY;COUNT=14" in ics
    assert "DTSTART;VALUE=DATE:20261221" in ics and "Review due" not in ics
    assert "DTSTART;VALUE=DATE:20261221" in plan_calendar(plan, date(2026, 12, 21), started=started)
    late = plan_calendar(plan, date(2026, 12, 28), now=T0, started=started).replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20261228" in late
    assert "SUMMARY:Review due now: is the leg pain clearly better?" in late
    assert "Your review was due on 21 December 2026." in late


def test_downloading_the_calendar_again_updates_its_events_instead_of_adding_more():
    findings = {f.id: False for f in KB.findings.values() if f.group == "red-flag"}
    drawing = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    plan = assess(drawing, {**findings, "worse-sitting": True}).plan
    started = date(2026, 12, 7)

    def fields(ics: str, name: str) -> list[str]:
        return [line for line in ics.split("\r\n") if line.startswith(f"{name}:")]

    def sequence(ics: str) -> int:
        (value,) = set(fields(ics, "SEQUENCE"))
        return int(value.split(":")[1])

    first = plan_calendar(plan, started, now=T0, started=started)
    later = plan_calendar(plan, date(2026, 12, 10), at="19:00", now=T0, started=started)
    assert fields(first, "UID") == fields(later, "UID") and len(fields(first, "UID")) == 2
    # a change the same day (another time) still counts up, as RFC 5545 asks
    at_nine = datetime(2026, 12, 7, 9, tzinfo=UTC)
    morning = plan_calendar(plan, started, at="08:00", now=at_nine, started=started)
    evening = plan_calendar(
        plan, started, at="19:00", now=at_nine + timedelta(minutes=5), started=started
    )
    assert sequence(evening) > sequence(morning) >= 0
    newer = plan_calendar(plan, date(2026, 12, 10), started=date(2026, 12, 9))
    assert fields(newer, "UID") != fields(first, "UID")  # a plan saved again is a new plan
    # a named plan keeps its ids when its start day or wording moves (another zone, new words)
    named = plan_calendar(plan, started, started=started, identity="7|2026-12-07T10:00:00")
    moved = plan_calendar(
        {**plan, "muscles": []},
        started,
        started=date(2026, 12, 8),
        identity="7|2026-12-07T10:00:00",
    )
    assert fields(named, "UID") == fields(moved, "UID") != fields(first, "UID")


def test_the_pain_chart_has_a_visible_key_for_its_two_lines():
    """Solid is leg pain, dashed is back pain: said in the picture, not only in the desc."""
    svg = pain_chart_svg(daily(CHECKINS), target=5.0)
    key = re.search(r'<g class="legend">(.*?)</g>', svg)
    assert key is not None
    items = re.findall(r"<line ([^>]*)/><text [^>]*>([^<]+)</text>", key.group(1))
    assert [text for _, text in items][:2] == ["leg pain", "back pain"]
    (leg, _), (back, _) = items[:2]
    assert "stroke-dasharray" not in leg and f'stroke="{COLOURS[0]}"' in leg
    assert 'stroke-dasharray="6 4"' in back and f'stroke="{COLOURS[1]}"' in back
    assert "<title" in svg and "<desc" in svg and svg.index("<desc") < svg.index("legend")
