"""Every rule's worked examples run as tests, and every subject a rule checks has one that
fails and one that passes."""

from __future__ import annotations

import pytest

from complaintrules import Rule, Subject, Verdict
from complaintrules.testing import default_engine, run_example

RULES = default_engine().registry.all_rules()

#: The packs this repository ships; each of their (rule, subject) pairs is held to the rule
#: below.
BUILT_IN_PACKS = ("code_2020", "code_2024")

#: (rule id, subject) pairs whose check cannot reach a fail or a pass by design (for
#: example a subject check that can only say "needs evidence" or "not applicable"), so a
#: failing or passing worked example for that subject cannot be written. Each entry must say
#: why, and which verdict it cannot reach. A check that can never fail is a defect, not an
#: entry here: fix the check instead.
#:
#: Empty: every subject check of both built-in packs can both fail and pass, and each has a
#: worked example of both.
CANNOT_FAIL_OR_PASS: dict[tuple[str, Subject], str] = {}

SUBJECT_PAIRS = [
    (rule, subject) for rule in RULES if rule.pack in BUILT_IN_PACKS for subject in rule.subjects
]


def _pair_id(value: object) -> str:
    if isinstance(value, Rule):
        return value.id
    if isinstance(value, Subject):
        return value.value
    return str(value)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_failing_and_passing_examples(rule: Rule) -> None:
    expected = {ex.expect for ex in rule.examples}
    assert Verdict.FAIL in expected, f"{rule.id} has no failing example"
    assert Verdict.PASS in expected, f"{rule.id} has no passing example"


def test_built_in_packs_are_checked() -> None:
    packs = {rule.pack for rule, _ in SUBJECT_PAIRS}
    assert packs == set(BUILT_IN_PACKS)


@pytest.mark.parametrize(("rule", "subject"), SUBJECT_PAIRS, ids=_pair_id)
def test_each_subject_has_failing_and_passing_examples(rule: Rule, subject: Subject) -> None:
    """A subject check that always passed (or always failed) would go unnoticed if only
    the rule as a whole needed a failing and a passing example."""
    if (rule.id, subject) in CANNOT_FAIL_OR_PASS:
        pytest.skip(CANNOT_FAIL_OR_PASS[rule.id, subject])
    expected = {ex.expect for ex in rule.examples if ex.subject is subject}
    assert Verdict.FAIL in expected, f"{rule.id} has no failing {subject.value} example"
    assert Verdict.PASS in expected, f"{rule.id} has no passing {subject.value} example"


def test_allow_list_entries_are_still_needed() -> None:
    """An allowed pair must name a real subject of a rule that still lacks the example, so
    the list cannot hide a pair that has since been given both."""
    checked = {(rule.id, subject): rule for rule, subject in SUBJECT_PAIRS}
    for (rule_id, subject), reason in CANNOT_FAIL_OR_PASS.items():
        assert reason, f"{rule_id} {subject.value}: say why it is allowed"
        rule = checked.get((rule_id, subject))
        assert rule is not None, f"{rule_id} does not check {subject.value}"
        expected = {ex.expect for ex in rule.examples if ex.subject is subject}
        assert not {Verdict.FAIL, Verdict.PASS} <= expected, (
            f"{rule_id} now has failing and passing {subject.value} examples: drop it from "
            "CANNOT_FAIL_OR_PASS"
        )


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
