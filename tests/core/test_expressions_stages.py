"""Expressions over every stage of a case (issue 13, item 1): the case's stages as a list
and their numbers, list lengths and extremes, records as JSON data, evidence keyed by an
item's own values; and the section 5 checks of both Codes written with them (2024 Code 5.2,
5.3, 5.4, 5.6, 5.7, 5.11, 5.13; 2020 Code 5.10, 5.11, 5.17), each judged alike by both
backends.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Verdict
from complaintrules.authoring import (
    case_field,
    each_fact,
    item,
    lit,
    stage,
    stages,
    when,
)
from complaintrules.law.expressions import judge_table
from complaintrules.model.columns import case_table
from core.expression_helpers import rule_of
from core.test_expressions import CONVERTED, ENGINE, PACKS, _agree, _ctx, _one

#: The case's stage numbers, in order.
NUMBERS = stages().map(item("number"))


def _case(*numbers: int, **facts: Any) -> Complaint:
    """A case through stages ``numbers`` (each escalated after the one before answered)."""
    found: list[dict[str, Any]] = []
    for n in numbers:
        st: dict[str, Any] = {"number": n, "response": {"issued_on": f"2024-05-{10 + n:02d}"}}
        if n >= 2:
            st["requested_on"] = f"2024-05-{10 + n:02d}"
        found.append(st)
    return Complaint.model_validate(
        {"reference": "S-" + "".join(map(str, numbers)), "received_on": "2024-05-01"}
        | {"stages": found}
        | facts
    )


_RICH = Complaint.model_validate(
    {
        "reference": "S-rich",
        "received_on": "2024-05-01",
        "stages": [
            {"number": 0, "handler_organisation": "FixIt Ltd"},
            {
                "number": 1,
                "acknowledged": {
                    "on": "2024-05-02",
                    "definition": {
                        "understanding": "damp",
                        "clarification_requested_on": "2024-05-03",
                    },
                },
            },
            {"number": 2, "requested_on": "2024-05-20", "handler_organisation": "Adjudicator"},
        ],
    }
)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (NUMBERS, [0, 1, 2]),
        (NUMBERS.max(), 2),
        # a stage's date, mapped; the missing ones left out of the extremes
        (stages().map(item("acknowledged.on")).max(), date(2024, 5, 2)),
        (stages().map(item("acknowledged.on")).min(), date(2024, 5, 2)),
        (NUMBERS.min(), 0),
        (NUMBERS.length(), 3),
        (NUMBERS.count(), 3),
        # an empty list has no extreme; a missing list has no length (count says 0)
        (case_field("refusals").length(), 0),
        (stage(3).field("remedies").length(), None),
        (stage(3).field("remedies").count(), 0),
        (stage(1).field("remedies").length(), 0),
        (stages().count(), 3),
        (stages().count(item("handler_organisation").present()), 2),
        (stages().any(item("number").gt(lit(1))), True),
        (stages().all(item("acknowledged").not_null()), False),
        (
            stages().each("{n}:{o}", n=item("number"), o=item("handler_organisation")),
            "0:FixIt Ltd, 1:None, 2:Adjudicator",
        ),
        # a record as JSON data: every field by name, its dates as ISO text
        (
            stage(1).field("acknowledged.definition").dump(),
            {
                "understanding": "damp",
                "outcomes_sought": None,
                "responsible_for": None,
                "not_responsible_for": None,
                "responsibility_stated": None,
                "clarification_requested_on": "2024-05-03",
            },
        ),
        (stage(2).field("acknowledged.definition").dump(), None),
        (stage(3).field("acknowledged").dump(), None),
    ],
)
def test_each_stage_operation_means_the_same_in_both_backends(expr: Any, expected: Any) -> None:
    py, arrow = _one(expr, _RICH)
    assert py == expected
    assert arrow == expected


def test_extremes_of_empty_lists_are_unknown_in_both_backends() -> None:
    case = Complaint.model_validate({"reference": "E-1", "received_on": "2024-05-01"})
    for expr in (stage(1).field("updates_sent").max(), stage(2).field("remedies").length()):
        assert _one(expr, case) == (None, None)


def test_stages_are_read_row_by_row_over_a_table() -> None:
    """Rows with different stages, in one table: each row's list is its own stages."""
    cases = [_case(1), _RICH, _case(1, 2), _case(1, 2, 3), _case(0, 1)]
    text = stages().each("{n}", n=item("number"), sep="-")
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS,
        "{text} / {numbers} / {highest}",
        values={"text": text, "numbers": NUMBERS, "highest": NUMBERS.max()},
    )
    batch = judge_table(
        rule_of(check), case_table(cases), engine=ENGINE, pack=PACKS["code_2024"], explain="all"
    )
    got = [batch.findings[i].message for i in range(len(cases))]
    assert got == [
        "1 / [1] / 1",
        "0-1-2 / [0, 1, 2] / 2",
        "1-2 / [1, 2] / 2",
        "1-2-3 / [1, 2, 3] / 3",
        "0-1 / [0, 1] / 1",
    ]
    assert got == [check(c, _ctx(PACKS["code_2024"], c)).message for c in cases]


