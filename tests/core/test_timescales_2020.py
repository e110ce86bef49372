"""The 2020 Code's timeliness provisions are declarations too (issue 13, item 1), and a
pack that declares no timescale gets no invented deadlines.

code_2020 used to write these checks by hand, so ``due()`` and the monitor built
``stageN.…`` parameter names for it and its alerts carried no rule id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from complaintrules import (
    Complaint,
    Engine,
    Pack,
    PackRegistry,
    ParameterSet,
    Rule,
    due,
    hookimpl,
)
from complaintrules.authoring import (
    Context,
    Obligation,
    Outcome,
    TimescaleCheck,
    Verdict,
    judge_timescale,
)
from complaintrules.law.parameters import _Parameter

_DEFINITION = {"understanding": "Damp in the bedroom", "outcomes_sought": "Treat the damp"}


def _stage(number: int, **fields: Any) -> dict[str, Any]:
    return {"number": number, "handler": f"Handler {number}", **fields}


def _three_stages() -> Complaint:
    """Received Wed 3 May 2023; the Coronation bank holiday is Mon 8 May."""
    return Complaint.model_validate(
        {
            "reference": "T20-1",
            "received_on": "2023-05-03",
            "stages": [
                _stage(
                    1,
                    logged_on="2023-05-11",
                    acknowledged={"on": "2023-05-11"},
                    response={"issued_on": "2023-05-25"},
                ),
                _stage(2, requested_on="2023-06-01", response={"issued_on": "2023-06-29"}),
                _stage(3, requested_on="2023-07-10"),
            ],
        }
    )


# -- the declarations ------------------------------------------------------------------------


def test_code_2020_declares_its_timeliness_provisions() -> None:
    pack = Engine().pack("code_2020")
    declared = {
        (r.timescale.stage, r.timescale.obligation): r.id
        for r in pack.rules
        if r.timescale is not None
    }
    # the 2022 Code sets an acknowledgement timescale at stage 1 only, and judges each
    # stage's extensions in the rule for its response
    assert declared == {
        (1, Obligation.ACKNOWLEDGE): "CHC20-4.1",
        (1, Obligation.RESPOND): "CHC20-5.1",
        (2, Obligation.RESPOND): "CHC20-5.13",
        (3, Obligation.RESPOND): "CHC20-5.18",
    }
    for r in pack.rules:
        if r.timescale is not None:
            assert isinstance(r.case, TimescaleCheck)
            assert all(name in pack.parameters for name in r.timescale.parameters)


def _judged(rule_id: str, case: Complaint) -> Outcome:
    engine = Engine()
    pack = engine.pack("code_2020")
    rule = pack.rule(rule_id)
    assert rule.timescale is not None
    ctx = Context(pack, engine.calendar, engine.conventions, case.received_on)
    outcome = judge_timescale(rule.timescale, case, ctx)
    finding = next(f for f in engine.case_findings(case, pack="code_2020") if f.rule_id == rule_id)
    assert (finding.verdict, finding.message) == (outcome.verdict, outcome.message)
    return outcome


@pytest.mark.parametrize(
    ("acknowledged", "expect"),
    [
        # received Wed 3 May 2023: 4, 5, (Mon 8 May a bank holiday) 9, 10, 11 May
        ("2023-05-11", Verdict.PASS),
        ("2023-05-12", Verdict.FAIL),
    ],
)
def test_the_2020_acknowledgement_boundary_across_a_bank_holiday(
    acknowledged: str, expect: Verdict
) -> None:
    data = _three_stages().model_dump(mode="json")
    data["stages"] = [
        _stage(1, logged_on=acknowledged, acknowledged={"on": acknowledged, "definition": None})
    ]
    outcome = _judged("CHC20-4.1", Complaint.model_validate(data))
    assert outcome.verdict is expect
    assert outcome.computed["deadline"] == "2023-05-11"
    assert "2023-05-08" in str(outcome.computed)  # the holiday skipped, in the evidence


@pytest.mark.parametrize(
    ("issued", "expect"),
    [
        # requested Mon 10 Jul 2023; stage 3 allows 20 working days: Mon 7 Aug (no holiday)
        ("2023-08-07", Verdict.PASS),
        ("2023-08-08", Verdict.FAIL),
    ],
)
def test_the_2020_stage_3_boundary_and_its_precondition(issued: str, expect: Verdict) -> None:
    data = _three_stages().model_dump(mode="json")
    data["stages"][2]["response"] = {"issued_on": issued}
    assert _judged("CHC20-5.18", Complaint.model_validate(data)).verdict is expect
    # asked for before the stage 2 response: the precondition's failure is the rule's
    data["stages"][2]["requested_on"] = "2023-06-20"
    data["stages"][1]["response"] = None
    early = _judged("CHC20-5.18", Complaint.model_validate(data))
    assert early.verdict is Verdict.FAIL
    assert "without the resident asking for it" in early.message


@pytest.mark.parametrize(
    ("issued", "expect"),
    [
        # logged Thu 4 May 2023: 10 working days skipping Mon 8 May is Fri 19 May
        ("2023-05-19", Verdict.PASS),
        ("2023-05-22", Verdict.FAIL),
    ],
)
def test_the_2020_stage_1_response_boundary_across_a_bank_holiday(
    issued: str, expect: Verdict
) -> None:
    data = _three_stages().model_dump(mode="json")
    data["stages"] = [
        _stage(
            1,
            logged_on="2023-05-04",
            acknowledged={"on": "2023-05-04"},
            response={"issued_on": issued},
        )
    ]
    outcome = _judged("CHC20-5.1", Complaint.model_validate(data))
    assert outcome.verdict is expect
    assert outcome.computed["deadline"] == "2023-05-19"


def test_the_2020_response_rule_judges_its_extensions_too() -> None:
    data = _three_stages().model_dump(mode="json")
    # logged 11 May: due Thu 25 May; the cap without good reason is 10 more working days
    data["stages"] = [
        _stage(
            1,
            logged_on="2023-05-11",
            acknowledged={"on": "2023-05-11"},
            extensions=[{"notified_on": "2023-05-22", "new_due": "2023-06-12", "reason": "Survey"}],
            response={"issued_on": "2023-06-12"},
        )
    ]
    outcome = _judged("CHC20-5.1", Complaint.model_validate(data))
    assert outcome.verdict is Verdict.FAIL
    # both failures in one finding: the late response, then the extension past the cap
    late, extension = outcome.message.split("; extensions[0] ")
    assert late.startswith("stage 1 response on 2023-06-12, 1 working day(s) after")
    assert "more than 10 needs a recorded good reason" in extension


# -- due() and the monitor carry the declaring rules ------------------------------------------


def test_code_2020_due_obligations_carry_the_declaring_rule() -> None:
    report = due(_three_stages(), date(2023, 7, 20))
    assert report.pack == "code_2020"
    found = {(o.stage, o.kind): o.rule_id for o in report.obligations}
    assert found == {
        (1, "acknowledge"): "CHC20-4.1",
        (1, "respond"): "CHC20-5.1",
        (2, "respond"): "CHC20-5.13",
        (3, "respond"): "CHC20-5.18",
    }
    assert {o["rule_id"] for o in report.to_dict()["obligations"]} == set(found.values())
    stage3 = report.obligation(3, "respond")
    assert stage3 is not None and stage3.due_by == date(2023, 8, 7)


def test_code_2020_monitor_alerts_carry_the_declaring_rule() -> None:
    from complaintrules import AlertKind, Monitor

    monitor = Monitor(pack="code_2020")
    try:
        ref = "T20-2"
        post = monitor.post
        alerts = post({"reference": ref, "type": "received", "on": "2023-05-03"})
        alerts += post(
            {"reference": ref, "type": "handler_assigned", "on": "2023-05-03", "handler": "X"}
        )
        alerts += post({"reference": ref, "type": "acknowledged", "on": "2023-05-05"})
        alerts += post(
            {
                "reference": ref,
                "type": "extension_notified",
                "on": "2023-05-12",
                "new_due": "2023-06-30",
                "reason": "Survey",
            }
        )
        alerts += post({"reference": ref, "type": "response_issued", "on": "2023-06-30"})
        alerts += post(
            {"reference": ref, "type": "escalation_requested", "on": "2023-07-03", "stage": 2}
        )
        alerts += post(
            {
                "reference": ref,
                "type": "handler_assigned",
                "on": "2023-07-03",
                "stage": 2,
                "handler": "X",
            }
        )
        alerts += monitor.tick(date(2023, 9, 1))
        found = {(a.kind, a.stage, a.rule_id) for a in alerts}
        assert {
            (AlertKind.DUE, 1, "CHC20-4.1"),
            (AlertKind.DUE, 1, "CHC20-5.1"),
            # 4.1 asks for no definition; 4.2 does, and the alert names it
            (AlertKind.BREACHED, 1, "CHC20-4.2"),
            # the extension goes beyond the cap without a good reason: 5.1 judges it
            (AlertKind.EXTENSION_INVALID, 1, "CHC20-5.1"),
            (AlertKind.DUE, 2, "CHC20-5.13"),
            (AlertKind.SAME_HANDLER, 2, "CHC20-5.12"),
            (AlertKind.BREACHED, 2, "CHC20-5.13"),
        } <= found
        assert None not in {a.rule_id for a in alerts if a.stage is not None}
    finally:
        monitor.close()


# -- a pack that declares no timescale ------------------------------------------------------


def _params(values: dict[str, int | str]) -> ParameterSet:
    return ParameterSet(
        {
            name: _Parameter.model_validate(
                {
                    "description": f"test value of {name}",
                    "values": [{"since": "2000-01-01", "value": value, "source": "test"}],
                }
            )
            for name, value in values.items()
        }
    )


def _handwritten(case: Complaint, ctx: Context) -> Outcome:
    return Outcome(Verdict.PASS, "judged by hand")


class _Undeclared:
    """A pack whose parameters carry the conventional names but whose rules declare no
    timescale: the core used to build ``stageN.…`` names and invent its deadlines."""

    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        rule = Rule(
            id="PLAIN-1",
            pack="plain",
            provision="1",
            section="Timescales",
            title="Answered in time",
            summary="A hand-written check.",
            explanation="",
            source="test",
            case=_handwritten,
        )
        names = {
            "stage1.acknowledge_working_days": 5,
            "stage1.respond_working_days": 10,
            "stage1.respond_from": "receipt",
            "stage1.extension_cap_working_days": 10,
        }
        return [
            Pack(
                name="plain",
                title="Plain",
                version="1",
                in_force_from=date(2000, 1, 1),
                in_force_until=None,
                rules=(rule,),
                parameters=_params(names),
            )
        ]


def _plain_engine() -> Engine:
    return Engine(registry=PackRegistry(autoload=False, plugins=[_Undeclared()]))


def _plain_case() -> Complaint:
    return Complaint.model_validate(
        {"reference": "P-1", "received_on": "2024-05-01", "stages": [{"number": 1}]}
    )


def test_due_under_a_pack_declaring_no_timescale_says_so() -> None:
    from complaintrules import NoTimescalesError

    with pytest.raises(NoTimescalesError, match=r"pack plain declares no timescale"):
        due(_plain_case(), date(2024, 6, 1), engine=_plain_engine(), pack="plain")


def test_the_monitor_under_a_pack_declaring_no_timescale_watches_no_deadline() -> None:
    from complaintrules import AlertKind, Monitor

    monitor = Monitor(engine=_plain_engine(), pack="plain")
    try:
        alerts = monitor.post({"reference": "P-2", "type": "received", "on": "2024-05-01"})
        alerts += monitor.tick(date(2024, 9, 1))
        assert [a for a in alerts if a.kind in (AlertKind.DUE, AlertKind.BREACHED)] == []
    finally:
        monitor.close()


# -- the bulk path judges every declaration over arrays ---------------------------------------


def test_the_bulk_path_takes_every_declaration_of_code_2020() -> None:
    """code_2020's declarations judge extensions with the response, a precondition or the
    logging date: the one table judge takes them all, as it takes code_2024's."""
    from complaintrules.bulk.evaluate import array_judged

    engine = Engine()
    rules = engine.pack("code_2020").rules
    declared = [r.id for r in rules if r.timescale is not None]
    assert declared and list(array_judged(rules)) == declared


def test_a_definition_judged_by_a_rule_the_pack_lacks_is_refused() -> None:
    pack = Engine().pack("code_2020")
    rules = tuple(r for r in pack.rules if r.id != "CHC20-4.2")
    with pytest.raises(
        ValueError,
        match=r"rule CHC20-4.1 declares its complaint definition judged by 'CHC20-4.2', "
        "which is not a rule of the pack",
    ):
        Pack(
            name=pack.name,
            title=pack.title,
            version=pack.version,
            in_force_from=pack.in_force_from,
            in_force_until=pack.in_force_until,
            rules=rules,
            parameters=pack.parameters,
        )
