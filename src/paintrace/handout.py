"""The printable handout: the self-care plan as HTML for print and as a PDF (WeasyPrint).

The CLI (`paintrace plan --pdf`) and the web app (`/api/assessments/{id}/plan.pdf`) both render
the plan through this module, so the paper a person takes to their physiotherapist says exactly
what the screen said. Figures are the knowledge base's own SVG files, inlined, so the PDF needs
nothing from the network.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from paintrace.knowledge import Knowledge, load_knowledge
from paintrace.wording import TOOL_LABELS, count, times

_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm; @bottom-center { content: "paintrace self-care plan \
 · page " counter(page) " of " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; }
.note { color: #333; font-size: 9pt; }
.card { border: 2px solid #b71c1c; padding: 6pt 8pt; margin: 8pt 0; page-break-inside: avoid; }
.card h2 { border: none; color: #b71c1c; margin-top: 0; }
.technique { margin-bottom: 8pt; }
.stretch { page-break-inside: avoid; }
.figure { float: right; width: 55mm; margin: 0 0 4pt 8pt; }
.figure svg { width: 55mm; height: auto; }
.bodymap { float: left; margin: 0 6mm 2mm 0; }
.bodymap svg { height: 55mm; width: auto; margin-right: 2mm; }
h2 { clear: both; }
.dose { font-weight: bold; }
.open { border: 2px solid #8a4b00; padding: 6pt 8pt; margin: 8pt 0; page-break-inside: avoid; }
.open h2 { border: none; color: #8a4b00; margin-top: 0; }
.adapt { border-left: 3pt solid #37474f; padding: 2pt 6pt; margin: 6pt 0; }
table { border-collapse: collapse; width: 100%; }
ol, ul { list-style-position: inside; padding-left: 0; }
td, th { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
.region { fill: #eee; stroke: #777; }
.zone-essential { fill: #37474f; }
.zone-spillover { fill: #9fb3bd; }
.tp { fill: #fff; stroke: #000; stroke-width: 2; }
"""


@functools.cache
def figure_svg(slug: str) -> str:
    """The SVG of a technique figure, or an empty string when there is none."""
    path = Path(str(resources.files("paintrace.knowledge"))) / "figures" / f"{slug}.svg"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _list(items: list[str], tag: str = "ul") -> str:
    if not items:
        return ""
    return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"


def _muscle_map(knowledge: Knowledge, muscle: dict[str, Any], sides: list[str]) -> str:
    from paintrace.bodymap import render_view

    concrete_sides = [s for s in sides if s in ("left", "right")] or ["left", "right"]
    points = [
        rid
        for tp in muscle["trigger_points"]
        for rid in knowledge.concrete(tp["region"], concrete_sides)
    ]
    views = []
    for view in ("back", "sides", "front"):
        try:
            svg = render_view(view, points=points, title=f"Where to find the {muscle['name']}")
        except ValueError:
            continue
        if 'class="tp' in svg:
            views.append(svg)
    return f'<div class="bodymap">{"".join(views[:2])}</div>' if views else ""


def _dose(m: Mapping[str, Any]) -> str:
    hold = m["hold_seconds"]
    return (
        f"Pressure: {m['pressure'].rstrip('.')}. Hold each point {hold[0]}–{hold[1]} seconds, "
        f"{count(m['points_today'], 'point')}, {times(m['sessions_per_day'])} a day, "
        f"{m['days_per_week']} days a week."
    )


def _stretch_dose(s: Mapping[str, Any]) -> str:
    return (
        f"Hold {s['hold_seconds']} seconds, {times(s['repetitions'])}, "
        f"{times(s['times_per_day'])} a day."
    )


def _step_line(step: Mapping[str, Any]) -> str:
    """A step of today's routine: "1. Massage: Pressure release for the piriformis, right
    side, 60 seconds." (the side is "painful" when the drawing names none)."""
    return (
        f"{step['order']}. {str(step['kind']).capitalize()}: {step['name']}, {step['side']} "
        f"side, {step['seconds']} seconds."
    )


