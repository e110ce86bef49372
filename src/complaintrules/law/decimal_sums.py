"""Exact totals of decimal text over arrays, for a list total over a case table.

A total over a list's items (``Expr.sum``) adds each item's value as an exact
``Decimal`` and gives the total as a float. Over a table, :func:`decimal_text_totals`
gives the same floats without a Python step per item, where it can be sure of them: every
value present is plain decimal text (digits, optionally a point and more digits), read
as an integer count of its smallest unit (the values scaled by 10 to the most decimal
places any of them has, at most 15), added as int64 per row, and divided once by that
scale. While every row's scaled total is below 2**53, both it and the scale are exact
floats and the one IEEE division is correctly rounded, so each float is the nearest to
the exact decimal total, which is what ``float(Decimal)`` of the exact sum gives (and the
Decimal sum is exact: it has at most 16 significant digits). Anything else (other text,
other types, larger totals) is left to the caller's exact loop (None).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["decimal_text_totals"]

#: Plain decimal text: digits, optionally a point and digits (no sign, space or exponent).
_PLAIN = r"^(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?$"
#: The most decimal places taken (10**15 < 2**53, so the scale is an exact float).
_MOST_PLACES = 15
_EXACT = 1 << 53


def decimal_text_totals(values: Any, rows: Any, size: int) -> np.ndarray[Any, Any] | None:
    """Per row (``size`` of them), the total of ``values`` (an Arrow string array, one
    value an item) over the items whose row is ``rows`` (a numpy int array, one an item),
    a missing value adding nothing, as floats (a row with no items totals 0.0); None where
    the values are not all plain decimal text or a total could be inexact (see the
    module's docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..model.columns import one_array

    if isinstance(values, pa.ChunkedArray):
        values = one_array(values)
    if not isinstance(values, pa.Array) or not pa.types.is_string(values.type):
        return None
    rows = np.asarray(rows, dtype=np.int64)
    if len(values) != len(rows):
        return None
    present = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    text = values.filter(pa.array(present))
    totals = np.zeros(size, dtype=np.int64)
    if len(text):
        parts = pc.extract_regex(text, _PLAIN)
        if parts.null_count:  # text that is not plain decimal: the exact loop reads it
            return None
        whole, fraction = pc.struct_field(parts, "whole"), pc.struct_field(parts, "fraction")
        places = pc.max(pc.utf8_length(fraction)).as_py() or 0
        if places > _MOST_PLACES:
            return None
        padded = pc.utf8_rpad(fraction, width=places, padding="0")
        try:
            scaled = pc.cast(pc.binary_join_element_wise(whole, padded, ""), pa.int64())
        except (pa.ArrowInvalid, OverflowError):  # more digits than int64 holds
            return None
        counts = np.asarray(scaled.to_numpy(zero_copy_only=False), dtype=np.int64)
        # no partial total can overflow int64 under this bound (the counts are >= 0)
        if int(counts.max()) * len(counts) >= 1 << 63:
            return None
        np.add.at(totals, rows[present], counts)
        if int(totals.max()) >= _EXACT:  # a total that may not be an exact float
            return None
        return totals.astype(np.float64) / float(10**places)
    return totals.astype(np.float64)
