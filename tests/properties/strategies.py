"""Hypothesis strategies for case data, shared by the property suite and tests/core.

Three kinds of case, all valid by construction:

* ``timeline``: an event list (received, then stage 1 and maybe stage 2 events in date
  order, then maybe closed or withdrawn), the shape the monitor and CRM event feeds use;
* ``stage_case``: the stage form, drawn around the deadlines that matter (receipt on a
  bank holiday or weekend, after a cut-off, late and missing acknowledgements, extensions
  within and beyond the cap, responses either side of the deadline, escalations);
* ``synthetic_case``: a row of the seeded synthetic CRM export (complaintrules.model.synthetic)
  read through the example mapping, with a drawn seed and start date.

Receipt dates span both Codes (April 2022 to 2025, across 1 April 2024) and land on or
next to bank holidays often.
"""

from __future__ import annotations

import os
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import holidays
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from complaintrules import Complaint, WorkingCalendar, load_mapping
from complaintrules.io.tabular import RowConverter, _converter
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
CAL = WorkingCalendar()
FIRST = date(2022, 4, 1)
LAST = date(2025, 9, 30)
_BANK = sorted(
    d for d in holidays.country_holidays("GB", subdiv="ENG", years=range(2022, 2026)) if d >= FIRST
)
DEFINITION = {"understanding": "Damp", "outcomes_sought": "Fix it"}

#: ``PROPERTY_SCALE=20 pytest tests/properties`` runs 20 times the examples, drawn at random
#: (a deeper search by hand); unset, every run checks the same few examples.
_SCALE = int(os.environ.get("PROPERTY_SCALE", "0") or 0)


