"""The journal's charts as SVG: what they label, not how they look."""

from __future__ import annotations

import re
from datetime import date

from paintrace.charts import pain_chart_svg
from paintrace.measures import Day


def _axis_dates(svg: str) -> list[str]:
    return re.findall(r">(\d{4}-\d\d-\d\d)</text>", svg)


def test_one_day_of_check_ins_labels_its_date_once() -> None:
    """Two check-ins on one day made one point, with the same date at both ends of the axis."""
    svg = pain_chart_svg([Day(date(2026, 12, 7), 6.0, 3.0, None, 2)])
    assert _axis_dates(svg) == ["2026-12-07"]
    assert "Leg pain was 6 out of 10 on 2026-12-07" in svg


def test_a_span_of_days_labels_its_first_and_last_date() -> None:
    days = [Day(date(2026, 12, 1), 6.0, 3.0, True, 1), Day(date(2026, 12, 7), 4.0, 2.0, None, 1)]
    assert _axis_dates(pain_chart_svg(days)) == ["2026-12-01", "2026-12-07"]
