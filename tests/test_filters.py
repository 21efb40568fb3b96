"""ProjectFilter: the one FilterSet of the listing (and the API to come):
patient filters, sorting, and what an empty result says."""

import datetime
import re
import weakref

import pytest
from django.http import QueryDict

from projects import filters
from projects.filters import ProjectFilter
from projects.models import Project

from .collector import collector_off
from .conftest import BOSTON, TORONTO
from .factories import published_projects

pytestmark = pytest.mark.django_db


def results(query: str) -> list[str]:
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
    assert filterset.is_valid(), filterset.form.errors
    return [p.lay_title for p in filterset.qs]


@pytest.fixture
def studies(make_project, publish):
    def trial(title, reviewed, **fields):
        fields = {"study_type": "clinical_trial", "sex_eligibility": "all", **fields}
        return publish(make_project(lay_title=title, **fields), reviewed_on=reviewed)

    day = datetime.date
    return [
        trial(
            "Adults recruiting",
            day(2026, 1, 1),
            research_status="recruiting",
            minimum_age_months=18 * 12,
            maximum_age_months=65 * 12,
            healthy_volunteers=True,
        ),
        trial(
            "Women recruiting",
            day(2025, 6, 1),
            research_status="recruiting",
            sex_eligibility="female",
            minimum_age_months=40 * 12,
        ),
        trial(
            "Children soon",
            day(2026, 2, 1),
            research_status="not_yet_recruiting",
            maximum_age_months=17 * 12,
        ),
        trial(
            "Men completed", day(2026, 3, 1), research_status="completed", sex_eligibility="male"
        ),
        trial(
            "Expanded access",
            day(2024, 1, 1),
            study_type="expanded_access",
            nct_id="NCT09999999",
            research_status="available",
            funding_mechanism="phase_na",
        ),
        publish(
            make_project(lay_title="Lab research", research_status="active"),
            reviewed_on=day(2026, 4, 1),
        ),
    ]


def test_recruiting_now_means_open_to_sign_up_today(studies):
    assert results("recruiting=on&sort=title") == [
        "Adults recruiting",
        "Expanded access",
        "Women recruiting",
    ]


@pytest.mark.parametrize(
    "age, expected",
    [
        (45, ["Adults recruiting", "Women recruiting", "Men completed", "Expanded access"]),
        (10, ["Children soon", "Men completed", "Expanded access"]),
        (65, ["Adults recruiting", "Women recruiting", "Men completed", "Expanded access"]),
        (66, ["Women recruiting", "Men completed", "Expanded access"]),
        (0, ["Children soon", "Men completed", "Expanded access"]),
    ],
)
def test_my_age_keeps_studies_whose_range_includes_it_and_never_lab_research(
    studies, age, expected
):
    assert results(f"age={age}&sort=title") == sorted(expected)


def test_sex_keeps_studies_open_to_everyone_or_to_that_sex(studies):
    assert results("sex=female&sort=title") == [
        "Adults recruiting",
        "Children soon",
        "Expanded access",
        "Women recruiting",
    ]
    assert "Women recruiting" not in results("sex=male")


def test_healthy_volunteers(studies):
    assert results("healthy=on") == ["Adults recruiting"]


def test_recruiting_my_age_and_sex_together(studies):
    assert results("recruiting=on&age=45&sex=female&sort=title") == [
        "Adults recruiting",
        "Expanded access",
        "Women recruiting",
    ]


def test_default_order_is_recruiting_first_then_most_recently_reviewed(studies):
    assert results("") == [
        "Adults recruiting",  # open, reviewed 2026-01
        "Women recruiting",  # open, reviewed 2025-06
        "Expanded access",  # open (available), reviewed 2024-01
        "Children soon",  # opening soon
        "Lab research",  # the rest, most recently reviewed first
        "Men completed",
    ]


