"""Section 2 of the 2024 Code (exclusions): both sides of the 12-month boundary.

The window runs 12 calendar months from the later of the issue and the resident becoming
aware of it, and its last day (the same date a year on, or the month's last day when that
date does not exist) is still in time. A refusal as out of time of a complaint received on
that last day breaches 2.3; received the day after, the refusal is open to the landlord if
it considered discretion.
"""

from __future__ import annotations

from typing import Any

import pytest

from complaintrules import Complaint, LandlordPolicy
from complaintrules.testing import (
    assert_fails,
    assert_needs_evidence,
    assert_not_applicable,
    assert_passes,
)

RULE = "CHC24-2.3"


def case(
    received_on: str,
    *,
    issue: str | None = None,
    aware: str | None = None,
    refusals: list[dict[str, Any]] | None = None,
    discretion: bool | None = True,
) -> Complaint:
    data: dict[str, Any] = {"reference": "T-2", "received_on": received_on, "stages": []}
    if issue is not None:
        data["issue_occurred_on"] = issue
    if aware is not None:
        data["became_aware_on"] = aware
    if refusals is None:
        refusals = [
            {"on": received_on, "ground": "out_of_time", "discretion_considered": discretion}
        ]
    data["refusals"] = refusals
    return Complaint.model_validate(data)


# -- 2.3: the 12-month boundary on the case --------------------------------------------------


@pytest.mark.parametrize(
    ("issue", "received", "last_day"),
    [
        ("2023-05-01", "2024-05-01", "2024-05-01"),
        ("2023-12-31", "2024-12-31", "2024-12-31"),
        # 2024-02-29 has no twin in 2025: the window ends on the month's last day.
        ("2024-02-29", "2025-02-28", "2025-02-28"),
    ],
)
def test_refusal_on_the_last_day_in_time_fails(issue: str, received: str, last_day: str) -> None:
    finding = assert_fails(case(received, issue=issue, aware=issue), RULE)
    assert finding.evidence.computed["last_day_in_time"] == last_day
    assert f"in time up to {last_day}" in finding.message


@pytest.mark.parametrize(
    ("issue", "received"),
    [
        ("2023-04-30", "2024-05-01"),
        ("2023-12-31", "2025-01-01"),
        ("2024-02-29", "2025-03-01"),
    ],
)
def test_refusal_on_the_first_day_out_of_time_passes(issue: str, received: str) -> None:
    assert_passes(case(received, issue=issue, aware=issue), RULE)


def test_the_window_reads_its_length_from_the_parameter() -> None:
    finding = assert_fails(case("2024-05-01", issue="2023-05-01", aware="2023-05-01"), RULE)
    assert finding.evidence.parameters["exclusions.time_limit_months"]["value"] == 12


def test_awareness_restarts_the_window() -> None:
    # The issue is two years old, but the resident learned of it 11 months ago.
    assert_fails(case("2024-05-01", issue="2022-05-01", aware="2023-06-01"), RULE)
    # Awareness on the last day in time, counted from awareness.
    assert_fails(case("2024-05-01", issue="2022-05-01", aware="2023-05-01"), RULE)
    # Awareness a day earlier: out of time from both dates.
    assert_passes(case("2024-05-01", issue="2022-05-01", aware="2023-04-30"), RULE)


def test_out_of_time_refusal_needs_discretion_considered() -> None:
    assert_fails(case("2024-05-01", issue="2023-04-30", aware="2023-04-30", discretion=False), RULE)
    assert_needs_evidence(
        case("2024-05-01", issue="2023-04-30", aware="2023-04-30", discretion=None), RULE
    )


def test_unknown_dates_need_evidence() -> None:
    finding = assert_needs_evidence(case("2024-05-01"), RULE)
    assert "issue_occurred_on" in finding.message


def test_an_old_issue_with_no_awareness_date_asks_for_it() -> None:
    finding = assert_needs_evidence(case("2024-05-01", issue="2023-04-30"), RULE)
    assert "became_aware_on" in finding.message
    # In time from the issue alone: awareness can only be later, so the refusal fails.
    assert_fails(case("2024-05-01", issue="2023-05-01"), RULE)


def test_accepted_complaint_passes_and_other_grounds_are_not_applicable() -> None:
    assert_passes(case("2024-05-01", issue="2023-05-01", refusals=[]), RULE)
    other = [{"on": "2024-05-02", "ground": "legal_proceedings", "claim_filed_on": "2024-04-01"}]
    assert_not_applicable(case("2024-05-01", refusals=other), RULE)


# -- 2.3 on the policy -----------------------------------------------------------------------


def policy(**exclusions: Any) -> LandlordPolicy:
    base = {
        "time_limit_months": 12,
        "time_limit_from_awareness": True,
        "discretion_beyond_time_limit": True,
    }
    base.update(exclusions)
    return LandlordPolicy.model_validate({"exclusions": base})


def test_policy_time_limit_boundary() -> None:
    assert_passes(policy(time_limit_months=12), RULE)
    assert_passes(policy(time_limit_months=18), RULE)
    assert_fails(policy(time_limit_months=11), RULE)
    assert_fails(policy(time_limit_months=6), RULE)


def test_policy_needs_awareness_and_discretion() -> None:
    assert_fails(policy(time_limit_from_awareness=False), RULE)
    assert_fails(policy(discretion_beyond_time_limit=False), RULE)
    finding = assert_needs_evidence(policy(discretion_beyond_time_limit=None), RULE)
    assert "discretion_beyond_time_limit" in finding.message


# -- 2.2, 2.4 ----------------------------------------------------------------------------------


def test_2_2_policy_time_limit_and_grounds() -> None:
    grounds = ["legal proceedings have started"]
    assert_fails(policy(grounds=grounds, time_limit_months=11), "CHC24-2.2")
    assert_passes(policy(grounds=grounds, time_limit_months=12), "CHC24-2.2")
    assert_fails(policy(grounds=[]), "CHC24-2.2")


def test_2_2_legal_proceedings_start_when_the_claim_is_filed() -> None:
    def refused(filed: str | None) -> Complaint:
        refusal: dict[str, Any] = {"on": "2024-05-10", "ground": "legal_proceedings"}
        if filed:
            refusal["claim_filed_on"] = filed
        return case("2024-05-01", refusals=[refusal])

    assert_passes(refused("2024-05-10"), "CHC24-2.2")
    assert_fails(refused("2024-05-11"), "CHC24-2.2")
    assert_needs_evidence(refused(None), "CHC24-2.2")


def test_2_4_each_refusal_explained_with_the_ombudsman_route() -> None:
    def refused(explained: bool | None, ombudsman: bool | None) -> Complaint:
        refusal = {
            "on": "2024-05-03",
            "ground": "already_considered",
            "previous_reference": "T-1",
            "explanation_given": explained,
            "ombudsman_right_given": ombudsman,
        }
        return case("2024-05-01", refusals=[refusal])

    assert_passes(refused(True, True), "CHC24-2.4")
    assert_fails(refused(True, False), "CHC24-2.4")
    assert_fails(refused(False, True), "CHC24-2.4")
    finding = assert_needs_evidence(refused(True, None), "CHC24-2.4")
    assert "ombudsman_right_given" in finding.message
