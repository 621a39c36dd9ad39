"""``paintrace serve``: one command that turns a laptop into a working paintrace server.

It prepares what a fresh data folder lacks (database tables, collected static files) and then
runs gunicorn in-process, the same server used in production, rather than Django's runserver.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import socket
import sys
from pathlib import Path
from typing import Any

from paintrace.typed_text import whole_number

_ANY_ADDRESS = {"0.0.0.0", "::", ""}


def _allow_host(host: str) -> None:
    """Let the address the user asked for through ALLOWED_HOSTS, unless they chose the list."""
    if os.environ.get("PAINTRACE_ALLOWED_HOSTS", "").strip() or host in _ANY_ADDRESS:
        return
    name = f"[{host}]" if ":" in host else host
    defaults = ["localhost", "127.0.0.1", "[::1]"]
    if name not in defaults:
        os.environ["PAINTRACE_ALLOWED_HOSTS"] = ",".join([*defaults, name])


def default_workers() -> int:
    """Two worker processes per CPU core (at least 2, at most 8).

    The engine is CPU-bound Python: threads of one process share one core (the GIL), so only
    processes use several cores. And a worker keeps the keep-alive connections it accepted, so
    with as many workers as cores a few busy clients can all land on one process and leave a
    core idle; measured with 8 clients on 2 cores, 2 workers served 530-900 assessments a
    second, 4 workers 900-1,050 (bench/load.py). Each worker costs about 65 MB of memory (its
    proportional share, PSS, once it has served every kind of page) and, on PostgreSQL, up to
    one connection per busy thread (docs/deploy.md).
    """
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(2, min(8, 2 * cores))


def port_in_use(host: str, port: int) -> bool:
    """True if something already listens on host:port.

    Each worker binds its own socket with SO_REUSEPORT (see ``GUNICORN_OPTIONS``), which would
    also let a second ``paintrace serve`` share a port that is taken. A plain bind, without that
    flag, still fails on a taken port, so this keeps "address in use" a clear error.
    """
    try:
        # AI_PASSIVE: an empty host means every address, as gunicorn binds it
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror:
        return False  # gunicorn reports a bad address itself
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def preload_for_workers() -> None:
    """Load what requests need once, in the master, and take it out of the GC's sight.

    gunicorn forks the workers from this process, so what is loaded here is shared by all of
    them instead of being loaded again by each one's first requests: the knowledge base, the
    compiled model and the body map, the URLconf (every view module and the API's schemas:
    about 0.2 s), the templates, compiled, and WeasyPrint (0.7 s to import). Measured on 4
    workers just started, each worker's first assessment took 190-330 ms instead of 20-35, its
    first body map page 350-390 ms instead of 30-45, its first handout 0.8-1.4 s instead of 0.2
    (the render itself), and the workers together 418 MB (PSS) instead of 331.

    ``gc.freeze()`` then moves every object alive now (Django, the app, the knowledge base) to
    a generation the collector never scans: measured under a stream of assessments, the
    workers' garbage collection fell from about 114 to 54 µs of CPU per request, and the
    collector no longer writes to those objects' pages, which stay shared between workers.
    """
    from django.urls import reverse

    from paintrace.bodymap import load_bodymap
    from paintrace.inference import compiled_model
    from paintrace.knowledge import load_knowledge

    compiled_model(load_knowledge())
    load_bodymap()
    reverse("pt-healthz")  # loads the URLconf and compiles every route's reverse pattern
    compile_templates()
    import weasyprint  # noqa: F401  (the handout renderer, imported on first use otherwise)

    gc.collect()
    gc.freeze()


def compile_templates() -> list[str]:
    """Compile the app's templates into Django's template cache; returns their names."""
    from django.template import loader

    root = Path(__file__).with_name("templates")
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    for name in names:
        loader.get_template(name)
    return names


def configured_workers() -> int:
    """WEB_CONCURRENCY if set (1-64), else default_workers()."""
    raw = os.environ.get("WEB_CONCURRENCY", "").strip() or str(default_workers())
    if not whole_number(raw) or not 1 <= int(raw) <= 64:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"WEB_CONCURRENCY must be a number from 1 to 64, got {raw!r}")
    return int(raw)


def static_fingerprint() -> str:
    """A hash of every static file's path, size and mtime, to tell whether to collect again."""
    from django.apps import apps
    from django.contrib.staticfiles.finders import get_finders

    ignore = apps.get_app_config("staticfiles").ignore_patterns
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list(ignore), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static_if_needed() -> bool:
    """Run collectstatic when the packages' static files differ from the last collection."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = settings.STATIC_ROOT / ".paintrace-fingerprint"
    fingerprint = static_fingerprint()
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.is_file() and stamp.is_file() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


def prepare() -> None:
    """Migrate the database and collect static files; safe to run on every start, and by
    several instances starting at once: they take turns (paintrace.web.migrating)."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    from paintrace.web.migrating import one_at_a_time

    with one_at_a_time():
        call_command("migrate", interactive=False, verbosity=0)
        collect_static_if_needed()
    connections.close_all()  # gunicorn forks: workers must not share the master's connection


