"""Timeliness provisions declared as data and judged by one shared judge (issue 13, item 1).

A pack attaches a :class:`Timescale` to a rule; the core derives the rule's case check
from it, reads only the parameter names the declaration gives, and refuses a declaration
it could not judge when the pack loads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
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
    ClockStart,
    Context,
    Obligation,
    Subject,
    Timescale,
    TimescaleCheck,
    Verdict,
    check_acknowledged_in_time,
    check_responded_in_time,
    example,
)
from complaintrules.law.parameters import _Parameter

ROOT = Path(__file__).resolve().parents[2]


def _param_set(values: dict[str, int | str]) -> ParameterSet:
    """Parameters in force since 2000, in the shape of a pack's parameters.yaml."""
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


# -- the declaration refuses what the judge could not judge -------------------------------


def test_an_unknown_obligation_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown obligation 'reply'; expected one of"):
        Timescale(1, "reply", days="ack")  # type: ignore[arg-type]


def test_a_response_without_its_clock_or_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="respond timescale of stage 1: clock is missing"):
        Timescale(1, Obligation.RESPOND, days="d", acknowledge_days="a", extension_cap="c")
    with pytest.raises(ValueError, match="extension_cap must name one of the pack's parameters"):
        Timescale(1, Obligation.EXTEND, days="d", clock=ClockStart.RECEIPT)
    with pytest.raises(ValueError, match="acknowledge_days is missing"):
        Timescale(1, Obligation.RESPOND, days="d", clock=ClockStart.LOGGING, extension_cap="c")


def test_a_clock_parameter_needing_an_acknowledgement_timescale_is_refused_at_load() -> None:
    """A clock given as a parameter may go without acknowledge_days (the 2020 Code's
    stage 2 counts from the escalation request); the pack refuses it when one of the
    parameter's dated values would count from acknowledgement or logging."""
    respond = Timescale(1, Obligation.RESPOND, days="reply", clock="from", extension_cap="cap")

    def pack(clock: str) -> Pack:
        return Pack(
            name="third",
            title="Third",
            version="0",
            in_force_from=date(2000, 1, 1),
            in_force_until=None,
            rules=(_rule(respond),),
            parameters=_param_set({"reply": 7, "from": clock, "cap": 5}),
        )

    assert pack("escalation_request").rules[0].timescale is respond
    with pytest.raises(
        ValueError,
        match=r"parameter 'from' starts the clock at logging since 2000-01-01, but the "
        "timescale names no acknowledge_days",
    ):
        pack("logging")
    with pytest.raises(ValueError, match=r"parameter 'from' since 2000-01-01 is 'noon'"):
        pack("noon")


def test_options_of_another_obligation_are_refused() -> None:
    respond = {"days": "d", "clock": ClockStart.RECEIPT, "extension_cap": "c"}
    with pytest.raises(ValueError, match="require_logging applies to an acknowledgement only"):
        Timescale(1, Obligation.RESPOND, require_logging=True, **respond)
    with pytest.raises(ValueError, match="with_extensions applies to a response only"):
        Timescale(1, Obligation.EXTEND, with_extensions=True, **respond)
    with pytest.raises(ValueError, match="with_extensions do not apply to it"):
        Timescale(1, Obligation.ACKNOWLEDGE, days="a", with_extensions=True)
    with pytest.raises(ValueError, match="give require_definition or definition_by"):
        Timescale(1, Obligation.ACKNOWLEDGE, days="a", require_definition=True, definition_by="X-1")


def test_an_empty_parameter_name_is_refused() -> None:
    with pytest.raises(ValueError, match="days must name one of the pack's parameters"):
        Timescale(2, Obligation.ACKNOWLEDGE, days=" ")


def test_an_acknowledgement_takes_no_response_clock() -> None:
    with pytest.raises(ValueError, match="clock do not apply to it"):
        Timescale(1, Obligation.ACKNOWLEDGE, days="a", clock=ClockStart.RECEIPT)


def _rule(timescale: Timescale, **more: Any) -> Rule:
    return Rule(
        id="THIRD-1",
        pack="third",
        provision="1",
        section="Timescales",
        title="Acknowledged in time",
        summary="A test rule.",
        explanation="",
        source="test",
        timescale=timescale,
        **more,
    )