def test_other_sorts(studies):
    assert results("sort=-reviewed")[:2] == ["Lab research", "Men completed"]
    assert results("sort=title") == sorted(results(""))
    assert results("sort=newest")[0] == "Lab research"  # published last by the fixture


def test_relevance_without_a_search_falls_back_to_the_default(studies):
    assert results("sort=relevance") == results("")


def test_title_a_to_z_is_offered_once():
    labels = [str(label) for _key, label in ProjectFilter().form.fields["sort"].choices]
    assert labels.count("Title (A to Z)") == 1
    assert labels[0] == "Recruiting first"


def test_near_a_place_the_default_order_says_nearest_first_and_offers_it_once():
    form = ProjectFilter(QueryDict("near=02114&radius=25")).form
    labels = [str(label) for _key, label in form.fields["sort"].choices]
    assert labels[0] == "Nearest first" and labels.count("Nearest first") == 1


@pytest.mark.django_db
def test_the_sort_drop_down_shows_the_orders_of_its_own_page_in_either_order():
    def options(query):
        html = str(ProjectFilter(QueryDict(query)).form["sort"])
        return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)

    for _ in range(2):  # each drop-down once rendered, then again
        near, anywhere = options("near=02114"), options("")
        assert near[0] == ("", "Nearest first") and ("nearest", "Nearest first") not in near
        assert anywhere[0] == ("", "Recruiting first") and ("nearest", "Nearest first") in anywhere


def test_a_form_class_serves_every_request_with_the_same_choices(make_project, publish):
    anywhere, near = ProjectFilter(QueryDict("q=asthma")).form, ProjectFilter(QueryDict("near=02114")).form
    again = ProjectFilter(QueryDict("status=completed")).form
    assert type(again) is type(anywhere) is not type(near)
    assert again.fields is not anywhere.fields  # each form its own copy of the fields
    # A country counted anew is a new set of choices: a form class of its own.
    publish(make_project(study_type="clinical_trial", sites=[TORONTO]))
    countries = ProjectFilter(QueryDict("country=Canada")).form
    assert type(countries) is not type(anywhere)
    assert countries.is_valid() and ("Canada", "Canada (1)") in countries.fields["country"].choices


@pytest.mark.django_db
def test_each_filter_set_has_its_own_filters_bound_to_itself(studies):
    near, anywhere = ProjectFilter(QueryDict("near=02114")), ProjectFilter(QueryDict("sex=female"))
    assert near.filters["sort"] is not anywhere.filters["sort"]
    assert near.filters["sort"].extra is not ProjectFilter.base_filters["sort"].extra
    # Near a place the sort's first choice is "Nearest first", for that filter set only.
    assert str(ProjectFilter.base_filters["sort"].extra["empty_label"]) == "Recruiting first"
    assert str(anywhere.filters["sort"].extra["empty_label"]) == "Recruiting first"
    # A filter that calls a method of its filter set calls its own set's.
    assert anywhere.filters["sex"].filter.method.__self__ is anywhere
    assert near.filters["sex"].filter.method.__self__ is near
    female = set(ProjectFilter(QueryDict("sex=female"), queryset=Project.objects.all()).qs)
    male = set(ProjectFilter(QueryDict("sex=male"), queryset=Project.objects.all()).qs)
    assert female != male


@pytest.mark.django_db
@pytest.mark.parametrize("query, chosen", [("near=02114", "25"), ("near=02114&radius=50", "50")])
def test_the_radius_is_offered_once_each_and_shows_what_is_searched(query, chosen):
    html = str(ProjectFilter(QueryDict(query)).form["radius"])
    values = re.findall(r'<option value="([^"]*)"', html)
    assert values == [str(miles) for miles in filters.RADIUS_CHOICES]
    assert re.findall(r'<option value="([^"]*)" selected', html) == [chosen]


