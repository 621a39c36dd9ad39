"""Your check-ins one by one: the list, changing one, deleting one.

The diary goes to the clinician (the exports, the PDF, share links), so someone who typed 9 for
3, or checked in twice, must be able to see each check-in and put it right. Thin like the other
views: the form, and how a post is read and checked, are the new check-in's (checkin_form,
paintrace.journal.parse_checkin), and the store is the API's (journal_store.update and
remove), so a correction is kept the same whichever way it came. Another account's check-in
answers 404 exactly as one that does not exist does.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, tzinfo
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from paintrace.errors import InputError
from paintrace.journal import RESCREEN, CheckIn, parse_checkin
from paintrace.knowledge import load_knowledge
from paintrace.typed_text import whole_number
from paintrace.web import journal_store, time_zones
from paintrace.web.journal_http import valid_id
from paintrace.web.models import JournalEntry
from paintrace.web.pages import checkin_form, checkin_map
from paintrace.wording import capitalized
from paintrace.zones import local_time, local_today

PAGE_SIZE = 30
NEW_NUMBNESS = "New numbness in the leg or foot"
NEW_WEAKNESS = "New weakness in the leg or foot"


def when(at: datetime, tz: tzinfo, today: date, seconds: bool = False) -> str:
    """ "Mon 2 March, 08:00" on the person's clock; the year too when it is not this one, so
    that a long diary never leaves one to guess."""
    local = local_time(at, tz)
    clock = "H:i:s" if seconds else "H:i"
    return dateformat.format(
        local, f"D j F, {clock}" if local.year == today.year else f"D j F Y, {clock}"
    )


def _told_apart(
    entries: list[dict[str, Any]], times: list[datetime], tz: tzinfo, today: date
) -> None:
    """Two check-ins in one minute (the double check-in this list is there to fix) would have
    the same heading and the same "Change the check-in of …": the seconds tell them apart, and
    failing those, a number."""
    minutes = Counter(e["when"] for e in entries)
    for entry, at in zip(entries, times, strict=True):
        if minutes[entry["when"]] > 1:
            entry["when"] = when(at, tz, today, seconds=True)
    labels = Counter(e["when"] for e in entries)
    seen: Counter[str] = Counter()
    for entry in reversed(entries):  # newest first: number them oldest first
        if labels[entry["when"]] > 1:
            seen[entry["when"]] += 1
            entry["when"] += f" ({seen[entry['when']]} of {labels[entry['when']]})"


def entry_facts(row: JournalEntry, c: CheckIn, tz: tzinfo, today: date) -> dict[str, Any]:
    """One check-in in words: region and muscle names rather than ids, the warning signs
    answered yes in the knowledge base's wording, empty or None where nothing was said."""
    kb = load_knowledge()

    def muscles(ids: tuple[str, ...]) -> str:
        return ", ".join(kb.sources[sid].name if sid in kb.sources else sid for sid in ids)

    warnings = [capitalized(kb.findings[fid].said_yes) for fid in c.warning_signs]
    warnings += [NEW_NUMBNESS] if c.new_numbness else []
    warnings += [NEW_WEAKNESS] if c.new_weakness else []
    return {
        "id": row.pk,
        "when": when(c.at, tz, today),
        "leg_pain": c.leg_pain,
        "back_pain": c.back_pain,
        "places": [
            {"name": kb.region_name(rid), "level": level}
            for rid, level in c.regions.items()
            if rid in kb.regions
        ],
        # an empty list is "not given" (nothing ticked), never "none"; minutes 0 was typed
        "massaged": muscles(c.massaged),
        "stretched": muscles(c.stretched),
        "minutes": c.minutes,
        "felt_after": c.felt_after,
        "sleep_disturbed": c.sleep_disturbed,
        "warnings": warnings,
        "note": c.note,
    }


def _own(user: Any, entry_id: int) -> JournalEntry:
    """The account's check-in, or 404: out of range, another's and gone look the same."""
    row = journal_store.get(user, entry_id) if valid_id(entry_id) else None
    if row is None:
        raise Http404("No check-in here.")
    return row


def _back_page(request: HttpRequest) -> int:
    """The page of the list the person came from, to go back to it (1 when not said)."""
    raw = str(request.POST.get("page") or request.GET.get("page") or "")
    return int(raw) if whole_number(raw) and len(raw) <= 6 and int(raw) > 1 else 1


def _list_url(page: int = 1, anchor: str = "") -> str:
    query = f"?{urlencode({'page': page})}" if page > 1 else ""
    return f"{reverse('pt-entries')}{query}{anchor}"


def _with_page(url: str, page: int) -> str:
    return f"{url}?{urlencode({'page': page})}" if page > 1 else url