def test_a_rule_gives_a_case_check_or_a_timescale_not_both() -> None:
    with pytest.raises(ValueError, match="give either a case check or a timescale"):
        _rule(
            Timescale(1, Obligation.ACKNOWLEDGE, days="a"),
            case=lambda case, ctx: check_acknowledged_in_time(
                case, ctx, stage_number=1, ack_days=3, require_definition=False
            ),
        )


def test_a_parameter_the_pack_lacks_is_refused_when_the_pack_loads() -> None:
    rule = _rule(Timescale(1, Obligation.ACKNOWLEDGE, days="stage1.ack_days"))
    with pytest.raises(
        ValueError,
        match=r"pack third: rule THIRD-1 declares a timescale reading 'stage1.ack_days', "
        r"which the pack's parameters \(<memory>\) do not define",
    ):
        Pack(
            name="third",
            title="Third",
            version="0",
            in_force_from=date(2000, 1, 1),
            in_force_until=None,
            rules=(rule,),
            parameters=_param_set({"ack": 3}),
        )


# -- a third-party pack gets the same judge --------------------------------------------


_ACK = Timescale(1, Obligation.ACKNOWLEDGE, days="ack")
_RESPOND = Timescale(
    1,
    Obligation.RESPOND,
    days="reply",
    clock=ClockStart.RECEIPT,
    acknowledge_days="ack",
    extension_cap="cap",
)


def _third_pack() -> Pack:
    rules = (
        Rule(
            id="THIRD-ACK",
            pack="third",
            provision="ACK",
            section="Timescales",
            title="Acknowledged in 3 working days",
            summary="Acknowledged within 3 working days of receipt.",
            explanation="",
            source="test",
            timescale=_ACK,
            examples=(
                example(
                    Subject.CASE,
                    Verdict.PASS,
                    "day 3",
                    reference="T-1",
                    received_on="2024-05-01",
                    stages=[{"number": 1, "acknowledged": {"on": "2024-05-07"}}],
                ),
            ),
        ),
        Rule(
            id="THIRD-REPLY",
            pack="third",
            provision="REPLY",
            section="Timescales",
            title="Answered in 7 working days of receipt",
            summary="Answered within 7 working days of receipt.",
            explanation="",
            source="test",
            timescale=_RESPOND,
        ),
    )
    return Pack(
        name="third",
        title="Third",
        version="1",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=rules,
        parameters=_param_set({"ack": 3, "reply": 7, "cap": 5}),
    )


class ThirdPlugin:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        return [_third_pack()]


def _case(ack: str, reply: str | None) -> dict[str, Any]:
    stage: dict[str, Any] = {"number": 1, "acknowledged": {"on": ack}}
    if reply is not None:
        stage["response"] = {"issued_on": reply}
    return {"reference": "T-2", "received_on": "2024-05-01", "stages": [stage]}


@pytest.mark.parametrize(
    ("ack", "reply", "expect_ack", "expect_reply"),
    [
        # received Wed 1 May 2024; Mon 6 May is a bank holiday: day 3 is Tue 7 May and
        # day 7 is Mon 13 May
        ("2024-05-07", "2024-05-13", Verdict.PASS, Verdict.PASS),
        ("2024-05-08", "2024-05-14", Verdict.FAIL, Verdict.FAIL),
    ],
)
def test_a_third_party_timescale_is_judged_by_the_shared_judge(
    ack: str, reply: str, expect_ack: Verdict, expect_reply: Verdict
) -> None:
    engine = Engine(registry=PackRegistry(autoload=False, plugins=[ThirdPlugin()]))
    pack = engine.pack("third")
    assert all(isinstance(r.case, TimescaleCheck) for r in pack.rules)
    data = _case(ack, reply)
    report = engine.evaluate_case(Complaint.model_validate(data), pack="third")
    found = {f.rule_id: f for f in report.findings}
    assert found["THIRD-ACK"].verdict is expect_ack
    assert found["THIRD-REPLY"].verdict is expect_reply
    # the third party's own parameter names, read from its declaration
    assert set(found["THIRD-REPLY"].evidence.parameters) == {"pack_version", "ack", "reply", "cap"}
    assert set(found["THIRD-ACK"].evidence.parameters) == {"pack_version", "ack"}
    # the same outcome as the shared check called by hand with the same numbers
    case = Complaint.model_validate(data)
    by_hand = check_responded_in_time(
        case,
        Context(pack, engine.calendar, engine.conventions, case.received_on),
        stage_number=1,
        respond_days=7,
        respond_from=ClockStart.RECEIPT,
        ack_days=3,
        extension_cap=5,
    )
    again = found["THIRD-REPLY"]
    assert (again.verdict, again.message) == (by_hand.verdict, by_hand.message)
    assert dict(again.evidence.computed) == dict(by_hand.computed)


