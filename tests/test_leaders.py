"""The leaders of common search terms (``projects.leaders``): for each
common term, exactly the listed pages at or above its floor in the "most
relevant" order, kept so by a database trigger, and read by the listing
instead of ranking every match whenever a page of them comes back full."""

import datetime
import struct

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import leaders, listing, search, workflow
from projects.filters import SEARCH_INDEX_ORDERINGS, ProjectFilter
from projects.models import CommonTerm, Project, ProjectSearch, TermLeader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ranked search is PostgreSQL's"),
]

#: Small enough for a test's pages: a term on 3 pages is common, and keeps 5.
MIN_MATCHES, PER_TERM = 3, 5


@pytest.fixture
def tumor_pages(make_project, publish, monkeypatch):
    """Fourteen listed pages about tumors, from the word in the title
    several times to once in the official title, open now or not, reviewed
    on different days, with ties (the same text) among them; and one page
    that does not say it. Over 3 results are "too many to count", as over
    1,000 are on the site: the listing reads leaders only then."""
    monkeypatch.setattr(leaders, "MIN_MATCHES", MIN_MATCHES)
    monkeypatch.setattr(listing, "COUNT_LIMIT", 3)
    texts = [
        {"lay_title": "Tumor tumor: tumor growth", "lay_summary": "Tumor cells."},
        {"lay_title": "Tumor growth in children", "lay_summary": "How a tumor grows."},
        {"lay_title": "Tumor growth in children", "lay_summary": "How a tumor grows."},
        {"lay_title": "Tumor markers in blood"},
        {"lay_title": "Tumor markers in blood"},
        {"lay_title": "Tumor markers in blood"},
        {"lay_title": "Scans of the chest", "lay_summary": "Tumor size on scans, tumor shape."},
        {"lay_title": "Scans of the chest", "lay_summary": "Tumor size on scans."},
        {"lay_title": "Scans of the chest", "lay_summary": "Tumor size on scans."},
        {"lay_title": "Imaging", "official_title": "Tumor imaging"},
        {"lay_title": "Imaging", "official_title": "Tumor imaging"},
        {"lay_title": "Blood tests", "lay_summary": "A tumor test.", "official_title": "Tumor"},
        {"lay_title": "Blood tests", "lay_summary": "A tumor test."},
        {"lay_title": "Tumor diet", "lay_summary": "Food and tumor growth."},
    ]
    pages = []
    for n, text in enumerate(texts):
        status = "recruiting" if n % 2 else "completed"  # ties differ in status
        project = make_project(
            study_type="clinical_trial",
            research_status=status,
            sponsor=f"Sponsor {n % 3 % 2}",
            # Some a filter of "Can I take part?" leaves out.
            sex_eligibility="male" if n % 5 == 1 else "all",
            healthy_volunteers=n % 4 != 0,
            minimum_age_months=600 if n % 7 == 2 else None,
            **text,
        )
        pages.append(publish(project, reviewed_on=datetime.date(2026, 1, 1 + n % 4)))
    publish(make_project(lay_title="Sleep and memory"))
    return pages


def _ranked(term: str) -> list[tuple]:
    """Every match of ``term`` in the "most relevant" order, with its key."""
    text = search.SearchText(term)
    return list(
        search.ranked_entries(text)
        .order_by(*SEARCH_INDEX_ORDERINGS["relevance"])
        .values_list("project_id", "relevance", "recruitment_rank", "last_reviewed")
    )