def _adaptation_label(note: Mapping[str, Any]) -> str:
    return f"{note.get('title', '')}." if note.get("state") == "yes" else "You did not say:"


def _massage_html(m: dict[str, Any]) -> str:
    tools = "".join(
        f"<li><b>{escape(TOOL_LABELS.get(t['tool'], t['tool']))}</b>: {escape(t['how'])}</li>"
        for t in m["tools"]
    )
    return (
        f'<div class="technique"><div class="figure">{figure_svg(m["figure"])}</div>'
        f"<h3>1. Massage: {escape(m['name'])}</h3>"
        f"<p><b>Position:</b> {escape(m['position'])}</p>"
        f"<p><b>Find the points:</b></p>{_list(m['find_it'], 'ol')}"
        f"<p><b>Tools</b> (start with the gentlest):</p><ul>{tools}</ul>"
        f"<p><b>How:</b></p>{_list(m['steps'], 'ol')}"
        f'<p class="dose">{escape(_dose(m))}</p>'
        f"<p><b>It should feel like:</b> {escape(m['feels_like'])}</p>"
        f"<p><b>Stop if:</b></p>{_list(m['stop_if'])}"
        f"<p><b>Avoid:</b></p>{_list(m['avoid'])}"
        f'<p class="note"><b>Evidence:</b> {escape(m["evidence"])}</p></div>'
    )


def _stretch_html(n: int, s: dict[str, Any]) -> str:
    return (
        f'<div class="technique stretch"><div class="figure">{figure_svg(s["figure"])}</div>'
        f"<h3>{n}. Stretch: {escape(s['name'])}</h3>"
        f"<p><b>Position:</b> {escape(s['position'])}</p>{_list(s['steps'], 'ol')}"
        f'<p class="dose">{escape(_stretch_dose(s))}</p>'
        f"<p><b>It should feel like:</b> {escape(s['feels_like'])}</p>"
        f"{_list(s['cautions'])}"
        f'<p class="note"><b>Evidence:</b> {escape(s["evidence"])}</p></div>'
    )


OPEN_TITLE = "Warning signs still open"
OPEN_TEXT = (
    "You did not answer these warning-sign questions, so a serious cause is not ruled out yet. "
    "Answer them on your result page. If you cannot tell, or any of them might be yes, ask a "
    "doctor or a pharmacist first. The massage and stretching plan is shown once they are "
    "answered."
)


def _about_html(about: Mapping[str, Any] | None) -> str:
    """Pain at its worst (0 to 10) and since when, as the person gave them with the drawing."""
    about = about or {}
    items = []
    if about.get("pain") is not None:
        items.append(f"Pain at its worst: <b>{int(about['pain'])} out of 10</b>")
    if about.get("since"):
        items.append(f"Since: <b>{escape(str(about['since']))}</b>")
    return f"<p>{' · '.join(items)}</p>" if items else ""


def _adaptations_html(kb: Knowledge, plan: Mapping[str, Any]) -> str:
    notes = plan.get("adaptations") or []
    parts = []
    if plan.get("root_first"):
        text = escape(kb.care.root_first)
        parts.append(f'<div class="adapt"><b>Nerve root first.</b> {text}</div>')
    for note in notes:
        label = _adaptation_label(note)
        parts.append(
            f'<div class="adapt"><b>{escape(label)}</b> {escape(str(note.get("text", "")))}</div>'
        )
    return "<h2>Changed for you</h2>" + "".join(parts) if parts else ""


