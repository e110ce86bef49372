"""The response clock's law, written once (``timeliness.response_clock_law``) and run over
one case and over a table (issue 13, item 1): the batch path agrees with one case on
hypothesis-drawn cases (bank holidays and a landlord's closures, both conventions on a
late acknowledgement and on a receipt on a non-working day, a cut-off, every clock start,
missing or late acknowledgement and logging, a later stage with or without its escalation
request), the function generated for one case is the law with plain operations, and over
a table the law runs once on arrays: no clock worked out per row, no note worded unless
read.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import complaintrules.law.expressions as expressions
from complaintrules import Complaint, Conventions, Engine, LateAcknowledgement
from complaintrules.authoring import ClockStart, item, lit, param, response_clock, stages
from complaintrules.calendar.working_days import WorkingCalendar
from complaintrules.law import timeliness
from complaintrules.law.context import Context
from complaintrules.law.expressions import _AS_OF, calendar_params
from complaintrules.law.stage_checks import response_deadline
from complaintrules.model.columns import case_table
from complaintrules.model.conventions import NonWorkingDayReceipt
from core.expression_helpers import both_backends

ENGINE = Engine()
PACK = ENGINE.pack("code_2024")
STARTS = list(ClockStart)

# around Easter and the May bank holidays of 2024, weekends included
_DAYS = st.dates(min_value=date(2024, 3, 20), max_value=date(2024, 6, 10))
_LATER = st.integers(0, 20).map(lambda k: timedelta(days=k))

_CONVENTIONS = st.builds(
    Conventions,
    non_working_day_receipt=st.sampled_from(list(NonWorkingDayReceipt)),
    cutoff=st.sampled_from([None, time(16, 0)]),
    late_acknowledgement=st.sampled_from(list(LateAcknowledgement)),
)
# a landlord's own closure days among the drawn dates (or none)
_CALENDARS = st.lists(_DAYS, max_size=6).map(lambda days: WorkingCalendar(closures=days))


@st.composite
def _stage(draw: st.DrawFn, number: int, start: date) -> dict[str, Any]:
    found: dict[str, Any] = {"number": number}
    if number > 1:
        found["requested_on"] = str(start)
    if draw(st.booleans()):
        found["acknowledged"] = {"on": str(start + draw(_LATER))}
    if draw(st.booleans()):
        found["logged_on"] = str(start + draw(_LATER))
    return found


@st.composite
def _cases(draw: st.DrawFn) -> list[Complaint]:
    out = []
    for k in range(draw(st.integers(1, 8))):
        received = draw(_DAYS)
        stages_ = [draw(_stage(1, received))]
        if draw(st.booleans()):
            requested = received + timedelta(days=draw(st.integers(15, 40)))
            stages_.append(draw(_stage(2, requested)))
        data: dict[str, Any] = {"reference": f"L-{k}", "received_on": str(received)}
        if draw(st.booleans()):
            data["received_at"] = draw(st.sampled_from(["08:00", "15:59", "16:00", "17:30"]))
        case = Complaint.model_validate({**data, "stages": stages_})
        if len(case.stages) > 1 and draw(st.booleans()):
            # a later stage whose escalation request is not dated (the model asks for one,
            # a CRM export may lack it): a copy, not validated
            first, second = case.stages
            undated = second.model_copy(update={"requested_on": None})
            case = case.model_copy(update={"stages": [first, undated]})
        out.append(case)
    return out


def _one_case_record(
    case: Complaint,
    number: int,
    calendar: WorkingCalendar,
    conventions: Conventions,
    start: ClockStart,
    ack: int,
) -> dict[str, Any] | None:
    """The record the per-case judge's own deadline gives (its trigger, label and note)."""
    found = case.stage(number)
    if found is None:
        return None
    ctx = Context(PACK, calendar, conventions, case.received_on)
    deadline = response_deadline(
        ctx, case, found, respond_days=10, respond_from=start, ack_days=ack
    )
    if deadline is None:
        return None
    return {"day": deadline.trigger, "label": deadline.trigger_label, "note": deadline.note}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=_cases(),
    calendar=_CALENDARS,
    conventions=_CONVENTIONS,
    starts=st.tuples(st.sampled_from(STARTS), st.sampled_from(STARTS)),
    ack=st.sampled_from([1, 3, 5]),
)
def test_the_clock_over_a_table_is_the_clock_of_each_case(
    cases: list[Complaint],
    calendar: WorkingCalendar,
    conventions: Conventions,
    starts: tuple[ClockStart, ClockStart],
    ack: int,
) -> None:
    """The record over a table (day, label and note), per case in the Python backend and
    the generated function, and the per-case judge's deadline all agree, for each stage
    and its own clock start."""
    values = {**calendar_params(calendar, conventions), _AS_OF: None}

    def context(case: Complaint) -> Context:
        return Context(PACK, calendar, conventions, case.received_on)

    for number in (1, 2):
        clock = response_clock(number, respond_from=lit(starts[0].value), ack_days=lit(ack))
        got = both_backends(clock, cases, values, context)
        for case, (one, table) in zip(cases, got, strict=True):
            assert one == table
            assert one == _one_case_record(case, number, calendar, conventions, starts[0], ack)
    # inside the list of stages, each stage its own clock start
    clocks = stages().map(
        response_clock(
            item(),
            respond_from=item("number").eq(1).choose(starts[0].value, starts[1].value),
            ack_days=lit(ack),
        )
    )
    got = both_backends(clocks, cases, values, context)
    for case, (one, table) in zip(cases, got, strict=True):
        assert one == table
        want = [
            _one_case_record(case, s.number, calendar, conventions, starts[s.number > 1], ack)
            for s in case.stages
        ]
        assert one == want


