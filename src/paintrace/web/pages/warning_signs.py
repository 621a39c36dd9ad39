"""The warning-sign questions, grouped into a few short screens by theme.

The grouping is presentation only: which findings are red flags, and whether one can apply to
this person, is the knowledge base's and the core's (:func:`paintrace.triage.applies`). A red flag
that the knowledge base gains later and is not listed here still gets asked, on a last screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from paintrace.knowledge import load_knowledge
from paintrace.triage import applies


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    lead: str
    findings: tuple[str, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "nerves",
        "Nerves and bladder",
        "Signs that the nerves at the base of the spine may be squeezed.",
        (
            "saddle-numbness",
            "bladder-dysfunction",
            "bowel-dysfunction",
            "sexual-dysfunction",
            "new-bilateral-leg-symptoms",
            "progressive-weakness",
            "foot-drop",
        ),
    ),
    Theme(
        "infection-cancer",
        "Infection and cancer",
        "Signs that an infection or a growth may be the cause.",
        (
            "fever",
            "iv-drug-use",
            "immunosuppressed",
            "recent-spinal-surgery-or-injection",
            "cancer-history",
            "unexplained-weight-loss",
            "constant-night-pain",
            "thoracic-pain",
        ),
    ),
    Theme(
        "injury-bone",
        "Injury and bone",
        "Signs that a bone may be broken.",
        ("significant-trauma", "minor-injury-before-onset", "osteoporosis-or-long-term-steroids"),
    ),
    Theme(
        "blood",
        "Blood flow and clots",
        "Signs of a blood clot or of poor blood flow to the leg.",
        ("calf-swelling-warmth", "clot-risk", "breathless-or-chest-pain", "cold-pale-foot"),
    ),
)
OTHER = Theme("other", "Other warning signs", "A few more warning signs.", ())


def red_flag_ids() -> list[str]:
    """Every red-flag finding, in the knowledge base's order."""
    return [f.id for f in load_knowledge().findings.values() if f.group == "red-flag"]


def themes() -> list[Theme]:
    """The themes with the knowledge base's red flags; unknown ids dropped, unlisted ones last."""
    known = red_flag_ids()
    listed = {fid for t in THEMES for fid in t.findings}
    out = [Theme(t.id, t.title, t.lead, tuple(f for f in t.findings if f in known)) for t in THEMES]
    extra = tuple(f for f in known if f not in listed)
    if extra:
        out.append(Theme(OTHER.id, OTHER.title, OTHER.lead, extra))
    return [t for t in out if t.findings]


def theme(theme_id: str) -> Theme | None:
    return next((t for t in themes() if t.id == theme_id), None)


def theme_of(finding_id: str) -> Theme | None:
    return next((t for t in themes() if finding_id in t.findings), None)


def applicable(
    t: Theme, drawing: Mapping[str, Sequence[str]], sex: str | None = None
) -> tuple[str, ...]:
    """The theme's questions that can apply to this drawing (calf swelling only with a calf)."""
    kb = load_knowledge()
    return tuple(fid for fid in t.findings if applies(kb, fid, drawing, sex))
