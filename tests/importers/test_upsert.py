"""Saving imported records: idempotent upserts keyed on the source ID,
editorial text untouched, people and places matched, live pages flagged
with exactly the source fields that changed."""

import dataclasses
import datetime

import pytest

from projects import editing, facets, presenters, revisions, workflow
from projects.choices import ReviewAction, RevisionKind, Status
from projects.importers import ctgov, pipeline, reporter, upsert
from projects.models import (
    Condition,
    Contact,
    Facet,
    FacetKind,
    GrantLink,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ProjectRevision,
    ProjectSite,
    ReviewEvent,
    Site,
)

from .recorded import REPORTER_FULL, REPORTER_MARFAN, reporter_record, reporter_records, study

pytestmark = pytest.mark.django_db


def save(*raws, mapper=None):
    records = [
        (mapper or (ctgov.map_study if "protocolSection" in raw else reporter.map_project))(raw)
        for raw in raws
    ]
    return upsert.save_batch(records)


def write_plain_text(project, editor, **text):
    """An editor writes the page's plain-language text, as the admin would."""
    project.refresh_from_db()
    content = (
        revisions.draft_content(project)
        | {
            "lay_title": "A plain title an editor wrote",
            "lay_summary": "A plain summary an editor wrote.",
            "research_focus": "What the research studies, as an editor wrote it.",
        }
        | text
    )
    editing.save_content(project, editor, content=content, base_version=project.version)
    project.refresh_from_db()
    return project


