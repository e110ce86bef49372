"""Pieces the section files share: example data, and the common shapes of check.

Worked dates the examples use (England and Wales calendar, 2023):

* received Wed 2023-05-03; Mon 8 May (the Coronation) is a bank holiday, so the
  acknowledgement and logging deadline is Thu 2023-05-11 (5 working days), and a
  complaint logged that day must be answered by Thu 2023-05-25 (10 working days);
  an extension may run to Fri 2023-06-09 without good reason (10 more).
* escalation to stage 2 requested Thu 2023-06-01: response due Thu 2023-06-29
  (20 working days); an extension may run to Thu 2023-07-13.
* escalation to stage 3 requested Mon 2023-07-10: response due Mon 2023-08-07.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    ClockStart,
    Context,
    Example,
    Outcome,
    PolicyCheck,
    Subject,
    Verdict,
    attestation_example,
    example,
    needs_evidence,
)

DEFINITION = {
    "understanding": "Damp in the back bedroom has not been treated since January.",
    "outcomes_sought": "Treat the damp and redecorate.",
}
STAGE1_ITEMS = dict.fromkeys(
    ("stage", "decision", "reasons", "remedy", "outstanding_actions", "escalation_route"), True
)
ALL_ITEMS = {**STAGE1_ITEMS, "complaint_definition": True}


def stage1(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 1,
        "logged_on": "2023-05-11",
        "acknowledged": {"on": "2023-05-11", "definition": DEFINITION},
        "handler": "A. Patel",
        "response": {
            "issued_on": "2023-05-25",
            "contents": STAGE1_ITEMS,
            "outcome": "not_upheld",
            "all_points_addressed": True,
        },
    }
    stage.update(overrides)
    return stage


def stage2(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 2,
        "requested_on": "2023-06-01",
        "acknowledged": {"on": "2023-06-05", "definition": DEFINITION},
        "handler": "B. Okafor",
        "response": {
            "issued_on": "2023-06-29",
            "contents": ALL_ITEMS,
            "outcome": "not_upheld",
            "all_points_addressed": True,
        },
    }
    stage.update(overrides)
    return stage


def stage3(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 3,
        "requested_on": "2023-07-10",
        "acknowledged": {"on": "2023-07-12", "definition": DEFINITION},
        "handler": "Residents' review panel",
        "response": {
            "issued_on": "2023-08-07",
            "contents": ALL_ITEMS,
            "outcome": "not_upheld",
            "all_points_addressed": True,
        },
    }
    stage.update(overrides)
    return stage


def case_data(*stages: dict[str, Any], **facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"reference": "EX-20", "received_on": "2023-05-03"}
    data.update(facts)
    data["stages"] = list(stages) if stages else [stage1()]
    return data


def case_example(
    expect: Verdict, title: str, *stages: dict[str, Any], as_of: Any = None, **facts: Any
) -> Example:
    return example(Subject.CASE, expect, title, as_of=as_of, **case_data(*stages, **facts))


def attestation_examples(provision: str, *, met: str, not_met: str) -> list[Example]:
    """A passing and a failing attestation for ``provision``."""
    attested = partial(
        attestation_example,
        provision,
        on="2023-07-01",
        by="Head of Housing",
    )
    return [
        attested(True, met, "Complaints file audit, June 2023"),
        attested(False, not_met, "Complaints file audit, June 2023"),
    ]


# -- policy checks ---------------------------------------------------------------------------


def optional_stage(number: int, inner: PolicyCheck) -> PolicyCheck:
    """``inner`` applies only to a policy that has stage ``number`` (stage 3 is optional)."""

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        if policy.stages is None:
            return needs_evidence("the policy does not describe its stages; set stages")
        if policy.stage(number) is None:
            return Outcome(Verdict.NOT_APPLICABLE, f"the policy has no stage {number}")
        return inner(policy, ctx)

    return check


# -- case helpers ----------------------------------------------------------------------------


def stage_params(ctx: Context, number: int) -> dict[str, Any]:
    """The arguments the shared stage checks take, read from this pack's parameters.

    Only stage 1 has an acknowledgement timescale in this Code (4.1); at stages 2 and 3 the
    response clock runs from the escalation request, so ``ack_days`` plays no part there.
    """
    return {
        "respond_days": ctx.param(f"stage{number}.respond_working_days"),
        "respond_from": ClockStart(ctx.param(f"stage{number}.respond_from")),
        "ack_days": ctx.param("stage1.acknowledge_working_days") if number == 1 else 0,
        "extension_cap": ctx.param(f"stage{number}.extension_cap_working_days"),
    }
