"""Root URLconf: the JSON API under /api/, a health check, the HTML pages everywhere else."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from paintrace.web.api import api


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers, and the bare endpoint the API throughput benchmark compares with."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/", api.urls),
    path("healthz", healthz, name="pt-healthz"),
    path("", include("paintrace.web.pages.urls")),
]
