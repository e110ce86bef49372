"""In summary mode a batch's case table is laid out once (issue 13): the table laid out
while the batch is checked as columns is the one its rules are judged over, unless the
as-of date changes some of its rows, and the totals are those of laying it out anew."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from complaintrules.bulk.evaluate import evaluate_file
from complaintrules.io import flat as flat_module
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"


def _export(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(synthetic_rows(rows, seed=11, start=date(2024, 4, 1), days=200))
    return path


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    lay_out = flat_module.from_targets

    def counted(table: Any) -> Any:
        calls[0] += 1
        return lay_out(table)

    monkeypatch.setattr(flat_module, "from_targets", counted)
    return calls


def test_each_batch_lays_out_its_case_table_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _export(tmp_path, 1200)
    calls = _counted(monkeypatch)
    # an as-of date after every date of the export: no row changes
    summary = evaluate_file(path, MAPPING, as_of=date(2030, 1, 1), chunk_size=400)
    assert summary.rows_in == 1200 == summary.evaluated + summary.rejected_rows
    assert summary.evaluated > 1000
    assert calls[0] == 3  # one a batch of 400


def test_rows_the_as_of_date_changes_are_judged_as_they_stood(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With rows the as-of date changes the batch's table is laid out as of that date:
    the same totals as judging every case as of it (no batch table kept at all)."""
    path = _export(tmp_path, 600)
    when = date(2024, 8, 15)
    first = evaluate_file(path, MAPPING, as_of=when, chunk_size=300)
    assert first.events_ignored > 0  # the as-of date changed some rows
    kept = first.to_dict()
    monkeypatch.setattr(
        "complaintrules.io.columnar.FlatBatch.case_table",
        lambda self, targets=None, changed=None: flat_module.from_targets(
            targets if targets is not None else self.table.select(self.table.column_names[1:])
        ),
    )
    anew = evaluate_file(path, MAPPING, as_of=when, chunk_size=300).to_dict()
    assert kept == anew
