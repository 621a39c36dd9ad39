"""``python -m paintrace.web.manage <command>``: Django's manage.py for the installed package."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paintrace.web.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if args:
        args[0] = "python -m paintrace.web.manage"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