def _real(value: float) -> float:
    """``value`` as PostgreSQL's ``real`` holds it (``ts_rank``'s type): the
    driver reads one as its shortest decimal, the leaders keep it exactly."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _assert_leaders_are_the_first_places(query: str, term: str) -> None:
    """The trigger's promise: a term's leaders are every match at or above
    its floor, with their relevance and order keys as the entries have them."""
    common = CommonTerm.objects.get(query=query)
    floor = (
        common.floor_relevance,
        -common.floor_recruitment_rank,
        common.floor_reviewed,
        common.floor_project,
    )
    expected = [
        (pk, _real(relevance), rank, reviewed)
        for pk, relevance, rank, reviewed in _ranked(term)
        if (_real(relevance), -rank, reviewed, pk) >= floor
    ]
    kept = TermLeader.objects.filter(term=common).values_list(
        "entry_id", "relevance", "recruitment_rank", "last_reviewed"
    )
    assert sorted(kept) == sorted(expected)


def test_rebuild_keeps_the_first_places_of_each_common_term(tumor_pages):
    assert leaders.rebuild(MIN_MATCHES, PER_TERM) >= 1
    common = CommonTerm.objects.get(query="'tumor'")
    assert common.matches == len(tumor_pages)
    first = _ranked("tumor")[:PER_TERM]
    kept = TermLeader.objects.filter(term=common).order_by(
        "-relevance", "recruitment_rank", "-last_reviewed", "-entry_id"
    )
    assert list(kept.values_list("entry_id", flat=True)) == [row[0] for row in first]
    last = first[-1]
    assert (common.floor_project, common.floor_relevance) == (last[0], _real(last[1]))
    # Rarer words are ranked in full: no leaders.
    assert not CommonTerm.objects.filter(query="'sleep'").exists()


def test_a_page_published_above_the_floor_joins_the_leaders(tumor_pages, make_project, publish):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    best = publish(make_project(lay_title="Tumor tumor tumor", lay_summary="Tumor tumor."))
    weak = publish(make_project(lay_title="Diet", official_title="Tumor"))
    led = set(TermLeader.objects.filter(term="'tumor'").values_list("entry_id", flat=True))
    assert best.pk in led and weak.pk not in led
    _assert_leaders_are_the_first_places("'tumor'", "tumor")


def test_withdrawing_or_rewording_a_leader_takes_it_out(tumor_pages, reviewer):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    first, second = (row[0] for row in _ranked("tumor")[:2])
    workflow.withdraw(Project.objects.get(pk=first), reviewer, "Stopped early")
    Project.objects.filter(pk=second).update(lay_title="Growth in children", lay_summary="Growth.")
    assert not TermLeader.objects.filter(term="'tumor'", entry_id__in=[first, second]).exists()
    _assert_leaders_are_the_first_places("'tumor'", "tumor")


def test_a_leader_that_stops_recruiting_keeps_its_place_only_above_the_floor(tumor_pages):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    open_leaders = TermLeader.objects.filter(term="'tumor'", recruitment_rank=0)
    for entry_id in open_leaders.values_list("entry_id", flat=True):
        Project.objects.filter(pk=entry_id).update(research_status="completed")
    assert not open_leaders.exists()
    _assert_leaders_are_the_first_places("'tumor'", "tumor")


def test_archiving_or_deleting_a_leader_takes_it_out(tumor_pages):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    first, second = (Project.objects.get(pk=row[0]) for row in _ranked("tumor")[:2])
    Project.objects.filter(pk=first.pk).update(archived_at=timezone.now())
    second.delete()
    assert not TermLeader.objects.filter(entry_id__in=[first.pk, second.pk]).exists()
    _assert_leaders_are_the_first_places("'tumor'", "tumor")
    Project.objects.filter(pk=first.pk).update(archived_at=None)  # listed again
    assert TermLeader.objects.filter(term="'tumor'", entry_id=first.pk).exists()
    _assert_leaders_are_the_first_places("'tumor'", "tumor")


def test_a_review_date_change_is_copied_to_the_leader(tumor_pages):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    lead = TermLeader.objects.filter(term="'tumor'").order_by("-relevance").first()
    Project.objects.filter(pk=lead.entry_id).update(last_reviewed=datetime.date(2026, 6, 1))
    _assert_leaders_are_the_first_places("'tumor'", "tumor")


def test_rebuild_chooses_the_terms_again(tumor_pages):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    assert leaders.rebuild(len(tumor_pages) + 1, PER_TERM) == 0
    assert not TermLeader.objects.exists() and not CommonTerm.objects.exists()


def test_refresh_facets_rebuilds_the_leaders(tumor_pages, capsys, monkeypatch):
    monkeypatch.setattr(leaders, "LEADERS_PER_TERM", PER_TERM)
    call_command("refresh_facets")
    assert "common search terms" in capsys.readouterr().out
    assert TermLeader.objects.filter(term="'tumor'").count() == PER_TERM


# The listing reads them ------------------------------------------------------

SEARCHES = [
    {"q": "tumor", "sort": "relevance"},
    {"q": "tumor"},  # recruiting first, then most relevant
    {"q": "Tumors", "sort": "relevance"},  # another form of the word
    {"q": "TUMOR", "as_typed": "1"},
    {"q": "tumor", "sort": "relevance", "recruiting": "on"},
    {"q": "tumor", "sponsor": "sponsor-1"},
    {"q": "tumor", "sort": "relevance", "sponsor": "sponsor-0", "status": "recruiting"},
    # Filters the project rows answer (age, sex), and others the index does.
    {"q": "tumor", "sort": "relevance", "age": "45", "sex": "female"},
    {"q": "tumor", "age": "45"},
    {"q": "tumor", "healthy": "on", "study_type": "clinical_trial"},
]


def _read_page(query: dict, number: int, size: int) -> tuple[listing.ListingPage, str]:
    """Page ``number`` of the listing for ``query`` (its items are keys),
    and the SQL it ran."""
    filterset = ProjectFilter(query, queryset=Project.objects.listed())
    assert filterset.is_valid(), filterset.errors
    with CaptureQueriesContext(connection) as queries:
        page = listing.page(filterset, number, size, load=lambda ids: list(ids))
    return page, " ".join(executed["sql"] for executed in queries)


def _pages(query: dict, size: int = 2) -> list[list[int]]:
    found = []
    for number in range(1, 9):
        page, _sql = _read_page(query, number, size)
        if page.number != number:
            break
        found.append(page.items)
    return found


@pytest.mark.parametrize("count_limit", [3, 8])  # 8: pages past the leaders (5)
@pytest.mark.parametrize("query", SEARCHES)
def test_every_page_of_a_common_word_is_what_ranking_every_match_gives(
    tumor_pages, query, count_limit, monkeypatch
):
    monkeypatch.setattr(listing, "COUNT_LIMIT", count_limit)
    ranked_in_full = _pages(query)  # no common terms yet: every match is ranked
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    assert _pages(query) == ranked_in_full
    assert ranked_in_full[0]  # a filter that leaves nothing would test nothing


@pytest.mark.parametrize("typed", ["tumor", "Tumors", "TUMOR"])
def test_any_form_of_a_common_word_reads_its_leaders(tumor_pages, typed):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    page, sql = _read_page({"q": typed, "sort": "relevance"}, 1, 3)
    assert page.items == [row[0] for row in _ranked("tumor")[:3]]
    assert "ts_rank" not in sql


@pytest.mark.parametrize("size", [3, 4])
def test_the_last_page_of_a_capped_count_is_full(tumor_pages, monkeypatch, size):
    """"Over 5 projects": the count says only that more follow, so the last
    page reachable is read from the leaders only if they fill it."""
    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    page, _sql = _read_page({"q": "tumor", "sort": "relevance"}, 2, size)
    assert page.count_is_capped and page.number == 2
    assert page.items == [row[0] for row in _ranked("tumor")[size : 2 * size]]


def test_the_first_page_of_most_relevant_ranks_no_match(tumor_pages):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    page, sql = _read_page({"q": "tumor", "sort": "relevance"}, 1, 3)
    assert page.items == [row[0] for row in _ranked("tumor")[:3]]
    assert "projects_termleader" in sql and "ts_rank" not in sql


def test_results_few_enough_to_count_are_ranked_without_the_leaders(tumor_pages, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 1_000)
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    page, sql = _read_page({"q": "tumor", "sort": "relevance"}, 1, 3)
    assert page.items == [row[0] for row in _ranked("tumor")[:3]]
    assert "projects_termleader" not in sql


def test_a_page_past_the_leaders_ranks_every_match(tumor_pages, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_LIMIT", 10)  # "over 10": page 3 of 3 is reachable
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    page, sql = _read_page({"q": "tumor", "sort": "relevance", "page": "3"}, 3, 3)
    assert page.items == [row[0] for row in _ranked("tumor")[6:9]]
    assert "ts_rank" in sql


def test_the_leaders_relevance_is_the_rankings(tumor_pages):
    leaders.rebuild(MIN_MATCHES, PER_TERM)
    ranked = dict(
        ProjectSearch.objects.filter(leads__term="'tumor'")
        .annotate(lead_relevance=F("leads__relevance"))
        .values_list("project_id", "lead_relevance")
    )
    expected = {row[0]: _real(row[1]) for row in _ranked("tumor") if row[0] in ranked}
    assert ranked == expected
