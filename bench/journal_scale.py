"""`make journal-scale`: the journal at scale on PostgreSQL (issue 10).

Loads 10,000 accounts and 1,000,000 check-ins (100 per account over the last 100 days, day
by day across accounts, so one account's rows are spread over the table; one in ten with
sealed details) into a throwaway PostgreSQL server with COPY, then measures, in process
through Django's test client (the whole middleware stack, no network), a person's
progress page (`/journal/`) and `GET /api/journal/summary` for random accounts that have a
saved assessment, and prints p50/p95/max and the EXPLAIN (ANALYZE, BUFFERS) of the check-in
query. The bar: p95 under 50 ms for both.

    python bench/journal_scale.py [--accounts 10000] [--per-account 100] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import postgres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--per-account", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sample", type=int, default=100, help="accounts measured")
    args = parser.parse_args()
    with postgres() as url:
        if url is None:
            sys.exit("PostgreSQL server binaries are not installed")
        os.environ.update(
            DATABASE_URL=url,
            PAINTRACE_DATA_DIR=tempfile.mkdtemp(prefix="paintrace-scale-"),
            PAINTRACE_RATE_LIMITS="off",
            PAINTRACE_ALLOWED_HOSTS="testserver,localhost",
            DJANGO_SETTINGS_MODULE="paintrace.web.settings",
        )
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from paintrace.journal import CheckIn
    from paintrace.web import accounts, journal_store
    from paintrace.web.models import JournalEntry

    call_command("migrate", verbosity=0)
    rng = random.Random(10)
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as cur:
            with cur.copy(
                "COPY auth_user (password, is_superuser, username, first_name, last_name, email,"
                " is_staff, is_active, date_joined) FROM STDIN"
            ) as copy:
                for n in range(args.accounts):
                    copy.write_row(("!", False, f"user{n}", "", "", "", False, True, now))
            cur.execute("SELECT min(id), max(id) FROM auth_user")
            first, last = cur.fetchone()
            ids = list(range(first, last + 1))
            sealed_one = {}
            with cur.copy(
                "COPY paintrace_journalentry (user_id, at, leg_pain, back_pain, minutes, warning,"
                " sealed) FROM STDIN"
            ) as copy:
                # Day by day across all accounts, as real check-ins arrive: one account's rows
                # are spread over the table, not stored together.
                level = {uid: rng.randint(4, 9) for uid in ids}
                for day in range(args.per_account):
                    for uid in ids:
                        at = now - timedelta(days=args.per_account - day, hours=rng.randint(0, 8))
                        leg = level[uid] = min(10, max(0, level[uid] + rng.choice((-1, 0, 0, 1))))
                        sealed = None
                        if day % 10 == 0:
                            if uid not in sealed_one:
                                c = CheckIn(at=at, leg_pain=leg, back_pain=2, note="long drive")
                                sealed_one[uid] = journal_store._columns(uid, c)["sealed"]
                            sealed = sealed_one[uid]
                        copy.write_row((uid, at, leg, rng.randint(0, 8), 15, False, sealed))
        cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    total = JournalEntry.objects.count()
    print(f"loaded {len(ids):,} accounts and {total:,} check-ins in {loaded:.0f} s")

    # The measured accounts have a saved assessment (its plan's muscles, the reassessment).
    from django.contrib.auth.models import User

    case = {
        "drawing": {"right.buttock-center": ["pain"], "right.thigh-posterior-upper": ["pain"]},
        "findings": {"saddle-numbness": False, "worse-sitting": True},
    }
    sample = rng.sample(ids, args.sample)
    clients = []
    for uid in sample:
        user = User.objects.get(pk=uid)
        made = Client().post("/api/assessments", json.dumps(case), content_type="application/json")
        accounts.save_assessment(user, made.json()["id"])
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients.append(client)

    results = {}
    for name, path in (
        ("progress page", "/journal/"),
        ("GET /api/journal/summary", "/api/journal/summary"),
    ):
        for client in clients[:10]:  # warm up: caches, connections
            assert client.get(path).status_code == 200
        times = []
        for _ in range(args.requests):
            client = rng.choice(clients)
            t = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        results[name] = {"p50": statistics.median(times), "p95": p95, "max": times[-1]}
        print(
            f"{name:28} p50 {results[name]['p50']:6.1f} ms   p95 {p95:6.1f} ms   "
            f"max {times[-1]:6.1f} ms   ({args.requests} requests, {len(clients)} accounts)"
        )
    uid = sample[0]
    sql, params = (
        JournalEntry.objects.filter(user_id=uid)
        .only("id", "user_id", "at", "leg_pain", "back_pain", "minutes", "sealed")
        .order_by("at", "id")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print("\nEXPLAIN (ANALYZE, BUFFERS) of one account's check-ins:\n" + plan)
    ok = all(r["p95"] < 50 for r in results.values())
    print("\n" + ("PASS" if ok else "FAIL") + ": p95 under 50 ms")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
