"""Acme Housing's in-house complaint rules, stricter than the Code."""

from __future__ import annotations

from collections.abc import Sequence

from complaintrules import Complaint, Pack, Rule, hookimpl
from complaintrules.authoring import (
    Context,
    Outcome,
    Subject,
    Verdict,
    check_acknowledged_in_time,
    example,
)

ACKNOWLEDGE_WITHIN = 3  # Acme's published promise, in working days


def _acknowledged_in_three(case: Complaint, ctx: Context) -> Outcome:
    return check_acknowledged_in_time(
        case, ctx, stage_number=1, ack_days=ACKNOWLEDGE_WITHIN, require_definition=False
    )


ACME_ACK3 = Rule(
    id="ACME-ACK3",
    pack="acme_inhouse",
    provision="ACK3",
    section="Acme service standards",
    title="Stage 1 acknowledged within 3 working days",
    summary="Acme acknowledges every stage 1 complaint within 3 working days of receipt.",
    explanation="Acme's residents' charter promises a faster acknowledgement than the Code.",
    source="Acme Housing residents' charter 2024, standard 4",
    case=_acknowledged_in_three,
    examples=(
        example(
            Subject.CASE,
            Verdict.PASS,
            "acknowledged on day 3",
            reference="A-1",
            received_on="2024-05-01",
            stages=[{"number": 1, "acknowledged": {"on": "2024-05-07"}}],
        ),
        example(
            Subject.CASE,
            Verdict.FAIL,
            "acknowledged on day 4 (the Code's 5 days are met, Acme's 3 are not)",
            reference="A-2",
            received_on="2024-05-01",
            stages=[{"number": 1, "acknowledged": {"on": "2024-05-08"}}],
        ),
    ),
)


@hookimpl
def complaintrules_extra_rules(pack: Pack) -> Sequence[Rule]:
    return [ACME_ACK3] if pack.name == "code_2024" else []
