"""What the engine does once per case rather than once per rule (issue 13, single-case speed).

The engine reads a case's gate facts once for all its gated rules and judges a gate as the
gate itself does; ``evaluate_case`` takes the case's as-of snapshot once. Each finding must
stay what calling the rule's check directly gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.engine import engine as _engine
from complaintrules.law import gates as _gates
from complaintrules.law.context import Context
from complaintrules.law.gates import GatedCheck
from complaintrules.model import case as _case

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 3, 31)


def _landlord_cases() -> list[Complaint]:
    data = json.loads((ROOT / "examples" / "landlord" / "cases.json").read_text("utf-8"))
    return [Complaint.model_validate(c) for c in data["cases"]]


def _two_stage() -> Complaint:
    return next(c for c in _landlord_cases() if len(c.stages) == 2)


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name`` (and of the engine's own reference to it)."""
    calls: list[int] = []
    real: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    monkeypatch.setattr(_engine, name, counted, raising=False)
    return calls


def _as_data(findings: list[Any]) -> list[dict[str, Any]]:
    return [f.to_dict() for f in findings]


def test_a_case_s_gate_facts_are_read_once_for_all_its_gated_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine()
    case = _two_stage()
    expected = _as_data(engine.evaluate_case(case, as_of=AS_OF).findings)
    pack = engine.pack(on=case.received_on)
    gated = [r for r in engine.registry.rules_for(pack) if isinstance(r.case, GatedCheck)]
    assert len(gated) > 10  # the packs gate most case rules
    calls = _counting(monkeypatch, _gates, "case_facts")
    assert _as_data(engine.evaluate_case(case, as_of=AS_OF).findings) == expected
    assert len(calls) == 1


def test_evaluate_case_takes_the_as_of_snapshot_once(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine()
    case = _two_stage()
    expected = _as_data(engine.evaluate_case(case, as_of=AS_OF).findings)
    calls = _counting(monkeypatch, _case, "case_as_of")
    report = engine.evaluate_case(case, as_of=AS_OF)
    assert _as_data(report.findings) == expected
    assert len(calls) == 1


@pytest.mark.parametrize("as_of", [None, AS_OF], ids=["no as-of", "as of 2025-03-31"])
def test_every_case_rule_finds_what_its_own_check_finds(as_of: date | None) -> None:
    """Gated or not: the engine's verdict, message and evidence are the check's own."""
    engine = Engine()
    cases = _landlord_cases()
    moved = [c.model_copy(update={"received_on": date(2023, 5, 2)}) for c in cases[:20]]
    for case in cases + moved:
        judged = case if as_of is None else case.as_of(as_of).case
        if judged is None:
            continue
        pack = engine.pack(on=judged.received_on)
        findings = {f.rule_id: f for f in engine.case_findings(case, as_of=as_of)}
        for rule in engine.registry.rules_for(pack):
            if rule.case is None:
                continue
            ctx = Context(pack, engine.calendar, engine.conventions, judged.received_on, as_of)
            outcome = rule.case(judged, ctx)
            found = findings[rule.id]
            assert (found.verdict, found.message) == (outcome.verdict, outcome.message)
            assert found.evidence.facts == outcome.facts
            assert found.evidence.computed == outcome.computed
            assert found.evidence.parameters == ctx.parameters_evidence()


def test_facts_that_cannot_be_read_make_each_gated_rule_an_error_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rule-error isolation holds for the gate: each gated rule reports the error itself,
    and the rules without a gate are judged as usual."""
    engine = Engine()
    case = _two_stage()
    before = {f.rule_id: f for f in engine.evaluate_case(case, as_of=AS_OF).findings}

    def unreadable(case: Complaint) -> int:
        raise RuntimeError("facts unreadable")

    monkeypatch.setattr(_gates, "case_facts", unreadable)
    monkeypatch.setattr(_engine, "case_facts", unreadable, raising=False)
    pack = engine.pack(on=case.received_on)
    gated = {r.id for r in engine.registry.rules_for(pack) if isinstance(r.case, GatedCheck)}
    for finding in engine.evaluate_case(case, as_of=AS_OF).findings:
        if finding.rule_id in gated:
            assert finding.verdict is Verdict.ERROR
            assert finding.message == "rule raised RuntimeError: facts unreadable"
        else:
            assert finding.to_dict() == before[finding.rule_id].to_dict()


def test_a_pack_s_case_rules_are_worked_out_once_per_pack_not_once_per_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The registry's rules for a pack (and which are gated) are read on the first case
    the engine judges against it; later cases reuse them, with the same findings."""
    cases = [c for c in _landlord_cases() if c.received_on >= date(2024, 4, 1)][:5]
    assert len(cases) == 5
    expected = [_as_data(Engine().evaluate_case(c, as_of=AS_OF).findings) for c in cases]
    engine = Engine()
    calls = _counting(monkeypatch, engine.registry, "rules_for")
    got = [_as_data(engine.evaluate_case(c, as_of=AS_OF).findings) for c in cases]
    assert got == expected
    assert len(calls) == 1


def test_another_pack_object_of_the_same_name_gets_its_own_rules() -> None:
    """A pack handed in by the caller is judged by its own rules, even after the engine
    judged another pack of that name."""
    engine = Engine()
    case = _two_stage()
    pack = engine.pack(on=case.received_on)
    full = engine.case_findings(case, pack=pack, as_of=AS_OF)
    fewer = replace(pack, rules=tuple(r for r in pack.rules if r.id != full[0].rule_id))
    assert [f.rule_id for f in engine.case_findings(case, pack=fewer, as_of=AS_OF)] == [
        f.rule_id for f in full[1:]
    ]
    assert _as_data(engine.case_findings(case, pack=pack, as_of=AS_OF)) == _as_data(full)


class _NotAnOutcome:
    """A third-party case check that returns something other than an Outcome."""

    def __call__(self, case: Complaint, ctx: Context) -> Any:
        return 42


def test_a_check_that_returns_no_outcome_is_an_error_finding_with_its_traceback() -> None:
    engine = Engine()
    case = _two_stage()
    pack = engine.pack(on=case.received_on)
    odd = replace(pack.rules[0], case=_NotAnOutcome(), timescale=None)
    changed = replace(pack, rules=(odd, *pack.rules[1:]))
    (found,) = engine.case_findings(case, pack=changed, as_of=AS_OF, rules=[odd.id])
    assert found.verdict is Verdict.ERROR
    assert found.message == "rule raised TypeError: check returned int, not an Outcome"
    assert "TypeError: check returned int" in found.evidence.computed["traceback"]
    assert found.evidence.parameters == {"pack_version": pack.version}