def test_an_extra_rule_naming_a_parameter_its_pack_lacks_is_refused() -> None:
    stray = _rule(Timescale(1, Obligation.ACKNOWLEDGE, days="not.a.parameter"))

    class Extra:
        @hookimpl
        def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
            return [stray] if pack.name == "third" else []

    registry = PackRegistry(autoload=False, plugins=[ThirdPlugin(), Extra()])
    pack = registry.packs[0]
    assert [r.id for r in registry.rules_for(pack)] == ["THIRD-ACK", "THIRD-REPLY"]
    assert any("'not.a.parameter'" in p.problem for p in registry.problems)


# -- the built-in packs declare their timeliness rules ---------------------------------


def test_code_2024_declares_its_six_timeliness_rules() -> None:
    pack = Engine().pack("code_2024")
    declared = {
        (r.timescale.stage, r.timescale.obligation) for r in pack.rules if r.timescale is not None
    }
    assert declared == {(stage, obligation) for stage in (1, 2) for obligation in Obligation}
    for r in pack.rules:
        if r.timescale is not None:
            assert isinstance(r.case, TimescaleCheck)
            assert all(name in pack.parameters for name in r.timescale.parameters)


# -- due() and the monitor read the declarations -----------------------------------------


def test_due_reads_the_parameters_a_third_party_pack_declares() -> None:
    """The third pack's parameters are not named ``stageN.…``: due() finds them through
    its declarations (it used to build those names and saw no timescale at all)."""
    engine = Engine(registry=PackRegistry(autoload=False, plugins=[ThirdPlugin()]))
    case = Complaint.model_validate(_case("2024-05-08", None))
    report = due(case, date(2024, 5, 10), engine=engine, pack="third")
    found = {o.kind: o for o in report.obligations}
    # received Wed 1 May 2024 (6 May a bank holiday): 3 days -> 7 May, 7 days -> 13 May
    assert (found["acknowledge"].due_by, found["acknowledge"].status.value) == (
        date(2024, 5, 7),
        "done_late",
    )
    assert (found["respond"].due_by, found["respond"].status.value) == (
        date(2024, 5, 13),
        "pending",
    )
    assert "stage 1 acknowledgement" in found["acknowledge"].message


def test_monitor_alerts_carry_the_declaring_rule_of_any_pack() -> None:
    from complaintrules import AlertKind, Monitor

    engine = Engine(registry=PackRegistry(autoload=False, plugins=[ThirdPlugin()]))
    monitor = Monitor(engine=engine, pack="third")
    try:
        due_alerts = monitor.post({"reference": "T-3", "type": "received", "on": "2024-05-01"})
        assert [(a.kind, a.rule_id, a.deadline) for a in due_alerts] == [
            (AlertKind.DUE, "THIRD-ACK", date(2024, 5, 7)),
            (AlertKind.DUE, "THIRD-REPLY", date(2024, 5, 13)),
        ]
        late = monitor.tick(date(2024, 5, 14))
        assert [(a.kind, a.rule_id, a.deadline) for a in late] == [
            (AlertKind.BREACHED, "THIRD-ACK", date(2024, 5, 7)),
            (AlertKind.BREACHED, "THIRD-REPLY", date(2024, 5, 13)),
        ]
    finally:
        monitor.close()


# -- the core names no pack's rule ids or parameters where the law is now declared ------

