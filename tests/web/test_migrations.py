"""The upgrade path: models and migrations agree, and data written at every older schema state
reads back, through today's code, after migrating to the latest.

Runs on SQLite and, in the suite's PostgreSQL pass, on PostgreSQL (the tests use the database).
Migration 0003 cannot be undone (it replaces each assessment's id by its hash), so the app is
taken back before it by dropping its tables and forgetting its migrations, then brought
forward one published state at a time with rows written through the historical models, the
way that release's code wrote them.
"""

from __future__ import annotations

import copy
import io
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from paintrace.assessment import assess_input, parse_input
from paintrace.journal import CheckIn
from paintrace.web import accounts, crypto, journal_store, store, time_zones, view_links
from paintrace.web.models import new_assessment_id

from .helpers import VIGNETTES, fresh_environment, load_vignette

pytestmark = pytest.mark.django_db(transaction=True)

APP = "paintrace"
MANY = 2100  # more than one fetch of Django's iterator() (2000 rows), which 0003 walks


def test_models_and_migrations_agree() -> None:
    """A model change without its migration would reach users' databases only half done."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"a model changed without its migration:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


# ------------------------------------------------------------------------------ helpers


def _leaf() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes(APP)


def _migrate(name: str) -> Any:
    """Migrate the app to `name` (forwards or backwards); the historical apps at that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, name)])
    return MigrationExecutor(connection).loader.project_state((APP, name)).apps


@pytest.fixture
def latest_afterwards() -> Iterator[None]:
    """The app migrated to its latest state again after the test, whatever the test did."""
    leaf = _leaf()
    yield
    MigrationExecutor(connection).migrate(leaf)


@pytest.fixture
def before_any_migration(latest_afterwards: None) -> Iterator[None]:
    """The app's tables dropped and its migrations forgotten."""
    leaf = _leaf()
    models = MigrationExecutor(connection).loader.project_state(leaf).apps
    order = sorted(
        models.get_app_config(APP).get_models(), key=lambda m: m._meta.model_name == "assessment"
    )  # the assessment table last: view links point to it
    with connection.schema_editor() as editor:
        for model in order:
            editor.delete_model(model)
    MigrationRecorder(connection).migration_qs.filter(app=APP).delete()
    yield


def _case() -> dict[str, Any]:
    """A vignette's input, its drawing's regions in an order that is not sorted (the engine
    explains them in the order drawn, so a saved input must keep it)."""
    data = load_vignette(VIGNETTES[0])
    drawing = dict(reversed(list(data["drawing"].items())))
    assert list(drawing) != sorted(drawing)
    return {"drawing": drawing, "findings": data["findings"], "patient": data["patient"]}


def _result(inp: dict[str, Any], unknown: Collection[str] = ()) -> dict[str, Any]:
    parsed = parse_input(inp)
    return assess_input(parsed, skip=set(unknown) - set(parsed.findings)).to_dict()


# ------------------------------------------------------------------------------ the upgrade


