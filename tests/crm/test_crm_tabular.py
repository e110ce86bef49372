"""CRM exports: a 10,000-row CSV with 1% malformed rows, mappings and their mistakes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from complaintrules import InputError, evaluate_file, load_mapping, read_cases
from complaintrules.cli.main import main
from complaintrules.io.tabular import CaseReader
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"

#: (column, bad value, words the reason must contain)
BAD = [
    ("Date Logged", "31/02/2025", "not a date"),
    ("Date Logged", "yesterday-ish", "not a date"),
    ("Contact Method", "Carrier pigeon", "not a channel"),
    ("S1 Definition Agreed", "perhaps", "not yes or no"),
    ("Case Ref", "", "required"),
    ("S1 Acknowledged", "01/01/2020", "before received_on"),
    ("S1 Outcome", "Sort of", "not an outcome"),
    ("S1 Extended To", "13/13/2024", "not a date"),
]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, tuple[str, str]]]:
    """10,000 rows; every 100th (100 rows, 1%) has one bad cell. Returns the bad rows."""
    path = tmp_path_factory.mktemp("crm") / "export.csv"
    bad: dict[int, tuple[str, str]] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, row in enumerate(synthetic_rows(10_000, seed=7)):
            if i % 100 == 50:
                column, value, words = BAD[(i // 100) % len(BAD)]
                row[HEADER.index(column)] = value
                bad[i + 2] = (column, words)  # the header is row 1
            writer.writerow(row)
    return path, bad


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_good_row_evaluated_every_bad_row_rejected(
    export: tuple[Path, dict[int, tuple[str, str]]], jobs: int
) -> None:
    path, bad = export
    summary = evaluate_file(path, MAPPING, jobs=jobs, chunk_size=1500)
    assert summary.rows_in == 10_000
    assert summary.rejected_rows == len(bad) == 100
    assert summary.evaluated == 9_900
    assert summary.rows_in == summary.evaluated + summary.rejected_rows
    by_row: dict[int, list[tuple[str, str]]] = {}
    for problem in summary.rejected:
        by_row.setdefault(problem.row, []).append((problem.column, problem.reason))
    assert set(by_row) == set(bad)
    for row, (column, words) in bad.items():
        assert any(c == column and words in reason for c, reason in by_row[row]), (row, by_row[row])


def test_results_stream_in_input_order(export: tuple[Path, dict[int, tuple[str, str]]]) -> None:
    path, bad = export
    seen: list[int] = []
    evaluate_file(
        path, MAPPING, jobs=2, chunk_size=700, on_result=lambda r: seen.append(r.row or 0)
    )
    assert len(seen) == 9_900
    assert seen == sorted(seen)
    assert not set(seen) & set(bad)


def test_checked_and_direct_construction_agree(
    export: tuple[Path, dict[int, tuple[str, str]]],
) -> None:
    """Valid rows are built without a second validation; both ways give the same rows."""
    path, _ = export
    reader = CaseReader(path, MAPPING)
    records = reader.converter.split(list(reader.raw_records())[:3000])
    direct = [reader.converter.convert(n, r) for n, r in records]
    reader.converter.construct = False
    checked = [reader.converter.convert(n, r) for n, r in records]
    assert direct == checked


def test_read_cases_reports_row_column_reason(tmp_path: Path) -> None:
    path = tmp_path / "few.csv"
    path.write_text(
        "Case Ref,Date Logged,Contact Method,S1 Acknowledged\n"
        "A1,01/05/2024,Telephone,02/05/2024\n"
        'A2,"31/02/2024",E-mail,\n'
        "A3,2 May 2024,Web,2024-05-03\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "dates: {format: '%d/%m/%Y'}\n"
        "columns:\n"
        "  reference: Case Ref\n"
        "  received_on: Date Logged\n"
        "  channel:\n"
        "    column: Contact Method\n"
        "    values: {Telephone: phone, E-mail: email, Web: web_form}\n"
        "  stage1.acknowledged_on: S1 Acknowledged\n",
        encoding="utf-8",
    )
    rows = list(read_cases(path, mapping))
    assert [r.ok for r in rows] == [True, False, True]
    assert rows[0].case is not None and rows[0].case.stages[0].acknowledged is not None
    problem = rows[1].problems[0]
    assert (problem.row, problem.column) == (3, "Date Logged")
    # the odd ones: "2 May 2024" through python-dateutil, day first; ISO kept as ISO
    third = rows[2].case
    assert third is not None
    assert third.received_on.isoformat() == "2024-05-02"
    assert third.stages[0].acknowledged.on.isoformat() == "2024-05-03"  # type: ignore[union-attr]


def test_a_record_wider_than_the_header_is_rejected_with_a_short_one_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "Case Ref,Date Logged,S1 Acknowledged\n"
        "A1,01/05/2024,02/05/2024\n"
        "A2,01/05/2024,02/05/2024,03/05/2024\n"  # one cell too many: misaligned
        "A3,01/05/2024\n",  # trailing cells left off: read as empty
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "dates: {format: '%d/%m/%Y'}\n"
        "columns:\n"
        "  reference: Case Ref\n"
        "  received_on: Date Logged\n"
        "  stage1.acknowledged_on: S1 Acknowledged\n",
        encoding="utf-8",
    )
    rows = list(read_cases(path, mapping))
    assert [r.ok for r in rows] == [True, False, True]
    problem = rows[1].problems[0]
    assert problem.row == 3
    assert "4 cells but the header names 3 columns" in problem.reason
    assert rows[2].case is not None and rows[2].case.stages[0].acknowledged is None


def test_day_first_by_default_and_month_first_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("reference,received_on\nX,03/04/2024\n", encoding="utf-8")
    [row] = list(read_cases(path))
    assert row.case is not None and row.case.received_on.isoformat() == "2024-04-03"
    us = tmp_path / "us.yaml"
    us.write_text(
        "dates: {dayfirst: false}\ncolumns: {reference: reference, received_on: received_on}\n",
        encoding="utf-8",
    )
    [row] = list(read_cases(path, us))
    assert row.case is not None and row.case.received_on.isoformat() == "2024-03-04"


def test_json_lines_and_json(tmp_path: Path) -> None:
    good = {"reference": "J1", "received_on": "2024-05-01", "stages": [{"number": 1}]}
    lines = tmp_path / "cases.jsonl"
    lines.write_text(
        json.dumps(good) + "\n" + '{"reference": "J2", "received_on": "soon"}\n' + "{oops\n",
        encoding="utf-8",
    )
    rows = list(read_cases(lines))
    assert [r.ok for r in rows] == [True, False, False]
    assert rows[1].problems[0].column == "received_on"
    assert "invalid JSON" in rows[2].problems[0].reason
    listed = tmp_path / "cases.json"
    listed.write_text(json.dumps({"cases": [good, {"reference": "J3"}]}), encoding="utf-8")
    rows = list(read_cases(listed))
    assert [(r.row, r.ok) for r in rows] == [(1, True), (2, False)]


# -- mistakes in the mapping or the file: exit 2, naming the file and the column ---------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["cases", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_mapped_column_missing_from_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "x.csv"
    data.write_text("Case Ref,Date Logged\nA,01/05/2024\n", encoding="utf-8")
    code, _, err = _run(capsys, str(data), "--mapping", str(MAPPING), "--format", "summary")
    assert code == 2
    assert "mapping.yaml" in err
    assert "'Time Logged' is not in x.csv" in err


def test_unknown_field_in_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "x.csv"
    data.write_text("Ref,Logged\nA,01/05/2024\n", encoding="utf-8")
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(
        "columns:\n  reference: Ref\n  received_on: Logged\n  stage1.acknowleged_on: Ack\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, str(data), "--mapping", str(mapping))
    assert code == 2
    assert "bad.yaml" in err and "columns.stage1.acknowleged_on" in err
    assert "did you mean" not in err or "stage1.acknowledged_on" in err


def test_bad_date_format_in_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "x.csv"
    data.write_text("Ref,Logged\nA,01/05/2024\n", encoding="utf-8")
    mapping = tmp_path / "fmt.yaml"
    mapping.write_text(
        "columns:\n  reference: Ref\n  received_on: {column: Logged, format: '%d/%Q/%Y'}\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, str(data), "--mapping", str(mapping))
    assert code == 2
    assert "fmt.yaml" in err and "columns.received_on.format" in err and "%Q" in err
    with pytest.raises(InputError):
        load_mapping(mapping)


def test_unknown_column_without_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "plain.csv"
    data.write_text("reference,received_on,colour\nA,2024-05-01,blue\n", encoding="utf-8")
    code, _, err = _run(capsys, str(data))
    assert code == 2
    assert "plain.csv" in err and "'colour'" in err


def test_mapping_code_table_checked(tmp_path: Path) -> None:
    mapping = tmp_path / "codes.yaml"
    mapping.write_text(
        "columns:\n  reference: R\n  received_on: D\n"
        "  channel: {column: C, values: {Tel: telephone}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_mapping(mapping)
    assert "columns.channel.values.Tel" in str(info.value)


@pytest.mark.parametrize(
    ("text", "dayfirst", "why"),
    [
        ("31/09/2024", True, "September 2024 has no day 31"),
        ("29/02/2023", True, "February 2023 has no day 29"),
        ("29/02/2024", True, None),  # a leap year: a date
        ("13/13/2024", True, "there is no month 13"),
        ("09/31/2024", False, "September 2024 has no day 31"),
        ("31/02/24", True, "February 2024 has no day 31"),
        ("next Tuesday-ish", True, "not a form of date we can read"),
    ],
)
def test_a_row_date_that_is_no_date_says_why_in_our_words(
    text: str, dayfirst: bool, why: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason does not come from python-dateutil, whose messages differ between its
    releases (2.8 and 2.9 word the same error differently), so a rejected row reads the
    same whatever version is installed."""
    from complaintrules.io import tabular as _tabular

    reader = _tabular._DateReader(None, dayfirst, True)
    real_parse = _tabular._dateparser.parse

    def parse(*args: object, **kwargs: object) -> object:
        try:
            return real_parse(*args, **kwargs)  # type: ignore[arg-type]
        except ValueError:
            raise ValueError("a message of some dateutil release") from None

    monkeypatch.setattr(_tabular._dateparser, "parse", parse)
    if why is None:
        assert reader(text).isoformat() == "2024-02-29"
        return
    with pytest.raises(ValueError) as raised:
        reader(text)
    assert str(raised.value) == f"{text!r} is not a date: {why}"
