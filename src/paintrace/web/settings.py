"""Django settings, read from the environment once, at import.

Every knob is an environment variable parsed strictly: a typo such as ``PAINTRACE_DEBUG=yes``
stops the server with ImproperlyConfigured instead of silently running with the wrong value.
With nothing set, the app runs on a laptop: SQLite in a per-user data folder and a secret key
generated once and kept there. See docs/deploy.md for every variable.
"""

from __future__ import annotations

import os
import re
import secrets
import string
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from paintrace.typed_text import whole_number

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true"):
        return True
    if value in ("0", "false"):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, got {raw!r}")


def default_data_dir() -> Path:
    """The XDG data folder (what platformdirs would pick on Linux), without the dependency."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "paintrace"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "paintrace"


def data_dir() -> Path:
    raw = os.environ.get("PAINTRACE_DATA_DIR", "").strip()
    path = Path(raw).expanduser() if raw else default_data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"PAINTRACE_DATA_DIR: cannot create the data folder {str(path)!r}: {exc}"
        ) from exc
    return path


_HOST = re.compile(r"^(\*|\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])$")


def parse_allowed_hosts(raw: str) -> list[str]:
    hosts = [h.strip() for h in raw.split(",")]
    for host in hosts:
        if not _HOST.match(host):
            raise ImproperlyConfigured(
                f"PAINTRACE_ALLOWED_HOSTS must be a comma-separated list of host names, such as "
                f"'paintrace.example.org,.example.net,127.0.0.1'; {host!r} is not one (in {raw!r})"
            )
    return hosts


# A statement that a connection has run this many times is prepared on the server: parsed and
# planned once, then only bound and run. Measured under load on the assessment write, the
# database server's CPU per request fell from about 0.31 to 0.24 ms. Django turns preparing off
# by default for PgBouncer's transaction mode before 1.21, which loses prepared statements
# between transactions; such a pooler needs ?prepare_threshold=off (docs/deploy.md).
PREPARE_THRESHOLD = 5


def parse_database_url(url: str) -> dict[str, Any]:
    """``postgres://user:pass@host:port/name?sslmode=require`` -> a DATABASES entry.

    Written here rather than with dj-database-url: PostgreSQL is the one server database
    supported, and a clear error for a malformed URL matters more than breadth.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// (PostgreSQL is the only server "
            f"database supported), got scheme {parts.scheme!r}"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name or "/" in name:
        raise ImproperlyConfigured(
            "DATABASE_URL must name the database, e.g. postgres://user:pass@host:5432/paintrace"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL has a bad port: {exc}") from exc
    options = dict(parse_qsl(parts.query, keep_blank_values=False, strict_parsing=False))
    conn_max_age = options.pop("conn_max_age", "60")
    if not whole_number(conn_max_age):
        raise ImproperlyConfigured("DATABASE_URL: conn_max_age must be a whole number of seconds")
    prepare = options.pop("prepare_threshold", str(PREPARE_THRESHOLD))
    if prepare != "off" and not whole_number(prepare):
        raise ImproperlyConfigured(
            "DATABASE_URL: prepare_threshold must be a whole number of runs, or off"
        )
    return {
        "ENGINE": "paintrace.web.postgresql",  # Django's, with a cheaper health check
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(port or ""),
        "CONN_MAX_AGE": int(conn_max_age),
        "CONN_HEALTH_CHECKS": True,
        # sslmode, application_name, ... go straight to libpq
        "OPTIONS": {**options, "prepare_threshold": None if prepare == "off" else int(prepare)},
    }


_PHONE = re.compile(r"^\+?[0-9]{2,15}$")


def parse_emergency_number(raw: str) -> str:
    """The number the emergency result's call button dials: digits, optionally a leading +."""
    number = raw.replace(" ", "").replace("-", "")
    if not _PHONE.match(number):
        raise ImproperlyConfigured(
            f"PAINTRACE_EMERGENCY_NUMBER must be a phone number of 2 to 15 digits, such as 112, "
            f"911, 999 or 000, optionally with a leading +; got {raw!r}"
        )
    return number


def parse_time_zone(raw: str) -> str:
    """The zone an account has until its owner chooses one: an IANA name, checked at start."""
    from paintrace.zones import is_zone

    if not is_zone(raw):
        raise ImproperlyConfigured(
            f"PAINTRACE_TIME_ZONE must be an IANA time zone name, such as UTC, Europe/Berlin or "
            f"Australia/Sydney (see zoneinfo.available_timezones()); got {raw!r}"
        )
    return raw


def strong_secret(key: str) -> bool:
    """Django's own bar (check security.W009): 50+ characters, 5+ distinct."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure")


def persisted_secret_key(folder: Path) -> str:
    """Generate the key once and keep it, so sessions survive restarts on a laptop.

    Written to a temporary file and linked into place: several gunicorn workers starting at once
    all end up reading the same key, never a half-written one.
    """
    path = folder / "secret_key"
    if not path.exists():
        alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
        key = "".join(secrets.choice(alphabet) for _ in range(64))
        tmp = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            tmp.unlink()
    key = path.read_text().strip()
    if not strong_secret(key):
        raise ImproperlyConfigured(f"the secret key in {path} is too weak; delete the file")
    return key


DATA_DIR = data_dir()
DEBUG = env_bool("PAINTRACE_DEBUG")
SECURE = env_bool("PAINTRACE_SECURE")

SECRET_KEY = os.environ.get("PAINTRACE_SECRET_KEY", "").strip()
if SECRET_KEY:
    if not DEBUG and not strong_secret(SECRET_KEY):
        raise ImproperlyConfigured(
            "PAINTRACE_SECRET_KEY must be at least 50 random characters (5+ distinct); "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
else:
    SECRET_KEY = persisted_secret_key(DATA_DIR)

ALLOWED_HOSTS = parse_allowed_hosts(
    os.environ.get("PAINTRACE_ALLOWED_HOSTS", "").strip() or "localhost,127.0.0.1,[::1]"
)

# The emergency result's call button (a tel: link). 112 works across Europe and in many other
# countries; the page also tells people to use their local number.
EMERGENCY_NUMBER = parse_emergency_number(
    os.environ.get("PAINTRACE_EMERGENCY_NUMBER", "").strip() or "112"
)

# The time zone of an account whose owner has not chosen one (sign-up without JavaScript, and
# accounts made before zones): its days are counted there (paintrace.web.time_zones). Pages
# without an account stay in TIME_ZONE, UTC.
PAINTRACE_TIME_ZONE = parse_time_zone(os.environ.get("PAINTRACE_TIME_ZONE", "").strip() or "UTC")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "paintrace.web.apps.StaticFilesConfig",  # django.contrib.staticfiles, minus ReDoc
    "django_htmx",
    "ninja",  # in INSTALLED_APPS so /api/docs uses ninja's bundled swagger-ui, not a CDN
    "paintrace.web.apps.PaintraceWebConfig",
    "paintrace.web.pages",
    "axes",  # log-in lockout (django-axes), after the apps it watches
]

MIDDLEWARE = [
    # first: also on the answers SecurityMiddleware gives alone (the HTTPS redirect)
    "paintrace.web.middleware.PrivacyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "paintrace.web.middleware.SecurityHeadersMiddleware",
    "paintrace.web.middleware.HeadAsGetMiddleware",  # outside gzip: HEAD gets GET's length
    "paintrace.web.middleware.HtmlGZipMiddleware",
    "paintrace.web.api_edges.ApiEdgesMiddleware",
    "paintrace.web.error_title.ErrorTitleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "paintrace.web.time_zones.AccountTimeZoneMiddleware",  # a logged-in person's own clock
    "django.contrib.messages.middleware.MessageMiddleware",
    "paintrace.web.middleware.NotAllowedPageMiddleware",  # inside messages: it renders a page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "paintrace.web.ratelimit.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out log-in into a 429
]

ROOT_URLCONF = "paintrace.web.urls"
WSGI_APPLICATION = "paintrace.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database: SQLite in WAL mode by default, PostgreSQL when DATABASE_URL is set ------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "paintrace.sqlite3",
            "OPTIONS": {
                # WAL lets readers run while a writer commits; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue on busy_timeout instead of failing with "locked".
                # secure_delete: deleted rows are overwritten with zeros in the file, whatever
                # the SQLite build's default (see docs/security.md).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # One connection per worker thread, kept: opening one per request (and the WAL
            # checkpoint SQLite runs when the last connection closes) cost more than the engine.
            "CONN_MAX_AGE": None,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_ENGINE = "django.contrib.sessions.backends.db"  # stateless web tier: scale out freely
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# --- accounts: django-axes locks a username out from an address after repeated failed log-ins
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "paintrace.web.ratelimit.axes_client_ip"  # the same proxy rules
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "paintrace.web.ratelimit.axes_lockout"
LOGIN_URL = "pt-login"
LOGIN_REDIRECT_URL = "pt-progress"
LOGOUT_REDIRECT_URL = "pt-bodymap"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- static files: WhiteNoise (see paintrace.web.storage) ----------------------------------
STATIC_URL = "/static/"
# The self-care technique figures live with the knowledge base (the PDF handout inlines them);
# the pages serve the same files, under this prefix, as plain images.
TECHNIQUE_FIGURES = PACKAGE_DIR.parent / "knowledge" / "figures"
STATICFILES_DIRS = [("paintrace/technique-figures", TECHNIQUE_FIGURES)]
STATIC_ROOT = Path(os.environ.get("PAINTRACE_STATIC_ROOT", "").strip() or DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "paintrace.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve uncollected files from the packages
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # plain names still work, through the finders
# Source maps are for developers' tools: several MB that no page loads, not worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# --- security headers (CSP and friends: paintrace.web.middleware) --------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx and fetch read it to send X-CSRFToken
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if SECURE:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- size limits -----------------------------------------------------------------------------
# An assessment is a few KB (every region and every finding is under 16 KB); refuse more. The
# same bound is enforced while the body is read (paintrace.web.wsgi), with a deadline.
MAX_REQUEST_BYTES = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
BODY_READ_TIMEOUT = 10  # seconds to send a whole request body; slower clients get 408
MAX_RECORD_BYTES = 32 * 1024  # one saved assessment, sealed (paintrace.web.store)
# A journal's JSON export (years of daily check-ins with notes) re-imports through this path
# only, read by the view itself (paintrace.web.exports_api.import_journal).
MAX_IMPORT_BYTES = 4 * 1024 * 1024
LARGE_BODY_PATHS = {"/api/journal/import": MAX_IMPORT_BYTES}


def parse_positive_int(name: str, default: int, lowest: int = 1, highest: int = 36_500) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not whole_number(raw) or not lowest <= int(raw) <= highest:
        raise ImproperlyConfigured(f"{name} must be a whole number from {lowest} to {highest}")
    return int(raw)


# --- retention ---------------------------------------------------------------------------------
# Anonymous assessments are deleted this many days after they were made (`manage.py
# purge_expired`, scheduled in docs/deploy.md; reads treat expired rows as gone at once).
RETENTION_DAYS = parse_positive_int("PAINTRACE_RETENTION_DAYS", 90)

# --- sessions: only the unfinished interview lives there; it must not outlast the visit --------
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- rate limits (paintrace.web.ratelimit) -----------------------------------------------------
DEFAULT_RATE_LIMITS = (
    "assessment=10/m+120/h,interview=120/m+1500/h,change=30/m+300/h,"
    "checkin=30/m+300/h,login=10/m+50/h,write=120/m+1500/h,render=20/m+200/h"
)
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RULE = re.compile(r"^(\d{1,7})/([smhd])$")


def parse_rate_limits(raw: str) -> dict[str, list[tuple[int, int]]]:
    """``scope=N/period+N/period,...`` -> {scope: [(limit, seconds), ...]}; ``off``: none."""
    if raw.strip().lower() in ("off", "0", "none"):
        return {}
    out: dict[str, list[tuple[int, int]]] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        scope, _, rules = part.partition("=")
        parsed = []
        for rule in rules.split("+"):
            match = _RULE.match(rule.strip())
            if not scope.strip().isidentifier() or not match or int(match.group(1)) < 1:
                raise ImproperlyConfigured(
                    "PAINTRACE_RATE_LIMITS must look like 'assessment=10/m+120/h,interview=120/m' "
                    f"(periods s, m, h, d) or 'off'; {part!r} is not"
                )
            parsed.append((int(match.group(1)), _PERIODS[match.group(2)]))
        out[scope.strip()] = parsed
    return out


RATE_LIMITS = parse_rate_limits(DEFAULT_RATE_LIMITS)
if os.environ.get("PAINTRACE_RATE_LIMITS", "").strip():
    _custom = parse_rate_limits(os.environ["PAINTRACE_RATE_LIMITS"])
    RATE_LIMITS = {**RATE_LIMITS, **_custom} if _custom else {}
# Proxies whose X-Forwarded-For is believed (the client is the last address before them).
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("PAINTRACE_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# --- caches: counters for the rate limits, rendered PDFs, worked-out results -----------------
# Rate-limit counters: by default in a small SQLite file in the data folder, shared by every
# worker process of this machine (paintrace.web.counters). PAINTRACE_SHARED_CACHE=1 keeps them in
# the database instead, shared by every instance too (`createcachetable`).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pt"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "paintrace_cache"}
        if env_bool("PAINTRACE_SHARED_CACHE")
        else {
            "BACKEND": "paintrace.web.counters.SQLiteCounters",
            "LOCATION": str(DATA_DIR / "ratelimit.sqlite3"),
        }
    ),
}

# --- encryption of saved assessments (paintrace.web.crypto) ----------------------------------
DATA_PEPPER = os.environ.get("PAINTRACE_DATA_PEPPER", "").strip()

# --- PDFs: at most this many renders at once per process; others wait, then get a 503 ---------
PDF_RENDERS = 1
PDF_WAIT_SECONDS = 15

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No assessment ids (the only key to someone's health data) in any log line: paths are
    # logged as their route ("/a/<aid>/"), see paintrace.web.logs.
    "filters": {"redact": {"()": "paintrace.web.logs.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # WeasyPrint warns about every CSS property it ignores, on every render.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