def render_plan_html(
    plan: dict[str, Any],
    knowledge: Knowledge | None = None,
    *,
    open_warning_signs: Sequence[str] = (),
    about: Mapping[str, Any] | None = None,
) -> str:
    """A complete, self-contained HTML document of the plan.

    `open_warning_signs`: the questions of the warning signs not answered. While any is open the
    handout lists them and holds the massage and stretching plan back, as the result page does.
    `about`: the pain at its worst (0 to 10) and since when, given with the drawing.
    """
    kb = knowledge or load_knowledge()
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Your self-care plan</title><style>{_CSS}</style></head><body>",
        "<h1>Your self-care plan</h1>",
        _about_html(about),
        f"<p>{escape(plan['summary'])}</p>",
        '<p class="note">This plan explains likelihoods from what you told paintrace. It is not '
        "a diagnosis and does not replace a professional's examination.</p>",
    ]
    if open_warning_signs:
        parts += [
            f'<div class="open"><h2>{OPEN_TITLE}</h2><p>{escape(OPEN_TEXT)}</p>',
            _list(list(open_warning_signs)),
            "</div>",
            '<div class="card"><h2>Stop and get help if</h2>',
            _list(plan["red_flag_card"]),
            "</div></body></html>",
        ]
        return "".join(parts)
    parts += [
        '<div class="card"><h2>Stop and get help if</h2>',
        _list(plan["red_flag_card"]),
        "</div>",
        _adaptations_html(kb, plan),
    ]
    if plan["muscles"]:
        minutes = plan["schedule"]["minutes"]
        parts.append(f"<h2>Today's routine (about {minutes} minutes)</h2>")
        rows = "".join(
            f"<tr><td>{s['order']}</td><td>{escape(s['kind'])}</td><td>{escape(s['name'])}</td>"
            f"<td>{escape(s['side'])}</td><td>{s['seconds']} s</td></tr>"
            for s in plan["schedule"]["steps"]
        )
        parts.append(
            "<table><tr><th>#</th><th>what</th><th>technique</th><th>side</th><th>hold</th></tr>"
            f"{rows}</table>"
        )
    for muscle in plan["muscles"]:
        parts.append(f"<h2>{escape(muscle['name'])} ({muscle['probability']:.0%})</h2>")
        parts.append(_muscle_map(kb, muscle, plan["sides"]))
        if muscle["massage"]:
            parts.append(_massage_html(muscle["massage"]))
        elif muscle["massage_blocked"]:
            parts.append(
                f"<p><b>No massage here for now:</b> {escape(muscle['massage_blocked'])}</p>"
            )
        for n, stretch in enumerate(muscle["stretches"], 2):
            parts.append(_stretch_html(n, stretch))
        if muscle["habits"]:
            parts.append(f"<h3>Habits that help</h3>{_list(muscle['habits'])}")
    for sm in plan["self_management"]:
        parts.append(f"<h2>{escape(sm['name'])} ({sm['probability']:.0%})</h2>")
        parts.append(f"<p>{escape(sm['summary'])}</p><h3>Do</h3>{_list(sm['do'])}")
        parts.append(f"<h3>Avoid</h3>{_list(sm['avoid'])}")
        parts.append(f"<h3>Watch for</h3>{_list(sm['watch_for'])}")
        parts.append(f"<p><b>Who to see:</b> {escape(sm['see'])}</p>")
        parts.append(f'<p class="note"><b>Evidence:</b> {escape(sm["evidence"])}</p>')
    parts.append("<h2>Over the next weeks</h2>")
    parts.append(
        "<ul>"
        + "".join(
            f"<li><b>Week {escape(p['weeks'])}:</b> {escape(p['text'])}</li>"
            for p in plan["progression"]
        )
        + "</ul>"
    )
    parts.append(f"<p><b>Review:</b> {escape(plan['review']['text'])}</p>")
    parts.append(f"<h2>Keep active</h2>{_list(plan['keep_active'])}")
    parts.append(f"<h2>Cautions</h2>{_list(plan['cautions'])}")
    if plan["nerve_sites"]:
        parts.append(
            "<h3>Never press hard on</h3>"
            + _list([f"{s['site']}: {s['why']}" for s in plan["nerve_sites"]])
        )
    refs = [
        f"[{key}] {kb.references[key].citation}"
        for key in plan["references"]
        if key in kb.references
    ]
    parts.append(f'<h2>References</h2><div class="note">{_list(refs)}</div>')
    parts.append("</body></html>")
    return "".join(parts)


