"""The one-case backend writes an expression's parts into its generated function (issue 13,
single-case speed), and the result objects a case's judgement makes keep the dataclass's
behaviour.

A part the generator does not write inline is read through its closure over a frame built
for the call; the parts below (a list's total, ``or_else``, ``greatest``, text templates,
formatted values) are written inline, so judging them builds no frame, and they give what
their closures and the Arrow backend give.
"""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Evidence, Finding, Level, Outcome, Subject, Verdict
from complaintrules.law import expressions as _expressions
from complaintrules.law.context import Context
from complaintrules.law.expressions import (
    Expr,
    _Columns,
    _per_row,
    _Row,
    case_field,
    item,
    lit,
    param,
    stage,
    text,
    when,
)
from complaintrules.model.columns import case_table

ENGINE = Engine()
CASE = Complaint.model_validate(
    {
        "reference": "G-1",
        "received_on": "2024-05-01",
        "stages": [
            {
                "number": 1,
                "handler": "A. Jones",
                "response": {"issued_on": "2024-05-03", "outcome": "upheld"},
                "remedies": [
                    {"kind": "apology", "amount": "25.50"},
                    {"kind": "financial", "amount": "100"},
                    {"kind": "financial"},
                ],
            }
        ],
        "refusals": [{"on": "2024-05-02", "ground": "other", "detail": ""}],
    }
)
_REMEDIES = stage(1).field("remedies")
_DAYS = param("stage2.respond_working_days")
_PAID = _REMEDIES.sum(item("amount"), where=item("kind").eq("financial"))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (_REMEDIES.sum(item("amount")), 125.5),
        (_PAID, 100.0),
        # a per-item value reading a parameter (20), for each of the three remedies
        (_REMEDIES.sum(_DAYS), 60.0),
        (_REMEDIES.sum(_DAYS, where=item("amount").is_null()), 20.0),
        (stage(2).field("remedies").sum(item("amount")), None),  # no stage 2: unknown
        (case_field("contact_restrictions").sum(item("stage")), 0.0),  # empty: nothing
        (stage(2).field("handler").or_else(stage(1).field("handler")), "A. Jones"),
        (stage(1).field("handler").or_else(lit("nobody")), "A. Jones"),
        # an empty text is not present: the other is taken
        (case_field("refusals").each("{d}", d=item("detail").or_else(item("ground"))), "other"),
        (stage(2).field("handler").or_else(stage(2).field("handler")), None),
        (
            case_field("received_on").greatest(
                stage(1).field("response.issued_on"), stage(2).field("requested_on")
            ),
            date(2024, 5, 3),
        ),
        (stage(2).field("requested_on").greatest(stage(2).field("acknowledged.on")), None),
        (text("{who} paid {sum}", who=stage(1).field("handler"), sum=_PAID), "A. Jones paid 100.0"),
        (text("{who}", who=stage(2).field("handler")), None),  # unknown part: unknown
        (_PAID.formatted(".2f"), "100.00"),
        (stage(2).field("remedies").sum(item("amount")).formatted(".2f"), None),
    ],
)
def test_parts_written_inline_give_what_their_closures_and_arrow_give(
    expr: Expr, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames: list[object] = []

    class CountedFrame(_expressions._Frame):
        __slots__ = ()

        def __init__(self, case: Any) -> None:
            frames.append(case)
            super().__init__(case)

    monkeypatch.setattr(_expressions, "_Frame", CountedFrame)
    params = {"stage2.respond_working_days": 20}
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS, "ok", facts={"v": expr, "again": expr}
    )
    pack = ENGINE.pack("code_2024")
    ctx = Context(pack, ENGINE.calendar, ENGINE.conventions, CASE.received_on)
    generated = check(CASE, ctx).facts
    assert frames == []  # judged with no closure over a frame
    closure = expr._py(_Row(CASE, params))
    arrow = _per_row(expr._arrow(_Columns(case_table([CASE]), params, 1)), 1)[0]
    assert generated == {"v": expected, "again": expected}
    assert closure == expected
    assert arrow == expected


def test_the_result_objects_behave_as_their_dataclasses() -> None:
    """Outcome, Evidence and Finding keep their fields, defaults (each a new mapping),
    keyword and positional forms, replace(), equality, immutability and pickling."""
    assert [f.name for f in dataclasses.fields(Outcome)] == [
        "verdict",
        "message",
        "facts",
        "computed",
    ]
    assert [f.name for f in dataclasses.fields(Evidence)] == ["facts", "parameters", "computed"]
    first, second = Outcome(Verdict.PASS, "ok"), Outcome(verdict=Verdict.PASS, message="ok")
    assert first == second and first.facts == {} and first.facts is not second.facts
    assert first.computed is not second.computed
    evidence = Evidence(parameters={"p": 1})
    assert evidence == Evidence({}, {"p": 1}, {}) and Evidence().facts is not Evidence().facts
    finding = Finding(
        "CHC24-0.1", "0.1", "code_2024", Subject.CASE, "R", Verdict.FAIL, Level.MUST, "no"
    )
    assert finding.evidence == Evidence() and finding.is_failure
    assert finding == Finding(
        rule_id="CHC24-0.1",
        provision="0.1",
        pack="code_2024",
        subject=Subject.CASE,
        subject_ref="R",
        verdict=Verdict.FAIL,
        level=Level.MUST,
        message="no",
        evidence=Evidence({}, {}, {}),
    )
    changed = dataclasses.replace(finding, verdict=Verdict.PASS, evidence=evidence)
    assert (changed.verdict, changed.evidence, changed.message) == (Verdict.PASS, evidence, "no")
    assert pickle.loads(pickle.dumps(changed)) == changed
    assert repr(first) == (
        "Outcome(verdict=<Verdict.PASS: 'pass'>, message='ok', facts={}, computed={})"
    )
    for obj, name in ((first, "message"), (evidence, "facts"), (finding, "verdict")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, None)
    with pytest.raises(TypeError):
        Outcome(Verdict.PASS)  # type: ignore[call-arg]
