"""A stage's response clock as an expression, a value chosen by a condition, the last value
up to a limit, computed values per item and parameters named where a condition holds: what
CHC24-5.9, CHC20-4.10, 5.2 and 5.14 needed to be written as expressions (issue 13, item 1).
Each is checked in both backends, missing values included.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Conventions, Engine, LateAcknowledgement, Verdict
from complaintrules.authoring import (
    ClockStart,
    Verdicts,
    as_of,
    by_stage_number,
    case_field,
    item,
    item_outcomes,
    lit,
    param,
    response_clock,
    response_deadline,
    response_due_expressions,
    stage,
    stages,
    when,
)
from complaintrules.law.context import Context
from complaintrules.law.expressions import (
    _AS_OF,
    calendar_params,
    judge_table,
)
from complaintrules.model.columns import case_table
from core.expression_helpers import both_backends, context_of, findings_beside_run, rule_of

ENGINE = Engine()
PACK = ENGINE.pack("code_2024")


def _case(ref: str, *stages_: dict[str, Any], received: str = "2024-05-01") -> Complaint:
    return Complaint.model_validate(
        {"reference": ref, "received_on": received, "stages": list(stages_)}
    )


CASES = [
    # Wed 2024-05-01; Mon 2024-05-06 was a bank holiday
    _case("R-1", {"number": 1, "acknowledged": {"on": "2024-05-03"}}),
    # acknowledged late (due 2024-05-09), logged on time
    _case("R-2", {"number": 1, "acknowledged": {"on": "2024-05-20"}, "logged_on": "2024-05-02"}),
    # nothing recorded; stage 2 requested on a Saturday
    _case("R-3", {"number": 1}, {"number": 2, "requested_on": "2024-06-01"}),
]


def _both(expr: Any, cases: list[Complaint] = CASES, **params: Any) -> list[tuple[Any, Any]]:
    """``expr`` per case in the Python backend and over a table of ``cases``."""
    conventions = params.pop("conventions", ENGINE.conventions)
    at = params.pop("at", None)
    values = {**params, **calendar_params(ENGINE.calendar, conventions), _AS_OF: at}
    return both_backends(expr, cases, values)


def test_choose_gives_the_first_value_where_the_condition_holds_else_the_second() -> None:
    logged = stage(1).field("logged_on")
    chosen = logged.not_null().choose("logged", "not logged")
    assert _both(chosen) == [("not logged",) * 2, ("logged",) * 2, ("not logged",) * 2]
    # an unknown condition chooses the second value; a missing value takes the other's type
    unknown = logged.gt(as_of()).choose(lit(None), 1)
    assert _both(unknown) == [(1, 1)] * 3
    # per item: each stage's own parameter, missing for a stage not named
    days = stages().map(by_stage_number({1: param("a"), 3: param("c")}))
    assert _both(days, a=10, c=30) == [([10], [10]), ([10], [10]), ([10, None], [10, None])]


def test_max_upto_is_the_last_value_not_after_a_limit() -> None:
    updates = stage(1).field("updates_sent")
    cases = [
        _case("M-1", {"number": 1, "updates_sent": ["2024-05-03", "2024-05-20", "2024-05-09"]}),
        _case("M-2", {"number": 1, "updates_sent": ["2024-06-03"]}),
        _case("M-3", {"number": 1}),
        _case("M-4", {"number": 2, "requested_on": "2024-05-02"}),
    ]
    limit = updates.max_upto(as_of())
    assert _both(limit, cases, at=date(2024, 5, 10)) == [
        (date(2024, 5, 9),) * 2,
        (None, None),  # none by then
        (None, None),  # an empty list
        (None, None),  # no stage 1: the list is missing
    ]
    # without an as-of date the limit is missing, so the value is
    assert _both(limit, cases) == [(None, None)] * 4


@pytest.mark.parametrize("start", list(ClockStart))
@pytest.mark.parametrize("late", list(LateAcknowledgement))
def test_response_clock_is_the_timeliness_judges_own(
    start: ClockStart, late: LateAcknowledgement
) -> None:
    """The record's day, label and note are those of the per-case deadline's, for every
    clock start and both conventions on a late acknowledgement."""
    conventions = Conventions(late_acknowledgement=late)
    ctx_engine = Engine(conventions=conventions)
    for number in (1, 2):
        clock = response_clock(number, respond_from=param("from"), ack_days=param("ack"))
        got = _both(clock, conventions=conventions, ack=5, **{"from": start.value})
        for case, (py, arrow) in zip(CASES, got, strict=True):
            assert py == arrow
            found = case.stage(number)
            if found is None:
                assert py is None
                continue
            ctx = Context(PACK, ctx_engine.calendar, conventions, case.received_on)
            want = response_deadline(
                ctx, case, found, respond_days=10, respond_from=start, ack_days=5
            )
            assert want is not None
            assert (py["day"], py["label"], py["note"]) == (
                want.trigger,
                want.trigger_label,
                want.note,
            )


def test_response_clock_is_missing_where_a_part_is() -> None:
    clock = response_clock(1, respond_from=param("from"), ack_days=param("ack"))
    assert _both(clock, ack=None, **{"from": "receipt"}) == [(None, None)] * 3
    assert _both(clock, ack=5, **{"from": None}) == [(None, None)] * 3
    # over the list of stages: each stage's own clock
    days = stages().map(
        response_clock(item(), respond_from=lit("receipt"), ack_days=lit(5)).get("day")
    )
    got = _both(days)
    assert got[2] == ([date(2024, 5, 1), date(2024, 6, 1)],) * 2
    with pytest.raises(ValueError, match="stage number, or item"):
        response_clock(case_field("received_on"), respond_from="receipt", ack_days=5)


def _two_stage_table() -> Any:
    _, deadline = response_due_expressions(
        item(), days=lit(10), respond_from=lit("acknowledgement"), ack_days=lit(5)
    )
    return when(
        item("number").eq(2), Verdict.FAIL, "stage {number} fails", computed=False
    ).per_item(
        Verdict.PASS,
        "stage {number} passes",
        values={"number": item("number")},
        facts={"stage{number}": item("number")},
        computed=deadline.evidence,
        omit_empty=("clock_note",),
    )


def test_item_tables_report_computed_values_leaving_out_the_empty_ones() -> None:
    check = item_outcomes(
        stages(),
        _two_stage_table(),
        none=Verdicts(()).otherwise(Verdict.NOT_APPLICABLE, "none", evidence=False),
    )
    acknowledged = CASES[0]  # in time: the deadline has no note
    ctx = Context(PACK, ENGINE.calendar, ENGINE.conventions, acknowledged.received_on)
    passed = check(acknowledged, ctx)
    assert passed.verdict is Verdict.PASS
    assert passed.computed["deadline"] == "2024-05-20"
    assert "clock_note" not in passed.computed
    unacknowledged = CASES[2]  # stage 2 fails, reporting no computed values
    failed = check(unacknowledged, ctx)
    assert (failed.verdict, failed.facts, failed.computed) == (
        Verdict.FAIL,
        {"stage2": 2},
        {},
    )
    for found, single in findings_beside_run(rule_of(check), CASES, engine=ENGINE, pack=PACK):
        assert found == single
    # the note is kept where there is one (no acknowledgement: the deadline counts it)
    alone = check(_case("R-4", {"number": 1}), ctx)
    assert alone.computed["clock_note"].startswith("receipt: ")


def _ctx(case: Complaint) -> Context:
    return context_of(ENGINE, PACK, case)


def test_parameters_where_names_a_parameter_only_where_its_condition_holds() -> None:
    named = "stage2.respond_working_days"
    check = when(lit(False), Verdict.FAIL, "never").otherwise(
        Verdict.PASS,
        "ok",
        parameters_where={named: stage(2).reached()},
    )
    listed = item_outcomes(
        stages(),
        when(lit(False), Verdict.FAIL, "never").per_item(Verdict.PASS, "ok"),
        none=check,
        parameters_where={named: stage(2).reached()},
    )
    for expression in (check, listed):
        rule = rule_of(expression)
        assert named in expression.parameters
        both = findings_beside_run(rule, CASES, engine=ENGINE, pack=PACK)
        for case, (found, single) in zip(CASES, both, strict=True):
            assert (named in single.evidence.parameters) is (case.stage(2) is not None)
            assert found == single
    # a parameter recorded before the check ran stays recorded
    ctx = _ctx(CASES[0])
    ctx.param(named)
    check(CASES[0], ctx)
    assert named in ctx.used


def test_keep_not_applicable_gives_the_first_quiet_items_outcome() -> None:
    table = (
        when(item("number").eq(2), Verdict.NOT_APPLICABLE, "stage {number} quiet", evidence=False)
        .when(item("logged_on").not_null(), Verdict.PASS, "stage {number} logged")
        .per_item(
            Verdict.NOT_APPLICABLE, "stage {number} not logged", values={"number": item("number")}
        )
    )
    none = Verdicts(()).otherwise(Verdict.NOT_APPLICABLE, "no stage", evidence=False)
    kept = item_outcomes(stages(), table, none=none, keep_not_applicable=True)
    dropped = item_outcomes(stages(), table, none=none)
    cases = CASES
    rule = rule_of(kept)
    batch = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, explain="all")
    got = [kept(c, _ctx(c)).message for c in cases]
    # a pass wins over the quiet stages; else the first quiet stage
    assert got == ["stage 1 not logged", "stage 1 logged", "stage 1 not logged"]
    assert [batch.findings[i].message for i in range(len(cases))] == got
    assert batch.verdicts == [Verdict.NOT_APPLICABLE, Verdict.PASS, Verdict.NOT_APPLICABLE]
    # without it, a not-applicable item reports nothing
    assert dropped(cases[0], _ctx(cases[0])).message == "no stage"
