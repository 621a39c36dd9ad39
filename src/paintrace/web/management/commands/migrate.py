"""``manage.py migrate``: Django's, one process at a time per database.

``paintrace serve`` has always taken turns to migrate (paintrace.web.migrating); a plain
``python -m paintrace.web.manage migrate`` did not, so two deploy scripts, or a deploy beside a
starting ``serve``, could apply the same migration at once and the slower failed half-way on a
table the faster had just made. This command takes the same turn around Django's own.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate

from paintrace.web.migrating import one_at_a_time


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Waits while another process migrates the same database."

    def handle(self, *args: Any, **options: Any) -> None:
        with one_at_a_time(options["database"]):
            super().handle(*args, **options)
