"""The rows per chunk of a bulk run (issue 13, bulk speed): an export read as columns is
judged in chunks of ``COLUMNAR_CHUNK_SIZE`` rows unless the caller names a size, one read
row by row in chunks of ``ROW_CHUNK_SIZE``; the verdicts do not depend on the size."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from complaintrules import evaluate_file
from complaintrules.bulk.evaluate import COLUMNAR_CHUNK_SIZE, ROW_CHUNK_SIZE
from complaintrules.io import columnar

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
EXPORT = ROOT / "examples" / "crm" / "export.csv"


def _sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    asked: list[int] = []
    real = columnar.rechunk

    def rechunk(batches: Any, size: int) -> Any:
        asked.append(size)
        return real(batches, size)

    monkeypatch.setattr(columnar, "rechunk", rechunk)
    return asked


def test_an_export_read_as_columns_is_judged_in_chunks_of_the_columnar_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _sizes(monkeypatch)
    default = evaluate_file(EXPORT, MAPPING, as_of=date(2025, 3, 31))
    assert asked == [COLUMNAR_CHUNK_SIZE] == [20_000]
    small = evaluate_file(EXPORT, MAPPING, as_of=date(2025, 3, 31), chunk_size=3)
    assert asked == [COLUMNAR_CHUNK_SIZE, 3]
    assert small.verdicts == default.verdicts and small.evaluated == default.evaluated
    assert COLUMNAR_CHUNK_SIZE > ROW_CHUNK_SIZE == 5000
