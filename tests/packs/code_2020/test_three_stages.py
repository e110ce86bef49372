"""The optional third stage of the 2020/2022 Code, and the limit of three."""

from __future__ import annotations

from typing import Any

from complaintrules import Complaint, Engine, LandlordPolicy, Organisation, Verdict
from complaintrules.testing import assert_fails, assert_passes

ITEMS_1 = dict.fromkeys(
    ("stage", "decision", "reasons", "remedy", "outstanding_actions", "escalation_route"), True
)
ITEMS_2 = {**dict.fromkeys(ITEMS_1, True), "complaint_definition": True}
ITEMS_3 = ITEMS_2
DEFINITION = {"understanding": "Repairs to the boiler were missed", "outcomes_sought": "Fix it"}

# A complaint taken through all three stages, on time at each (2023 calendar):
# received 01-16, logged 01-18 (5-day deadline 01-23), stage 1 due 02-01;
# stage 2 requested 02-06, due 03-06; stage 3 requested 04-03, due 05-04 (Easter, May Day).
JOURNEY: dict[str, Any] = {
    "reference": "3-STAGE",
    "received_on": "2023-01-16",
    "issue_occurred_on": "2022-12-20",
    "stages": [
        {
            "number": 1,
            "logged_on": "2023-01-18",
            "acknowledged": {"on": "2023-01-18", "definition": DEFINITION},
            "handler": "A. Patel",
            "response": {
                "issued_on": "2023-02-01",
                "contents": ITEMS_1,
                "outcome": "partly_upheld",
                "all_points_addressed": True,
            },
            "remedies": [
                {"kind": "apology", "completed_on": "2023-02-01"},
                {"kind": "action", "due": "2023-02-15", "completed_on": "2023-02-10"},
            ],
            "actions": [
                {"description": "Boiler service", "due": "2023-02-15", "completed_on": "2023-02-10"}
            ],
        },
        {
            "number": 2,
            "requested_on": "2023-02-06",
            "acknowledged": {"on": "2023-02-07", "definition": DEFINITION},
            "handler": "B. Okafor",
            "response": {
                "issued_on": "2023-03-06",
                "contents": ITEMS_2,
                "outcome": "not_upheld",
                "all_points_addressed": True,
            },
        },
        {
            "number": 3,
            "requested_on": "2023-04-03",
            "acknowledged": {"on": "2023-04-04", "definition": DEFINITION},
            "handler": "Residents' review panel",
            "response": {
                "issued_on": "2023-05-04",
                "contents": ITEMS_3,
                "outcome": "not_upheld",
                "all_points_addressed": True,
            },
        },
    ],
    "closed_on": "2023-05-04",
}


def journey(**changes: Any) -> Complaint:
    data = {**JOURNEY, **changes}
    return Complaint.model_validate(data)


def test_a_full_three_stage_journey_passes_under_code_2020() -> None:
    report = Engine().evaluate_case(journey())
    assert [p.name for p in report.packs] == ["code_2020"]
    assert report.failures == [], [f"{f.rule_id}: {f.message}" for f in report.failures]
    assert report.warnings == [], [f"{f.rule_id}: {f.message}" for f in report.warnings]
    for rule_id in ("CHC20-4.1", "CHC20-5.1", "CHC20-5.13", "CHC20-5.17", "CHC20-5.18"):
        assert report.verdicts(rule_id) == {Verdict.PASS}, rule_id
    for rule_id in ("CHC20-5.8", "CHC20-5.16", "CHC20-5.20", "CHC20-5.11", "CHC20-5.12"):
        assert report.verdicts(rule_id) == {Verdict.PASS}, rule_id


def test_a_case_that_reaches_stage_4_fails() -> None:
    stages = [*JOURNEY["stages"], {"number": 4, "requested_on": "2023-05-10"}]
    finding = assert_fails(journey(stages=stages, closed_on=None), "CHC20-5.17")
    assert "stage 4" in finding.message


def test_a_third_stage_the_resident_did_not_ask_for_after_stage_2_fails() -> None:
    stages = [dict(s) for s in JOURNEY["stages"]]
    stages[2] = {**stages[2], "requested_on": "2023-03-01", "acknowledged": None}
    assert_fails(journey(stages=stages), "CHC20-5.18")


def test_stage2_letter_must_give_the_route_onward_to_stage_3() -> None:
    stages = [dict(s) for s in JOURNEY["stages"]]
    response = {**stages[1]["response"], "contents": {**ITEMS_2, "escalation_route": False}}
    stages[1] = {**stages[1], "response": response}
    assert_fails(journey(stages=stages), "CHC20-5.16")


def test_a_late_third_stage_is_a_warning_not_a_failure() -> None:
    # 5.18 is in the 2022 form's best-practice ('should') list.
    stages = [dict(s) for s in JOURNEY["stages"]]
    stages[2] = {**stages[2], "response": {**stages[2]["response"], "issued_on": "2023-05-05"}}
    report = Engine().evaluate_case(journey(stages=stages, closed_on="2023-05-05"))
    assert "CHC20-5.18" in {f.rule_id for f in report.warnings}
    assert "CHC20-5.18" not in {f.rule_id for f in report.failures}
    assert report.counts()["warnings"] >= 1


def policy(stages: int) -> LandlordPolicy:
    return LandlordPolicy.model_validate(
        {"name": f"{stages}-stage policy", "stages": [{"number": n} for n in range(1, stages + 1)]}
    )


def test_a_four_stage_policy_fails() -> None:
    finding = assert_fails(policy(4), "CHC20-5.17")
    assert "never acceptable" in finding.message


def test_a_two_stage_policy_passes() -> None:
    assert_passes(policy(2), "CHC20-5.17")


def _policy_finding(organisation: Organisation | None) -> Verdict:
    report = Engine().evaluate(policy=policy(3), organisation=organisation, pack="code_2020")
    (finding,) = [f for f in report.for_rule("CHC20-5.17") if f.subject.value == "policy"]
    return finding.verdict


def test_a_three_stage_policy_needs_its_reasons_in_the_self_assessment() -> None:
    with_reasons = Organisation.model_validate(
        {
            "name": "Example Homes",
            "self_assessments": [
                {
                    "completed_on": "2023-07-15",
                    "third_stage_reasons": "An independent residents' panel reviews stage 2.",
                }
            ],
        }
    )
    without = Organisation.model_validate(
        {"name": "Example Homes", "self_assessments": [{"completed_on": "2023-07-15"}]}
    )
    assert _policy_finding(with_reasons) is Verdict.PASS
    assert _policy_finding(without) is Verdict.FAIL
    assert _policy_finding(None) is Verdict.NEEDS_EVIDENCE


def test_a_three_stage_policy_is_judged_on_its_stage_3_timescale() -> None:
    three = LandlordPolicy.model_validate(
        {
            "stages": [
                {"number": 1},
                {"number": 2},
                {"number": 3, "respond_working_days": 25},
            ]
        }
    )
    assert_fails(three, "CHC20-5.18")
