"""`complaintrules cases` on the example CRM export: outputs, summary, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from complaintrules.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CRM = ROOT / "examples" / "crm"
ARGS = [
    "cases",
    str(CRM / "export.csv"),
    "--mapping",
    str(CRM / "mapping.yaml"),
    "--organisation",
    str(CRM / "organisation.yaml"),
    "--as-of",
    "2025-03-31",
    "--jobs",
    "1",
    "--allow-rejected",  # the example export has two bad rows on purpose
]


def test_rejected_rows_are_an_input_error_unless_allowed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    strict = [a for a in ARGS if a != "--allow-rejected"]
    assert main([*strict, "--format", "summary", "--no-fail"]) == 2
    err = capsys.readouterr().err
    export = str(CRM / "export.csv")
    assert f"{export}: row 19: " in err and f"{export}: row 43: " in err
    assert f"complaintrules: {export}: 2 row(s) rejected" in err
    assert main([*ARGS, "--format", "summary", "--no-fail"]) == 0


def test_summary_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*ARGS, "--format", "summary", "--period", "2024", "--period", "2024-Q1"])
    out, err = capsys.readouterr()
    assert code == 1  # some cases were handled late
    report = json.loads(out)
    assert report["rows"] == {
        "in": 50,
        "evaluated": 48,
        "rejected": 2,
        "duplicates": 0,
        "not_yet_received": 0,
    }
    assert [p["row"] for p in report["rejected"]] == [19, 43]
    assert [t["period"]["label"] for t in report["tsm"]] == ["2024/25", "2024/25 Q1"]
    year = report["tsm"][0]
    assert year["homes"] == 1200
    assert year["CH01"]["stage1_received"] == 48
    assert year["CH01"]["stage1_per_1000_homes"] == 40.0
    assert set(report["verdicts"]["CHC24-6.3"]) == {
        "pass",
        "fail",
        "not_applicable",
        "needs_evidence",
        "error",
    }
    assert report["conventions"]["late_acknowledgement"] == "literal"  # the default
    assert "row 19: column 'Date Logged'" in err


def test_jsonl_findings_and_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*ARGS, "--no-fail"])
    out, err = capsys.readouterr()
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 48
    first = lines[0]
    assert first["row"] == 2 and first["reference"] == "CRM-0000001"
    assert {f["rule_id"] for f in first["findings"]} >= {"CHC24-6.2", "CHC24-6.3", "CHC24-6.14"}
    failing = [f for line in lines for f in line["findings"] if f["verdict"] == "fail"]
    assert failing and all(f["message"] for f in failing)  # failures always say why
    assert "rows: 50 in, 48 evaluated, 2 rejected" in err
    assert "TSM 2024/25" in err


def test_csv_findings_to_a_file_with_a_summary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_path, summary_path = tmp_path / "findings.csv", tmp_path / "summary.json"
    code = main(
        [*ARGS, "--format", "csv", "--output", str(out_path), "--summary", str(summary_path)]
    )
    capsys.readouterr()
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out_path.read_text(encoding="utf-8"))))
    assert set(rows[0]) == {"row", "reference", "pack", "rule_id", "verdict", "message"}
    assert len({r["reference"] for r in rows}) == 48
    assert json.loads(summary_path.read_text(encoding="utf-8"))["rows"]["rejected"] == 2


def test_fast_and_per_case_paths_print_the_same_summary(capsys: pytest.CaptureFixture[str]) -> None:
    main([*ARGS, "--format", "summary"])
    fast = json.loads(capsys.readouterr().out)
    main([*ARGS, "--format", "summary", "--no-fast"])
    slow = json.loads(capsys.readouterr().out)
    assert fast == slow


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main([*ARGS, "--homes", "0"]) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main([*ARGS, "--period", "last year"])
    assert info.value.code == 2


def test_progress_bar_only_when_asked_or_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main([*ARGS, "--format", "summary"])
    assert "rows/s" not in capsys.readouterr().err  # stderr is not a terminal here
    main([*ARGS, "--format", "summary", "--progress"])
    err = capsys.readouterr().err
    assert "[########################] 100% 50 rows (2 rejected)" in err


def test_unknown_pack_exits_2_before_any_worker_starts(capsys: pytest.CaptureFixture[str]) -> None:
    args = [a if a != "1" else "2" for a in ARGS]  # --jobs 2
    assert main([*args, "--pack", "no_such_pack", "--format", "summary"]) == 2
    assert "no_such_pack" in capsys.readouterr().err


def test_repeated_references_are_warned_about_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (CRM / "export.csv").read_text(encoding="utf-8")
    second_row = text.splitlines()[1]
    export = tmp_path / "export.csv"
    export.write_text(text.rstrip("\n") + "\n" + second_row + "\n", encoding="utf-8")
    args = [a if a != str(CRM / "export.csv") else str(export) for a in ARGS]
    assert main([*args, "--format", "summary", "--no-fail"]) == 0  # a warning, not an error
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["rows"] == {
        "in": 51,
        "evaluated": 49,
        "rejected": 2,
        "duplicates": 1,
        "not_yet_received": 0,
    }
    assert report["duplicates"] == [
        {"reference": second_row.split(",")[0], "first_row": 2, "row": 52}
    ]
    assert "1 row(s) repeat the reference of an earlier row" in err
    assert f"row 52: {second_row.split(',')[0]} (first at row 2)" in err
