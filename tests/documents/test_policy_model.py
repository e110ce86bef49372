"""What the policy model says beyond yes/no fields, and how the rules honour it: periods in
the policy's own unit, the event a response clock starts from, a stage the landlord may
refuse, an extension with no cap or a cap that is only an aim, each stage's handler, the
documents the policy links to, and which letter contents a template names."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from complaintrules import Engine
from complaintrules.authoring import policy_stage_days
from complaintrules.law.context import Context
from complaintrules.model.policy import LandlordPolicy, PeriodUnit, PolicyPeriod

ON_2024 = date(2025, 1, 1)  # the 2024 Code is in force
ON_2020 = date(2023, 6, 1)  # the 2020/2022 Code is in force


def verdicts(on: date = ON_2024, **policy: Any) -> dict[str, tuple[str, str]]:
    report = Engine().evaluate_policy(LandlordPolicy.model_validate(policy), on=on)
    return {f.rule_id: (f.verdict.value, f.message) for f in report.findings}


def verdict(rule: str, on: date = ON_2024, **policy: Any) -> str:
    return verdicts(on, **policy)[rule][0]


# -- periods in the policy's own unit ------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "most"),
    [
        (10, "working_days", 10),
        (12, "days", 12),
        (14, "calendar_days", 10),
        (15, "calendar_days", 11),
        (28, "calendar_days", 20),
        (29, "calendar_days", 21),
        (2, "weeks", 10),
        (4, "weeks", 20),
        (1, "months", 23),
    ],
)
def test_a_period_holds_at_most_so_many_working_days(amount: int, unit: str, most: int) -> None:
    assert PolicyPeriod(amount=amount, unit=PeriodUnit(unit)).most_working_days == most


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ({"amount": 10, "unit": "working_days"}, "pass"),
        ({"amount": 14, "unit": "calendar_days"}, "pass"),
        ({"amount": 15, "unit": "calendar_days"}, "fail"),
        ({"amount": 2, "unit": "weeks"}, "pass"),
        ({"amount": 3, "unit": "weeks"}, "fail"),
        ({"amount": 11, "unit": "days"}, "fail"),
    ],
)
def test_the_stage_1_response_period_in_any_unit(within: dict[str, Any], expected: str) -> None:
    stages = [{"number": 1, "respond_within": within}, {"number": 2}]
    assert verdict("CHC24-6.3", stages=stages) == expected


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ({"amount": 28, "unit": "calendar_days"}, "pass"),
        ({"amount": 29, "unit": "calendar_days"}, "fail"),
        ({"amount": 4, "unit": "weeks"}, "pass"),
        ({"amount": 1, "unit": "months"}, "fail"),
    ],
)
def test_the_stage_2_response_period_in_any_unit(within: dict[str, Any], expected: str) -> None:
    stages = [{"number": 1}, {"number": 2, "respond_within": within}]
    assert verdict("CHC24-6.14", stages=stages) == expected
    assert verdict("CHC20-5.13", ON_2020, stages=stages) == expected


def test_a_converted_period_is_explained_in_the_message() -> None:
    stages = [{"number": 1, "respond_within": {"amount": 15, "unit": "calendar_days"}}]
    _, message = verdicts(stages=stages)["CHC24-6.3"]
    assert "15 calendar days (at most 11 working days)" in message
    assert "at most 10 working days" in message


def test_an_acknowledgement_in_calendar_days() -> None:
    stages = [{"number": 1, "acknowledge_within": {"amount": 7, "unit": "calendar_days"}}]
    assert verdict("CHC24-6.2", stages=stages) == "pass"
    stages = [{"number": 1, "acknowledge_within": {"amount": 8, "unit": "calendar_days"}}]
    assert verdict("CHC24-6.2", stages=stages) == "fail"


def test_a_period_stated_only_as_an_aim_is_reported_as_such() -> None:
    within = {"amount": 10, "unit": "working_days", "aim_only": True}
    result, message = verdicts(stages=[{"number": 1, "respond_within": within}])["CHC24-6.3"]
    assert result == "pass" and "stated only as an aim" in message


def test_a_period_given_twice_must_agree() -> None:
    with pytest.raises(ValidationError, match="give one of them"):
        LandlordPolicy.model_validate(
            {
                "stages": [
                    {
                        "number": 1,
                        "respond_working_days": 10,
                        "respond_within": {"amount": 14, "unit": "calendar_days"},
                    }
                ]
            }
        )
    same = {"number": 1, "respond_working_days": 10, "respond_within": {"amount": 10}}
    assert LandlordPolicy.model_validate({"stages": [same]}).stages is not None
    with pytest.raises(ValidationError, match="unit"):
        LandlordPolicy.model_validate(
            {"stages": [{"number": 1, "respond_within": {"amount": 10, "unit": "fortnights"}}]}
        )


# -- the event the response clock starts from ---------------------------------------------


@pytest.mark.parametrize(
    ("days", "respond_from", "expected"),
    [
        (20, "escalation_request", "pass"),
        (25, "escalation_request", "fail"),
        (20, "receipt", "pass"),
        (20, "acknowledgement", "pass"),
        (21, "acknowledgement", "fail"),
        (20, "allocation", "fail"),
        (5, "allocation", "fail"),
    ],
)
def test_the_stage_2_clock_is_honoured(days: int, respond_from: str, expected: str) -> None:
    stages = [
        {"number": 1},
        {"number": 2, "respond_working_days": days, "respond_from": respond_from},
    ]
    assert verdict("CHC24-6.14", stages=stages) == expected


def test_a_clock_from_the_escalation_request_is_named_in_the_message() -> None:
    stages = [
        {"number": 1},
        {"number": 2, "respond_working_days": 25, "respond_from": "escalation_request"},
    ]
    result, message = verdicts(stages=stages)["CHC24-6.14"]
    assert result == "fail"
    assert "counted from the escalation request" in message


def test_a_clock_from_allocation_fails_because_nothing_bounds_it() -> None:
    stages = [{"number": 1, "respond_working_days": 10, "respond_from": "allocation"}]
    result, message = verdicts(stages=stages)["CHC24-6.3"]
    assert result == "fail" and "allocation" in message and "no limit" in message
    # the 2022 Code counts from logging: a clock from allocation is not one it allows
    assert verdict("CHC20-5.1", ON_2020, stages=stages) == "fail"


def _stage2_check(policy: LandlordPolicy) -> tuple[str, str]:
    """The core check with the 2022 Code's stage 2 clock (the escalation request)."""
    engine = Engine()
    ctx = Context(engine.pack(on=ON_2020), engine.calendar, engine.conventions, ON_2020)
    check = policy_stage_days(
        2,
        "respond_working_days",
        "stage2.respond_working_days",
        "response",
        clock="stage2.respond_from",
    )
    outcome = check(policy, ctx)
    return outcome.verdict.value, outcome.message