def render_plan_markdown(plan: dict[str, Any]) -> str:
    """The plan as Markdown, for the terminal: the same cautions as the handout, in the same
    places (what to avoid beside each massage, the nerve sites, what changed for you)."""
    lines = ["# Your self-care plan", "", plan["summary"], "", "## Stop and get help if", ""]
    lines += [f"- {item}" for item in plan["red_flag_card"]]
    changed = _adaptations_markdown(plan)
    if changed:
        lines += ["", "## Changed for you", "", *changed]
    if plan["muscles"]:
        lines += ["", f"## Today's routine (about {plan['schedule']['minutes']} minutes)", ""]
        lines += [_step_line(step) for step in plan["schedule"]["steps"]]
    for muscle in plan["muscles"]:
        lines += ["", f"## {muscle['name']}", ""]
        m = muscle["massage"]
        if m:
            lines += [f"**Massage: {m['name']}.** {m['position']}", ""]
            lines += [f"{i}. {step}" for i, step in enumerate(m["find_it"] + m["steps"], 1)]
            lines += [
                "",
                _dose(m),
                "",
                "Stop if:",
                "",
                *[f"- {item}" for item in m["stop_if"]],
                "",
                "Avoid:",
                "",
                *[f"- {item}" for item in m["avoid"]],
            ]
        elif muscle["massage_blocked"]:
            lines += [f"No massage here for now: {muscle['massage_blocked']}"]
        for s in muscle["stretches"]:
            lines += [
                "",
                f"**Stretch: {s['name']}.** {s['position']} {_stretch_dose(s)}",
                "",
            ]
            lines += [f"{i}. {step}" for i, step in enumerate(s["steps"], 1)]
            if s["cautions"]:
                lines += ["", *[f"- {c}" for c in s["cautions"]]]
    for sm in plan["self_management"]:
        lines += ["", f"## {sm['name']}", "", sm["summary"], ""]
        lines += [f"- {item}" for item in sm["do"]]
        lines += ["", "Avoid:", "", *[f"- {item}" for item in sm["avoid"]]]
        lines += ["", "Watch for:", "", *[f"- {item}" for item in sm["watch_for"]]]
        lines += ["", f"Who to see: {sm['see']}"]
    lines += ["", "## Over the next weeks", ""]
    lines += [f"- Week {p['weeks']}: {p['text']}" for p in plan["progression"]]
    lines += ["", "## Review", "", plan["review"]["text"], "", "## Cautions", ""]
    lines += [f"- {c}" for c in plan["cautions"]]
    if plan["nerve_sites"]:
        lines += ["", "## Never press hard on", ""]
        lines += [f"- {site['site']}: {site['why']}" for site in plan["nerve_sites"]]
    return "\n".join(lines)


def _adaptations_markdown(plan: Mapping[str, Any]) -> list[str]:
    lines = []
    if plan.get("root_first"):
        lines.append(f"- **Nerve root first.** {load_knowledge().care.root_first}")
    for note in plan.get("adaptations") or []:
        label = _adaptation_label(note)
        lines.append(f"- **{label}** {note.get('text', '')}")
    return lines


def plan_pdf(
    plan: dict[str, Any],
    knowledge: Knowledge | None = None,
    *,
    open_warning_signs: Sequence[str] = (),
    about: Mapping[str, Any] | None = None,
) -> bytes:
    """The plan as PDF bytes (WeasyPrint, imported only when a PDF is asked for)."""
    from weasyprint import HTML

    html = render_plan_html(plan, knowledge, open_warning_signs=open_warning_signs, about=about)
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
