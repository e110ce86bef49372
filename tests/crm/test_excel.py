"""Excel (.xlsx) input and Parquet output of `complaintrules cases` (issue 16, item 2).

A workbook holding the example export, with its dates typed as Excel dates, gives the
cases and problems of the CSV export; a bad cell is rejected naming its row and column
(and the sheet); rows in = rows evaluated + rows rejected. Parquet findings hold what the
CSV findings hold.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
import yaml

from complaintrules import InputError, evaluate_file, read_cases
from complaintrules.cli.main import main
from complaintrules.io.tabular import CaseReader

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "examples" / "crm" / "export.csv"
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
AS_OF = date(2025, 3, 31)


def _typed(text: str) -> object:
    """A CSV cell as Excel would hold it: dd/mm/yyyy a date, hh:mm a time."""
    try:
        return datetime.strptime(text, "%d/%m/%Y")
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        return text or None


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sheet "Notes" first, then "Complaints": the export with typed dates and times, a
    blank row, and the reference of row 5 typed as a number."""
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["exported from the CRM"])
    sheet = book.create_sheet("Complaints")
    sheet.append(rows[0])
    for k, row in enumerate(rows[1:], 2):
        sheet.append([_typed(cell) for cell in row])
        if k == 10:
            sheet.append([])  # a blank row: no row at all
    sheet.cell(row=5, column=1, value=1234)
    path = tmp_path_factory.mktemp("excel") / "export.xlsx"
    book.save(path)
    return path


def test_a_workbook_reads_as_the_csv_export(workbook: Path) -> None:
    from_csv = list(read_cases(EXPORT, MAPPING))
    from_excel = list(CaseReader(workbook, MAPPING, sheet="Complaints").rows())
    assert len(from_excel) == len(from_csv) == 50
    for a, b in zip(from_csv, from_excel, strict=True):
        if a.case is not None and b.case is not None and a.case.reference != "CRM-0000004":
            assert a.case == b.case
    number = next(r for r in from_excel if r.row == 5)
    assert number.case is not None and number.case.reference == "1234"
    # the CSV's bad date (31/09/2024) is text in the workbook too, and rejected the same way
    problems = [(p.row, p.column, p.reason) for r in from_excel for p in r.problems]
    expected = [(p.row, p.column, p.reason) for r in from_csv for p in r.problems]
    # rows below the blank row are one further down the sheet
    assert problems == [(n + (n > 10), c, why) for n, c, why in expected]
    summary = evaluate_file(workbook, MAPPING, as_of=AS_OF, sheet="Complaints")
    assert summary.rows_in == summary.evaluated + summary.rejected_rows == 50


def test_excel_mistakes_name_the_sheet(workbook: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"sheet 'Cases'.*'Notes', 'Complaints'"):
        CaseReader(workbook, MAPPING, sheet="Cases")
    # the first sheet by default: its header lacks the mapped columns
    with pytest.raises(InputError, match=r"column 'Case Ref' is not in export\.xlsx"):
        CaseReader(workbook, MAPPING)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read as an Excel workbook"):
        CaseReader(broken, MAPPING)


def test_cases_command_reads_excel_and_writes_parquet(
    workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_csv, out_parquet = tmp_path / "f.csv", tmp_path / "f.parquet"
    argv = ["cases", str(workbook), "--mapping", str(MAPPING), "--sheet", "Complaints"]
    argv += ["--as-of", "2025-03-31", "--no-fail", "--allow-rejected"]
    assert main([*argv, "--output", str(out_csv)]) == 0
    assert main([*argv, "--output", str(out_parquet)]) == 0
    err = capsys.readouterr().err
    assert "(sheet 'Complaints'): row 20: column 'Date Logged'" in err
    with out_csv.open(encoding="utf-8", newline="") as handle:
        expected = list(csv.DictReader(handle))
    table = pq.read_table(out_parquet)
    assert table.column_names == [
        "row",
        "reference",
        "landlord",
        "pack",
        "rule_id",
        "verdict",
        "message",
    ]
    got = table.to_pylist()
    assert len(got) == len(expected) > 0
    assert [(r["row"], r["rule_id"], r["verdict"], r["message"] or "") for r in got] == [
        (int(r["row"]), r["rule_id"], r["verdict"], r["message"]) for r in expected
    ]
    assert main(["cases", str(workbook), "--format", "parquet"]) == 2  # binary needs a file
    assert "give --output" in capsys.readouterr().err


def test_excel_values_as_the_readers_take_them(tmp_path: Path) -> None:
    """Dates, times and numbers typed by Excel; a date and time keeps its time."""
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    keep = ("reference", "received_on", "received_at", "stage1.acknowledged_on", "channel")
    mapping["columns"] = {k: v for k, v in mapping["columns"].items() if k in keep}
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Case Ref", "Date Logged", "Time Logged", "S1 Acknowledged", "Contact Method"])
    sheet.append([7.0, datetime(2024, 5, 2, 0, 0), time(9, 30), date(2024, 5, 3), "Letter"])
    sheet.append(["R2", datetime(2024, 5, 2, 14, 30), None, "#VALUE!", "Letter"])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    rows = list(CaseReader(path, tmp_path / "m.yaml").rows())
    first = rows[0].case
    assert first is not None
    assert (first.reference, first.received_on, first.received_at) == (
        "7",
        date(2024, 5, 2),
        time(9, 30),
    )
    assert [(p.row, p.column) for p in rows[1].problems] == [(3, "S1 Acknowledged")]
