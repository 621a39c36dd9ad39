# ruff: noqa: RUF012
"""Rewrite the assessment table, so the plaintext columns 0003 dropped leave no copy in it.

PostgreSQL keeps dropped columns' values inside every row until the table is rewritten
(VACUUM FULL, which cannot run in a transaction); SQLite rebuilt the table in 0003 and zeroes
freed pages (secure_delete), and VACUUM compacts the file. See docs/security.md.
"""

from django.db import migrations


def rewrite(apps, schema_editor):
    table = apps.get_model("paintrace", "Assessment")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f'VACUUM FULL "{table}"')
        elif schema_editor.connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("paintrace", "0003_sealed_records")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop, elidable=False)]
