"""due(): what is due next on an open case, across bank holidays, with and without extensions.

Every date below is worked by hand from the England and Wales calendar; the arithmetic
is shown beside each so a reader can check it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Engine, ObligationStatus, due


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def case(**data: Any) -> Complaint:
    return Complaint.model_validate({"reference": "DUE-1", **data})


def test_stage1_across_christmas_no_extension(engine: Engine) -> None:
    # Received Fri 20 Dec 2024. Acknowledge by: 23, 24, (25, 26 bank holidays), 27, 30,
    # 31 Dec -> Tue 31 Dec. Acknowledged Mon 23 Dec, so respond by: 24, 27, 30, 31 Dec,
    # (1 Jan bank holiday), 2, 3, 6, 7, 8, 9 Jan -> Thu 9 Jan 2025. The latest an
    # extension may reach without a good reason: 10 more working days -> Thu 23 Jan.
    c = case(received_on="2024-12-20", stages=[{"number": 1, "acknowledged": {"on": "2024-12-23"}}])
    report = due(c, date(2025, 1, 3), engine=engine)
    ack = report.obligation(1, "acknowledge")
    assert ack is not None
    assert ack.due_by == date(2024, 12, 31)
    assert ack.status is ObligationStatus.DONE_ON_TIME
    respond = report.obligation(1, "respond")
    assert respond is not None
    assert respond.status is ObligationStatus.PENDING
    assert (respond.original_due, respond.due_by) == (date(2025, 1, 9), date(2025, 1, 9))
    assert respond.latest_extension == date(2025, 1, 23)
    assert respond.working_days_left == 4  # 6, 7, 8, 9 January
    assert report.next == [respond]
    assert report.breached == []
    skipped = respond.evidence["non_working_weekdays_skipped"]
    assert "2025-01-01 (bank holiday: New Year's Day)" in skipped
    # The day after the deadline it is overdue by one working day.
    late = due(c, date(2025, 1, 10), engine=engine).obligation(1, "respond")
    assert late is not None
    assert late.status is ObligationStatus.OVERDUE
    assert late.working_days_late == 1
    assert late.breached


def test_stage1_acknowledgement_due_on_the_boundary(engine: Engine) -> None:
    c = case(received_on="2024-12-20", stages=[{"number": 1}])
    on_the_day = due(c, date(2024, 12, 31), engine=engine).obligation(1, "acknowledge")
    day_after = due(c, date(2025, 1, 2), engine=engine).obligation(1, "acknowledge")
    assert on_the_day is not None and day_after is not None
    assert on_the_day.status is ObligationStatus.PENDING
    assert on_the_day.working_days_left == 0
    assert day_after.status is ObligationStatus.OVERDUE


def test_stage1_with_extension_across_easter(engine: Engine) -> None:
    # Received Thu 10 Apr 2025; acknowledged Tue 15 Apr. Respond by: 16, 17, (18 Good
    # Friday, 21 Easter Monday), 22, 23, 24, 25, 28, 29, 30 Apr, 1 May -> Thu 1 May.
    # Cap: 10 more working days: 2, (5 May bank holiday), 6-9, 12-16 May -> Fri 16 May.
    # The extension to Wed 14 May was notified on 28 Apr, before the deadline.
    c = case(
        received_on="2025-04-10",
        stages=[
            {
                "number": 1,
                "acknowledged": {"on": "2025-04-15"},
                "extensions": [
                    {"notified_on": "2025-04-28", "new_due": "2025-05-14", "reason": "Survey"}
                ],
            }
        ],
    )
    report = due(c, date(2025, 5, 2), engine=engine)
    respond = report.obligation(1, "respond")
    assert respond is not None
    assert respond.original_due == date(2025, 5, 1)
    assert respond.due_by == date(2025, 5, 14)
    assert respond.latest_extension == date(2025, 5, 16)
    assert respond.status is ObligationStatus.PENDING  # 2 May is after 1 May, but extended
    assert respond.working_days_left == 7  # 6, 7, 8, 9, 12, 13, 14 May (5 May a holiday)
    skipped = respond.evidence["non_working_weekdays_skipped"]
    assert "2025-04-18 (bank holiday: Good Friday)" in skipped
    assert "2025-04-21 (bank holiday: Easter Monday)" in skipped
    overdue = due(c, date(2025, 5, 15), engine=engine).obligation(1, "respond")
    assert overdue is not None and overdue.status is ObligationStatus.OVERDUE


def test_stage1_same_case_without_the_extension_is_overdue(engine: Engine) -> None:
    c = case(received_on="2025-04-10", stages=[{"number": 1, "acknowledged": {"on": "2025-04-15"}}])
    respond = due(c, date(2025, 5, 2), engine=engine).obligation(1, "respond")
    assert respond is not None
    assert respond.status is ObligationStatus.OVERDUE
    assert respond.due_by == date(2025, 5, 1)


_STAGE1_DONE = {
    "number": 1,
    "acknowledged": {"on": "2024-11-04"},
    "response": {"issued_on": "2024-11-15"},
}


def test_stage2_across_christmas_no_extension(engine: Engine) -> None:
    # Escalation requested Mon 16 Dec 2024: acknowledge by 17, 18, 19, 20, 23 Dec -> 23 Dec.
    # Acknowledged Thu 19 Dec; respond in 20 working days: 20, 23, 24, 27, 30, 31 Dec, 2, 3,
    # 6-10, 13-17, 20, 21 Jan -> Tue 21 Jan 2025. Cap: 20 more -> Tue 18 Feb 2025.
    c = case(
        received_on="2024-11-01",
        stages=[
            _STAGE1_DONE,
            {"number": 2, "requested_on": "2024-12-16", "acknowledged": {"on": "2024-12-19"}},
        ],
    )
    report = due(c, date(2025, 1, 6), engine=engine)
    assert report.obligation(2, "acknowledge").due_by == date(2024, 12, 23)  # type: ignore[union-attr]
    respond = report.obligation(2, "respond")
    assert respond is not None
    assert respond.status is ObligationStatus.PENDING
    assert respond.due_by == date(2025, 1, 21)
    assert respond.latest_extension == date(2025, 2, 18)
    assert respond.working_days_left == 11
    stage1 = report.obligation(1, "respond")
    assert stage1 is not None and stage1.status is ObligationStatus.DONE_ON_TIME
    assert [o.what for o in report.next] == ["stage 2 response"]


def test_stage2_with_extension_across_easter_and_the_cap(engine: Engine) -> None:
    # Requested Mon 7 Apr 2025; acknowledged Wed 9 Apr. 20 working days: 10, 11, 14-17,
    # (18, 21 Apr holidays), 22-25, 28-30 Apr, 1, 2, (5 May holiday), 6-9, 12 May -> Mon
    # 12 May. Cap: 20 more: 13-16, 19-23, (26 May holiday), 27-30 May, 2-6, 9, 10 Jun ->
    # Tue 10 Jun. An extension to 20 Jun without a good reason counts only to 10 Jun.
    base: dict[str, Any] = {
        "number": 2,
        "requested_on": "2025-04-07",
        "acknowledged": {"on": "2025-04-09"},
    }
    within = case(
        received_on="2025-03-03",
        stages=[
            {
                "number": 1,
                "acknowledged": {"on": "2025-03-04"},
                "response": {"issued_on": "2025-03-10"},
            },
            {
                **base,
                "extensions": [
                    {"notified_on": "2025-05-06", "new_due": "2025-06-02", "reason": "Survey"}
                ],
            },
        ],
    )
    respond = due(within, date(2025, 5, 13), engine=engine).obligation(2, "respond")
    assert respond is not None
    assert (respond.original_due, respond.due_by) == (date(2025, 5, 12), date(2025, 6, 2))
    assert respond.latest_extension == date(2025, 6, 10)
    assert respond.status is ObligationStatus.PENDING
    beyond = case(
        received_on="2025-03-03",
        stages=[
            {
                "number": 1,
                "acknowledged": {"on": "2025-03-04"},
                "response": {"issued_on": "2025-03-10"},
            },
            {
                **base,
                "extensions": [
                    {"notified_on": "2025-05-06", "new_due": "2025-06-20", "reason": "Survey"}
                ],
            },
        ],
    )
    capped = due(beyond, date(2025, 6, 11), engine=engine).obligation(2, "respond")
    assert capped is not None
    assert capped.due_by == date(2025, 6, 10)
    assert capped.status is ObligationStatus.OVERDUE


def test_closed_and_withdrawn_cases_owe_nothing(engine: Engine) -> None:
    c = case(received_on="2024-12-20", stages=[{"number": 1}], withdrawn_on="2024-12-23")
    report = due(c, date(2025, 2, 1), engine=engine)
    assert {o.status for o in report.obligations} == {ObligationStatus.NOT_REQUIRED}
    assert report.next == [] and report.breached == []
    assert report.to_dict()["open"] is False


def test_due_agrees_with_the_rules(engine: Engine) -> None:
    """An overdue obligation is exactly a failing timeliness rule, and the reverse."""
    c = case(received_on="2024-12-20", stages=[{"number": 1, "acknowledged": {"on": "2024-12-23"}}])
    as_of = date(2025, 1, 10)
    findings = {f.rule_id: f for f in engine.case_findings(c, as_of=as_of)}
    report = due(c, as_of, engine=engine)
    assert findings["CHC24-6.3"].verdict.value == "fail"
    assert report.obligation(1, "respond").breached  # type: ignore[union-attr]
    assert findings["CHC24-6.3"].evidence.computed["due_by"] == "2025-01-09"


def test_due_on_2022_code_stages_2_and_3() -> None:
    """code_2020 sets no acknowledgement timescale after stage 1: nothing is owed for it,
    and stage 2 and 3 responses run 20 working days from the escalation request."""
    from complaintrules import Complaint, due

    case = Complaint.model_validate(
        {
            "reference": "OLD-3",
            "received_on": "2023-06-05",
            "stages": [
                {"number": 1, "logged_on": "2023-06-06", "response": {"issued_on": "2023-06-20"}},
                {
                    "number": 2,
                    "requested_on": "2023-07-03",
                    "response": {"issued_on": "2023-07-28"},
                },
                {"number": 3, "requested_on": "2023-08-01"},
            ],
        }
    )
    report = due(case, date(2023, 8, 30))
    assert report.pack == "code_2020"
    kinds = [(o.stage, o.kind) for o in report.obligations]
    assert kinds == [(1, "acknowledge"), (1, "respond"), (2, "respond"), (3, "respond")]
    stage3 = report.obligations[-1]
    # 20 working days after 1 August 2023, across the 28 August bank holiday
    assert stage3.due_by == date(2023, 8, 30)
    assert stage3 not in report.breached
    assert due(case, date(2023, 8, 31)).obligations[-1] in due(case, date(2023, 8, 31)).breached