def test_a_clock_later_than_the_codes_adds_the_policys_own_acknowledgement_time() -> None:
    def policy(respond: int, ack: int | None) -> LandlordPolicy:
        stage2: dict[str, Any] = {
            "number": 2,
            "respond_working_days": respond,
            "respond_from": "acknowledgement",
        }
        if ack is not None:
            stage2["acknowledge_working_days"] = ack
        return LandlordPolicy.model_validate({"stages": [{"number": 1}, stage2]})

    assert _stage2_check(policy(15, 5))[0] == "pass"
    result, message = _stage2_check(policy(20, 5))
    assert result == "fail" and "25 working days in all" in message
    result, message = _stage2_check(policy(15, None))
    assert result == "needs_evidence" and "acknowledge_working_days" in message


# -- a stage the landlord may refuse ------------------------------------------------------


def test_a_discretionary_stage_2_fails_the_provisions_that_require_escalation() -> None:
    stages = [{"number": 1}, {"number": 2, "discretionary": True}]
    grounds = {
        "escalation_refusal_grounds": ["court action"],
        "exclusions": {"grounds": ["court action"]},
    }
    found = verdicts(stages=stages, **grounds)
    assert found["CHC24-6.10"][0] == "fail" and "discretion" in found["CHC24-6.10"][1]
    assert found["CHC24-5.11"][0] == "fail"
    old = verdicts(ON_2020, stages=stages, **grounds)
    assert old["CHC20-5.9"][0] == "fail" and old["CHC20-4.14"][0] == "fail"


def test_a_stage_2_that_is_not_discretionary_passes() -> None:
    stages = [{"number": 1}, {"number": 2, "discretionary": False}]
    grounds = {
        "escalation_refusal_grounds": ["court action"],
        "exclusions": {"grounds": ["court action"]},
    }
    found = verdicts(stages=stages, **grounds)
    assert found["CHC24-6.10"][0] == "pass" and found["CHC24-5.11"][0] == "pass"


# -- extensions: no cap, an aimed cap -----------------------------------------------------

_FIRM = {"beyond_max_only_with_good_reason": True, "reasons_given": True}


@pytest.mark.parametrize(
    ("extension", "expected_2024", "expected_2020"),
    [
        ({"max_working_days": 10, **_FIRM}, "pass", "pass"),
        ({"uncapped": True, **_FIRM}, "fail", "fail"),
        (
            {"max_working_days": 10, "cap_aim_only": True, **_FIRM},
            "needs_evidence",
            "needs_evidence",
        ),
        ({"max_working_days": 15, "cap_aim_only": True, **_FIRM}, "fail", "fail"),
        ({"max_working_days": 10, "cap_aim_only": False, **_FIRM}, "pass", "pass"),
    ],
)
def test_extension_caps(extension: dict[str, Any], expected_2024: str, expected_2020: str) -> None:
    stages = [{"number": 1, "respond_working_days": 10, "extension": extension}, {"number": 2}]
    assert verdict("CHC24-6.4", stages=stages) == expected_2024
    assert verdict("CHC20-5.1", ON_2020, stages=stages) == expected_2020


