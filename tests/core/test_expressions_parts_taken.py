"""A part the table backend makes once (a deadline counted in working days, a list's
aggregate) is taken, not made again, for the rows a later branch still judges and for the
items of cases that already have it (issue 13, bulk speed). Taking it must keep each row's
own value: held here to the one-case backend on hypothesis-drawn tables, where a wrong
alignment of rows (the positions of a subset, or an item's case) would give another row's
deadline; and counted, so the part is made once per table.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import (
    case_field,
    item,
    item_outcomes,
    lit,
    stage,
    stages,
    when,
)
from complaintrules.calendar.working_days import WorkingCalendar
from complaintrules.law.expressions import judge_table
from complaintrules.model.columns import case_table
from core.expression_helpers import context_of, judged_both_ways, rule_of

ENGINE = Engine()
PACK = ENGINE.pack("code_2024")

# the deadline: read first over every row, then over the rows still open, then inside
# the list of stages (reading no item: the case's own deadline, for each of its stages)
_DUE = case_field("received_on").add_working_days(lit(10))
_ANSWERED = stage(1).field("response.issued_on")
_ASKED = item("requested_on")


def _check() -> Any:
    return (
        when(_DUE.gt(lit(date(2024, 6, 20))), Verdict.NOT_APPLICABLE, "received late in June")
        .when(_ANSWERED.is_null(), Verdict.NEEDS_EVIDENCE, "not answered", evidence=False)
        .when(_ANSWERED.gt(_DUE), Verdict.FAIL, "answered {answered} after {due}")
        .when(stages().any(_ASKED.le(_DUE)), Verdict.FAIL, "escalated by {due}")
        .otherwise(
            Verdict.PASS,
            "answered {answered} by {due}",
            values={"due": _DUE.iso(), "answered": _ANSWERED.iso()},
            computed={"due": _DUE},
        )
    )


def _per_stage() -> Any:
    """The same deadline read by a table judged for each stage, over every item and then
    over the items still open, and by the case's own table after."""
    table = (
        when(_DUE.gt(lit(date(2024, 6, 20))) | item("number").eq(1), Verdict.NOT_APPLICABLE, "")
        .when(_ASKED.is_null(), Verdict.NEEDS_EVIDENCE, "no request date", evidence=False)
        .when(_ASKED.gt(_DUE), Verdict.PASS, "stage {number} asked after {due}")
        .per_item(
            Verdict.FAIL,
            "stage {number} asked by {due}",
            values={"number": item("number"), "due": _DUE.iso()},
        )
    )
    none = when(_DUE.is_null(), Verdict.NEEDS_EVIDENCE, "no receipt", evidence=False).otherwise(
        Verdict.NOT_APPLICABLE, "one stage, due {due}", values={"due": _DUE.iso()}
    )
    return item_outcomes(stages(), table, none=none)


_DAYS = st.dates(min_value=date(2024, 5, 1), max_value=date(2024, 7, 10))


@st.composite
def _cases(draw: st.DrawFn) -> list[Complaint]:
    out = []
    for k in range(draw(st.integers(1, 14))):
        received = draw(_DAYS)
        first: dict[str, Any] = {"number": 1}
        answered = draw(st.one_of(st.none(), st.integers(0, 30)))
        if answered is not None:
            first["response"] = {"issued_on": str(received + timedelta(days=answered))}
        found = [first]
        if draw(st.booleans()):  # escalated on or after the stage 1 response
            asked = draw(st.integers(answered or 0, 40))
            found.append({"number": 2, "requested_on": str(received + timedelta(days=asked))})
        case = {"reference": f"P-{k}", "received_on": str(received), "stages": found}
        out.append(Complaint.model_validate(case))
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=_cases(), which=st.sampled_from(["case", "per stage"]))
def test_a_part_taken_for_later_rows_and_items_is_each_rows_own(
    cases: list[Complaint], which: str
) -> None:
    """Every row's verdict, message and evidence over a table are those of its case
    judged alone, the deadline read over every row, the rows still open and the items."""
    rule = rule_of(_check() if which == "case" else _per_stage())
    for judged in judged_both_ways(rule, cases, engine=ENGINE, pack=PACK):
        assert judged.verdict is judged.single.verdict, judged.case.reference
        assert judged.finding.message == judged.single.message, judged.case.reference
        assert judged.finding.evidence.computed == judged.single.computed
        assert judged.finding.evidence.facts == judged.single.facts
    # the failures' computed values read as columns, no finding built: each row's own
    table = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, computed=("due",))
    assert rule.case is not None
    for r, case in enumerate(cases):
        single = rule.case(case, context_of(ENGINE, PACK, case))
        if single.verdict is Verdict.FAIL:
            assert table.computed["due"][r] == single.computed.get("due"), case.reference


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    real = WorkingCalendar.add_working_days_array

    def counted(self: WorkingCalendar, ordinals: Any, n: Any) -> Any:
        made.append(len(ordinals))
        return real(self, ordinals, n)

    monkeypatch.setattr(WorkingCalendar, "add_working_days_array", counted)
    return made


