"""Facet counts: exact after every workflow step and every change of a
project's conditions, sites or sponsor, equal to a full rebuild, and read
in one indexed query."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from projects import editing, facets, workflow
from projects.facets import STOP_WORDS
from projects.models import (
    Condition,
    Facet,
    FacetKind,
    Project,
    ProjectFacets,
    ProjectSearch,
    ProjectSite,
    Site,
)

from .conftest import BOSTON, TORONTO
from .data import POSTGRESQL_ENGLISH_STOP_WORDS

pytestmark = pytest.mark.django_db


def counts(kind=None) -> dict:
    rows = Facet.objects.all() if kind is None else Facet.objects.filter(kind=kind)
    return {(f.kind, f.key): f.count for f in rows}


def snapshot() -> dict:
    return {(f.kind, f.key): (f.label, f.count) for f in Facet.objects.all()}


@pytest.fixture
def trial(make_project):
    return make_project(
        study_type="clinical_trial",
        lay_title="Migraine pill",
        conditions=["Migraine", "Insomnia"],
        sites=[BOSTON, TORONTO],
        sponsor="Northwind Therapeutics",
        sex_eligibility="all",
    )


def test_a_draft_counts_for_nothing(trial):
    assert counts() == {}


def test_publishing_counts_each_value_once(trial, publish):
    publish(trial)
    found = counts()
    assert found[("all", "*")] == 1
    assert found[("condition", "migraine")] == 1 and found[("condition", "insomnia")] == 1
    assert found[("country", "United States")] == 1 and found[("country", "Canada")] == 1
    assert found[("state", "Massachusetts")] == 1 and found[("state", "Ontario")] == 1
    assert found[("sponsor", "northwind-therapeutics")] == 1
    assert found[("study_type", "clinical_trial")] == 1
    assert found[("status", "recruiting")] == 1
    assert found[("sex", "all")] == 1 and ("healthy", "yes") not in found
    assert found[("word", "migraine")] == 1 and found[("word", "pill")] == 1
    assert Facet.objects.get(kind="condition", key="migraine").label == "Migraine"


def test_withdrawing_and_archiving_take_a_project_out(trial, publish, reviewer):
    publish(trial)
    workflow.withdraw(trial, reviewer, "Source withdrawn")
    assert counts() == {}
    publish(trial)
    Project.objects.filter(pk=trial.pk).update(end_date=datetime.date(2020, 1, 1))
    trial.refresh_from_db()
    workflow.archive(trial, reviewer)
    assert counts() == {}


def test_a_second_project_adds_and_a_shared_value_counts_two(trial, publish, make_project):
    publish(trial)
    publish(make_project(lay_title="Sleep study", conditions=["Insomnia"], sites=[BOSTON]))
    found = counts()
    assert found[("all", "*")] == 2
    assert found[("condition", "insomnia")] == 2
    assert found[("condition", "migraine")] == 1
    assert found[("state", "Massachusetts")] == 2
    assert found[("state", "Ontario")] == 1


def test_an_approved_new_version_moves_the_condition_counts(
    trial, publish, editor, reviewer, other_reviewer
):
    publish(trial)
    content = {
        **editing.revisions.snapshot(trial),
        "conditions": [Condition.objects.get_or_create(name="Asthma")[0].pk],
    }
    editing.save_content(trial, editor, content=content)
    # The live page keeps its conditions until a reviewer approves the draft.
    assert counts(FacetKind.CONDITION) == {
        ("condition", "migraine"): 1,
        ("condition", "insomnia"): 1,
    }
    workflow.submit(trial, editor, readability_override="Test text.")
    workflow.approve(trial, other_reviewer)
    assert counts(FacetKind.CONDITION) == {("condition", "asthma"): 1}


def test_source_changes_on_a_live_page_are_counted(trial, publish):
    """What an import does: it saves the live row's source facts and sites."""
    publish(trial)
    trial.research_status = "completed"
    trial.save(update_fields=["research_status", "updated_at"])
    ProjectSite.objects.filter(project=trial, site__country="Canada").delete()
    Site.objects.filter(city="Boston").update(state="MA")  # no signal: refresh by hand
    facets.refresh([trial.pk])
    found = counts()
    assert ("status", "recruiting") not in found and found[("status", "completed")] == 1
    assert ("country", "Canada") not in found and ("state", "Ontario") not in found
    assert found[("state", "MA")] == 1 and ("state", "Massachusetts") not in found


