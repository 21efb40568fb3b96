"""The listing page at scale: query budgets that do not grow with the page
size or the filters, counts capped with words for people, pages capped
with a way forward, and cards that show what they should."""

import html
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from geo.centroids import Place, lookup_zip
from geo.distance import haversine_miles
from projects import listing, search
from projects.filters import ProjectFilter
from projects.models import Contact, Facet, FacetKind, GrantLink, Project, Site, page_conditions
from projects.views import ProjectListView

from .conftest import BOSTON
from .data import DETAIL_BUDGET, LAB_PAGE_BUDGET, LISTING_BUDGET
from .factories import published_projects

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:list")


def _text(response):
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


@pytest.fixture
def sixty(make_project, publish):
    """60 published projects, each with 3 sites, 3 investigators and 3 conditions."""
    return published_projects(make_project, publish, 60)


QUERIES = [
    {},
    {"q": "breathing"},
    {"q": "braething sleep"},  # misspelled: a correction too
    {"condition": "asthma"},
    {"condition": "Asthma", "country": "United States", "state": "Texas"},
    {"sponsor": "sponsor-3", "study_type": "clinical_trial", "status": "recruiting"},
    {"recruiting": "on", "age": "45", "sex": "female", "healthy": "on"},
    {
        "q": "sleep",
        "condition": "melanoma",
        "country": "Canada",
        "recruiting": "on",
        "sort": "relevance",
    },
    {"funding": "phase_2", "sort": "title", "page": "2"},
    {"sort": "newest", "page": "99"},
    {"country": "France", "state": "Texas"},  # no results: the explanation too
    {"near": "02114", "radius": "50"},
    {"q": "breathing", "near": "Boston, MA", "recruiting": "on", "condition": "asthma"},
    {"near": "02114", "sort": "title", "state": "Texas"},
]


@pytest.mark.parametrize("page_size", [10, 60])
def test_any_listing_stays_within_the_query_budget(client, sixty, page_size, monkeypatch):
    monkeypatch.setattr(ProjectListView, "paginate_by", page_size)
    for query in QUERIES:
        caches["default"].clear()  # cold: the facet menu is read too
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, query)
        assert response.status_code == 200, _text(response)[:300]
        assert len(queries) <= LISTING_BUDGET, (query, [q["sql"][:120] for q in queries])


def test_a_full_page_of_sixty_cards_has_every_card_filled(client, sixty, monkeypatch):
    monkeypatch.setattr(ProjectListView, "paginate_by", 60)
    response = client.get(LIST_URL)
    assert len(response.context["object_list"]) == 60
    text = _text(response)
    assert text.count("3 sites in 2 countries") + text.count("3 sites in 3 countries") == 60
    assert "Breast cancer" in text and "Sponsor 3" in text


def test_a_trial_page_with_contacts_and_grants_stays_within_its_budget(
    client, sixty, django_assert_max_num_queries
):
    trial, funder = sixty[0], sixty[1]
    assert trial.is_clinical_trial and funder.is_lab_research
    for order, project_site in enumerate(trial.project_sites.all()):
        Contact.objects.create(
            project=trial,
            site=project_site.site,
            name=f"Coordinator {order}",
            role="site",
            phone="617-555-0100",
        )
    Contact.objects.create(project=trial, name="Study desk", phone="617-555-0199")
    # One grant whose page is live here, one that is only on NIH RePORTER.
    Project.objects.filter(pk=funder.pk).update(nih_core_project_number="R01HL123456")
    GrantLink.objects.create(project=trial, core_project_number="R01HL123456")
    GrantLink.objects.create(project=trial, core_project_number="K08CA287654")
    # SQLite's JSON support is probed once per connection (three statements), not per page.
    assert connection.features.supports_json_field
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(trial.get_absolute_url())
    assert response.status_code == 200
    text, page = _text(response), response.content.decode()
    assert "Study desk" in text
    # Central contacts first, then each site's, in their order, with the site's name.
    for order, project_site in enumerate(trial.project_sites.all()):
        assert f"Coordinator {order} at {project_site.site.institution}, {project_site.site.city}" in text
    assert text.index("Study desk") < text.index("Coordinator 0") < text.index("Coordinator 2")
    assert "Funded by NIH grants K08CA287654 , R01HL123456" in text
    assert f'<a href="{funder.get_absolute_url()}">R01HL123456</a>' in page
    assert '<a href="https://reporter.nih.gov/quickSearch/K08CA287654">K08CA287654</a>' in page
    assert '"funding":[{"@type":"Grant","identifier":"K08CA287654"' in page


