"""Browse pages: conditions, institutions and researchers from A to Z, and
a page for each. Only listed projects make an entry or add to a number;
a name only a draft (or a withdrawn or archived page) uses is a 404."""

import datetime
import re

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Condition, Investigator, Organization, ProjectInvestigator

from .conftest import BOSTON, TORONTO

pytestmark = pytest.mark.django_db

CONDITIONS = reverse("browse:conditions")
INSTITUTIONS = reverse("browse:institutions")
RESEARCHERS = reverse("browse:researchers")


def _text(response):
    html = response.content.decode()
    main = html[html.index("<main"): html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _entries(response):
    return {entry.name: entry.count for entry in response.context["entries"]}


def _researcher(project, name, role="pi", organization=None, title=""):
    person, _ = Investigator.objects.get_or_create(
        name=name, organization=organization, defaults={"title": title}
    )
    ProjectInvestigator.objects.create(project=project, investigator=person, role=role)
    return person


@pytest.fixture
def catalogue(make_project, publish, editor, reviewer):
    """Listed projects, and one each of: draft, withdrawn, archived, all
    sharing names with the listed ones and having names of their own."""
    mgh = "Massachusetts General Hospital"
    tumor = publish(make_project(lay_title="Tumor barriers", conditions=["Breast cancer"],
                                 sponsor=mgh, sites=[BOSTON]))
    trial = publish(make_project(study_type="clinical_trial", lay_title="Toronto trial",
                                 conditions=["Breast cancer", "Anxiety"], sites=[TORONTO],
                                 sponsor="University Health Network"))
    sleep = publish(make_project(lay_title="Sleep and memory", conditions=["Alzheimer's disease"],
                                 sponsor=mgh))
    draft = make_project(lay_title="Secret draft", conditions=["Breast cancer", "Rare disease"],
                         sponsor="Hidden Sponsor")
    withdrawn = publish(make_project(lay_title="Withdrawn page", conditions=["Breast cancer", "Gone disease"],
                                     sponsor="Withdrawn Sponsor"))
    workflow.withdraw(withdrawn, reviewer, "Source record was wrong")
    archived = publish(make_project(lay_title="Archived page", conditions=["Breast cancer", "Old disease"],
                                    sponsor="Archived Sponsor", research_status="completed",
                                    start_date=datetime.date(2015, 1, 1),
                                    end_date=datetime.date(2020, 1, 1)))
    workflow.archive(archived, reviewer, "Ended long ago")
    mgh_org = Organization.objects.get(name=mgh)
    people = {
        "dana": _researcher(tumor, "Dana Whitfield, MD", organization=mgh_org, title="Associate Professor"),
        "officer": _researcher(tumor, "Olive Officer", role="program_officer"),
        "secret": _researcher(draft, "Sam Secret"),
        "gone": _researcher(withdrawn, "Gale Gone"),
    }
    _researcher(sleep, "Dana Whitfield, MD", role="co_investigator", organization=mgh_org)
    _researcher(trial, "Olive Officer", role="program_officer")
    _researcher(draft, "Dana Whitfield, MD", organization=mgh_org)
    return {"tumor": tumor, "trial": trial, "sleep": sleep, "draft": draft,
            "withdrawn": withdrawn, "archived": archived, **people}


# Conditions ------------------------------------------------------------------

def test_conditions_count_listed_projects_only(client, catalogue):
    response = client.get(CONDITIONS, {"letter": "b"})
    assert response.status_code == 200
    # Tumor barriers and Toronto trial; not the draft, withdrawn or archived page.
    assert _entries(response) == {"Breast cancer": 2}
    assert "Breast cancer 2 projects" in _text(response)


@pytest.mark.parametrize("letter", ["r", "g", "o"])
def test_conditions_only_unlisted_pages_use_are_not_shown(client, catalogue, letter):
    response = client.get(CONDITIONS, {"letter": letter})
    assert response.status_code == 200
    assert _entries(response) == {}
    assert "No condition with published projects starts with this letter yet." in _text(response)


def test_without_a_letter_the_first_letter_in_use_is_shown(client, catalogue):
    response = client.get(CONDITIONS)
    assert _entries(response) == {"Alzheimer's disease": 1, "Anxiety": 1}
    letters = {item["key"]: item for item in response.context["letters"]}
    assert letters["a"]["current"] and letters["a"]["in_use"]
    assert letters["b"]["in_use"] and not letters["b"]["current"]
    assert not letters["r"]["in_use"] and not letters["g"]["in_use"]  # draft and withdrawn only
    html = response.content.decode()
    assert '<a href="?letter=b">B</a>' in html
    assert '<a href="?letter=r">' not in html


def test_names_that_do_not_start_with_a_letter_are_filed_under_other(client, make_project, publish):
    publish(make_project(conditions=["22q11.2 deletion syndrome", "Ébola", "Zika"]))
    response = client.get(CONDITIONS, {"letter": "other"})
    assert _entries(response) == {"22q11.2 deletion syndrome": 1, "Ébola": 1}
    assert "Conditions starting with a number or another character" in _text(response)
    assert _entries(client.get(CONDITIONS, {"letter": "Z"})) == {"Zika": 1}


@pytest.mark.parametrize("query", [
    {"letter": "zz"}, {"letter": "1"}, {"letter": ""},
    {"letter": "a", "page": "abc"}, {"letter": "a", "page": "0"}, {"letter": "a", "page": "2"},
])
def test_an_unreadable_letter_or_page_is_404(client, catalogue, query):
    assert client.get(CONDITIONS, query).status_code == 404


def test_a_letter_pages_past_a_hundred_entries(client, make_project, publish):
    names = [f"Aa condition {n:03d}" for n in range(101)]
    publish(make_project(conditions=names))
    first = client.get(CONDITIONS, {"letter": "a"})
    assert len(first.context["entries"]) == 100
    assert "Page 1 of 2" in _text(first)
    assert 'href="?letter=a&amp;page=2"' in first.content.decode()
    second = client.get(CONDITIONS, {"letter": "a", "page": 2})
    assert _entries(second) == {"Aa condition 100": 1}
    assert '<link rel="canonical" href="http://testserver/conditions/?letter=a&amp;page=2">' in (
        second.content.decode()
    )


def test_condition_page_lists_its_listed_projects(client, catalogue):
    condition = Condition.objects.get(name="Breast cancer")
    response = client.get(condition.get_absolute_url())
    assert response.status_code == 200
    text = _text(response)
    assert "2 published projects" in text
    assert "Tumor barriers" in text and "Toronto trial" in text
    for hidden in ("Secret draft", "Withdrawn page", "Archived page"):
        assert hidden not in text
    html = response.content.decode()
    assert 'href="/projects/?condition=breast-cancer"' in html
    assert 'href="/feeds/conditions/breast-cancer.rss"' in html
    assert 'href="/conditions/?letter=b"' in html  # back to its letter


@pytest.mark.parametrize("name", ["Rare disease", "Gone disease", "Old disease"])
def test_a_condition_only_unlisted_pages_use_is_404(client, catalogue, name):
    condition = Condition.objects.get(name=name)
    assert client.get(condition.get_absolute_url()).status_code == 404


def test_unknown_condition_is_404(client, catalogue):
    assert client.get(reverse("browse:condition", args=["no-such-thing"])).status_code == 404


def test_condition_page_paginates_its_projects(client, make_project, publish):
    for n in range(21):
        publish(make_project(lay_title=f"Asthma study {n:02d}", conditions=["Asthma"]))
    url = reverse("browse:condition", args=["asthma"])
    assert len(client.get(url).context["projects"]) == 20
    second = client.get(url, {"page": 2})
    assert [p.lay_title for p in second.context["projects"]] == ["Asthma study 20"]
    assert client.get(url, {"page": 3}).status_code == 404


# Institutions ----------------------------------------------------------------

def test_institutions_are_sponsors_of_listed_projects_with_counts(client, catalogue):
    assert _entries(client.get(INSTITUTIONS, {"letter": "m"})) == {"Massachusetts General Hospital": 2}
    assert _entries(client.get(INSTITUTIONS, {"letter": "u"})) == {"University Health Network": 1}
    for letter in ("h", "w", "a"):  # hidden, withdrawn and archived sponsors
        assert _entries(client.get(INSTITUTIONS, {"letter": letter})) == {}


def test_institution_page(client, catalogue):
    organization = Organization.objects.get(name="Massachusetts General Hospital")
    organization.city, organization.country = "Boston", "United States"
    organization.save()
    response = client.get(organization.get_absolute_url())
    text = _text(response)
    assert "Massachusetts General Hospital" in text and "Boston, United States" in text
    assert "2 published projects" in text
    assert "Tumor barriers" in text and "Sleep and memory" in text
    assert 'href="/projects/?sponsor=massachusetts-general-hospital"' in response.content.decode()


@pytest.mark.parametrize("name", ["Hidden Sponsor", "Withdrawn Sponsor", "Archived Sponsor"])
def test_an_institution_without_listed_projects_is_404(client, catalogue, name):
    assert client.get(Organization.objects.get(name=name).get_absolute_url()).status_code == 404


# Researchers -----------------------------------------------------------------

def test_researchers_are_investigators_of_listed_projects_not_program_officers(client, catalogue):
    assert _entries(client.get(RESEARCHERS, {"letter": "d"})) == {"Dana Whitfield, MD": 2}
    for letter in ("o", "s", "g"):  # program officer, draft-only, withdrawn-only
        assert _entries(client.get(RESEARCHERS, {"letter": letter})) == {}
    text = _text(client.get(RESEARCHERS, {"letter": "d"}))
    assert "Dana Whitfield, MD 2 projects Associate Professor, Massachusetts General Hospital" in text


def test_researcher_page(client, catalogue):
    response = client.get(catalogue["dana"].get_absolute_url())
    assert response.status_code == 200
    text = _text(response)
    assert "Dana Whitfield, MD" in text and "Associate Professor" in text
    assert "2 published projects" in text
    assert "Tumor barriers" in text and "Sleep and memory" in text and "Secret draft" not in text


@pytest.mark.parametrize("person", ["officer", "secret", "gone"])
def test_a_researcher_page_needs_a_listed_project_as_a_researcher(client, catalogue, person):
    investigator = catalogue[person]
    assert client.get(investigator.get_absolute_url()).status_code == 404
    assert client.get(reverse("browse:researcher_by_id", args=[investigator.pk])).status_code == 404


@pytest.mark.parametrize("path", ["{pk}/", "{pk}-old-name/"])
def test_a_researcher_address_without_the_current_name_moves_for_good(client, catalogue, path):
    dana = catalogue["dana"]
    response = client.get(f"/researchers/{path.format(pk=dana.pk)}", {"page": 1})
    assert response.status_code == 301
    assert response["Location"] == f"/researchers/{dana.pk}-dana-whitfield-md/?page=1"


def test_unknown_researcher_is_404(client, catalogue):
    assert client.get("/researchers/999999/").status_code == 404
    assert client.get("/researchers/999999-nobody/").status_code == 404


# At scale --------------------------------------------------------------------

@pytest.mark.parametrize("url", [CONDITIONS, INSTITUTIONS, RESEARCHERS])
def test_an_index_page_takes_a_fixed_number_of_queries(
    client, make_project, publish, url, django_assert_max_num_queries
):
    for n in range(8):
        project = publish(make_project(conditions=[f"A condition {n}", f"Another {n}"],
                                       sponsor=f"A sponsor {n}"))
        _researcher(project, f"A researcher {n}")
    # letters, the page's count, the page, the numbers for the page
    with django_assert_max_num_queries(4):
        response = client.get(url, {"letter": "a"})
    assert len(response.context["entries"]) >= 8


def test_a_condition_page_takes_a_fixed_number_of_queries(
    client, make_project, publish, django_assert_max_num_queries
):
    for n in range(12):
        publish(make_project(conditions=["Asthma", f"Other {n}"], sites=[BOSTON, TORONTO]))
    # the condition, the count, the page, its conditions, its sites
    with django_assert_max_num_queries(5):
        client.get(reverse("browse:condition", args=["asthma"]))


def test_the_main_navigation_leads_to_the_browse_pages(client, catalogue):
    html = client.get(CONDITIONS).content.decode()
    nav = html[html.index('<nav class="site-nav"'): html.index("</nav>")]
    assert 'href="/conditions/" aria-current="page"' in nav
    assert 'href="/institutions/"' in nav and 'href="/researchers/"' in nav


def test_a_nul_letter_is_refused_with_a_400(client, catalogue):
    assert client.get("/conditions/", {"letter": "\x00"}).status_code == 400
