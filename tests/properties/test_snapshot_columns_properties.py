"""The snapshot taken over the columns of a CRM export (``flat_as_of``) lays out the case
table of the snapshots the model takes of each case (``Complaint.as_of``), and counts the
same events left out, on generated rows and as-of dates either side of their events."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from complaintrules.io.columnar import RawBatch, convert_batch
from complaintrules.io.flat import flat_as_of, from_targets
from complaintrules.io.tabular import TARGETS
from complaintrules.model.columns import case_table

from .strategies import bounded
from .test_column_validation_properties import BASE, CONVERTER, messy_row


@bounded(150)
@given(st.lists(messy_row(), min_size=1, max_size=12), st.integers(-2, 45))
def test_the_snapshot_over_columns_is_the_table_of_each_case_snapshot(
    rows: list[dict[str, str]], days: int
) -> None:
    as_of = BASE + timedelta(days=days)
    raw = RawBatch(
        list(range(2, len(rows) + 2)),
        pa.table({t: pa.array([r[t] for r in rows], pa.string()) for t in TARGETS}),
    )
    flat = convert_batch(raw, CONVERTER, cases=False)
    targets = flat.table.select(flat.table.column_names[1:])
    snapshot = flat_as_of(targets, as_of)
    # rows laid out from their columns, received by the date, that the snapshot decides
    plain = [
        k
        for k, built in enumerate(flat.from_columns)
        if built and snapshot.handled[k] and flat.case(k).received_on <= as_of
    ]
    if not plain:
        return
    snapshots = [flat.case(k).as_of(as_of) for k in plain]
    table = from_targets(snapshot.table).take(pa.array(plain, pa.int64()))
    assert table.to_pylist() == case_table([s.case for s in snapshots]).to_pylist()  # type: ignore[misc]
    assert [int(snapshot.ignored[k]) for k in plain] == [len(s.ignored) for s in snapshots]
