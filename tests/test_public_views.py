"""Public pages: only published projects, every section of the seed page
present and correct, nothing empty, filters and bad query strings."""

import datetime
import re

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Contact, Investigator, ProjectInvestigator, ProjectSite

from .conftest import BOSTON, SEED_REVIEW_DATE, TORONTO

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:list")


def _text(response):
    """Visible text of the page's main content, tags stripped, spaces folded."""
    html = response.content.decode()
    main = html[html.index("<main"): html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _headings(response):
    return re.findall(r"<h2[^>]*>(.*?)</h2>", response.content.decode())


@pytest.fixture
def seed(make_project, publish):
    """The project on ../shared/seed-example.txt, as the demo loads it."""
    project = make_project(
        nih_application_id=11012296,
        official_title="Breaching the Tumor-Immune Mechanical Barrier for Optimal Antitumor Immunity",
        lay_title="Understanding how tumors block immune cells to improve cancer treatment",
        lay_summary="This study is looking at how tumors block immune cells from fighting cancer, especially focusing on a molecule called TROP2.",
        research_focus="This research investigates the mechanical barriers that tumors create.",
        good_fit="Patients with aggressive forms of breast cancer.",
        not_a_fit="Patients whose tumors do not express TROP2.",
        potential_benefit="More effective cancer treatments.",
        similar_studies="Previous research has shown promise.",
        funding_mechanism="career_award",
        sponsor="Massachusetts General Hospital",
        fiscal_year=2025,
        conditions=["Breast cancer"],
        sites=[BOSTON],
    )
    return publish(project, reviewed_on=SEED_REVIEW_DATE)


def test_seed_page_has_every_section_and_none_of_its_defects(client, seed):
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    text = _text(response)
    assert _headings(response) == [
        "Quick facts", "What this research studies", "Who this research may help one day",
        "Why it matters", "Where this research is happening", "About this research", "Conditions",
    ]
    assert "Understanding how tumors block immune cells" in text
    assert "Official title: Breaching the Tumor-Immune Mechanical Barrier" in text
    assert "Career development award (K)" in text
    assert "Massachusetts General Hospital" in text
    assert "Boston, Massachusetts, United States" in text
    assert "Patients with aggressive forms of breast cancer." in text
    assert "Unlikely to help: Patients whose tumors do not express TROP2." in text
    assert "This is lab research: it does not enrol patients." in text
    assert "Potential benefit: More effective cancer treatments." in text
    assert "How similar studies have performed: Previous research has shown promise." in text
    assert "Last reviewed May 15, 2026 by the Find a Trial editorial team." in text
    assert response.content.decode().count("is not medical advice") == 1
    assert 'href="https://reporter.nih.gov/project-details/11012296"' in response.content.decode()
    assert "View on NIH RePORTER" in text
    # The seed page's defects, never again:
    assert "[" not in text and "FUNDING_" not in text  # no Python list or raw code
    assert "Researchers" not in _headings(response)  # no empty section
    assert "ClinicalTrials.gov" not in text  # an NIH grant is not a trial ID
    assert "Sex" not in text  # meaningless on a lab grant
    assert "Nih_funding" not in text and "nih_research" not in text


def test_researchers_section_lists_investigators_when_there_are_some(client, seed):
    person = Investigator.objects.create(name="Alex Example, MD", title="Assistant Professor")
    ProjectInvestigator.objects.create(project=seed, investigator=person, role="pi")
    text = _text(client.get(seed.get_absolute_url()))
    assert "Researchers" in text
    assert "Alex Example, MD Principal investigator Assistant Professor" in text


def test_optional_sections_are_left_out_when_empty(client, make_project, publish):
    project = publish(make_project(good_fit="", not_a_fit="", potential_benefit="", similar_studies=""))
    headings = _headings(client.get(project.get_absolute_url()))
    assert headings == ["Quick facts", "What this research studies", "About this research"]


def test_only_the_filled_half_of_a_section_is_shown(client, make_project, publish):
    project = publish(make_project(study_type="clinical_trial", good_fit="People with asthma.", not_a_fit=""))
    text = _text(client.get(project.get_absolute_url()))
    assert "Who could take part Good fit: People with asthma." in text
    assert "Not a fit" not in text


def test_trial_page_shows_phase_sex_and_trial_registry(client, make_project, publish):
    project = publish(make_project(study_type="clinical_trial", nct_id="NCT04567890",
                                   funding_mechanism="phase_3", sex_eligibility="female",
                                   research_status="recruiting"))
    response = client.get(project.get_absolute_url())
    text = _text(response)
    assert "Phase Phase 3" in text
    assert "Sex Female only" in text
    assert "Study ID NCT04567890 on ClinicalTrials.gov" in text
    assert "View on ClinicalTrials.gov" in text
    assert "NIH RePORTER" not in text
    assert (
        "Can I take part? Yes: it is looking for people to join now. "
        "Status Recruiting now Ages Any age Sex Female only"
    ) in text


def test_a_closed_study_says_no_and_its_contacts_are_for_questions(client, make_project, publish):
    project = publish(make_project(study_type="clinical_trial", research_status="completed",
                                   sites=[BOSTON]))
    ProjectSite.objects.filter(project=project).update(recruitment_status="recruiting")  # stale
    Contact.objects.create(project=project, name="Study Desk", phone="617-555-0100")
    text = _text(client.get(project.get_absolute_url()))
    assert "Can I take part? No: it is not enrolling people. Status Completed" in text
    assert "How to take part" not in text and "Recruiting at" not in text
    assert "Questions about this study Study Desk" in text
    # Nor does the list of sites say the stale site status.
    assert "Massachusetts General Hospital Boston, Massachusetts, United States" in text
    assert "Recruiting now" not in text


def test_an_archived_study_has_ended_whatever_its_last_status(client, make_project, publish, reviewer):
    project = publish(make_project(
        study_type="clinical_trial", research_status="recruiting", sites=[BOSTON],
        start_date=datetime.date(2015, 3, 1), end_date=datetime.date(2019, 12, 31),
    ))
    ProjectSite.objects.filter(project=project).update(recruitment_status="recruiting")
    workflow.archive(project, reviewer, "Ended in 2019.")
    text = _text(client.get(project.get_absolute_url()))
    assert "This research has ended." in text and "Ended · not enrolling" in text
    assert "Can I take part? No: it is not enrolling people." in text
    assert "Dates March 2015 to December 2019" in text
    assert "Status Ended (its record last said “Recruiting now”)" in text
    assert "· Recruiting now" not in text and "How to take part" not in text


def test_a_planned_end_date_that_has_passed_says_so(client, make_project, publish):
    project = publish(make_project(
        study_type="clinical_trial", research_status="unknown",
        start_date=datetime.date(2015, 3, 1), end_date=datetime.date(2019, 12, 31),
    ))
    text = _text(client.get(project.get_absolute_url()))
    assert "Dates Since March 2015; it was expected to end in December 2019" in text


@pytest.mark.parametrize("steps", [[], ["submit"], ["submit", "send_back"], ["submit", "approve", "withdraw"]])
def test_unpublished_projects_are_404(client, make_project, editor, reviewer, steps):
    project = make_project(lay_title="Hidden draft")
    for step in steps:
        actor = editor if step == "submit" else reviewer
        workflow.run(step, project, actor, "because")
    assert client.get(project.get_absolute_url()).status_code == 404
    assert "Hidden draft" not in client.get(LIST_URL).content.decode()


def test_unknown_slug_is_404(client):
    response = client.get(reverse("projects:detail", args=["no-such-project"]))
    assert response.status_code == 404


def test_listing_shows_published_projects_with_a_count(client, make_project, publish):
    publish(make_project(lay_title="Visible one"))
    publish(make_project(lay_title="Visible two"))
    make_project(lay_title="Draft three")
    for url in ("/", LIST_URL):
        response = client.get(url)
        text = _text(response)
        assert response.status_code == 200
        assert "2 projects found" in text
        assert "Visible one" in text and "Visible two" in text
        assert "Draft three" not in text


@pytest.fixture
def catalogue(make_project, publish):
    """Four published projects that differ on every filter, and one draft."""
    return {
        "tumor": publish(make_project(lay_title="Tumor barriers", conditions=["Breast cancer"],
                                      sites=[BOSTON], funding_mechanism="career_award",
                                      sponsor="Massachusetts General Hospital")),
        "sleep": publish(make_project(lay_title="Sleep and memory", lay_summary="amyloid clearance",
                                      conditions=["Alzheimer's disease"], research_status="completed",
                                      sites=[{"institution": "WashU", "city": "St. Louis",
                                              "state": "Missouri", "country": "United States"}])),
        "migraine": publish(make_project(study_type="clinical_trial", lay_title="Migraine pill",
                                         conditions=["Migraine"], sites=[BOSTON, TORONTO],
                                         sex_eligibility="all", research_status="recruiting",
                                         sponsor="Northwind Therapeutics")),
        "toronto": publish(make_project(study_type="clinical_trial", lay_title="Toronto trial",
                                        funding_mechanism="phase_1", conditions=["Breast cancer"],
                                        sites=[TORONTO])),
        "draft": make_project(lay_title="Secret draft", conditions=["Rare disease"],
                              sites=[{"institution": "X", "city": "Paris", "state": "",
                                      "country": "France"}], sponsor="Hidden Sponsor"),
    }


def _titles(client, query):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200, response.content.decode()[:500]
    return sorted(p.lay_title for p in response.context["object_list"])


@pytest.mark.parametrize("query, expected", [
    ({"condition": "breast-cancer"}, ["Toronto trial", "Tumor barriers"]),
    ({"country": "Canada"}, ["Migraine pill", "Toronto trial"]),
    ({"state": "Massachusetts"}, ["Migraine pill", "Tumor barriers"]),
    ({"funding": "career_award"}, ["Tumor barriers"]),
    ({"funding": "phase_1"}, ["Toronto trial"]),
    ({"study_type": "clinical_trial"}, ["Migraine pill", "Toronto trial"]),
    ({"status": "completed"}, ["Sleep and memory"]),
    ({"sponsor": "northwind-therapeutics"}, ["Migraine pill"]),
    ({"q": "amyloid"}, ["Sleep and memory"]),
    ({"q": "breast TRIAL"}, ["Toronto trial"]),
    ({"condition": "breast-cancer", "country": "United States"}, ["Tumor barriers"]),
    ({"q": "", "condition": ""}, ["Migraine pill", "Sleep and memory", "Toronto trial", "Tumor barriers"]),
])
def test_filters(client, catalogue, query, expected):
    assert _titles(client, query) == expected


def test_result_count_names_the_search(client, catalogue):
    text = _text(client.get(LIST_URL, {"q": "  amyloid "}))
    assert "1 project found for “amyloid”" in text


def test_a_project_with_two_sites_in_one_country_is_listed_once(client, catalogue):
    assert _titles(client, {"country": "United States"}).count("Migraine pill") == 1


def test_filter_choices_come_from_published_projects_only(client, catalogue):
    response = client.get(LIST_URL)
    form = response.context["filter"].form
    assert "France" not in dict(form.fields["country"].choices)
    menu = response.context["menu"]
    conditions = {c.key for c in menu.choices("condition")}
    assert "rare-disease" not in conditions and "breast-cancer" in conditions
    assert "Hidden Sponsor" not in {c.label for c in menu.choices("sponsor")}
    html = response.content.decode()
    assert '<option value="Breast cancer">' in html and "Rare disease" not in html


def test_long_lists_accept_a_typed_name_in_any_case(client, catalogue):
    assert _titles(client, {"condition": "BREAST CANCER"}) == ["Toronto trial", "Tumor barriers"]
    assert _titles(client, {"sponsor": "Northwind therapeutics"}) == ["Migraine pill"]
    assert _titles(client, {"state": "ontario"}) == ["Migraine pill", "Toronto trial"]


@pytest.mark.parametrize("query", [
    {"condition": "rare-disease"},  # exists, but only on a draft
    {"condition": "no-such-thing"},
    {"funding": "FUNDING_CAREER"},
    {"study_type": "lab"},
    {"country": "Atlantis"},
    {"sort": "password"},
    {"q": "x" * 201},
])
def test_bad_query_strings_get_a_clear_400(client, catalogue, query):
    response = client.get(LIST_URL, query)
    assert response.status_code == 400
    text = _text(response)
    assert "Some of the search options could not be used" in text
    assert "Secret draft" not in text and "Tumor barriers" not in text


def test_a_nul_character_anywhere_gets_the_400_page(client, catalogue):
    for query in ({"q": "tumor\x00"}, {"x\x00": "1"}):
        response = client.get(LIST_URL, query)
        assert response.status_code == 400
        assert "We could not understand that request" in response.content.decode()


def test_pagination_keeps_filters_and_explains_bad_pages(client, make_project, publish):
    for n in range(12):
        publish(make_project(lay_title=f"Study {n:02d}", conditions=["Asthma"]))
    first = client.get(LIST_URL, {"condition": "asthma"})
    assert "12 projects found" in _text(first)
    assert len(first.context["object_list"]) == 10
    assert "?condition=asthma&amp;page=2" in first.content.decode()
    second = client.get(LIST_URL, {"condition": "asthma", "page": 2})
    assert len(second.context["object_list"]) == 2
    # Not a page number: a 400 that says so. Past the end: the last page, with a note.
    bad = client.get(LIST_URL, {"page": "abc"})
    assert bad.status_code == 400
    assert "Page: enter a whole number, 1 or more." in _text(bad)
    beyond = client.get(LIST_URL, {"condition": "asthma", "page": 99})
    assert beyond.status_code == 200
    assert len(beyond.context["object_list"]) == 2
    assert "There is no page 99; these are the last results (page 2)." in _text(beyond)


def test_sorting_by_review_date(client, make_project, publish):
    publish(make_project(lay_title="Old"), reviewed_on=datetime.date(2025, 1, 1))
    publish(make_project(lay_title="New"), reviewed_on=datetime.date(2026, 1, 1))
    response = client.get(LIST_URL, {"sort": "-reviewed"})
    assert [p.lay_title for p in response.context["object_list"]] == ["New", "Old"]


def test_listing_uses_a_fixed_number_of_queries(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(LIST_URL)


def test_stylesheet_is_served(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_every_filter_has_a_human_label(client):
    form = client.get(LIST_URL).context["filter"].form
    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels == {
        "q": "Search", "as_typed": "Search only for the words as typed",
        "recruiting": "Recruiting now", "age": "My age (years)", "sex": "Open to",
        "healthy": "Accepts healthy volunteers", "near": "Near (ZIP code or city, state)",
        "radius": "Within",
        "condition": "Condition", "country": "Country",
        "state": "State or region", "funding": "Funding type or phase",
        "study_type": "Study type", "status": "Status",
        "sponsor": "Sponsor or institution", "sort": "Sort by",
    }
