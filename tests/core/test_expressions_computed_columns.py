"""Computed values as columns over a table (issue 13): ``judge_table(..., computed=names)``
gives each failing row the computed values its finding would report (a deadline, for the
month of a breach in a summary) without building findings; each part of a stage's clock
is counted once per table however many conditions, values and facts read it; and the last
date up to a limit is read over arrays. Each is held to the findings the per-case backend
and ``explain`` give, missing values included.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

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
from complaintrules.law import expressions
from complaintrules.law.expressions import _AS_OF, judge_table
from complaintrules.model.columns import case_table
from core.expression_helpers import both_backends, context_of, rule_of

ENGINE = Engine()
PACK = ENGINE.pack("code_2024")


def _case(
    ref: str, *stages_: dict[str, Any], closed: str | None = None, year: int = 2024
) -> Complaint:
    return Complaint.model_validate(
        {
            "reference": ref,
            "received_on": f"{year}-05-01",
            "closed_on": closed,
            "stages": list(stages_),
        }
    )


def _stage(number: int, handler: str | None, answered: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"number": number, "handler": handler}
    if number > 1:
        found["requested_on"] = f"2024-0{4 + number}-03"
    if answered is not None:
        found["response"] = {"issued_on": answered}
    return found


# Each stage: the day it started (its "deadline" here) and the day it was answered ("note",
# left out where missing); stage 3 fails reporting nothing, a stage without a handler fails
# reporting both, one with an empty handler needs evidence.
_STARTED = item("requested_on").or_else(case_field("received_on"))
_TABLE = (
    when(item("number").eq(3), Verdict.FAIL, "stage 3 fails quietly", computed=False)
    .when(item("handler").is_null(), Verdict.FAIL, "stage {n} has no handler")
    .when(item("handler").eq(""), Verdict.NEEDS_EVIDENCE, "stage {n}: handler blank")
    .per_item(
        Verdict.PASS,
        "stage {n} handled",
        values={"n": item("number")},
        computed={"deadline": _STARTED.iso(), "note": item("response.issued_on").iso()},
        omit_empty=("note",),
    )
)
_NONE = when(
    case_field("closed_on").not_null(), Verdict.FAIL, "closed with no stage", computed=("deadline",)
).otherwise(
    Verdict.NOT_APPLICABLE,
    "no stage",
    computed={"deadline": case_field("closed_on").iso(), "note": lit("never reported")},
)

CASES = [
    # both stages fail: the first gives the values, or (joined) the last reporting each
    _case("C-0", _stage(1, None, "2024-05-20"), _stage(2, None)),
    # a pass, then a failure
    _case("C-1", _stage(1, "A", "2024-05-20"), _stage(2, None, "2024-06-20")),
    # a failure reporting values, then one reporting none
    _case("C-2", _stage(1, None), _stage(2, "B"), _stage(3, "C")),
    # no stage judged: the none table fails, reporting its own deadline only
    _case("C-3", _stage(1, "skipped"), closed="2024-07-01"),
    # every stage passes, or needs evidence: not failing, no values
    _case("C-4", _stage(1, "A", "2024-05-20")),
    _case("C-5", _stage(1, "")),
    _case("C-6", _stage(1, "skipped")),
]
# the stages judged: all but those whose handler is "skipped"
_JUDGED = stages().filter(item("handler").is_null() | item("handler").ne("skipped"))


@pytest.mark.parametrize(
    ("join", "expected"),
    [
        (
            False,
            {
                0: ("2024-05-01", "2024-05-20"),
                1: ("2024-06-03", "2024-06-20"),
                2: ("2024-05-01", None),
                3: ("2024-07-01", None),
            },
        ),
        (
            True,
            {
                # the last failure gives the deadline; it has no note, so the first's stays
                0: ("2024-06-03", "2024-05-20"),
                1: ("2024-06-03", "2024-06-20"),
                # stage 3 reports nothing: stage 1's values stand
                2: ("2024-05-01", None),
                3: ("2024-07-01", None),
            },
        ),
    ],
)
def test_each_failing_row_gets_the_computed_values_its_finding_reports(
    join: bool, expected: dict[int, tuple[str | None, str | None]]
) -> None:
    check = item_outcomes(_JUDGED, _TABLE, none=_NONE, join_failures=join)
    rule = rule_of(check)
    table = case_table(CASES)
    names = ("deadline", "note", "not_computed_anywhere")
    columns = judge_table(rule, table, engine=ENGINE, pack=PACK, computed=names)
    explained = judge_table(rule, table, engine=ENGINE, pack=PACK, explain="failures")
    assert columns.verdicts == explained.verdicts
    assert columns.findings == {}  # nothing asked to be explained, nothing built
    for r, case in enumerate(CASES):
        single = check(case, context_of(ENGINE, PACK, case))
        got = tuple(columns.computed[n][r] for n in names)
        if r in expected:
            assert single.verdict is Verdict.FAIL
            assert got == (*expected[r], None), case.reference
            found = explained.findings[r].evidence.computed
            assert (
                got
                == tuple(found.get(n) for n in names)
                == tuple(single.computed.get(n) for n in names)
            )
        else:
            assert single.verdict is not Verdict.FAIL
            assert got == (None, None, None), case.reference


def test_a_verdict_tables_computed_values_come_only_from_the_branches_reporting_them() -> None:
    closed = case_field("closed_on")
    check = (
        when(closed.is_null(), Verdict.FAIL, "open", evidence=False)
        .when(closed.gt(date(2024, 6, 1)), Verdict.FAIL, "closed late", computed=("due_by",))
        .when(closed.eq(date(2024, 5, 31)), Verdict.FAIL, "on the day", computed=False)
        .otherwise(
            Verdict.PASS,
            "closed in time",
            computed={"due_by": lit("2024-06-01"), "closed": closed.iso()},
        )
    )
    cases = [
        _case("V-0"),
        _case("V-1", closed="2024-07-01"),
        _case("V-2", closed="2024-05-31"),
        _case("V-3", closed="2024-05-20"),
    ]
    rule = rule_of(check)
    got = judge_table(
        rule, case_table(cases), engine=ENGINE, pack=PACK, computed=("due_by", "closed")
    )
    assert got.verdicts == [Verdict.FAIL, Verdict.FAIL, Verdict.FAIL, Verdict.PASS]
    # a failure without evidence or without computed values reports none; a pass is not
    # asked about
    assert got.computed == {
        "due_by": [None, "2024-06-01", None, None],
        "closed": [None, None, None, None],
    }
    explained = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, explain="all")
    for r in range(3):
        found = explained.findings[r].evidence.computed
        assert [found.get("due_by"), found.get("closed")] == [
            got.computed["due_by"][r],
            got.computed["closed"][r],
        ]


def test_a_failing_row_whose_values_cannot_be_computed_is_in_error() -> None:
    """As it would be were its finding built: the value raises only on the failing rows."""
    closed = case_field("closed_on")
    check = when(closed.not_null(), Verdict.FAIL, "closed").otherwise(
        Verdict.PASS, "open", computed={"due_by": closed.add_working_days(1).iso()}
    )
    far = _case("E-0", closed="2024-05-20").model_copy(update={"closed_on": date(2200, 1, 1)})
    cases = [far, _case("E-1")]
    rule = rule_of(check)
    got = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, computed=("due_by",))
    explained = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, explain="failures")
    assert got.verdicts == explained.verdicts == [Verdict.ERROR, Verdict.PASS]


def test_a_timescale_rule_refuses_computed_columns() -> None:
    rule = next(r for r in ENGINE.registry.rules_for(PACK) if r.timescale is not None)
    with pytest.raises(TypeError, match="computed= is for case expressions"):
        judge_table(rule, case_table(CASES), engine=ENGINE, pack=PACK, computed=("deadline",))


@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
def test_a_stages_clock_is_counted_once_per_table(
    pack_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every rule counting from a stage's response clock reads its deadline in several
    conditions (and the last update by then in two more): over a table each clock is
    worked out once, by one run of the clock's law over the table's arrays, not once per
    reader, and never case by case."""
    calls: list[Any] = []
    per_row: list[Any] = []
    law, clock = expressions._clock_law, expressions._response_clock

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return law(*args, **kwargs)

    def one_case(*args: Any) -> Any:
        per_row.append(args)
        return clock(*args)

    monkeypatch.setattr(expressions, "_clock_law", counted)
    monkeypatch.setattr(expressions, "_response_clock", one_case)
    pack = ENGINE.pack(pack_name)
    year = 2024 if pack_name == "code_2024" else 2023  # a year of the pack's own
    cases = [
        _case(
            f"K-{i}",
            {"number": 1, "logged_on": f"{year}-05-0{2 + i}"},
            {"number": 2, "requested_on": f"{year}-06-0{3 + i}"},
            year=year,
        )
        for i in range(3)
    ]
    table = case_table(cases)
    rules = [
        r
        for r in ENGINE.registry.rules_for(pack)
        if r.timescale is None
        and expressions.expression_of(r.case) is not None
        and "_ResponseClock" in repr(r.case)
    ]
    assert rules, "a rule of the pack counts from a stage's response clock"
    ran = 0
    for rule in rules:
        calls.clear()
        judged = judge_table(rule, table, engine=ENGINE, pack=pack, as_of=date(year, 9, 1))
        assert Verdict.ERROR not in judged.verdicts, rule.id
        # each of the rule's clocks (one per stage at most) once over the table, where
        # the table's rows come to read it (a gate may leave none to)
        assert len(calls) <= 2, rule.id
        assert per_row == [], rule.id
        ran += len(calls)
    assert ran > 0


