"""The fast bulk path (timescales judged over arrays) gives the same verdicts as the rules,
case by case.

Seeded generated data: the synthetic CRM export plus cases built around every boundary
of the timeliness rules (a day either side of each deadline, late and missing
acknowledgements, extensions notified late, beyond the cap with and without a good
reason, several extensions, weekend and after-hours receipt, withdrawn and closed cases),
under each working-day convention, with and without an as-of date.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

import pytest

from complaintrules import (
    Complaint,
    Conventions,
    Engine,
    LateAcknowledgement,
    NonWorkingDayReceipt,
    Pack,
    PackRegistry,
    ParameterSet,
    Rule,
    WorkingCalendar,
    hookimpl,
)
from complaintrules.authoring import ClockStart, Obligation, Timescale
from complaintrules.bulk.evaluate import (
    BulkEvaluator,
    BulkSummary,
    array_judged,
    evaluate_cases,
)
from complaintrules.io.tabular import ColumnMapping, _converter
from complaintrules.law.parameters import _Parameter
from complaintrules.model.synthetic import HEADER, synthetic_rows

CAL = WorkingCalendar()
#: code_2024's rules judged over arrays, chosen by the bulk path from their declarations
VECTORISED = array_judged(Engine().pack("code_2024").rules)
#: code_2024's rules the arrays may settle as not applicable (declared only_when_late)
SETTLED_BY_VECTOR = [r.id for r in Engine().pack("code_2024").rules if r.only_when_late]


def shift(day: date, k: int) -> date:
    """``k`` working days after ``day`` (before it when negative; ``day`` itself for 0)."""
    if k > 0:
        return CAL.add_working_days(day, k)
    while k < 0:
        day -= timedelta(days=1)
        k += CAL.is_working_day(day)
    return day


def _boundary_cases(n: int, seed: int) -> list[Complaint]:
    rng = random.Random(seed)
    add = CAL.add_working_days
    out: list[Complaint] = []
    for i in range(n):
        received = date(2024, 4, 1) + timedelta(days=rng.randrange(400))
        data: dict[str, Any] = {"reference": f"B-{i}", "received_on": received.isoformat()}
        if rng.random() < 0.3:
            data["received_at"] = time(rng.choice([9, 16, 17, 18]), 0).isoformat()
        stage1: dict[str, Any] = {"number": 1}
        ack = None
        if rng.random() < 0.9:
            ack = add(received, rng.choice([1, 4, 5, 5, 6, 8]))
            stage1["acknowledged"] = {"on": ack.isoformat()}
            if rng.random() < 0.9:
                stage1["acknowledged"]["definition"] = {
                    "understanding": "Repairs",
                    "outcomes_sought": "Fix it",
                }
        clock = min(ack, add(received, 5)) if ack else add(received, 5)
        due = add(clock, 10)
        extensions = []
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            notified = add(clock, rng.choice([5, 9, 10, 11, 12]))
            new_due = add(due, rng.choice([5, 10, 11, 15, 20]))
            ext: dict[str, Any] = {
                "notified_on": notified.isoformat(),
                "new_due": new_due.isoformat(),
            }
            if rng.random() < 0.85:
                ext["reason"] = "Contractor survey"
            if rng.random() < 0.2:
                ext["good_reason"] = "Specialist unavailable"
            extensions.append(ext)
        if extensions:
            stage1["extensions"] = extensions
        response = None
        if rng.random() < 0.8:
            response = shift(due, rng.choice([-3, -1, 0, 1, 2, 9, 12, 25]))
            if response < received:
                response = received
            stage1["response"] = {"issued_on": response.isoformat()}
        stages = [stage1]
        if response is not None and rng.random() < 0.35:
            requested = CAL.on_or_after(response + timedelta(days=rng.randrange(1, 20)))
            stage2: dict[str, Any] = {"number": 2, "requested_on": requested.isoformat()}
            if rng.random() < 0.9:
                ack2 = add(requested, rng.choice([1, 5, 6, 9]))
                stage2["acknowledged"] = {
                    "on": ack2.isoformat(),
                    "definition": {"understanding": "x", "outcomes_sought": "y"},
                }
            else:
                ack2 = None
            clock2 = min(ack2, add(requested, 5)) if ack2 else add(requested, 5)
            due2 = add(clock2, 20)
            if rng.random() < 0.3:
                stage2["extensions"] = [
                    {
                        "notified_on": add(clock2, rng.choice([15, 20, 21])).isoformat(),
                        "new_due": add(due2, rng.choice([10, 20, 21, 30])).isoformat(),
                        "reason": "Survey",
                    }
                ]
            if rng.random() < 0.75:
                stage2["response"] = {
                    "issued_on": shift(due2, rng.choice([-5, 0, 1, 15, 22])).isoformat()
                }
            stages.append(stage2)
        data["stages"] = stages
        end = rng.random()
        last = received + timedelta(days=rng.randrange(1, 60))
        if end < 0.1:
            data["withdrawn_on"] = last.isoformat()
        elif end < 0.2 and not any("response" in s for s in stages[1:]):
            data["closed_on"] = max(last, received).isoformat()
        try:
            out.append(Complaint.model_validate(data))
        except ValueError:
            continue  # an impossible order of dates; generated data need not be perfect
    return out


def _synthetic_cases(n: int, seed: int) -> list[Complaint]:
    from pathlib import Path

    mapping = Path(__file__).resolve().parents[2] / "examples" / "crm" / "mapping.yaml"
    from complaintrules import load_mapping

    converter = _converter(load_mapping(mapping), HEADER)
    rows = (converter.convert(i, r) for i, r in enumerate(synthetic_rows(n, seed=seed)))
    return [row.case for row in rows if row.case is not None]


CASES = _boundary_cases(900, seed=11) + _synthetic_cases(600, seed=12)

CONVENTIONS = [
    Conventions(),
    Conventions(late_acknowledgement=LateAcknowledgement.CAPPED),
    Conventions(non_working_day_receipt=NonWorkingDayReceipt.NEXT_WORKING_DAY, cutoff=time(17, 0)),
]


@pytest.mark.parametrize("conventions", CONVENTIONS, ids=["default", "capped", "next-day-17h"])
@pytest.mark.parametrize("as_of", [None, date(2025, 3, 31)], ids=["no-as-of", "as-of"])
def test_vectorised_verdicts_match_the_rules(conventions: Conventions, as_of: date | None) -> None:
    engine = Engine(
        conventions=conventions, calendar=WorkingCalendar(closures=[date(2024, 12, 27)])
    )
    fast_summary, slow_summary = BulkSummary(), BulkSummary()
    fast = list(evaluate_cases(CASES, engine=engine, as_of=as_of, summary=fast_summary))
    slow = list(evaluate_cases(CASES, engine=engine, as_of=as_of, summary=slow_summary, fast=False))
    # Judged as of a date, a case received after it is counted, not judged.
    judged = [c for c in CASES if as_of is None or c.received_on <= as_of]
    assert len(fast) == len(slow) == len(judged)
    assert fast_summary.not_yet_received_rows == len(CASES) - len(judged)
    assert slow_summary.not_yet_received_rows == len(CASES) - len(judged)
    mismatches = [
        (f.reference, rule, fv, sv)
        for f, s in zip(fast, slow, strict=True)
        for (rule, fv, _), (_, sv, _) in zip(f.verdicts, s.verdicts, strict=True)
        if fv != sv
    ]
    assert mismatches == []
    # rules outside the vectorised six keep their own messages, settled ones included
    messages = [
        (f.reference, rule, fm, sm)
        for f, s in zip(fast, slow, strict=True)
        for (rule, _, fm), (_, _, sm) in zip(f.verdicts, s.verdicts, strict=True)
        if rule not in VECTORISED and fm != sm
    ]
    assert messages == []
    assert fast_summary.verdicts == slow_summary.verdicts
    assert fast_summary.tally.counts == slow_summary.tally.counts
    assert fast_summary.breaches_by_month == slow_summary.breaches_by_month
    assert fast_summary.failures == slow_summary.failures
    # and the engine's own findings agree on a sample
    for case, result in list(zip(judged, fast, strict=True))[::97]:
        findings = engine.case_findings(case, as_of=as_of)
        assert [(f.rule_id, f.verdict) for f in findings] == [(r, v) for r, v, _ in result.verdicts]


def test_every_branch_is_exercised() -> None:
    summary = BulkSummary()
    list(evaluate_cases(CASES, as_of=date(2025, 3, 31), summary=summary))
    for rule in ("CHC24-6.2", "CHC24-6.3", "CHC24-6.4", "CHC24-6.11", "CHC24-6.14", "CHC24-6.15"):
        for verdict in ("pass", "fail", "not_applicable"):
            assert summary.verdicts[(rule, verdict)] > 0, (rule, verdict)


@pytest.mark.parametrize("conventions", CONVENTIONS, ids=["default", "capped", "next-day-17h"])
@pytest.mark.parametrize("as_of", [None, date(2025, 3, 31)], ids=["no-as-of", "as-of"])
def test_rules_the_vector_settles_are_not_applicable_by_their_own_check(
    conventions: Conventions, as_of: date | None
) -> None:
    engine = Engine(conventions=conventions)
    evaluator = BulkEvaluator(engine, as_of=as_of)
    summary = BulkSummary()
    evaluator.evaluate(list(enumerate(CASES)), summary)
    assert evaluator.unsettled == set()  # the rule never disagreed with the vector
    for rule_id in SETTLED_BY_VECTOR:
        judged = sum(summary.verdicts[(rule_id, v)] for v in ("pass", "fail", "needs_evidence"))
        assert judged > 0  # late stages are judged by the rule itself
        assert summary.verdicts[(rule_id, "not_applicable")] > 0


def test_failures_carry_the_rules_own_messages() -> None:
    engine = Engine()
    results = list(evaluate_cases(CASES[:300], engine=engine, as_of=date(2025, 3, 31)))
    judged = [c for c in CASES[:300] if c.received_on <= date(2025, 3, 31)]
    for case, result in zip(judged, results, strict=True):
        findings = {f.rule_id: f for f in engine.case_findings(case, as_of=date(2025, 3, 31))}
        for rule_id, verdict, message in result.verdicts:
            if verdict.value == "fail":
                assert message == findings[rule_id].message


def test_unknown_mapping_defaults_are_identity() -> None:
    assert ColumnMapping().columns == {}


def test_the_arrays_are_chosen_from_the_rules_declarations() -> None:
    """The bulk path names no rule: it takes every rule declaring a timescale."""
    assert set(VECTORISED) == {
        "CHC24-6.2",
        "CHC24-6.3",
        "CHC24-6.4",
        "CHC24-6.11",
        "CHC24-6.14",
        "CHC24-6.15",
    }
    # code_2020's declarations too (extensions judged with the response, a precondition,
    # the logging date): one table judge for every pack
    rules = Engine().pack("code_2020").rules
    assert set(array_judged(rules)) == {r.id for r in rules if r.timescale is not None}
    assert len(array_judged(rules)) >= 4
    # the rule settled for on-time cases is the pack's declaration too
    assert SETTLED_BY_VECTOR == ["CHC24-5.9"]


def _third_party_pack() -> Pack:
    """A pack of another publisher: its own rule ids, parameter names and numbers."""

    def parameter(value: int | str) -> _Parameter:
        return _Parameter.model_validate(
            {
                "description": "a third party's timescale",
                "values": [{"since": "2000-01-01", "value": value, "source": "test"}],
            }
        )

    def timed(stage: int, obligation: Obligation) -> Rule:
        if obligation is Obligation.ACKNOWLEDGE:
            timescale = Timescale(stage, obligation, days=f"s{stage}.ack", require_definition=True)
        else:
            timescale = Timescale(
                stage,
                obligation,
                days=f"s{stage}.reply",
                clock="s1.clock" if stage == 1 else ClockStart.ESCALATION_REQUEST,
                acknowledge_days=f"s{stage}.ack",
                extension_cap=f"s{stage}.cap",
            )
        return Rule(
            id=f"OTHER-{stage}.{obligation.value}",
            pack="other",
            provision=f"{stage}.{obligation.value}",
            section="Timescales",
            title=f"stage {stage} {obligation.value}",
            summary="A third party's timescale.",
            explanation="",
            source="test",
            timescale=timescale,
        )

    values: dict[str, int | str] = {
        "s1.ack": 3,
        "s1.reply": 8,
        "s1.clock": "acknowledgement",
        "s1.cap": 6,
        "s2.ack": 4,
        "s2.reply": 15,
        "s2.cap": 10,
    }
    return Pack(
        name="other",
        title="Another publisher's standards",
        version="1",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=tuple(timed(s, o) for s in (1, 2) for o in Obligation),
        parameters=ParameterSet({name: parameter(v) for name, v in values.items()}),
    )


@pytest.mark.parametrize("as_of", [None, date(2025, 3, 31)], ids=["no-as-of", "as-of"])
def test_a_third_party_pack_is_judged_over_arrays_and_agrees_with_its_rules(
    as_of: date | None,
) -> None:
    pack = _third_party_pack()

    class Other:
        @hookimpl
        def complaintrules_packs(self) -> list[Pack]:
            return [pack]

    engine = Engine(registry=PackRegistry(autoload=False, plugins=[Other()]))
    assert len(array_judged(pack.rules)) == 6
    fast_summary, slow_summary = BulkSummary(), BulkSummary()
    fast = list(
        evaluate_cases(CASES, engine=engine, pack="other", as_of=as_of, summary=fast_summary)
    )
    slow = list(
        evaluate_cases(
            CASES, engine=engine, pack="other", as_of=as_of, summary=slow_summary, fast=False
        )
    )
    assert [[(r, v) for r, v, _ in c.verdicts] for c in fast] == [
        [(r, v) for r, v, _ in c.verdicts] for c in slow
    ]
    assert fast_summary.verdicts == slow_summary.verdicts
    assert fast_summary.failures == slow_summary.failures
    assert fast_summary.breaches_by_month == slow_summary.breaches_by_month
    for verdict in ("pass", "fail", "not_applicable"):
        assert fast_summary.verdicts[("OTHER-1.respond", verdict)] > 0
    assert fast_summary.tally.counts == slow_summary.tally.counts
