"""Landlord keys (issue 16, item 2): one run over several landlords' cases.

Two landlords may use the same references, and each has its own TSM measures: the totals
of a run (repeats, verdict counts, tallies) are kept per landlord, and merging summaries
never counts one landlord's reference as a repeat of another's nor pools their CH01.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
import yaml

from complaintrules import (
    BulkSummary,
    CaseResult,
    Complaint,
    evaluate_batch,
    evaluate_cases,
    evaluate_file,
)
from complaintrules.cli.main import main
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
AS_OF = date(2025, 3, 31)


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "Landlord"])
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Landlords A and B with the same references (CRM-0000001 ...) but other cases, some
    rows bad, one reference repeated within A; one file of both rows interleaved, and one
    file of each landlord alone."""
    folder = tmp_path_factory.mktemp("landlords")
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    mapping["columns"]["landlord"] = "Landlord"
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    a = [[*row, "A"] for row in synthetic_rows(240, seed=1, malformed=0.05)]
    b = [[*row, "B"] for row in synthetic_rows(240, seed=2, malformed=0.05)]
    a.append(list(a[7]))  # a true repeat, within landlord A
    both: list[list[str]] = []
    for k in range(max(len(a), len(b))):
        both += [rows[k] for rows in (a, b) if k < len(rows)]
    return {
        "mapping": folder / "mapping.yaml",
        "both": _write(folder / "both.csv", both),
        "A": _write(folder / "a.csv", a),
        "B": _write(folder / "b.csv", b),
    }


def _unnumbered(data: Any) -> Any:
    """A summary without its row numbers (the rows of a landlord differ between files)."""
    if isinstance(data, dict):
        return {k: _unnumbered(v) for k, v in data.items() if k not in ("row", "first_row")}
    if isinstance(data, list):
        return [_unnumbered(v) for v in data]
    return data


@pytest.mark.parametrize("jobs", [1, 2])
def test_two_landlords_in_one_file_are_kept_apart(exports: dict[str, Path], jobs: int) -> None:
    results: list[CaseResult] = []
    summary = evaluate_file(
        exports["both"],
        exports["mapping"],
        as_of=AS_OF,
        jobs=jobs,
        chunk_size=37,
        on_result=results.append,
    )
    report = summary.to_dict()
    # one true repeat (within A); none of the 240 references both landlords use
    assert report["rows"]["duplicates"] == 1
    assert [(d["landlord"], d["reference"]) for d in report["duplicates"]] == [("A", "CRM-0000008")]
    assert report["tsm"] == []  # no CH01 of both landlords together
    assert sorted(report["landlords"]) == ["A", "B"]
    for key in ("A", "B"):
        alone = evaluate_file(exports[key], exports["mapping"], as_of=AS_OF).to_dict()
        assert list(alone["landlords"]) == [key]
        assert _unnumbered(report["landlords"][key]) == _unnumbered(alone["landlords"][key])
        assert report["landlords"][key]["tsm"][0]["CH01"]["stage1_received"] > 200
    rows = report["rows"]
    assert rows["in"] == 481 == rows["evaluated"] + rows["rejected"] + rows["not_yet_received"]
    # each result carries its row's landlord (row 2 is the first below the header)
    with exports["both"].open(encoding="utf-8", newline="") as handle:
        landlord_of = {n: row["Landlord"] for n, row in enumerate(csv.DictReader(handle), 2)}
    assert len(results) == rows["evaluated"]
    assert [r.to_dict()["landlord"] for r in results] == [landlord_of[r.row] for r in results]


def test_merging_two_landlords_summaries(exports: dict[str, Path]) -> None:
    """Summaries of two runs merged (as partitions are): per landlord, nothing pooled."""
    merged = BulkSummary()
    alone = {}
    for key in ("A", "B"):
        alone[key] = evaluate_file(exports[key], exports["mapping"], as_of=AS_OF)
        merged.merge(alone[key])
    assert merged.to_dict()["rows"]["duplicates"] == 1
    for key in ("A", "B"):
        assert merged.landlords[key].to_dict() == alone[key].landlords[key].to_dict()
        assert merged.landlords[key].tally.months() == alone[key].landlords[key].tally.months()