def _both(expr: Any, cases: list[Complaint], at: date | None) -> list[tuple[Any, Any]]:
    values = {**expressions.calendar_params(ENGINE.calendar, ENGINE.conventions), _AS_OF: at}
    return both_backends(expr, cases, values)


def test_max_upto_over_arrays_keeps_each_rows_own_limit_and_skips_missing_values() -> None:
    cases = [
        _case(
            "U-0",
            {"number": 1, "logged_on": "2024-05-03"},
            {
                "number": 2,
                "requested_on": "2024-06-03",
                "logged_on": "2024-06-04",
                "updates_sent": ["2024-06-05", "2024-06-03"],
            },
            closed="2024-06-03",
        ),
        # a missing value in the list is left out; none up to the limit: missing
        _case("U-1", {"number": 1}, closed="2024-05-02"),
        _case("U-2", {"number": 1, "logged_on": "2024-05-03"}, closed="2024-05-02"),
        # a missing limit
        _case("U-3", {"number": 1, "logged_on": "2024-05-03"}),
        _case("U-4", closed="2024-06-01"),  # (the model gives it an empty stage 1)
    ]
    logged = stages().map(item("logged_on"))
    got = _both(logged.max_upto(case_field("closed_on")), cases, None)
    assert got == [
        (date(2024, 5, 3),) * 2,
        (None, None),
        (None, None),
        (None, None),
        (None, None),
    ]
    # a list missing where the case has no stage 2
    second = stage(2).field("updates_sent").max_upto(case_field("closed_on"))
    assert _both(second, cases, None) == [(date(2024, 6, 3),) * 2] + [(None, None)] * 4
    # per item: each stage's own limit (its updates up to its own response)
    updates = stages().map(item("updates_sent").max_upto(item("response.issued_on")))
    listed = [
        _case(
            "W-0",
            {
                "number": 1,
                "updates_sent": ["2024-05-09", "2024-05-03", "2024-05-30"],
                "response": {"issued_on": "2024-05-20"},
            },
            {"number": 2, "requested_on": "2024-06-03", "updates_sent": ["2024-06-04"]},
        )
    ]
    assert _both(updates, listed, None) == [([date(2024, 5, 9), None],) * 2]
    # values other than dates are judged row by row, alike
    numbers = stages().map(item("number")).max_upto(lit(1))
    assert _both(numbers, cases, None) == [(1, 1)] * 5
    none_kept = stages().map(item("number")).max_upto(lit(0))
    assert _both(none_kept, cases, None) == [(None, None)] * 5
