# ruff: noqa: RUF012
"""Drop the index on Assessment.created_at (nothing lists assessments by date).

Written by hand: Django's own AlterField would rebuild the whole table on SQLite to drop one
index. The index's name is the one Django gave it in 0004 (the same on SQLite and PostgreSQL).
"""

from django.db import migrations, models

INDEX = "paintrace_assessment_created_at_e6d7626a"


class Migration(migrations.Migration):
    dependencies = [
        ("paintrace", "0006_assessment_view_links"),
    ]

    operations = [
        migrations.AlterModelOptions(name="assessment", options={}),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "paintrace_assessment" ("created_at")',
                ),
            ],
        ),
    ]
