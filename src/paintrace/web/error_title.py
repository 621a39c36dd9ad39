""" "Error: " at the start of the title of every HTML page answered with 400.

A form sent back with its errors is a whole new page: the title is the first thing a screen
reader says, and the browser tab shows it too (WCAG 3.3.1). Done once here rather than in every
view that may refuse a form, so a new one cannot forget it. Runs inside the gzip middleware, on
the plain HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_TITLE = b"<title>"
_PREFIX = b"<title>Error: "


class ErrorTitleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 400
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and _TITLE in response.content
            and _PREFIX not in response.content
        ):
            response.content = response.content.replace(_TITLE, _PREFIX, 1)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
