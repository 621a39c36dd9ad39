"""Root URLconf: the JSON API under /api/, the HTML pages (package ``pages``) everywhere else."""

from django.urls import include, path

from paintrace.web.api import api

urlpatterns = [
    path("api/", api.urls),
]

try:  # the pages package is built alongside; the API must work without it
    import paintrace.web.pages.urls  # noqa: F401
except ImportError as exc:  # pragma: no cover - only before the pages package exists
    if exc.name != "paintrace.web.pages" and exc.name != "paintrace.web.pages.urls":
        raise  # a real import error inside the pages package must not be hidden
else:
    urlpatterns.append(path("", include("paintrace.web.pages.urls")))
