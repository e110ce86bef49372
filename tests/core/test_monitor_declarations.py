"""The monitor's rules come from a pack's declarations (issue 13, item 3).

A third-party pack declares its timescales (``Timescale``) with its own parameter names and
rule ids; the monitor builds its durable-rules conditions and alert texts from those
declarations, so its alerts carry the pack's rule ids and agree with the evaluator's
verdicts for the same events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from complaintrules import (
    AlertKind,
    Complaint,
    Engine,
    Monitor,
    Pack,
    PackRegistry,
    ParameterSet,
    Rule,
    hookimpl,
)
from complaintrules.authoring import ClockStart, Obligation, Timescale, Verdict
from complaintrules.authoring import different_handlers as handlers_differ
from complaintrules.law.parameters import _Parameter

#: An in-house policy: stricter on extensions (2 working days without a good reason) than
#: on the response deadline it moves (10), declared by a rule of its own.
PARAMETERS = {"ack_days": 3, "reply_days": 7, "reply_cap": 10, "strict_cap": 2, "ack2_days": 2}


def _reply(obligation: Obligation, cap: str) -> Timescale:
    """Stage 1's response clock: 7 working days from receipt."""
    return Timescale(
        1,
        obligation,
        days="reply_days",
        clock=ClockStart.RECEIPT,
        acknowledge_days="ack_days",
        extension_cap=cap,
    )


def _rule(rule_id: str, **more: Any) -> Rule:
    return Rule(
        id=rule_id,
        pack="inhouse",
        provision=rule_id.split("-", 1)[1],
        section="Timescales",
        title=f"In-house rule {rule_id}",
        summary="A test rule.",
        explanation="",
        source="test",
        **more,
    )


def _pack() -> Pack:
    rules = (
        # no complaint definition asked for at stage 1
        _rule("IN-ACK", timescale=Timescale(1, Obligation.ACKNOWLEDGE, days="ack_days")),
        _rule(
            "IN-REPLY",
            timescale=_reply(Obligation.RESPOND, "reply_cap"),
        ),
        _rule(
            "IN-EXT",
            timescale=_reply(Obligation.EXTEND, "strict_cap"),
        ),
        _rule(
            "IN-ACK2",
            timescale=Timescale(
                2, Obligation.ACKNOWLEDGE, days="ack2_days", require_definition=True
            ),
        ),
        _rule("IN-HANDLER", case=handlers_differ(1, 2)),
    )
    parameters = ParameterSet(
        {
            name: _Parameter.model_validate(
                {
                    "description": f"in-house {name}",
                    "values": [{"since": "2000-01-01", "value": value, "source": "test"}],
                }
            )
            for name, value in PARAMETERS.items()
        }
    )
    return Pack(
        name="inhouse",
        title="In-house",
        version="1",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=rules,
        parameters=parameters,
    )


class InHouse:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        return [_pack()]


def _engine() -> Engine:
    return Engine(registry=PackRegistry(autoload=False, plugins=[InHouse()]))


def ev(kind: str, on: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "on": on, **fields}


# received Wed 1 May 2024 (Mon 6 May a bank holiday): acknowledge by Tue 7 May (3 working
# days), respond by Mon 13 May (7); an extension may add 2 working days (to Wed 15 May)
# without a good reason by the extension rule, 10 by the response rule
EVENTS = [
    ev("received", "2024-05-01"),
    ev("acknowledged", "2024-05-03"),  # in time; no definition, none asked for
    ev("handler_assigned", "2024-05-03", handler="A. Patel"),
    ev("extension_notified", "2024-05-08", new_due="2024-05-17", reason="Survey awaited"),
    ev("response_issued", "2024-05-16"),
    ev("escalation_requested", "2024-05-20", stage=2),
    ev("acknowledged", "2024-05-21", stage=2),  # in time, but without the definition asked for
    ev("handler_assigned", "2024-05-21", stage=2, handler="a. patel"),
    ev("closed", "2024-06-28"),
]


