"""Text search over projects."""

import pytest

from projects import workflow
from projects.models import GrantLink, Project, ProjectSearch
from projects import search as search_module
from projects.search import search

pytestmark = pytest.mark.django_db


def test_search_matches_every_word_across_titles_summary_and_conditions(make_project):
    tumor = make_project(lay_title="Tumor immune barriers", conditions=["Breast cancer"])
    make_project(lay_title="Sleep and memory", lay_summary="Amyloid clearance")
    assert list(search(Project.objects.all(), "breast immune")) == [tumor]
    assert list(search(Project.objects.all(), "AMYLOID")) == [Project.objects.get(lay_title="Sleep and memory")]
    assert not search(Project.objects.all(), "breast amyloid").exists()


def test_renaming_a_condition_is_found_by_search(make_project):
    project = make_project(conditions=["Tumour"])
    condition = project.conditions.get()
    condition.name = "Breast cancer"
    condition.save()
    assert list(search(Project.objects.all(), "breast")) == [project]


# Ranking, inflections and misspellings -------------------------------------

@pytest.fixture
def listed(make_project, publish):
    """Listed pages: the search vocabulary comes from them."""
    return {
        "title": publish(make_project(lay_title="Breast cancer screening with a blood test",
                                      lay_summary="A new test.", conditions=["Breast cancer"])),
        "summary": publish(make_project(lay_title="A study of scans",
                                        lay_summary="Scans find breast cancer early in older women.")),
        "official": publish(make_project(lay_title="Imaging women's health",
                                         lay_summary="Better pictures.",
                                         official_title="Tomosynthesis in breast cancer screening")),
        "tumors": publish(make_project(lay_title="How tumors hide from immune cells")),
    }


def test_a_match_in_the_title_ranks_above_one_in_the_summary_or_official_title(listed):
    if not search_module.ranked():
        pytest.skip("relevance ranking is PostgreSQL's")
    found = search_module.search(Project.objects.listed(), "breast cancer").order_by("-relevance")
    assert [p.pk for p in found] == [listed["title"].pk, listed["summary"].pk, listed["official"].pk]


def test_other_forms_of_a_word_match(listed):
    assert list(search_module.search(Project.objects.listed(), "tumor")) == [listed["tumors"]]


def test_a_misspelled_word_is_corrected_from_the_vocabulary(listed):
    text = search_module.understand("brest cancer")
    assert text.corrections == {"brest": "breast"}
    assert text.corrected == "breast cancer"
    found = set(search_module.search(Project.objects.listed(), text))
    assert found == {listed["title"], listed["summary"], listed["official"]}


def test_a_name_is_not_corrected_to_a_short_word_inside_it(make_project, publish):
    """"Amgen" (a sponsor's name, which the search text does not hold) is
    not "men"; a word with a letter dropped still finds its word."""
    publish(make_project(lay_title="Heart health in men", lay_summary="Back pain checks for men."))
    assert search_module.understand("amgen").corrections == {}
    assert search_module.understand("helth").corrections == {"helth": "health"}
    if not search_module.ranked():  # a swap of two letters (pg_trgm finds it too unlike)
        assert search_module.understand("pian").corrections == {"pian": "pain"}


def test_words_shaped_like_a_grant_number_that_names_nothing_are_searched_as_words(
    client, make_project, publish
):
    """"covid 2019" reads as activity COV, institute ID, serial 2019."""
    publish(make_project(lay_title="Long covid in 2019 and after", conditions=["COVID-19"]))
    assert search_module.identifier_match("covid 2019") is not None
    response = client.get("/projects/", {"q": "covid 2019"})
    assert _titles(response) == ["Long covid in 2019 and after"]


def test_known_words_and_their_inflections_are_left_alone(listed):
    assert search_module.understand("breast cancer screening").corrections == {}
    assert search_module.understand("tumors").corrections == {}
    assert search_module.understand("tumor").corrections == {}  # "tumors" is listed: same stem / part of it


def test_words_typed_as_the_vocabulary_has_them_are_only_looked_up(
    listed, django_assert_num_queries
):
    if not search_module.ranked():
        pytest.skip("SQLite compares with a vocabulary held in memory")
    with django_assert_num_queries(1):  # by key; the similarity search is not needed
        assert search_module.understand("breast cancer").corrections == {}
    with django_assert_num_queries(2):  # "brest" is not a key: compared with every word
        assert search_module.understand("brest cancer").corrections == {"brest": "breast"}


def test_a_word_is_known_through_the_stem_of_another_word_typed_beside_it(make_project, publish):
    if not search_module.ranked():
        pytest.skip("stems are PostgreSQL's")
    publish(make_project(lay_title="Why babies cry", lay_summary="Sleep and crises at night."))
    # "cries" is like "crises", but it is "cry" (typed and listed) by its stem.
    assert search_module.understand("cry cries").corrections == {}
    assert search_module.understand("cries").corrections == {"cries": "crises"}


