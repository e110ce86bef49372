"""Bulk evaluation never loses a case without saying so."""

from __future__ import annotations

from datetime import date

import pytest

from complaintrules import BulkSummary, Complaint, NoPackError, evaluate_cases, measure_tsm
from complaintrules._tsm import ReportingPeriod

OLD = Complaint.model_validate({"reference": "OLD", "received_on": "2019-05-01"})
NEW = Complaint.model_validate({"reference": "NEW", "received_on": "2024-05-01"})


def test_a_case_no_pack_can_judge_raises_without_a_summary() -> None:
    with pytest.raises(NoPackError, match="2019-05-01"):
        list(evaluate_cases([OLD, NEW]))


def test_with_a_summary_it_is_listed_as_rejected() -> None:
    summary = BulkSummary()
    results = list(evaluate_cases([OLD, NEW], summary=summary))
    assert [r.reference for r in results] == ["NEW"]
    assert summary.rows_in == 2 and summary.rejected_rows == 1
    assert "2019-05-01" in summary.rejected[0].reason


def test_2022_code_cases_with_stage_2_count_in_the_measures() -> None:
    escalated = [
        Complaint.model_validate(
            {
                "reference": f"E-{i}",
                "received_on": "2023-06-05",
                "stages": [
                    {
                        "number": 1,
                        "logged_on": "2023-06-06",
                        "acknowledged": {"on": "2023-06-06"},
                        "response": {"issued_on": "2023-06-20"},
                    },
                    {
                        "number": 2,
                        "requested_on": "2023-07-03",
                        "response": {"issued_on": "2023-07-28"},
                    },
                ],
            }
        )
        for i in range(2)
    ]
    plain = Complaint.model_validate(
        {
            "reference": "P",
            "received_on": "2023-06-05",
            "stages": [
                {
                    "number": 1,
                    "logged_on": "2023-06-06",
                    "acknowledged": {"on": "2023-06-06"},
                    "response": {"issued_on": "2023-06-20"},
                }
            ],
        }
    )
    summary = BulkSummary()
    list(evaluate_cases([*escalated, plain], summary=summary, as_of=date(2024, 3, 31)))
    assert summary.untallied == []
    data = measure_tsm([*escalated, plain], ReportingPeriod.year(2023)).to_dict()
    assert data["CH01"]["stage1_received"] == 3
    assert data["CH01"]["stage2_received"] == 2
    assert data["CH02"]["stage2_responses"] == 2
