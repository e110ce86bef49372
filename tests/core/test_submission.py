"""The Ombudsman's annual submission (issue 15, item 7): organisation details and comply per
provision, as CSV and as an Excel workbook, checked by reading each back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from complaintrules import PackRegistry
from complaintrules.cli.main import EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = ROOT / "examples" / "landlord"
INPUTS = [
    str(LANDLORD / "policy.yaml"),
    "--organisation",
    str(LANDLORD / "organisation.yaml"),
    "--cases",
    str(LANDLORD / "cases.yaml"),
    "--as-of",
    "2025-03-31",
]


def _provisions() -> list[str]:
    registry = PackRegistry()
    return [r.provision for r in registry.rules_for(registry.get("code_2024"))]


def test_csv_holds_the_details_and_every_provision(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["submission", *INPUTS]) == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    details = {r["Item"]: r["Value"] for r in rows if r["Part"] == "Organisation"}
    assert details["Landlord"] == "Example Homes"
    assert details["Member Responsible for Complaints"].startswith("Helen Marsh")
    assert details["Approved by the governing body on"] == "2024-06-20"
    assert details["Approved by"] == "the Board"
    assert details["Low-cost home ownership homes"] == "500"
    comply = {r["Item"]: r["Value"] for r in rows if r["Part"] == "Provision"}
    assert list(comply) == _provisions()
    assert set(comply.values()) <= {"Yes", "No", "N/A"}
    assert comply["6.3"] == "No"
    # 9.6 is not attested in the example: submitted as No, and the note says why
    row_96 = next(r for r in rows if r["Item"] == "9.6")
    assert row_96["Value"] == "No" and "Evidence needed" in row_96["Detail"]
    assert int(details["Comply: No"]) == sum(v == "No" for v in comply.values())


def test_xlsx_reopens_with_both_sheets(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "submission.xlsx"
    assert main(["submission", *INPUTS, "--output", str(out)]) == EXIT_OK
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Organisation", "Provisions"]
    details = {
        row[0]: row[1] for row in book["Organisation"].iter_rows(min_row=2, values_only=True)
    }
    assert details["Landlord"] == "Example Homes"
    sheet = book["Provisions"]
    header = [c.value for c in sheet[1]]
    assert header == ["Section", "Code provision", "Comply", "Code requirement", "Note"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == _provisions()
    assert {r[2] for r in rows} <= {"Yes", "No", "N/A"}
    assert sheet.freeze_panes == "A2"
    validations = sheet.data_validations.dataValidation
    assert validations and validations[0].formula1 == '"Yes,No,N/A"'


def test_xlsx_writes_a_formula_like_name_as_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    organisation = tmp_path / "organisation.yaml"
    text = (LANDLORD / "organisation.yaml").read_text(encoding="utf-8")
    organisation.write_text(
        text.replace("name: Example Homes", 'name: "=HYPERLINK(\\"http://x\\")"', 1),
        encoding="utf-8",
    )
    out = tmp_path / "submission.xlsx"
    args = ["submission", str(LANDLORD / "policy.yaml"), "--organisation", str(organisation)]
    assert main([*args, "--as-of", "2025-03-31", "--output", str(out)]) == EXIT_OK
    cell = openpyxl.load_workbook(out)["Organisation"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_submission_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["submission", *INPUTS, "--format", "xlsx"]) == EXIT_USAGE
    assert "--format xlsx needs --output" in capsys.readouterr().err
    assert main(["submission", *INPUTS, "--output", str(tmp_path / "s.pdf")]) == EXIT_USAGE
    assert "s.pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["submission", str(LANDLORD / "policy.yaml")])  # the organisation is required
    assert exited.value.code == EXIT_USAGE