def test_a_word_like_nothing_listed_is_kept_as_typed(listed):
    text = search_module.understand("xylophone")
    assert text.corrections == {}
    assert not search_module.search(Project.objects.listed(), text).exists()


def test_spelling_is_not_corrected_when_asked_for_the_words_as_typed(listed):
    assert search_module.understand("brest", correct=False).corrections == {}


def test_the_search_vector_follows_a_new_title(listed):
    if not search_module.ranked():
        pytest.skip("the search vector is PostgreSQL's")
    project = listed["tumors"]
    Project.objects.filter(pk=project.pk).update(lay_title="How cysts hide")
    assert list(search_module.search(Project.objects.listed(), "cysts")) == [project]
    assert not search_module.search(Project.objects.listed(), "tumors").exists()


def test_the_search_index_holds_exactly_the_listed_projects(make_project, publish, reviewer):
    if not search_module.ranked():
        pytest.skip("the search index is PostgreSQL's")
    draft = make_project(lay_title="A draft")
    live = publish(make_project(lay_title="Live page", research_status="active"))
    assert set(ProjectSearch.objects.values_list("project_id", flat=True)) == {live.pk}
    entry = ProjectSearch.objects.get(project=live)
    assert entry.recruitment_rank == 2 and entry.last_reviewed == live.last_reviewed
    Project.objects.filter(pk=live.pk).update(lay_title="Renamed live page")
    assert search_module.ranked_entries(search_module.SearchText("renamed")).get().project_id == live.pk
    workflow.withdraw(live, reviewer, "Gone")
    assert not ProjectSearch.objects.exists()
    assert not ProjectSearch.objects.filter(project=draft).exists()


@pytest.mark.parametrize("typed", ["NCT04567890", "nct04567890", " NCT04567890 "])
def test_a_search_for_an_nct_number_finds_that_study(client, make_project, publish, typed):
    publish(make_project(study_type="clinical_trial", nct_id="NCT04567890", lay_title="A migraine pill"))
    publish(make_project(lay_title="Migraine in the lab"))
    response = client.get("/projects/", {"q": typed})
    assert response.status_code == 200
    assert _titles(response) == ["A migraine pill"]
    api = client.get("/api/v1/projects/", {"q": typed}).json()
    assert api["count"] == 1 and api["results"][0]["lay_title"] == "A migraine pill"


@pytest.mark.parametrize("typed", ["R01HL123456", "1R01HL123456-01", "r01 hl123456"])
def test_a_search_for_an_nih_grant_number_finds_the_grant_and_the_studies_naming_it(
    client, make_project, publish, typed
):
    publish(make_project(nih_core_project_number="R01HL123456", nih_project_number="1R01HL123456-01",
                         lay_title="Heart cells in the lab"))
    trial = publish(make_project(study_type="clinical_trial", lay_title="A heart trial"))
    GrantLink.objects.create(project=trial, core_project_number="R01HL123456")
    publish(make_project(lay_title="Another heart study"))
    response = client.get("/projects/", {"q": typed, "sort": "title"})
    assert sorted(_titles(response)) == ["A heart trial", "Heart cells in the lab"]
    assert "2 projects" in response.content.decode()
    # With another filter, the study alone.
    response = client.get("/projects/", {"q": typed, "study_type": "clinical_trial"})
    assert _titles(response) == ["A heart trial"]


def test_words_that_only_contain_a_number_are_searched_as_words():
    assert search_module.identifier_match("R01 grants for asthma") is None
    assert search_module.identifier_match("NCT0456789") is None  # seven digits
    assert search_module.identifier_match("asthma") is None


def _titles(response) -> list[str]:
    return [project.lay_title for project in response.context["object_list"]]


def test_a_searchs_estimated_matches_are_the_fewest_pages_any_of_its_words_is_on():
    """What ``_page_near`` weighs a search by (``ProjectFilter.share_kept_near``)."""
    known = {"breast": 50, "cancer": 300}
    assert search_module.SearchText("cancer", known=known).estimated_matches == 300
    assert search_module.SearchText("Breast cancer", known=known).estimated_matches == 50
    # Words the search leaves out (too short, common) do not count.
    assert search_module.SearchText("cancer of the breast", known=known).estimated_matches == 50
    # A misspelled word counts as its correction.
    corrected = search_module.SearchText("cancr", corrections={"cancr": "cancer"}, known=known)
    assert corrected.estimated_matches == 300
    # A word the vocabulary does not count: not known.
    assert search_module.SearchText("cancer xylophone", known=known).estimated_matches == 0
