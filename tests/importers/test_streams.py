"""Any file the registries hand out is read record by record, without
loading it whole; a file that cannot be read says which and where."""

import gzip
import json

import pytest

from projects.importers import ctgov, reporter, streams

from .recorded import (
    CTGOV_CLASSIC,
    CTGOV_COPLANT,
    CTGOV_PAGE,
    REPORTER_ERBB2,
    REPORTER_FULL,
    reporter_records,
)


def read(path, shape=reporter.SHAPE):
    return list(streams.read(path, shape))


def ids(items, key="project_num"):
    return [record[key] for _, record in items]


def test_reads_a_json_array_of_records_in_order():
    items = read(REPORTER_FULL)
    assert len(items) == 20
    assert [p.index for p, _ in items] == list(range(1, 21))
    assert items[0][1]["project_num"] == "5P01AG052350-08"


def test_reads_the_records_of_an_api_page_and_ignores_its_meta():
    items = read(REPORTER_ERBB2)
    assert len(items) == 10 and "meta" not in items[0][1]
    assert (
        read(CTGOV_PAGE, ctgov.SHAPE)[4][1]["protocolSection"]["identificationModule"]["nctId"]
        == "NCT07119606"
    )


def test_reads_a_single_record_on_its_own():
    ((position, study),) = read(CTGOV_COPLANT, ctgov.SHAPE)
    assert position.index == 1
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT06323538"


def test_reads_json_lines_and_gzip(tmp_path):
    records = reporter_records()[:3]
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    plain = tmp_path / "projects.jsonl"
    plain.write_text(lines)
    packed = tmp_path / "projects.jsonl.gz"
    packed.write_bytes(gzip.compress(lines.encode()))
    unnamed = tmp_path / "projects.txt"  # JSON Lines recognised by content
    unnamed.write_text(lines)
    for path in (plain, packed, unnamed):
        items = read(path)
        assert ids(items) == [r["project_num"] for r in records]
        assert [p.line for p, _ in items] == [1, 2, 3]


def test_reads_a_gzipped_json_array_whatever_its_name(tmp_path):
    path = tmp_path / "download"
    path.write_bytes(gzip.compress(REPORTER_FULL.read_bytes()))
    assert len(read(path)) == 20


def test_a_json_lines_line_may_hold_a_whole_api_page(tmp_path):
    page = json.loads(REPORTER_ERBB2.read_text())
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(page) + "\n" + json.dumps(page) + "\n")
    items = read(path)
    assert len(items) == 20 and [p.index for p, _ in items] == list(range(1, 21))


def test_a_bad_json_lines_line_is_that_records_problem_only(tmp_path):
    records = reporter_records()[:2]
    path = tmp_path / "projects.jsonl"
    path.write_text(
        f'{json.dumps(records[0])}\n{{"appl_id": 1,\n[1, 2]\n{json.dumps(records[1])}\n'
    )
    items = read(path)
    assert [type(r).__name__ for _, r in items] == ["dict", "RecordError", "RecordError", "dict"]
    assert "line 2 is not valid JSON" in items[1][1].message
    assert "not a record" in items[2][1].message
    assert str(items[2][0]).endswith("projects.jsonl, record 3 (line 3)")


def test_values_that_are_not_objects_in_an_array_are_bad_records(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text('[{"appl_id": 1}, "text", null]')
    kinds = [r.message if isinstance(r, streams.RecordError) else "ok" for _, r in read(path)]
    assert kinds == [
        "ok",
        "is a string, not a record (a JSON object).",
        "is null, not a record (a JSON object).",
    ]


def test_a_truncated_file_yields_the_records_before_the_damage_then_names_the_place(tmp_path):
    whole = REPORTER_FULL.read_text()
    path = tmp_path / "cut.json"
    path.write_text(whole[: len(whole) // 2])
    items = []
    with pytest.raises(streams.StreamError) as error:
        for item in streams.read(path, reporter.SHAPE):
            items.append(item)
    assert 5 <= len(items) < 20
    message = str(error.value)
    assert str(path) in message and f"after record {len(items)}" in message
    assert "cut off" in message and "near byte" in message


def test_a_truncated_gzip_file_is_a_clear_error(tmp_path):
    path = tmp_path / "cut.json.gz"
    path.write_bytes(gzip.compress(REPORTER_FULL.read_bytes())[:5000])
    with pytest.raises(streams.StreamError, match="cut.json.gz") as error:
        read(path)
    assert "gzip" in str(error.value) or "cut off" in str(error.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("hello, world", "not JSON: it starts with 'h' at byte 1"),
        ("\n\n   ", "the file is empty"),
        ('{"results": {"appl_id": 1}}', '"results" is not a list of records'),
        ('{"data": [{"appl_id": 1}]}', "wrong shape: expected NIH RePORTER projects"),
        ('{"results": [{"appl_id": 1}, ', "cut off or malformed after record 1"),
    ],
)
def test_files_that_are_not_records_are_clear_errors(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(streams.StreamError) as error:
        read(path)
    assert str(path) in str(error.value) and expected in str(error.value)


def test_the_retired_classic_api_format_is_the_wrong_shape():
    with pytest.raises(streams.StreamError, match="wrong shape.*FullStudiesResponse"):
        read(CTGOV_CLASSIC, ctgov.SHAPE)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(streams.StreamError, match="no such file"):
        read(tmp_path / "nowhere.json")


def test_a_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + REPORTER_ERBB2.read_bytes())
    assert len(read(path)) == 10


def test_records_are_streamed_not_loaded_first(tmp_path):
    # The first record arrives although the file is broken far after it:
    # the reader never parsed the whole file before yielding.
    record = json.dumps(reporter_records()[0])
    path = tmp_path / "big.json"
    path.write_text("[" + ",".join([record] * 200) + ", {broken")
    first_position, first = next(iter(streams.read(path, reporter.SHAPE)))
    assert first_position.index == 1 and first["project_num"] == "5P01AG052350-08"
