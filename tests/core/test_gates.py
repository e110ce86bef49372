"""Gated case checks: the facts a case records, the gate, and the bulk path skipping rules.

The bulk evaluator never calls a gated rule whose facts a case lacks; these tests hold it to
the same verdicts and messages as judging each case rule by rule, on every case example of
both built-in packs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import (
    CaseFact,
    Context,
    GatedCheck,
    Outcome,
    Subject,
    applies_at_stage,
    applies_if,
    case_facts,
    passed,
)
from complaintrules.bulk.evaluate import array_judged, evaluate_cases

BASE: dict[str, Any] = {"reference": "G-1", "received_on": "2024-05-01"}
RESPONSE = {"issued_on": "2024-05-10"}


def facts_of(**data: Any) -> CaseFact:
    return CaseFact(case_facts(Complaint.model_validate({**BASE, **data})))


@pytest.mark.parametrize(
    ("data", "fact"),
    [
        ({"stages": [{"number": 1}]}, CaseFact.STAGE1),
        ({"stages": [{"number": 1}, {"number": 2, "requested_on": "2024-06-01"}]}, CaseFact.STAGE2),
        ({"stages": [{"number": 1, "response": RESPONSE}]}, CaseFact.STAGE1_RESPONSE),
        ({"stages": [{"number": 1, "response": RESPONSE}]}, CaseFact.ANY_RESPONSE),
        (
            {
                "stages": [
                    {
                        "number": 1,
                        "extensions": [{"notified_on": "2024-05-08", "new_due": "2024-05-20"}],
                    }
                ]
            },
            CaseFact.STAGE1_EXTENSION,
        ),
        (
            {"stages": [{"number": 1, "actions": [{"description": "Fit a new door"}]}]},
            CaseFact.STAGE1_ACTIONS,
        ),
        (
            {"stages": [{"number": 1, "remedies": [{"kind": "apology"}]}]},
            CaseFact.REMEDY,
        ),
        (
            {"stages": [{"number": 1, "handler_organisation": "Acme Repairs"}]},
            CaseFact.THIRD_PARTY,
        ),
        ({"service_request": "SR-1"}, CaseFact.SERVICE_REQUEST),
        (
            {"contact_restrictions": [{"imposed_on": "2024-05-02"}]},
            CaseFact.CONTACT_RESTRICTION,
        ),
    ],
    ids=lambda v: v.name if isinstance(v, CaseFact) else "",
)
def test_case_facts_present_and_absent(data: dict[str, Any], fact: CaseFact) -> None:
    assert fact in facts_of(**data)
    # the same case without the part that records the fact
    assert fact not in facts_of(stages=[{"number": 1}]) or fact is CaseFact.STAGE1


def test_refusal_facts_follow_the_stage_refused() -> None:
    at_1 = facts_of(stages=[], refusals=[{"on": "2024-05-02", "ground": "out_of_time"}])
    assert CaseFact.STAGE1_REFUSAL in at_1 and CaseFact.STAGE2_REFUSAL not in at_1
    at_2 = facts_of(
        stages=[{"number": 1}],
        refusals=[{"on": "2024-06-02", "stage": 2, "ground": "out_of_time"}],
    )
    assert CaseFact.STAGE2_REFUSAL in at_2 and CaseFact.STAGE1_REFUSAL not in at_2


def test_at_stage_names_the_fact_and_rejects_other_stages() -> None:
    assert CaseFact.at_stage("response", 2) is CaseFact.STAGE2_RESPONSE
    assert CaseFact.at_stage("", 1) is CaseFact.STAGE1
    with pytest.raises(ValueError, match="stage 3"):
        CaseFact.at_stage("response", 3)


def test_gate_calls_the_check_only_when_the_case_has_the_facts() -> None:
    calls: list[str] = []

    def check(case: Complaint, ctx: Context) -> Outcome:
        calls.append(case.reference)
        return passed("judged")

    gated = applies_if(CaseFact.REMEDY, check, otherwise="no remedy")
    assert isinstance(gated, GatedCheck)
    engine = Engine()
    ctx = Context(engine.pack("code_2024"), engine.calendar, engine.conventions, date(2024, 5, 1))
    bare = Complaint.model_validate({**BASE, "stages": [{"number": 1}]})
    remedied = Complaint.model_validate(
        {**BASE, "reference": "G-2", "stages": [{"number": 1, "remedies": [{"kind": "apology"}]}]}
    )
    skipped = gated(bare, ctx)
    assert (skipped.verdict, skipped.message) == (Verdict.NOT_APPLICABLE, "no remedy")
    assert gated(remedied, ctx).verdict is Verdict.PASS
    assert calls == ["G-2"]


def test_applies_if_needs_a_fact() -> None:
    with pytest.raises(ValueError, match="at least one"):
        applies_if(CaseFact(0), lambda case, ctx: passed("x"), otherwise="never")


def test_applies_at_stage_gates_stages_one_and_two_only() -> None:
    def check(case: Complaint, ctx: Context) -> Outcome:
        return passed("judged")

    second = applies_at_stage("extension", 2, check, otherwise="no extension at stage 2")
    assert isinstance(second, GatedCheck)
    assert second.requires == CaseFact.STAGE2_EXTENSION and second.check is check
    assert second.otherwise == "no extension at stage 2"
    first = applies_at_stage("", 1, check, otherwise="x")
    assert isinstance(first, GatedCheck) and first.requires == CaseFact.STAGE1
    assert applies_at_stage("extension", 3, check, otherwise="x") is check  # no stage 3 facts
    with pytest.raises(ValueError, match="no case fact 'refund' at stage 1"):
        applies_at_stage("refund", 1, check, otherwise="x")


def _case_examples() -> dict[date | None, list[Complaint]]:
    engine = Engine()
    grouped: dict[date | None, list[Complaint]] = defaultdict(list)
    for rule in engine.registry.all_rules():
        for k, ex in enumerate(rule.examples):
            if ex.subject is Subject.CASE:
                data = {**ex.data, "reference": f"{rule.id}#{k}"}
                grouped[ex.as_of].append(Complaint.model_validate(data))
    return grouped


def test_code_2024_gates_the_rules_most_cases_cannot_meet() -> None:
    engine = Engine()
    rules = engine.registry.rules_for(engine.pack("code_2024"))
    assert sum(isinstance(r.case, GatedCheck) for r in rules) >= 20


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "rule_by_rule"])
def test_bulk_skipping_gives_the_verdicts_and_messages_of_each_rule(fast: bool) -> None:
    engine = Engine()
    fast_rules = {
        rule_id
        for name in ("code_2024", "code_2020")
        for rule_id in array_judged(engine.registry.rules_for(engine.pack(name)))
    }
    compared = 0
    for as_of, cases in _case_examples().items():
        bulk = {
            r.reference: r for r in evaluate_cases(cases, engine=engine, as_of=as_of, fast=fast)
        }
        for case in cases:
            findings = engine.case_findings(case, as_of=as_of)
            got = {rule_id: (v, m) for rule_id, v, m in bulk[case.reference].verdicts}
            assert set(got) == {f.rule_id for f in findings}
            for f in findings:
                verdict, message = got[f.rule_id]
                assert verdict is f.verdict, (case.reference, f.rule_id, f.message)
                if not (fast and f.rule_id in fast_rules):  # the fast path gives counts only
                    assert message == f.message, (case.reference, f.rule_id)
                compared += 1
    assert compared > 5000
