"""A numeric date is read in the order the mapping says, never with day and month swapped
to make it fit (found by tests/properties): '12/13/2024' read day first has no month 13
and rejects its row; python-dateutil took it as 13 December."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from complaintrules import read_cases
from complaintrules.model.synthetic import HEADER, synthetic_rows

MAPPING = Path(__file__).resolve().parents[2] / "examples" / "crm" / "mapping.yaml"


def _export(tmp_path: Path, logged: str) -> Path:
    """A one-row export (received 31 July 2024) with its receipt date written ``logged``."""
    path = tmp_path / "export.csv"
    (row,) = synthetic_rows(1, seed=3)
    row[HEADER.index("Date Logged")] = logged
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, row])
    return path


@pytest.mark.parametrize("logged", ["12/13/2024", "7/31/2024", "07-31-24"])
def test_a_date_that_only_fits_month_first_is_refused(tmp_path: Path, logged: str) -> None:
    (row,) = read_cases(_export(tmp_path, logged), MAPPING)
    assert row.case is None
    (problem,) = row.problems
    assert problem.row == 2 and problem.column == "Date Logged"
    assert "is not a date read day first: there is no month" in problem.reason


@pytest.mark.parametrize(
    ("logged", "iso"), [("31-07-2024", "2024-07-31"), ("31.7.24", "2024-07-31")]
)
def test_a_day_first_date_in_another_format_is_still_read(
    tmp_path: Path, logged: str, iso: str
) -> None:
    (row,) = read_cases(_export(tmp_path, logged), MAPPING)
    assert row.case is not None and row.case.received_on.isoformat() == iso