@pytest.mark.parametrize(
    "query", ["age=-1", "age=121", "age=old", "sex=other", "recruiting=maybe"]
)
def test_bad_patient_values_are_form_errors(query):
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
    if query == "recruiting=maybe":  # a checkbox: any value is "ticked"
        assert filterset.is_valid()
        return
    assert not filterset.is_valid()


def test_an_empty_result_says_which_filter_to_remove(make_project, publish):
    publish(make_project(lay_title="Boston", sites=[BOSTON], conditions=["Asthma"]))
    publish(make_project(lay_title="Toronto", sites=[TORONTO], conditions=["Migraine"]))
    filterset = ProjectFilter(
        QueryDict("country=Canada&condition=asthma"), queryset=Project.objects.listed()
    )
    assert filterset.is_valid()
    assert list(filterset.qs) == []
    assert [name for name, _shown in filterset.removals_with_results()] == ["condition", "country"]


def test_the_empty_result_check_is_one_query(make_project, publish, django_assert_num_queries):
    publish(make_project(lay_title="Boston and Toronto", sites=[BOSTON, TORONTO]))  # lab research
    filterset = ProjectFilter(
        QueryDict("country=United+States&state=Ontario&q=boston&recruiting=on"),
        queryset=Project.objects.listed(),
    )
    assert filterset.is_valid()
    assert list(filterset.qs) == []
    with django_assert_num_queries(1):
        removals = filterset.removals_with_results()
    assert removals == [("recruiting", "Recruiting now")]


def test_counts_come_from_the_facet_table_for_no_filter_or_one(make_project, publish):
    publish(make_project(lay_title="Boston", sites=[BOSTON], conditions=["Asthma"]))
    for query, expected in [
        ("", 1),
        ("condition=asthma", 1),
        ("country=United+States", 1),
        ("study_type=nih_research", 1),
        ("recruiting=on", 0),
        ("healthy=on", 0),
        ("sex=female", 0),
        ("age=40", None),
        ("condition=asthma&country=United+States", None),
    ]:
        filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
        assert filterset.is_valid(), (query, filterset.form.errors)
        assert filterset.exact_count() == expected, query


@pytest.mark.parametrize(
    "query",
    [
        "q=sleep",
        "q=sleep&recruiting=on",
        "q=sleep&country=Canada",
        "q=sleep&state=Texas&condition=asthma",
        "q=sleep&condition=migraine&recruiting=on&study_type=clinical_trial",
        "q=sleep&sort=relevance",
        "q=sleep&sort=-reviewed&age=45",
        "q=sleep&sponsor=sponsor-3&status=completed",
        "q=sleep&study_type=clinical_trial&funding=phase_2&sex=female",
    ],
)
def test_the_search_index_path_finds_what_the_project_table_finds(make_project, publish, query):
    """On PostgreSQL a search runs on the narrow search index; it must give
    exactly the results (and order) of the same filters on the projects."""
    published_projects(make_project, publish, 12)
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
    assert filterset.is_valid(), filterset.form.errors
    found = list(filterset.result_ids())
    assert found == list(filterset.qs.values_list("pk", flat=True))
    assert found  # every combination here has results


@pytest.mark.parametrize(
    "query",
    [
        "country=Canada&study_type=nih_research",  # none: lab research here is in the US
        "country=United+States&status=recruiting",
        "sponsor=sponsor-3&study_type=clinical_trial&condition=asthma",
        "state=Texas&funding=phase_2&recruiting=on",
        "country=Canada&healthy=on",
        "condition=asthma&sex=female&country=Canada",  # sex: counted from the results
    ],
)
def test_combined_filters_are_counted_exactly(make_project, publish, query):
    """Two filters or more are counted in SQL (on PostgreSQL from the search
    index's facet keys when it holds every filter in use): the count is the
    number of results."""
    published_projects(make_project, publish, 12)
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
    assert filterset.is_valid(), filterset.form.errors
    assert filterset.exact_count() is None
    assert filterset.counted_ids().count() == filterset.qs.count()


