"""Who owns which field of a project: declared once (STYLE.md 9).

- Editorial fields are written by editors. Revisions snapshot them, a live
  page's edits to them wait for approval, and imports never touch them.
- Source fields come from the registry record. Imports write them (and
  flag a live page when they change); editors type them only on a page
  made by hand that is not live (``Project.source_facts_are_typed``).
- Workflow fields change only through ``projects.workflow``; no form save
  ever writes them (a stale form would otherwise undo a transition).
"""

#: Editor-owned text, in the order the change form shows it.
EDITORIAL_TEXT_FIELDS = (
    "lay_title",
    "lay_summary",
    "research_focus",
    "good_fit",
    "not_a_fit",
    "potential_benefit",
    "similar_studies",
)
#: Editor-owned many-to-many fields (stored in revisions as lists of pks).
EDITORIAL_RELATED_FIELDS = ("conditions",)
EDITORIAL_FIELDS = EDITORIAL_TEXT_FIELDS + EDITORIAL_RELATED_FIELDS

#: The plain-language fields whose reading grade and jargon the form reports.
LAY_TEXT_FIELDS = EDITORIAL_TEXT_FIELDS

#: Source-owned facts on the project row. Sites, investigators, contacts and
#: grant links are source-owned too; they are rows of their own.
SOURCE_FIELDS = (
    "study_type",
    "nih_application_id",
    "nih_project_number",
    "nih_core_project_number",
    "nih_subproject_id",
    "nct_id",
    "official_title",
    "brief_title",
    "funding_mechanism",
    "activity_code",
    "research_status",
    "sex_eligibility",
    "minimum_age_months",
    "maximum_age_months",
    "healthy_volunteers",
    "eligibility_criteria",
    "enrollment",
    "enrollment_type",
    "sponsor",
    "funding_institute",
    "award_amount",
    "fiscal_year",
    "start_date",
    "end_date",
    "source_summary",
    "source_public_health_relevance",
    "source_keywords",
    "spending_categories",
    "source_last_updated",
)
SOURCE_RELATED_FIELDS = ("collaborators",)

#: Source-owned rows of their own, which an import replaces to match the
#: record, with the name a reviewer reads in "source changed" flags.
SOURCE_RELATIONS = {
    "sites": "Sites",
    "investigators": "Researchers",
    "contacts": "Contacts",
    "grant_links": "NIH grants",
    "collaborators": "Collaborators",
}

#: Source facts that change with every yearly award or registry update
#: without changing what a page says (the award's number and amount, the
#: year, NIH's term lists). An import records their changes in the trail
#: but does not flag a live page for review because of them alone.
ROUTINE_SOURCE_FIELDS = (
    "nih_application_id",
    "nih_project_number",
    "fiscal_year",
    "award_amount",
    "source_keywords",
    "spending_categories",
    "source_last_updated",
)

#: Written only by projects.workflow (and the import's change flag).
WORKFLOW_FIELDS = (
    "status",
    "is_live",
    "live_revision",
    "go_live_at",
    "archived_at",
    "last_reviewed",
    "last_reviewed_by",
    "submitted_by",
    "first_published_at",
    "last_published_at",
    "source_changes",
    "source_changed_at",
)
