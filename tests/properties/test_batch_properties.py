"""A batch of N cases equals N single cases (issue 13, item 6), on generated data.

``evaluate_batch`` over drawn cases, given as an Arrow table in the case model's own shape
or as rows of the synthetic CRM export read through the example mapping (some of them
malformed), gives row for row the verdicts and messages of ``Engine.case_findings`` on each
case (and the rejections of the CSV path's converter), under every working-day convention,
with the in-house example pack installed.
"""

from __future__ import annotations

import sys
from datetime import date
from functools import cache
from itertools import product
from typing import Any

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from complaintrules import (
    NOT_JUDGED,
    REJECTED,
    Complaint,
    Conventions,
    Engine,
    LateAcknowledgement,
    NonWorkingDayReceipt,
    PackRegistry,
    evaluate_batch,
)
from complaintrules.calendar import clock as _clock
from complaintrules.model.synthetic import HEADER, synthetic_rows

from .strategies import MAPPING, ROOT, _row_converter, bounded, complaints

CONVENTIONS = [
    Conventions(non_working_day_receipt=receipt, late_acknowledgement=late)
    for receipt, late in product(NonWorkingDayReceipt, LateAcknowledgement)
]


@cache
def engine_for(index: int) -> Engine:
    sys.path.insert(0, str(ROOT / "examples" / "inhouse_pack"))
    try:
        import acme_inhouse_rules
    finally:
        sys.path.pop(0)
    registry = PackRegistry(plugins=[acme_inhouse_rules])
    return Engine(conventions=CONVENTIONS[index], registry=registry)


def expected(engine: Engine, cases: list[Complaint], as_of: date) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for index, case in enumerate(cases):
        if case.received_on > as_of:
            out.append((index, case.reference, None, NOT_JUDGED, None))
            continue
        out += [
            (index, case.reference, f.rule_id, f.verdict.value, f.message)
            for f in engine.case_findings(case, as_of=as_of)
        ]
    return out


def got(table: pa.Table) -> list[tuple[Any, ...]]:
    return [
        (
            r["row_index"],
            r["reference"],
            r["rule_id"],
            r["verdict"],
            None if r["verdict"] == NOT_JUDGED else r["message"],
        )
        for r in table.to_pylist()
    ]


@bounded(25)
@given(
    data=st.data(),
    cases=complaints(5),
    which=st.integers(0, len(CONVENTIONS) - 1),
)
def test_a_batch_equals_its_cases_one_by_one(
    data: st.DataObject, cases: list[Complaint], which: int
) -> None:
    engine = engine_for(which)
    first = min(c.received_on for c in cases)
    offset = data.draw(st.one_of(st.none(), st.integers(-3, 150)), label="as_of offset")
    rows = [c.model_dump(mode="json", exclude_none=True) for c in cases]
    assert [Complaint.model_validate(r) for r in rows] == cases
    rows_array = pa.array(rows)
    # Table.from_struct_array came in pyarrow 15; this also works on 14
    table = pa.Table.from_arrays(rows_array.flatten(), names=[f.name for f in rows_array.type])
    if offset is None:  # no as-of date: judged as of today, as every command does
        as_of = _clock.uk_today()
        batch = evaluate_batch(table, engine=engine)
    else:
        as_of = date.fromordinal(first.toordinal() + offset)
        batch = evaluate_batch(table, engine=engine, as_of=as_of)
    assert got(batch) == expected(engine, cases, as_of)
    assert got(evaluate_batch(rows, engine=engine, as_of=as_of)) == got(batch)


@bounded(15)
@given(
    seed=st.integers(0, 2**32 - 1),
    start=st.sampled_from([date(2022, 4, 1), date(2023, 10, 1), date(2024, 4, 1)]),
    which=st.integers(0, len(CONVENTIONS) - 1),
)
def test_mapped_export_rows_equal_the_csv_path(seed: int, start: date, which: int) -> None:
    engine = engine_for(which)
    rows = list(synthetic_rows(12, seed=seed, start=start, days=365, malformed=0.2))
    table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(HEADER)})
    as_of = date(2025, 9, 30)
    batch = evaluate_batch(table, mapping=MAPPING, engine=engine, as_of=as_of).to_pylist()
    converter = _row_converter()
    want: list[tuple[Any, ...]] = []
    for index, raw in enumerate(rows):
        row = converter.convert(index, raw)
        if row.case is None:
            want += [(index, REJECTED, p.column or None, p.reason) for p in row.problems]
        else:
            want += [
                (index, f.verdict.value, f.rule_id, f.message)
                for f in engine.case_findings(row.case, as_of=as_of)
            ]
    assert [
        (
            r["row_index"],
            r["verdict"],
            r["column"] if r["verdict"] == REJECTED else r["rule_id"],
            r["message"],
        )
        for r in batch
    ] == want
    assert {r["row_index"] for r in batch} == set(range(len(rows)))
