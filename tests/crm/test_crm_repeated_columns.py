"""A column named twice in an export's header (found by tests/properties): which cell holds
the value cannot be known, so a column that is read is refused, naming the file and column;
a repeated column the mapping does not read is left alone."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from complaintrules import InputError, read_cases
from complaintrules.cli.main import EXIT_USAGE, main
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"


def test_a_case_field_named_twice_without_a_mapping_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("reference,received_on,received_on\nA,2024-05-01,2024-05-20\n")
    with pytest.raises(InputError) as info:
        list(read_cases(path))
    assert "line 1: column 'received_on': named twice in the header (columns 2 and 3)" in str(
        info.value
    )
    assert main(["cases", str(path), "--as-of", "2025-03-31", "--format", "summary"]) == (
        EXIT_USAGE
    )
    err = capsys.readouterr().err
    assert str(path.name) in err and "'received_on': named twice" in err and "Traceback" not in err


def _export(path: Path, header: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in synthetic_rows(3, seed=5):
            writer.writerow([*row, "x"])
    return path


def test_a_mapped_column_named_twice_is_refused(tmp_path: Path) -> None:
    path = _export(tmp_path / "export.csv", [*HEADER, "S1 Response Sent"])
    with pytest.raises(InputError) as info:
        list(read_cases(path, MAPPING))
    assert str(path) in str(info.value)
    assert "column 'S1 Response Sent': named twice in the header (columns 12 and 26)" in str(
        info.value
    )


def test_an_unread_column_may_repeat(tmp_path: Path) -> None:
    path = _export(tmp_path / "export.csv", [*HEADER[:-1], "Notes", "Notes"])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace("  closed_on: Closed\n", ""), encoding="utf-8"
    )
    rows = list(read_cases(path, mapping))
    assert len(rows) == 3 and all(r.case is not None for r in rows)
