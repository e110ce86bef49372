"""Per-case output comes in input order, whichever Code judges each case."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date
from pathlib import Path

import pytest

from complaintrules import BulkSummary, CaseResult, evaluate_cases, evaluate_file, read_cases
from complaintrules.cli.main import main
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Cases received in 2023 (the 2020 Code) and 2024 (the 2024 Code), interleaved."""
    older = synthetic_rows(40, seed=3, start=date(2023, 4, 3), days=300)
    newer = synthetic_rows(40, seed=4, start=date(2024, 4, 1), days=300)
    rng = random.Random(12)
    rows: list[list[str]] = []
    left = {"Y23": iter(older), "Y24": iter(newer)}
    counts = {"Y23": 0, "Y24": 0}
    while left:
        prefix = rng.choice(sorted(left))
        row = next(left[prefix], None)
        if row is None:
            del left[prefix]
            continue
        counts[prefix] += 1
        row[0] = f"{prefix}-{counts[prefix]:03d}"
        rows.append(row)
    path = tmp_path_factory.mktemp("mixed") / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path, [row[0] for row in rows]


def _cli(path: Path, fmt: str, jobs: int, capsys: pytest.CaptureFixture[str]) -> str:
    args = ["cases", str(path), "--mapping", str(MAPPING), "--as-of", "2025-03-31"]
    code = main([*args, "--format", fmt, "--jobs", str(jobs), "--no-fail"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_jsonl_output_in_input_order(
    mixed: tuple[Path, list[str]], jobs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path, references = mixed
    lines = [json.loads(line) for line in _cli(path, "jsonl", jobs, capsys).splitlines()]
    assert {line["pack"] for line in lines} == {"code_2020", "code_2024"}
    assert [line["reference"] for line in lines] == references
    assert [line["row"] for line in lines] == list(range(2, len(references) + 2))


@pytest.mark.parametrize("jobs", [1, 2])
def test_csv_output_in_input_order(
    mixed: tuple[Path, list[str]], jobs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path, references = mixed
    found = list(csv.DictReader(io.StringIO(_cli(path, "csv", jobs, capsys))))
    order: list[str] = []
    for finding in found:
        if not order or order[-1] != finding["reference"]:
            order.append(finding["reference"])
    assert order == references  # each case's findings together, cases in input order


@pytest.mark.parametrize("jobs", [1, 2])
def test_on_result_in_input_order_across_chunks(mixed: tuple[Path, list[str]], jobs: int) -> None:
    path, references = mixed
    seen: list[CaseResult] = []
    evaluate_file(path, MAPPING, on_result=seen.append, jobs=jobs, chunk_size=9)
    assert [r.reference for r in seen] == references


def test_evaluate_cases_in_input_order(mixed: tuple[Path, list[str]]) -> None:
    path, references = mixed
    cases = [row.case for row in read_cases(path, MAPPING) if row.case is not None]
    summary = BulkSummary()
    results = list(evaluate_cases(cases, summary=summary, chunk_size=25))
    assert summary.packs == {"code_2020", "code_2024"}
    assert [r.reference for r in results] == references
