"""gunicorn's settings for plain gunicorn: ``gunicorn -c python:paintrace.web.gunicorn_conf``.

``paintrace serve`` runs gunicorn with ``paintrace.web.server.GUNICORN_OPTIONS``; a service
manager that starts gunicorn itself loads the same options from here, so the two cannot drift
apart. Without them gunicorn runs sync workers, which one slow client blocks, and its access
log writes every request line whole, assessment ids included.

Options given on gunicorn's command line (``--bind``, ``--access-logfile``) win over these.
"""

from __future__ import annotations

from paintrace.web.server import GUNICORN_OPTIONS, configured_workers

globals().update(GUNICORN_OPTIONS)  # gunicorn reads its settings from this module's names
workers = configured_workers()  # WEB_CONCURRENCY, else two per core (2-8), as `serve`
