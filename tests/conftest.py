"""Test environment shared by every test folder.

The core's tests never need Django, so Django is set up only when the run includes a folder of
web tests. Settings are read from the environment once, at import, so the environment is fixed
here before that: a throwaway data folder (tests never touch a real one), no stray PAINTRACE_*
variables from the developer's shell, and the database chosen by ``PAINTRACE_TEST_DB``:

    pytest                                  # SQLite (in memory)
    PAINTRACE_TEST_DB=postgres pytest tests/web   # a throwaway PostgreSQL server, started here
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
DJANGO_TEST_DIRS = [TESTS / name for name in ("web", "web_pages", "browser")]
SETTINGS_ENV = (
    "PAINTRACE_DEBUG",
    "PAINTRACE_SECURE",
    "PAINTRACE_SECRET_KEY",
    "PAINTRACE_ALLOWED_HOSTS",
    "PAINTRACE_STATIC_ROOT",
    "DATABASE_URL",
)
USE_POSTGRES = os.environ.get("PAINTRACE_TEST_DB", "sqlite").strip().lower() == "postgres"
_DATA_DIR = tempfile.mkdtemp(prefix="paintrace-test-")


def _isolate_environment() -> None:
    for name in SETTINGS_ENV:
        os.environ.pop(name, None)
    os.environ["PAINTRACE_DATA_DIR"] = _DATA_DIR
    # Tests post far faster than a person; the rate-limit tests switch limits on themselves.
    os.environ["PAINTRACE_RATE_LIMITS"] = "off"
    os.environ["DJANGO_SETTINGS_MODULE"] = "paintrace.web.settings"
    if USE_POSTGRES:
        # The ENGINE is fixed when settings are imported; the server's port is not known yet,
        # so django_db_modify_db_settings fills in HOST and PORT once it has started.
        os.environ["DATABASE_URL"] = "postgres://postgres@localhost/paintrace"


def _wants_django(config: pytest.Config) -> bool:
    base = Path(config.invocation_params.dir)
    args = [a.split("::")[0] for a in config.args if not a.startswith("-")] or ["tests"]
    for arg in args:
        path = (base / arg).resolve()
        for test_dir in DJANGO_TEST_DIRS:
            if path == test_dir or path in test_dir.parents or test_dir in path.parents:
                return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    _isolate_environment()
    if _wants_django(config):
        # Loading the settings now lets pytest-django's own pytest_configure, which runs after
        # this one, set Django up (and block database access outside django_db tests).
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


# ------------------------------------------------------------------ throwaway PostgreSQL


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return Path(found[-1])
    which = shutil.which("pg_ctl")
    if which:
        return Path(which).parent
    pytest.exit("PAINTRACE_TEST_DB=postgres but no PostgreSQL server binaries were found", 2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, Any]]:
    """initdb + pg_ctl in a temporary folder (about a second); stopped and deleted at the end.

    PostgreSQL refuses to run as root, so as root the commands run as the postgres user.
    """
    pg_bin = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="paintrace-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data, log = root / "data", root / "server.log"

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)

    try:
        run(
            str(pg_bin / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        run(str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.exit(f"could not start PostgreSQL: {exc.stderr}\n{server_log}", 2)
    try:
        yield {"HOST": "127.0.0.1", "PORT": str(port), "USER": "postgres", "PASSWORD": ""}
    finally:
        subprocess.run(
            [*as_user, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request: pytest.FixtureRequest, django_db_modify_db_settings_parallel_suffix: None
) -> None:
    if USE_POSTGRES:
        from django.conf import settings

        settings.DATABASES["default"].update(request.getfixturevalue("postgres_server"))


def _clear_kept_clinician_pdfs() -> None:
    module = sys.modules.get("paintrace.web.pages.clinician_pdf")  # never imported for the core
    if module is not None:
        module.KEPT.clear()


@pytest.fixture(autouse=True)
def _no_kept_clinician_pdfs() -> Iterator[None]:
    """Clinician PDFs are kept in memory by account number and page (pages.clinician_pdf): a
    test's account may have the number and journal of an earlier test's, and its kept PDF."""
    _clear_kept_clinician_pdfs()
    yield
    _clear_kept_clinician_pdfs()


@pytest.fixture
def freeze_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], datetime]:
    """Hold the journal's clock (paintrace.zones) at an instant, so today, this week and the
    reminders' first day are the same whatever day the tests run: `freeze_clock(instant)`."""
    from paintrace import zones

    def freeze(now: datetime) -> datetime:
        class Frozen(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
                return now.astimezone(tz) if tz else now.replace(tzinfo=None)

        monkeypatch.setattr(zones, "datetime", Frozen)
        return now

    return freeze