#: Core modules converted to read declarations: no rule id of a built-in pack, and no
#: parameter name built as a string, outside their docstrings (comments included).
CONVERTED = (
    "src/complaintrules/law/timescale.py",
    "src/complaintrules/law/stage_checks.py",
    "src/complaintrules/law/timeliness.py",
    "src/complaintrules/bulk/evaluate.py",
    "src/complaintrules/engine/due.py",
    "src/complaintrules/monitor/monitor.py",
)
_RULE_ID = re.compile(r"CHC2\d-")
_BUILT_NAME = re.compile(r"(param|\.at)\(f[\"']")


def _outside_docstrings(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body:
            continue
        first = body[0]
        is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if is_doc and isinstance(first.value.value, str):
            docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return [(n, line) for n, line in enumerate(source.splitlines(), 1) if n not in docstrings]


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_core_names_no_rule_id_or_parameter(module: str) -> None:
    found = [
        f"{module}:{n}: {line.strip()}"
        for n, line in _outside_docstrings(ROOT / module)
        if _RULE_ID.search(line) or _BUILT_NAME.search(line)
    ]
    assert found == []


#: The places in src/ still naming a rule id or building a parameter name, each with why:
#: (module, how the line starts, stripped). A place converted must leave this list, or the
#: staleness test below fails.
ALLOWED = (
    # an error message showing what a rule id looks like
    (
        "src/complaintrules/law/rules.py",
        """raise ValueError(f"rule id {self.id!r} must look like 'CHC24-6.3'")""",
    ),
    # evidence keys naming each stage's handler (facts of the case, not parameters)
    (
        "src/complaintrules/law/stage_checks.py",
        """facts={f"stage{earlier}.handler": first, f"stage{later}.handler": second},""",
    ),
    # the evidence key of a stage's logging date (a fact of the case, not a parameter)
    (
        "src/complaintrules/law/stage_checks.py",
        """{f"stage{stage_number}.logged_on": stage.logged_on.isoformat()},""",
    ),
    # the input readers' column names for stage fields (not yet converted; issue 13 item 2)
    ("src/complaintrules/io/tabular.py", 'p = f"stage{n}."'),
    (
        "src/complaintrules/io/tabular.py",
        """f"stage{n}.extension_{k}" for k in ("reason",""",
    ),
    # the case table's column per stage number, and the flat mapping targets it is built
    # from (column names of the case model, not parameters)
    ("src/complaintrules/model/columns.py", 'return f"stage{number}"'),
    ("src/complaintrules/io/flat.py", 'p = f"stage{number}."'),
    # evidence keys and a message naming each stage's facts in the data checks (facts of the
    # case, not parameters)
    ("src/complaintrules/law/data_checks.py", """facts.update({f"stage{n}.handler": """),
    ("src/complaintrules/law/data_checks.py", """f"stage{first}.handler{also} to compare"""),
    ("src/complaintrules/law/data_checks.py", """facts[f"stage{n}.response.impact"]"""),
    ("src/complaintrules/law/data_checks.py", """facts[f"stage{n}.response.outcome"]"""),
    (
        "src/complaintrules/law/data_checks.py",
        """computed={f"stage{n}.financial_remedies_total": """,
    ),
    # the TSM report's per-stage keys (output field names, not parameters)
    ("src/complaintrules/reports/tsm.py", """f"stage{n}": {"""),
)
_NAMED = re.compile(r"CHC2\d-|f[\"']stage\{")


def _named_in_src() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "src" / "complaintrules").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        for _, line in _outside_docstrings(path):
            if _NAMED.search(line):
                found.add((module, line.strip()))
    return found


def _allowed(module: str, line: str) -> bool:
    return any(module == m and line.startswith(start) for m, start in ALLOWED)


def test_src_names_no_rule_id_or_built_parameter_name_outside_the_allow_list() -> None:
    assert sorted(f for f in _named_in_src() if not _allowed(*f)) == []


def test_the_allow_list_has_no_stale_entry() -> None:
    found = _named_in_src()
    stale = [
        (m, start)
        for m, start in ALLOWED
        if not any(module == m and line.startswith(start) for module, line in found)
    ]
    assert stale == []