@pytest.mark.parametrize(
    "query",
    [
        "country=Canada",
        "state=Texas",
        "country=France&study_type=clinical_trial",
        "country=United+States&state=Ontario",
    ],
)
def test_a_rare_place_found_from_the_search_index_gives_the_same_results(
    make_project, publish, monkeypatch, query
):
    published_projects(make_project, publish, 12)

    def titles():
        filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
        assert filterset.is_valid(), filterset.form.errors
        return list(filterset.qs.values_list("pk", flat=True))

    monkeypatch.setattr(filters, "RARE_SHARE", 0)  # every place "common": sites joined
    joined = titles()
    monkeypatch.setattr(filters, "RARE_SHARE", 2)  # every place "rare": the facet keys
    assert titles() == joined and joined


# Near a place (issue 9) ------------------------------------------------------


@pytest.mark.django_db
def test_the_share_of_projects_the_filters_keep_near_a_place(make_project, publish):
    """How ``listing._page_near`` chooses to walk the sites: the share of
    the listed projects the filters other than the place keep, counted
    by the facet table, as if the filters were independent."""
    for status in ("recruiting", "recruiting", "completed"):
        publish(make_project(study_type="clinical_trial", research_status=status, sites=[BOSTON]))
    publish(make_project(sites=[BOSTON]))  # lab research

    def share(query):
        filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.listed())
        assert filterset.is_valid(), filterset.form.errors
        return filterset.share_kept_near()

    assert share("near=02114") == 1.0
    assert share("near=02114&recruiting=on") == 0.5
    assert share("near=02114&study_type=clinical_trial") == 0.75
    assert share("near=02114&study_type=clinical_trial&recruiting=on") == 0.375
    assert share("near=02114&recruiting=on&age=45") is None  # an age is not counted so


@pytest.fixture
def around_boston(make_project, publish):
    from .factories import PLACES

    boston, toronto, houston = PLACES[0], PLACES[1], PLACES[2]
    worcester = {
        "institution": "UMass Memorial",
        "city": "Worcester",
        "state": "Massachusetts",
        "country": "United States",
        "zip_code": "01605",
    }
    trial = {"study_type": "clinical_trial", "sex_eligibility": "all"}
    return {
        "seed": publish(
            make_project(
                lay_title="Tumor barriers",
                conditions=["Breast cancer"],
                sites=[boston],
                sponsor="Massachusetts General Hospital",
            )
        ),
        "worcester": publish(
            make_project(
                lay_title="Breast cancer drug",
                conditions=["Breast cancer"],
                sites=[houston, worcester],
                research_status="recruiting",
                minimum_age_months=18 * 12,
                **trial,
            )
        ),
        "young": publish(
            make_project(
                lay_title="Teen breast study",
                conditions=["Breast cancer"],
                sites=[boston],
                research_status="recruiting",
                maximum_age_months=20 * 12,
                **trial,
            )
        ),
        "closed": publish(
            make_project(
                lay_title="Closed breast trial",
                conditions=["Breast cancer"],
                sites=[boston],
                research_status="completed",
                **trial,
            )
        ),
        "far": publish(
            make_project(
                lay_title="Houston breast cancer",
                conditions=["Breast cancer"],
                sites=[houston, toronto],
                research_status="recruiting",
                **trial,
            )
        ),
    }


def test_breast_cancer_near_02114_within_25_miles_finds_the_seed(around_boston):
    found = results("q=breast+cancer&near=02114&radius=25")
    assert "Tumor barriers" in found
    assert "Houston breast cancer" not in found
    assert "Breast cancer drug" not in found  # Worcester is 40 miles away
    assert "Breast cancer drug" in results("q=breast+cancer&near=02114&radius=50")


def test_recruiting_my_age_45_near_02114_finds_only_trials_that_fit(around_boston):
    assert results("recruiting=on&age=45&near=02114&radius=50") == ["Breast cancer drug"]