def test_evaluate_batch_counts_as_evaluate_file(exports: dict[str, Path]) -> None:
    header = exports["both"].read_text(encoding="utf-8").splitlines()[0].split(",")
    table = pa_csv.read_csv(
        exports["both"],
        convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
    )
    summary = BulkSummary()
    findings = evaluate_batch(table, mapping=exports["mapping"], as_of=AS_OF, summary=summary)
    expected = evaluate_file(exports["both"], exports["mapping"], as_of=AS_OF).to_dict()
    assert _unnumbered(summary.to_dict()) == _unnumbered(expected)
    # every output row carries its input row's landlord, rejected rows too
    keys = zip(findings["row_index"].to_pylist(), findings["landlord"].to_pylist(), strict=True)
    by_row = dict(keys)
    assert by_row == dict(enumerate(table["Landlord"].to_pylist()))


def test_a_fixed_landlord_per_run(exports: dict[str, Path]) -> None:
    rows = [[*row, ""] for row in synthetic_rows(30, seed=3)]
    path = _write(exports["both"].parent / "plain.csv", rows)
    results: list[CaseResult] = []
    summary = evaluate_file(
        path, MAPPING, as_of=AS_OF, landlord="Example Homes", on_result=results.append
    )
    report = summary.to_dict()
    assert report["landlord"] == "Example Homes" and "landlords" not in report
    assert report["tsm"]  # its own measures
    assert {r.landlord for r in results} == {"Example Homes"}
    table = evaluate_batch(
        [{"reference": "X1", "received_on": "2025-01-06"}], as_of=AS_OF, landlord="L1"
    )
    assert set(table["landlord"].to_pylist()) == {"L1"}


def test_cases_in_memory_carry_their_landlord() -> None:
    cases = [
        Complaint.model_validate(
            {"reference": "R1", "landlord": key, "received_on": "2025-01-06", "stages": []}
        )
        for key in ("A", "B", "A")
    ]
    summary = BulkSummary()
    results = list(evaluate_cases(cases, as_of=AS_OF, summary=summary))
    assert [r.landlord for r in results] == ["A", "B", "A"]
    report = summary.to_dict()
    assert [(d["landlord"], d["reference"]) for d in report["duplicates"]] == [("A", "R1")]
    assert report["landlords"]["A"]["rows"]["evaluated"] == 2
    assert report["landlords"]["B"]["rows"]["duplicates"] == 0


def test_cases_command_with_landlords(
    exports: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Failures and rejected rows of every landlord set the exit code; the CSV findings
    name each row's landlord; the summary JSON gives each landlord's measures."""
    out, summary = tmp_path / "findings.csv", tmp_path / "summary.json"
    argv = ["cases", str(exports["both"]), "--mapping", str(exports["mapping"])]
    argv += ["--as-of", "2025-03-31", "--output", str(out), "--summary", str(summary)]
    assert main(argv) == 2  # rows rejected (all of them under a landlord's totals)
    assert main([*argv, "--allow-rejected"]) == 1  # must-level failures, of both landlords
    capsys.readouterr()
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["landlord"] for r in rows} == {"A", "B"}
    report = json.loads(summary.read_text(encoding="utf-8"))
    assert report["tsm"] == [] and sorted(report["landlords"]) == ["A", "B"]
    plain = tmp_path / "plain.csv"
    _write(plain, [[*row, ""] for row in synthetic_rows(20, seed=4)])
    argv = ["cases", str(plain), "--mapping", str(MAPPING), "--as-of", "2025-03-31"]
    assert main([*argv, "--landlord", "L9", "--format", "summary", "--no-fail"]) == 0
    assert json.loads(capsys.readouterr().out)["landlord"] == "L9"
