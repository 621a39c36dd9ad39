# ruff: noqa: RUF012
"""Drop the LIKE-pattern indexes Django adds beside text keys on PostgreSQL.

For every ``CharField`` that is a primary key, unique or indexed, Django's PostgreSQL backend
creates a second B-tree with ``varchar_pattern_ops`` (named ``..._like``), so that
``startswith`` lookups can use an index. paintrace never searches these columns by pattern:
they hold HMACs and hashes, found by equality only, through the primary key or unique index
that stays. Each pattern index was one more B-tree written per INSERT, and on random keys
(HMACs are random) every write lands on a different leaf page. On the assessment table, the
hottest write, it was one of three indexes.

SQLite has no such indexes: this does nothing there. A later AlterField on one of these columns
would make Django create its pattern index again; drop it again the same way.
"""

from typing import Any

from django.db import migrations

# (table, column) pairs whose pattern index goes: keys matched by equality only.
COLUMNS = [
    ("paintrace_assessment", "lookup"),
    ("paintrace_assessmentviewlink", "lookup"),
    ("paintrace_assessmentviewlink", "assessment_id"),
    ("paintrace_sharelink", "lookup"),
    ("paintrace_apitoken", "digest"),
]

# Pattern-ops indexes on exactly one of these columns, whatever Django named them.
FIND = """
SELECT i.relname
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
JOIN pg_opclass o ON o.oid = x.indclass[0]
WHERE t.relname = %s AND a.attname = %s AND x.indnatts = 1
  AND t.relnamespace = current_schema()::regnamespace
  AND o.opcname IN ('varchar_pattern_ops', 'text_pattern_ops')
  AND NOT x.indisprimary AND NOT x.indisunique
"""


def drop_pattern_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(FIND, [table, column])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")


def create_pattern_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, column in COLUMNS:
        name = f"{table}_{column}_like"[:63]
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} "
            f"ON {quote(table)} ({quote(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("paintrace", "0007_assessment_created_unindexed"),
    ]

    operations = [
        migrations.RunPython(drop_pattern_indexes, create_pattern_indexes, elidable=False),
    ]
