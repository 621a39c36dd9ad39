"""Migrating a running install: never half-way back.

:func:`refuse_irreversible` guards the way back: asked for a state before a migration that
cannot be undone, Django undoes every later migration first and fails only when it reaches that
one (``migrate paintrace 0002`` dropped the tables of accounts, check-ins and view links, then
stopped at 0003). It is refused before anything is undone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError


def refuse_irreversible(plan: Any = None, **kwargs: Any) -> None:
    """``pre_migrate``: refuse a plan that undoes a migration that cannot be undone, before it
    undoes anything. (With ``--fake`` too: the signal does not say, and recording a state the
    tables are not in is no way back either.)"""
    for migration, backwards in plan or ():
        if not backwards:
            continue
        stuck = [op for op in migration.operations if not op.reversible]
        if stuck:
            raise CommandError(
                f"{migration.app_label}.{migration.name} cannot be undone "
                f"({stuck[0].describe()}), so the database cannot go back before it; nothing "
                "was changed. To go back, restore the backup taken before the upgrade "
                "(docs/deploy.md, Upgrading)."
            )
