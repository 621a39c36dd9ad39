"""Settings from the environment: strict parsing, a laptop default, a clean deploy check."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from paintrace.web import settings as s

from .helpers import fresh_environment

STRONG_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Settings are read once per process, so each configuration gets its own."""
    clean = fresh_environment()
    clean.update({"PAINTRACE_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-m", "paintrace.web.manage", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestParsing:
    @pytest.mark.parametrize(
        ("raw", "want"),
        [("1", True), ("0", False), ("true", True), ("False", False), (" 1 ", True), ("", False)],
    )
    def test_bool(self, monkeypatch: pytest.MonkeyPatch, raw: str, want: bool) -> None:
        monkeypatch.setenv("PAINTRACE_DEBUG", raw)
        assert s.env_bool("PAINTRACE_DEBUG") is want

    @pytest.mark.parametrize("raw", ["yes", "2", "on", "debug"])
    def test_bad_bool(self, monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
        monkeypatch.setenv("PAINTRACE_DEBUG", raw)
        with pytest.raises(ImproperlyConfigured, match="PAINTRACE_DEBUG must be 0 or 1"):
            s.env_bool("PAINTRACE_DEBUG")

    def test_database_url(self) -> None:
        db = s.parse_database_url(
            "postgres://app:p%40ss@db.internal:6432/paintrace?sslmode=require"
        )
        assert db["ENGINE"] == "paintrace.web.postgresql"  # Django's, with a cheaper health check
        assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("paintrace", "app", "p@ss")
        assert (db["HOST"], db["PORT"]) == ("db.internal", "6432")
        assert db["OPTIONS"] == {"sslmode": "require", "prepare_threshold": s.PREPARE_THRESHOLD}
        assert db["CONN_HEALTH_CHECKS"] is True

    @pytest.mark.parametrize(("raw", "want"), [("0", 0), ("12", 12), ("off", None)])
    def test_database_url_prepare_threshold(self, raw: str, want: int | None) -> None:
        db = s.parse_database_url(f"postgres://u@h/db?prepare_threshold={raw}")
        assert db["OPTIONS"] == {"prepare_threshold": want}  # None: never prepare (old poolers)

    def test_database_url_with_socket_and_defaults(self) -> None:
        db = s.parse_database_url("postgresql://%2Fvar%2Frun%2Fpostgresql/paintrace")
        assert (db["HOST"], db["PORT"], db["USER"]) == ("/var/run/postgresql", "", "")

    @pytest.mark.parametrize(
        ("url", "complaint"),
        [
            ("mysql://u:p@h/db", "PostgreSQL is the only"),
            ("sqlite:///x.db", "PostgreSQL is the only"),
            ("postgres://u:p@h:5432/", "must name the database"),
            ("postgres://u:p@h:99999/db", "bad port"),
            ("postgres://u:p@h:abc/db", "bad port"),
            ("postgres://u@h/db?conn_max_age=soon", "conn_max_age"),
            ("postgres://u@h/db?prepare_threshold=-1", "prepare_threshold"),
            ("postgres://u@h/db?prepare_threshold=never", "prepare_threshold"),
        ],
    )
    def test_bad_database_url(self, url: str, complaint: str) -> None:
        with pytest.raises(ImproperlyConfigured, match=complaint):
            s.parse_database_url(url)

    def test_allowed_hosts(self) -> None:
        assert s.parse_allowed_hosts("a.example.org, .example.net,127.0.0.1,[::1],*") == [
            "a.example.org",
            ".example.net",
            "127.0.0.1",
            "[::1]",
            "*",
        ]

    @pytest.mark.parametrize("raw", ["a b", "http://a.org", "a.org,", "a.org/x", "u@a.org"])
    def test_bad_allowed_hosts(self, raw: str) -> None:
        with pytest.raises(ImproperlyConfigured, match="PAINTRACE_ALLOWED_HOSTS"):
            s.parse_allowed_hosts(raw)

    @pytest.mark.parametrize("raw", ["UTC", "Australia/Sydney", "America/Los_Angeles"])
    def test_time_zone(self, raw: str) -> None:
        assert s.parse_time_zone(raw) == raw

    @pytest.mark.parametrize("raw", ["utc", "Sydney", "+10:00", "localtime", "Europe/"])
    def test_bad_time_zone(self, raw: str) -> None:
        with pytest.raises(ImproperlyConfigured, match="PAINTRACE_TIME_ZONE must be an IANA"):
            s.parse_time_zone(raw)

    def test_data_dir_follows_xdg(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
        assert s.default_data_dir() == tmp_path / "paintrace"
        monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
        assert s.default_data_dir() == Path.home() / ".local" / "share" / "paintrace"

    def test_secret_key_is_made_once_and_kept_private(self, tmp_path: Path) -> None:
        first = s.persisted_secret_key(tmp_path)
        assert s.strong_secret(first)
        assert s.persisted_secret_key(tmp_path) == first
        mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
        assert mode == 0o600
        assert list(tmp_path.iterdir()) == [tmp_path / "secret_key"]  # no temp files left


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    done = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PAINTRACE_SECURE="1",
        PAINTRACE_DEBUG="0",
        PAINTRACE_SECRET_KEY=STRONG_KEY,
        PAINTRACE_ALLOWED_HOSTS="paintrace.example.org",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_generated_key_passes_check_deploy_too(tmp_path: Path) -> None:
    done = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PAINTRACE_SECURE="1",
        PAINTRACE_ALLOWED_HOSTS="paintrace.example.org",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_laptop_defaults_are_flagged_by_check_deploy(tmp_path: Path) -> None:
    """Without PAINTRACE_SECURE the deploy check must complain, so nobody ships it by mistake."""
    done = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W008" in done.stderr  # no SSL redirect


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PAINTRACE_DEBUG": "yes"}, "PAINTRACE_DEBUG must be 0 or 1"),
        ({"PAINTRACE_SECRET_KEY": "short"}, "PAINTRACE_SECRET_KEY must be at least 50"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with postgres://"),
        ({"PAINTRACE_TIME_ZONE": "Mars/Olympus"}, "PAINTRACE_TIME_ZONE must be an IANA"),
    ],
)
def test_bad_environment_stops_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    done = run_manage(tmp_path, "check", **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and message in done.stderr


def test_sqlite_database_is_in_wal_mode(tmp_path: Path) -> None:
    done = run_manage(tmp_path, "migrate", "-v", "0")
    assert done.returncode == 0, done.stderr
    db = tmp_path / "data" / "paintrace.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"paintrace_assessment", "django_session"} <= tables
    assert (tmp_path / "data" / "secret_key").is_file()
