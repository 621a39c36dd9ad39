"""App configs: paintrace itself (the Assessment model) and static files."""

from typing import ClassVar

import django.contrib.staticfiles.apps as staticfiles_apps
from django.apps import AppConfig


class PaintraceWebConfig(AppConfig):
    name = "paintrace.web"
    label = "paintrace"
    verbose_name = "paintrace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_migrate

        from paintrace.web.migrating import refuse_irreversible

        # a way back that would stop half-way is refused before it starts
        pre_migrate.connect(refuse_irreversible, sender=self, dispatch_uid="paintrace.irreversible")


class StaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """collectstatic without ReDoc: the API docs page uses swagger-ui, and compressing ReDoc's
    megabyte bundle would only slow every deploy down."""

    ignore_patterns: ClassVar[list[str]] = [
        *staticfiles_apps.StaticFilesConfig.ignore_patterns,
        "ninja/redoc.*",
    ]