# --------------------------------------------------------------------------- the list


@never_cache
@login_required
@require_GET
def entries_page(request: HttpRequest) -> HttpResponse:
    tz = time_zones.zone_of(request.user)
    today = local_today(tz)
    pages = Paginator(journal_store.newest_first(request.user), PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))  # not a number or too far: first or last
    entries, times = [], []
    for row in page.object_list:
        c = journal_store.to_checkin(row)
        facts = entry_facts(row, c, tz, today)
        facts["change_url"] = _with_page(reverse("pt-entry", args=[row.pk]), page.number)
        facts["delete_url"] = _with_page(reverse("pt-entry-delete", args=[row.pk]), page.number)
        entries.append(facts)
        times.append(c.at)
    _told_apart(entries, times, tz, today)
    context = {
        "entries": entries,
        "page": page,
        "newer_url": _list_url(page.previous_page_number()) if page.has_previous() else "",
        "older_url": _list_url(page.next_page_number()) if page.has_next() else "",
        "zone_name": time_zones.label(tz.key),
    }
    return render(request, "paintrace/account/entries.html", context)


# --------------------------------------------------------------------------- changing one


def _changes(old: CheckIn, new: CheckIn) -> dict[str, Any]:
    """Every field of the form, the time kept. The form can only tick a warning sign, so an
    empty box means "not answered"; a "no" given before (through the API or an import) is not
    taken back by a box that was left as it was. The form asks only the RESCREEN questions: any
    other warning sign the API or an import recorded is kept as it was, a "yes" above all (the
    clinician's exports and the plan's pause rest on it)."""
    changes = {f.name: getattr(new, f.name) for f in dataclasses.fields(new) if f.name != "at"}
    flags = {
        fid: value for fid, value in old.red_flags.items() if value is False or fid not in RESCREEN
    }
    changes["red_flags"] = {**flags, **new.red_flags}
    for key in ("new_numbness", "new_weakness"):
        if getattr(new, key) is None and getattr(old, key) is False:
            changes[key] = False
    return changes


def _adds_a_warning(old: CheckIn, new: CheckIn) -> bool:
    return bool(
        set(new.warning_signs) - set(old.warning_signs)
        or (new.new_numbness and not old.new_numbness)
        or (new.new_weakness and not old.new_weakness)
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_entry_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    row = _own(request.user, entry_id)
    old = journal_store.to_checkin(row)
    tz = time_zones.zone_of(request.user)
    said = when(old.at, tz, local_today(tz))
    back = _back_page(request)
    context = checkin_form.choices(request.user, also=old.massaged + old.stretched)
    context.update(
        form_action=reverse("pt-entry", args=[row.pk]),
        title=f"Change your check-in of {said}",
        heading=f"Change your check-in of {said}",
        intro="Change what is wrong and save. The time of the check-in stays as it was.",
        submit="Save the changes",
        cancel_url=_list_url(back, f"#entry-{row.pk}"),
        back_page=back if back > 1 else "",
        changing=True,
    )
    if request.method == "POST":
        try:
            c = parse_checkin(checkin_form.data(request.POST), load_knowledge())
        except InputError as exc:
            return checkin_form.sent_back(request, context, exc)
        assert isinstance(c, CheckIn)
        new = journal_store.update(row, _changes(old, c))
        if _adds_a_warning(old, new):
            from paintrace.web.summary_api import summary_for

            context = {"summary": summary_for(request.user), "flags": new.warning_signs}
            return render(request, "paintrace/account/checkin_warning.html", context)
        messages.success(request, f"Your check-in of {said} is changed.")
        return redirect(_list_url(back, f"#entry-{row.pk}"))
    shown = checkin_form.as_post(old)
    context.update(values=shown, kept=checkin_form.kept(shown))
    context.update(checkin_map.map_context(shown))
    return render(request, checkin_form.TEMPLATE, context)


# --------------------------------------------------------------------------- deleting one


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_entry_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    """GET asks, with what will go; only the POST deletes (a link or a prefetch must not)."""
    row = _own(request.user, entry_id)
    tz = time_zones.zone_of(request.user)
    facts = entry_facts(row, journal_store.to_checkin(row), tz, local_today(tz))
    back = _back_page(request)
    if request.method == "POST":
        journal_store.remove(row)
        messages.success(request, f"Your check-in of {facts['when']} is deleted.")
        return redirect(_list_url(back))
    context = {
        "entry": facts,
        "back_page": back if back > 1 else "",
        "cancel_url": _list_url(back, f"#entry-{row.pk}"),
    }
    return render(request, "paintrace/account/entry_delete.html", context)