def test_an_aimed_cap_is_reported_as_an_aim() -> None:
    extension = {"max_working_days": 10, "cap_aim_only": True, **_FIRM}
    stages = [{"number": 1, "extension": extension}]
    assert "only aims" in verdicts(stages=stages)["CHC24-6.4"][1]


def test_an_extension_cannot_be_both_capped_and_uncapped() -> None:
    with pytest.raises(ValidationError, match="uncapped"):
        LandlordPolicy.model_validate(
            {"stages": [{"number": 1, "extension": {"uncapped": True, "max_working_days": 10}}]}
        )
    with pytest.raises(ValidationError, match="max_working_days"):
        LandlordPolicy.model_validate(
            {"stages": [{"number": 1, "extension": {"cap_aim_only": True}}]}
        )


# -- who handles each stage ---------------------------------------------------------------


def test_different_roles_for_each_stage_pass_and_the_same_role_needs_evidence() -> None:
    roles = [
        {"number": 1, "handler": "Customer Resolution Officer"},
        {"number": 2, "handler": "Head of Housing"},
    ]
    result, message = verdicts(stages=roles)["CHC24-6.13"]
    assert result == "pass" and "Head of Housing" in message
    same = [
        {"number": 1, "handler": "Complaints Officer"},
        {"number": 2, "handler": "complaints officer"},
    ]
    assert verdict("CHC24-6.13", stages=same) == "needs_evidence"
    said = [same[0], {**same[1], "different_handler": False}]
    assert verdict("CHC24-6.13", stages=said) == "fail"


# -- letter contents and linked documents -------------------------------------------------


def test_a_partial_list_of_letter_contents_names_what_it_leaves_out() -> None:
    stages = [{"number": 1, "response_contents": ["decision", "reasons", "remedy"]}]
    result, message = verdicts(stages=stages)["CHC24-6.9"]
    assert result == "fail"
    assert "complaint_definition" in message and "escalation_route" in message
    assert "decision," not in message  # what it names is not reported as missing


def test_letter_contents_are_checked_against_the_known_items() -> None:
    with pytest.raises(ValidationError, match="unknown response item"):
        LandlordPolicy.model_validate(
            {"stages": [{"number": 1, "response_contents": ["decision", "remedies"]}]}
        )


def test_linked_documents_by_title_and_link() -> None:
    policy = LandlordPolicy.model_validate(
        {
            "linked_documents": [
                {
                    "kind": "compensation",
                    "title": "Compensation Policy",
                    "link": "https://example.org/compensation",
                },
                {"kind": "unacceptable_behaviour", "title": "Managing Difficult Contact"},
            ]
        }
    )
    assert policy.linked_documents is not None
    assert [d.kind.value for d in policy.linked_documents] == [
        "compensation",
        "unacceptable_behaviour",
    ]
    with pytest.raises(ValidationError, match="kind"):
        LandlordPolicy.model_validate({"linked_documents": [{"kind": "leasing", "title": "X"}]})


def test_a_linked_document_answers_the_field_it_covers() -> None:
    linked = {
        "linked_documents": [
            {"kind": "unacceptable_behaviour", "title": "Managing Difficult Contact Policy"},
            {"kind": "reasonable_adjustments", "title": "Reasonable Adjustments Policy"},
        ]
    }
    found = verdicts(unacceptable_behaviour={"restrictions_reviewed": True}, **linked)
    result, message = found["CHC24-5.14"]
    assert result == "pass" and "Managing Difficult Contact Policy" in message
    assert verdict("CHC24-5.14", unacceptable_behaviour={"restrictions_reviewed": True}) == (
        "needs_evidence"
    )
    # the policy's own word wins over the link
    said_no = {"exists": False, "restrictions_reviewed": True}
    assert verdict("CHC24-5.14", unacceptable_behaviour=said_no, **linked) == "fail"
    found = verdicts(adjustments_recorded_and_reviewed=True, **linked)
    assert (
        found["CHC24-5.10"][0] == "pass"
        and "Reasonable Adjustments Policy" in found["CHC24-5.10"][1]
    )


# -- a first attempt to resolve before the complaint is logged ------------------------------


@pytest.mark.parametrize(
    ("stage1", "expected", "words"),
    [
        ({"logged_after": {"amount": 5}}, "fail", "sets no limit on the acknowledgement"),
        ({"logged_after": {"amount": 2}, "acknowledge_working_days": 2}, "pass", "4 working days"),
        ({"logged_after": {"amount": 2}, "acknowledge_working_days": 5}, "fail", "7 working days"),
        (
            {"logged_after": {"amount": 1, "unit": "weeks"}, "acknowledge_working_days": 1},
            "fail",
            "6 working days",
        ),
    ],
)
def test_a_wait_before_logging_counts_towards_the_acknowledgement(
    stage1: dict[str, Any], expected: str, words: str
) -> None:
    result, message = verdicts(stages=[{"number": 1, **stage1}, {"number": 2}])["CHC24-6.2"]
    assert result == expected and words in message
