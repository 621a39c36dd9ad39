"""The assessment table carries only the indexes its queries use: each one is written per INSERT.

Runs on both databases (the suite's SQLite pass and its PostgreSQL pass).
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

drop_migration = importlib.import_module("paintrace.web.migrations.0008_drop_pattern_indexes")


def _index_columns(table: str) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return sorted(
        tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"]
    )


def test_the_assessment_table_has_its_key_and_the_expiry_index_only() -> None:
    # created_at: nothing lists assessments by date (0007); lookup's LIKE index: never
    # searched by pattern (0008, PostgreSQL)
    assert _index_columns("paintrace_assessment") == [("expires_at",), ("lookup",)]


def test_no_pattern_index_on_keys_found_by_equality() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no pattern indexes")
    with connection.cursor() as cursor:
        for table, column in drop_migration.COLUMNS:
            cursor.execute(drop_migration.FIND, [table, column])
            assert cursor.fetchall() == [], (table, column)
            # the equality index that finds the row is still there
            constraints = connection.introspection.get_constraints(cursor, table)
            assert any(c["columns"] == [column] for c in constraints.values()), (table, column)
