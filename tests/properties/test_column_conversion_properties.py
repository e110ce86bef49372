"""A batch's columns converted as whole columns (io/columnar.py: text stripped, codes
mapped and dates parsed over Arrow, one call a column) give every row what the row-by-row
reader gives it: the same case, or the same problems naming the same row and column and
saying what was expected; rows in = rows kept + rows rejected. Drawn cells include
blanks, Unicode whitespace around values, dates in the mapping's format and in others,
values that are no date, and typed date cells (as Excel and Parquet give them)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from complaintrules.io.columnar import WHITESPACE, RawBatch, convert_batch
from complaintrules.io.tabular import ColumnMapping, Row, _converter

from .strategies import bounded

MAPPING = ColumnMapping.model_validate(
    {
        "dates": {"format": "%d/%m/%Y", "dayfirst": True},
        "true_values": ["Y", "Yes"],
        "false_values": ["N", "No"],
        "columns": {
            "reference": "Ref",
            "received_on": "Logged",
            "received_at": {"column": "Time", "format": "%H:%M"},
            "channel": {"column": "Channel", "values": {"Telephone": "phone", "Web": "web_form"}},
            "stage1.acknowledged_on": "Ack",
            "stage1.definition_recorded": "Agreed",
            "stage1.handler": "Officer",
            "stage1.response_on": {"column": "Answered", "format": "%Y-%m-%d"},
            "stage1.outcome": {
                "column": "Outcome",
                "values": {"Upheld": "upheld", "Not Upheld": "not_upheld"},
            },
            "stage2.requested_on": "Asked",
            "closed_on": "Closed",
        },
    }
)
COLUMNS = {
    t: (spec if isinstance(spec, str) else spec.column) for t, spec in MAPPING.columns.items()
}
CONVERTER = _converter(MAPPING, list(COLUMNS.values()))
BASE = date(2024, 6, 3)

_space = st.text(alphabet=WHITESPACE, max_size=2)


@st.composite
def _date(draw: st.DrawFn, fmt: str = "%d/%m/%Y") -> str:
    kind = draw(st.integers(0, 9))
    day = BASE + timedelta(days=draw(st.integers(-5, 40)))
    if kind == 0:
        return draw(st.sampled_from(["31/09/2024", "soon", "45000", "2024-13-01", "0/0/0"]))
    if kind == 1:  # another form: read one by one (python-dateutil, day first)
        return draw(st.sampled_from([day.isoformat(), day.strftime("%d %B %Y"), "1/2/24"]))
    return day.strftime(fmt)


def _cell(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """A cell: empty, null, only whitespace, or a value with whitespace around it."""
    padded = st.tuples(_space, inner, _space).map("".join)
    return st.one_of(st.just(""), st.none(), _space, padded, inner)


_CELLS: dict[str, st.SearchStrategy[Any]] = {
    "reference": _cell(st.sampled_from(["CR-1", "CR-2", "CR-3"])),
    "received_on": _cell(_date()),
    "received_at": _cell(st.sampled_from(["09:30", "17:45", "25:00", "noon"])),
    "channel": _cell(st.sampled_from(["Telephone", "Web", "email", "pigeon"])),
    "stage1.acknowledged_on": _cell(_date()),
    "stage1.definition_recorded": _cell(st.sampled_from(["Y", "No", "yes", "maybe"])),
    "stage1.handler": _cell(st.sampled_from(["Ann", "Bob", "A\u3000B"])),
    "stage1.response_on": _cell(_date("%Y-%m-%d")),
    "stage1.outcome": _cell(st.sampled_from(["Upheld", "Not Upheld", "won"])),
    "stage2.requested_on": _cell(_date()),
    "closed_on": _cell(_date()),
}


def _problems(row: Row) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in row.problems]


def _agree(raw: RawBatch, records: list[dict[str, Any]]) -> None:
    expected = [CONVERTER.convert(n, r) for n, r in zip(raw.rows, records, strict=True)]
    rejected = [_problems(r) for r in expected if r.case is None]
    accepted = [r for r in expected if r.case is not None]
    for cases in (True, False):
        flat = convert_batch(raw, CONVERTER, cases=cases)
        assert [_problems(r) for r in flat.rejected] == rejected
        assert flat.table.column("row").to_pylist() == [r.row for r in accepted]
        assert flat.rows_in == len(records) == flat.table.num_rows + len(flat.rejected)
        for k, row in enumerate(accepted):
            assert row.case is not None
            assert flat.case(k).model_dump() == row.case.model_dump()


@bounded(150)
@given(st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=15))
def test_columns_convert_as_each_row_is_converted(cells: list[dict[str, Any]]) -> None:
    numbers = list(range(2, len(cells) + 2))
    raw = RawBatch(
        numbers,
        pa.table({t: pa.array([c[t] for c in cells], pa.string()) for t in COLUMNS}),
    )
    _agree(raw, [{COLUMNS[t]: v for t, v in c.items()} for c in cells])


@bounded(80)
@given(
    st.lists(
        st.tuples(
            _cell(st.sampled_from(["CR-1", "CR-2"])),
            st.one_of(st.none(), st.dates(date(2024, 5, 1), date(2024, 7, 1))),
            st.one_of(st.none(), st.dates(date(2024, 5, 1), date(2024, 7, 1))),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_typed_date_cells_convert_as_each_row_is_converted(
    cells: list[tuple[str | None, date | None, date | None]],
) -> None:
    """Date cells already typed (an Excel or Parquet date column) need no parsing."""
    numbers = list(range(2, len(cells) + 2))
    raw = RawBatch(
        numbers,
        pa.table(
            {
                "reference": pa.array([c[0] for c in cells], pa.string()),
                "received_on": pa.array([c[1] for c in cells], pa.date32()),
                "stage1.acknowledged_on": pa.array([c[2] for c in cells], pa.date32()),
                **{
                    t: pa.nulls(len(cells), pa.string())
                    for t in COLUMNS
                    if t not in ("reference", "received_on", "stage1.acknowledged_on")
                },
            }
        ),
    )
    records = [{"Ref": c[0], "Logged": c[1], "Ack": c[2]} for c in cells]
    _agree(raw, records)


def test_the_whitespace_stripped_over_columns_is_what_str_strip_strips() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(WHITESPACE) == every
