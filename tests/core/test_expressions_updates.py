"""The widest stretch without an update, records read with get(), and stages judged one
by one with every failing stage reported together: the 2020 Code's agreed update interval
(CHC20-4.11) written as an expression (issue 13, item 1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import (
    as_of,
    case_field,
    item,
    item_outcomes,
    lit,
    stage,
    stages,
    when,
)
from complaintrules.law.context import Context
from complaintrules.law.expressions import calendar_params, expression_of, judge_table
from complaintrules.model.case import case_as_of
from complaintrules.model.columns import case_table
from core.expression_helpers import both_backends, context_of

ENGINE = Engine()
PACK = ENGINE.pack("code_2020")


def _case(ref: str, *stages_: dict[str, Any], received: str = "2023-05-02") -> Complaint:
    return Complaint.model_validate(
        {"reference": ref, "received_on": received, "stages": list(stages_)}
    )


CASES = [
    # Tue 2023-05-02; 2023-05-08 (the coronation) and 2023-05-29 were bank holidays
    _case("W-1", {"number": 1, "updates_sent": ["2023-05-10", "2023-04-28", "2023-06-30"]}),
    _case("W-2", {"number": 1}),
    _case("W-3", {"number": 1, "updates_sent": ["2023-05-02"]}),
]


def _both(expr: Any, at: date | None = None) -> list[tuple[Any, Any]]:
    """``expr`` per case: the Python backend (checked against the generated function) and
    the Arrow backend, over a table of all of ``CASES``."""
    from complaintrules.law.expressions import _AS_OF

    params = {**calendar_params(ENGINE.calendar, ENGINE.conventions), _AS_OF: at}
    return both_backends(expr, CASES, params, lambda case: context_of(ENGINE, PACK, case, at))


_START = case_field("received_on")
_UPDATES = stage(1).field("updates_sent")


def test_widest_gap_counts_working_days_between_consecutive_days_in_both_backends() -> None:
    gap = _START.widest_gap(_UPDATES, as_of())
    got = _both(gap, date(2023, 5, 31))
    # W-1: 05-02, 04-28 (before the start, still counted), 05-10, 05-31 (06-30 is after)
    assert [py for py, _ in got] == [
        {"from": date(2023, 5, 10), "to": date(2023, 5, 31), "days": 14},
        {"from": date(2023, 5, 2), "to": date(2023, 5, 31), "days": 19},
        {"from": date(2023, 5, 2), "to": date(2023, 5, 31), "days": 19},
    ]
    assert [arrow for _, arrow in got] == [py for py, _ in got]
    assert _both(gap.get("days"), date(2023, 5, 31)) == [(14, 14), (19, 19), (19, 19)]
    # with after_start, the update before the start is left out; the bank holiday is not
    # a working day
    after = _START.widest_gap(_UPDATES, lit(date(2023, 5, 10)), after_start=True)
    assert [py for py, _ in _both(after.get("days"))] == [5, 5, 5]
    # missing where the start or the end is, or no two days differ
    assert _both(gap.get("days")) == [(None, None)] * 3
    same = _START.widest_gap(_UPDATES, _START)
    assert _both(same)[1] == (None, None)
    assert _both(same.get("from"))[0] == (date(2023, 4, 28), date(2023, 4, 28))


def test_join_failures_reports_every_failing_item_and_a_branch_may_report_no_facts() -> None:
    table = (
        when(item("number").eq(1), Verdict.FAIL, "stage {number} fails")
        .when(
            item("number").eq(2), Verdict.NEEDS_EVIDENCE, "stage {number} unknown", evidence=False
        )
        .per_item(
            Verdict.FAIL,
            "stage {number} fails too",
            values={"number": item("number")},
            facts={"stage{number}": item("number")},
        )
    )
    none = when(lit(True), Verdict.NOT_APPLICABLE, "none").otherwise(Verdict.PASS, "x")
    case = _case(
        "J-1",
        {"number": 1},
        {"number": 2, "requested_on": "2023-06-01"},
        {"number": 3, "requested_on": "2023-07-01"},
    )
    ctx = Context(PACK, ENGINE.calendar, ENGINE.conventions, case.received_on, None)
    joined = item_outcomes(stages(), table, none=none, join_failures=True)(case, ctx)
    assert (joined.verdict, joined.message) == (Verdict.FAIL, "stage 1 fails; stage 3 fails too")
    assert joined.facts == {"stage1": 1, "stage3": 3}
    first = item_outcomes(stages(), table, none=none)(case, ctx)
    assert (first.message, first.facts) == ("stage 1 fails", {"stage1": 1})
    two = _case("J-2", {"number": 2, "requested_on": "2023-06-01"})
    unknown = item_outcomes(stages(), table, none=none)(two, ctx)
    assert (unknown.verdict, unknown.facts) == (Verdict.NEEDS_EVIDENCE, {})


INTERVALS = [
    # weekly updates agreed: a fortnight's silence, then kept
    _case(
        "U-1",
        {
            "number": 1,
            "update_interval_working_days": 5,
            "updates_sent": ["2023-05-19"],
            "response": {"issued_on": "2023-05-26"},
        },
    ),
    _case(
        "U-2",
        {
            "number": 1,
            "update_interval_working_days": 10,
            "updates_sent": ["2023-05-12"],
            "response": {"issued_on": "2023-05-22"},
        },
    ),
    # agreed, the length not recorded
    _case("U-3", {"number": 1, "update_interval_agreed": True}),
    # open, with no as-of date
    _case("U-4", {"number": 1, "update_interval_working_days": 5}),
    _case("U-5", {"number": 1}),
    # both stages fail: reported together
    _case(
        "U-6",
        {"number": 1, "update_interval_working_days": 3, "response": {"issued_on": "2023-05-26"}},
        {
            "number": 2,
            "requested_on": "2023-06-01",
            "update_interval_working_days": 3,
            "response": {"issued_on": "2023-06-30"},
        },
    ),
]


@pytest.mark.parametrize("at", [None, date(2023, 6, 15)])
def test_agreed_interval_is_an_expression_judged_alike_over_a_table(at: date | None) -> None:
    rule = next(r for r in ENGINE.registry.rules_for(PACK) if r.id == "CHC20-4.11")
    assert expression_of(rule.case) is not None
    cases = [case_as_of(c, at).case for c in INTERVALS] if at else INTERVALS
    batch = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, as_of=at, explain="all")
    singles = [ENGINE.case_findings(c, pack=PACK, rules=[rule.id], as_of=at)[0] for c in INTERVALS]
    assert [batch.findings[i] for i in range(len(cases))] == singles
    got = [(f.verdict, f.message) for f in singles]
    assert got[0] == (
        Verdict.FAIL,
        # the coronation bank holiday (2023-05-08) is not counted
        "stage 1: 12 working days passed between 2023-05-02 and 2023-05-19 without an "
        "update; 5 were agreed",
    )
    assert got[1] == (Verdict.PASS, "stage 1: updates kept to the agreed 10 working days")
    assert got[2][0] is Verdict.NEEDS_EVIDENCE and singles[2].evidence.facts == {}
    if at is None:
        assert got[3] == (Verdict.NOT_APPLICABLE, "stage 1 is open; give an as-of date to judge")
    else:
        assert got[3][0] is Verdict.FAIL
    assert got[4] == (Verdict.NOT_APPLICABLE, "no arrangement about updates is recorded")
    assert got[5][0] is Verdict.FAIL and got[5][1].count("without an update") == 2
    assert set(singles[5].evidence.facts) == {
        "stage1.update_interval_working_days",
        "stage1.updates_sent",
        "stage2.update_interval_working_days",
        "stage2.updates_sent",
    }
