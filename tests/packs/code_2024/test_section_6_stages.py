"""Section 6 of the 2024 Code: outstanding actions (6.6/6.17), points addressed (6.7/6.18)
and new issues raised during stage 1 (6.8), judged by the shared stage checks that the
code_2020 pack uses for 5.5, 5.6 and 5.7.

6.8 lets a related issue raised before the stage 1 response be logged as a new complaint
where folding it in would unreasonably delay the response; the landlord records that call
as ``handled: new_complaint`` (with the new reference), and the rule accepts it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaintrules import Complaint, Verdict
from complaintrules.testing import findings_for

DEFINITION = {"understanding": "Damp in the bedroom.", "outcomes_sought": "Treat the damp."}


def _case(received_on: str, **stage1: Any) -> Complaint:
    ack = date.fromisoformat(received_on).replace(day=9).isoformat()
    response = date.fromisoformat(received_on).replace(day=23).isoformat()
    stage: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": ack, "definition": DEFINITION},
        "response": {"issued_on": response},
    }
    stage.update(stage1)
    return Complaint.model_validate(
        {"reference": "T-6", "received_on": received_on, "stages": [stage]}
    )


def _verdict(case: Complaint, rule_id: str, as_of: date | None = None) -> Verdict:
    (finding,) = findings_for(case, rule_id, as_of=as_of)
    return finding.verdict


# (related, raised on day, handled, new reference) -> verdict under 6.8 (response on day 23)
ISSUES = [
    (True, 15, "in_response", None, Verdict.PASS),
    (True, 15, "new_complaint", "NEW-1", Verdict.PASS),
    (True, 15, "new_complaint", None, Verdict.FAIL),
    (True, 15, "not_yet", None, Verdict.FAIL),
    (False, 15, "in_response", None, Verdict.FAIL),
    (False, 15, "new_complaint", "NEW-1", Verdict.PASS),
    (True, 28, "in_response", None, Verdict.FAIL),
    (True, 28, "new_complaint", "NEW-1", Verdict.PASS),
]


@pytest.mark.parametrize(("related", "day", "handled", "reference", "expected"), ISSUES)
def test_new_issues_same_verdict_in_both_codes(
    related: bool, day: int, handled: str, reference: str | None, expected: Verdict
) -> None:
    for received_on, rule_id in (("2024-05-01", "CHC24-6.8"), ("2023-05-01", "CHC20-5.7")):
        raised = date.fromisoformat(received_on).replace(day=day).isoformat()
        issue = {
            "raised_on": raised,
            "related": related,
            "handled": handled,
            "new_reference": reference,
        }
        assert _verdict(_case(received_on, issues_raised=[issue]), rule_id) is expected, rule_id


def test_a_related_issue_logged_as_new_complaint_without_reference_fails() -> None:
    issue = {"raised_on": "2024-05-15", "related": True, "handled": "new_complaint"}
    (finding,) = findings_for(_case("2024-05-01", issues_raised=[issue]), "CHC24-6.8")
    assert finding.verdict is Verdict.FAIL
    assert "no reference" in finding.message


@pytest.mark.parametrize("rule_id", ["CHC24-6.7", "CHC24-6.18"])
def test_points_unrecorded_need_evidence_in_the_codes_words(rule_id: str) -> None:
    number = 1 if rule_id == "CHC24-6.7" else 2
    stages: list[dict[str, Any]] = [
        {
            "number": 1,
            "acknowledged": {"on": "2024-05-09", "definition": DEFINITION},
            "response": {"issued_on": "2024-05-23"},
        },
        {
            "number": 2,
            "requested_on": "2024-06-03",
            "acknowledged": {"on": "2024-06-10", "definition": DEFINITION},
            "response": {"issued_on": "2024-07-08"},
        },
    ]
    case = Complaint.model_validate(
        {"reference": "T-6", "received_on": "2024-05-01", "stages": stages[:number]}
    )
    (finding,) = findings_for(case, rule_id)
    assert finding.verdict is Verdict.NEEDS_EVIDENCE
    assert f"stage {number} response addressed every point of the complaint definition" in (
        finding.message
    )


@pytest.mark.parametrize(
    ("actions", "as_of", "expected"),
    [
        (
            [{"description": "Damp", "due": "2024-06-14", "completed_on": "2024-06-12"}],
            None,
            "pass",
        ),
        ([{"description": "Window"}], None, "fail"),
        (
            [{"description": "Damp", "due": "2024-06-14", "completed_on": "2024-06-20"}],
            None,
            "fail",
        ),
        ([{"description": "Damp", "due": "2024-06-14"}], date(2024, 7, 1), "fail"),
        ([{"description": "Damp", "due": "2024-06-14"}], date(2024, 6, 1), "pass"),
    ],
)
def test_actions_tracked_at_stage_1(
    actions: list[dict[str, Any]], as_of: date | None, expected: str
) -> None:
    case = _case("2024-05-01", actions=actions)
    assert _verdict(case, "CHC24-6.6", as_of=as_of).value == expected


def test_open_action_is_never_reported_as_met() -> None:
    from datetime import date as _date

    from complaintrules import Complaint, Subject
    from complaintrules.testing import assert_needs_evidence, assert_passes

    case = Complaint.model_validate(
        {
            "reference": "ACT",
            "received_on": "2024-05-01",
            "closed_on": "2024-05-10",
            "stages": [
                {
                    "number": 1,
                    "acknowledged": {"on": "2024-05-02"},
                    "response": {"issued_on": "2024-05-10"},
                    "actions": [{"description": "Fix the fan", "due": "2024-06-01"}],
                }
            ],
        }
    )
    found = assert_needs_evidence(case, "CHC24-6.6")
    assert "completed_on" in found.message
    before_due = assert_passes(case, "CHC24-6.6", as_of=_date(2024, 6, 1))
    assert "still open" in before_due.message and "met" not in before_due.message
    assert Subject.CASE is before_due.subject
