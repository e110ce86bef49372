"""Expressions over the stages as a list, lists mapped, searched and bounded, facts of the
case read beside a list item, and one outcome per item combined (issue 13, item 1: full
record, contact restrictions, adjustments and restrictions under review, putting things
right).

Each operation is judged by both backends over a table of several cases (so a value of the
case read inside a list is that item's own case's), and each gives the value expected.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import case_field, each_fact, item, lit, param, stage, stages, when
from complaintrules.law.context import Context
from complaintrules.law.expressions import _Row
from complaintrules.model.case import Outcome as ResponseOutcome
from complaintrules.model.columns import case_table
from complaintrules.models import (
    Action,
    ContactRestriction,
    ReasonableAdjustment,
    Refusal,
    Remedy,
    Resident,
)
from core.expression_helpers import (
    both_backends,
    context_of,
    findings_beside_engine,
    judged_both_ways,
    rule_of,
)
from properties.strategies import bounded, complaint

ENGINE = Engine()

CASES = [
    Complaint.model_validate(data)
    for data in (
        {
            "reference": "L-1",
            "received_on": "2024-05-01",
            "closed_on": "2024-07-01",
            "stages": [
                {
                    "number": 1,
                    "logged_on": "2024-05-02",
                    "response": {"issued_on": "2024-05-20", "outcome": "upheld"},
                    "remedies": [{"kind": "apology"}, {"kind": "financial", "amount": "50"}],
                },
                {
                    "number": 2,
                    "requested_on": "2024-06-01",
                    "response": {"issued_on": "2024-06-20"},
                },
            ],
            "refusals": [{"on": "2024-06-01", "stage": 2, "ground": "other"}],
            "contact_restrictions": [
                {"imposed_on": "2024-05-03", "reviews": ["2024-06-01", "2024-05-10"]},
                {"imposed_on": "2024-05-04", "reviews": []},
            ],
        },
        {
            "reference": "L-2",
            "received_on": "2024-05-01",
            "stages": [{"number": 1}],
        },
        {
            "reference": "L-3",
            "received_on": "2024-05-01",
            "stages": [],
            "refusals": [{"on": "2024-05-02", "stage": 1, "ground": "other"}],
        },
    )
]


def _both(expr: Any) -> list[tuple[Any, Any]]:
    """``expr`` per case: (Python backend, generated function), and the Arrow backend."""
    pack = ENGINE.pack("code_2024")
    return both_backends(expr, CASES, {}, lambda case: context_of(ENGINE, pack, case))


_ENDED = case_field("closed_on").not_null()
_REFUSED_AT = case_field("refusals").map(item("stage"))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (stages().map(item("number")), [[1, 2], [1], []]),
        (stages().count(), [2, 1, 0]),
        (stages().present(), [True, True, False]),
        (stages().any(item("response.outcome").eq("upheld")), [True, False, False]),
        (
            stages().each("{n}", where=item("response").not_null(), n=item("number")),
            ["1, 2", "", ""],
        ),
        # the first only
        (stages().each("{n}", limit=1, n=item("number")), ["1", "1", ""]),
        (
            stages().map(item("remedies").map(item("kind"))),
            [[["apology", "financial"], []], [[]], []],
        ),
        (stages().map(item("remedies").count()), [[2, 0], [0], []]),
        # the lists of the items, flattened: each entry knows its place and its holder
        (
            stages()
            .flat("remedies")
            .each(
                "{n}:{k}:{i}:{kind}",
                n=item("outer.number"),
                k=item("outer_index"),
                i=item("index"),
                kind=item("item.kind"),
            ),
            ["1:0:0:apology, 1:0:1:financial", "", ""],
        ),
        (stages().flat("remedies").count(), [2, 0, 0]),
        (stages().flat("remedies").map(item("item.amount")), [[None, "50"], [], []]),
        (stages().flat("remedies").count(_ENDED & item("item.kind").eq("financial")), [1, 0, 0]),
        (
            case_field("contact_restrictions").flat("reviews").map(item("item")),
            [[date(2024, 6, 1), date(2024, 5, 10)], [], []],
        ),
        (stages().flat("remedies").map(item("index")), [[0, 1], [], []]),
        # a missing list flattens to missing; a missing inner list adds nothing
        (stage(2).field("actions").flat("updates"), [[], None, None]),
        # a value of the case in an item's text: the item's own case's
        (
            stages().each("{n}:{closed}", n=item("number"), closed=case_field("closed_on")),
            ["1:2024-07-01, 2:2024-07-01", "1:None", ""],
        ),
        # a fact of the case beside each item: the item's own case's
        (stages().map(_ENDED), [[True, True], [False], []]),
        (stages().count(_ENDED & item("response").not_null()), [2, 0, 0]),
        (
            stages().each_of(
                (_ENDED, "stage {n} in a closed case"),
                (item("number").lt(stages().map(item("number")).max()), "stage {n} not last"),
                n=item("number"),
            ),
            ["stage 1 in a closed case; stage 1 not last; stage 2 in a closed case", "", ""],
        ),
        (
            stages().each("{n}", where=_REFUSED_AT.contains(item("number")), n=item("number")),
            ["2", "", ""],
        ),
        # contains: unknown where the value is missing, false for an empty list
        (_REFUSED_AT.contains(2), [True, False, False]),
        (
            _REFUSED_AT.contains(stages().map(item("update_interval_working_days")).max()),
            [None, None, None],
        ),
        (case_field("refusals").map(item("detail")).contains("x"), [False, False, False]),
        # bounds: missing values left out; missing for an empty list
        (
            case_field("contact_restrictions").map(item("reviews").max()),
            [[date(2024, 6, 1), None], [], []],
        ),
        (stages().map(item("number")).max(), [2, 1, None]),
        (stages().map(item("number")).min(), [1, 1, None]),
        (
            case_field("contact_restrictions").map(item("reviews").min()).min(),
            [date(2024, 5, 10), None, None],
        ),
        (stages().map(item("logged_on")).max(), [date(2024, 5, 2), None, None]),
    ],
)
def test_each_list_operation_means_the_same_in_both_backends(expr: Any, expected: Any) -> None:
    got = _both(expr)
    assert [py for py, _ in got] == expected
    assert [arrow for _, arrow in got] == expected


def test_map_of_a_missing_list_is_missing() -> None:
    # L-2 and L-3 have no contact restrictions: an empty list maps to an empty list
    got = _both(case_field("contact_restrictions").map(item("imposed_on")))
    assert got[1] == ([], [])


def test_each_fact_keys_name_values_of_the_item_and_where_may_read_the_case() -> None:
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS,
        "{first}",
        values={"first": stages().each("{n}", where=_ENDED, limit=1, n=item("number"))},
        each_facts=[
            each_fact(
                stages(),
                "stage{number}",
                {"remedies": item("remedies").map(item("kind")), "at": lit(1)},
                where=_ENDED | item("number").eq(1),
                keys={"number": item("number")},
            )
        ],
    )
    pack = ENGINE.pack("code_2024")
    judged = judged_both_ways(rule_of(check), CASES, engine=ENGINE, pack=pack)
    want = [
        (
            "1",
            {
                "stage1": {"remedies": ["apology", "financial"], "at": 1},
                "stage2": {"remedies": [], "at": 1},
            },
        ),
        ("", {"stage1": {"remedies": [], "at": 1}}),
        ("", {}),
    ]
    for i, each in enumerate(judged):
        assert (each.single.message, each.single.facts) == want[i]
        assert (each.finding.message, each.finding.evidence.facts) == want[i]


# -- the rules written with them: both backends agree ------------------------------------------

#: The checks of the case's record and of putting things right written as expressions.
RECORD_RULES = {
    "code_2024": ["CHC24-5.10", "CHC24-5.12", "CHC24-5.14", "CHC24-5.15", "CHC24-7.1"],
    "code_2020": ["CHC20-4.15", "CHC20-4.19", "CHC20-6.1"],
}


def _agree(cases: list[Complaint], pack_name: str, as_of: date | None = None) -> None:
    """Batch findings of each rule equal the engine's, case by case (``as_of``: the cases
    as they stood that day, as the engine cuts them)."""
    from complaintrules.law.expressions import expression_of

    pack = ENGINE.pack(pack_name)
    if as_of is not None:
        cases = [cut for c in cases if (cut := c.as_of(as_of).case) is not None]
    table = case_table(cases)
    for rule_id in RECORD_RULES[pack_name]:
        (rule,) = [r for r in ENGINE.registry.rules_for(pack) if r.id == rule_id]
        assert expression_of(rule.case) is not None, rule_id
        both = findings_beside_engine(
            rule, cases, engine=ENGINE, pack=pack, as_of=as_of, table=table
        )
        for case, (verdict, found, single) in zip(cases, both, strict=True):
            assert verdict is single.verdict, (rule_id, case.reference)
            assert found.to_dict() == single.to_dict(), (rule_id, case.reference)


_MAYBE = st.sampled_from([None, True, False])
_OUTCOME = st.sampled_from([None, *ResponseOutcome])


@st.composite
def _recorded(draw: st.DrawFn) -> Complaint:
    """A drawn case with the facts of its record, remedies and restrictions drawn too."""
    case: Complaint = draw(complaint())
    stages = []
    for s in case.stages:
        update: dict[str, Any] = {}
        if draw(st.booleans()):
            update["logged_on"] = None
        if draw(st.booleans()):
            update["acknowledged"] = None
        if draw(st.booleans()):
            update["handler"] = None
        if s.response is not None:
            if draw(st.booleans()):
                update["response"] = None
            else:
                update["response"] = s.response.model_copy(update={"outcome": draw(_OUTCOME)})
        update["remedies"] = [
            Remedy(kind=draw(st.sampled_from(["apology", "action", "financial"])))
            for _ in range(draw(st.integers(0, 2)))
        ]
        update["actions"] = [Action(description="repair") for _ in range(draw(st.integers(0, 1)))]
        stages.append(s.model_copy(update=update))
    refusals = [
        Refusal(on=case.received_on, stage=draw(st.sampled_from([1, 2])), ground="other")
        for _ in range(draw(st.integers(0, 2)))
    ]

    def day() -> date:
        return case.received_on + timedelta(days=draw(st.integers(0, 90)))

    def reviews() -> dict[str, Any]:
        return {
            "reviews": sorted(day() for _ in range(draw(st.integers(0, 2)))),
            "review_due": draw(st.none() | st.just(day())),
        }

    restrictions = [
        ContactRestriction(
            imposed_on=case.received_on,
            equality_act_considered=draw(_MAYBE),
            reason=draw(st.sampled_from([None, "", "abusive calls"])),
            ended_on=draw(st.none() | st.just(day())),
            **reviews(),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    adjustments = [
        ReasonableAdjustment(description="large print", agreed_on=case.received_on, **reviews())
        for _ in range(draw(st.integers(0, 2)))
    ]
    resident = Resident(disclosed_disability=draw(_MAYBE), reasonable_adjustments=adjustments)
    ended = draw(st.sampled_from(["open", "closed", "withdrawn", "both"]))
    later = case.received_on + timedelta(days=60)
    return case.model_copy(
        update={
            "stages": stages,
            "refusals": refusals,
            "contact_restrictions": restrictions,
            "resident": resident,
            "closed_on": later if ended in ("closed", "both") else None,
            "withdrawn_on": later if ended in ("withdrawn", "both") else None,
        }
    )


@bounded(40)
@given(st.lists(_recorded(), min_size=1, max_size=6))
def test_record_rules_agree_in_both_backends_on_drawn_cases(cases: list[Complaint]) -> None:
    cases = [c.model_copy(update={"reference": f"R-{i}"}) for i, c in enumerate(cases)]
    for pack_name in RECORD_RULES:
        _agree(cases, pack_name)


@bounded(25)
@given(st.lists(_recorded(), min_size=1, max_size=5), st.integers(0, 120))
def test_record_rules_agree_as_of_a_date(cases: list[Complaint], days: int) -> None:
    cases = [c.model_copy(update={"reference": f"R-{i}"}) for i, c in enumerate(cases)]
    as_of = min(c.received_on for c in cases) + timedelta(days=days)
    for pack_name in RECORD_RULES:
        _agree(cases, pack_name, as_of)


def test_record_rules_agree_on_their_worked_examples() -> None:
    from complaintrules.law.rules import Subject
    from complaintrules.testing import build_subject

    for pack_name, ids in RECORD_RULES.items():
        cases = []
        for rule in ENGINE.registry.rules_for(ENGINE.pack(pack_name)):
            for ex in rule.examples if rule.id in ids else ():
                if ex.subject is Subject.CASE:
                    built = build_subject(Subject.CASE, ex.data)
                    assert isinstance(built, Complaint)
                    cases.append(built.model_copy(update={"reference": f"{rule.id}/{ex.title}"}))
        _agree(cases, pack_name)


# -- one outcome per item, combined ---------------------------------------------------------------


def _combined_check(join_failures: bool = False) -> Any:
    from complaintrules.authoring import Verdicts, item_outcomes

    reason = item("reason")
    named = {"from": item("imposed_on").iso()}
    return item_outcomes(
        case_field("contact_restrictions"),
        when(reason.is_null(), Verdict.NEEDS_EVIDENCE, "[{index}] from {from}: no reason")
        .when(reason.eq(""), Verdict.FAIL, "[{index}] from {from}: empty reason")
        # a pass that reads the case beside the item
        .when(_ENDED, Verdict.PASS, "[{index}] {from}, case closed")
        .per_item(
            Verdict.NOT_APPLICABLE,
            "",
            values=named,
            facts={"r[{index}] ({from}).reason": reason, "r[{index}].closed": _ENDED},
        ),
        none=Verdicts(()).otherwise(
            Verdict.NOT_APPLICABLE,
            "nothing to report",
            facts={"restrictions": case_field("contact_restrictions").count()},
        ),
        join_failures=join_failures,
    )


def _restricted(*reasons: str | None, closed: bool = True) -> Complaint:
    return Complaint.model_validate(
        {
            "reference": f"I-{len(reasons)}-{reasons}",
            "received_on": "2024-05-01",
            "closed_on": "2024-07-01" if closed else None,
            "stages": [{"number": 1, "response": {"issued_on": "2024-05-20"}}],
            "contact_restrictions": [
                {"imposed_on": f"2024-05-0{i + 2}", "reason": r} for i, r in enumerate(reasons)
            ],
        }
    )


@pytest.mark.parametrize(
    ("case", "verdict", "message", "facts"),
    [
        # the first failing item decides, with its own evidence only
        (
            _restricted("abuse", None, "", ""),
            Verdict.FAIL,
            "[2] from 2024-05-04: empty reason",
            {"r[2] (2024-05-04).reason": "", "r[2].closed": True},
        ),
        # else the first needing evidence
        (
            _restricted("abuse", None, None),
            Verdict.NEEDS_EVIDENCE,
            "[1] from 2024-05-03: no reason",
            {"r[1] (2024-05-03).reason": None, "r[1].closed": True},
        ),
        # else every pass together, evidence merged in order
        (
            _restricted("abuse", "calls"),
            Verdict.PASS,
            "[0] 2024-05-02, case closed; [1] 2024-05-03, case closed",
            {
                "r[0] (2024-05-02).reason": "abuse",
                "r[0].closed": True,
                "r[1] (2024-05-03).reason": "calls",
                "r[1].closed": True,
            },
        ),
        # items with nothing to report (not applicable), or none at all: the none table
        (_restricted("abuse", closed=False), Verdict.NOT_APPLICABLE, "nothing to report", None),
        (_restricted(), Verdict.NOT_APPLICABLE, "nothing to report", {"restrictions": 0}),
    ],
    ids=["first-fail", "first-needs", "passes", "nothing-to-report", "empty"],
)
def test_item_outcomes_combine_alike_in_both_backends(
    case: Complaint, verdict: Verdict, message: str, facts: dict[str, Any] | None
) -> None:
    from complaintrules.law.expressions import judge_table

    check = _combined_check()
    pack = ENGINE.pack("code_2024")
    single = check(case, context_of(ENGINE, pack, case))
    rule = rule_of(check)
    # judged among other cases, so each row's items are its own
    table = case_table([case, _restricted("abuse", None, "", ""), _restricted()])
    batch = judge_table(rule, table, engine=ENGINE, pack=pack, explain="all")
    assert batch.verdicts[0] is verdict
    found = batch.findings[0]
    assert (single.verdict, single.message) == (verdict, message)
    assert (found.verdict, found.message) == (verdict, message)
    want = {"restrictions": len(case.contact_restrictions)} if facts is None else facts
    assert single.facts == want
    assert found.evidence.facts == want


@pytest.mark.parametrize(
    ("join", "message", "facts"),
    [
        (
            False,
            "[0] from 2024-05-02: empty reason",
            {"r[0] (2024-05-02).reason": "", "r[0].closed": True},
        ),
        (
            True,
            "[0] from 2024-05-02: empty reason; [2] from 2024-05-04: empty reason",
            {
                "r[0] (2024-05-02).reason": "",
                "r[0].closed": True,
                "r[2] (2024-05-04).reason": "",
                "r[2].closed": True,
            },
        ),
    ],
)
def test_item_outcomes_may_join_every_failure_in_both_backends(
    join: bool, message: str, facts: dict[str, Any]
) -> None:
    """join_failures: every failing item together (messages joined, evidence merged in
    order), as the parts of a provision judged at every stage are; the items needing
    evidence or passing are left out, as without it."""
    from complaintrules.law.expressions import judge_table

    check = _combined_check(join_failures=join)
    case = _restricted("", None, "", "abuse")
    pack = ENGINE.pack("code_2024")
    single = check(case, context_of(ENGINE, pack, case))
    rule = rule_of(check)
    table = case_table([_restricted("abuse"), case, _restricted("", "")])
    batch = judge_table(rule, table, engine=ENGINE, pack=pack, explain="all")
    assert batch.verdicts == [Verdict.PASS, Verdict.FAIL, Verdict.FAIL]
    found = batch.findings[1]
    assert (single.verdict, single.message, single.facts) == (Verdict.FAIL, message, facts)
    assert (found.verdict, found.message, found.evidence.facts) == (Verdict.FAIL, message, facts)


def test_an_item_template_naming_an_unknown_value_is_refused_when_written() -> None:
    with pytest.raises(ValueError, match="among the values"):
        when(item("reason").is_null(), Verdict.FAIL, "{missing}").per_item(Verdict.PASS, "ok")


# -- defects found between the backends ----------------------------------------------------


def _arrow_rows(expr: Any) -> list[Any]:
    """``expr`` over the case table, one Python value per row."""
    from complaintrules.law.expressions import _Columns, _per_row

    return _per_row(expr._arrow(_Columns(case_table(CASES), {}, len(CASES))), len(CASES))


@pytest.mark.parametrize("option", ["limit", "sep"])
def test_a_template_value_named_as_an_option_of_each_is_refused_when_written(option: str) -> None:
    # ``limit=param(...)`` meant for "{limit}" in the template set each_of's own limit, and
    # every case then raised (slice indices must be integers), in both backends
    value = {option: item("number")}
    with pytest.raises(TypeError, match=f"{option} is its option"):
        stages().each_of((lit(True), "stage {n}: {" + option + "}"), n=item("number"), **value)
    with pytest.raises(TypeError, match=f"{option} is its option"):
        stages().each("stage {n}: {" + option + "}", n=item("number"), **value)


def test_a_parameter_read_by_each_of_conditions_and_values_agrees_over_a_table() -> None:
    limit = param("remedies.paid_within_working_days")
    days = item("logged_on").working_days_to(item("response.issued_on"))
    text = stages().each_of(
        (days.lt(limit), "stage {n}: {days} of {limit_days} days"),
        (days.is_null(), "stage {n}: not counted"),
        where=limit.gt(item("number")),
        n=item("number"),
        days=days,
        limit_days=limit,
    )
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS, "{t}", values={"t": text}
    )
    pack = ENGINE.pack("code_2024")
    judged = judged_both_ways(rule_of(check), CASES, engine=ENGINE, pack=pack)
    want = [
        "stage 1: 11 of 20 days; stage 2: not counted",  # 6 May a bank holiday
        "stage 1: not counted",
        "",
    ]
    for i, each in enumerate(judged):
        assert each.single.message == want[i]
        assert each.finding.message == want[i]


def test_a_list_of_records_mapped_to_their_dumps_agrees_over_a_table() -> None:
    # over a table each item's dump was taken for a single value and repeated: every item
    # became the whole table's list of dumps
    for expr in (
        case_field("refusals").map(item().dump()),
        stage(1).field("remedies").map(item().dump(exclude_none=True)),
        stages().map(item("remedies").map(item().dump(exclude_none=True))),
    ):
        single = [expr._py(_Row(case, {})) for case in CASES]
        assert _arrow_rows(expr) == single
    assert _arrow_rows(stage(1).field("remedies").map(item().dump(exclude_none=True))) == [
        [{"kind": "apology"}, {"kind": "financial", "amount": "50"}],
        [],
        None,
    ]


_LOGGED = stages().map(item("logged_on"))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # a missing item (a list holding nulls, an optional record) reads as unknown
        (_LOGGED.map(item()), [[date(2024, 5, 2), None], [None], []]),
        (_LOGGED.map(item().is_null()), [[False, True], [True], []]),
        (_LOGGED.count(item().not_null()), [1, 0, 0]),
        (_LOGGED.any(item().lt(date(2024, 6, 1))), [True, False, False]),
        (_LOGGED.each("{v}", v=item()), ["2024-05-02, None", "None", ""]),
        (_LOGGED.filter(item().is_null()).length(), [1, 1, 0]),
        (stages().map(item("response")).map(item("outcome")), [["upheld", None], [None], []]),
        (
            stages().map(item("response")).map(item("issued_on").not_null()),
            [[True, True], [False], []],
        ),
    ],
)
def test_item_of_a_missing_item_is_unknown_in_both_backends(expr: Any, expected: Any) -> None:
    got = _both(expr)
    assert [py for py, _ in got] == expected
    assert [arrow for _, arrow in got] == expected


def test_item_outside_a_list_is_still_refused() -> None:
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS, "ok", facts={"v": item("number")}
    )
    case = CASES[0]
    ctx = Context(ENGINE.pack("code_2024"), ENGINE.calendar, ENGINE.conventions, case.received_on)
    with pytest.raises(ValueError, match="only meaningful inside"):
        check(case, ctx)


_DUMPS = case_field("refusals").map(item().dump())
_RESPONSE2 = stage(2).field("response").dump()


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # a dump read by a test or a list operation over a table: each row's own, not the
        # first row's repeated
        (_DUMPS.length(), [1, 0, 1]),
        (_DUMPS.count(), [1, 0, 1]),
        (_DUMPS.present(), [True, False, True]),
        (_RESPONSE2.present(), [True, False, False]),
        (_RESPONSE2.is_null(), [False, True, True]),
    ],
)
def test_a_dump_read_further_is_each_rows_own_in_both_backends(expr: Any, expected: Any) -> None:
    got = _both(expr)
    assert [py for py, _ in got] == expected
    assert [arrow for _, arrow in got] == expected
