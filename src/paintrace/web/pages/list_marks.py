"""The body map's picture follows the ticks in the list of places without JavaScript.

Without the script the list is the form and the picture is a plain image: ticking "Pain" next
to a place changed nothing on it. CSS can tie the two together: ``form:has([name="r:<id>"]
[value=pain]:checked) [data-region="<id>"]`` matches the place's shapes in every view while its
box is ticked. That takes one selector per place and symptom (about 300) and CSS cannot loop,
so the rules are written out here, from the body map's own regions, into a static file
(``static/paintrace/bodymap-list.css``; tests/web_pages/test_bodymap_page.py checks it is
current). The pages link it inside ``<noscript>``: with the script, which paints the picture
itself, the file is never fetched, so it costs those pages nothing (the body map page was
within 1 KB of its weight budget, tests/browser). Without the script it is about 38 KB, under
3 KB compressed, and cached for good.

What the picture shows then is what the script would paint from the same ticks: the first
symptom of bodymap.SHOWN_FIRST in its pattern, on the body map page and at check-in, where a
strength chosen without a tick also counts as ticked (checkin_map). Only the script's dashed
border for more than one symptom is left out: CSS would need a selector per pair of symptoms.
The marks the server drew into the picture (a form sent back) are reset first, so unticking one
clears it; a browser without ``:has()`` skips the whole file and keeps them.

Run ``python -m paintrace.web.pages.list_marks`` after changing the regions of bodymap.yaml.
"""

from __future__ import annotations

from pathlib import Path

from paintrace import bodymap

STATIC = Path(__file__).resolve().parents[1] / "static" / "paintrace" / "bodymap-list.css"

_HEADER = """\
/* Written by paintrace.web.pages.list_marks from the body map's regions: do not edit, run
   `python -m paintrace.web.pages.list_marks` instead. Linked inside <noscript>: without the
   script, the picture shows the ticks of the list of places (that module says how). */
"""


def _views() -> str:
    """Each view's symptom patterns as custom properties, for the rules below to fill with."""
    out = []
    for view in bodymap.load_bodymap().views:
        props = ";".join(
            f"--pt-{sym}:url(#{bodymap.pattern_id('', view, sym)})" for sym in bodymap.SYMPTOMS
        )
        out.append(f".bodymap-{view}{{{props}}}")
    return "\n".join(out)


def _ticked(symptom: str, rids: list[str]) -> str:
    """The shapes of the places whose `symptom` box is ticked, filled with its pattern."""
    selectors = [
        f'form:has([name="r:{rid}"][value={symptom}]:checked) [data-region="{rid}"]' for rid in rids
    ]
    if symptom == "pain":  # at check-in, a strength without a tick is a tick (checkin_map)
        selectors += [
            f'form:has([name="ri:{rid}"] option:checked:not([value=""])) [data-region="{rid}"]'
            for rid in rids
        ]
    return ",\n".join(selectors) + f"\n{{fill:var(--pt-{symptom});stroke:#222}}"


def stylesheet() -> str:
    rids = sorted(bodymap.region_ids())
    # the last rule a region matches wins: the symptom shown first comes last
    ticked = [_ticked(sym, rids) for sym in reversed(bodymap.SHOWN_FIRST)]
    # the server's own marks (and their borders) give way to the ticks: a higher specificity
    # than bodymap.css's .region.marked and .region.multi, a lower one than the rules above
    reset = (
        "form .bodymap-svg .region[data-region]"
        "{fill:#e4e4e4;stroke:#6b6b6b;stroke-width:.75;stroke-dasharray:none}\n"
        "@media (forced-colors:active){form .bodymap-svg .region[data-region]"
        "{fill:Canvas;stroke:CanvasText}}"
    )
    body = "\n".join([reset, _views(), *ticked])
    return f"{_HEADER}@supports selector(:has(*)){{\n{body}\n}}\n"


def main() -> None:
    STATIC.write_text(stylesheet(), encoding="utf-8")
    print(f"wrote {STATIC} ({STATIC.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
