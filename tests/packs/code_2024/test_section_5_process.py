"""Section 5 of the 2024 Code (the process): the stage-count rules on both sides, and the
boundaries of the update-interval and review checks.

5.2 forbids an extra named stage before stage 1 ('stage 0', 'informal complaint'); 5.3
forbids more than the Code's stages.count (2). A policy must have exactly two stages; a
case may not go beyond stage 2 or through more than two stages.
"""

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
)

DEFINITION = {"understanding": "Damp in the bedroom.", "outcomes_sought": "Treat the damp."}


def stage1(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": "2024-05-09", "definition": DEFINITION},
        "response": {"issued_on": "2024-05-23", "outcome": "not_upheld"},
    }
    stage.update(overrides)
    return stage


def stage2(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 2,
        "requested_on": "2024-06-03",
        "acknowledged": {"on": "2024-06-10", "definition": DEFINITION},
        "response": {"issued_on": "2024-07-08", "outcome": "not_upheld"},
    }
    stage.update(overrides)
    return stage


def case(*stages: dict[str, Any], **facts: Any) -> Complaint:
    data: dict[str, Any] = {"reference": "T-5", "received_on": "2024-05-01"}
    data.update(facts)
    data["stages"] = list(stages)
    return Complaint.model_validate(data)


def policy(*numbers: int, informal: tuple[int, ...] = ()) -> LandlordPolicy:
    return LandlordPolicy.model_validate(
        {"stages": [{"number": n, "informal": n in informal} for n in numbers]}
    )


# -- 5.3: exactly two stages in the policy ----------------------------------------------------


def test_policy_with_two_stages_passes() -> None:
    finding = assert_passes(policy(1, 2), "CHC24-5.3")
    assert finding.evidence.parameters["stages.count"]["value"] == 2


@pytest.mark.parametrize("numbers", [(1, 2, 3), (0, 1, 2), (1,), (1, 3)])
def test_policy_with_other_than_two_stages_fails(numbers: tuple[int, ...]) -> None:
    assert_fails(policy(*numbers), "CHC24-5.3")


def test_policy_without_stages_needs_evidence() -> None:
    finding = assert_needs_evidence(LandlordPolicy(), "CHC24-5.3")
    assert "stages" in finding.message


# -- 5.2: no stage 0 or informal stage in the policy ------------------------------------------


def test_policy_stage_0_or_informal_stage_fails_5_2() -> None:
    assert_fails(policy(0, 1, 2), "CHC24-5.2")
    assert_fails(policy(1, 2, informal=(1,)), "CHC24-5.2")
    assert_passes(policy(1, 2), "CHC24-5.2")


def test_a_third_stage_is_a_5_3_matter_not_5_2() -> None:
    assert_passes(policy(1, 2, 3), "CHC24-5.2")
    assert_fails(policy(1, 2, 3), "CHC24-5.3")


# -- the same rules on cases ----------------------------------------------------------------


def test_case_stage_numbers_on_both_sides() -> None:
    assert_passes(case(stage1()), "CHC24-5.3")
    assert_passes(case(stage1(), stage2()), "CHC24-5.3")
    third = {"number": 3, "requested_on": "2024-07-15"}
    finding = assert_fails(case(stage1(), stage2(), third), "CHC24-5.3")
    assert "stage 3" in finding.message


def test_case_stage_0_fails_5_2_and_counts_towards_5_3() -> None:
    assert_fails(case({"number": 0}, stage1()), "CHC24-5.2")
    assert_passes(case({"number": 0}, stage1()), "CHC24-5.3")
    assert_fails(case({"number": 0}, stage1(), stage2()), "CHC24-5.3")
    assert_passes(case(stage1(), stage2()), "CHC24-5.2")


def test_case_without_stage_records_is_at_stage_1() -> None:
    # Received and not refused means stage 1, whether or not the CRM logged it.
    assert [s.number for s in case().stages] == [1]
    assert_passes(case(), "CHC24-5.2")
    assert_passes(case(), "CHC24-5.3")
    assert_fails(case(), "CHC24-6.2", as_of=date(2024, 5, 10))