def test_evidence_keys_may_name_an_items_own_values() -> None:
    check = when(lit(True), Verdict.PASS, "ok").otherwise(
        Verdict.PASS,
        "ok",
        each_facts=[
            each_fact(
                stages(),
                "stage{number}.handler_organisation",
                item("handler_organisation"),
                where=item("handler_organisation").present(),
                keys={"number": item("number")},
            ),
            each_fact(
                stages(),
                "s[{index}]={number}.{name}",
                {"handler": item("handler"), "ack": item("acknowledged.on")},
                where=item("number").eq(1),
                keys={"number": item("number")},
            ),
        ],
    )
    want = {
        "stage0.handler_organisation": "FixIt Ltd",
        "stage2.handler_organisation": "Adjudicator",
        "s[1]=1.handler": None,
        "s[1]=1.ack": date(2024, 5, 2),
    }
    assert check(_RICH, _ctx(PACKS["code_2024"], _RICH)).facts == want
    batch = judge_table(
        rule_of(check), case_table([_RICH]), engine=ENGINE, pack=PACKS["code_2024"], explain="all"
    )
    assert dict(batch.findings[0].evidence.facts) == want


def test_an_evidence_key_naming_a_value_not_given_is_refused() -> None:
    with pytest.raises(ValueError, match="number"):
        each_fact(stages(), "stage{number}.handler", item("handler"))


SECTION_5 = {
    "code_2024": {
        "CHC24-5.2",
        "CHC24-5.3",
        "CHC24-5.4",
        "CHC24-5.6",
        "CHC24-5.7",
        "CHC24-5.11",
        "CHC24-5.13",
    },
    "code_2020": {"CHC20-5.10", "CHC20-5.11", "CHC20-5.17"},
}


@pytest.mark.parametrize("pack_name", sorted(SECTION_5))
def test_section_5_checks_are_expressions(pack_name: str) -> None:
    assert SECTION_5[pack_name] <= {r.id for r in CONVERTED[pack_name]}


def _acknowledged(n: int, **definition: Any) -> dict[str, Any]:
    st: dict[str, Any] = {
        "number": n,
        "acknowledged": {"on": f"2024-05-0{n + 1}", "definition": definition or None},
    }
    if n >= 2:
        st["requested_on"] = "2024-05-02"
    return st


def _defined(*stages_: dict[str, Any]) -> Complaint:
    return Complaint.model_validate(
        {"reference": "D-" + str(len(stages_)), "received_on": "2024-05-01", "stages": stages_}
    )


