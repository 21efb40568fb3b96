"""How a project reads on the public pages: facts, records, people and
"can I take part?", never a raw value."""

import datetime

import pytest
from django.utils import translation

from projects import presenters
from projects.choices import ResearchStatus
from projects.models import Investigator, Project, ProjectInvestigator

from .conftest import BOSTON, TORONTO

pytestmark = pytest.mark.django_db


def test_quick_facts_for_nih_research_leave_out_sex_and_empty_rows(make_project):
    project = make_project(funding_mechanism="career_award", sponsor="Massachusetts General Hospital",
                           fiscal_year=2025, sites=[BOSTON])
    facts = ({f.label: f.value for f in presenters.quick_facts(Project.objects.for_public_pages().get(pk=project.pk))})
    assert facts == {
        "Study type": "NIH-funded research",
        "Funding type": "Career development award (K)",
        "Status": "Active lab research (not enrolling patients)",
        "Lead organization": "Massachusetts General Hospital",
        "Locations": "1 site (Boston, Massachusetts, United States)",
        "Dates": "Funded in fiscal year 2025",
    }


def test_quick_facts_for_trials_show_phase_and_sex(make_project):
    project = make_project(study_type="clinical_trial", funding_mechanism="phase_3",
                           sex_eligibility="female", sites=[BOSTON, TORONTO],
                           start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2028, 12, 31))
    facts = ({f.label: f.value for f in presenters.quick_facts(Project.objects.for_public_pages().get(pk=project.pk))})
    assert facts["Phase"] == "Phase 3"
    assert facts["Sex"] == "Female only"
    assert facts["Sponsor"] == "Example University"
    assert facts["Locations"] == "2 sites in 2 countries"
    assert facts["Dates"] == "Since March 2025, expected to end in December 2028"
    project.research_status = "completed"
    assert presenters.date_range(project) == "March 2025 to December 2028"


def test_official_records_name_the_right_registry(make_project):
    grant = make_project(nih_application_id=11012296)
    assert presenters.official_records(grant) == [presenters.OfficialRecord(
        "NIH RePORTER", "11012296", "NIH grant", "https://reporter.nih.gov/project-details/11012296",
    )]
    trial = make_project(study_type="clinical_trial", nct_id="NCT04567890", nih_application_id=777)
    assert [r.registry for r in presenters.official_records(trial)] == ["ClinicalTrials.gov", "NIH RePORTER"]
    assert presenters.official_records(trial)[0].url == "https://clinicaltrials.gov/study/NCT04567890"


def test_investigators_are_ordered_by_role(make_project):
    project = make_project()
    for name, role in [("Co One", "co_investigator"), ("Lead", "contact_pi"), ("Pi Two", "pi")]:
        ProjectInvestigator.objects.create(
            project=project, investigator=Investigator.objects.create(name=name), role=role
        )
    assert [r.investigator.name for r in presenters.researchers(project)] == ["Lead", "Pi Two", "Co One"]


@pytest.mark.parametrize("low, high, text", [
    (216, None, "18 years and older"),
    (None, 204, "Up to 17 years"),
    (216, 780, "18 to 65 years"),
    (6, 780, "6 months to 65 years"),
    (None, None, "Any age"),
    (12, None, "1 year and older"),
    (12, 60, "1 to 5 years"),
])
def test_ages_read_in_plain_words(low, high, text):
    assert presenters.age_range(low, high) == text


def test_trials_answer_can_i_take_part_lab_research_does_not(make_project):
    trial = make_project(study_type="clinical_trial", sex_eligibility="male", minimum_age_months=216,
                         healthy_volunteers=True, sites=[BOSTON])
    answer = presenters.participation(trial)
    assert answer.is_open and answer.ages == "18 years and older" and answer.sex == "Male only"
    assert answer.healthy_volunteers.startswith("Yes")
    assert presenters.participation(make_project()) is None


