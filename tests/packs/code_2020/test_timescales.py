"""Both sides of every code_2020 timescale: the last compliant day passes, the next fails.

Dates cross the England and Wales bank holidays the Code's working days skip: the Platinum
Jubilee (2022-06-02 and 06-03), the Queen's state funeral (2022-09-19), Christmas and New
Year 2022/23, Easter 2023 (04-07 and 04-10) and the Coronation (2023-05-08).
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

STAGE1_ITEMS = dict.fromkeys(
    ("stage", "decision", "reasons", "remedy", "outstanding_actions", "escalation_route"), True
)
DEFINITION = {"understanding": "Leaking roof", "outcomes_sought": "Repair the roof"}


def case(received: str, *stages: dict[str, Any], **facts: Any) -> Complaint:
    return Complaint.model_validate(
        {"reference": "T-1", "received_on": received, "stages": list(stages), **facts}
    )


def s1(
    *,
    logged: str | None = None,
    ack: str | None = None,
    response: str | None = None,
    **more: Any,
) -> dict[str, Any]:
    stage: dict[str, Any] = {"number": 1, "handler": "A. Patel", **more}
    if logged:
        stage["logged_on"] = logged
    if ack:
        stage["acknowledged"] = {"on": ack, "definition": DEFINITION}
    if response:
        stage["response"] = {"issued_on": response, "contents": STAGE1_ITEMS}
    return stage


def later(number: int, requested: str, response: str | None, **more: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": number,
        "requested_on": requested,
        "handler": f"Handler {number}",
        **more,
    }
    if response:
        stage["response"] = {"issued_on": response}
    return stage


# -- 4.1: acknowledged and logged within 5 working days of receipt ---------------------------

ACKNOWLEDGEMENT = [
    # received, last day in time, first late day, what the count crosses
    ("2023-05-03", "2023-05-11", "2023-05-12", "the Coronation"),
    ("2022-05-31", "2022-06-09", "2022-06-10", "the Platinum Jubilee"),
    ("2022-09-14", "2022-09-22", "2022-09-23", "the state funeral"),
    ("2023-04-05", "2023-04-14", "2023-04-17", "Easter 2023"),
    ("2022-12-22", "2023-01-03", "2023-01-04", "Christmas and New Year"),
]


@pytest.mark.parametrize(("received", "last", "late", "across"), ACKNOWLEDGEMENT)
def test_acknowledged_on_the_last_day_passes(
    received: str, last: str, late: str, across: str
) -> None:
    assert_passes(case(received, s1(logged=last, ack=last)), "CHC20-4.1")


@pytest.mark.parametrize(("received", "last", "late", "across"), ACKNOWLEDGEMENT)
def test_acknowledged_the_next_working_day_fails(
    received: str, last: str, late: str, across: str
) -> None:
    assert_fails(case(received, s1(logged=late, ack=late)), "CHC20-4.1")


def test_acknowledged_in_time_but_logged_late_fails() -> None:
    finding = assert_fails(
        case("2023-05-03", s1(logged="2023-05-12", ack="2023-05-11")), "CHC20-4.1"
    )
    assert "logged" in finding.message


# -- 5.1: stage 1 response within 10 working days of logging ---------------------------------

RESPONSE = [
    # received, logged, last day in time, first late day, what the count crosses
    ("2022-05-27", "2022-05-30", "2022-06-15", "2022-06-16", "the Platinum Jubilee"),
    ("2022-12-14", "2022-12-16", "2023-01-04", "2023-01-05", "Christmas and New Year"),
    ("2023-03-29", "2023-03-31", "2023-04-18", "2023-04-19", "Easter 2023"),
    ("2023-05-03", "2023-05-11", "2023-05-25", "2023-05-26", "the Coronation (before logging)"),
]


@pytest.mark.parametrize(("received", "logged", "last", "late", "across"), RESPONSE)
def test_stage1_response_on_the_last_day_passes(
    received: str, logged: str, last: str, late: str, across: str
) -> None:
    assert_passes(case(received, s1(logged=logged, ack=logged, response=last)), "CHC20-5.1")


@pytest.mark.parametrize(("received", "logged", "last", "late", "across"), RESPONSE)
def test_stage1_response_the_next_working_day_fails(
    received: str, logged: str, last: str, late: str, across: str
) -> None:
    assert_fails(case(received, s1(logged=logged, ack=logged, response=late)), "CHC20-5.1")


def test_the_stage1_clock_counts_from_logging_not_receipt() -> None:
    # Received 05-03, logged 05-09: 10 working days from logging end on 05-23.
    assert_passes(case("2023-05-03", s1(logged="2023-05-09", response="2023-05-23")), "CHC20-5.1")
    assert_fails(case("2023-05-03", s1(logged="2023-05-09", response="2023-05-24")), "CHC20-5.1")


def test_without_a_logging_date_the_acknowledgement_starts_the_clock() -> None:
    assert_passes(case("2023-05-03", s1(ack="2023-05-09", response="2023-05-23")), "CHC20-5.1")
    assert_fails(case("2023-05-03", s1(ack="2023-05-09", response="2023-05-24")), "CHC20-5.1")


def test_logging_late_buys_no_time() -> None:
    # Logged 05-15, after the 05-11 logging deadline: the clock starts at 05-11 -> 05-25.
    late_logged = s1(logged="2023-05-15", ack="2023-05-15", response="2023-05-26")
    finding = assert_fails(case("2023-05-03", late_logged), "CHC20-5.1")
    assert finding.evidence.computed["deadline"] == "2023-05-25"
    on_time = s1(logged="2023-05-15", ack="2023-05-15", response="2023-05-25")
    assert_passes(case("2023-05-03", on_time), "CHC20-5.1")


# -- 5.1 extension: a further 10 working days without good reason -----------------------------
# Logged 2023-05-11: due 2023-05-25; the cap is 2023-06-09.


def ext(notified: str, new_due: str, **more: Any) -> dict[str, Any]:
    return {"notified_on": notified, "new_due": new_due, "reason": "Survey awaited", **more}


def extended(*extensions: dict[str, Any], response: str) -> Complaint:
    stage = s1(
        logged="2023-05-11", ack="2023-05-11", response=response, extensions=list(extensions)
    )
    return case("2023-05-03", stage)


def test_stage1_extension_to_the_cap_passes() -> None:
    assert_passes(extended(ext("2023-05-22", "2023-06-09"), response="2023-06-09"), "CHC20-5.1")


def test_stage1_extension_a_day_past_the_cap_fails_without_good_reason() -> None:
    assert_fails(extended(ext("2023-05-22", "2023-06-12"), response="2023-06-12"), "CHC20-5.1")


def test_stage1_extension_past_the_cap_with_good_reason_passes() -> None:
    long = ext("2023-05-22", "2023-06-12", good_reason="Specialist asbestos survey")
    assert_passes(extended(long, response="2023-06-12"), "CHC20-5.1")


def test_stage1_extension_notified_on_the_original_deadline_counts() -> None:
    assert_passes(extended(ext("2023-05-25", "2023-06-09"), response="2023-06-09"), "CHC20-5.1")


def test_stage1_extension_notified_after_the_original_deadline_does_not() -> None:
    assert_fails(extended(ext("2023-05-26", "2023-06-09"), response="2023-06-09"), "CHC20-5.1")


def test_stage1_extension_without_a_reason_fails() -> None:
    bare = {"notified_on": "2023-05-22", "new_due": "2023-06-09"}
    assert_fails(extended(bare, response="2023-06-01"), "CHC20-5.1")


# -- 5.2: past 20 working days from logging, the extension should be agreed --------------------


def test_extension_ending_on_the_20th_working_day_needs_no_agreement() -> None:
    to_point = ext("2023-05-22", "2023-06-09", agreed_with_resident=False)
    assert_not_applicable(extended(to_point, response="2023-06-09"), "CHC20-5.2")


def test_extension_past_the_20th_working_day_not_agreed_fails() -> None:
    past = ext("2023-05-22", "2023-06-12", good_reason="Survey", agreed_with_resident=False)
    assert_fails(extended(past, response="2023-06-12"), "CHC20-5.2")


def test_extension_past_the_20th_working_day_agreed_passes() -> None:
    past = ext("2023-05-22", "2023-06-12", good_reason="Survey", agreed_with_resident=True)
    assert_passes(extended(past, response="2023-06-12"), "CHC20-5.2")


# -- 5.13: stage 2 within 20 working days of the escalation request -----------------------------


def two_stages(requested: str, response: str | None, **more: Any) -> Complaint:
    # Stage 1 answered well before the request in every scenario below.
    first = s1(logged="2022-08-12", ack="2022-08-12", response="2022-08-24")
    return case("2022-08-10", first, later(2, requested, response, **more))


STAGE2 = [
    # requested, last day in time, first late day, what the count crosses
    ("2022-09-12", "2022-10-11", "2022-10-12", "the state funeral"),
    ("2022-12-12", "2023-01-12", "2023-01-13", "Christmas and New Year"),
    ("2023-04-03", "2023-05-04", "2023-05-05", "Easter 2023 and the early May holiday"),
]


@pytest.mark.parametrize(("requested", "last", "late", "across"), STAGE2)
def test_stage2_response_on_the_last_day_passes(
    requested: str, last: str, late: str, across: str
) -> None:
    assert_passes(two_stages(requested, last), "CHC20-5.13")


@pytest.mark.parametrize(("requested", "last", "late", "across"), STAGE2)
def test_stage2_response_the_next_working_day_fails(
    requested: str, last: str, late: str, across: str
) -> None:
    assert_fails(two_stages(requested, late), "CHC20-5.13")


# Stage 2 requested 2022-09-12: due 2022-10-11; the extension cap is 2022-10-25.


def test_stage2_extension_to_the_cap_passes() -> None:
    extension = ext("2022-10-05", "2022-10-25")
    assert_passes(two_stages("2022-09-12", "2022-10-25", extensions=[extension]), "CHC20-5.13")


def test_stage2_extension_a_day_past_the_cap_fails() -> None:
    extension = ext("2022-10-05", "2022-10-26")
    assert_fails(two_stages("2022-09-12", "2022-10-26", extensions=[extension]), "CHC20-5.13")


def test_stage2_extension_to_the_cap_needs_no_agreement() -> None:
    extension = ext("2022-10-05", "2022-10-25", agreed_with_resident=False)
    assert_not_applicable(
        two_stages("2022-09-12", "2022-10-25", extensions=[extension]), "CHC20-5.14"
    )


def test_stage2_extension_past_10_days_should_be_agreed() -> None:
    unagreed = ext("2022-10-05", "2022-10-26", good_reason="Expert", agreed_with_resident=False)
    assert_fails(two_stages("2022-09-12", "2022-10-26", extensions=[unagreed]), "CHC20-5.14")
    agreed = ext("2022-10-05", "2022-10-26", good_reason="Expert", agreed_with_resident=True)
    assert_passes(two_stages("2022-09-12", "2022-10-26", extensions=[agreed]), "CHC20-5.14")


def test_an_open_stage2_is_late_only_after_its_deadline() -> None:
    open_case = two_stages("2022-09-12", None)
    assert_not_applicable(open_case, "CHC20-5.13", as_of=date(2022, 10, 11))
    assert_fails(open_case, "CHC20-5.13", as_of=date(2022, 10, 12))


# -- 5.18: stage 3 within 20 working days of its request -----------------------------------------


def three_stages(response: str | None, **more: Any) -> Complaint:
    first = s1(logged="2023-01-18", ack="2023-01-18", response="2023-02-01")
    second = later(2, "2023-02-06", "2023-03-06")
    third = later(3, "2023-04-03", response, **more)
    return case("2023-01-16", first, second, third)


def test_stage3_response_on_the_20th_working_day_passes() -> None:
    # 2023-04-03 + 20 working days, skipping Easter (04-07, 04-10) and 05-01: 2023-05-04.
    assert_passes(three_stages("2023-05-04"), "CHC20-5.18")


def test_stage3_response_the_next_working_day_fails() -> None:
    assert_fails(three_stages("2023-05-05"), "CHC20-5.18")


def test_stage3_extension_needs_a_good_reason_such_as_a_panel() -> None:
    no_reason = ext("2023-04-28", "2023-05-10")
    assert_fails(three_stages("2023-05-10", extensions=[no_reason]), "CHC20-5.18")
    panel = ext("2023-04-28", "2023-05-10", good_reason="Convening the panel")
    assert_passes(three_stages("2023-05-10", extensions=[panel]), "CHC20-5.18")


# -- the same numbers in a policy ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "stage", "field", "allowed"),
    [
        ("CHC20-4.1", 1, "acknowledge_working_days", 5),
        ("CHC20-5.1", 1, "respond_working_days", 10),
        ("CHC20-5.13", 2, "respond_working_days", 20),
        ("CHC20-5.18", 3, "respond_working_days", 20),
    ],
)
def test_policy_timescales_both_sides(rule_id: str, stage: int, field: str, allowed: int) -> None:
    def policy(days: int) -> LandlordPolicy:
        stages = [{"number": n} for n in range(1, max(stage, 2) + 1)]
        stages[stage - 1][field] = days
        return LandlordPolicy.model_validate({"stages": stages})

    assert_passes(policy(allowed), rule_id)
    assert_fails(policy(allowed + 1), rule_id)


@pytest.mark.parametrize(("stage", "rule_id"), [(1, "CHC20-5.1"), (2, "CHC20-5.13")])
def test_policy_extension_caps_both_sides(stage: int, rule_id: str) -> None:
    def policy(cap: int) -> LandlordPolicy:
        stages: list[dict[str, Any]] = [{"number": 1}, {"number": 2}]
        stages[stage - 1].update(respond_working_days=10, extension={"max_working_days": cap})
        return LandlordPolicy.model_validate({"stages": stages})

    assert_passes(policy(10), rule_id)
    assert_fails(policy(11), rule_id)


@pytest.mark.parametrize(("stage", "rule_id"), [(2, "CHC20-5.13"), (3, "CHC20-5.18")])
def test_policy_clock_from_acknowledgement_counts_its_allowance_both_sides(
    stage: int, rule_id: str
) -> None:
    """A policy counting its days from acknowledgement, later than the escalation request
    the Code counts from, is judged by its days plus the acknowledgement time it allows (as
    code_2024 judges its stages), not failed for the clock alone."""

    def policy(days: int, ack: int | None = 5) -> LandlordPolicy:
        stages: list[dict[str, Any]] = [{"number": n} for n in range(1, stage + 1)]
        stages[stage - 1].update(respond_working_days=days, respond_from="acknowledgement")
        if ack is not None:
            stages[stage - 1]["acknowledge_working_days"] = ack
        return LandlordPolicy.model_validate({"stages": stages})

    fits = assert_passes(policy(15), rule_id)
    assert "20 working days in all" in fits.message
    over = assert_fails(policy(16), rule_id)
    assert "21 working days in all" in over.message
    assert_passes(policy(17, ack=3), rule_id)
    assert_fails(policy(18, ack=3), rule_id)
    unstated = assert_needs_evidence(policy(15, ack=None), rule_id)
    assert f"stages[{stage}].acknowledge_working_days" in unstated.message


def test_policy_stage_two_clock_from_the_request_or_allocation() -> None:
    """Counted from the escalation request the days stand alone; from allocation, which no
    policy bounds, they fail even within 20."""

    def policy(days: int, start: str) -> LandlordPolicy:
        return LandlordPolicy.model_validate(
            {
                "stages": [
                    {"number": 1},
                    {"number": 2, "respond_working_days": days, "respond_from": start},
                ]
            }
        )

    assert_passes(policy(20, "escalation_request"), "CHC20-5.13")
    assert_fails(policy(21, "escalation_request"), "CHC20-5.13")
    assert "allocation" in assert_fails(policy(10, "allocation"), "CHC20-5.13").message
