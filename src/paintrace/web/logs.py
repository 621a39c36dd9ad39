"""Logs without secrets: an assessment id is the only key to someone's health data.

Every path that reaches a log line goes through :func:`redact_path`, which keeps the route and
drops the id (``/a/<aid>/plan.pdf``) and the query string. :class:`RedactFilter` does the same
for any text in a record (Django's "Not Found: /a/…" warnings, tracebacks' messages), and
:class:`AccessLogger` is gunicorn's logger with the request line, path, query and referrer
redacted, so the access log reads ``"POST /api/assessments" 201``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

# Paths that carry an id; anything that looks like one elsewhere is masked too. No upper bound on
# the length: an API token ("pt_" + 43) is longer than an id, and so is a link pasted with text
# glued to its end.
_ID_ROUTES = [
    (re.compile(r"^/a/[^/?#]+"), "/a/<aid>"),
    (re.compile(r"^/api/assessments/[^/?#]+"), "/api/assessments/<aid>"),
]
_ID_LIKE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")
_IN_TEXT = re.compile(r"/(?:a|api/assessments)/[^/\s\"'?#]+")


def _mask_id(match: re.Match[str]) -> str:
    """An id, token or secret is random URL-safe base64: it has a capital or a digit (all but
    about one in 10^8 of 22 characters). A long snake_case name in a traceback has neither and
    stays readable."""
    token = match.group(0)
    return "<id>" if any(c.isupper() or c.isdigit() for c in token) else token


def redact_path(path: str) -> str:
    path = path.split("?", 1)[0].split("#", 1)[0]
    for pattern, route in _ID_ROUTES:
        path, count = pattern.subn(route, path, count=1)
        if count:
            return path
    return _ID_LIKE.sub(_mask_id, path)


def redact_text(text: str) -> str:
    """Ids in a free text (a log message) replaced by their route placeholder."""

    def one(match: re.Match[str]) -> str:
        return redact_path(match.group(0))

    return _ID_LIKE.sub(_mask_id, _IN_TEXT.sub(one, text))


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it would
            return True
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, ()
        # A handler's formatter writes the traceback only after the filters ran, and uses
        # exc_text when it is set: so write it here, redacted.
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()


ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, minus ids and query strings in the access and error logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(RedactFilter())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms["U"] = path
        atoms["q"] = ""
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path}"
        atoms["f"] = "-"  # the referrer is a page of this site, with an id
        return atoms