def bounded(examples: int) -> settings:
    """Few examples, no deadline, the same examples on every run (no example database)."""
    return settings(
        max_examples=examples * max(_SCALE, 1),
        deadline=None,
        derandomize=not _SCALE,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def receipt_day() -> st.SearchStrategy[date]:
    """A receipt date under either Code, often a bank holiday, a day either side of one or
    the changeover day (1 April 2024)."""
    anywhere = st.dates(FIRST, LAST)
    near = st.tuples(st.sampled_from([*_BANK, date(2024, 4, 1)]), st.integers(-2, 2)).map(
        lambda p: p[0] + timedelta(days=p[1])
    )
    return st.one_of(anywhere, near)


@st.composite
def timeline(
    draw: st.DrawFn, start: date = date(2024, 4, 1), days: int = 400
) -> list[dict[str, object]]:
    """A case's event list: received, then stage 1 (and maybe stage 2) events in date order."""
    day = start + timedelta(days=draw(st.integers(0, days)))
    events: list[dict[str, object]] = [{"type": "received", "on": day.isoformat()}]

    def later(most: int) -> date:
        nonlocal day
        day += timedelta(days=draw(st.integers(0, most)))
        return day

    for stage in (1, 2):
        if stage == 2:
            if not draw(st.booleans()):
                break
            events.append({"type": "escalation_requested", "stage": 2, "on": later(20).isoformat()})
        if draw(st.booleans()):
            events.append(
                {
                    "type": "handler_assigned",
                    "stage": stage,
                    "on": later(5).isoformat(),
                    "handler": f"H{stage}",
                }
            )
        if draw(st.booleans()):
            events.append(
                {
                    "type": "acknowledged",
                    "stage": stage,
                    "on": later(12).isoformat(),
                    "definition": dict(DEFINITION),
                }
            )
        if draw(st.booleans()):
            notified = later(20)
            events.append(
                {
                    "type": "extension_notified",
                    "stage": stage,
                    "on": notified.isoformat(),
                    "new_due": (notified + timedelta(days=draw(st.integers(1, 30)))).isoformat(),
                    "reason": "Survey",
                }
            )
        if draw(st.booleans()):
            events.append({"type": "response_issued", "stage": stage, "on": later(30).isoformat()})
        else:
            break
    if draw(st.booleans()):
        events.append(
            {"type": draw(st.sampled_from(["closed", "withdrawn"])), "on": later(20).isoformat()}
        )
    return events


def _shift(day: date, k: int) -> date:
    """``k`` working days after ``day`` (before it when negative)."""
    if k > 0:
        return CAL.add_working_days(day, k)
    while k < 0:
        day -= timedelta(days=1)
        k += CAL.is_working_day(day)
    return day


@st.composite
def _stage(
    draw: st.DrawFn, number: int, start: date, ack_days: int, reply_days: int
) -> tuple[dict[str, Any], date | None]:
    """One stage counted from ``start`` (receipt or request); returns it and its response."""
    stage: dict[str, Any] = {"number": number}
    ack = None
    if draw(st.integers(0, 9)) > 0:
        ack = _shift(start, draw(st.sampled_from([0, 1, ack_days, ack_days + 1, 8])))
        stage["acknowledged"] = {"on": ack.isoformat()}
        if draw(st.booleans()):
            stage["acknowledged"]["definition"] = dict(DEFINITION)
    clock = ack if ack is not None else CAL.add_working_days(start, ack_days)
    deadline = CAL.add_working_days(clock, reply_days)
    extensions = []
    for _ in range(draw(st.integers(0, 2))):
        notified = max(_shift(deadline, draw(st.integers(-4, 2))), start)
        new_due = CAL.add_working_days(
            max(deadline, notified), draw(st.sampled_from([1, 5, 10, 11, 20, 21]))
        )
        ext: dict[str, Any] = {
            "notified_on": notified.isoformat(),
            "new_due": new_due.isoformat(),
        }
        if draw(st.booleans()):
            ext["reason"] = "Contractor survey"
        extensions.append(ext)
    if extensions:
        stage["extensions"] = extensions
    response = None
    if draw(st.integers(0, 4)) > 0:
        response = max(_shift(deadline, draw(st.integers(-5, 25))), ack or start, start)
        stage["response"] = {"issued_on": response.isoformat()}
    return stage, response


@st.composite
def stage_case(draw: st.DrawFn, reference: str = "G-1") -> dict[str, Any]:
    """A case in the stage form, drawn around the timeliness deadlines of either Code."""
    received = draw(receipt_day())
    data: dict[str, Any] = {"reference": reference, "received_on": received.isoformat()}
    if draw(st.booleans()):
        data["received_at"] = time(draw(st.sampled_from([8, 12, 16, 17, 18, 23])), 0).isoformat()
    stage1, response = draw(_stage(1, received, 5, 10))
    stages = [stage1]
    if response is not None and draw(st.booleans()):
        requested = CAL.on_or_after(response + timedelta(days=draw(st.integers(1, 25))))
        stage2, _ = draw(_stage(2, requested, 5, 20))
        stage2["requested_on"] = requested.isoformat()
        stages.append(stage2)
    data["stages"] = stages
    end = draw(st.sampled_from(["open", "open", "withdrawn", "closed"]))
    last = received + timedelta(days=draw(st.integers(1, 90)))
    if end == "withdrawn":
        data["withdrawn_on"] = last.isoformat()
    elif end == "closed" and response is not None and len(stages) == 1:
        data["closed_on"] = max(last, response).isoformat()
    return data


@cache
def _row_converter() -> RowConverter:
    return _converter(load_mapping(MAPPING), HEADER)


@st.composite
def synthetic_case(draw: st.DrawFn, reference: str = "G-1") -> Complaint:
    """One row of the seeded synthetic export, read through the example mapping."""
    seed = draw(st.integers(0, 2**32 - 1))
    start = draw(st.sampled_from([date(2022, 4, 1), date(2023, 10, 1), date(2024, 4, 1)]))
    (row,) = synthetic_rows(1, seed=seed, start=start, days=365)
    converted = _row_converter().convert(2, row)
    assert converted.case is not None, converted.problems
    return converted.case.model_copy(update={"reference": reference})


def complaint(reference: str = "G-1") -> st.SearchStrategy[Complaint]:
    """A valid case of any of the three kinds."""
    return st.one_of(
        timeline(FIRST, (LAST - FIRST).days).map(
            lambda events: Complaint.model_validate({"reference": reference, "events": events})
        ),
        stage_case(reference).map(Complaint.model_validate),
        synthetic_case(reference),
    )


def complaints(most: int = 4) -> st.SearchStrategy[list[Complaint]]:
    """A few valid cases with distinct references."""
    return st.integers(1, most).flatmap(
        lambda n: st.tuples(*(complaint(f"G-{i + 1}") for i in range(n))).map(list)
    )
