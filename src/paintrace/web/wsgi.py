"""WSGI entry point for gunicorn: ``gunicorn paintrace.web.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
application = get_wsgi_application()