def test_a_lab_research_page_stays_within_its_budget(
    client, sixty, django_assert_max_num_queries
):
    lab = sixty[1]
    assert lab.is_lab_research
    assert connection.features.supports_json_field  # probed once per connection
    with django_assert_max_num_queries(LAB_PAGE_BUDGET):
        response = client.get(lab.get_absolute_url())
    assert response.status_code == 200
    text = _text(response)
    assert "Researcher 1" in text and "Toronto Western Hospital" in text
    assert f'href="/projects/?condition={lab.conditions.order_by("name")[0].slug}"' in (
        response.content.decode()
    )
    assert "Can I take part?" not in text and "Funded by NIH" not in text


def test_counts_beyond_the_limit_are_shown_as_over(client, sixty, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 20)
    text = _text(client.get(LIST_URL, {"q": "breathing"}))
    assert "Over 20 projects found" in text
    # No filter, or one facet: the facet table knows the exact number.
    assert "60 projects found" in _text(client.get(LIST_URL))


def _counted(client, query) -> tuple[str, bool]:
    """The page's text, and whether a query counted its results."""
    caches["default"].clear()  # the page itself, not a cached copy
    with CaptureQueriesContext(connection) as queries:
        text = _text(client.get(LIST_URL, query))
    return text, any("COUNT(" in q["sql"] for q in queries.captured_queries)


def test_a_word_on_over_twice_the_limit_of_pages_is_over_it_uncounted(
    client, sixty, monkeypatch
):
    if not search.ranked():
        pytest.skip("SQLite keeps no vocabulary counts for the search")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 20)
    # "breathing" is in all 60 titles: the vocabulary says so.
    text, counted = _counted(client, {"q": "Breathing"})
    assert "Over 20 projects found" in text and not counted
    # "melanoma" is a condition of 30: close to the limit, so counted.
    text, counted = _counted(client, {"q": "melanoma"})
    assert "Over 20 projects found" in text and counted
    # Two words, or a word and a filter: only a count can say.
    assert _counted(client, {"q": "breathing sleep"})[1]
    assert _counted(client, {"q": "breathing", "recruiting": "on"})[1]
    monkeypatch.setattr(listing, "COUNT_LIMIT", 40)
    text, counted = _counted(client, {"q": "melanoma"})
    assert "30 projects found" in text and counted


def test_a_misspelled_word_whose_correction_is_on_over_twice_the_limit_is_over_it_uncounted(
    client, sixty, monkeypatch
):
    if not search.ranked():
        pytest.skip("SQLite keeps no vocabulary counts for the search")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 20)
    text, counted = _counted(client, {"q": "braething"})  # breathing: all 60 pages
    assert "Search only for “braething”" in text  # the correction is searched
    assert "Over 20 projects found" in text and not counted
    monkeypatch.setattr(listing, "COUNT_LIMIT", 40)
    text, counted = _counted(client, {"q": "melanom"})  # melanoma: 30 pages
    assert "30 projects found" in text and counted