_FULL = {"understanding": "damp", "outcomes_sought": "fix it", "responsibility_stated": True}
_DEFINED = [
    _defined(_acknowledged(1, **_FULL), _acknowledged(2, understanding="damp")),
    _defined(_acknowledged(1, **_FULL), _acknowledged(2, **_FULL)),
    _defined(_acknowledged(1), _acknowledged(2, outcomes_sought="x", responsible_for="the damp")),
    _defined(_acknowledged(0, **_FULL), _acknowledged(1, responsibility_stated=False)),
    _defined(
        _acknowledged(1, understanding="damp", outcomes_sought="x"),
        _acknowledged(2, **_FULL, clarification_requested_on="2024-05-04"),
    ),
    _defined({"number": 1}),
]


@pytest.mark.parametrize(
    ("rule_id", "case", "verdict", "message", "facts"),
    [
        (
            "CHC24-5.6",
            _DEFINED[0],
            Verdict.FAIL,
            "the stage 2 complaint definition leaves out the outcome the resident seeks",
            {
                "stage2.acknowledged.on": "2024-05-03",
                "stage2.definition.understanding": "damp",
                "stage2.definition.outcomes_sought": None,
            },
        ),
        (
            "CHC24-5.6",
            _DEFINED[2],
            Verdict.FAIL,
            "stage 1 was acknowledged on 2024-05-02 with no complaint definition recorded",
            {
                "stage1.acknowledged.on": "2024-05-02",
                "stage1.definition.understanding": None,
                "stage1.definition.outcomes_sought": None,
            },
        ),
        (
            "CHC24-5.6",
            _DEFINED[1],
            Verdict.PASS,
            "stage 1: the complaint definition records the landlord's understanding and the "
            "outcome sought; stage 2: the complaint definition records the landlord's "
            "understanding and the outcome sought",
            {
                "stage1.acknowledged.on": "2024-05-02",
                "stage1.definition.understanding": "damp",
                "stage1.definition.outcomes_sought": "fix it",
                "stage2.acknowledged.on": "2024-05-03",
                "stage2.definition.understanding": "damp",
                "stage2.definition.outcomes_sought": "fix it",
            },
        ),
        (
            "CHC24-5.6",
            _DEFINED[5],
            Verdict.NOT_APPLICABLE,
            "no stage has been acknowledged yet",
            {},
        ),
        # the first failing stage decides before the first that needs evidence
        (
            "CHC24-5.7",
            _DEFINED[3],
            Verdict.FAIL,
            "the stage 1 acknowledgement did not say which parts of the complaint the "
            "landlord is and is not responsible for",
            {
                "stage1.definition.responsibility_stated": False,
                "stage1.definition.responsible_for": None,
                "stage1.definition.not_responsible_for": None,
            },
        ),
        (
            "CHC24-5.7",
            _DEFINED[4],
            Verdict.NEEDS_EVIDENCE,
            "the case does not record whether the stage 1 acknowledgement said what the "
            "landlord is and is not responsible for; set "
            "acknowledged.definition.responsibility_stated (or responsible_for)",
            {
                "stage1.definition.responsibility_stated": None,
                "stage1.definition.responsible_for": None,
                "stage1.definition.not_responsible_for": None,
            },
        ),
        (
            "CHC24-5.7",
            _DEFINED[2],
            Verdict.NEEDS_EVIDENCE,
            "the case does not record whether the stage 1 acknowledgement said what the "
            "landlord is and is not responsible for; set "
            "acknowledged.definition.responsibility_stated (or responsible_for)",
            {
                "stage1.definition.responsibility_stated": None,
                "stage1.definition.responsible_for": None,
                "stage1.definition.not_responsible_for": None,
            },
        ),
        (
            "CHC24-5.7",
            _DEFINED[1],
            Verdict.PASS,
            "the stage 1 acknowledgement said which parts the landlord is and is not "
            "responsible for; the stage 2 acknowledgement said which parts the landlord is "
            "and is not responsible for",
            {
                "stage1.definition.responsibility_stated": True,
                "stage1.definition.responsible_for": None,
                "stage1.definition.not_responsible_for": None,
                "stage2.definition.responsibility_stated": True,
                "stage2.definition.responsible_for": None,
                "stage2.definition.not_responsible_for": None,
            },
        ),
    ],
)
def test_every_acknowledged_stage_judged_first_failure_deciding(
    rule_id: str, case: Complaint, verdict: Verdict, message: str, facts: dict[str, Any]
) -> None:
    """2024 Code 5.6 and 5.7: each acknowledged stage of the Code's process; the first
    that fails (else needs evidence) decides with its own evidence, else all pass."""
    (single,) = ENGINE.case_findings(case, pack=PACKS["code_2024"], rules=[rule_id])
    assert (single.verdict, single.message) == (verdict, message)
    assert list(single.evidence.facts.items()) == list(facts.items())
    (rule,) = [r for r in CONVERTED["code_2024"] if r.id == rule_id]
    batch = judge_table(
        rule, case_table(_DEFINED), engine=ENGINE, pack=PACKS["code_2024"], explain="all"
    )
    assert batch.findings[_DEFINED.index(case)] == single


