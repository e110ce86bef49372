"""Domain assertions for tests of packs, policies and cases.

    from complaintrules.testing import assert_fails
    assert_fails(case, "CHC24-6.3")

Each assertion evaluates just the named rule on the given subject and, on a mismatch,
shows every finding of that rule with its message, so a failing test explains itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from .engine.engine import Engine
from .law.context import Portfolio
from .law.rules import Example, Finding, Rule, Subject, Verdict
from .model.case import Complaint
from .model.organisation import Organisation
from .model.policy import LandlordPolicy

__all__ = [
    "assert_fails",
    "assert_needs_evidence",
    "assert_not_applicable",
    "assert_passes",
    "assert_verdict",
    "default_engine",
    "findings_for",
    "run_example",
]

Subjectish = Complaint | LandlordPolicy | Organisation | Portfolio


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    """One engine with the installed packs, shared across a test session."""
    return Engine()


def _rule(engine: Engine, rule_id: str) -> Rule:
    for rule in engine.registry.all_rules():
        if rule.id == rule_id:
            return rule
    raise AssertionError(f"no installed rule {rule_id!r}")


def findings_for(
    subject: Subjectish,
    rule_id: str,
    *,
    engine: Engine | None = None,
    as_of: date | None = None,
    on: date | None = None,
) -> list[Finding]:
    """The findings of one rule on one subject."""
    engine = engine or default_engine()
    rule = _rule(engine, rule_id)
    pack = (
        engine.registry.get(rule.pack)
        if rule.pack in {p.name for p in engine.registry.packs}
        else None
    )
    if isinstance(subject, Complaint):
        return engine.case_findings(subject, pack=pack, as_of=as_of, rules=[rule_id])
    if isinstance(subject, LandlordPolicy):
        found = engine.policy_findings(subject, pack=pack, on=on)
    elif isinstance(subject, Organisation):
        found = engine.organisation_findings(subject, pack=pack, on=on)
    else:
        found = engine.portfolio_findings(subject, pack=pack, on=on, as_of=as_of)
    return [f for f in found if f.rule_id == rule_id]


def assert_verdict(
    subject: Subjectish,
    rule_id: str,
    expected: Verdict,
    *,
    engine: Engine | None = None,
    as_of: date | None = None,
    on: date | None = None,
    judged_as: Subject | None = None,
) -> Finding:
    """Assert that ``rule_id`` reaches the ``expected`` verdict on ``subject``.

    A rule can judge one input in more than one way (an organisation file is read both
    for its facts and for its attestations). When those findings disagree, name the one
    you mean with ``judged_as`` (``Subject.ORGANISATION``, ``Subject.ATTESTATION``, ...),
    so a test cannot pass on the wrong finding.
    """
    found = findings_for(subject, rule_id, engine=engine, as_of=as_of, on=on)
    if judged_as is not None:
        found = [f for f in found if f.subject is judged_as]
    shown = "\n".join(f"  {f.subject.value}: {f.verdict.value}: {f.message}" for f in found)
    if len({f.verdict for f in found}) > 1:
        raise AssertionError(
            f"{rule_id} has findings that disagree; pass judged_as= to pick one:\n{shown}"
        )
    if found and found[0].verdict is expected:
        return found[0]
    raise AssertionError(
        f"expected {rule_id} to be {expected.value}, got:\n{shown or '  (no findings)'}"
    )


def assert_fails(subject: Subjectish, rule_id: str, **kw: Any) -> Finding:
    return assert_verdict(subject, rule_id, Verdict.FAIL, **kw)


def assert_passes(subject: Subjectish, rule_id: str, **kw: Any) -> Finding:
    return assert_verdict(subject, rule_id, Verdict.PASS, **kw)


def assert_needs_evidence(subject: Subjectish, rule_id: str, **kw: Any) -> Finding:
    return assert_verdict(subject, rule_id, Verdict.NEEDS_EVIDENCE, **kw)


def assert_not_applicable(subject: Subjectish, rule_id: str, **kw: Any) -> Finding:
    return assert_verdict(subject, rule_id, Verdict.NOT_APPLICABLE, **kw)


def build_subject(subject: Subject, data: Mapping[str, Any]) -> Subjectish:
    """The model an example's data describes."""
    if subject is Subject.CASE:
        return Complaint.model_validate(dict(data))
    if subject is Subject.POLICY:
        return LandlordPolicy.model_validate(dict(data))
    if subject in (Subject.ORGANISATION, Subject.ATTESTATION):
        return Organisation.model_validate(dict(data))
    cases = [Complaint.model_validate(c) for c in data.get("cases", [])]
    org = data.get("organisation")
    return Portfolio(cases, Organisation.model_validate(org) if org else None)


def run_example(rule: Rule, example: Example, *, engine: Engine | None = None) -> Finding:
    """Run one of a rule's worked examples and return the finding for its subject."""
    engine = engine or default_engine()
    value = build_subject(example.subject, example.data)
    found = [
        f
        for f in findings_for(value, rule.id, engine=engine, as_of=example.as_of, on=example.as_of)
        if f.subject is example.subject
    ]
    if len(found) != 1:
        raise AssertionError(
            f"{rule.id}: expected one {example.subject.value} finding, got {found}"
        )
    return found[0]