def test_rows_from_every_published_state_survive_the_upgrade(
    before_any_migration: None, client: Client
) -> None:
    now = timezone.now()
    case = _case()

    # 0001: the first release kept the input and the result in plain JSON, keyed by the id.
    old = _migrate("0001_initial")
    Assessment = old.get_model(APP, "Assessment")
    first = Assessment.objects.create(input=case, result=_result(case))
    aid_first = first.pk

    # 0002: "I don't know" answers, the pain score and since when.
    old = _migrate("0002_answers_pain_since")
    Assessment = old.get_model(APP, "Assessment")
    assert Assessment.objects.get(pk=aid_first).unknown == []  # the new column's default
    answered = copy.deepcopy(case)
    skipped = sorted(answered["findings"])[:2]
    for fid in skipped:
        del answered["findings"][fid]
    aid_answered = Assessment.objects.create(
        input=answered,
        result=_result(answered, skipped),
        unknown=skipped,
        pain_score=7,
        pain_since="6-to-12-weeks",
    ).pk
    small = {"drawing": {"left.calf-upper": ["pain"]}, "findings": {}, "patient": {}}
    many = Assessment.objects.bulk_create(
        Assessment(input=small, result={}, pain_score=i % 11) for i in range(MANY)
    )
    pains = {row.pk: row.pain_score for row in many}
    aid_old = Assessment.objects.create(input=small, result={}).pk
    made_long_ago = now - timedelta(days=settings.RETENTION_DAYS + 1)
    Assessment.objects.filter(pk=aid_old).update(created_at=made_long_ago)

    # 0003 seals every row under its id and keeps only the id's hash; 0004 rewrites the table.
    old = _migrate("0004_rewrite_table")
    Assessment = old.get_model(APP, "Assessment")
    assert Assessment.objects.count() == MANY + 3  # none lost, none doubled
    # a record as that release's store wrote it (json, not orjson)
    aid_sealed = new_assessment_id()
    payload = {"v": 1, "input": case, "unknown": [], "pain": 3, "since": "over-12-weeks"}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    Assessment.objects.create(
        lookup=crypto.lookup_key(aid_sealed),
        sealed=crypto.seal(aid_sealed, raw, b"record"),
        expires_at=now + timedelta(days=settings.RETENTION_DAYS),
    )

    # 0005: accounts, tokens, saved assessments, check-ins, activity ratings, share links.
    old = _migrate("0005_accounts_journal")
    User = old.get_model("auth", "User")
    uid = User.objects.create(username="olga", password=make_password("an old password")).pk
    token = "pt_" + secrets.token_urlsafe(32)
    old.get_model(APP, "ApiToken").objects.create(user_id=uid, digest=accounts.digest(token))
    old.get_model(APP, "AccountAssessment").objects.create(
        user_id=uid,
        lookup=crypto.lookup_key(aid_answered),
        sealed_link=crypto.seal_for_account(uid, aid_answered.encode()),
    )
    old.get_model(APP, "Assessment").objects.filter(pk=crypto.lookup_key(aid_answered)).update(
        expires_at=None
    )  # saved to the account: kept
    Entry = old.get_model(APP, "JournalEntry")
    day = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    extra = {
        "note": "walked to the shop",
        "regions": {"left.leg-lateral": 4},
        "massaged": ["gluteus-minimus"],
        "felt_after": "better",
        "sleep_disturbed": True,
        "red_flags": {"fever": False},
    }
    sealed_extra = crypto.seal_for_account(
        uid, json.dumps(extra, separators=(",", ":")).encode(), b"check-in"
    )
    Entry.objects.create(user_id=uid, at=day, leg_pain=5, back_pain=2)  # minutes: 0 by default
    Entry.objects.create(
        user_id=uid,
        at=day + timedelta(days=1),
        leg_pain=4,
        back_pain=1,
        minutes=20,
        sealed=sealed_extra,
    )
    week = date(2026, 11, 30)
    old.get_model(APP, "ActivityScore").objects.create(
        user_id=uid, activity="sitting an hour", week=week, score=6
    )
    share_token = secrets.token_urlsafe(16)
    old.get_model(APP, "ShareLink").objects.create(
        user_id=uid, lookup=crypto.lookup_key(share_token), expires_at=now + timedelta(days=7)
    )

    # 0006: view-only links.
    old = _migrate("0006_assessment_view_links")
    view_token = secrets.token_urlsafe(24)
    old.get_model(APP, "AssessmentViewLink").objects.create(
        assessment_id=crypto.lookup_key(aid_answered),
        lookup=crypto.view_lookup(view_token),
        wrapped=crypto.wrap_for_view(view_token, aid_answered),
        expires_at=now + timedelta(days=7),
    )

    # 0008: the last state before a check-in's minutes could be unknown.
    old = _migrate("0008_drop_pattern_indexes")
    old.get_model(APP, "JournalEntry").objects.create(
        user_id=uid, at=day + timedelta(days=2), leg_pain=3, back_pain=1
    )

    # ---------------------------------------------------------------- the latest release
    call_command("migrate", APP, verbosity=0)
    assert MigrationExecutor(connection).migration_plan(_leaf()) == []

    saved = store.get(aid_first)
    assert saved is not None
    assert saved.input == case and list(saved.input["drawing"]) == list(case["drawing"])
    assert (saved.unknown, saved.pain_score, saved.pain_since) == ([], None, "")
    assert saved.result == _result(case)
    assert saved.expires_at == first.created_at + timedelta(days=settings.RETENTION_DAYS)

    saved = store.get(aid_answered)
    assert saved is not None
    assert saved.input == answered
    assert (saved.unknown, saved.pain_score, saved.pain_since) == (skipped, 7, "6-to-12-weeks")
    assert saved.result == _result(answered, skipped)
    assert saved.expires_at is None

    for aid, pain in pains.items():
        saved = store.get(aid)
        assert saved is not None and saved.input == small and saved.pain_score == pain, aid

    # made before retention existed, more than RETENTION_DAYS ago: expired by 0003, by design
    assert store.get(aid_old) is None

    saved = store.get(aid_sealed)
    assert saved is not None and saved.input == case
    assert (saved.pain_score, saved.pain_since) == (3, "over-12-weeks")

    # the account, through the API with its old token
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/journal/assessments", **auth)
    assert listed.status_code == 200, listed.content
    assert [(i["id"], i["pain"]) for i in listed.json()["items"]] == [(aid_answered, 7)]
    entries = client.get("/api/journal/entries", **auth)
    assert entries.status_code == 200, entries.content
    items = entries.json()["items"]
    # a blank minutes box was stored as 0 before 0009; such rows stay 0 (documented there)
    assert [(i["leg_pain"], i["minutes"]) for i in items] == [(5, 0), (4, 20), (3, 0)]
    assert {k: items[1][k] for k in extra} == extra
    assert items[0]["note"] == "" and items[0]["regions"] == {}
    user = get_user_model().objects.get(pk=uid)
    checkins = journal_store.checkins(user)
    assert [c.at for c in checkins] == [day, day + timedelta(days=1), day + timedelta(days=2)]
    assert [(r.activity, r.week, r.score) for r in journal_store.ratings(user)] == [
        ("sitting an hour", week, 6)
    ]
    shared = accounts.shared_account(share_token)
    assert shared is not None and shared[0].pk == uid and shared[1] is True
    assert client.get(f"/s/{share_token}/").status_code == 200

    opened = view_links.open_link(view_token)
    assert opened.saved is not None and opened.saved.id == aid_answered
    assert client.get(f"/v/{view_token}/").status_code == 200
    got = client.get(f"/api/assessments/{aid_first}")
    assert got.status_code == 200 and got.json()["input"]["drawing"] == case["drawing"]

    login = {"username": "olga", "password": "an old password"}
    response = client.post("/api/auth/token", login, content_type="application/json")
    assert response.status_code == 200  # the password hashed by that release

    # 0010: an account from before zones has chosen none; it counts days in the default zone
    me = client.get("/api/accounts/me", **auth)
    assert me.status_code == 200 and me.json()["time_zone"] == settings.PAINTRACE_TIME_ZONE
    summary = client.get("/api/journal/summary", **auth).json()
    assert [d["day"] for d in summary["series"]] == ["2026-12-01", "2026-12-02", "2026-12-03"]


