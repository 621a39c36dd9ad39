# ruff: noqa: RUF012
"""Sealed, compact, expiring records (issue 9).

Each existing row is re-encrypted: its id becomes the lookup hash, its input, unknown answers,
pain and since-when are sealed under the id's key, its stored copy of the result is dropped
(results are worked out from the input when read), and it expires RETENTION_DAYS after it was
made. Irreversible by design: the ids are not kept. 0004 then rewrites the table so no plaintext
copy of the old columns is left in it.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def seal_rows(apps, schema_editor):
    from paintrace.web import crypto

    Assessment = apps.get_model("paintrace", "Assessment")
    days = timedelta(days=settings.RETENTION_DAYS)
    for row in Assessment.objects.all().iterator():
        aid = row.id
        data = {
            "v": 1,
            "input": row.input,
            "unknown": list(row.unknown or []),
            "pain": row.pain_score,
            "since": row.pain_since or "",
        }
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        Assessment.objects.filter(pk=aid).update(
            id=crypto.lookup_key(aid),
            sealed=crypto.seal(aid, raw, b"record"),
            expires_at=row.created_at + days,
        )


class Migration(migrations.Migration):
    dependencies = [("paintrace", "0002_answers_pain_since")]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="sealed",
            field=models.BinaryField(
                default=b"", help_text="AES-GCM: input, unknown answers, pain, since when."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assessment",
            name="pdf",
            field=models.BinaryField(
                editable=False,
                help_text="The rendered handout, sealed (made on first ask).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="expires_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="Deleted after this (purge_expired). NULL: kept, for an assessment "
                "saved to an account (accounts set it to NULL).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="id",
            field=models.CharField(
                editable=False, max_length=64, primary_key=True, serialize=False
            ),
        ),
        migrations.RunPython(seal_rows, reverse_code=None, elidable=False),
        migrations.RemoveField(model_name="assessment", name="input"),
        migrations.RemoveField(model_name="assessment", name="result"),
        migrations.RemoveField(model_name="assessment", name="unknown"),
        migrations.RemoveField(model_name="assessment", name="pain_score"),
        migrations.RemoveField(model_name="assessment", name="pain_since"),
        migrations.RenameField(model_name="assessment", old_name="id", new_name="lookup"),
    ]
