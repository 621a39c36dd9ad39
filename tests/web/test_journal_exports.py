"""Exports (CSV, JSON that re-imports with nothing lost, FHIR R4), share links for a clinician
(read-only, expiring, revocable), the clinician PDF and the .ics reminders; each refuses other
accounts."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paintrace.journal import RESCREEN
from paintrace.web.models import ShareLink

from .test_journal_api import Bearer, assessment_id, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client: Client) -> Bearer:
    return sign_up(client, "alice")


@pytest.fixture
def bob() -> Bearer:
    return sign_up(Client(), "bob")


def fill(user: Bearer, vignette: dict[str, Any]) -> str:
    aid = assessment_id(vignette)
    assert user.post("/api/journal/assessments", {"id": aid}).status_code == 201
    for day, (leg, note) in enumerate([(7, "=SUM(A1)"), (6, 'better, "quoted"'), (4, "")], 1):
        body = {
            "leg_pain": leg,
            "back_pain": 2,
            "note": note,
            "at": f"2026-11-0{day}T08:00:00+00:00",
            "minutes": 20,
            "felt_after": "better",
            "regions": {"right.buttock-center": leg},
        }
        assert user.post("/api/journal/entries", body).status_code == 201
    user.post("/api/journal/activities", {"activity": "sitting", "score": 4, "week": "2026-11-02"})
    return aid


def test_csv_export(alice: Bearer, vignette: dict[str, Any]) -> None:
    fill(alice, vignette)
    r = alice.get("/api/journal/export?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:3] == ["at", "leg_pain", "back_pain"]
    assert [row[1] for row in rows[1:4]] == ["7", "6", "4"]
    assert "'=SUM(A1)" in r.content.decode()  # never a formula in a spreadsheet


def test_fhir_export_is_a_valid_r4_bundle(alice: Bearer, vignette: dict[str, Any]) -> None:
    from fhir.resources.R4B.bundle import Bundle

    fill(alice, vignette)
    r = alice.get("/api/journal/export?format=fhir")
    assert r.status_code == 200 and r["Content-Type"] == "application/fhir+json"
    data = json.loads(r.content)
    bundle = Bundle.model_validate(data)
    kinds = {e.resource.__resource_type__ for e in bundle.entry}
    assert {"Patient", "Observation", "QuestionnaireResponse", "Questionnaire"} <= kinds
    assert "alice" not in r.content.decode()  # pseudonymous


def test_bad_format_is_422(alice: Bearer) -> None:
    r = alice.get("/api/journal/export?format=xml")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "format"]


def test_json_export_reimports_into_another_account(
    alice: Bearer, bob: Bearer, vignette: dict[str, Any]
) -> None:
    fill(alice, vignette)
    exported = json.loads(alice.get("/api/journal/export?format=json").content)
    r = bob.post("/api/journal/import", exported)
    assert r.status_code == 201, r.content
    assert r.json() == {"assessments": 1, "checkins": 3, "activities": 1}
    again = json.loads(bob.get("/api/journal/export?format=json").content)
    assert again == exported
    summary = bob.get("/api/journal/summary").json()
    assert [d["leg"] for d in summary["series"]] == [7, 6, 4]


def test_i_dont_know_answers_survive_export_and_import(alice: Bearer, bob: Bearer) -> None:
    """An answer of "I don't know" is not a question never asked: the interview does not ask
    it again, and the result page lists it. It travels with the export."""
    from paintrace.assessment import parse_input
    from paintrace.web import store

    drawing = {"right.buttock-center": ["pain"]}
    inp = parse_input({"drawing": drawing, "findings": {"worse-sitting": True}})
    saved = store.save(inp, unknown=["saddle-numbness"])
    assert alice.post("/api/journal/assessments", {"id": saved.id}).status_code == 201
    exported = json.loads(alice.get("/api/journal/export?format=json").content)
    assert exported["assessments"][0]["unknown"] == ["saddle-numbness"]
    assert bob.post("/api/journal/import", exported).status_code == 201
    assert json.loads(bob.get("/api/journal/export?format=json").content) == exported
    bad = {**exported, "assessments": [{**exported["assessments"][0], "unknown": ["nope"]}]}
    r = bob.post("/api/journal/import", bad)
    assert r.status_code == 422 and "unknown" in json.dumps(r.json()["detail"][0]["loc"])


def test_a_bad_import_adds_nothing(bob: Bearer) -> None:
    data = {
        "format": "paintrace-journal",
        "version": 1,
        "checkins": [
            {"at": "2026-11-01T08:00:00+00:00", "leg_pain": 3, "back_pain": 2},
            {"at": "2026-11-02T08:00:00+00:00", "leg_pain": 30, "back_pain": 2},
        ],
    }
    r = bob.post("/api/journal/import", data)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["body", "checkins"]
    assert bob.get("/api/journal/entries").json()["items"] == []


_checkin = st.fixed_dictionaries(
    {
        "at": st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 11, 1)).map(
            lambda d: d.replace(tzinfo=UTC, microsecond=0).isoformat()
        ),
        "leg_pain": st.integers(0, 10),
        "back_pain": st.integers(0, 10),
        # any text a person can type; NUL and lone surrogates are refused (test_nul_bytes.py)
        "note": st.text(
            st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40
        ),
        "minutes": st.none() | st.integers(0, 600),
        "felt_after": st.sampled_from([None, "better", "same", "worse"]),
        "sleep_disturbed": st.sampled_from([None, True, False]),
        "red_flags": st.dictionaries(st.sampled_from(RESCREEN), st.booleans(), max_size=3),
        "new_numbness": st.sampled_from([None, True, False]),
        "regions": st.dictionaries(
            st.sampled_from(["right.buttock-center", "left.calf-upper"]),
            st.integers(1, 10),
            max_size=2,
        ),
    }
)
_activity = st.fixed_dictionaries(
    {
        "activity": st.sampled_from(["sitting", "walking the dog", "driving"]),
        "score": st.integers(0, 10),
        "week": st.dates(min_value=datetime(2024, 1, 1).date()).map(lambda d: d.isoformat()),
    }
)
_counter = iter(range(10**6))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checkins=st.lists(_checkin, max_size=6), activities=st.lists(_activity, max_size=4))
def test_json_round_trip_loses_nothing(
    checkins: list[dict[str, Any]], activities: list[dict[str, Any]]
) -> None:
    n = next(_counter)
    one, two = sign_up(Client(), f"rt{n}a"), sign_up(Client(), f"rt{n}b")
    for body in checkins:
        assert one.post("/api/journal/entries", body).status_code == 201, body
    for body in activities:
        assert one.post("/api/journal/activities", body).status_code == 201
    exported = json.loads(one.get("/api/journal/export?format=json").content)
    assert bob_import(two, exported).status_code == 201
    assert json.loads(two.get("/api/journal/export?format=json").content) == exported
    assert len(exported["checkins"]) == len(checkins)


def bob_import(user: Bearer, data: Any) -> Any:
    return user.post("/api/journal/import", data)


# ------------------------------------------------------------------------------ sharing


def test_both_kinds_of_link_read_days_alike(alice: Bearer) -> None:
    """7.0 is the JSON number 7 for a journal link as for a view-only link."""
    aid = assessment_id({"drawing": {"right.buttock-center": ["pain"]}, "findings": {}})
    for path in ("/api/journal/shares", f"/api/assessments/{aid}/shares"):
        assert alice.post(path, {"days": 2.0}).status_code == 201, path
        assert alice.post(path, {"days": 2.5}).status_code == 422, path


def test_share_link_is_read_only_and_revocable(alice: Bearer, vignette: dict[str, Any]) -> None:
    fill(alice, vignette)
    for days in (0, 31, "7", None):
        assert alice.post("/api/journal/shares", {"days": days}).status_code == 422
    r = alice.post("/api/journal/shares", {"days": 7})
    assert r.status_code == 201
    share = r.json()
    assert share["url"].startswith("/s/")
    clinician = Client()
    page = clinician.get(share["url"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "read-only" in html and "<svg" in html and "<form" not in html.split("</header>")[1]
    assert clinician.post(share["url"]).status_code == 405
    assert clinician.delete(share["url"]).status_code == 405
    pdf = clinician.get(share["url"] + "summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    token = share["url"].split("/")[2]
    assert token not in "".join(ShareLink.objects.values_list("lookup", flat=True))
    assert [s["id"] for s in alice.get("/api/journal/shares").json()["items"]] == [share["id"]]
    assert alice.delete(f"/api/journal/shares/{share['id']}").status_code == 204
    assert clinician.get(share["url"]).status_code == 404


def test_an_expired_share_link_is_410(alice: Bearer) -> None:
    url = alice.post("/api/journal/shares", {"days": 1}).json()["url"]
    ShareLink.objects.update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert Client().get(url).status_code == 410


def test_others_cannot_revoke_or_list_a_share(alice: Bearer, bob: Bearer) -> None:
    share = alice.post("/api/journal/shares", {"days": 3}).json()
    assert bob.delete(f"/api/journal/shares/{share['id']}").status_code == 404
    assert bob.get("/api/journal/shares").json() == {"items": []}
    assert Client().get(share["url"]).status_code == 200


def test_others_exports_hold_only_their_own(
    alice: Bearer, bob: Bearer, vignette: dict[str, Any]
) -> None:
    fill(alice, vignette)
    data = json.loads(bob.get("/api/journal/export?format=json").content)
    assert data["checkins"] == [] and data["assessments"] == [] and data["activities"] == []
    assert "=SUM" not in bob.get("/api/journal/export?format=csv").content.decode()
    fhir = json.loads(bob.get("/api/journal/export?format=fhir").content)
    assert not [e for e in fhir["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert bob.get("/api/journal/reminders.ics").status_code == 404


def test_exports_need_a_login() -> None:
    anon = Bearer(Client(), None)
    for path in ("/api/journal/export?format=json", "/api/journal/shares"):
        assert anon.get(path).status_code == 401
    assert anon.post("/api/journal/import", {"format": "x"}).status_code == 401


# ------------------------------------------------------------------------------ reminders, PDF


def test_reminders_ics(alice: Bearer, vignette: dict[str, Any]) -> None:
    from paintrace.knowledge import load_knowledge
    from paintrace.triage import open_red_flags

    fill(alice, vignette)
    # unknown is never no: no reminders for a plan whose warning signs are still open
    r = alice.get("/api/journal/reminders.ics?at=07:30")
    assert r.status_code == 404 and "warning-sign questions" in r.json()["detail"]
    answered = {**vignette, "findings": dict(vignette["findings"])}
    for fid in open_red_flags(load_knowledge(), vignette["drawing"], vignette["findings"]):
        answered["findings"][fid] = False
    assert (
        alice.post("/api/journal/assessments", {"id": assessment_id(answered)}).status_code == 201
    )
    r = alice.get("/api/journal/reminders.ics?at=07:30")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    assert r.content.startswith(b"BEGIN:VCALENDAR")
    assert alice.get("/api/journal/reminders.ics?at=7am").status_code == 422


def test_clinician_pdf_for_the_owner(client: Client, vignette: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    user = sign_up(client, "carl")
    fill(user, vignette)
    client.force_login(get_user_model().objects.get(username="carl"))
    r = client.get("/journal/summary.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")
def test_the_clinician_pdf_shows_a_pain_of_0_and_the_day_it_is_from(client: Client) -> None:
    """0 out of 10 is an answer, not a gap: the PDF prints it, and says which check-in "now"
    comes from (a journal may have been left for weeks)."""
    from django.contrib.auth import get_user_model

    user = sign_up(client, "zoe")
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    first = {"leg_pain": 1, "back_pain": 0, "at": yesterday}
    assert user.post("/api/journal/entries", first).status_code == 201
    assert user.post("/api/journal/entries", {"leg_pain": 0, "back_pain": 0}).status_code == 201
    client.force_login(get_user_model().objects.get(username="zoe"))
    pdf = client.get("/journal/summary.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    line = " ".join(text.stdout.decode().split())
    today = timezone.now().date().isoformat()
    assert f"baseline 1.0, now 0.5 (latest check-in {today}), important" in line
    assert "improvement at or below 0.0 (2 points" in line


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")
def test_the_journal_offers_a_plan_only_while_it_may_be_followed(client: Client) -> None:
    """Unknown is never no, and a warning sign at a check-in pauses the plan: in both cases the
    check-in offers none of its muscles, the calendar has no sessions, and the clinician summary
    names no plan (it lists the unanswered questions instead)."""
    from django.contrib.auth import get_user_model

    from paintrace.knowledge import load_knowledge
    from paintrace.web import store

    def pdf_text() -> str:
        pdf = client.get("/journal/summary.pdf").content
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        return out.stdout.decode()

    def offered() -> tuple[bool, int]:
        checkin = client.get("/journal/check-in/").content.decode()
        return "Massaged the" in checkin, erin.get("/api/journal/reminders.ics").status_code

    erin = sign_up(client, "erin")
    client.force_login(get_user_model().objects.get(username="erin"))
    drawing = {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]}
    case = {"drawing": drawing, "findings": {"worse-sitting": True}}
    aid = assessment_id(case)
    result = store.get(aid).result
    assert result["plan"]["muscles"] and result["triage"]["unanswered"]
    assert erin.post("/api/journal/assessments", {"id": aid}).status_code == 201
    assert offered() == (False, 404)
    text = pdf_text()
    assert "Warning signs not answered" in text and "Self-care plan" not in text

    flags = [f.id for f in load_knowledge().findings.values() if f.group == "red-flag"]
    answered = {**case, "findings": {**case["findings"], **dict.fromkeys(flags, False)}}
    assert erin.post("/api/journal/assessments", {"id": assessment_id(answered)}).status_code == 201
    assert offered() == (True, 200)
    text = pdf_text()
    assert "Self-care plan" in text and "Warning signs not answered" not in text

    warning = {"leg_pain": 5, "back_pain": 2, "red_flags": {"saddle-numbness": True}}
    assert erin.post("/api/journal/entries", warning).status_code == 201
    assert offered() == (False, 404)  # paused by the journal


def test_clinician_pdfs_count_as_renders_and_wait_their_turn(
    client: Client, settings: Any, rate_windows: None, vignette: dict[str, Any]
) -> None:
    """Built from a journal that may be years long, and open to anyone with a share link: each
    one counts against `render`, and a render takes its turn among the PDF renders."""
    from django.contrib.auth import get_user_model

    from paintrace.web import pdf

    fill(sign_up(client, "dora"), vignette)
    client.force_login(get_user_model().objects.get(username="dora"))
    settings.PDF_WAIT_SECONDS = 0.01
    assert pdf._RENDERS.acquire()
    try:
        busy = client.get("/journal/summary.pdf")
    finally:
        pdf._RENDERS.release()
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    settings.RATE_LIMITS = {"render": [(1, 60)]}
    assert client.get("/journal/summary.pdf").status_code == 200
    refused = client.get("/journal/summary.pdf")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


def test_a_clinician_pdf_is_rendered_once_for_what_it_shows(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any, vignette: dict[str, Any]
) -> None:
    """Rendered afresh on every request, a summary took up to 2 s of CPU each time. It is
    kept under a digest of the page it is made from: asked again, it is served without a
    render (also through a share link, and while the renderer is busy); anything that changes
    what it shows (a check-in added, edited or deleted, a rating) renders it afresh; deleting
    the account drops it, and nothing of it is ever written to disk."""
    from django.contrib.auth import get_user_model

    from paintrace.web import pdf
    from paintrace.web.pages import clinician_pdf

    renders: list[str] = []
    real_render = clinician_pdf.render

    def counted(html: str) -> bytes:
        renders.append(html)
        return real_render(html)

    monkeypatch.setattr(clinician_pdf, "render", counted)
    files_before = sorted(p for p in settings.DATA_DIR.rglob("*") if p.is_file())
    dora = sign_up(client, "dora")
    fill(dora, vignette)
    user = get_user_model().objects.get(username="dora")
    client.force_login(user)

    def summary() -> bytes:
        response = client.get("/journal/summary.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        return bytes(response.content)

    first = summary()
    assert summary() == first and len(renders) == 1
    share = dora.post("/api/journal/shares", {"days": 7}).json()["url"]
    assert Client().get(share + "summary.pdf").content == first and len(renders) == 1
    settings.PDF_WAIT_SECONDS = 0.01
    assert pdf._RENDERS.acquire()
    try:
        assert summary() == first  # a kept PDF does not wait for a render slot
    finally:
        pdf._RENDERS.release()
    assert len(renders) == 1

    entry: list[str] = []
    changes = [
        lambda: entry.append(dora.post("/api/journal/entries", {"leg_pain": 2, "back_pain": 1})),
        lambda: dora.patch(f"/api/journal/entries/{entry[0].json()['id']}", {"leg_pain": 1}),
        lambda: dora.delete(f"/api/journal/entries/{entry[0].json()['id']}"),
        lambda: dora.post("/api/journal/activities", {"activity": "walking", "score": 6}),
    ]
    previous = first
    for n, change in enumerate(changes, 2):
        change()
        now = summary()
        assert now != previous and len(renders) == n, n
        assert summary() == now and len(renders) == n  # and kept again
        previous = now
    assert renders[3] == renders[0]  # the check-in deleted: the journal is as it was
    assert clinician_pdf.KEPT.accounts() == [user.pk]

    assert dora.delete("/api/accounts/me").status_code == 204
    assert clinician_pdf.KEPT.accounts() == []
    assert sorted(p for p in settings.DATA_DIR.rglob("*") if p.is_file()) == files_before


def test_kept_clinician_pdfs_expire_and_stay_within_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from paintrace.web.pages import clinician_pdf

    now = [0.0]
    kept = clinician_pdf._Kept(clock=lambda: now[0])
    kept.put(1, "a", b"%PDF one")
    assert kept.get(1, "a") == b"%PDF one" and kept.get(1, "b") is None
    kept.put(1, "b", b"%PDF two")  # a newer journal replaces the older PDF
    assert kept.get(1, "a") is None and kept.get(1, "b") == b"%PDF two"
    now[0] = clinician_pdf.TTL_SECONDS + 1
    assert kept.get(1, "b") is None and kept.accounts() == []
    monkeypatch.setattr(clinician_pdf, "MAX_BYTES", 10)
    for account in range(3):
        kept.put(account, "a", b"%PDF")  # 4 bytes each: the oldest goes
    assert kept.accounts() == [1, 2]
    kept.put(9, "a", b"x" * 11)  # too large to keep at all
    assert kept.accounts() == [1, 2]


def test_a_long_journal_reimports(alice: Bearer, bob: Bearer) -> None:
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    checkins = [
        {
            "at": (start + timedelta(days=n)).isoformat(),
            "leg_pain": n % 11,
            "back_pain": 2,
            "note": f"day {n}: " + "walked to the shop and back, sat through lunch " * 3,
        }
        for n in range(600)
    ]
    data = {"format": "paintrace-journal", "version": 1, "checkins": checkins}
    assert len(json.dumps(data)) > 64 * 1024  # larger than any other request may be
    r = bob.post("/api/journal/import", data)
    assert r.status_code == 201, r.content[:300]
    assert r.json()["checkins"] == 600
    seen, path = 0, "/api/journal/entries?limit=200"
    while path:
        page = bob.get(path).json()
        seen += len(page["items"])
        path = page["next"]
    assert seen == 600


def test_an_expired_clinician_pdf_goes_even_when_its_account_never_asks_again(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/security.md: each kept PDF at most 10 minutes. One was dropped only when its own
    account asked for it again, so a PDF of an account deleted in another worker, or of one
    that never came back, stayed in memory with its health data for as long as the worker
    lived. Now any request to the worker drops the PDFs past their time."""
    from paintrace.web.pages import clinician_pdf

    now = [0.0]
    kept = clinician_pdf._Kept(clock=lambda: now[0])
    kept.put(1, "a", b"%PDF one")
    now[0] = clinician_pdf.TTL_SECONDS + 1
    kept.put(2, "a", b"%PDF two")  # another account's PDF
    assert kept.accounts() == [2]
    now[0] = 3 * clinician_pdf.TTL_SECONDS
    assert kept.get(3, "a") is None and kept.accounts() == []

    monkeypatch.setattr(clinician_pdf, "KEPT", kept)
    kept.put(4, "a", b"%PDF four")
    now[0] = 5 * clinician_pdf.TTL_SECONDS
    client.get("/")  # any request, not a PDF
    assert kept.accounts() == []


def test_a_render_finishing_after_its_account_was_deleted_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A PDF render takes a second or more; the account can be deleted meanwhile. The render
    then put the PDF back in memory after the deletion had dropped it. A deleted account's
    PDF is now never kept, and the list of deleted accounts stays bounded."""
    from paintrace.web.pages import clinician_pdf

    kept = clinician_pdf._Kept()
    kept.put(1, "a", b"%PDF one")
    kept.forget(1)  # the account is deleted while a newer render runs
    kept.put(1, "b", b"%PDF one, rendered meanwhile")
    assert kept.accounts() == [] and kept.get(1, "b") is None
    kept.put(2, "a", b"%PDF two")  # other accounts are kept as before
    assert kept.accounts() == [2]

    monkeypatch.setattr(clinician_pdf, "MAX_GONE", 3)
    for account in range(10, 15):
        kept.forget(account)
    kept.put(10, "a", b"%PDF")  # remembered longest ago: let go of first
    kept.put(14, "a", b"%PDF")
    assert kept.accounts() == [2, 10]
