"""The flat table of mapping targets laid out as the case table (io/flat.py): a column
named twice is refused with a message naming it, as an unknown column is; a table of
several chunks is laid out, and its dates checked, as the same table in one chunk."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from complaintrules.io.flat import from_targets
from complaintrules.model.columns import one_array
from complaintrules.model.consistency import consistent_rows


def test_a_column_named_twice_is_refused_naming_it() -> None:
    received = pa.array([date(2024, 5, 1)], pa.date32())
    handler = pa.array(["A Ahmed"])
    flat = pa.Table.from_arrays(
        [pa.array(["X"]), received, handler, handler],
        names=["reference", "received_on", "stage1.handler", "stage1.handler"],
    )
    with pytest.raises(ValueError, match=r"\['stage1.handler'\] appear more than once"):
        from_targets(flat)


def test_each_column_once_is_laid_out() -> None:
    flat = pa.table(
        {
            "reference": ["X"],
            "received_on": pa.array([date(2024, 5, 1)], pa.date32()),
            "stage1.handler": ["A Ahmed"],
        }
    )
    (row,) = from_targets(flat).to_pylist()
    assert row["stage1"]["handler"] == "A Ahmed" and row["stage2"] is None


def _flat(references: list[str], received: list[date], acknowledged: list[date | None]) -> pa.Table:
    return pa.table(
        {
            "reference": references,
            "received_on": pa.array(received, pa.date32()),
            "stage1.acknowledged_on": pa.array(acknowledged, pa.date32()),
        }
    )


def test_a_table_in_several_chunks_is_laid_out_and_checked_as_in_one() -> None:
    first = _flat(["A", "B"], [date(2024, 5, 1), date(2024, 5, 3)], [date(2024, 5, 2), None])
    second = _flat(["C"], [date(2024, 5, 9)], [date(2024, 5, 8)])  # acknowledged too early
    chunked = pa.concat_tables([first, second])
    assert chunked.column("reference").num_chunks == 2
    whole = chunked.combine_chunks()
    laid = from_targets(chunked)
    assert laid.to_pylist() == from_targets(whole).to_pylist()
    assert consistent_rows(laid).tolist() == [True, True, False]
    both = pa.concat_tables([laid.slice(0, 2), laid.slice(2)])
    assert both.column("stage1").num_chunks == 2
    assert consistent_rows(both).tolist() == [True, True, False]


def test_one_array_keeps_a_single_chunk_and_joins_several() -> None:
    values = pa.array([1, 2, 3])
    single = one_array(pa.chunked_array([values]))
    assert single.buffers()[1].address == values.buffers()[1].address  # not copied
    assert one_array(pa.chunked_array([values, values])).to_pylist() == [1, 2, 3] * 2
    assert one_array(pa.chunked_array([], pa.int64())).to_pylist() == []
    assert one_array(values) is values