# Threads, not sync workers: a thread waits on a slow client while the others serve, and idle
# connections wait in the poller, not in a thread. Bodies are read with a deadline
# (paintrace.web.bodylimit); headers are bounded in number and size. The access log names
# routes, never ids (paintrace.web.logs).
GUNICORN_OPTIONS: dict[str, Any] = {
    "worker_class": "paintrace.web.worker.ThreadWorker",  # gthread + a deadline on heads
    "threads": 16,
    "timeout": 30,  # a worker silent this long is restarted
    "graceful_timeout": 10,
    "keepalive": 5,
    # Each worker listens on its own socket and the kernel spreads new connections over them.
    # With one shared socket, whichever worker wakes first accepts: measured, all 8 or all 32
    # keep-alive clients of a load test sometimes landed on one worker, which then served them
    # one at a time behind its GIL (330-390 assessments a second instead of 700-860, and 60 %
    # more CPU per request) while the other workers idled.
    "reuse_port": True,
    "limit_request_line": 4094,
    "limit_request_fields": 50,
    "limit_request_field_size": 8190,
    "logger_class": "paintrace.web.logs.AccessLogger",
    "access_log_format": '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms',
}


def _database_label() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db['NAME']} on {db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Prepare the data folder and serve the app with gunicorn until interrupted."""
    from gunicorn.app.base import BaseApplication

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
    _allow_host(host)
    if port_in_use(host, port):
        print(
            f"paintrace: port {port} is already in use on {host or 'all addresses'}; "
            "stop what runs there or choose another port with --port",
            file=sys.stderr,
        )
        raise SystemExit(2)
    from django.core.exceptions import ImproperlyConfigured

    try:
        prepare()
        workers = configured_workers()
    except ImproperlyConfigured as exc:
        print(f"paintrace: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc

    from django.conf import settings

    from paintrace.web.wsgi import application

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": bind,
                "workers": workers,
                **GUNICORN_OPTIONS,
                "errorlog": "-",
                "loglevel": "warning",
                "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
                "proc_name": "paintrace",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    shown = "localhost" if host in _ANY_ADDRESS else (f"[{host}]" if ":" in host else host)
    print(f"paintrace {_version()} serving at http://{shown}:{port}/  (Ctrl+C to stop)")
    print(f"  data: {settings.DATA_DIR}  database: {_database_label()}")
    if host in _ANY_ADDRESS and not os.environ.get("PAINTRACE_ALLOWED_HOSTS"):
        print(
            "  note: listening on all addresses; set PAINTRACE_ALLOWED_HOSTS to the names "
            "other machines use to reach this one"
        )
    sys.stdout.flush()
    preload_for_workers()
    _Gunicorn().run()


def _version() -> str:
    from paintrace import __version__

    return __version__