_CASES_2024 = [
    *_DEFINED,
    _case(1),
    _case(1, 2),
    _case(0, 1),
    _case(0, 1, 2),  # three stages, none beyond 2
    _case(1, 2, 3),
    _RICH,
    Complaint.model_validate(
        {
            "reference": "S-3p",
            "received_on": "2024-05-01",
            "stages": [{"number": 1, "handler_organisation": "FixIt Ltd"}],
        }
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "case", "verdict", "message"),
    [
        # the stage count, one table for both Codes with each Code's maximum and words
        (
            "CHC20-5.17",
            _case(1, 2, 3, 4),
            Verdict.FAIL,
            "the case went to stage 4; the Code allows at most 3",
        ),
        (
            "CHC20-5.17",
            _case(1, 2, 3),
            Verdict.PASS,
            "the case's stages are [1, 2, 3]: none beyond stage 3",
        ),
        (
            "CHC24-5.2",
            _case(0, 1),
            Verdict.FAIL,
            "the case went through stage 0, an extra named stage before stage 1",
        ),
        (
            "CHC24-5.2",
            _case(1, 2),
            Verdict.PASS,
            "the case's stages are [1, 2]: none before stage 1",
        ),
        (
            "CHC24-5.3",
            _case(1, 2, 3),
            Verdict.FAIL,
            "the case went to stage 3; the Code allows at most 2 stages",
        ),
        (
            "CHC24-5.3",
            _case(0, 1, 2),
            Verdict.FAIL,
            "the case went through 3 stages ([0, 1, 2]); the Code allows at most 2",
        ),
        (
            "CHC24-5.3",
            _case(1),
            Verdict.PASS,
            "the case went through 1 stage(s) ([1]), within the Code's 2",
        ),
        (
            "CHC24-5.4",
            _RICH,
            Verdict.FAIL,
            "FixIt Ltd handled a stage 0, outside the Code's stages 1 to 2",
        ),
        (
            "CHC24-5.4",
            _CASES_2024[-1],
            Verdict.PASS,
            "stage 1 was handled by FixIt Ltd within the two-stage process",
        ),
    ],
)
def test_section_5_messages_in_both_backends(
    rule_id: str, case: Complaint, verdict: Verdict, message: str
) -> None:
    pack = "code_2024" if rule_id.startswith("CHC24") else "code_2020"
    (single,) = ENGINE.case_findings(case, pack=PACKS[pack], rules=[rule_id])
    assert (single.verdict, single.message) == (verdict, message)
    (rule,) = [r for r in CONVERTED[pack] if r.id == rule_id]
    batch = judge_table(rule, case_table([case]), engine=ENGINE, pack=PACKS[pack], explain="all")
    assert batch.findings[0] == single


def test_section_5_checks_agree_on_crafted_cases() -> None:
    _agree(_CASES_2024, "code_2024")
    _agree(_CASES_2024, "code_2020")