def test_a_third_party_pack_gets_alerts_with_its_rule_ids_and_declared_texts() -> None:
    monitor = Monitor(engine=_engine(), pack="inhouse")
    try:
        alerts = [
            (a.kind, a.rule_id, a.stage, a.deadline, a.message)
            for item in EVENTS
            for a in monitor.post({"reference": "IN-1", **item})
        ]
    finally:
        monitor.close()
    day = date.fromisoformat
    assert alerts == [
        (
            AlertKind.DUE,
            "IN-ACK",
            1,
            day("2024-05-07"),
            "stage 1 acknowledgement due by 2024-05-07",
        ),
        (AlertKind.DUE, "IN-REPLY", 1, day("2024-05-13"), "stage 1 response due by 2024-05-13"),
        # judged by the extension rule's own cap (2 days), not the response rule's (10)
        (
            AlertKind.EXTENSION_INVALID,
            "IN-EXT",
            1,
            day("2024-05-15"),
            "extensions[0] at stage 1 moves the deadline to 2024-05-17, beyond 2024-05-15 "
            "(the latest date without a recorded good reason), so only that date counts",
        ),
        # while the response rule lets it move the deadline
        (AlertKind.DUE, "IN-REPLY", 1, day("2024-05-17"), "stage 1 response due by 2024-05-17"),
        (
            AlertKind.DUE,
            "IN-ACK2",
            2,
            day("2024-05-22"),
            "stage 2 acknowledgement due by 2024-05-22",
        ),
        (
            AlertKind.BREACHED,
            "IN-ACK2",
            2,
            day("2024-05-22"),
            "stage 2 acknowledged on 2024-05-21 without a complete complaint definition "
            "(our understanding and the outcome sought)",
        ),
        (
            AlertKind.SAME_HANDLER,
            "IN-HANDLER",
            2,
            None,
            "a. patel handles stage 2, having handled stage 1",
        ),
        (AlertKind.CLOSED, None, None, None, "case closed on 2024-06-28"),
    ]


def test_the_alerts_agree_with_the_evaluators_verdicts() -> None:
    engine = _engine()
    monitor = Monitor(engine=engine, pack="inhouse")
    try:
        breached = {
            a.rule_id
            for item in EVENTS
            for a in monitor.post({"reference": "IN-1", **item})
            if a.kind in (AlertKind.BREACHED, AlertKind.EXTENSION_INVALID, AlertKind.SAME_HANDLER)
        }
    finally:
        monitor.close()
    case = Complaint.model_validate({"reference": "IN-1", "events": EVENTS})
    report = engine.evaluate_case(case, pack="inhouse", as_of=date(2024, 6, 28))
    verdicts = {f.rule_id: f.verdict for f in report.findings}
    assert verdicts == {
        "IN-ACK": Verdict.PASS,
        "IN-REPLY": Verdict.PASS,
        "IN-EXT": Verdict.FAIL,
        "IN-ACK2": Verdict.FAIL,
        "IN-HANDLER": Verdict.FAIL,
    }
    assert breached == {rule for rule, v in verdicts.items() if v is Verdict.FAIL}


def test_the_ruleset_follows_the_declarations() -> None:
    """A check exists where a declaration asks for it: no definition check for the stage 1
    acknowledgement (its declaration asks for none), one for stage 2's; extension checks
    for stage 1; no response checks for stage 2, which declares no response."""
    monitor = Monitor(engine=_engine(), pack="inhouse")
    try:
        rules = set(monitor.ruleset_definition())
    finally:
        monitor.close()
    assert {"ack_late_1", "ack_undefined_2", "ext_beyond_cap_1", "same_handler_2"} <= rules
    assert "ack_undefined_1" not in rules
    assert not any(name.startswith("resp_") and name.endswith("_2") for name in rules)
