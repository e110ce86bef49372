"""Working-day arithmetic in expressions: both backends count as the calendar does.

``clock_start``/``clock_note`` (the conventions' day 0 and its note), ``add_working_days``,
``working_days_to`` and ``days_skipped_to`` are judged on one case by the generated function
and the closures, and over a case table by the Arrow backend (the calendar's array
methods); every answer must be the calendar's own, holidays, closures and conventions
included, and unknown where an input date is missing.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import numpy as np
import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import case_field, lit, stage, when
from complaintrules.calendar.working_days import CalendarRangeError, WorkingCalendar
from complaintrules.law.context import Context
from complaintrules.law.expressions import (
    _array,
    _Columns,
    _Row,
    calendar_params,
)
from complaintrules.model.columns import case_table
from complaintrules.model.conventions import Conventions, NonWorkingDayReceipt
from core.expression_helpers import (
    both_backends,
    context_of,
    findings_beside_engine,
    judged_both_ways,
    rule_of,
)

# A closure day the day after the May Day bank holiday of 2024 (Mon 6 May).
CALENDAR = WorkingCalendar(closures=[date(2024, 5, 7)])
CONVENTIONS = (
    Conventions(),
    Conventions(non_working_day_receipt=NonWorkingDayReceipt.NEXT_WORKING_DAY, cutoff=time(16, 0)),
)

CASES = [
    Complaint.model_validate(data)
    for data in (
        {  # received on a Saturday; escalated on the Saturday of a bank holiday weekend
            "reference": "W-1",
            "received_on": "2024-05-04",
            "stages": [{"number": 1}, {"number": 2, "requested_on": "2024-05-25"}],
        },
        {  # received after a 16:00 cut-off, on the Friday before the holiday
            "reference": "W-2",
            "received_on": "2024-05-03",
            "received_at": "17:00",
            "stages": [{"number": 1}],  # no stage 2: its request date is unknown
        },
        {"reference": "W-3", "received_on": "2024-05-08"},  # no stages at all
    )
]

RECEIVED = case_field("received_on")
REQUESTED = stage(2).field("requested_on")


def _both(expr: Any, conventions: Conventions) -> list[tuple[Any, Any]]:
    """Per case: (closures' value, held to the generated function's; Arrow value)."""
    engine = Engine(calendar=CALENDAR, conventions=conventions)
    pack = engine.pack("code_2024")
    params = calendar_params(CALENDAR, conventions)
    return both_backends(expr, CASES, params, lambda case: context_of(engine, pack, case))


def _expected(conventions: Conventions, case: Complaint) -> dict[str, Any]:
    """What the calendar and conventions themselves say for ``case``."""
    day0, note = conventions.effective_receipt(CALENDAR, case.received_on, case.received_at)
    st = case.stage(2)
    asked = st.requested_on if st is not None else None
    esc = conventions.effective_receipt(CALENDAR, asked) if asked else None
    return {
        "day0": day0,
        "note": note,
        "due": CALENDAR.add_working_days(day0, 3),
        "esc": esc[0] if esc else None,
        "esc_note": esc[1].replace("received", "escalation requested") if esc else None,
        "between": CALENDAR.working_days_between(case.received_on, asked) if asked else None,
        "skipped": [
            f"{d.isoformat()} ({why})"
            for d, why in CALENDAR.days_skipped(
                case.received_on, CALENDAR.add_working_days(case.received_on, 5)
            )
        ],
    }


EXPRESSIONS = {
    "day0": RECEIVED.clock_start(case_field("received_at")),
    "note": RECEIVED.clock_note(case_field("received_at")),
    "due": RECEIVED.clock_start(case_field("received_at")).add_working_days(3),
    "esc": REQUESTED.clock_start(),
    "esc_note": REQUESTED.clock_note(received="escalation requested"),
    "between": RECEIVED.working_days_to(REQUESTED),
    "skipped": RECEIVED.days_skipped_to(RECEIVED.add_working_days(lit(5))),
}


@pytest.mark.parametrize("conventions", CONVENTIONS, ids=["default", "next-day-cutoff"])
@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_both_backends_count_as_the_calendar_does(conventions: Conventions, name: str) -> None:
    got = _both(EXPRESSIONS[name], conventions)
    for case, (closures, arrow) in zip(CASES, got, strict=True):
        want = _expected(conventions, case)[name]
        assert closures == arrow == want, (name, case.reference)


def test_holidays_closures_and_conventions_move_the_dates() -> None:
    """The figures themselves, so the test cannot pass by both sides being wrong alike."""
    default, moved = ([v for v, _ in _both(EXPRESSIONS["due"], c)] for c in CONVENTIONS)
    # Sat 4 May counted from that day: 8, 9, 10 May (6 May bank holiday, 7 May closed)
    assert default[0] == date(2024, 5, 10)
    # next working day convention: day 0 is Wed 8 May, so the 3rd working day is Mon 13
    assert moved[0] == date(2024, 5, 13)
    # after the cut-off on Fri 3 May: day 0 Wed 8 May (not Mon 6, a holiday; not Tue 7)
    assert moved[1] == date(2024, 5, 13) and default[1] == date(2024, 5, 10)
    between = [v for v, _ in _both(EXPRESSIONS["between"], CONVENTIONS[0])]
    assert between == [13, None, None]


def test_a_missing_count_is_unknown() -> None:
    expr = RECEIVED.add_working_days(stage(2).field("number"))
    got = _both(expr, CONVENTIONS[0])
    assert got[0] == (date(2024, 5, 9),) * 2
    assert got[2] == (None, None)


def test_a_date_beyond_the_calendar_raises_in_both_backends() -> None:
    short = WorkingCalendar(years=(2024, 2024))
    params = calendar_params(short, Conventions())
    case = Complaint.model_validate({"reference": "Y-1", "received_on": "2024-12-30"})
    expr = RECEIVED.add_working_days(5)
    with pytest.raises(CalendarRangeError, match="falls beyond 2024") as single:
        expr._py(_Row(case, params))
    with pytest.raises(CalendarRangeError, match="falls beyond 2024") as table:
        expr._arrow(_Columns(case_table([case]), params, 1))
    assert str(single.value) == str(table.value)
    late = Complaint.model_validate({"reference": "Y-2", "received_on": "2025-01-02"})
    with pytest.raises(CalendarRangeError, match="2025-01-02 is outside"):
        RECEIVED.working_days_to(lit(date(2024, 6, 3)))._arrow(
            _Columns(case_table([late]), params, 1)
        )


def test_working_days_between_array_matches_the_per_date_method() -> None:
    starts = [date(2024, 5, 3), date(2024, 12, 20), date(2024, 5, 10)]
    ends = [date(2024, 5, 9), date(2024, 12, 31), date(2024, 5, 3)]
    got = CALENDAR.working_days_between_array(
        np.array([d.toordinal() for d in starts]), np.array([d.toordinal() for d in ends])
    )
    assert got.tolist() == [
        CALENDAR.working_days_between(a, b) for a, b in zip(starts, ends, strict=True)
    ]
    assert got.tolist() == [2, 5, -3]


def test_judge_table_gives_the_engines_calendar_to_the_expression() -> None:
    check = when(
        REQUESTED.clock_start().add_working_days(5).lt(stage(2).field("acknowledged.on")),
        Verdict.FAIL,
        "acknowledged after {due}",
    ).otherwise(
        Verdict.PASS,
        "due {due}",
        values={"due": REQUESTED.clock_start().add_working_days(5).iso()},
        computed={"skipped": REQUESTED.days_skipped_to(REQUESTED.add_working_days(5))},
    )
    rule = rule_of(check, "TEST-9.1")
    case = Complaint.model_validate(
        {
            "reference": "J-1",
            "received_on": "2024-05-01",
            "stages": [
                {"number": 1},
                {"number": 2, "requested_on": "2024-05-03", "acknowledged": {"on": "2024-05-13"}},
            ],
        }
    )
    for conventions in CONVENTIONS:
        engine = Engine(calendar=CALENDAR, conventions=conventions)
        pack = engine.pack("code_2024")
        ((_, _, found, outcome, _),) = judged_both_ways(rule, [case], engine=engine, pack=pack)
        assert (found.verdict, found.message) == (outcome.verdict, outcome.message)
        assert found.evidence.computed == outcome.computed
    # Fri 3 May + 5 working days, skipping the holiday and the closure: Tue 14 May
    assert outcome.verdict is Verdict.PASS and outcome.message == "due 2024-05-14"
    assert outcome.computed["skipped"] == [
        "2024-05-06 (bank holiday: May Day)",
        "2024-05-07 (landlord closure day)",
    ]


# -- the rules that count working days: batch == single, with as-of dates and conventions ----

#: Converted rules that read the calendar, the conventions or the as-of date.
DATED_RULES = {"code_2024": ["CHC24-6.10"], "code_2020": ["CHC20-5.9"]}


def _conventions() -> list[Conventions]:
    from complaintrules.model.conventions import LateAcknowledgement

    return [
        Conventions(non_working_day_receipt=receipt, cutoff=cutoff, late_acknowledgement=late)
        for receipt in NonWorkingDayReceipt
        for cutoff in (None, time(17, 0))
        for late in LateAcknowledgement
    ]


def _escalations(start: date) -> list[Complaint]:
    """Open escalations requested over the fortnight (weekends and the late May bank
    holiday among the days) before the as-of date the test judges them at; one closed, one
    withdrawn, one refused."""
    received = date(start.year, 5, 2)
    out = []
    for k in range(17):
        asked = received + timedelta(days=23 + k)
        extra: dict[str, Any] = {}
        if k == 3:
            extra["closed_on"] = (asked + timedelta(days=1)).isoformat()
        if k == 4:
            extra["withdrawn_on"] = (asked + timedelta(days=1)).isoformat()
        if k == 5:
            extra["refusals"] = [{"on": asked.isoformat(), "stage": 2, "ground": "other"}]
        out.append(
            Complaint.model_validate(
                {
                    "reference": f"ESC-{k}",
                    "received_on": received.isoformat(),
                    "stages": [
                        {"number": 1, "response": {"issued_on": asked.isoformat()}},
                        {"number": 2, "requested_on": asked.isoformat()},
                    ],
                    **extra,
                }
            )
        )
    return out


@pytest.mark.parametrize(
    ("pack_name", "start"), [("code_2024", date(2024, 4, 1)), ("code_2020", date(2022, 4, 1))]
)
def test_dated_rules_agree_with_as_of_dates_and_every_convention(
    pack_name: str, start: date
) -> None:
    from core.test_expressions import _examples, _generated

    cases = _generated(start, 300, 5) + _examples(pack_name) + _escalations(start)
    # the escalations' as-of date: some not yet due to be taken in, some overdue
    judged_at = _escalations(start)[0].received_on + timedelta(days=40)
    for conventions in _conventions():
        engine = Engine(conventions=conventions)
        pack = engine.pack(pack_name)
        rules = [r for r in engine.registry.rules_for(pack) if r.id in DATED_RULES[pack_name]]
        for as_of in (None, judged_at, start + timedelta(days=200), start + timedelta(days=400)):
            snapped = [c.as_of(as_of).case if as_of else c for c in cases]
            kept = [c for c in snapped if c is not None]
            table = case_table(kept)
            for rule in rules:
                both = findings_beside_engine(
                    rule, kept, engine=engine, pack=pack, as_of=as_of, table=table
                )
                for case, (_, found, single) in zip(kept, both, strict=True):
                    assert found == single, (rule.id, case.reference, as_of)


# -- branch evidence: text, facts=False, parameters=False ------------------------------------


def test_text_branch_facts_and_parameters_in_both_backends() -> None:
    """``text`` formats evidence (unknown when a value is); a branch with ``facts=False``
    reports only its per-item facts; one with ``parameters=False`` names no parameter."""
    from complaintrules.authoring import each_fact, item, param, text

    refusals = case_field("refusals")
    days = param("stage2.acknowledge_working_days")
    check = (
        when(
            refusals.any(item("stage").eq(2)),
            Verdict.FAIL,
            "refused",
            facts=False,
            parameters=False,
        )
        .when(REQUESTED.is_null(), Verdict.NEEDS_EVIDENCE, "no request", parameters=False)
        .otherwise(
            Verdict.PASS,
            "asked",
            facts={
                "asked": text("asked on {day}, {n} days", day=REQUESTED.iso(), n=days),
                "requested": REQUESTED.iso(),
            },
            each_facts=[
                each_fact(refusals, "refusals[{index}]", item("ground"), where=item("stage").eq(2))
            ],
        )
    )
    rule = rule_of(check, "TEST-9.2")
    engine = Engine()
    pack = engine.pack("code_2024")
    refused = Complaint.model_validate(
        {
            **CASES[0].model_dump(mode="json", exclude_none=True),
            "refusals": [{"on": "2024-05-26", "stage": 2, "ground": "other"}],
        }
    )
    cases = [CASES[0], CASES[1], refused]
    judged = judged_both_ways(rule, cases, engine=engine, pack=pack)
    for _, _, found, single, ctx in judged:
        assert (found.verdict, found.message) == (single.verdict, single.message)
        assert (found.evidence.facts, found.evidence.computed) == (single.facts, single.computed)
        assert found.evidence.parameters == ctx.parameters_evidence()
    asked, unknown, refusal = (each.finding for each in judged)
    assert asked.evidence.facts == {
        "asked": "asked on 2024-05-25, 5 days",
        "requested": "2024-05-25",
    }
    assert asked.evidence.parameters["stage2.acknowledge_working_days"]
    # no stage 2: the text is unknown, not "None"; and the branch names no parameter
    assert unknown.evidence.facts == {"asked": None, "requested": None}
    assert "stage2.acknowledge_working_days" not in unknown.evidence.parameters
    assert refusal.evidence.facts == {"refusals[0]": "other"}
    assert "stage2.acknowledge_working_days" not in refusal.evidence.parameters
    with pytest.raises(ValueError, match="names"):
        text("{missing}", day=REQUESTED)


@pytest.mark.parametrize("conventions", CONVENTIONS, ids=["default", "next-day-cutoff"])
@pytest.mark.parametrize("number", [1, 2])
def test_acknowledgement_due_gives_the_deadline_and_its_evidence(
    conventions: Conventions, number: int
) -> None:
    """The expression form of a stage's acknowledgement deadline: the same date and the same
    evidence as the hand-written deadline, in both backends."""
    from complaintrules.authoring import acknowledgement_deadline, acknowledgement_due

    due = acknowledgement_due(number, lit(5))
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS, "ok", facts={"due": due.due}, computed=due.evidence
    )
    pack = Engine().pack("code_2024")
    params = calendar_params(CALENDAR, conventions)
    env = _Columns(case_table(CASES), params, len(CASES))
    arrow = {k: _array(e._arrow(env), len(CASES)).to_pylist() for k, e in due.evidence.items()}
    for row, case in enumerate(CASES):
        st = case.stage(number)
        ctx = Context(pack, CALENDAR, conventions, case.received_on)
        got = check(case, ctx)
        deadline = acknowledgement_deadline(ctx, case, st, 5) if st is not None else None
        if deadline is None:
            assert got.facts == {"due": None}
            continue
        assert got.facts == {"due": deadline.due}
        assert got.computed == deadline.evidence()
        assert {k: v[row] for k, v in arrow.items()} == deadline.evidence()
