"""The time zone times on a page are shown in, by name: the logged-in person's own zone
(paintrace.web.time_zones activates it), UTC for everyone else."""

from __future__ import annotations

from django import template
from django.utils import timezone

from paintrace.web.time_zones import label

register = template.Library()


@register.simple_tag
def zone_name() -> str:
    """ "Australia/Sydney", "America/Los Angeles" or "UTC": said beside a time, so that nobody
    has to guess which clock it is on."""
    return label(timezone.get_current_timezone_name())
