"""Constraints that need the rows 0004 filled: unique match keys, and the
project rules that involve the new live state and eligibility fields."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_fill_match_keys_and_live_state")]

    operations = [
        migrations.AlterField(
            model_name='organization',
            name='match_key',
            field=models.CharField(default='', editable=False, max_length=400, unique=True),
        ),
        migrations.AlterField(
            model_name='site',
            name='match_key',
            field=models.CharField(default='', editable=False, max_length=600, unique=True),
        ),
        migrations.AddConstraint(
            model_name='investigator',
            constraint=models.UniqueConstraint(condition=models.Q(('nih_profile_id__isnull', True)), fields=('match_key',), name='investigator_unique_name_and_organization', violation_error_message='This person is already recorded at this organization.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'changes_requested', 'scheduled', 'published'])), name='project_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('study_type__in', ['nih_research', 'clinical_trial', 'observational', 'expanded_access'])), name='project_study_type_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('funding_mechanism__in', ['research_grant', 'career_award', 'center', 'cooperative_agreement', 'training', 'small_business', 'intramural', 'other_nih']), ('study_type', 'nih_research')), models.Q(('funding_mechanism__in', ['early_phase_1', 'phase_1', 'phase_1_2', 'phase_2', 'phase_2_3', 'phase_3', 'phase_4', 'phase_na']), ('study_type__in', ['clinical_trial', 'observational', 'expanded_access'])), _connector='OR'), name='project_mechanism_matches_study_type', violation_error_message='Pick an NIH funding type for NIH-funded research, or a phase for a study on ClinicalTrials.gov.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('nih_application_id__isnull', False), ('study_type', 'nih_research')), models.Q(('nct_id__isnull', False), ('study_type__in', ['clinical_trial', 'observational', 'expanded_access'])), _connector='OR'), name='project_has_source_identifier', violation_error_message='NIH-funded research needs its NIH application ID; a study on ClinicalTrials.gov needs its NCT ID.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(fields=('nih_core_project_number', 'nih_subproject_id'), name='project_unique_nih_core_project', violation_error_message='Another page already covers this NIH grant (core project number).'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('research_status__in', ['active', 'completed']), ('study_type', 'nih_research')), models.Q(('research_status__in', ['not_yet_recruiting', 'recruiting', 'enrolling_by_invitation', 'active_not_recruiting', 'suspended', 'terminated', 'withdrawn', 'completed', 'unknown', 'available', 'no_longer_available', 'temporarily_not_available', 'approved_for_marketing', 'withheld']), ('study_type__in', ['clinical_trial', 'observational', 'expanded_access'])), _connector='OR'), name='project_research_status_matches_study_type', violation_error_message="Lab research is active or completed; a study on ClinicalTrials.gov takes one of that registry's statuses (not “active lab research”)."),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('healthy_volunteers__isnull', True), ('maximum_age_months__isnull', True), ('minimum_age_months__isnull', True), ('sex_eligibility', '')), ('study_type__in', ['clinical_trial', 'observational', 'expanded_access']), _connector='OR'), name='project_eligibility_only_for_studies', violation_error_message='Sex, age and healthy-volunteer eligibility apply to studies that enrol people; leave them empty for NIH-funded lab research.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('sex_eligibility', ''), ('sex_eligibility__in', ['all', 'female', 'male']), _connector='OR'), name='project_sex_eligibility_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('minimum_age_months__isnull', True), ('maximum_age_months__isnull', True), ('maximum_age_months__gte', models.F('minimum_age_months')), _connector='OR'), name='project_ages_in_order', violation_error_message='The maximum age cannot be below the minimum age.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('fiscal_year__isnull', True), models.Q(('fiscal_year__gte', 1950), ('fiscal_year__lte', 2100)), _connector='OR'), name='project_fiscal_year_plausible', violation_error_message='The fiscal year must be between 1950 and 2100.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'published'), _negated=True), ('is_live', True), _connector='OR'), name='project_published_is_live'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('is_live', False), models.Q(('first_published_at__isnull', False), ('last_reviewed__isnull', False)), _connector='OR'), name='project_published_is_reviewed', violation_error_message='A published project needs a last-reviewed date.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'scheduled'), _negated=True), ('go_live_at__isnull', False), _connector='OR'), name='project_scheduled_has_time', violation_error_message='A scheduled project needs a go-live time.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('archived_at__isnull', True), ('is_live', True), _connector='OR'), name='project_archived_is_live', violation_error_message='Only a live page can be archived.'),
        ),
    ]
