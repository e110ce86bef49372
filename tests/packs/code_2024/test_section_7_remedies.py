"""Section 7 of the 2024 Code (putting things right): both sides of every boundary.

7.3's boundary is the remedy's own due date: a remedy due on the as-of date is not yet late,
one due the day before is; a remedy completed on its due date is on time, the day after is
late.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, LandlordPolicy, Organisation
from complaintrules.testing import (
    assert_fails,
    assert_needs_evidence,
    assert_not_applicable,
    assert_passes,
)

APOLOGY = {"kind": "apology", "offered_on": "2024-05-23", "completed_on": "2024-05-23"}
REPAIR = {"kind": "action", "description": "Treat damp", "due": "2024-06-14"}


def stage1(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": "2024-05-09"},
        "response": {"issued_on": "2024-05-23", "outcome": "upheld"},
    }
    stage.update(overrides)
    return stage


def stage2(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 2,
        "requested_on": "2024-06-03",
        "acknowledged": {"on": "2024-06-10"},
        "response": {"issued_on": "2024-07-08", "outcome": "upheld"},
    }
    stage.update(overrides)
    return stage


def case(*stages: dict[str, Any], **facts: Any) -> Complaint:
    return Complaint.model_validate(
        {"reference": "T-7", "received_on": "2024-05-01", "stages": list(stages), **facts}
    )


# -- 7.1 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["upheld", "partly_upheld"])
def test_7_1_fault_found_with_no_remedy_fails(outcome: str) -> None:
    found = assert_fails(
        case(stage1(response={"issued_on": "2024-05-23", "outcome": outcome})), "CHC24-7.1"
    )
    assert "stage 1" in found.message


@pytest.mark.parametrize("outcome", ["upheld", "partly_upheld"])
def test_7_1_fault_found_with_a_remedy_passes(outcome: str) -> None:
    assert_passes(
        case(stage1(response={"issued_on": "2024-05-23", "outcome": outcome}, remedies=[APOLOGY])),
        "CHC24-7.1",
    )


def test_7_1_outstanding_actions_alone_are_not_a_remedy() -> None:
    actions = [{"description": "Treat damp", "due": "2024-06-14"}]
    assert_fails(case(stage1(actions=actions)), "CHC24-7.1")


def test_7_1_remedy_must_be_at_the_stage_that_upheld() -> None:
    found = assert_fails(
        case(
            stage1(remedies=[APOLOGY]),
            stage2(),
        ),
        "CHC24-7.1",
    )
    assert "stage 2" in found.message


def test_7_1_not_upheld_is_not_applicable() -> None:
    assert_not_applicable(
        case(stage1(response={"issued_on": "2024-05-23", "outcome": "not_upheld"})),
        "CHC24-7.1",
    )


def test_7_1_no_response_yet_is_not_applicable() -> None:
    assert_not_applicable(case(stage1(response=None)), "CHC24-7.1")


def test_7_1_unrecorded_outcome_needs_evidence_naming_the_field() -> None:
    found = assert_needs_evidence(case(stage1(response={"issued_on": "2024-05-23"})), "CHC24-7.1")
    assert "response.outcome" in found.message


# -- 7.2 ---------------------------------------------------------------------------------


def test_7_2_without_attestation_needs_evidence() -> None:
    assert_needs_evidence(Organisation(name="Example Homes"), "CHC24-7.2")


# -- 7.3 ---------------------------------------------------------------------------------


def test_7_3_no_remedy_is_not_applicable() -> None:
    assert_not_applicable(case(stage1()), "CHC24-7.3")


def test_7_3_open_remedy_due_on_the_as_of_date_is_not_yet_late() -> None:
    found = assert_passes(case(stage1(remedies=[REPAIR])), "CHC24-7.3", as_of=date(2024, 6, 14))
    assert "not yet due" in found.message


def test_7_3_open_remedy_due_the_day_before_the_as_of_date_fails() -> None:
    found = assert_fails(case(stage1(remedies=[REPAIR])), "CHC24-7.3", as_of=date(2024, 6, 15))
    assert "2024-06-14" in found.message


def test_7_3_completed_on_its_due_date_passes() -> None:
    done = {**REPAIR, "completed_on": "2024-06-14"}
    assert_passes(case(stage1(remedies=[done])), "CHC24-7.3", as_of=date(2024, 7, 1))


def test_7_3_completed_the_day_after_its_due_date_fails() -> None:
    late = {**REPAIR, "completed_on": "2024-06-15"}
    found = assert_fails(case(stage1(remedies=[late])), "CHC24-7.3", as_of=date(2024, 7, 1))
    assert "after the date offered" in found.message


def test_7_3_closed_case_without_as_of_needs_the_remedy_completed() -> None:
    assert_fails(case(stage1(remedies=[REPAIR]), closed_on="2024-05-23"), "CHC24-7.3")


def test_7_3_closed_case_with_a_remedy_not_yet_due_on_the_as_of_date_passes() -> None:
    assert_passes(
        case(stage1(remedies=[REPAIR]), closed_on="2024-05-23"),
        "CHC24-7.3",
        as_of=date(2024, 6, 1),
    )


def test_7_3_open_case_dated_remedy_without_as_of_passes() -> None:
    assert_passes(case(stage1(remedies=[REPAIR])), "CHC24-7.3")


def test_7_3_undated_open_remedy_needs_evidence_naming_the_field() -> None:
    found = assert_needs_evidence(
        case(stage1(remedies=[{"kind": "financial", "amount": "150"}])), "CHC24-7.3"
    )
    assert "stages[0].remedies[0].due" in found.message


def test_7_3_undated_remedy_already_completed_passes() -> None:
    assert_passes(case(stage1(remedies=[APOLOGY])), "CHC24-7.3", as_of=date(2024, 7, 1))


def test_7_3_one_late_remedy_fails_the_case() -> None:
    assert_fails(case(stage1(remedies=[APOLOGY, REPAIR])), "CHC24-7.3", as_of=date(2024, 6, 17))


# -- 7.4 ---------------------------------------------------------------------------------


def test_7_4_policy() -> None:
    assert_passes(LandlordPolicy(remedies_guidance_considered=True), "CHC24-7.4")
    assert_fails(LandlordPolicy(remedies_guidance_considered=False), "CHC24-7.4")
    found = assert_needs_evidence(LandlordPolicy(), "CHC24-7.4")
    assert "remedies_guidance_considered" in found.message


def test_7_4_attestation() -> None:
    org = Organisation.model_validate(
        {
            "name": "Example Homes",
            "attestations": [
                {
                    "provision": "7.4",
                    "complies": False,
                    "statement": "Staff are not pointed to the guidance.",
                    "evidence": ["Compensation policy 2019"],
                    "on": "2024-09-30",
                    "by": "Head of Governance",
                }
            ],
        }
    )
    assert_fails(org, "CHC24-7.4", on=date(2025, 3, 31))
    assert_needs_evidence(Organisation(name="Example Homes"), "CHC24-7.4")
