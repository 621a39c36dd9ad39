"""gunicorn's settings for plain gunicorn: ``gunicorn -c python:paintrace.web.gunicorn_conf``.

``paintrace serve`` runs gunicorn with ``paintrace.web.server.GUNICORN_OPTIONS``; a service
manager that starts gunicorn itself loads the same options from here, the same worker count,
and the same preloading before the workers fork. Without them gunicorn runs sync workers, which
one slow client blocks, and its access log writes every request line whole, assessment ids
included.

What stays the command line's: the address (``--bind``), the access log's destination
(``--access-logfile``) and the trusted proxies (``--forwarded-allow-ips``); options given there
win over these. ``serve`` also migrates and collects static files, which a deployment does as
its own steps (docs/deploy.md).
"""

from __future__ import annotations

import os
from typing import Any

from paintrace.web.server import GUNICORN_OPTIONS, configured_workers, preload_for_workers

globals().update(GUNICORN_OPTIONS)  # gunicorn reads its settings from this module's names
workers = configured_workers()  # WEB_CONCURRENCY, else two per core (2-8), as `serve`


def on_starting(server: Any) -> None:
    """In the master, before the first fork: what `serve` preloads, shared by every worker."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
    django.setup()
    preload_for_workers()
