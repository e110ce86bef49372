"""Acme Housing's in-house complaint rules, stricter than the Code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from complaintrules import Pack, Rule, hookimpl
from complaintrules.authoring import Obligation, Subject, Timescale, Verdict, example

#: Acme's own dated parameter: its name is namespaced ("acme."), so it can never take or
#: change one of the Code pack's parameters; findings cite it with its source.
ACKNOWLEDGE_DAYS = "acme.stage1.acknowledge_working_days"
PARAMETERS: Mapping[str, Any] = {
    ACKNOWLEDGE_DAYS: {
        "description": "Working days Acme allows itself to acknowledge a stage 1 complaint.",
        "unit": "working_days",
        "values": [
            {
                "since": "2024-04-01",
                "value": 3,
                "source": "Acme Housing residents' charter 2024, standard 4",
            }
        ],
    }
}

ACME_ACK3 = Rule(
    id="ACME-ACK3",
    pack="acme_inhouse",
    provision="ACK3",
    section="Acme service standards",
    title="Stage 1 acknowledged within 3 working days",
    summary="Acme acknowledges every stage 1 complaint within 3 working days of receipt.",
    explanation="Acme's residents' charter promises a faster acknowledgement than the Code.",
    source="Acme Housing residents' charter 2024, standard 4",
    # Declared, not written: the shared judge times it, over a whole table in bulk runs.
    timescale=Timescale(stage=1, obligation=Obligation.ACKNOWLEDGE, days=ACKNOWLEDGE_DAYS),
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


@hookimpl
def complaintrules_extra_parameters(pack: Pack) -> Mapping[str, Any]:
    return PARAMETERS if pack.name == "code_2024" else {}
