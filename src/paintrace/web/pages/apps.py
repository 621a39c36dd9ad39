from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "paintrace.web.pages"
    label = "paintrace_pages"
    verbose_name = "paintrace pages"