def test_a_search_the_vocabulary_overcounts_is_counted_when_its_page_comes_back_short(
    client, sixty, monkeypatch
):
    if not search.ranked():
        pytest.skip("SQLite keeps no vocabulary counts for the search")
    monkeypatch.setattr(listing, "COUNT_LIMIT", 20)
    # A vocabulary count that is wrong (as one for a word PostgreSQL reads
    # differently would be): the short first page shows the real number.
    Facet.objects.filter(kind=FacetKind.WORD, key="breathing").update(count=5000)
    Facet.objects.filter(kind=FacetKind.WORD, key="sleep").update(key="slumber", label="slumber")
    Facet.objects.create(kind=FacetKind.WORD, key="between", label="between", count=5000)
    for word in ("slumber", "between"):  # in no page; "between" is a stop word too
        text, counted = _counted(client, {"q": word})
        assert "0 projects found" in text and counted
    caches["default"].clear()
    response = client.get(LIST_URL, {"q": "slumber", "page": "7"})
    assert response.status_code == 200 and response.context["page"].count == 0


def test_pages_beyond_the_cap_ask_for_a_narrower_search(client, sixty, monkeypatch):
    monkeypatch.setattr(listing, "MAX_PAGES", 3)
    response = client.get(LIST_URL, {"page": 5})
    assert response.status_code == 200
    text = _text(response)
    assert "There is no page 5; these are the last results (page 3)." in text
    assert "Page 3 of 3+" in text
    assert (
        "Only the first 3 pages can be browsed. Add a filter or a search word to see the rest."
        in text
    )
    assert 'rel="next"' not in response.content.decode()


def test_near_a_place_the_nearest_come_first_with_their_distance(client, sixty):
    response = client.get(LIST_URL, {"near": "77030", "radius": "100"})  # Houston Methodist
    assert response.status_code == 200
    items = response.context["object_list"]
    assert items and all(p.nearest.site.city == "Houston" for p in items)
    distances = [p.nearest.miles for p in items]
    assert distances == sorted(distances) and distances[0] < 5
    assert "away: Houston Methodist Hospital, Houston, Texas" in _text(response)
    houston = Project.objects.filter(project_sites__site__city="Houston").distinct().count()
    assert f"{houston} projects found" in _text(response)


def test_an_unknown_zip_code_is_a_clear_400(client, sixty):
    response = client.get(LIST_URL, {"near": "99999"})
    assert response.status_code == 400
    assert "We don't know where ZIP code 99999 is." in _text(response)


def test_cards_show_their_status_and_the_sites(client, sixty):
    response = client.get(LIST_URL, {"study_type": "clinical_trial", "status": "recruiting"})
    html = response.content.decode()
    assert 'class="status-badge tone-open">Recruiting now<' in html
    assert "3 sites in" in _text(response)


def test_cards_read_their_conditions_with_their_rows(sixty, django_assert_num_queries):
    ids = [project.pk for project in sixty[:10]]
    listing.cards(ids)  # once first: SQLite's connection checks its JSON support once
    with django_assert_num_queries(1):
        cards = listing.cards(ids)
        shown = [[c.name for c in page_conditions(card)] for card in cards]
    expected = [
        sorted(project.conditions.values_list("name", flat=True), key=str.casefold)
        for project in sixty[:10]
    ]
    assert shown == expected and all(len(names) == 3 for names in shown)


def test_a_cards_conditions_are_in_name_order_whatever_their_case(make_project, publish):
    project = publish(make_project(conditions=["HIV", "asthma", "COVID-19", "Bronchitis"]))
    expected = ["asthma", "Bronchitis", "COVID-19", "HIV"]
    assert [c.name for c in page_conditions(listing.cards([project.pk])[0])] == expected
    assert [c.name for c in page_conditions(Project.objects.get(pk=project.pk))] == expected


def test_the_results_offer_the_same_search_as_a_csv_file_and_the_feed(client, sixty):
    response = client.get(LIST_URL, {"condition": "asthma", "page": "2"})
    page = response.content.decode()
    assert 'href="/projects/export.csv?condition=asthma"' in page or (
        reverse("projects:export") + "?condition=asthma"
    ) in page
    assert reverse("feeds:projects_rss") in page


def test_an_empty_result_offers_no_download(client, sixty):
    response = client.get(LIST_URL, {"q": "xylophonist"})
    assert "0 projects found" in _text(response)
    assert reverse("projects:export") not in response.content.decode()