def table_sizes():
    models = (
        Project,
        ProjectRevision,
        Organization,
        Site,
        Investigator,
        Contact,
        GrantLink,
        ProjectSite,
        ProjectInvestigator,
        Condition,
        ReviewEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


# New records -------------------------------------------------------------------------


def test_new_records_arrive_as_drafts_with_a_title_marked_for_rewriting():
    counts = save(reporter_record("5R21AI175731-02"))
    assert counts == upsert.Counts(created=1)
    project = Project.objects.get(nih_core_project_number="R21AI175731")
    assert project.status == Status.DRAFT and not project.is_live
    assert project.lay_title == "[Rewrite] Pyroptotic macrophages traps against Shigella infection"
    assert project.lay_summary == "" and project.research_focus == ""
    assert project.version == 1 and project.source_hash and project.imported_at
    assert project.slug == "pyroptotic-macrophages-traps-against-shigella-infection-r21ai175731"
    (revision,) = project.revisions.all()
    assert revision.kind == RevisionKind.IMPORTED and revision.created_by is None
    assert revision.content["lay_title"] == project.lay_title


def test_an_imported_title_cannot_be_submitted_until_rewritten(editor):
    save(reporter_record("5R21AI175731-02"))
    project = Project.objects.get()
    write_plain_text(project, editor, lay_title=project.lay_title)
    with pytest.raises(workflow.WorkflowError, match="Rewrite the plain-language title"):
        workflow.submit(project, editor, readability_override="Test text.")


def test_a_grant_record_saves_every_mapped_field_and_relation():
    save(reporter_record("4R33DA057660-02"))
    project = Project.objects.get()
    assert (project.nih_application_id, project.nih_project_number, project.fiscal_year) == (
        11123046,
        "4R33DA057660-02",
        2024,
    )
    assert (project.funding_mechanism, project.activity_code) == ("research_grant", "R33")
    assert project.funding_institute == "National Institute on Drug Abuse"
    assert project.sponsor.name == "Indiana University Indianapolis"
    assert (project.sponsor.city, project.sponsor.state) == ("Indianapolis", "Indiana")
    assert project.award_amount == 3330528
    assert project.source_summary.startswith("This study is part of the NIH")
    assert "Opioids" in project.spending_categories
    assert project.source_keywords and all(isinstance(k, str) for k in project.source_keywords)
    assert [str(ps.site) for ps in project.project_sites.all()] == [
        "Indiana University Indianapolis, Indianapolis, Indiana, United States"
    ]
    assert [(r.investigator.name, r.role) for r in project.project_investigators.all()] == [
        ("Matthew Aalsma", "contact_pi"),
        ("Bradley Ray", "pi"),
        ("Khairi Reda", "pi"),
        ("Sean Edward Winters Lynch", "program_officer"),
    ]
    assert Investigator.objects.get(name="Matthew Aalsma").nih_profile_id == 7006225


def test_a_study_saves_sites_contacts_officials_collaborators_and_conditions():
    save(study("NCT06323538"))
    project = Project.objects.get()
    assert project.study_type == "observational" and project.research_status == "recruiting"
    assert project.lay_title == "[Rewrite] Cohort Study on Plant-based Diets (COPLANT Study)"
    assert sorted(c.name for c in project.conditions.all())[:2] == [
        "Bone Loss",
        "Cardiovascular Diseases",
    ]
    assert project.collaborators.count() == 7
    sites = list(project.project_sites.select_related("site"))
    assert len(sites) == 8 and sites[0].site.coordinates_source == "registry"
    assert {ps.recruitment_status for ps in sites} == {"recruiting", "not_yet_recruiting"}
    central = project.contacts.filter(site=None)
    assert [c.name for c in central] == ["Cornelia Weikert, Prof", "Christine Dawczynski, PhD"]
    assert project.contacts.exclude(site=None).count() == 10
    assert project.project_investigators.count() == 10


# Idempotence and fiscal years -----------------------------------------------------------


def test_importing_the_same_records_twice_changes_nothing():
    summary = pipeline.import_files(pipeline.REPORTER, [REPORTER_FULL])
    assert (summary.created, summary.skipped) == (16, 0)
    before = table_sizes()
    rows = {p.pk: (p.version, p.updated_at, p.source_hash) for p in Project.objects.all()}
    again = pipeline.import_files(pipeline.REPORTER, [REPORTER_FULL])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert table_sizes() == before
    assert {p.pk: (p.version, p.updated_at, p.source_hash) for p in Project.objects.all()} == rows


def test_a_newer_fiscal_year_updates_the_same_project():
    save(reporter_record("5K23HD104934-03"))
    first = Project.objects.get()
    counts = save(reporter_record("5K23HD104934-04"))
    assert counts.updated == 1
    project = Project.objects.get()
    assert project.pk == first.pk
    assert (project.nih_application_id, project.nih_project_number, project.fiscal_year) == (
        11128734,
        "5K23HD104934-04",
        2025,
    )
    assert project.version == first.version + 1


@pytest.mark.parametrize("batch_size", [1, 500])
def test_an_older_fiscal_year_arriving_later_does_not_overwrite_newer_data(batch_size):
    # The recorded page lists R01HL132141 as fiscal years 2023, 2025, 2022, 2024.
    pipeline.import_files(pipeline.REPORTER, [REPORTER_MARFAN], batch_size=batch_size)
    project = Project.objects.get(nih_core_project_number="R01HL132141")
    assert (project.fiscal_year, project.nih_application_id) == (2025, 11049191)
    assert Project.objects.filter(nih_core_project_number="R01HL132141").count() == 1


@pytest.mark.parametrize("batch_size", [1, 500])
def test_a_supplement_does_not_replace_its_parent_award_of_the_same_year(batch_size):
    pipeline.import_files(pipeline.REPORTER, [REPORTER_FULL], batch_size=batch_size)
    project = Project.objects.get(nih_core_project_number="R44DE031461")
    assert project.nih_project_number == "5R44DE031461-03"
    assert project.award_amount == 858535


def test_a_page_made_before_its_core_number_was_known_is_found_by_its_application(make_project):
    existing = make_project(nih_application_id=11128734, official_title="Typed by hand")
    save(reporter_record("5K23HD104934-04"))
    project = Project.objects.get()
    assert project.pk == existing.pk
    assert project.nih_core_project_number == "K23HD104934"
    assert project.lay_title == "A plain title"  # the editor's, not the import's


# Shared records ------------------------------------------------------------------------


def test_people_organizations_and_sites_are_matched_not_duplicated():
    pipeline.import_files(pipeline.REPORTER, [REPORTER_FULL])
    aarons = Investigator.objects.get(nih_profile_id=2792918)
    assert aarons.name == "Gregory Aarons"
    assert aarons.project_roles.count() == 4  # P50 (two years), R01, U01, G11
    assert Investigator.objects.filter(name="Gregory Aarons").count() == 1
    ucsd = Organization.objects.get(name="University of California, San Diego")
    assert ucsd.projects.count() == 4
    assert Site.objects.filter(institution="University of California, San Diego").count() == 1
    assert Investigator.objects.filter(nih_profile_id=12547591).count() == 1  # Mu A, two grants


def test_a_shared_site_is_matched_by_name_and_place_and_its_estimated_point_made_exact():
    site = Site.objects.create(
        institution="MD ANDERSON CANCER CENTER",
        city="Houston",
        state="Texas",
        country="United States",
    )
    assert site.coordinates_source == "city"  # a hand-typed site: Houston's centre
    save(study("NCT02576665"))
    site.refresh_from_db()
    assert site.institution == "MD ANDERSON CANCER CENTER"  # never renamed by an import
    assert (site.latitude, site.longitude, site.coordinates_source) == (
        29.76328,
        -95.36327,
        "registry",
    )
    assert Site.objects.filter(city="Houston").count() == 1


def test_a_registry_point_is_never_moved_by_an_import():
    save(study("NCT02576665"))
    site = Site.objects.get(city="Houston")
    Site.objects.filter(pk=site.pk).update(latitude=29.7, longitude=-95.4)  # e.g. corrected
    raw = study("NCT02576665")
    raw["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2030-01-01"}
    raw["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"  # a newer record
    assert save(raw).updated == 1
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (29.7, -95.4)


def test_a_person_first_seen_without_a_profile_id_is_the_same_person_with_one():
    ucsd = Organization.objects.create(name="University of California, San Diego", city="La Jolla")
    known = Investigator.objects.create(name="Gregory Aarons", organization=ucsd)
    save(reporter_record("5R01DA049891-05"))
    known.refresh_from_db()
    assert known.nih_profile_id == 2792918
    assert Investigator.objects.filter(name="Gregory Aarons").count() == 1


# Editorial text --------------------------------------------------------------------------


def changed_copy(nct_id="NCT05147467"):
    """An edited copy of a recorded study, standing for its next registry
    update: later completion, a new status, one site closed and one site
    now recruiting, and a newer update date."""
    raw = study(nct_id)
    section = raw["protocolSection"]
    section["statusModule"]["completionDateStruct"] = {"date": "2026-06-30", "type": "ESTIMATED"}
    section["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    section["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2025-03-01", "type": "ACTUAL"}
    locations = section["contactsLocationsModule"]["locations"]
    del locations[-1]
    locations[0]["status"] = "RECRUITING"
    return raw


def test_an_import_never_touches_the_editors_text_of_a_draft(editor):
    save(study("NCT05147467"))
    project = write_plain_text(Project.objects.get(), editor, lay_summary="The editor's words.")
    save(changed_copy())
    project.refresh_from_db()
    assert project.lay_title == "A plain title an editor wrote"
    assert project.lay_summary == "The editor's words."
    assert project.research_status == "active_not_recruiting"  # the registry's fact did change
    assert not project.source_changes  # not live: nothing to flag


def test_an_import_never_touches_the_text_status_or_review_date_of_a_live_page(editor, publish):
    save(study("NCT05147467"))
    project = publish(
        write_plain_text(Project.objects.get(), editor), reviewed_on=datetime.date(2025, 1, 2)
    )
    live_text = {
        name: getattr(project, name) for name in ("lay_title", "lay_summary", "research_focus")
    }
    save(changed_copy())
    project.refresh_from_db()
    assert {name: getattr(project, name) for name in live_text} == live_text
    assert (project.status, project.is_live, project.last_reviewed) == (
        Status.PUBLISHED,
        True,
        datetime.date(2025, 1, 2),
    )
    assert list(project.conditions.values_list("name", flat=True))  # the editor's conditions stay


def test_a_pending_draft_of_a_live_page_is_left_alone(editor, publish):
    save(study("NCT05147467"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    write_plain_text(project, editor, lay_summary="A newer draft, waiting for review.")
    save(changed_copy())
    project.refresh_from_db()
    assert revisions.draft_content(project)["lay_summary"] == "A newer draft, waiting for review."
    assert project.lay_summary == "A plain summary an editor wrote."


def test_an_editors_open_form_gets_a_conflict_instead_of_undoing_the_import(editor):
    save(study("NCT05147467"))
    project = write_plain_text(Project.objects.get(), editor)
    opened_at = project.version
    save(changed_copy())
    with pytest.raises(editing.EditConflict, match="An import of the source record"):
        editing.save_content(
            project,
            editor,
            content=revisions.draft_content(project),
            source_values={"research_status": "recruiting"},
            base_version=opened_at,
        )


# The "source changed" flag ----------------------------------------------------------------


def test_a_live_page_whose_source_changed_is_flagged_with_exactly_those_fields(editor, publish):
    save(study("NCT05147467"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    version = project.version
    counts = save(changed_copy())
    assert counts == upsert.Counts(updated=1, flagged=1)
    project.refresh_from_db()
    # The removed site took its contacts with it.
    assert project.source_changes == ["Research status", "End date", "Sites", "Contacts"]
    assert project.source_changed_at is not None
    assert project.version == version + 1
    assert project.end_date == datetime.date(
        2026, 6, 30
    )  # the live row holds the registry's facts
    assert project.project_sites.count() == 10
    event = project.review_events.get(action=ReviewAction.SOURCE_CHANGED)
    assert event.actor is None
    assert event.comment == (
        "The ClinicalTrials.gov record changed: Research status, End date, Sites, Contacts. "
        "Also updated: Source record last updated."
    )
    changes = event.details["changes"]
    assert changes["end_date"] == {"label": "End date", "old": "2024-12-01", "new": "2026-06-30"}
    assert changes["research_status"] == {
        "label": "Research status",
        "old": "Recruiting now",
        "new": "Ongoing, no longer recruiting",
    }
    assert len(changes["sites"]["old"]) == 11 and len(changes["sites"]["new"]) == 10
    assert changes["sites"]["new"][0].endswith("(Recruiting now)")


def test_the_flag_accumulates_until_a_reviewer_records_a_check(editor, publish, reviewer):
    save(study("NCT05147467"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    save(changed_copy())
    later = changed_copy()  # an edited copy: a further update, now with fewer participants
    later["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = 60
    later["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2025-04-01"
    save(later)
    project.refresh_from_db()
    assert project.source_changes == [
        "Research status",
        "End date",
        "Sites",
        "Contacts",
        "Number of participants",
    ]
    assert project.review_events.filter(action=ReviewAction.SOURCE_CHANGED).count() == 2
    workflow.record_check(
        project, reviewer, "Checked the new dates and sites against the registry."
    )
    project.refresh_from_db()
    assert project.source_changes == [] and project.source_changed_at is None


def test_approving_a_new_version_clears_the_flag(editor, publish, other_reviewer):
    save(study("NCT05147467"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    save(changed_copy())
    write_plain_text(project, editor, lay_summary="Updated for the new dates.")
    workflow.submit(project, editor, readability_override="Test text.")
    workflow.approve(project, other_reviewer)
    project.refresh_from_db()
    assert project.source_changes == []


def test_an_older_registry_update_changes_nothing():
    save(changed_copy())
    counts = save(study("NCT05147467"))  # last updated 2024-01-23, before the copy's 2025-03-01
    assert counts == upsert.Counts(unchanged=1)
    assert Project.objects.get().research_status == "active_not_recruiting"


def test_a_new_fiscal_year_of_a_live_grant_updates_it_without_a_flag_for_routine_changes(
    editor, publish
):
    save(reporter_record("5K23HD104934-03"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    counts = save(reporter_record("5K23HD104934-04"))
    assert counts == upsert.Counts(updated=1)
    project.refresh_from_db()
    assert project.fiscal_year == 2025 and project.nih_project_number == "5K23HD104934-04"
    assert project.source_changes == []
    assert not project.review_events.filter(action=ReviewAction.SOURCE_CHANGED).exists()


def test_a_new_fiscal_year_that_moves_the_end_date_flags_the_end_date(editor, publish):
    save(reporter_record("5K23HD104934-03"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    newer = reporter_record("5K23HD104934-04")
    newer["project_end_date"] = "2028-07-31T00:00:00"  # an edited copy: a no-cost extension
    save(newer)
    project.refresh_from_db()
    assert project.source_changes == ["End date"]


def test_people_changes_of_a_live_grant_flag_researchers(editor, publish):
    save(reporter_record("5K23HD104934-03"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    newer = reporter_record("5K23HD104934-04")
    newer["program_officers"] = []  # an edited copy: the program officer left
    save(newer)
    project.refresh_from_db()
    assert project.source_changes == ["Researchers"]
    assert [r.role for r in project.project_investigators.all()] == ["contact_pi"]
    assert Investigator.objects.filter(name="Susan F Marden").exists()  # the shared row stays


# Grants linking studies to projects ------------------------------------------------------


def test_a_study_links_to_the_nih_project_that_funds_it(editor, publish):
    save(reporter_record("5K23HD104934-04"))
    funded = study("NCT00184067")
    # An edited copy: the recorded studies name no NIH grant; this one now names the K23.
    funded["protocolSection"]["identificationModule"]["secondaryIdInfos"] = [
        {
            "id": "5K23HD104934-04",
            "type": "NIH",
            "link": "https://reporter.nih.gov/quickSearch/5K23HD104934-04",
        },
    ]
    save(funded)
    trial = Project.objects.get(nct_id="NCT00184067")
    (link,) = trial.grant_links.all()
    assert (link.core_project_number, link.as_registered) == ("K23HD104934", "5K23HD104934-04")
    funder = Project.objects.get(nih_core_project_number=link.core_project_number)
    assert presenters.nih_grants(trial) == [
        presenters.OfficialRecord(
            "NIH RePORTER",
            "K23HD104934",
            "NIH grant",
            "https://reporter.nih.gov/quickSearch/K23HD104934",
        )
    ]
    publish(write_plain_text(funder, editor))
    (record,) = presenters.nih_grants(trial)
    assert record.url == funder.get_absolute_url()


# Batches ---------------------------------------------------------------------------------


def test_one_record_the_database_refuses_is_skipped_and_the_rest_of_its_batch_saved():
    def map_refusing_one(raw):
        record = reporter.map_project(raw)
        if record.nih_project_number == "5R21AI175731-02":
            # Lab research cannot be "recruiting": the database's constraint refuses it.
            return dataclasses.replace(record, research_status="recruiting")
        return record

    source = dataclasses.replace(pipeline.REPORTER, map=map_refusing_one)
    summary = pipeline.import_files(source, [REPORTER_FULL])
    assert (summary.created, summary.skipped) == (15, 1)
    (problem,) = summary.problems
    assert problem.position.index == 4
    assert "5R21AI175731-02 was not saved: IntegrityError" in problem.message
    assert not Project.objects.filter(nih_core_project_number="R21AI175731").exists()


def test_a_batch_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    records = [reporter.map_project(raw) for raw in reporter_records(REPORTER_FULL)]
    with django_assert_max_num_queries(60):
        upsert.save_batch(records)
    with django_assert_max_num_queries(3):
        upsert.save_batch(records)  # unchanged: one lookup (inside a savepoint)


# What the public pages read -------------------------------------------------------------


def test_a_registry_point_is_kept_as_the_registry_gave_it():
    save(study("NCT05147467"))
    sources = set(Site.objects.values_list("coordinates_source", flat=True))
    assert sources == {"registry"}


def test_a_source_change_of_a_live_page_moves_its_counts_and_its_cached_pages(
    client, editor, publish
):
    save(study("NCT05147467"))
    project = publish(write_plain_text(Project.objects.get(), editor))
    before = client.get(f"/projects/{project.slug}/").content.decode()
    assert "Recruiting now" in before
    assert facets.menu().count(FacetKind.STATUS, "recruiting") == 1

    save(changed_copy())  # bulk writes: no model signals

    assert facets.menu().count(FacetKind.STATUS, "recruiting") == 0
    assert facets.menu().count(FacetKind.STATUS, "active_not_recruiting") == 1
    after = client.get(f"/projects/{project.slug}/").content.decode()
    assert "Ongoing, no longer recruiting" in after
    incremental = {(f.kind, f.key): f.count for f in Facet.objects.all()}
    facets.rebuild()
    assert {(f.kind, f.key): f.count for f in Facet.objects.all()} == incremental
