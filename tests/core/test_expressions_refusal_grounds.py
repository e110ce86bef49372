"""Lists filtered and reduced to their distinct values, and the 2024 Code's grounds
evidenced (CHC24-2.2) written as an expression (issue 13, item 1): a refusal's earlier
complaint compared with the case's own reference inside a per-item condition, and a
message naming the distinct grounds in order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import case_field, item, lit, when
from complaintrules.law.context import Context
from complaintrules.law.expressions import expression_of, judge_table
from complaintrules.model.columns import case_table
from core.expression_helpers import both_backends, context_of

ENGINE = Engine()
PACK = ENGINE.pack("code_2024")


def _case(ref: str, *refusals: dict[str, Any]) -> Complaint:
    return Complaint.model_validate(
        {
            "reference": ref,
            "received_on": "2024-05-01",
            "stages": [{"number": 1}],
            "refusals": list(refusals),
        }
    )


def _refusal(ground: str, stage: int = 1, **facts: Any) -> dict[str, Any]:
    return {"on": "2024-05-03", "stage": stage, "ground": ground, **facts}


LISTS = [
    _case(
        "G-1",
        _refusal("other"),
        _refusal("out_of_time"),
        _refusal("other"),
        _refusal("legal_proceedings", 2),
    ),
    _case("G-2"),
    _case("G-3", _refusal("not_a_complaint", 2)),
]


def _both(expr: Any) -> list[tuple[Any, Any]]:
    """``expr`` per case: (Python backend, checked against the generated function), and
    the Arrow backend, over a table of all of ``LISTS``."""
    return both_backends(expr, LISTS, {}, lambda case: context_of(ENGINE, PACK, case))


_REFUSALS = case_field("refusals")


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # filter keeps the order; an empty list stays empty
        (
            _REFUSALS.filter(item("stage").eq(1)).map(item("ground")),
            [["other", "out_of_time", "other"], [], []],
        ),
        (_REFUSALS.filter(item("stage").eq(2)).count(), [1, 0, 1]),
        # a condition reading the case beside the item (the item's own case)
        (
            _REFUSALS.filter(case_field("reference").eq("G-3")).map(item("ground")),
            [[], [], ["not_a_complaint"]],
        ),
        # an unknown condition keeps nothing
        (_REFUSALS.filter(item("detail").eq("x")).count(), [0, 0, 0]),
        # distinct: sorted, repeats and missing values left out
        (
            _REFUSALS.map(item("ground")).distinct(),
            [["legal_proceedings", "other", "out_of_time"], [], ["not_a_complaint"]],
        ),
        (_REFUSALS.map(item("detail")).distinct(), [[], [], []]),
        (
            _REFUSALS.filter(item("stage").eq(1))
            .map(item("ground"))
            .distinct()
            .each("{g}", g=item()),
            ["other, out_of_time", "", ""],
        ),
        (_REFUSALS.map(item("stage")).distinct().max(), [2, None, 2]),
    ],
)
def test_filter_and_distinct_mean_the_same_in_both_backends(expr: Any, expected: Any) -> None:
    got = _both(expr)
    assert [py for py, _ in got] == expected
    assert [arrow for _, arrow in got] == expected


def test_filter_and_distinct_of_a_missing_list_are_missing() -> None:
    # a stage not reached: its list of updates is missing, not empty
    from complaintrules.authoring import stage

    updates = stage(2).field("updates_sent")
    assert _both(updates.filter(item().not_null())) == [(None, None)] * 3
    assert _both(updates.distinct()) == [(None, None)] * 3


# -- CHC24-2.2 ---------------------------------------------------------------------------

GROUNDS = [
    # the claim filed after the refusal; the earlier complaint is this one (case folded)
    _case(
        "ex-22",
        _refusal("legal_proceedings", claim_filed_on="2024-05-10"),
        _refusal("already_considered", previous_reference="EX-22"),
    ),
    # both unrecorded
    _case("G-2", _refusal("legal_proceedings"), _refusal("already_considered")),
    _case(
        "G-3",
        _refusal("legal_proceedings", claim_filed_on="2024-05-03"),
        _refusal("already_considered", previous_reference="G-1"),
        _refusal("already_considered", stage=2, previous_reference="G-3"),
    ),
    # only the time limit and other grounds: named once each, in order
    _case("G-4", _refusal("out_of_time"), _refusal("other"), _refusal("out_of_time")),
    # one recorded, one not: needs evidence for the one, evidence of both
    _case(
        "G-5",
        _refusal("already_considered", previous_reference=""),
        _refusal("legal_proceedings", claim_filed_on="2024-01-02"),
    ),
    _case("G-6"),
]


def test_grounds_evidenced_is_an_expression_judged_alike_over_a_table() -> None:
    rule = next(r for r in ENGINE.registry.rules_for(PACK) if r.id == "CHC24-2.2")
    assert expression_of(rule.case) is not None
    batch = judge_table(rule, case_table(GROUNDS), engine=ENGINE, pack=PACK, explain="all")
    singles = [ENGINE.case_findings(c, pack=PACK, rules=[rule.id])[0] for c in GROUNDS]
    assert [batch.findings[i] for i in range(len(GROUNDS))] == singles
    assert [f.verdict for f in singles] == [
        Verdict.FAIL,
        Verdict.NEEDS_EVIDENCE,
        Verdict.PASS,
        Verdict.NOT_APPLICABLE,
        Verdict.NEEDS_EVIDENCE,
        Verdict.NOT_APPLICABLE,
    ]
    fail, unknown, passing, other, partly, _ = (f.to_dict() for f in singles)
    assert "refusals[0] refused on legal proceedings on 2024-05-03" in fail["message"]
    assert "refusals[1] says the matter was already considered under EX-22" in fail["message"]
    assert fail["evidence"]["facts"] == {
        "refusals[0].claim_filed_on": "2024-05-10",
        "refusals[0].on": "2024-05-03",
        "refusals[1].previous_reference": "EX-22",
    }
    assert unknown["message"].count("; ") == 1
    assert passing["message"].endswith("claim filed 2024-05-03; considered under G-1")
    assert "refusals[2].previous_reference" not in passing["evidence"]["facts"]
    assert other["message"].startswith("refused on other, out_of_time: ")
    assert partly["message"].startswith("refusals[0] (already considered)")
    assert set(partly["evidence"]["facts"]) == {
        "refusals[0].previous_reference",
        "refusals[1].claim_filed_on",
        "refusals[1].on",
    }


def test_greatest_leaves_missing_values_out_in_both_backends() -> None:
    first = _REFUSALS.map(item("on")).min()
    later = case_field("received_on").greatest(first)
    may3, may1 = date(2024, 5, 3), date(2024, 5, 1)
    assert _both(later) == [(may3, may3), (may1, may1), (may3, may3)]
    assert _both(first.greatest(case_field("closed_on"))) == [
        (date(2024, 5, 3), date(2024, 5, 3)),
        (None, None),
        (date(2024, 5, 3), date(2024, 5, 3)),
    ]


def test_a_branch_reports_only_the_facts_it_names_and_unknown_names_are_refused() -> None:
    check = when(
        case_field("closed_on").is_null(), Verdict.FAIL, "open", facts=("b",), computed=()
    ).otherwise(
        Verdict.PASS,
        "closed",
        facts={"a": lit(1), "b": case_field("reference")},
        computed={"c": lit(2)},
        reported=("c",),
    )
    case = _case("N-1")
    ctx = Context(PACK, ENGINE.calendar, ENGINE.conventions, case.received_on, None)
    got = check(case, ctx)
    assert (got.facts, got.computed) == ({"b": "N-1"}, {})
    closed = case.model_copy(update={"closed_on": date(2024, 6, 1)})
    got = check(closed, ctx)
    assert (got.facts, got.computed) == ({}, {"c": 2})
    with pytest.raises(ValueError, match="'x'"):
        when(lit(True), Verdict.PASS, "x", facts=("x",)).otherwise(Verdict.PASS, "y")
    with pytest.raises(ValueError, match="'x'"):
        when(lit(True), Verdict.PASS, "x").otherwise(Verdict.PASS, "y", reported=("x",))


def _late(ref: str, issue: str | None, aware: str | None, *considered: bool | None) -> Complaint:
    return Complaint.model_validate(
        {
            "reference": ref,
            "received_on": "2024-05-01",
            "issue_occurred_on": issue,
            "became_aware_on": aware,
            "stages": [{"number": 1}],
            "refusals": [
                {"on": "2024-05-03", "ground": "out_of_time", "discretion_considered": c}
                for c in considered
            ],
        }
    )


IN_TIME = [
    _case("T-1", _refusal("other", 2)),  # accepted at stage 1
    _case("T-2", _refusal("other")),  # not refused as out of time
    _late("T-3", "2023-04-30", None, True),  # awareness may reopen the window
    _late("T-4", "2023-04-30", None, False, True),  # discretion refused: not asked
    _late("T-5", None, None, True),
    _late("T-6", "2023-04-30", "2023-05-01", True),  # aware later: the last day in time
    _late("T-7", "2023-05-01", "2023-04-01", True),  # the issue is the later date
    _late("T-8", "2023-04-30", "2023-04-30", True, None),
    _late("T-9", "2023-04-30", "2023-04-01", True),
]


def test_in_time_accepted_is_an_expression_judged_alike_over_a_table() -> None:
    rule = next(r for r in ENGINE.registry.rules_for(PACK) if r.id == "CHC24-2.3")
    assert expression_of(rule.case) is not None
    batch = judge_table(rule, case_table(IN_TIME), engine=ENGINE, pack=PACK, explain="all")
    singles = [ENGINE.case_findings(c, pack=PACK, rules=[rule.id])[0] for c in IN_TIME]
    assert [batch.findings[i] for i in range(len(IN_TIME))] == singles
    assert [f.verdict for f in singles] == [
        Verdict.PASS,
        Verdict.NOT_APPLICABLE,
        Verdict.NEEDS_EVIDENCE,
        Verdict.FAIL,
        Verdict.NEEDS_EVIDENCE,
        Verdict.FAIL,
        Verdict.FAIL,
        Verdict.NEEDS_EVIDENCE,
        Verdict.PASS,
    ]
    found = [f.to_dict()["evidence"] for f in singles]
    assert found[0]["facts"] == {"refusals": []}
    assert set(found[2]["computed"]) == {"time_limit_months", "last_day_in_time_from_issue"}
    assert found[3]["facts"]["refusals.discretion_considered"] == [False, True]
    assert "refusals.discretion_considered" not in found[5]["facts"]
    assert found[5]["computed"]["window_from"] == "2023-05-01"
    assert found[6]["computed"]["window_from"] == "2023-05-01"
    assert found[8]["computed"] == {
        "time_limit_months": 12,
        "window_from": "2023-04-30",
        "last_day_in_time": "2024-04-30",
    }
