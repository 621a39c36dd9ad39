"""The check-in form, shared by a new check-in and the change of an old one: its choices, the
posted fields in the API's shape, a stored check-in as the form would post it, and the form
sent back after a refusal, every answer as it was posted and the error named by its label.

A refused check-in is typed again by a person in pain, often on a phone: losing the ticked
warning signs would also lose the stop banner that tells them not to massage or stretch. The
core's error names a field by its JSON id (``back_pain``), which means nothing on the page.
One form for both pages, so that a correction is read and checked exactly as the check-in was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from paintrace.errors import InputError
from paintrace.journal import FELT_AFTER, RESCREEN, CheckIn
from paintrace.knowledge import load_knowledge
from paintrace.typed_text import whole_number
from paintrace.web.pages import checkin_map

SCALE = list(range(11))
TEMPLATE = "paintrace/account/checkin.html"

# The JSON field (before any ".") to the words the page shows for it.
LABELS = {
    "leg_pain": "Leg pain",
    "back_pain": "Back pain",
    "red_flags": "Warning signs",
    "new_numbness": "New numbness",
    "new_weakness": "New weakness",
    "massaged": "What you worked on",
    "stretched": "What you worked on",
    "minutes": "Minutes of self-care today",
    "felt_after": "How it felt right after",
    "sleep_disturbed": "Sleep",
    "note": "Note",
}

# The JSON field to the id of its control (or fieldset) on the page.
TARGETS = {
    "leg_pain": "leg-pain",
    "back_pain": "back-pain",
    "minutes": "minutes",
    "felt_after": "felt-after",
    "note": "note",
}

# The fields folded away under "Add what you did, sleep and a note": opened when any is filled.
_MORE = ("massaged", "stretched", "minutes", "felt_after", "sleep_disturbed", "note")


def kept(post: Mapping[str, Any]) -> dict[str, Any]:
    """The posted answers in the shapes the template compares with (unknown values dropped)."""
    getlist = getattr(post, "getlist", lambda key: [post[key]] if key in post else [])
    flags = [fid for fid in RESCREEN if post.get(f"flag-{fid}") == "yes"]
    values = {
        "flags": flags,
        "new_numbness": post.get("new_numbness") == "yes",
        "new_weakness": post.get("new_weakness") == "yes",
        "massaged": [str(v) for v in getlist("massaged")],
        "stretched": [str(v) for v in getlist("stretched")],
        "minutes": str(post.get("minutes", "")).strip(),
        "felt_after": post.get("felt_after") if post.get("felt_after") in FELT_AFTER else "",
        "sleep_disturbed": post.get("sleep_disturbed", "")
        if post.get("sleep_disturbed") in ("yes", "no")
        else "",
        "note": str(post.get("note", "")),
    }
    values["more_open"] = any(values[key] for key in _MORE)
    return values


def plain_error(exc: InputError) -> dict[str, str]:
    """The error in words, with the field's label for its id ("back_pain" reads "Back pain"; a
    region's id its name: "Where it hurts: Upper calf (left)"), and the id of the page's field
    it belongs to, for the summary's link and the field's aria-describedby."""
    root = exc.field.split(".", 1)[0]
    if root == "regions":
        rid = exc.field.split(".", 1)[1] if "." in exc.field else ""
        kb = load_knowledge()
        if rid in kb.regions:
            text = f"Where it hurts: {kb.region_name(rid)}: {exc.message}"
        else:
            text = "Where it hurts: a place that is not on the body map"
        return {"text": text, "target": "checkin-map"}
    label = LABELS.get(root, "This check-in")
    return {"text": f"{label}: {exc.message}", "target": TARGETS.get(root, "")}


def choices(user: Any, also: Iterable[str] = ()) -> dict[str, Any]:
    """What the form offers: the scales, the re-screen, and the muscles of the plan to follow.
    `also`: muscles a check-in being changed names that the plan no longer does (a newer plan,
    or one paused by a warning sign); without them the change would drop what was done."""
    muscles = _plan_muscles(user)
    offered = {m["id"] for m in muscles}
    sources = load_knowledge().sources
    muscles += [
        {"id": sid, "name": sources[sid].name}
        for sid in dict.fromkeys(also)
        if sid not in offered and sid in sources
    ]
    return {
        "scale": SCALE,
        "rescreen": _rescreen(),
        "muscles": muscles,
        "felt_choices": FELT_AFTER,
        "form_action": reverse("pt-checkin"),
        "values": {},
        "kept": kept({}),
    }


def _plan_muscles(user: Any) -> list[dict[str, str]]:
    from paintrace.web.summary_api import plan_to_follow

    plan = plan_to_follow(user) or {}
    return [{"id": m["id"], "name": m.get("name", m["id"])} for m in plan.get("muscles", [])]


def _rescreen() -> list[dict[str, str]]:
    kb = load_knowledge()
    return [
        {"id": fid, "question": kb.findings[fid].question} for fid in RESCREEN if fid in kb.findings
    ]


def data(post: Any) -> dict[str, Any]:
    """The form's fields in the API's JSON shape, for parse_checkin."""

    def score(name: str) -> Any:
        raw = post.get(name, "")
        return int(raw) if whole_number(raw) else (raw or None)

    result: dict[str, Any] = {
        "leg_pain": score("leg_pain"),
        "back_pain": score("back_pain"),
        # A browser sends a textarea's line breaks as CRLF but counts them as one character
        # against maxlength: kept as sent, a full note with line breaks would be refused.
        "note": str(post.get("note", "")).replace("\r\n", "\n"),
        # "Tick any that apply": a tick is a yes; an empty box was not answered no.
        "red_flags": {fid: True for fid in RESCREEN if post.get(f"flag-{fid}") == "yes"},
        "massaged": post.getlist("massaged"),
        "stretched": post.getlist("stretched"),
        "new_numbness": True if post.get("new_numbness") == "yes" else None,
        "new_weakness": True if post.get("new_weakness") == "yes" else None,
    }
    minutes = post.get("minutes", "").strip()
    if minutes:
        result["minutes"] = int(minutes) if whole_number(minutes) else minutes
    if post.get("felt_after") in FELT_AFTER:
        result["felt_after"] = post["felt_after"]
    if post.get("sleep_disturbed") in ("yes", "no"):
        result["sleep_disturbed"] = post["sleep_disturbed"] == "yes"
    regions = checkin_map.regions_from_post(post, result["leg_pain"])
    if regions:
        result["regions"] = regions
    return result


def as_post(c: CheckIn) -> MultiValueDict[str, str]:
    """A stored check-in as the form would post it: the change page opens with every answer."""
    post: MultiValueDict[str, str] = MultiValueDict(
        {
            "leg_pain": [str(c.leg_pain)],
            "back_pain": [str(c.back_pain)],
            "massaged": list(c.massaged),
            "stretched": list(c.stretched),
            "note": [c.note],
        }
    )
    for fid in c.warning_signs:
        post[f"flag-{fid}"] = "yes"
    for key in ("new_numbness", "new_weakness"):
        if getattr(c, key):
            post[key] = "yes"
    if c.minutes is not None:
        post["minutes"] = str(c.minutes)
    if c.felt_after:
        post["felt_after"] = c.felt_after
    if c.sleep_disturbed is not None:
        post["sleep_disturbed"] = "yes" if c.sleep_disturbed else "no"
    for rid, level in c.regions.items():
        post[f"r:{rid}"] = "pain"
        post[f"ri:{rid}"] = str(level)
    return post


def sent_back(request: HttpRequest, context: dict[str, Any], exc: InputError) -> HttpResponse:
    """The form again, every answer kept and the error named by its label."""
    context.update(checkin_map.map_context(request.POST))
    context.update(values=request.POST, kept=kept(request.POST), error=plain_error(exc))
    return render(request, TEMPLATE, context, status=400)
