"""The 2020/2022 Code's time limit: a complaint within 6 months of the issue may not be refused
as out of time (the 2024 Code made it 12 months)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, LandlordPolicy
from complaintrules.testing import (
    assert_fails,
    assert_needs_evidence,
    assert_not_applicable,
    assert_passes,
    default_engine,
)


def refused(received: str, **facts: Any) -> Complaint:
    return Complaint.model_validate(
        {
            "reference": "X-1",
            "received_on": received,
            "stages": [{"number": 1}],
            "refusals": [{"on": received, "ground": "out_of_time"}],
            **facts,
        }
    )


WINDOW = [
    # issue arose, last day a complaint is in time, first day it is out of time
    ("2022-11-03", "2023-05-03", "2023-05-04"),
    ("2022-08-31", "2023-02-28", "2023-03-01"),  # month-end: no 31 February
    ("2023-09-30", "2024-03-30", "2024-03-31"),  # the Code's last days
]


@pytest.mark.parametrize(("issue", "last", "first_out"), WINDOW)
def test_refusing_on_the_last_day_of_6_months_fails(issue: str, last: str, first_out: str) -> None:
    finding = assert_fails(refused(last, issue_occurred_on=issue), "CHC20-1.8")
    assert finding.evidence.computed["last_day_in_time"] == last


@pytest.mark.parametrize(("issue", "last", "first_out"), WINDOW)
def test_refusing_the_day_after_6_months_passes(issue: str, last: str, first_out: str) -> None:
    assert_passes(refused(first_out, issue_occurred_on=issue), "CHC20-1.8")


def test_the_window_is_six_months_for_the_whole_life_of_the_pack() -> None:
    params = default_engine().registry.get("code_2020").parameters
    for day in (date(2020, 7, 1), date(2022, 4, 1), date(2024, 3, 31)):
        assert params.at("exclusions.time_limit_months", day).value == 6


def test_the_window_runs_from_the_issue_not_from_awareness() -> None:
    # Out of time by the issue date even though the resident learnt of it recently: under
    # this Code the window is counted from the issue (2024 added "or becoming aware").
    case = refused("2023-05-04", issue_occurred_on="2022-11-03", became_aware_on="2023-04-01")
    assert_passes(case, "CHC20-1.8")


def test_without_the_issue_date_it_needs_evidence() -> None:
    finding = assert_needs_evidence(refused("2023-05-04"), "CHC20-1.8")
    assert "issue_occurred_on" in finding.message


def test_other_refusals_are_not_judged_on_the_window() -> None:
    case = Complaint.model_validate(
        {
            "reference": "X-2",
            "received_on": "2023-05-04",
            "issue_occurred_on": "2023-05-01",
            "stages": [{"number": 1}],
            "refusals": [{"on": "2023-05-04", "ground": "legal_proceedings"}],
        }
    )
    assert_not_applicable(case, "CHC20-1.8")


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True)])
def test_policy_time_limit_of_at_least_6_months(months: int, ok: bool) -> None:
    policy = LandlordPolicy.model_validate(
        {"exclusions": {"grounds": ["issue too old"], "time_limit_months": months}}
    )
    (assert_passes if ok else assert_fails)(policy, "CHC20-1.8")


def test_a_2024_case_refused_at_7_months_is_judged_on_12() -> None:
    # The same facts after the changeover fall under code_2024's 12-month window.
    case = refused("2024-06-10", issue_occurred_on="2023-11-09")
    report = default_engine().evaluate_case(case)
    assert [p.name for p in report.packs] == ["code_2024"]
    assert not report.for_rule("CHC20-1.8")
