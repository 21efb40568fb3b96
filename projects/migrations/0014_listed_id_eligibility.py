"""The index of listed projects' keys also holds the columns the "Can I
take part?" filters read (status, study type, ages, sex, healthy
volunteers): counting a combination of them reads the index alone.
On SQLite, which has no covering indexes, it stays an index of keys."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0013_lz4_source_texts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='listed_id',
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['id'], include=('research_status', 'study_type', 'minimum_age_months', 'maximum_age_months', 'sex_eligibility', 'healthy_volunteers'), name='listed_id_eligibility'),
        ),
    ]