def test_a_renamed_condition_or_sponsor_is_relabelled(trial, publish):
    publish(trial)
    condition = Condition.objects.get(name="Migraine")
    condition.name = "Migraine headache"
    condition.save()
    assert Facet.objects.get(kind="condition", key="migraine").label == "Migraine headache"
    assert counts(FacetKind.WORD)[("word", "headache")] == 1
    sponsor = trial.sponsor
    sponsor.name = "Northwind Bio"
    sponsor.save()
    assert Facet.objects.get(kind="sponsor", key=sponsor.slug).label == "Northwind Bio"


def test_deleting_a_live_project_takes_it_out(trial, publish):
    publish(trial)
    Project.objects.get(pk=trial.pk).delete()
    assert counts() == {}


def test_incremental_counts_equal_a_full_rebuild(trial, publish, make_project, reviewer):
    publish(trial)
    other = publish(
        make_project(
            lay_title="Sleep and memory",
            conditions=["Insomnia", "Dementia"],
            sites=[BOSTON],
            sponsor="Northwind Therapeutics",
        )
    )
    publish(
        make_project(lay_title="Tumor barriers", conditions=["Breast cancer"], sites=[TORONTO])
    )
    workflow.withdraw(other, reviewer, "Paused")
    ProjectSite.objects.create(
        project=trial,
        site=Site.objects.create(
            institution="Houston Methodist", city="Houston", state="Texas", country="United States"
        ),
    )
    make_project(lay_title="Never published", conditions=["Rare disease"], sites=[BOSTON])
    incremental = snapshot()
    facets.rebuild()
    assert snapshot() == incremental


def test_the_menu_is_one_query_cold_and_none_warm(
    trial, publish, make_project, django_assert_num_queries
):
    publish(trial)
    publish(make_project(lay_title="Sleep", conditions=["Insomnia"], sites=[BOSTON]))
    with django_assert_num_queries(1):
        menu = facets.menu()
    with django_assert_num_queries(0):
        assert facets.menu() == menu
    assert menu.total == 2
    assert [c.label for c in menu.choices(FacetKind.CONDITION)] == ["Insomnia", "Migraine"]
    assert [c.label for c in menu.choices(FacetKind.COUNTRY)] == ["Canada", "United States"]
    assert menu.count(FacetKind.STUDY_TYPE, "clinical_trial") == 1


def test_the_long_lists_offer_only_their_top_entries(make_project, publish, monkeypatch):
    monkeypatch.setitem(facets.TOP, FacetKind.CONDITION, 2)
    for n, names in enumerate(
        [["Asthma"], ["Asthma", "Migraine"], ["Asthma", "Migraine", "Gout"]]
    ):
        publish(make_project(lay_title=f"Study {n}", conditions=names))
    menu = facets.load_menu()
    assert [(c.label, c.count) for c in menu.choices(FacetKind.CONDITION)] == [
        ("Asthma", 3),
        ("Migraine", 2),
    ]
    # Anything else is still found when typed, by slug or by name in any case.
    found = facets.lookup({FacetKind.CONDITION: "GOUT", FacetKind.SPONSOR: "no-such-sponsor"})
    gout = Condition.objects.get(name="Gout")
    assert found == {FacetKind.CONDITION: facets.Choice("condition", "gout", "Gout", 1, gout.pk)}


def test_the_vocabulary_leaves_out_every_word_the_search_drops():
    assert {word for word in POSTGRESQL_ENGLISH_STOP_WORDS if len(word) >= 3} <= STOP_WORDS
    assert facets.words("Between the two, because of them, against it") == {"two"}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own parser")
