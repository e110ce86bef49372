"""Parquet files opened and read row by row, with errors that name the file.

Kept apart from the columnar reader so the row-by-row reader (:mod:`.tabular`) can read a
Parquet export without importing the columnar one, which imports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .loading import InputError, InputProblem

__all__ = ["parquet_file", "parquet_rows"]


def parquet_file(path: Path) -> pq.ParquetFile:
    """A Parquet file opened for reading, or an :class:`InputError` saying why not."""
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(path, [InputProblem("", f"cannot read as Parquet: {exc}")]) from None


def parquet_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(row number, values in header order) for each row of the Parquet file at ``path``."""
    number = 0
    batches = parquet_file(path).iter_batches(batch_size=10_000)
    while True:
        try:
            batch = next(batches, None)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(path, [InputProblem("", f"cannot read: {exc}")]) from None
        if batch is None:
            return
        columns = [column.to_pylist() for column in batch.columns]
        for values in zip(*columns, strict=True):
            number += 1
            yield number, list(values)