@pytest.mark.parametrize("status, answer, may_join, site_statuses", [
    ("recruiting", "Yes: it is looking for people to join now.", True, True),
    ("not_yet_recruiting", "Not yet: it has not started enrolling people.", True, True),
    ("enrolling_by_invitation", "Only if the study team invites you: it does not take sign-ups.",
     True, True),
    ("unknown", "Perhaps: the registry has not confirmed its status recently. Ask the study team.",
     True, False),
    ("suspended", "Not now: enrolling is paused.", False, False),
    ("active_not_recruiting", "No: it is not enrolling people.", False, False),
    ("completed", "No: it is not enrolling people.", False, False),
    ("terminated", "No: it is not enrolling people.", False, False),
    ("withdrawn", "No: it is not enrolling people.", False, False),
])
def test_can_i_take_part_is_answered_in_one_sentence_by_the_status(
    make_project, status, answer, may_join, site_statuses
):
    trial = make_project(study_type="clinical_trial", research_status=status, sites=[BOSTON])
    found = presenters.participation(trial)
    assert (found.answer, found.may_join, found.site_statuses) == (answer, may_join, site_statuses)
    # A site still marked recruiting is offered only while the study's own status is known open.
    trial.project_sites.update(recruitment_status="recruiting")
    assert bool(presenters.participation(trial).recruiting_sites) == site_statuses


@pytest.mark.parametrize("fields, label, tone", [
    ({}, "Lab research · not enrolling patients", "lab"),
    ({"research_status": "completed"}, "Lab research · ended · not enrolling", "lab"),
    ({"study_type": "clinical_trial"}, "Recruiting now", "open"),
    ({"study_type": "clinical_trial", "research_status": "not_yet_recruiting"}, "Not yet recruiting", "soon"),
    ({"study_type": "clinical_trial", "research_status": "terminated"}, "Stopped early (terminated)", "closed"),
])
def test_every_card_says_whether_you_can_take_part(make_project, fields, label, tone):
    assert presenters.status_badge(make_project(**fields)) == presenters.StatusBadge(label, tone)


def test_dates_are_month_first_for_a_us_site():
    assert presenters.long_date(datetime.date(2026, 5, 15)) == "May 15, 2026"


def test_display_says_what_get_foo_display_says(make_project):
    project = make_project(study_type="clinical_trial", sites=[BOSTON])
    site_link = project.project_sites.get()
    for status in ResearchStatus:
        site_link.recruitment_status = status
        assert presenters.display(site_link, "recruitment_status") == str(status.label)
        assert presenters.display(site_link, "recruitment_status") == (
            site_link.get_recruitment_status_display()
        )
    site_link.recruitment_status = "SOME_NEW_CODE"  # a code the site does not know yet
    assert presenters.display(site_link, "recruitment_status") == "SOME_NEW_CODE"
    assert presenters.display(project, "study_type") == "Clinical trial"


def test_display_translates_only_the_label_it_shows(make_project, monkeypatch):
    """Django's get_FOO_display translates every label of the field's choices
    on each call (thirty statuses, for each of a trial's 400 sites)."""
    project = make_project(study_type="clinical_trial")
    presenters.display(project, "research_status")  # the field's labels, read once
    translated = []
    gettext = translation._trans.gettext
    monkeypatch.setattr(
        translation._trans, "gettext", lambda text: translated.append(text) or gettext(text)
    )
    assert presenters.display(project, "research_status") == "Recruiting now"
    assert translated == ["Recruiting now"]
    translated.clear()
    project.get_research_status_display()
    assert len(translated) > len(ResearchStatus)  # every label, then the one shown


def test_place_anchors_keep_their_letters_and_are_never_empty():
    assert presenters.place_anchor("France", "Île-de-France") == "france--île-de-france"
    assert presenters.place_anchor("United States") == "united-states"
    assert presenters.place_anchor("日本", "東京都") == "日本--東京都"
    assert presenters.place_anchor("", "") == "country-not-given"
    # A country's name with a dash is not one of its states.
    assert presenters.place_anchor("Guinea-Bissau") != presenters.place_anchor("Guinea", "Bissau")


def test_a_page_that_lists_its_sites_has_no_overview(make_project):
    project = make_project(sites=[{"institution": "Clinic", "city": "Lyon", "country": "France"}])
    assert presenters.site_overview(project) is None
