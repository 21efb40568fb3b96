"""Seed the jargon glossary from projects/glossary_seed.json (233 terms).

Terms already in the glossary (any case) are left as editors wrote them.
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "glossary_seed.json"


def seed(apps, schema_editor):
    GlossaryTerm = apps.get_model("projects", "GlossaryTerm")
    existing = {term.lower() for term in GlossaryTerm.objects.values_list("term", flat=True)}
    entries = json.loads(SEED.read_text(encoding="utf-8"))["terms"]
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=" ".join(e["term"].lower().split()), plain=e["plain"])
        for e in entries
        if e["term"].lower() not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_review_reminders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
