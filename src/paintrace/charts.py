"""Progress charts drawn on the server as SVG: no chart library, no script, no CDN.

Every chart is an ``<svg role="img">`` with a title and a one-sentence description, and every
number in it is also given by the caller as a plain table for screen readers. Colours are
presentation attributes, so the charts look the same in the page (whose Content-Security-Policy
forbids inline styles), in the PDF and in a saved file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from html import escape

from paintrace.bodymap import render_all
from paintrace.journal import CheckIn
from paintrace.measures import STALE_DAYS, Day
from paintrace.zones import local_day

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 40
COLOURS = ("#1b5e9b", "#b35900", "#2e7d32", "#6a1b9a")
WEEK_DAYS = 7  # activity ratings are weekly: a line breaks across a week with no rating


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 10)


def _frame(name: str, title: str, desc: str, first: date, last: date) -> list[str]:
    """The chart's frame; `name` prefixes its ids, which must differ between the charts of a
    page: a shared id gives every chart the first one's title and description."""
    title_id, desc_id = escape(f"{name}-title"), escape(f"{name}-desc")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" font-family="sans-serif" '
        f'font-size="11">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]
    for v in range(0, 11, 2):
        y = _y(v)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{v}</text>'
        )
    out.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" fill="#333">{escape(first.isoformat())}</text>')
    if last != first:  # one day (several check-ins on it) is one date, not the same one twice
        out.append(
            f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" fill="#333">'
            f"{escape(last.isoformat())}</text>"
        )
    return out


def _runs(dated: Sequence[tuple[date, float]], gap_days: int) -> list[list[tuple[date, float]]]:
    """Split a series where two neighbours are more than `gap_days` apart: a line drawn across
    weeks with no answer would show values nobody gave."""
    runs: list[list[tuple[date, float]]] = []
    for item in dated:
        if runs and (item[0] - runs[-1][-1][0]).days <= gap_days:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _dated_lines(
    dated: Sequence[tuple[date, float]],
    first: date,
    last: date,
    colour: str,
    css: str,
    gap_days: int,
    dash: str = "",
) -> str:
    return "".join(
        _line([(_x(d, first, last), _y(v)) for d, v in run], colour, css, dash)
        for run in _runs(dated, gap_days)
    )


def _line(points: Sequence[tuple[float, float]], colour: str, css: str, dash: str = "") -> str:
    if not points:
        return ""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    if len(points) == 1:
        x, y = points[0]
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points)
    return (
        f'<polyline class="{css}" points="{coords}" fill="none" stroke="{colour}" '
        f'stroke-width="2.5"{dash_attr}/>{dots}'
    )


def _plan_days(days: Sequence[Day]) -> str:
    """How many days the plan was done, out of the days someone said (a blank is not "no")."""
    done = sum(d.plan_done is True for d in days)
    unsaid = sum(d.plan_done is None for d in days)
    if unsaid == len(days):
        return "whether the plan was done was not recorded"
    plural = "s" if done != 1 else ""
    if not unsaid:
        return f"the plan was done on {done} of {len(days)} days"
    return (
        f"the plan was done on {done} day{plural}; "
        f"on {unsaid} of {len(days)} days it was not recorded"
    )


