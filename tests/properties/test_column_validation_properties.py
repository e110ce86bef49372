"""A batch checked as columns (``convert_batch(..., cases=False)``, no case built for a
certainly valid row) accepts and rejects exactly the rows ``Complaint.model_validate``
does, with the same problems naming the same row and column, on generated messy rows."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from complaintrules.io.columnar import RawBatch, convert_batch
from complaintrules.io.flat import from_targets
from complaintrules.io.tabular import TARGETS, ColumnMapping, Row, _converter
from complaintrules.model.columns import case_table

from .strategies import bounded

BASE = date(2024, 6, 3)
#: Every target mapped to a column of its own name, with the example export's date format.
MAPPING = ColumnMapping.model_validate(
    {"dates": {"format": "%d/%m/%Y"}, "columns": {t: f"col {t}" for t in TARGETS}}
)
CONVERTER = _converter(MAPPING, [f"col {t}" for t in TARGETS])
#: The same mapping validating every row with the model (no direct building at all).
CHECKED = dataclasses.replace(CONVERTER, construct=False)

_GOOD = {
    "str": st.sampled_from(["", "Ann", "Bob"]),
    "time": st.sampled_from(["", "09:30", "17:45"]),
    "bool": st.sampled_from(["", "yes", "no", "Y"]),
    "channel": st.sampled_from(["", "phone", "email", "Web Form"]),
    "outcome": st.sampled_from(["", "upheld", "not upheld", "partly-upheld"]),
}
_BAD = {
    "str": st.sampled_from([" Bob ; Cy ", ";", "low_cost_rental", "tenant"]),
    "time": st.sampled_from(["25:00", "noon"]),
    "bool": st.sampled_from(["maybe"]),
    "channel": st.sampled_from(["pigeon"]),
    "outcome": st.sampled_from(["won"]),
}
# Targets most rows leave empty, so that most rows are plain enough to be checked as
# columns, while the model's own checks (names, tenure, remedies ...) still come up.
_RARE = {
    "landlord",
    "staff_complained_about",
    "earlier_complaints",
    "earlier_complaints_considered",
    "feedback_sought",
    "category",
    "tenure",
}
_RARE_PARTS = {
    "understanding",
    "outcomes_sought",
    "contributors",
    "signed_off_by",
    "names_staff",
    "impact",
    "remedy_amount",
    "remedy_paid_on",
    "extension_good_reason",
}


def _date_text(draw: st.DrawFn, low: int, high: int) -> str:
    """A date ``low`` to ``high`` days from BASE; now and then one out of order or not a
    date at all."""
    odd = draw(st.integers(0, 89))
    if odd == 0:
        return draw(st.sampled_from(["31/09/2024", "2024-06-10", "soon"]))
    if odd < 3:
        low, high = -8, 60
    return (BASE + timedelta(days=draw(st.integers(low, high)))).strftime("%d/%m/%Y")


@st.composite
def messy_row(draw: st.DrawFn) -> dict[str, str]:
    """Cell text for every target: mostly empty or plausible and in date order, now and
    then out of order, half given (an extension without its new date), or not readable."""
    row: dict[str, str] = {t: "" for t in TARGETS}
    row["reference"] = draw(
        st.sampled_from(["CR-1", "CR-2", "CR-3", "CR-4", "CR-5", "CR-6", "CR-7", "CR-8", " ", ""])
    )
    row["received_on"] = _date_text(draw, 0, 0)
    stages = draw(st.sampled_from([1, 1, 2]))
    for target, kind in TARGETS.items():
        if target in ("reference", "received_on"):
            continue
        stage = kind.stage
        if stage is not None and stage > stages:
            continue
        rare = target in _RARE or target.partition(".")[2] in _RARE_PARTS
        if draw(st.integers(0, 9 if rare else 2)) > 0:
            continue  # left empty
        if kind.kind == "date":
            low = 0 if stage != 2 else 12
            if target in ("issue_occurred_on", "became_aware_on"):
                low = -20
            if target.endswith("extension_new_due"):
                low += 10
            if target.endswith("requested_on"):
                low, high = 11, 12
            else:
                high = low + 20
            row[target] = _date_text(draw, low, high)
        elif target.endswith("remedy_amount"):
            row[target] = draw(st.sampled_from(["£50", "12.5", "£7", "-3", "$4"]))
        elif target.endswith("impact"):
            row[target] = draw(st.sampled_from(["minor", "severe", "huge"]))
        elif target == "tenure":
            row[target] = draw(st.sampled_from(["other", "low_cost_rental", "tenant"]))
        elif draw(st.integers(0, 59)) == 0:
            row[target] = draw(_BAD[kind.kind])
        else:
            row[target] = draw(_GOOD[kind.kind])
    for n in range(1, stages + 1):
        if draw(st.integers(0, 9)) == 0:
            continue  # a stage left as drawn: parts given without what they need
        p = f"stage{n}."
        needs = {
            "acknowledged_on": ("definition_recorded", "understanding", "outcomes_sought"),
            "response_on": ("outcome", "contributors", "signed_off_by", "names_staff"),
            "extension_notified_on": (
                "extension_new_due",
                "extension_reason",
                "extension_ombudsman_details_given",
                "extension_good_reason",
            ),
        }
        for needed, parts in needs.items():
            if not row[p + needed] and any(row[p + part] for part in parts):
                row[p + needed] = (BASE + timedelta(days=5 if n == 1 else 15)).strftime("%d/%m/%Y")
        if row[p + "extension_notified_on"] and not row[p + "extension_new_due"]:
            row[p + "extension_new_due"] = (BASE + timedelta(days=30)).strftime("%d/%m/%Y")
    if stages == 2 and draw(st.integers(0, 4)) > 0:
        # escalated after the stage 1 response, as most cases are
        row["stage1.response_on"] = (BASE + timedelta(days=10)).strftime("%d/%m/%Y")
        row["stage2.requested_on"] = (BASE + timedelta(days=12)).strftime("%d/%m/%Y")
    return row


def _problems(row: Row) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in row.problems]


@bounded(150)
@given(st.lists(messy_row(), min_size=1, max_size=12))
def test_columns_and_the_model_accept_and_reject_the_same_rows_alike(
    rows: list[dict[str, str]],
) -> None:
    numbers = list(range(2, len(rows) + 2))
    raw = RawBatch(
        numbers,
        pa.table({t: pa.array([r[t] for r in rows], pa.string()) for t in TARGETS}),
    )
    flat = convert_batch(raw, CONVERTER, cases=False)
    expected = [
        CHECKED.convert(n, {f"col {t}": r[t] for t in TARGETS})
        for n, r in zip(numbers, rows, strict=True)
    ]
    # the same rows rejected, each with the same problems (row, column, reason)
    assert [_problems(r) for r in flat.rejected] == [
        _problems(r) for r in expected if r.case is None
    ]
    accepted = [r for r in expected if r.case is not None]
    assert flat.table.column("row").to_pylist() == [r.row for r in accepted]
    assert flat.rows_in == len(rows) == flat.table.num_rows + len(flat.rejected)
    # the same cases, whether built now from the columns or validated by the model
    for k, row in enumerate(accepted):
        assert row.case is not None
        assert flat.case(k).model_dump() == row.case.model_dump()
    # and the case table laid out from the columns holds them
    plain = [k for k, built in enumerate(flat.from_columns) if built]
    if plain:
        table = from_targets(flat.table.select(flat.table.column_names[1:]))
        picked = table.take(pa.array(plain, pa.int64()))
        assert picked.to_pylist() == case_table([accepted[k].case for k in plain]).to_pylist()  # type: ignore[misc]


@bounded(100)
@given(st.lists(messy_row(), min_size=1, max_size=12))
def test_a_batch_checked_as_columns_lays_out_the_table_of_building_every_case(
    rows: list[dict[str, str]],
) -> None:
    """Summary mode (no case built for a certain row) and building every case give the
    same flat typed table, the same rejections and the same cases (the flat columns are
    taken from the distinct values as whole columns in the one, row by row in neither)."""
    numbers = list(range(2, len(rows) + 2))
    raw = RawBatch(
        numbers,
        pa.table({t: pa.array([r[t] for r in rows], pa.string()) for t in TARGETS}),
    )
    summary = convert_batch(raw, CONVERTER, cases=False)
    every = convert_batch(raw, CONVERTER, cases=True)
    assert summary.table.to_pylist() == every.table.to_pylist()
    assert [_problems(r) for r in summary.rejected] == [_problems(r) for r in every.rejected]
    assert [summary.case(k).model_dump() for k in range(summary.table.num_rows)] == [
        c.model_dump() for c in every.cases
    ]
