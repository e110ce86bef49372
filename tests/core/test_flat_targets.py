"""The flat table of mapping targets laid out as the case table (io/flat.py): a column
named twice is refused with a message naming it, as an unknown column is."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from complaintrules.io.flat import from_targets


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
