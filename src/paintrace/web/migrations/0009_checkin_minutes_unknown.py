# ruff: noqa: RUF012
"""A check-in's minutes may be unknown.

The field defaulted to 0, so a check-in whose minutes box was left blank was stored as "spent
0 minutes on the plan", and the CSV and FHIR exports told a clinician so. Now a blank is NULL
and the exports leave it out. Rows written before this stay as they are: a stored 0 cannot be
told apart from one that was typed.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("paintrace", "0008_drop_pattern_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="journalentry",
            name="minutes",
            field=models.PositiveSmallIntegerField(default=None, null=True),
        ),
    ]
