"""Bulk evaluation never loses a case without saying so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from complaintrules import (
    BulkSummary,
    Complaint,
    NoPackError,
    evaluate_cases,
    evaluate_file,
    measure_tsm,
)
from complaintrules.reports.tsm import ReportingPeriod

OLD = Complaint.model_validate({"reference": "OLD", "received_on": "2019-05-01"})
NEW = Complaint.model_validate({"reference": "NEW", "received_on": "2024-05-01"})
ROOT = Path(__file__).resolve().parents[2]


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


def test_a_repeated_reference_is_evaluated_and_listed() -> None:
    summary = BulkSummary()
    again = NEW.model_copy()
    results = list(evaluate_cases([NEW, again, NEW], summary=summary, chunk_size=2))
    assert len(results) == 3 and summary.evaluated == 3  # nothing dropped
    assert summary.duplicate_rows == 2
    assert [d[0] for d in summary.duplicates] == ["NEW", "NEW"]
    assert summary.to_dict()["rows"]["duplicates"] == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_repeated_references_in_a_file_name_both_rows(tmp_path: Path, jobs: int) -> None:
    header, *rows = (ROOT / "examples" / "crm" / "export.csv").read_text("utf-8").splitlines()
    good = [r for r in rows if r.split(",")[0] not in {"", "CRM-0000018", "CRM-0000042"}][:30]
    # row 2 is repeated at rows 12 and 33 (other chunks); row 5 at row 34
    lines = [header, *good[:10], good[0], *good[10:], good[0], good[3]]
    path = tmp_path / "repeats.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = evaluate_file(
        path, ROOT / "examples" / "crm" / "mapping.yaml", jobs=jobs, chunk_size=7
    )
    assert summary.rows_in == summary.evaluated == 33 and summary.rejected_rows == 0
    first = good[0].split(",")[0]
    fourth = good[3].split(",")[0]
    assert sorted(summary.duplicates, key=lambda d: d[2] or 0) == [
        (first, 2, 12),
        (first, 2, 33),
        (fourth, 5, 34),
    ]
    assert summary.duplicate_rows == 3
    # the repeats count in the measures too, and the summary says so
    assert summary.to_dict()["duplicates"][0] == {"reference": first, "first_row": 2, "row": 12}


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize("mapped", [True, False])
def test_a_json_record_that_is_not_an_object_rejects_its_row(
    fmt: str, mapped: bool, tmp_path: Path
) -> None:
    # a number or null crashed the bulk reader (TypeError: no len()); a list or text was
    # read cell by cell as if it were a CSV row ("'r' is not a date")
    records = ['{"ref": "J1", "rec": "2024-05-01"}', "[1, 2]", '"str"', "5", "null", "true"]
    if not mapped:
        records[0] = '{"reference": "J1", "received_on": "2024-05-01"}'
    export = tmp_path / f"export.{fmt}"
    export.write_text(
        "\n".join(records) + "\n" if fmt == "jsonl" else "[" + ", ".join(records) + "]"
    )
    mapping = None
    if mapped:
        mapping = tmp_path / "mapping.yaml"
        mapping.write_text(f"format: {fmt}\ncolumns:\n  reference: ref\n  received_on: rec\n")
    summary = evaluate_file(export, mapping, as_of=date(2024, 7, 1))
    assert (summary.rows_in, summary.rejected_rows) == (6, 5)
    reasons = [r.reason for r in summary.rejected]
    assert reasons == [
        f"expected a case (a JSON object), got {kind}"
        for kind in ("a list", "text", "a number", "null", "true or false")
    ]