def test_a_deadline_is_counted_once_per_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline read over every row, over the few rows a later branch judges, and
    inside the list of stages, is counted once, over every row; the verdicts are each
    case's own."""
    received = [date(2024, 6, 28)] * 6 + [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 6)]
    cases = [
        Complaint.model_validate(
            {
                "reference": f"C-{k}",
                "received_on": str(day),
                "stages": [
                    {"number": 1, "response": {"issued_on": str(day + timedelta(days=k))}},
                    {"number": 2, "requested_on": str(day + timedelta(days=k + 1))},
                ],
            }
        )
        for k, day in enumerate(received)
    ]
    made = _counted(monkeypatch)
    rule = rule_of(_check())
    table = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK)
    assert made == [len(cases)]
    assert rule.case is not None
    alone = [rule.case(c, context_of(ENGINE, PACK, c)).verdict for c in cases]
    assert table.verdicts == alone
    assert table.verdicts[:6] == [Verdict.NOT_APPLICABLE] * 6
    assert Verdict.FAIL in table.verdicts[6:]


def test_a_cases_deadline_read_by_each_stage_is_counted_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A table judged for each stage reads the case's deadline over every item, then over
    the few items a later branch judges; the case's own table reads it after: counted
    once over the items and once over the cases."""
    cases = [
        Complaint.model_validate(
            {
                "reference": f"S-{k}",
                "received_on": "2024-05-01",
                "stages": [
                    {"number": 1},
                    *(
                        [{"number": 2, "requested_on": f"2024-05-{10 + 8 * k:02d}"}]
                        if k < 2
                        else []
                    ),
                ],
            }
        )
        for k in range(8)
    ]
    made = _counted(monkeypatch)
    rule = rule_of(_per_stage())
    table = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK)
    assert made == [sum(len(c.stages) for c in cases), len(cases)]
    assert rule.case is not None
    alone = [rule.case(c, context_of(ENGINE, PACK, c)).verdict for c in cases]
    assert table.verdicts == alone
    assert table.verdicts[:2] == [Verdict.FAIL, Verdict.PASS]


@pytest.mark.parametrize("width", [3, 70])
@pytest.mark.parametrize("test", ["false", "null"])
def test_fields_that_over_a_table_names_each_rows_own_fields(width: int, test: str) -> None:
    """``fields_that`` over a table (its text made once per distinct set of fields met,
    however many fields are named) names, on each row, the fields of that row's record
    that are false (or missing), in the order named; nothing where the record has none."""
    import random

    import pyarrow as pa

    from complaintrules.law.expressions import _array, _Columns

    names = [f"f{k}" for k in range(width)]
    draw = random.Random(width)
    records: list[dict[str, Any] | None] = [
        None if draw.random() < 0.1 else {n: draw.choice([True, False, None]) for n in names}
        for _ in range(200)
    ]
    records += [{n: True for n in names}] * 3
    kind = pa.struct([(n, pa.bool_()) for n in names])
    table = pa.table({"rec": pa.array(records, kind)})
    expr = case_field("rec").fields_that(lit(names), test)
    got = _array(expr._arrow(_Columns(table, {}, table.num_rows)), table.num_rows).to_pylist()
    wanted = False if test == "false" else None
    want = [
        ", ".join(n for n in names if (r or {}).get(n) is wanted)
        if r is not None or test == "null"
        else ""
        for r in records
    ]
    assert got == want
    assert got[-1] == ""
