"""Every rule's worked examples run as tests, and every rule has one that fails and one that
passes."""

from __future__ import annotations

import pytest

from complaintrules import Rule, Verdict
from complaintrules.testing import default_engine, run_example

RULES = default_engine().registry.all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_failing_and_passing_examples(rule: Rule) -> None:
    expected = {ex.expect for ex in rule.examples}
    assert Verdict.FAIL in expected, f"{rule.id} has no failing example"
    assert Verdict.PASS in expected, f"{rule.id} has no passing example"


@pytest.mark.parametrize(
    ("rule", "index"),
    [(r, i) for r in RULES for i in range(len(r.examples))],
    ids=lambda v: v.id if isinstance(v, Rule) else str(v),
)
def test_rule_example(rule: Rule, index: int) -> None:
    example = rule.examples[index]
    finding = run_example(rule, example)
    assert finding.verdict is example.expect, (
        f"{rule.id} example {example.title!r}: expected {example.expect.value}, "
        f"got {finding.verdict.value}: {finding.message}"
    )
