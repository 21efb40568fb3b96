"""Running an import: the same records, order and errors whether a second
process reads and maps or not; bad records skipped or, strictly, stopping;
memory held to one batch."""

import json

import pytest
from django.db import connection

from projects import editing, facets, revisions
from projects.importers import pipeline
from projects.models import FacetKind, Project, Site

from .recorded import CTGOV_PAGE, REPORTER_FULL, REPORTER_MARFAN, reporter_record, reporter_records

pytestmark = pytest.mark.django_db


def saved():
    return sorted(
        Project.objects.values_list("nih_core_project_number", "nih_subproject_id", "fiscal_year")
    )


@pytest.mark.parametrize("parallel", [False, True])
def test_a_reader_process_gives_the_same_result_as_one_process(parallel):
    summary = pipeline.import_files(
        pipeline.REPORTER, [REPORTER_FULL, REPORTER_MARFAN], parallel=parallel, batch_size=7
    )
    # A grant's older fiscal years next to its newest are passed over unread ("unchanged").
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (21, 0, 9, 0)
    assert len(saved()) == 21
    assert ("R01HL132141", "", 2025) in saved()  # newest fiscal year, whatever the order


@pytest.mark.parametrize("parallel", [False, True])
def test_progress_is_reported_record_by_record(parallel):
    seen = []
    pipeline.import_files(pipeline.CTGOV, [CTGOV_PAGE], parallel=parallel, progress=seen.append)
    assert seen == [1] * 5


def test_sqlite_imports_with_a_larger_cache_and_gives_it_back():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")

    def cache_size(_=None):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            sizes.append(cursor.fetchone()[0])

    sizes = []
    cache_size()
    pipeline.import_files(pipeline.CTGOV, [CTGOV_PAGE], progress=cache_size)
    cache_size()
    assert sizes[0] == sizes[-1] == -2000  # SQLite's default: 2 MB
    assert set(sizes[1:-1]) == {-16 * 1024}  # 16 MB while importing


@pytest.mark.parametrize("parallel", [False, True])
def test_a_cut_off_file_saves_what_came_before_and_says_where(tmp_path, parallel):
    path = tmp_path / "cut.json"
    whole = REPORTER_FULL.read_text()
    path.write_text(whole[: len(whole) // 2])
    with pytest.raises(pipeline.ImportFailed) as failed:
        pipeline.import_files(pipeline.REPORTER, [path], parallel=parallel)
    assert str(path) in str(failed.value) and "cut off" in str(failed.value)
    summary = failed.value.summary
    assert summary.created == Project.objects.count() > 0


@pytest.mark.parametrize("parallel", [False, True])
def test_strict_stops_at_the_first_bad_record_with_what_came_before_saved(tmp_path, parallel):
    records = reporter_records(REPORTER_FULL)[:6]
    records[3]["fiscal_year"] = "soon"  # an edited copy: record 4 is bad
    path = tmp_path / "projects.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with pytest.raises(pipeline.ImportStopped) as stopped:
        pipeline.import_files(pipeline.REPORTER, [path], strict=True, parallel=parallel)
    assert stopped.value.problem.position.index == 4
    assert "field fiscal_year: 'soon' is not a year." in str(stopped.value)
    assert Project.objects.count() == 3


def test_only_a_bounded_number_of_problems_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_REPORTED_PROBLEMS", 2)
    path = tmp_path / "bad.jsonl"
    path.write_text("{broken\n" * 5)
    summary = pipeline.import_files(pipeline.REPORTER, [path])
    assert summary.skipped == 5 and len(summary.problems) == 2


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("parallel", [False, True])
def test_a_grants_older_years_nearby_are_passed_over_unread(tmp_path, parallel):
    newer, older = reporter_record("5K23HD104934-04"), reporter_record("5K23HD104934-03")
    older["project_start_date"] = "garbled"  # an edited copy: the older year is broken
    path = write_jsonl(tmp_path / "years.jsonl", [newer, older])
    summary = pipeline.import_files(pipeline.REPORTER, [path], parallel=parallel)
    assert (summary.created, summary.unchanged, summary.skipped) == (1, 1, 0)
    assert Project.objects.get().fiscal_year == 2025


def test_strict_reads_and_checks_every_record_even_older_years(tmp_path):
    newer, older = reporter_record("5K23HD104934-04"), reporter_record("5K23HD104934-03")
    older["project_start_date"] = "garbled"  # an edited copy: the older year is broken
    path = write_jsonl(tmp_path / "years.jsonl", [newer, older])
    with pytest.raises(pipeline.ImportStopped, match="record 2.*project_start_date"):
        pipeline.import_files(pipeline.REPORTER, [path], strict=True)


def test_when_the_newest_year_cannot_be_read_the_next_newest_is_imported(tmp_path):
    newer, older = reporter_record("5K23HD104934-04"), reporter_record("5K23HD104934-03")
    newer["project_end_date"] = "garbled"  # an edited copy: the newest year is broken
    path = write_jsonl(tmp_path / "years.jsonl", [older, newer])
    summary = pipeline.import_files(pipeline.REPORTER, [path])
    assert (summary.created, summary.skipped) == (1, 1)
    assert summary.problems[0].position.index == 2
    assert Project.objects.get().fiscal_year == 2024


# Sites placed on the map -------------------------------------------------------------------


def _one_grant(tmp_path, project_num="5R21AI175731-02"):
    path = tmp_path / "grant.json"
    path.write_text(json.dumps([reporter_record(project_num)]))
    return path


@pytest.mark.parametrize("parallel", [False, True])
def test_a_grants_new_site_is_placed_at_its_zip_code_after_the_import(tmp_path, parallel):
    pipeline.import_files(pipeline.REPORTER, [_one_grant(tmp_path)], parallel=parallel)
    site = Site.objects.get()
    assert (site.city, site.zip_code, site.coordinates_source) == ("Little Rock", "72205-7101", "zip")
    assert site.latitude == pytest.approx(34.75, abs=0.2)
    assert site.longitude == pytest.approx(-92.3, abs=0.2)


def test_sites_are_placed_even_when_a_strict_import_stops(tmp_path):
    records = reporter_records(REPORTER_FULL)[:2]
    records[1]["fiscal_year"] = "soon"  # an edited copy: record 2 is bad
    path = tmp_path / "projects.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with pytest.raises(pipeline.ImportStopped):
        pipeline.import_files(pipeline.REPORTER, [path], strict=True)
    assert Site.objects.count() == 1
    assert not Site.objects.filter(latitude__isnull=True).exists()


def test_an_approved_import_is_listed_counted_and_found_near_its_site(
    tmp_path, client, editor, publish
):
    pipeline.import_files(pipeline.REPORTER, [_one_grant(tmp_path)])
    near = {"near": "72205", "radius": "25"}
    assert client.get("/projects/", near).context["page"].count == 0  # a draft
    project = Project.objects.get()
    content = revisions.draft_content(project) | {
        "lay_title": "Training the immune system against a fungus",
        "lay_summary": "Scientists study how the body fights a common fungus.",
        "research_focus": "How immune cells learn to spot the fungus.",
    }
    editing.save_content(project, editor, content=content, base_version=project.version)
    publish(project)
    response = client.get("/projects/", near)
    assert [p.lay_title for p in response.context["object_list"]] == [
        "Training the immune system against a fungus"
    ]
    assert facets.menu().count(FacetKind.STATE, "Arkansas") == 1
