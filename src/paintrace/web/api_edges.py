"""The API's edges answer in JSON, like the rest of it.

django-ninja answers a wrong method with a plain-text 405, and an address under /api/ that
names nothing falls through to the HTML pages' 404. A client of the API then meets an error it
cannot read the way it reads every other one. (HEAD reaches the API as GET:
:class:`paintrace.web.middleware.HeadAsGetMiddleware`.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from paintrace.web.middleware import allowed_methods

PREFIX = "/api/"


def _is_json(response: HttpResponse) -> bool:
    return "json" in response.get("Content-Type", "")


def nothing_here() -> JsonResponse:
    """The 404 for an address under /api/ that names nothing (a typo, a trailing slash, an id
    of the wrong type)."""
    return JsonResponse(
        {"detail": "Nothing at this address. The API's addresses are listed at /api/docs."},
        status=404,
    )


def _not_allowed(response: HttpResponse) -> JsonResponse:
    listed = ", ".join(sorted(allowed_methods(response)))
    answer = JsonResponse(
        {"detail": f"This address does not take that method. It takes {listed}."}, status=405
    )
    answer["Allow"] = listed
    return answer


class ApiEdgesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        response = self.get_response(request)
        if response.status_code == 405 and not _is_json(response):
            response = _not_allowed(response)
        elif response.status_code == 404 and not _is_json(response):
            response = nothing_here()
        return response