# ------------------------------------------------------------------------------ going back

PASSWORD = "correct horse battery staple"


def _written_today() -> tuple[Any, str, str]:
    """An account in Sydney with a saved assessment, two check-ins (one without minutes) and a
    view link, written by today's code: (the account, the assessment's id, the view token)."""
    user = accounts.create_account("vera", PASSWORD, time_zone="Australia/Sydney")
    saved = store.save(parse_input(_case()), about={"pain": 4, "since": "under-6-weeks"})
    assert accounts.save_assessment(user, saved.id)
    day = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    journal_store.add(user, CheckIn(at=day, leg_pain=6, back_pain=3))
    later = CheckIn(
        at=day + timedelta(days=1), leg_pain=5, back_pain=2, minutes=15, note="long drive"
    )
    journal_store.add(user, later)
    made = view_links.create(saved.id, 7)
    assert made is not None
    return user, saved.id, made[1]


def test_back_to_0006_and_forward_again_keeps_every_row(latest_afterwards: None) -> None:
    """0010, 0009, 0008 and 0007 undo to the states before them with every row kept; a check-in
    whose minutes were not given holds 0 there, the only value that column knew. The zone the
    account chose goes with 0010's table: the account is back on the default zone."""
    user, aid, view_token = _written_today()
    assert time_zones.zone_name(user) == "Australia/Sydney"
    leaf = _leaf()

    old = _migrate("0008_drop_pattern_indexes")
    minutes = old.get_model(APP, "JournalEntry").objects.order_by("at")
    assert list(minutes.values_list("minutes", flat=True)) == [0, 15]
    _migrate("0006_assessment_view_links")
    MigrationExecutor(connection).migrate(leaf)

    saved = store.get(aid)
    assert saved is not None and (saved.pain_score, saved.pain_since) == (4, "under-6-weeks")
    assert saved.expires_at is None
    assert accounts.saved_links(user) == [aid]
    opened = view_links.open_link(view_token)
    assert opened.saved is not None and opened.saved.id == aid
    checkins = journal_store.checkins(user)
    assert [(c.leg_pain, c.minutes, c.note) for c in checkins] == [
        (6, 0, ""),  # unknown became 0 on the way back, and stays 0
        (5, 15, "long drive"),
    ]
    again = get_user_model().objects.get(pk=user.pk)
    assert time_zones.zone_name(again) == settings.PAINTRACE_TIME_ZONE


