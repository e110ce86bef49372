"""Sections 8 and 9 of the 2024 Code: organisation checks on both sides of every boundary.

The periods are this pack's parameters (the Code sets none): the next annual report is
expected 18 months after the last one's period ended (8.1), a self-assessment within 6
months of a significant change (8.3), notices within 1 month of exceptional circumstances
(8.5), and stakeholder and governing-body reporting within the 12 months up to the date
judged, the window's first day included (9.3, 9.7). Month arithmetic keeps the day of the
month, or the month's last day when it is shorter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Finding, Organisation, Subject
from complaintrules.testing import (
    assert_fails,
    assert_needs_evidence,
    assert_not_applicable,
    assert_passes,
)

CONTENTS = [
    "self_assessment",
    "performance_analysis",
    "ombudsman_noncompliance_findings",
    "service_improvements",
    "ombudsman_annual_letter",
    "other_ombudsman_reports",
]
REPORT: dict[str, Any] = {
    "period_start": "2023-04-01",
    "period_end": "2024-03-31",
    "contents": CONTENTS,
    "reported_to_governing_body_on": "2024-06-20",
    "published_on": "2024-06-28",
    "url": "https://example-homes.org.uk/complaints/annual-report-2023-24",
    "governing_body_response_published_on": "2024-06-28",
}
KINDS = ["volumes_and_performance", "themes_and_trends", "ombudsman_investigations"]


def org(**data: Any) -> Organisation:
    return Organisation.model_validate({"name": "Example Homes", **data})


def org_needs_evidence(subject: Organisation, rule_id: str, on: date) -> Finding:
    """The organisation check (not the attestation) needs evidence."""
    found = assert_needs_evidence(subject, rule_id, on=on)
    assert found.subject is Subject.ORGANISATION, found
    return found


# -- 8.1 ---------------------------------------------------------------------------------


def test_8_1_all_six_items_pass() -> None:
    assert_passes(org(annual_reports=[REPORT]), "CHC24-8.1", on=date(2024, 9, 30))


def test_8_1_missing_items_are_named() -> None:
    report = {**REPORT, "contents": CONTENTS[:-2]}
    found = assert_fails(org(annual_reports=[report]), "CHC24-8.1", on=date(2024, 9, 30))
    assert "ombudsman_annual_letter, other_ombudsman_reports" in found.message


def test_8_1_next_report_expected_18_months_after_the_period_end() -> None:
    subject = org(annual_reports=[REPORT])
    assert_passes(subject, "CHC24-8.1", on=date(2025, 9, 30))
    found = assert_fails(subject, "CHC24-8.1", on=date(2025, 10, 1))
    assert "2025-09-30" in found.message


def test_8_1_a_newer_report_is_the_one_judged() -> None:
    newer = {**REPORT, "period_start": "2024-04-01", "period_end": "2025-03-31"}
    subject = org(annual_reports=[REPORT, {**newer, "contents": CONTENTS[:1]}])
    assert_fails(subject, "CHC24-8.1", on=date(2025, 10, 1))
    # Before that period has ended, the newer report is not yet the one judged.
    assert_passes(subject, "CHC24-8.1", on=date(2025, 3, 30))


def test_8_1_no_report_or_no_contents_needs_evidence() -> None:
    found = assert_needs_evidence(org(), "CHC24-8.1", on=date(2024, 9, 30))
    assert "annual_reports" in found.message
    bare = {k: v for k, v in REPORT.items() if k != "contents"}
    found = assert_needs_evidence(org(annual_reports=[bare]), "CHC24-8.1", on=date(2024, 9, 30))
    assert "contents" in found.message


def test_8_1_report_whose_period_has_not_ended_is_not_counted() -> None:
    report = {**REPORT, "period_start": "2024-04-01", "period_end": "2025-03-31"}
    assert_needs_evidence(org(annual_reports=[report]), "CHC24-8.1", on=date(2025, 3, 30))
    assert_passes(org(annual_reports=[report]), "CHC24-8.1", on=date(2025, 3, 31))


# -- 8.2 ---------------------------------------------------------------------------------


def test_8_2_reported_and_published_with_the_response_passes() -> None:
    assert_passes(org(annual_reports=[REPORT]), "CHC24-8.2", on=date(2024, 9, 30))


def test_8_2_response_the_day_after_the_report_is_not_alongside() -> None:
    late = {**REPORT, "governing_body_response_published_on": "2024-06-29"}
    found = assert_fails(org(annual_reports=[late]), "CHC24-8.2", on=date(2024, 9, 30))
    assert "2024-06-29" in found.message


def test_8_2_published_before_the_governing_body_saw_it_fails() -> None:
    early = {**REPORT, "published_on": "2024-06-19", "governing_body_response_published_on": None}
    assert_fails(org(annual_reports=[early]), "CHC24-8.2", on=date(2024, 9, 30))
    same_day = {
        **REPORT,
        "published_on": "2024-06-20",
        "governing_body_response_published_on": "2024-06-20",
    }
    assert_passes(org(annual_reports=[same_day]), "CHC24-8.2", on=date(2024, 9, 30))


@pytest.mark.parametrize(
    "field",
    [
        "reported_to_governing_body_on",
        "published_on",
        "url",
        "governing_body_response_published_on",
    ],
)
def test_8_2_each_missing_fact_is_named(field: str) -> None:
    report = {k: v for k, v in REPORT.items() if k != field}
    found = assert_needs_evidence(org(annual_reports=[report]), "CHC24-8.2", on=date(2024, 9, 30))
    assert field in found.message


# -- 8.3 ---------------------------------------------------------------------------------

MERGER = {"on": "2024-04-15", "description": "Merger with Vale HA"}


def test_8_3_no_change_is_not_applicable() -> None:
    assert_not_applicable(org(), "CHC24-8.3", on=date(2024, 9, 30))


def test_8_3_without_a_self_assessment_it_waits_six_months_then_fails() -> None:
    subject = org(
        organisational_changes=[MERGER], self_assessments=[{"completed_on": "2024-04-14"}]
    )
    found = assert_needs_evidence(subject, "CHC24-8.3", on=date(2024, 10, 15))
    assert "2024-10-15" in found.message
    assert_fails(subject, "CHC24-8.3", on=date(2024, 10, 16))


def test_8_3_self_assessment_on_the_day_of_the_change_counts() -> None:
    subject = org(
        organisational_changes=[MERGER], self_assessments=[{"completed_on": "2024-04-15"}]
    )
    assert_passes(subject, "CHC24-8.3", on=date(2025, 1, 1))


@pytest.mark.parametrize(("completed", "ok"), [("2024-10-15", True), ("2024-10-16", False)])
def test_8_3_self_assessment_on_the_last_day_is_in_time(completed: str, ok: bool) -> None:
    subject = org(organisational_changes=[MERGER], self_assessments=[{"completed_on": completed}])
    if ok:
        assert_passes(subject, "CHC24-8.3", on=date(2025, 1, 1))
    else:
        assert_fails(subject, "CHC24-8.3", on=date(2025, 1, 1))


def test_8_3_month_end_change_runs_to_the_shorter_months_last_day() -> None:
    change = {"on": "2024-08-31", "description": "New complaints procedure"}
    subject = org(organisational_changes=[change])
    assert_needs_evidence(subject, "CHC24-8.3", on=date(2025, 2, 28))
    assert_fails(subject, "CHC24-8.3", on=date(2025, 3, 1))


def test_8_3_change_after_the_date_judged_is_ignored() -> None:
    assert_not_applicable(org(organisational_changes=[MERGER]), "CHC24-8.3", on=date(2024, 4, 14))


# -- 8.4 ---------------------------------------------------------------------------------

REQUEST = {"requested_on": "2024-07-01", "investigation": "202312345", "due_on": "2024-08-30"}


def test_8_4_unrecorded_needs_evidence_and_empty_is_not_applicable() -> None:
    found = assert_needs_evidence(org(), "CHC24-8.4", on=date(2024, 9, 30))
    assert "ombudsman_requests" in found.message
    assert_not_applicable(org(ombudsman_requests=[]), "CHC24-8.4", on=date(2024, 9, 30))


def test_8_4_unmet_request_is_pending_on_its_due_date_and_fails_the_day_after() -> None:
    subject = org(ombudsman_requests=[REQUEST])
    assert_needs_evidence(subject, "CHC24-8.4", on=date(2024, 8, 30))
    assert_fails(subject, "CHC24-8.4", on=date(2024, 8, 31))


@pytest.mark.parametrize(("met", "ok"), [("2024-08-30", True), ("2024-08-31", False)])
def test_8_4_met_on_the_due_date_is_in_time(met: str, ok: bool) -> None:
    subject = org(ombudsman_requests=[{**REQUEST, "met_on": met}])
    if ok:
        assert_passes(subject, "CHC24-8.4", on=date(2024, 9, 30))
    else:
        assert_fails(subject, "CHC24-8.4", on=date(2024, 9, 30))


def test_8_4_unmet_request_without_a_due_date_needs_evidence() -> None:
    undated = {"requested_on": "2024-07-01"}
    found = assert_needs_evidence(
        org(ombudsman_requests=[undated]), "CHC24-8.4", on=date(2024, 9, 30)
    )
    assert "ombudsman_requests[0].due_on" in found.message


# -- 8.5 ---------------------------------------------------------------------------------

CYBER: dict[str, Any] = {
    "started_on": "2024-06-03",
    "description": "Cyber attack",
    "ombudsman_informed_on": "2024-06-05",
    "residents_informed_on": "2024-06-06",
    "published_on": "2024-06-07",
    "expected_return_on": "2024-08-30",
}


def test_8_5_nothing_recorded_is_not_applicable() -> None:
    assert_not_applicable(org(), "CHC24-8.5", on=date(2024, 9, 30))


def test_8_5_all_four_recorded_passes() -> None:
    assert_passes(org(exceptional_circumstances=[CYBER]), "CHC24-8.5", on=date(2024, 9, 30))


@pytest.mark.parametrize(
    "field",
    ["ombudsman_informed_on", "residents_informed_on", "published_on", "expected_return_on"],
)
def test_8_5_missing_step_waits_one_month_then_fails(field: str) -> None:
    subject = org(exceptional_circumstances=[{**CYBER, field: None}])
    found = assert_needs_evidence(subject, "CHC24-8.5", on=date(2024, 7, 3))
    assert field in found.message
    assert_fails(subject, "CHC24-8.5", on=date(2024, 7, 4))


@pytest.mark.parametrize(("told", "ok"), [("2024-07-03", True), ("2024-07-04", False)])
def test_8_5_notice_on_the_last_day_is_in_time(told: str, ok: bool) -> None:
    subject = org(exceptional_circumstances=[{**CYBER, "residents_informed_on": told}])
    if ok:
        assert_passes(subject, "CHC24-8.5", on=date(2024, 9, 30))
    else:
        assert_fails(subject, "CHC24-8.5", on=date(2024, 9, 30))


# -- 9.1, 9.2, 9.6 -----------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", ["CHC24-9.1", "CHC24-9.2", "CHC24-9.6"])
def test_attested_only_provisions(rule_id: str) -> None:
    assert_needs_evidence(org(), rule_id, on=date(2024, 12, 31))
    provision = rule_id.split("-")[1]
    attested = org(
        attestations=[
            {
                "provision": provision,
                "statement": "Reviewed quarterly by the customer committee.",
                "evidence": ["Committee minutes 2024"],
                "on": "2024-12-01",
                "by": "Company Secretary",
            }
        ]
    )
    # 9.1, 9.2 and 9.6 are also judged from data now (portfolio, organisation): the
    # attestation's own finding is the one asked for
    assert_passes(attested, rule_id, on=date(2024, 12, 31), judged_as=Subject.ATTESTATION)


# -- 9.3 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("reported", "ok"), [("2023-12-31", True), ("2023-12-30", False)])
def test_9_3_report_on_the_windows_first_day_counts(reported: str, ok: bool) -> None:
    subject = org(stakeholder_reports=[{"on": reported, "audience": "Residents' panel"}])
    if ok:
        assert_passes(subject, "CHC24-9.3", on=date(2024, 12, 31))
    else:
        assert_fails(subject, "CHC24-9.3", on=date(2024, 12, 31))


def test_9_3_nothing_recorded_needs_evidence() -> None:
    found = assert_needs_evidence(org(), "CHC24-9.3", on=date(2024, 12, 31))
    assert "stakeholder_reports" in found.message


def test_9_3_report_after_the_date_judged_is_ignored() -> None:
    subject = org(stakeholder_reports=[{"on": "2025-01-15", "audience": "Staff"}])
    assert_needs_evidence(subject, "CHC24-9.3", on=date(2024, 12, 31))


# -- 9.4 ---------------------------------------------------------------------------------


def test_9_4_senior_lead() -> None:
    org_needs_evidence(org(), "CHC24-9.4", date(2024, 12, 31))
    lead = org(senior_lead={"name": "J. Mensah", "appointed_on": "2024-12-31"})
    assert_passes(lead, "CHC24-9.4", on=date(2024, 12, 31), judged_as=Subject.ORGANISATION)
    assert_fails(lead, "CHC24-9.4", on=date(2024, 12, 30), judged_as=Subject.ORGANISATION)


# -- 9.5 ---------------------------------------------------------------------------------


def test_9_5_mrc() -> None:
    on = date(2024, 12, 31)
    assert_needs_evidence(org(), "CHC24-9.5", on=on)
    assert_needs_evidence(
        org(member_responsible_for_complaints={"name": "C. Doyle"}), "CHC24-9.5", on=on
    )
    assert_fails(
        org(member_responsible_for_complaints={"name": "R. Shah", "on_governing_body": False}),
        "CHC24-9.5",
        on=on,
    )
    member = {"name": "C. Doyle", "on_governing_body": True, "appointed_on": "2024-12-31"}
    assert_passes(org(member_responsible_for_complaints=member), "CHC24-9.5", on=on)
    assert_fails(org(member_responsible_for_complaints=member), "CHC24-9.5", on=date(2024, 12, 30))


# -- 9.7 ---------------------------------------------------------------------------------


def board(annual_report_on: str) -> Organisation:
    return org(
        governing_body_reports=[
            {"on": annual_report_on, "covers": ["annual_report"]},
            {"on": "2024-09-19", "covers": KINDS},
        ]
    )


def test_9_7_paper_on_the_windows_first_day_counts() -> None:
    assert_passes(board("2023-12-31"), "CHC24-9.7", on=date(2024, 12, 31))


def test_9_7_paper_the_day_before_the_window_does_not() -> None:
    found = assert_fails(board("2023-12-30"), "CHC24-9.7", on=date(2024, 12, 31))
    assert "annual_report" in found.message


def test_9_7_all_papers_too_old_fails() -> None:
    assert_fails(board("2023-06-20"), "CHC24-9.7", on=date(2025, 9, 20))


def test_9_7_unrecorded_needs_evidence() -> None:
    assert_needs_evidence(org(), "CHC24-9.7", on=date(2024, 12, 31))
    found = assert_needs_evidence(
        org(governing_body_reports=[{"on": "2024-09-19"}]), "CHC24-9.7", on=date(2024, 12, 31)
    )
    assert "covers" in found.message


# -- 9.8 ---------------------------------------------------------------------------------


def test_9_8_standard_objective() -> None:
    on = date(2024, 12, 31)
    org_needs_evidence(org(), "CHC24-9.8", on)
    org_needs_evidence(org(staff_objective={"in_place": True}), "CHC24-9.8", on)
    assert_fails(
        org(staff_objective={"in_place": False, "covers_third_parties": True}),
        "CHC24-9.8",
        on=on,
        judged_as=Subject.ORGANISATION,
    )
    assert_fails(
        org(staff_objective={"in_place": True, "covers_third_parties": False}),
        "CHC24-9.8",
        on=on,
        judged_as=Subject.ORGANISATION,
    )
    partial = {"in_place": True, "covers_third_parties": True, "share_of_relevant_staff": 0.9}
    found = assert_fails(
        org(staff_objective=partial), "CHC24-9.8", on=on, judged_as=Subject.ORGANISATION
    )
    assert "90%" in found.message
    full = {**partial, "share_of_relevant_staff": 1.0}
    assert_passes(org(staff_objective=full), "CHC24-9.8", on=on, judged_as=Subject.ORGANISATION)