_MAYBE_DAY = st.one_of(st.none(), _DAYS)


@settings(max_examples=300, deadline=None)
@given(
    number=st.sampled_from([1, 2, 3]),
    received=_DAYS,
    at=st.sampled_from([None, time(9, 0), time(16, 0), time(18, 30)]),
    requested=_MAYBE_DAY,
    acknowledged=_MAYBE_DAY,
    logged=_MAYBE_DAY,
    start=st.sampled_from(STARTS),
    ack=st.integers(1, 10),
    conventions=_CONVENTIONS,
    calendar=_CALENDARS,
)
def test_the_function_generated_for_one_case_is_the_law(
    number: int,
    received: date,
    at: time | None,
    requested: date | None,
    acknowledged: date | None,
    logged: date | None,
    start: ClockStart,
    ack: int,
    conventions: Conventions,
    calendar: WorkingCalendar,
) -> None:
    """The law's scalar backend, generated from it, gives the day and rule the law gives
    run with plain one-case operations, and the stage's start as the conventions place it."""
    facts = (number, received, at, requested, acknowledged, logged, start, ack)
    day, rule, placed = timeliness.response_clock_one_case(calendar, conventions, *facts)
    plain = timeliness.ClockScalars(calendar, conventions)
    names = ("number", "received_on", "received_at", "requested_on", "acknowledged_on")
    names += ("logged_on", "respond_from", "ack_days")
    law = timeliness.response_clock_law(plain, **dict(zip(names, facts, strict=True)))
    assert (day, rule) == law
    if rule == timeliness.ClockRule.NO_START:
        assert number > 1 and requested is None and day is None
        return
    assert placed == timeliness.stage_start(calendar, conventions, *facts[:4])


def test_over_a_table_the_law_runs_once_and_no_clock_per_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over a table a clock's day and label (what verdicts read) come from one run of the
    law over the arrays: the one-case clock is never worked out per row, and no note is
    worded; reading the note words each distinct clock once, as each case alone words it."""
    per_row: list[Any] = []
    laws: list[Any] = []
    words: list[Any] = []

    def counting(calls: list[Any], fn: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            calls.append(args)
            return fn(*args, **kwargs)

        return counted

    one_case = expressions._response_clock
    monkeypatch.setattr(expressions, "_response_clock", counting(per_row, one_case))
    law = getattr(expressions, "_clock_law", None)
    monkeypatch.setattr(expressions, "_clock_law", counting(laws, law), raising=False)
    text = getattr(expressions, "_clock_words", None)
    monkeypatch.setattr(expressions, "_clock_words", counting(words, text), raising=False)
    cases = []
    for k in range(40):
        received = date(2024, 3, 1) + timedelta(days=k)
        acknowledged = received + timedelta(days=2 if k % 2 else 12)  # in time, or late
        first = {"number": 1, "acknowledged": {"on": str(acknowledged)}}
        data = {"reference": f"T-{k}", "received_on": str(received), "stages": [first]}
        cases.append(Complaint.model_validate(data))
    clock = response_clock(1, respond_from=param("from"), ack_days=param("ack"))
    values = {"from": "acknowledgement", "ack": 5, _AS_OF: None}
    values.update(calendar_params(ENGINE.calendar, ENGINE.conventions))
    env = expressions._Columns(case_table(cases), values, len(cases))
    for read in (clock.get("day"), clock.get("label"), clock.is_null()):
        expressions._array(read._arrow(env), len(cases))
    assert per_row == []  # no clock per row
    assert len(laws) == 1  # the law once over the table, whichever part read it
    assert words == []  # nothing worded for the day, the label or a null test
    notes = expressions._array(clock.get("note")._arrow(env), len(cases)).to_pylist()
    assert per_row == [] and len(laws) == 1
    assert 0 < len(words) <= len(cases)
    monkeypatch.setattr(expressions, "_response_clock", one_case)
    alone = [clock.get("note")._py(expressions._Row(c, values)) for c in cases]
    assert notes == alone
    assert any(n for n in notes) and not all(n for n in notes)
