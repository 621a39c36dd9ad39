"""The accounts and journal API: /api/accounts, /api/auth/token and /api/journal/...

One router made of small ones, each in the module named for what it holds: accounts_api
(accounts and tokens), entries_api (check-ins and activity ratings), summary_api (progress and
saved assessments), exports_api (exports, import, reminders) and shares_api (read-only links).
What they share (who is asking, strict bodies, errors) is in journal_http.
"""

from __future__ import annotations

from ninja import Router

from paintrace.web import accounts_api, entries_api, exports_api, shares_api, summary_api

router = Router()
for _part in (accounts_api, entries_api, summary_api, exports_api, shares_api):
    router.add_router("", _part.router)