def test_the_vocabulary_counts_words_as_postgresql_reads_them():
    text = (
        "Olaparib in BRCA1 or BRCA2 carriers (TROP2, COVID19 and COVID-19), Sjögren's "
        "syndrome; see ClinicalTrials.gov or write to desk@example.org. Between visits."
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector('english', %s) @@ "
            "plainto_tsquery('english', w)",
            [sorted(facets.words(text)), text],
        )
        found = {row[0] for row in cursor.fetchall()}
        # The stop-word list copied in tests/data.py is PostgreSQL's own.
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector('english', w) <> ''",
            [POSTGRESQL_ENGLISH_STOP_WORDS],
        )
        assert cursor.fetchall() == []
    assert found == facets.words(text) == {"olaparib", "carriers", "covid", "syndrome",
                                           "see", "write", "visits"}


def test_the_vocabulary_keeps_words_of_the_listed_text(make_project, publish):
    publish(
        make_project(
            lay_title="How sleep clears amyloid",
            lay_summary="The brain washes out waste.",
            official_title="Glymphatic Clearance",
            conditions=["Alzheimer's disease"],
        )
    )
    vocabulary = set(k for _kind, k in counts(FacetKind.WORD))
    assert {
        "sleep",
        "clears",
        "amyloid",
        "brain",
        "washes",
        "glymphatic",
        "alzheimer",
    } <= vocabulary
    assert not {"how", "the", "out"} & vocabulary  # stop words and short words


def test_counts_never_go_negative_when_a_row_is_missing(trial, publish):
    """Drift (a row deleted by hand) is repaired by the next change, never an error."""
    publish(trial)
    Facet.objects.filter(kind="condition", key="migraine").delete()
    trial.is_live = False
    trial.status = "draft"
    trial.archived_at = None
    trial.save(update_fields=["is_live", "status", "updated_at"])
    assert counts() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row versions")
def test_a_rebuild_rewrites_only_the_rows_that_were_wrong(trial, publish, make_project):
    publish(trial)
    other = publish(make_project(lay_title="Tumor barriers", conditions=["Breast cancer"],
                                 sites=[TORONTO]))
    ProjectFacets.objects.filter(project=other).update(site_count=99)  # gone wrong
    ProjectSearch.objects.filter(project=other).update(facet_keys=[])

    def versions(table):  # each row's version: a rewrite gives it a new one
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT project_id, xmin::text FROM {table} ORDER BY 1")
            return dict(cursor.fetchall())

    before = {t: versions(t) for t in ("projects_projectfacets", "projects_projectsearch")}
    incremental = snapshot()
    facets.rebuild()
    for table, rows in before.items():
        after = versions(table)
        assert after[trial.pk] == rows[trial.pk] and after[other.pk] != rows[other.pk], table
    assert ProjectFacets.objects.get(project=other).site_count == 1
    assert ProjectSearch.objects.get(project=other).facet_keys
    assert snapshot() == incremental


def test_the_refresh_facets_command_rebuilds_from_scratch(trial, publish):
    publish(trial)
    Facet.objects.all().delete()
    call_command("refresh_facets", stdout=io.StringIO())
    assert counts()[("condition", "migraine")] == 1


def test_the_card_site_summary_follows_the_sites(trial, publish):
    publish(trial)
    entry = ProjectFacets.objects.get(project=trial)
    assert (entry.site_count, entry.country_count, entry.first_city) == (2, 2, "Boston")
    ProjectSite.objects.create(
        project=trial,
        order=5,
        site=Site.objects.create(
            institution="Beth Israel",
            city="Boston",
            state="Massachusetts",
            country="United States",
        ),
    )
    entry.refresh_from_db()
    assert (entry.site_count, entry.country_count) == (3, 2)  # no facet key changed, still updated


