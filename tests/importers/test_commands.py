"""The import commands: files in, a one-line summary out; bad input is a
clear message naming the file, the record and the field, never a
traceback; --strict stops at the first bad record. And what the public
reads after an import and an approval."""

import gzip
import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.models import Project, ProjectSite

from ..factories import publish_written
from .recorded import (
    CTGOV_APG2575,
    CTGOV_CLASSIC,
    CTGOV_COPLANT,
    CTGOV_PAGE,
    REPORTER_ERBB2,
    REPORTER_FULL,
    reporter_records,
    study,
)

pytestmark = pytest.mark.django_db


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_jsonl(path, records, gz=False):
    text = "".join(json.dumps(r) + "\n" for r in records)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def test_import_reporter_prints_a_summary_line():
    out, err = run("import_reporter", REPORTER_FULL, REPORTER_ERBB2)
    # 30 records of 24 projects: a project's older records in a batch are superseded.
    assert out.strip() == "NIH RePORTER: 24 created, 0 updated, 6 unchanged, 0 skipped."
    assert err == ""  # no progress bar when stderr is not a terminal
    out, _ = run("import_reporter", REPORTER_FULL, REPORTER_ERBB2)
    assert out.strip() == "NIH RePORTER: 0 created, 0 updated, 30 unchanged, 0 skipped."


def test_import_ctgov_reads_pages_and_single_studies():
    out, _ = run("import_ctgov", CTGOV_PAGE, CTGOV_COPLANT)
    assert out.strip() == "ClinicalTrials.gov: 6 created, 0 updated, 0 unchanged, 0 skipped."
    assert Project.objects.filter(nct_id="NCT06323538", status="draft").exists()