NASHUA = {"institution": "Southern NH Medical Center", "city": "Nashua",
          "state": "New Hampshire", "country": "United States"}  # 35 miles from 02114
HOUSTON = {"institution": "Houston Methodist", "city": "Houston", "state": "Texas",
           "country": "United States"}


def _titles_near(client, **query):
    response = client.get(LIST_URL, {"q": "asthma", "near": "02114", "radius": "50", **query})
    assert response.status_code == 200
    return [project.lay_title for project in response.context["page"].items]


def test_a_search_near_a_place_finds_matches_in_every_state_in_reach(
    client, make_project, publish, near_strategy
):
    """The matches are narrowed by the states of the sites in reach
    (``ProjectFilter.ids_near``): a match whose only site in reach is over
    a state line is found, one far away is not, nearest first."""
    for title, sites in [("Asthma in Boston", [BOSTON]), ("Asthma in Nashua", [NASHUA]),
                         ("Asthma in Houston", [HOUSTON]), ("Asthma in both", [HOUSTON, NASHUA])]:
        publish(make_project(lay_title=title, conditions=["Asthma"], sites=sites,
                             study_type="clinical_trial", research_status="recruiting"))
    publish(make_project(lay_title="Migraine in Boston", conditions=["Migraine"], sites=[BOSTON]))
    # Nearest first; the two at the Nashua site in the order they were made.
    assert _titles_near(client) == ["Asthma in Boston", "Asthma in Nashua", "Asthma in both"]
    assert sorted(_titles_near(client, recruiting="on", sort="title")) == [
        "Asthma in Boston", "Asthma in Nashua", "Asthma in both",
    ]


def test_a_site_in_reach_with_no_state_leaves_the_matches_unnarrowed(
    client, make_project, publish, near_strategy
):
    unnamed = {**BOSTON, "institution": "A clinic with no state", "state": ""}
    publish(make_project(lay_title="Asthma nowhere named", conditions=["Asthma"], sites=[unnamed]))
    Site.objects.filter(institution=unnamed["institution"]).update(latitude=42.36, longitude=-71.06)
    publish(make_project(lay_title="Asthma in Nashua", conditions=["Asthma"], sites=[NASHUA]))
    assert _titles_near(client) == ["Asthma nowhere named", "Asthma in Nashua"]


WORCESTER = {"institution": "UMass Memorial", "city": "Worcester", "state": "Massachusetts",
             "country": "United States"}
PROVIDENCE = {"institution": "Rhode Island Hospital", "city": "Providence",
              "state": "Rhode Island", "country": "United States"}


