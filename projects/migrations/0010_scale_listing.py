"""Listing at scale: the recruiting-first order computed by the database,
the listing's partial indexes, and the facet count tables (projects.facets)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0009_discovery_browse_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Facet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('all', 'All listed projects'), ('condition', 'Condition'), ('country', 'Country'), ('state', 'State or region'), ('sponsor', 'Sponsor or institution'), ('study_type', 'Study type'), ('funding', 'Funding type or phase'), ('status', 'Status'), ('sex', 'Open to'), ('healthy', 'Accepts healthy volunteers'), ('word', 'Word in a title, summary or condition')], max_length=20)),
                ('key', models.CharField(max_length=255)),
                ('label', models.CharField(max_length=255)),
                ('count', models.PositiveIntegerField(default=0)),
                ('record_id', models.BigIntegerField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='ProjectFacets',
            fields=[
                ('project', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='facet_entry', serialize=False, to='projects.project')),
                ('keys', models.JSONField(default=list)),
                ('site_count', models.PositiveIntegerField(default=0)),
                ('country_count', models.PositiveIntegerField(default=0)),
                ('first_city', models.CharField(blank=True, max_length=120)),
                ('first_state', models.CharField(blank=True, max_length=120)),
                ('first_country', models.CharField(blank=True, max_length=120)),
            ],
        ),
        migrations.AddField(
            model_name='project',
            name='recruitment_rank',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(research_status__in=['recruiting', 'available'], then=models.Value(0)), models.When(research_status__in=['not_yet_recruiting', 'enrolling_by_invitation'], then=models.Value(1)), default=models.Value(2)), output_field=models.PositiveSmallIntegerField()),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['recruitment_rank', '-last_reviewed', '-id'], name='listed_recruiting_first'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['-last_reviewed', '-id'], name='listed_last_reviewed'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['-first_published_at', '-id'], name='listed_newest'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['lay_title', 'id'], name='listed_title'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['sponsor'], name='listed_sponsor'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['id'], name='listed_id'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('is_live', True)), fields=['research_status', 'recruitment_rank', '-last_reviewed', '-id'], name='listed_status_order'),
        ),
        migrations.AddIndex(
            model_name='projectsite',
            index=models.Index(fields=['site', 'project'], name='project_site_by_site'),
        ),
        migrations.AddIndex(
            model_name='site',
            index=models.Index(fields=['country', 'state'], name='site_country_state'),
        ),
        migrations.AddIndex(
            model_name='site',
            index=models.Index(fields=['state'], name='site_state'),
        ),
        migrations.AddIndex(
            model_name='facet',
            index=models.Index(fields=['kind', '-count', 'key'], name='facet_top'),
        ),
        migrations.AddIndex(
            model_name='facet',
            index=models.Index(fields=['kind', 'label'], name='facet_label'),
        ),
        migrations.AddConstraint(
            model_name='facet',
            constraint=models.UniqueConstraint(fields=('kind', 'key'), name='facet_unique_key'),
        ),
            migrations.CreateModel(
            name='ProjectSearch',
            fields=[
                ('project', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='projects.project')),
                ('recruitment_rank', models.PositiveSmallIntegerField()),
                ('last_reviewed', models.DateField(null=True)),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('facet_keys', models.JSONField(default=list)),
            ],
            options={
                'indexes': [models.Index(fields=['recruitment_rank', '-last_reviewed', '-project'], name='search_entry_order')],
            },
        ),
    ]
