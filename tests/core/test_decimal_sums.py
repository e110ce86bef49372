"""A list total over a table adds decimal text over arrays with the exact Decimal result.

``Expr.sum`` over a case table once added each item's value as a Decimal in Python;
plain decimal text is now added as scaled int64 over arrays
(:func:`complaintrules.law.decimal_sums.decimal_text_totals`). Each total must be the
float of the exact Decimal total, row by row, on generated data, and anything the arrays
cannot be sure of must be left to the exact loop.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintrules.law.decimal_sums import decimal_text_totals
from complaintrules.law.expressions import _array, _Columns, item, stage
from complaintrules.model.case import Complaint
from complaintrules.model.columns import case_table


def _row_by_row(values: list[str | None], rows: list[int], size: int) -> list[float]:
    totals = [Decimal(0)] * size
    for r, v in zip(rows, values, strict=True):
        if v is not None:
            totals[r] += Decimal(v)
    return [float(t) for t in totals]


_TEXT = st.one_of(
    st.none(),
    st.integers(0, 10**8).map(str),
    st.builds(
        lambda whole, fraction: f"{whole}.{fraction}",
        st.integers(0, 10**6),
        st.text("0123456789", min_size=1, max_size=6),
    ),
    st.sampled_from(["0", "0.00", "007.50", "0.1", "0.2", "0.3", "999999.999999"]),
)


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 6),
    data=st.lists(st.tuples(_TEXT, st.integers(0, 5)), max_size=40),
)
def test_totals_over_arrays_are_the_exact_decimal_totals(
    size: int, data: list[tuple[str | None, int]]
) -> None:
    values = [v for v, _ in data]
    rows = [r % size for _, r in data]
    got = decimal_text_totals(pa.array(values, pa.string()), np.array(rows, np.int64), size)
    assert got is not None
    assert got.tolist() == _row_by_row(values, rows, size)


@pytest.mark.parametrize(
    "values",
    [
        ["1E+3"],  # Decimal reads an exponent, the arrays do not
        [" 12.5"],
        ["-1"],
        ["1_000"],
        ["12."],
        ["0.1234567890123456"],  # more places than the scale takes
        ["9" * 20],  # more digits than int64 holds
        ["9007199254740992"],  # a total that may not be an exact float
        ["4503599627370496", "4503599627370496"],  # so is the total of these two
    ],
)
def test_anything_the_arrays_cannot_be_sure_of_is_left_to_the_loop(values: list[str]) -> None:
    assert decimal_text_totals(pa.array(values), np.zeros(len(values), np.int64), 1) is None


@pytest.mark.parametrize("values", [pa.array([1, 2], pa.int64()), [1, 2], pa.array([1.5, 2.0])])
def test_values_that_are_not_text_are_left_to_the_loop(values: Any) -> None:
    assert decimal_text_totals(values, np.zeros(2, np.int64), 1) is None


def test_no_items_total_zero() -> None:
    got = decimal_text_totals(pa.array([], pa.string()), np.array([], np.int64), 3)
    assert got is not None and got.tolist() == [0.0, 0.0, 0.0]
    only_missing = decimal_text_totals(pa.array([None, None], pa.string()), np.array([0, 2]), 3)
    assert only_missing is not None and only_missing.tolist() == [0.0, 0.0, 0.0]


def _cases(amounts: list[list[str | None] | None]) -> list[Complaint]:
    """One case a list of financial remedy amounts at stage 2 (None: a remedy with no
    amount); a case given None has no stage 2, so no list to total."""
    cases = []
    for k, found in enumerate(amounts):
        stages: list[dict[str, Any]] = [{"number": 1}]
        if found is not None:
            remedies = [
                {"description": "r", "kind": "financial", **({} if a is None else {"amount": a})}
                for a in found
            ]
            stages.append({"number": 2, "requested_on": "2024-06-03", "remedies": remedies})
        data = {"reference": f"S-{k}", "received_on": "2024-05-01", "stages": stages}
        cases.append(Complaint.model_validate(data))
    return cases


@pytest.mark.parametrize(
    "amounts",
    [
        [["10.50", "0.25"], [], None, ["3"], [None, "1.005"]],  # plain text: over arrays
        [["0.0000001", "0.5"], ["2"], None],  # laid out as 1E-7: item by item
        [["0.1234567890123456"], ["1"]],  # more places than the arrays take
        [None],
        [[]],
    ],
)
def test_a_sum_over_a_table_gives_each_row_its_exact_total(
    amounts: list[list[str | None] | None],
) -> None:
    total = stage(2).field("remedies").sum(item("amount"), where=item("kind").eq("financial"))
    table = case_table(_cases(amounts))
    got = _array(total._arrow(_Columns(table, {}, table.num_rows)), table.num_rows).to_pylist()
    want = [None if a is None else _row_by_row(a, [0] * len(a), 1)[0] for a in amounts]
    assert got == want