def test_going_back_past_0003_is_refused_before_anything_is_undone(latest_afterwards: None) -> None:
    """0003 replaced every id by its hash: it cannot be undone. Asking for a state before it
    must change nothing, not undo 0010 to 0004 (dropping the accounts' tables) and then fail."""
    user, aid, view_token = _written_today()
    leaf = _leaf()

    for target in ("0002", "zero"):
        with pytest.raises(CommandError, match="0003_sealed_records"):
            call_command("migrate", APP, target, verbosity=0)
        assert MigrationExecutor(connection).migration_plan(leaf) == []  # nothing undone

    assert store.get(aid) is not None
    assert accounts.saved_links(user) == [aid]
    assert len(journal_store.checkins(user)) == 2
    assert view_links.open_link(view_token).saved is not None
    again = get_user_model().objects.get(pk=user.pk)
    assert time_zones.zone_name(again) == "Australia/Sydney"


# ------------------------------------------------------------------------------ starting

# One `paintrace serve` starting: set up Django, say so, wait for the others, then prepare()
# (migrate and collect static files), as serve() does before gunicorn starts.
START = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
import django
django.setup()
from paintrace.web import server
open(sys.argv[1], "w").close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.005)
server.prepare()
"""

# One `python -m paintrace.web.manage migrate --noinput`, set up and then held at the same start
# line: the command as a deploy runs it, through manage's own entry point.
MIGRATE = START.replace(
    "server.prepare()",
    "from paintrace.web import manage; manage.main(['manage', 'migrate', '--noinput'])",
)

CHECK = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
executor = MigrationExecutor(connection)
assert not executor.migration_plan(executor.loader.graph.leaf_nodes()), "not all applied"
rows = list(MigrationRecorder.Migration.objects.values_list("app", "name"))
assert len(rows) == len(set(rows)), "a migration was applied twice"
"""


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of an instance on a database nothing has migrated yet: a new data folder
    (SQLite), or a new database on the suite's PostgreSQL server."""
    env = fresh_environment()
    env["PAINTRACE_DATA_DIR"] = str(tmp_path / "data")
    if connection.vendor != "postgresql":
        yield env
        return
    name = f"paintrace_start_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    yield env
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _at_once(tmp_path: Path, env: dict[str, str], script: str) -> None:
    """`script` in two processes, let go together once both are set up: both must succeed,
    and every migration must then be applied, once."""
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in ready
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(path.exists() for path in ready):
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            assert time.monotonic() < deadline, "the instances did not get ready"
            time.sleep(0.01)
        go.touch()
        errors = [p.communicate(timeout=120)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [0, 0], "\n".join(errors)
    done = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_instances_starting_at_once_all_start(
    tmp_path: Path, empty_database: dict[str, str]
) -> None:
    """Two instances started together on one database (or one data folder) both migrate on
    start: neither may fail on a table the other has just made, nor apply anything twice.
    (prepare() holds the turn around the migrate command, which takes it too: re-entrant.)"""
    _at_once(tmp_path, empty_database, START)


def test_two_migrate_commands_at_once_take_turns(
    tmp_path: Path, empty_database: dict[str, str]
) -> None:
    """`manage migrate` run twice at once (two deploy scripts, a deploy and a `serve`) took no
    turn: the slower failed on a table the faster had just made. It now takes the same turn
    as `paintrace serve`."""
    _at_once(tmp_path, empty_database, MIGRATE)


def test_the_turn_is_reentrant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare() holds the turn and runs migrate, which asks for it again in the same thread:
    a second lock on the same file (or a second advisory lock from another connection) would
    wait for ever on the first. (The suite's SQLite is in memory, which takes no turn: here a
    database file stands in for it.)"""
    import threading
    from types import SimpleNamespace

    from paintrace.web import migrating

    if connection.vendor == "sqlite":
        on_file = SimpleNamespace(
            vendor="sqlite",
            is_in_memory_db=lambda: False,
            settings_dict={"NAME": str(tmp_path / "db.sqlite3")},
        )
        monkeypatch.setattr(migrating, "connections", {"default": on_file})
    done = threading.Event()

    def nested() -> None:
        with migrating.one_at_a_time(), migrating.one_at_a_time():
            done.set()
        with migrating.one_at_a_time():  # and let go when the outer turn ends
            done.set()

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(10)
    assert done.is_set() and not thread.is_alive(), "one_at_a_time() waited for itself"
