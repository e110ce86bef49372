"""Summary mode judges a batch read as columns without a case per row (issue 13).

``complaintrules cases --format summary`` (``evaluate_file`` with no per-case results)
checks each batch as columns, lays its case table out from the columns and judges every
rule over it; a ``Complaint`` is built only for the rows a rule must judge alone, the
rows an as-of date may change and the rows whose TSM tally the arrays do not give. Its
totals (every figure of ``BulkSummary.to_dict``: rows, rejections with their problems,
duplicates, verdicts, breaches, TSM, snapshot counts) are those of the same run judging
the cases built row by row.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from complaintrules import Engine
from complaintrules.bulk.evaluate import BulkSummary, evaluate_file
from complaintrules.io import tabular
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
ROWS = 900


def _export(tmp_path: Path, *, landlord: bool = False) -> Path:
    """A synthetic export whose receipts span both Codes (so both packs judge it), with
    malformed rows and a repeated reference; with ``landlord``, a landlord column."""
    rows = list(synthetic_rows(ROWS, seed=7, start=date(2023, 10, 1), days=400, malformed=0.05))
    rows.append(list(rows[3]))  # a case listed twice
    header = list(HEADER)
    if landlord:
        header.append("Landlord")
        rows = [[*r, "north" if k % 3 else ""] for k, r in enumerate(rows)]
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _mapping(tmp_path: Path, landlord: bool) -> Path:
    if not landlord:
        return MAPPING
    path = tmp_path / "mapping.yaml"
    path.write_text(
        MAPPING.read_text(encoding="utf-8") + "  landlord: Landlord\n", encoding="utf-8"
    )
    return path


def _count_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the cases the flat readers build (directly, or validated by the model)."""
    built = [0]
    construct = tabular._construct

    def counted(got: Any) -> Any:
        built[0] += 1
        return construct(got)

    validate = tabular.Complaint.model_validate

    def validated(data: Any, **kwargs: Any) -> Any:
        built[0] += 1
        return validate(data, **kwargs)

    monkeypatch.setattr(tabular, "_construct", counted)
    monkeypatch.setattr("complaintrules.io.columnar._construct", counted)
    monkeypatch.setattr(tabular.Complaint, "model_validate", validated)
    return built


@pytest.mark.parametrize("as_of", [None, date(2024, 9, 30)], ids=["no-as-of", "as-of"])
def test_summary_mode_builds_a_case_only_for_the_rows_that_need_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_of: date | None
) -> None:
    export = _export(tmp_path)
    engine = Engine()
    built = _count_built(monkeypatch)
    summary = evaluate_file(export, MAPPING, engine=engine, as_of=as_of, chunk_size=300)
    assert summary.rows_in == ROWS + 1
    assert summary.packs == {"code_2020", "code_2024"}
    # far fewer cases than rows: not one a row (beyond the rows the as-of date changes)
    assert built[0] < summary.evaluated / 4 + summary.cases_with_events_ignored
    built[0] = 0
    seen: list[Any] = []
    with_cases = evaluate_file(
        export, MAPPING, engine=engine, as_of=as_of, chunk_size=300, on_result=seen.append
    )
    assert built[0] >= with_cases.evaluated  # one a case there
    assert summary.to_dict() == with_cases.to_dict()


@pytest.mark.parametrize("as_of", [None, date(2024, 9, 30)], ids=["no-as-of", "as-of"])
@pytest.mark.parametrize("landlord", [False, True], ids=["one-landlord", "landlord-column"])
def test_summary_totals_equal_those_of_judging_each_case(
    tmp_path: Path, as_of: date | None, landlord: bool
) -> None:
    export = _export(tmp_path, landlord=landlord)
    mapping = _mapping(tmp_path, landlord)
    engine = Engine()
    got = evaluate_file(export, mapping, engine=engine, as_of=as_of, chunk_size=250)
    want = evaluate_file(
        export, mapping, engine=engine, as_of=as_of, chunk_size=250, on_result=lambda r: None
    )
    assert isinstance(got, BulkSummary)
    assert got.rows_in == got.evaluated + got.rejected_rows + got.not_yet_received_rows
    assert got.rejected_rows > 0 and got.duplicate_rows > 0
    assert got.to_dict() == want.to_dict()
    if landlord:
        assert set(got.landlords) == {"north"}


def test_rows_read_one_by_one_are_counted_with_their_own_facts(tmp_path: Path) -> None:
    # JSON Lines whose odd records (a yes/no given as JSON true) are read one by one:
    # their flat row is incomplete, so the summary takes their receipt and reference from
    # the case the model validated
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace("format: csv", "format: jsonl"),
        encoding="utf-8",
    )
    lines = []
    for i, row in enumerate(synthetic_rows(240, seed=5, start=date(2023, 12, 1), days=200)):
        record: dict[str, Any] = dict(zip(HEADER, row, strict=True))
        if i % 6 == 1:
            record["S1 Definition Agreed"] = True  # not text: converted on its own
        lines.append(json.dumps(record))
    lines.append(lines[1])  # the same case again (received before any as-of date below)
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for as_of in (None, date(2024, 6, 10)):
        got = evaluate_file(path, mapping, as_of=as_of, chunk_size=64)
        want = evaluate_file(path, mapping, as_of=as_of, chunk_size=64, on_result=lambda r: None)
        assert got.duplicate_rows == 1
        assert got.to_dict() == want.to_dict()


def _typed_cell(text: str, k: int) -> object:
    """A CSV cell as an Excel sheet holds it: a dd/mm/yyyy date a date cell, hh:mm a time
    cell, Y/N a yes/no cell; now and then (every twentieth row) a date left as text, so
    that some columns mix text and dates."""
    if k % 20 == 3:
        return text or None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        pass
    return {"Y": True, "N": False}.get(text, text or None)


def _workbook(tmp_path: Path) -> Path:
    import openpyxl

    rows = list(synthetic_rows(ROWS, seed=11, start=date(2023, 10, 1), days=400, malformed=0.05))
    rows.append(list(rows[3]))  # a case listed twice
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADER))
    for k, row in enumerate(rows):
        sheet.append([_typed_cell(cell, k) for cell in row])
    path = tmp_path / "export.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("as_of", [None, date(2024, 9, 30)], ids=["no-as-of", "as-of"])
def test_an_excel_export_is_judged_as_columns_with_the_totals_of_each_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_of: date | None
) -> None:
    # typed cells (dates, times, yes/no) make typed columns, as a Parquet file's do
    workbook = _workbook(tmp_path)
    engine = Engine()
    built = _count_built(monkeypatch)
    summary = evaluate_file(workbook, MAPPING, engine=engine, as_of=as_of, chunk_size=300)
    assert summary.rows_in == ROWS + 1
    assert summary.rejected_rows > 0 and summary.duplicate_rows == 1
    assert built[0] < summary.evaluated / 3 + summary.cases_with_events_ignored
    every = evaluate_file(
        workbook, MAPPING, engine=engine, as_of=as_of, chunk_size=300, on_result=lambda r: None
    )
    assert summary.to_dict() == every.to_dict()
    # and the totals of the same export read as CSV
    csv_export = tmp_path / "export.csv"
    with csv_export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        rows = list(
            synthetic_rows(ROWS, seed=11, start=date(2023, 10, 1), days=400, malformed=0.05)
        )
        writer.writerows([*rows, rows[3]])
    from_csv = evaluate_file(csv_export, MAPPING, engine=engine, as_of=as_of, chunk_size=300)
    assert summary.verdicts_by_rule() == from_csv.verdicts_by_rule()
    assert summary.evaluated == from_csv.evaluated