def test_json_lines_plain_and_gzip(tmp_path):
    records = reporter_records(REPORTER_FULL)
    write_jsonl(tmp_path / "a.jsonl", records[:10])
    write_jsonl(tmp_path / "b.jsonl.gz", records[10:], gz=True)
    out, _ = run("import_reporter", tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz")
    assert out.strip() == "NIH RePORTER: 16 created, 0 updated, 4 unchanged, 0 skipped."


def bad_lines(tmp_path):
    """A JSON Lines file of recorded projects in which record 2 lacks its ID
    and record 3 has a bad date (edited copies), and line 4 is not JSON."""
    records = reporter_records(REPORTER_FULL)[:5]
    del records[1]["appl_id"], records[1]["project_detail_url"]
    records[2]["project_start_date"] = "sometime"
    path = write_jsonl(tmp_path / "bad.jsonl", records)
    lines = path.read_text().splitlines()
    lines.insert(3, '{"appl_id": 1, "project_title": ')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bad_records_are_skipped_and_reported_by_file_record_and_field(tmp_path):
    path = bad_lines(tmp_path)
    out, err = run("import_reporter", path)
    assert out.strip() == "NIH RePORTER: 3 created, 0 updated, 0 unchanged, 3 skipped."
    assert err.splitlines() == [
        f"Skipped {path}, record 2 (line 2): field appl_id: is missing (and no project_detail_url names it).",
        f"Skipped {path}, record 3 (line 3): field project_start_date: 'sometime' is not a date "
        "(expected e.g. 2024-09-30).",
        f"Skipped {path}, record 4 (line 4): line 4 is not valid JSON (Expecting value at column 32).",
    ]
    assert Project.objects.count() == 3


def test_strict_stops_at_the_first_bad_record_and_writes_nothing_of_it(tmp_path):
    path = bad_lines(tmp_path)
    with pytest.raises(CommandError) as error:
        run("import_reporter", "--strict", path)
    assert str(error.value).startswith(
        f"Stopped at the first bad record (--strict): {path}, record 2 (line 2): field appl_id"
    )
    assert list(Project.objects.values_list("nih_project_number", flat=True)) == [
        "5P01AG052350-08"
    ]


def test_strict_exits_with_a_non_zero_status(tmp_path):
    # The command runs in its own process, against a throwaway SQLite file.
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    result = subprocess.run(
        [*manage, "import_reporter", "--strict", str(bad_lines(tmp_path))],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "Stopped at the first bad record" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "the JSON is cut off or malformed after record"),
        ("this is not JSON", "not JSON: it starts with 't' at byte 1"),
        ('{"rows": []}', "wrong shape: expected NIH RePORTER projects"),
    ],
)
def test_files_that_cannot_be_read_are_a_clear_error(tmp_path, content, expected):
    path = tmp_path / "broken.json"
    if content is None:  # cut a real page off in the middle
        whole = REPORTER_FULL.read_text()
        content = whole[: len(whole) // 2]
    path.write_text(content)
    with pytest.raises(CommandError) as error:
        run("import_reporter", path)
    assert str(error.value).startswith(f"{path}: ") and expected in str(error.value)


def test_a_truncated_file_keeps_the_complete_records_before_the_damage(tmp_path):
    path = tmp_path / "cut.json"
    whole = REPORTER_FULL.read_text()
    path.write_text(whole[: len(whole) // 2])
    with pytest.raises(CommandError, match="The complete records before that point were saved"):
        run("import_reporter", path)
    assert Project.objects.exists()


def test_the_classic_api_format_is_refused_naming_the_file():
    with pytest.raises(CommandError, match="FullStudiesResponse"):
        run("import_ctgov", CTGOV_CLASSIC)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="nowhere.json: no such file"):
        run("import_ctgov", tmp_path / "nowhere.json")


def test_an_unknown_registry_code_is_a_logged_warning_not_a_failure(tmp_path, caplog):
    raw = study("NCT05105685")
    raw["protocolSection"]["statusModule"]["overallStatus"] = "ON_HOLD"  # an edited copy
    path = tmp_path / "study.json"
    path.write_text(json.dumps(raw))
    with caplog.at_level(logging.WARNING, logger="projects.importers"):
        out, _ = run("import_ctgov", path)
    assert "1 created" in out and "1 warnings" in out
    assert (
        f"{path}, record 1 (NCT05105685): unknown statusModule.overallStatus 'ON_HOLD'"
        in caplog.text
    )
    assert Project.objects.get().research_status == "unknown"


def test_nothing_to_import_is_a_clear_error():
    with pytest.raises(CommandError, match="Nothing to import"):
        run("import_reporter")
    with pytest.raises(CommandError, match="Nothing to import"):
        run("import_ctgov", "--fetch")
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run("import_ctgov", "--batch-size", "0", CTGOV_PAGE)


# What the public reads ------------------------------------------------------------------


def publish_as_written(project, editor, publish):
    return publish_written(project, editor, publish, {
        "lay_title": "Helping children with a rare genetic condition",
        "lay_summary": "Doctors are testing whether a hormone helps children grow.",
        "research_focus": "The study looks at growth and behavior.",
    })


#: What the seed page showed: list reprs, raw enum names, "Study type Nih_funding",
#: an NIH application written as "NIH-11012296" and labelled a ClinicalTrials.gov ID.
SEED_DEFECTS = ["['", "']", "FUNDING_", "NOT_YET_RECRUITING", "Nih_funding", "NIH-1", "None"]


def test_imported_grants_read_well_once_approved(client, editor, publish):
    run("import_reporter", REPORTER_FULL, REPORTER_ERBB2)
    pages = {}
    for number in ("1K23AG086669-01", "5P50MH126231-04", "1ZIAAR041124-23"):
        project = Project.objects.get(nih_project_number=number)
        publish_as_written(project, editor, publish)
        pages[number] = client.get(project.get_absolute_url()).content.decode()
    for number, html in pages.items():
        for defect in SEED_DEFECTS:
            assert defect not in html, (number, defect)
        assert "on ClinicalTrials.gov" not in html  # an NIH grant is never a registry study ID
        assert "<dt>Sex</dt>" not in html  # not on lab research
        assert 'id="people-heading"' in html  # every grant names its researchers
        assert "Lead organization" in html
    k23 = pages["1K23AG086669-01"]
    assert "Career development award (K23)" in k23 and "National Institute on Aging" in k23
    assert (
        "University of Pennsylvania" in k23 and "Philadelphia, Pennsylvania, United States" in k23
    )
    assert "Whitley Aamodt" in k23 and "Assistant Professor of Neurology" in k23
    assert "Alexis Diane Bakos" in k23  # the NIH program officer, shown apart
    assert "1K23AG086669-01</a> on NIH RePORTER" in k23
    intramural = pages["1ZIAAR041124-23"]
    assert "NIH intramural research (ZIA)" in intramural
    assert "National Institute of Arthritis and Musculoskeletal and Skin Diseases" in intramural


def test_imported_studies_read_well_once_approved(client, editor, publish):
    run("import_ctgov", CTGOV_PAGE, CTGOV_COPLANT)
    pages = {}
    for nct_id in ("NCT07119606", "NCT06323538", "NCT05105685"):
        project = Project.objects.get(nct_id=nct_id)
        publish_as_written(project, editor, publish)
        pages[nct_id] = client.get(project.get_absolute_url()).content.decode()
    for nct_id, html in pages.items():
        for defect in SEED_DEFECTS:
            assert defect not in html, (nct_id, defect)
        assert "on ClinicalTrials.gov" in html and "on NIH RePORTER" not in html
    assert "Not yet recruiting" in pages["NCT07119606"]
    assert "3 months to 99 years" in pages["NCT07119606"]
    assert "Phase 1/2" in pages["NCT05105685"] and "1 to 5 years" in pages["NCT05105685"]
    coplant = pages["NCT06323538"]
    assert "Observational study" in coplant and "6,000 planned" in coplant
    assert "Recruiting at:" in coplant and "University Vienna (Vienna, Austria)" in coplant
    assert "Cornelia.Weikert@bfr.bund.de" in coplant  # a central contact
    assert "German Federal Institute for Risk Assessment" in coplant


def test_site_contacts_without_a_phone_or_email_are_not_offered_as_a_way_to_take_part(
    client,
    editor,
    publish,
):
    run("import_ctgov", CTGOV_APG2575)
    project = Project.objects.get(nct_id="NCT05147467")
    publish_as_written(project, editor, publish)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Zi.Chen@ascentage.com" in html  # central contacts
    assert "lijianyonglm@medmail.com.cn" in html  # the one site contact with an email
    assert "Yang Liang" not in html  # listed by name only, at a site not yet recruiting
    assert "Phase 2" in html and "11 sites in China" in html


def test_an_imported_drafts_source_facts_and_rows_are_read_only_in_the_admin(client, editor):
    run("import_ctgov", CTGOV_COPLANT)
    project = Project.objects.get()
    assert project.project_sites.exists()
    client.force_login(editor)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    form = page.context["adminform"].form
    assert "lay_summary" in form.fields  # the editor's text
    assert "official_title" not in form.fields and "nct_id" not in form.fields
    sites = next(f for f in page.context["inline_admin_formsets"] if f.opts.model is ProjectSite)
    assert not sites.has_add_permission and not sites.has_change_permission