def test_refused_case_has_no_stage() -> None:
    refused = case(
        refusals=[
            {
                "on": "2024-05-02",
                "ground": "out_of_time",
                "explanation_given": True,
                "ombudsman_right_given": True,
            }
        ]
    )
    assert refused.stages == []
    assert_not_applicable(refused, "CHC24-5.2")
    assert_not_applicable(refused, "CHC24-5.3")


# -- 5.4: a third party inside the two stages ---------------------------------------------------


def test_third_party_stage_inside_and_outside() -> None:
    assert_passes(case(stage1(handler_organisation="FixIt Ltd")), "CHC24-5.4")
    assert_fails(case({"number": 0, "handler_organisation": "FixIt Ltd"}, stage1()), "CHC24-5.4")
    assert_not_applicable(case(stage1()), "CHC24-5.4")


# -- 5.9: update interval when late; the boundary is the original deadline ------------------------


def test_answered_on_the_deadline_needs_no_update_interval() -> None:
    # Stage 1 acknowledged 2024-05-09: the response is due 2024-05-23.
    on_time = case(stage1(response={"issued_on": "2024-05-23", "outcome": "upheld"}))
    assert_not_applicable(on_time, "CHC24-5.9")
    late = case(stage1(response={"issued_on": "2024-05-24", "outcome": "upheld"}))
    assert_needs_evidence(late, "CHC24-5.9")
    agreed = case(
        stage1(
            update_interval_agreed=True,
            response={"issued_on": "2024-05-24", "outcome": "upheld"},
        )
    )
    assert_passes(agreed, "CHC24-5.9")
    refused = case(
        stage1(
            update_interval_agreed=False,
            response={"issued_on": "2024-05-24", "outcome": "upheld"},
        )
    )
    assert_fails(refused, "CHC24-5.9")


def test_agreed_interval_kept_to_the_day() -> None:
    # Due 2024-05-23; Mon 27 May is a bank holiday, so 2024-05-31 is 5 working days later.
    def late(updates: list[str]) -> Complaint:
        return case(
            stage1(
                update_interval_working_days=5,
                updates_sent=updates,
                response={"issued_on": "2024-06-07", "outcome": "upheld"},
            )
        )

    assert_passes(late(["2024-05-31"]), "CHC24-5.9")
    assert_fails(late(["2024-06-03"]), "CHC24-5.9")


def test_open_late_stage_is_judged_at_the_as_of_date() -> None:
    open_case = case(stage1(response=None))
    assert_not_applicable(open_case, "CHC24-5.9", as_of=date(2024, 5, 23))
    assert_needs_evidence(open_case, "CHC24-5.9", as_of=date(2024, 5, 24))


# -- 5.10 / 5.14: reviews due ------------------------------------------------------------------


def restricted(review_due: str, closed_on: str, **extra: Any) -> Complaint:
    restriction = {"imposed_on": "2024-05-13", "reason": "abusive calls", "review_due": review_due}
    restriction.update(extra)
    return case(stage1(), closed_on=closed_on, contact_restrictions=[restriction])


def test_restriction_review_due_boundary() -> None:
    # Due on the day the case closed: not yet missed. Due the day before: missed.
    assert_passes(restricted("2024-07-08", "2024-07-08"), "CHC24-5.14")
    assert_fails(restricted("2024-07-07", "2024-07-08"), "CHC24-5.14")
    assert_passes(restricted("2024-07-07", "2024-07-08", reviews=["2024-07-07"]), "CHC24-5.14")
    # Lifted before the review fell due.
    assert_passes(restricted("2024-07-07", "2024-07-08", ended_on="2024-07-01"), "CHC24-5.14")


def test_restriction_without_reason_or_review_needs_evidence() -> None:
    bare = case(stage1(), contact_restrictions=[{"imposed_on": "2024-05-13"}])
    finding = assert_needs_evidence(bare, "CHC24-5.14")
    assert "reason" in finding.message
    assert_needs_evidence(bare, "CHC24-5.15")