def test_near_a_city_and_state(around_boston):
    assert "Tumor barriers" in results("near=Boston%2C+MA")


@pytest.mark.parametrize(
    "near, message",
    [
        ("99999", "We don't know where ZIP code 99999 is."),
        ("0211", "not a ZIP code"),
        ("Springfield", "states"),
    ],
)
def test_a_place_that_cannot_be_read_is_explained(around_boston, near, message):
    filterset = ProjectFilter(QueryDict(f"near={near}"), queryset=Project.objects.listed())
    assert not filterset.is_valid()
    assert message in " ".join(filterset.form.errors["near"])


# The form's inputs --------------------------------------------------------------


@pytest.mark.parametrize(
    "plain, django_widget, value",
    [
        (filters.PlainTextInput, "TextInput", 'brest "cancer" <b>'),
        (filters.PlainTextInput, "TextInput", None),
        (filters.PlainNumberInput, "NumberInput", 45),
        (filters.PlainCheckboxInput, "CheckboxInput", True),
        (filters.PlainCheckboxInput, "CheckboxInput", False),
        (filters.PlainHiddenInput, "HiddenInput", "1"),
    ],
)
def test_plain_inputs_render_what_djangos_templates_render(plain, django_widget, value):
    from django import forms

    attrs = {"type": "search", "placeholder": "e.g. “breast” & cancer", "min": 0, "required": True}
    if django_widget in ("CheckboxInput", "HiddenInput"):
        attrs = {"data-x": "<y>"}
    expected = getattr(forms, django_widget)(attrs=attrs).render("q", value, {"id": "id_q"})
    assert plain(attrs=attrs).render("q", value, {"id": "id_q"}) == expected


def test_a_checkbox_comes_before_its_label_and_other_fields_after_theirs():
    from projects.templatetags.project_pages import filter_field

    form = ProjectFilter(QueryDict("recruiting=on&age=45")).form
    assert str(filter_field(form["recruiting"])) == (
        '<div class="filter filter-check"><input type="checkbox" name="recruiting" id="id_recruiting"'
        ' checked> <label for="id_recruiting">Recruiting now</label></div>'
    )
    assert str(filter_field(form["age"])).startswith(
        '<div class="filter filter-age"><label for="id_age">My age (years)</label> <input type="number"'
    )


def test_the_suggestion_lists_escape_their_labels_as_django_would():
    from types import SimpleNamespace

    from django.utils.html import format_html, format_html_join

    from projects.templatetags.project_pages import facet_datalist

    labels = ['Crohn\'s "disease" <b>', "Smith & Sons", "Plain"]
    choices = [SimpleNamespace(label=label) for label in labels]
    expected = format_html(
        '<datalist id="{}">{}</datalist>',
        "sponsor-options",
        format_html_join("", '<option value="{}">', ((label,) for label in labels)),
    )
    assert str(facet_datalist("sponsor-options", choices)) == str(expected)
    assert "&lt;b&gt;" in str(expected) and "&#x27;" in str(expected)


def test_a_filter_set_and_its_form_are_freed_by_reference_counting(make_project, publish):
    """Its filters and bound fields refer back to it without cycles, so a
    request's filter set, form, menu and near sites go when the request
    does (``ProjectFilter.__init__``, ``ProjectFilterForm.__getitem__``)."""
    publish(make_project(lay_title="Asthma inhaler", conditions=["Asthma"]))
    with collector_off():
        filterset = ProjectFilter(
            QueryDict("q=inhaler&sex=female&sort=title&near=02114"),
            queryset=Project.objects.listed(),
        )
        assert filterset.is_valid(), filterset.form.errors
        list(filterset.qs)
        assert "inhaler" in str(filterset.form["q"])
        freed = [weakref.ref(filterset), weakref.ref(filterset.form), weakref.ref(filterset.menu)]
        del filterset
        assert [ref() for ref in freed] == [None, None, None]
