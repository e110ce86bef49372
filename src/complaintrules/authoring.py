"""Building blocks for pack authors: the built-in packs use exactly these.

A check is a plain function ``(subject, ctx) -> Outcome``; these helpers make the common
shapes short and keep their messages consistent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ._context import Context, Portfolio
from ._policy import ClockStart, PolicyStage
from ._rules import Example, Level, Outcome, Rule, Subject, Verdict
from ._stage_checks import (
    RESPONSE_ITEMS,
    acknowledgement_deadline,
    check_acknowledged_in_time,
    check_actions_tracked,
    check_different_handlers,
    check_extension_notices,
    check_extensions_within_cap,
    check_issues_raised,
    check_out_of_time_refusals,
    check_points_addressed,
    check_responded_in_time,
    check_response_contents,
    check_stage_numbers,
    months_after,
    response_deadline,
    stage_start,
)
from ._timeliness import (
    Deadline,
    ExtensionReview,
    deadline_after,
    escalation_day0,
    judge_deadline,
    receipt_day0,
    response_clock_from_acknowledgement,
    review_extensions,
)

__all__ = [
    "RESPONSE_ITEMS",
    "ClockStart",
    "Context",
    "Deadline",
    "Example",
    "ExtensionReview",
    "Level",
    "Outcome",
    "PolicyStage",
    "Portfolio",
    "Rule",
    "Subject",
    "Verdict",
    "acknowledgement_deadline",
    "check_acknowledged_in_time",
    "check_actions_tracked",
    "check_different_handlers",
    "check_extension_notices",
    "check_extensions_within_cap",
    "check_issues_raised",
    "check_out_of_time_refusals",
    "check_points_addressed",
    "check_responded_in_time",
    "check_response_contents",
    "check_stage_numbers",
    "deadline_after",
    "escalation_day0",
    "example",
    "failed",
    "judge_deadline",
    "months_after",
    "needs_evidence",
    "not_applicable",
    "passed",
    "policy_says",
    "receipt_day0",
    "response_clock_from_acknowledgement",
    "response_deadline",
    "review_extensions",
    "stage_start",
]


def _outcome(
    verdict: Verdict, message: str, facts: Mapping[str, Any] | None, computed: dict[str, Any]
) -> Outcome:
    return Outcome(verdict, message, dict(facts or {}), computed)


def passed(message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any) -> Outcome:
    return _outcome(Verdict.PASS, message, facts, computed)


def failed(message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any) -> Outcome:
    return _outcome(Verdict.FAIL, message, facts, computed)


def not_applicable(
    message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any
) -> Outcome:
    return _outcome(Verdict.NOT_APPLICABLE, message, facts, computed)


def needs_evidence(
    message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any
) -> Outcome:
    """The facts to decide are missing: ``message`` must say what would settle it."""
    return _outcome(Verdict.NEEDS_EVIDENCE, message, facts, computed)


def policy_says(value: bool | None, field: str, *, yes: str, no: str) -> Outcome:
    """Judge a yes/no statement the policy must make.

    ``None`` (the policy file does not say) is ``needs_evidence``, naming the field to set.
    """
    facts = {f"policy.{field}": value}
    if value is None:
        return needs_evidence(
            f"the policy does not say; set '{field}' to record whether it does: {yes}",
            facts=facts,
        )
    return passed(yes, facts=facts) if value else failed(no, facts=facts)


def example(
    subject: Subject, expect: Verdict, title: str, *, as_of: date | None = None, **data: Any
) -> Example:
    """A worked example: ``data`` is the subject as it would be written in YAML."""
    return Example(subject=subject, expect=expect, title=title, data=data, as_of=as_of)