@pytest.mark.parametrize("query", [
    "recruiting=on", "q=asthma", "q=asthma&recruiting=on", "study_type=clinical_trial",
])
def test_each_way_of_finding_projects_near_a_place_gives_the_same_pages(
    client, make_project, publish, monkeypatch, query
):
    """Near a place with other filters the listing walks the sites nearest
    first, or places the filters' matches from the links near the place,
    or from their own links (``listing._page_near`` chooses by how many
    the filters keep and how many sites are in reach). Each gives the
    pages the exact distances give, nearest first."""
    places = [BOSTON, NASHUA, WORCESTER, PROVIDENCE, HOUSTON]
    for n in range(23):
        sites = [places[n % 5], places[(n + 2) % 5]][: 1 + n % 2]
        publish(make_project(
            lay_title=f"{'Asthma' if n % 3 else 'Migraine'} study {n}",
            conditions=["Asthma" if n % 3 else "Migraine"], sites=sites,
            study_type="clinical_trial" if n % 4 else "nih_research",
            research_status=("recruiting" if n % 5 else "completed") if n % 4 else "active",
        ))
    boston = lookup_zip("02114")
    filterset = ProjectFilter(
        QueryDict(f"near=02114&radius=50&{query}"), queryset=Project.objects.listed()
    )
    nearest = {}
    for project in filterset.qs:  # the projects the filters keep, a site within reach
        nearest[project.pk] = min(
            haversine_miles(boston.latitude, boston.longitude, site.latitude, site.longitude)
            for site in project.sites.all()
        )
    expected = sorted(nearest, key=lambda pk: (nearest[pk], pk))
    assert 5 < len(expected) < 23

    def pages(walk, projects_first):
        monkeypatch.setattr(
        ProjectFilter, "share_kept_near", lambda self, without=None: 1.0 if walk else 0.0
    )
        monkeypatch.setattr(listing, "PROJECTS_FIRST_SITES", 0 if projects_first else 1_000)
        monkeypatch.setattr(listing, "WALK_SITES", 1)  # a chunk per site
        found = []
        for number in range(1, 1 + (len(expected) + 9) // 10):
            caches["default"].clear()  # the same address again: not the cached page
            response = client.get(LIST_URL, {"near": "02114", "radius": "50", "page": number,
                                              **dict(QueryDict(query).items())})
            page = response.context["page"]
            assert page.count == len(expected)
            found += [(project.pk, round(project.nearest.miles, 6)) for project in page.items]
        return found

    shown = [(pk, round(nearest[pk], 6)) for pk in expected]
    assert pages(walk=True, projects_first=False) == shown
    assert pages(walk=False, projects_first=False) == shown
    assert pages(walk=False, projects_first=True) == shown


@pytest.fixture
def around_boston_sites(make_project, publish):
    """Projects at sites near Boston, some sharing a site (ties in miles)."""
    places = [
        BOSTON, NASHUA,
        {"institution": "UMass Memorial", "city": "Worcester", "state": "Massachusetts",
         "country": "United States"},
        {"institution": "Rhode Island Hospital", "city": "Providence", "state": "Rhode Island",
         "country": "United States"},
        {"institution": "Cambridge Health Alliance", "city": "Cambridge",
         "state": "Massachusetts", "country": "United States"},
    ]
    for n in range(9):
        sites = [places[n % 5], places[(n + 2) % 5]] if n % 3 else [places[n % 5]]
        publish(make_project(lay_title=f"Study {n}", sites=sites))
    publish(make_project(lay_title="Far away", sites=[HOUSTON]))
    filterset = filters_for("near=02114&radius=50")
    return filterset.sites_in_reach(), filterset.place()


def filters_for(query):
    from django.http import QueryDict

    from projects.filters import ProjectFilter

    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
    assert filterset.is_valid(), filterset.form.errors
    return filterset


def test_walking_the_sites_nearest_first_gives_what_one_query_gives(
    around_boston_sites, monkeypatch
):
    """``_walk_nearest`` (the place alone) reads the sites a few at a time
    and stops early; it must order and count as ``_nearest`` does."""
    near, boston = around_boston_sites
    every, total, _capped = listing._nearest(near, None, 100, 0)
    assert total == 9 and len({site for _p, site, _m in every}) >= 3
    for chunk in (1, 2, 50):  # a chunk per site (every stop is tried), two, all at once
        monkeypatch.setattr(listing, "WALK_SITES", chunk)
        for limit, offset in [(3, 0), (3, 3), (3, 6), (10, 0), (2, 8)]:
            assert listing._walk_nearest(boston, 50, limit, offset) == (
                every[offset : offset + limit], 9, False
            )
        among = [every[7][0], every[1][0]]
        rows, _total, _capped = listing._walk_nearest(boston, 50, 10, 0, among=among)
        assert rows == [every[1], every[7]]


def test_walking_the_sites_stops_once_over_the_count_limit(around_boston_sites, monkeypatch):
    near, boston = around_boston_sites
    every, _total, _capped = listing._nearest(near, None, 100, 0)
    monkeypatch.setattr(listing, "WALK_SITES", 1)
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    rows, count, capped = listing._walk_nearest(boston, 50, 2, 0)
    assert (rows, count, capped) == (every[:2], 3, True)
    # Asked for rows past what the limit counts, it reads on for them.
    assert listing._walk_nearest(boston, 50, 2, 6)[0] == every[6:8]


def test_the_walk_reads_fewer_sites_next_when_it_has_nearly_enough(monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 1_000)
    monkeypatch.setattr(listing, "WALK_SITES", 50)
    assert listing._next_chunk(128, 128, 0) == 256  # nothing found yet: twice as many
    # 283 more to find at 5.6 a site: twice the 51 sites that would take.
    assert listing._next_chunk(129, 129, 718) == 102
    assert listing._next_chunk(100, 1_000, 999) == 50  # never fewer than the first read
    assert listing._next_chunk(100, 100, 2_000) == 200  # enough found: only ``among`` reads on


def test_a_page_past_what_an_over_1000_count_reaches_is_its_last_page(
    around_boston_sites, monkeypatch
):
    """As without a place: "over 3" in pages of 2 reaches page 2."""
    near, _boston = around_boston_sites
    every, _total, _capped = listing._nearest(near, None, 100, 0)
    monkeypatch.setattr(listing, "WALK_SITES", 1)
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    page = listing.page(filters_for("near=02114&radius=50"), 4, 2)
    assert (page.count, page.count_is_capped, page.number) == (3, True, 2)
    assert [project.pk for project in page.items] == [pk for pk, _site, _miles in every[2:4]]
    assert page.beyond_end and not page.has_next


@pytest.mark.parametrize("query", [
    {"recruiting": "on"}, {"q": "asthma"}, {"study_type": "clinical_trial", "sort": "title"},
])
def test_a_place_with_no_site_in_reach_and_another_filter_is_an_empty_page(
    client, around_boston_sites, query
):
    response = client.get(LIST_URL, {"near": "99501", **query})  # Anchorage
    assert response.status_code == 200
    assert "0 projects found" in _text(response)
    api = client.get("/api/v1/projects/", {"near": "99501", **query})
    assert api.status_code == 200 and api.json()["count"] == 0


def test_on_sqlite_a_search_near_a_place_walks_the_sites(around_boston_sites, monkeypatch):
    """SQLite keeps no word counts to weigh a search by, and its search
    reads each project's text: the walk reads only the text of the
    projects at the sites it reads."""
    if search.ranked():
        pytest.skip("PostgreSQL weighs a search by its word counts")
    walked = []
    walk = listing._walk_nearest

    def recording(*args, **kwargs):
        walked.append(kwargs.get("kept"))
        return walk(*args, **kwargs)

    monkeypatch.setattr(listing, "_walk_nearest", recording)
    page = listing.page(filters_for("q=Study&near=02114&radius=50"), 1, 10)
    assert walked and walked[0] is not None
    assert page.count == 9 and len(page.items) == 9


def test_walking_finds_nothing_where_no_site_is_in_reach(around_boston_sites):
    nevada = Place(zip_code=None, city="Nowhere", state="NV", latitude=40.0, longitude=-117.0)
    assert listing._walk_nearest(nevada, 100, 20, 0) == ([], 0, False)


def test_projects_at_the_same_distance_are_in_key_order_whichever_site_comes_first(
    make_project, publish, monkeypatch
):
    """Two hospitals in one city are the same miles away. The walk reads the
    first site's project (made later) first, and must not stop before the
    second site, whose project comes first in the order."""
    general = BOSTON
    deaconess = {**BOSTON, "institution": "Beth Israel Deaconess Medical Center"}
    make_project(lay_title="A draft at both", sites=[general, deaconess])  # the sites, in order
    earlier = publish(make_project(lay_title="Made first", sites=[deaconess]))
    later = publish(make_project(lay_title="Made second", sites=[general]))
    filterset = filters_for("near=02114&radius=10")
    near = filterset.sites_in_reach()
    monkeypatch.setattr(listing, "WALK_SITES", 1)
    monkeypatch.setattr(listing, "COUNT_LIMIT", 0)
    rows, _count, _capped = listing._walk_nearest(filterset.place(), 10, 1, 0)
    assert [project_id for project_id, _site, _miles in rows] == [earlier.pk]
    assert listing._nearest(near, None, 2, 0)[0][1][0] == later.pk
