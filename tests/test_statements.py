"""``projects.statements``: a queryset's SQL compiled once, then run with
each call's values, giving what the queryset itself gives."""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler

from projects.models import Project, ProjectSite
from projects.statements import Statement, attach

from .conftest import BOSTON, TORONTO


def _page_query(slug):
    return Project.objects.for_public_pages().filter(slug=slug)


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _compiles():
    """Counts Django's SQL compilations while it is active."""
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def test_a_statement_gives_what_its_queryset_gives_for_each_value(make_project, publish):
    trial = publish(make_project(study_type="clinical_trial", conditions=["Asthma"], sites=[BOSTON]))
    grant = make_project(conditions=["Migraine", "Breast cancer"])
    page = Statement(_page_query, slug=str)
    for project in (trial, grant):
        [found] = page.objects(slug=project.slug)
        expected = _page_query(project.slug).get()
        assert _fields(found) == _fields(expected)
        # Its select_related sponsor and its annotations, converted as Django converts them.
        assert _fields(found.sponsor) == _fields(expected.sponsor)
        for name in ("condition_list", "grant_pages", "site_count"):
            assert getattr(found, name) == getattr(expected, name)
        assert found._state.db == "default" and not found._state.adding
    assert page.objects(slug="no-such-page") == []
    assert page.first(slug="no-such-page") is None


def test_its_sql_is_compiled_once_and_each_run_asks_the_database(
    make_project, django_assert_num_queries
):
    project = make_project()
    page = Statement(_page_query, slug=str)
    page.objects(slug=project.slug)
    with _compiles() as compiled, django_assert_num_queries(1):
        assert page.first(slug=project.slug).lay_title == "A plain title"
    assert compiled.call_count == 0
    Project.objects.filter(pk=project.pk).update(lay_title="Retitled")
    assert page.first(slug=project.slug).lay_title == "Retitled"


def test_a_list_of_keys_is_compiled_once_per_length(make_project, django_assert_num_queries):
    projects = [make_project(lay_title=f"Study {n}") for n in range(4)]
    keys = [project.pk for project in projects]
    chosen = Statement(lambda ids: Project.objects.filter(pk__in=ids).only("lay_title"), ids=list)
    assert {p.lay_title for p in chosen.objects(ids=keys[:2])} == {"Study 0", "Study 1"}
    assert {p.lay_title for p in chosen.objects(ids=keys[2:])} == {"Study 2", "Study 3"}
    assert {p.lay_title for p in chosen.objects(ids=keys[1:])} == {"Study 1", "Study 2", "Study 3"}
    with _compiles() as compiled:
        assert {p.pk for p in chosen.objects(ids=[keys[3], keys[0]])} == {keys[3], keys[0]}
    assert compiled.call_count == 0
    with django_assert_num_queries(0):
        assert chosen.objects(ids=[]) == []


def test_a_value_the_query_changes_before_using_it_is_refused(db):
    changed = Statement(lambda slug: Project.objects.filter(slug=slug.upper()), slug=str)
    with pytest.raises(ImproperlyConfigured, match="not found"):
        changed.objects(slug="asthma")
    unused = Statement(lambda slug: Project.objects.all(), slug=str)
    with pytest.raises(ImproperlyConfigured):
        unused.objects(slug="asthma")


def test_only_model_rows_and_known_value_types(db):
    rows = Statement(lambda slug: Project.objects.filter(slug=slug).values("pk"), slug=str)
    with pytest.raises(ImproperlyConfigured, match="ModelIterable rows"):
        rows.objects(slug="asthma")
    with pytest.raises(TypeError):
        Statement(lambda day: Project.objects.filter(start_date=day), day=object)
    with pytest.raises(TypeError):
        Statement(_page_query, slug=str).objects(title="asthma")


def test_attach_gives_a_relation_as_prefetch_related_would(make_project, django_assert_num_queries):
    project = make_project(study_type="clinical_trial", sites=[BOSTON, TORONTO])
    links = list(ProjectSite.objects.select_related("site").filter(project=project))
    attach(project, "project_sites", links)
    with django_assert_num_queries(0):
        assert [link.site.city for link in project.project_sites.all()] == ["Boston", "Toronto"]
        assert all(link.project is project for link in project.project_sites.all())
        assert project.project_sites.count() == 2


def test_rows_give_a_values_list_query_as_tuples(make_project):
    project = make_project(study_type="clinical_trial", sites=[BOSTON, TORONTO])
    places = Statement(
        lambda project: ProjectSite.objects.filter(project=project)
        .order_by("order")
        .values_list("site__city", "site__country"),
        project=int,
    )
    assert places.rows(project=project.pk) == [("Boston", "United States"), ("Toronto", "Canada")]
    assert places.rows(project=make_project().pk) == []
    with pytest.raises(ImproperlyConfigured, match="ValuesListIterable"):
        places.objects(project=project.pk)


def test_a_list_sent_as_one_array_is_compiled_once_for_every_length(make_project, db):
    keys = [make_project(lay_title=f"Study {n}").pk for n in range(3)]
    titles = Statement(
        lambda ids: Project.objects.filter(pk__any=ids).order_by("pk").values_list("lay_title"),
        ids=list,
    )
    assert titles.rows(ids=keys[:1]) == [("Study 0",)]
    with _compiles() as compiled:
        assert titles.rows(ids=keys) == [("Study 0",), ("Study 1",), ("Study 2",)]
    # PostgreSQL sends the list as one array; SQLite's IN lists one value each.
    assert compiled.call_count == (0 if connection.vendor == "postgresql" else 1)


def test_a_value_django_would_drop_is_refused_not_run(db):
    """A positive field cannot hold a negative number: Django drops such a
    condition, which a statement must not compile."""
    negative = Statement(lambda n: Project.objects.filter(version=-n), n=int)
    with pytest.raises(ImproperlyConfigured):
        negative.objects(n=1)
    # An integer value within range compiles and runs.
    by_application = Statement(lambda n: Project.objects.filter(nih_application_id=n), n=int)
    assert by_application.objects(n=1) == []


def test_past_its_most_shapes_a_statement_starts_afresh(make_project, monkeypatch):
    monkeypatch.setattr("projects.statements.MAX_SHAPES", 2)
    keys = [make_project().pk for _ in range(3)]
    chosen = Statement(lambda ids: Project.objects.filter(pk__in=ids).only("pk"), ids=list)
    for length in (1, 2, 3, 1):
        assert {p.pk for p in chosen.objects(ids=keys[:length])} == set(keys[:length])
    assert len(chosen._compiled) <= 2
