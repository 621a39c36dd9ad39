"""The headers every answer with health data carries: no cache may store it, no search engine
may index it.

Django's answers get them from ``middleware.PrivacyHeadersMiddleware``; the answers made below
Django (the body-size guard in ``bodylimit``, gunicorn's own in ``worker``) write them from here,
so the three cannot drift apart.
"""

from __future__ import annotations

NO_STORE = "no-store"
NO_INDEX = "noindex, nofollow"
PRIVATE_HEADERS = (("Cache-Control", NO_STORE), ("X-Robots-Tag", NO_INDEX))