def _pain_key(plan_marks: bool) -> str:
    """The visible key, between the two dates under the chart: a short sample of each line
    (solid leg pain, dashed back pain) and the plan-done mark when there is one."""
    y = HEIGHT - 8
    parts = ['<g class="legend">']
    for x, colour, dash, words in (
        (200, COLOURS[0], "", "leg pain"),
        (290, COLOURS[1], ' stroke-dasharray="6 4"', "back pain"),
    ):
        parts.append(
            f'<line x1="{x}" x2="{x + 24}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/><text x="{x + 29}" y="{y}" fill="#333">{words}</text>'
        )
    if plan_marks:
        parts.append(
            f'<rect x="385" y="{y - 7}" width="6" height="6" fill="#555"/>'
            f'<text x="396" y="{y}" fill="#333">plan done</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def pain_chart_svg(days: Sequence[Day], target: float | None = None) -> str:
    """Leg pain (solid) and back pain (dashed) by day, the days the plan was done (marks along
    the bottom), and the line pain must reach for an important improvement."""
    if not days:
        return ""
    first, last = days[0].day, days[-1].day
    if first == last:
        desc = f"Leg pain was {days[0].leg:g} out of 10 on {first.isoformat()}; {_plan_days(days)}."
    else:
        desc = (
            f"Leg pain went from {days[0].leg:g} to {days[-1].leg:g} out of 10 between "
            f"{first.isoformat()} and {last.isoformat()}; {_plan_days(days)}."
        )
    if target is not None:
        desc += f" An important improvement means leg pain at or below {target:g}."
    out = _frame("pain-chart", "Leg and back pain over time", desc, first, last)
    if target is not None:
        y = _y(target)
        out.append(
            f'<line class="mic-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#2e7d32" stroke-dasharray="2 3"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end" fill="#2e7d32">'
            f"important change ({target:g})</text>"
        )
    for d in days:
        if d.plan_done is True:
            x = _x(d.day, first, last)
            out.append(
                f'<rect class="plan-day" x="{x - 3:.1f}" y="{HEIGHT - BOTTOM + 4}" width="6" '
                f'height="6" fill="#555"><title>plan done {d.day.isoformat()}</title></rect>'
            )
    leg = [(d.day, d.leg) for d in days]
    back = [(d.day, d.back) for d in days]
    out.append(_dated_lines(leg, first, last, COLOURS[0], "line-leg", STALE_DAYS))
    out.append(_dated_lines(back, first, last, COLOURS[1], "line-back", STALE_DAYS, "6 4"))
    out.append(_pain_key(any(d.plan_done is True for d in days)))
    out.append("</svg>")
    return "".join(out)


def activity_chart_svg(weekly: Mapping[str, Sequence[tuple[date, int]]]) -> str:
    """One line per activity the person named, by week, 0 (cannot do) to 10 (as before)."""
    weeks = sorted({w for series in weekly.values() for w, _ in series})
    if not weeks:
        return ""
    names = list(weekly)
    span = (weeks[-1] - weeks[0]).days // 7 + 1
    desc = "; ".join(
        f"{name}: from {series[0][1]} to {series[-1][1]} out of 10"
        + (f" (rated in {len(series)} of {span} weeks)" if len(series) < span else "")
        for name, series in weekly.items()
        if series
    )
    out = _frame("activity-chart", "Your activities week by week", desc + ".", weeks[0], weeks[-1])
    for i, name in enumerate(names):
        colour = COLOURS[i % len(COLOURS)]
        series = [(w, float(s)) for w, s in weekly[name]]
        out.append(
            _dated_lines(series, weeks[0], weeks[-1], colour, f"line-activity-{i}", WEEK_DAYS)
        )
        out.append(
            f'<text x="{LEFT + 8}" y="{TOP + 12 + 14 * i}" fill="{colour}">{escape(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _marks(
    checkins: Iterable[CheckIn], since: datetime | None, tz: tzinfo
) -> dict[str, tuple[set[date], list[int]]]:
    """Region -> (the days it was marked on, in `tz`; the intensities it was marked with), in
    the check-ins since `since`. Days, not check-ins: a place marked morning and evening was
    marked on one day."""
    seen: dict[str, tuple[set[date], list[int]]] = {}
    for c in checkins:
        if since is not None and c.at < since:
            continue
        for rid, value in c.regions.items():
            days, values = seen.setdefault(rid, (set(), []))
            days.add(local_day(c.at, tz))
            values.append(value)
    return seen


def region_intensities(
    checkins: Iterable[CheckIn], since: datetime | None = None, tz: tzinfo = UTC
) -> list[tuple[str, int, float, int]]:
    """(region, days marked, mean intensity, highest intensity), most often marked first: the
    numbers behind composite_svg, for the table beside it. Days are the person's, in `tz`."""
    seen = _marks(checkins, since, tz)
    rows = [(rid, len(d), round(sum(v) / len(v), 1), max(v)) for rid, (d, v) in seen.items()]
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


def composite_svg(rows: Iterable[tuple[str, int, float, int]]) -> str:
    """Where it hurt over the period: strong (mean 6 or more) and milder regions, on the body map.

    It draws region_intensities' rows, so the picture and the table beside it come from one
    count. It reuses the body map's two zone shades (essential and spillover) for strong and mild.
    """
    zones = {rid: "essential" if mean >= 6 else "spillover" for rid, _, mean, _ in rows}
    return render_all(zones=zones, title="Where it hurt (darker: stronger)", id_prefix="comp-")
