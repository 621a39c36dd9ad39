"""WSGI entry point for gunicorn: ``gunicorn paintrace.web.wsgi:application``.

Bodies are read whole first, bounded in size and time (:mod:`paintrace.web.bodylimit`).
"""

import os

from django.core.wsgi import get_wsgi_application

from paintrace.web.bodylimit import wrap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
application = wrap(get_wsgi_application())