def test_the_search_index_rows_carry_every_facet_but_the_words(trial, publish):
    """On PostgreSQL a combination of filters is answered from these keys."""
    if connection.vendor != "postgresql":
        pytest.skip("the search index is PostgreSQL's")
    publish(trial)
    keys = ProjectSearch.objects.get(project=trial).facet_keys
    assert keys == facets.indexed_keys(ProjectFacets.objects.get(project=trial).keys)
    assert {"condition:migraine", "country:Canada", "state:Massachusetts", "sex:all"} <= set(keys)
    assert {"study_type:clinical_trial", "sponsor:northwind-therapeutics"} <= set(keys)
    assert not [k for k in keys if k.startswith(("word:", "all:"))]


def test_a_refresh_that_changes_nothing_leaves_the_search_index_row_alone(trial, publish):
    """Every rewrite leaves a dead row behind, and a ranked search of a
    common word reads the whole table."""
    if connection.vendor != "postgresql":
        pytest.skip("the search index is PostgreSQL's")
    publish(trial)

    def row_version():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xmin::text FROM projects_projectsearch WHERE project_id = %s", [trial.pk]
            )
            return cursor.fetchone()[0]

    before = row_version()
    facets.refresh([trial.pk])
    assert row_version() == before
    Project.objects.filter(pk=trial.pk).update(sex_eligibility="female")
    facets.refresh([trial.pk])
    assert row_version() != before
    assert "sex:female" in ProjectSearch.objects.get(project=trial).facet_keys


def _listed_links(project) -> list[bool]:
    return list(ProjectSite.objects.filter(project=project).values_list("listed", flat=True))


def test_a_projects_site_links_say_whether_it_is_listed(trial, publish, reviewer):
    assert _listed_links(trial) == [False, False]  # a draft
    publish(trial)
    assert _listed_links(trial) == [True, True]
    new_site = Site.objects.create(institution="Beth Israel", city="Boston", country="United States")
    ProjectSite.objects.create(project=trial, site=new_site, order=5)  # a live page's new site
    assert _listed_links(trial) == [True, True, True]
    workflow.withdraw(trial, reviewer, "Source withdrawn")
    assert _listed_links(trial) == [False, False, False]
    publish(trial)
    Project.objects.filter(pk=trial.pk).update(end_date=datetime.date(2020, 1, 1))
    trial.refresh_from_db()
    workflow.archive(trial, reviewer)
    assert _listed_links(trial) == [False, False, False]  # archived pages leave the listing


def test_a_rebuild_sets_every_links_listed_flag(trial, publish, make_project):
    publish(trial)
    draft = make_project(lay_title="A draft", sites=[BOSTON])
    ProjectSite.objects.update(listed=False)
    ProjectSite.objects.filter(project=draft).update(listed=True)
    facets.rebuild()
    assert _listed_links(trial) == [True, True] and _listed_links(draft) == [False]


def _recruiting_links(project) -> list[bool]:
    return list(ProjectSite.objects.filter(project=project).values_list("recruiting", flat=True))


def test_a_projects_site_links_say_whether_it_is_listed_and_open_now(trial, publish, reviewer):
    """``ProjectSite.recruiting``: "recruiting now" near a place reads these links."""
    assert trial.research_status == "recruiting"
    assert _recruiting_links(trial) == [False, False]  # a draft
    publish(trial)
    assert _recruiting_links(trial) == [True, True]
    Project.objects.filter(pk=trial.pk).update(research_status="completed")  # as an import does
    facets.refresh([trial.pk])
    assert _recruiting_links(trial) == [False, False] and _listed_links(trial) == [True, True]
    Project.objects.filter(pk=trial.pk).update(research_status="available")  # expanded access
    facets.refresh([trial.pk])
    assert _recruiting_links(trial) == [True, True]
    workflow.withdraw(trial, reviewer, "Source withdrawn")
    assert _recruiting_links(trial) == [False, False]


def test_a_rebuild_sets_every_links_recruiting_flag(trial, publish, make_project):
    publish(trial)
    closed = publish(make_project(
        lay_title="Closed", sites=[BOSTON], study_type="clinical_trial", research_status="completed"
    ))
    ProjectSite.objects.update(recruiting=False)
    ProjectSite.objects.filter(project=closed).update(recruiting=True)
    facets.rebuild()
    assert _recruiting_links(trial) == [True, True] and _recruiting_links(closed) == [False]
