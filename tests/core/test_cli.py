"""The command line: listings, schemas, and the fixed exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_packs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "packs")
    assert code == EXIT_OK
    assert "code_2024 2024.1.0" in out
    assert "in force 2024-04-01 to (still in force)" in out


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--pack", "code_2024", "--format", "json")
    assert code == EXIT_OK
    rules = json.loads(out)
    by_id = {r["id"]: r for r in rules}
    assert by_id["CHC24-6.3"]["subjects"] == ["case", "policy"]
    assert {"id", "provision", "pack", "subjects", "summary", "level"} <= set(rules[0])


def test_rule_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "CHC24-6.3")
    assert code == EXIT_OK
    assert "CHC24-6.3: Stage 1 response in time" in out
    assert "Example (case, expect fail)" in out


def test_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rule", "CHC24-99.9")
    assert code == EXIT_USAGE
    assert "no rule 'CHC24-99.9'" in err


def test_unknown_pack_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rules", "--pack", "code_1999")
    assert code == EXIT_USAGE
    assert "no pack named 'code_1999'" in err


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "case")
    assert code == EXIT_OK
    assert json.loads(out)["title"] == "Complaint"


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as info:
        main(["check", "p.yaml", "--as-of", "31/03/2025"])
    assert info.value.code == EXIT_USAGE
    assert "expected a date as YYYY-MM-DD" in capsys.readouterr().err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.yaml"
    good.write_text(
        "name: Good\nstages:\n"
        "  - {number: 1, acknowledge_working_days: 5, respond_working_days: 10}\n"
        "  - {number: 2, acknowledge_working_days: 5, respond_working_days: 20}\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nstages:\n  - {number: 1, respond_working_days: 15}\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: Broken\nstages: [\n")
    return {"good": good, "bad": bad, "broken": broken}


def test_check_exit_codes(capsys: pytest.CaptureFixture[str], files: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "check", str(files["good"]))
    assert code == EXIT_OK, out
    code, out, _ = run(capsys, "check", str(files["bad"]))
    assert code == EXIT_FAILED
    assert "FAIL  CHC24-6.3" in out
    assert "the policy allows 15 working days for the stage 1 response" in out
    code, _, _ = run(capsys, "check", str(files["bad"]), "--no-fail")
    assert code == EXIT_OK
    code, _, err = run(capsys, "check", str(files["broken"]))
    assert code == EXIT_USAGE
    assert "broken.yaml" in err and "invalid YAML" in err and "Traceback" not in err


def test_check_json_is_versioned(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "check", str(files["bad"]), "--format", "json", "--no-fail")
    assert code == EXIT_OK
    data = json.loads(out)
    assert (
        data["schema_version"] == "1.2"
    )  # 1.1 added "snapshot" (issue 12), 1.2 waivers, citations
    assert data["counts"]["failures"] >= 1


def test_check_judges_each_case_by_the_code_in_force_on_its_date(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {reference: OLD, received_on: 2024-03-28, stages: [{number: 1}]}\n"
        "- {reference: NEW, received_on: 2024-04-02, stages: [{number: 1}]}\n"
    )
    code, out, _ = run(
        capsys, "check", str(files["good"]), "--cases", str(cases), "--format", "json", "--no-fail"
    )
    assert code == EXIT_OK
    data = json.loads(out)
    assert [p["name"] for p in data["packs"]] == ["code_2024", "code_2020"]
    by_case = {f["subject_ref"]: f["pack"] for f in data["findings"] if f["subject"] == "case"}
    assert by_case == {"OLD": "code_2020", "NEW": "code_2024"}
    assert data["counts"]["error"] == 0


def test_check_as_of_before_april_2024_uses_the_2020_code(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, "check", str(files["good"]), "--as-of", "2024-03-31", "--no-fail")
    assert code == EXIT_OK
    assert out.startswith("Pack: code_2020")


def test_only_commands_that_run_rule_checks_take_a_rule_timeout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The monitor runs no rule checks: an option that would do nothing there is refused,
    not silently accepted."""
    for command in (["check", "p.yaml"], ["cases", "x.csv"], ["self-assess", "p.yaml"]):
        with pytest.raises(SystemExit) as help_exit:
            main([*command[:1], "--help"])
        assert help_exit.value.code == 0
        assert "--rule-timeout" in capsys.readouterr().out
    with pytest.raises(SystemExit) as help_exit:
        main(["monitor", "--help"])
    assert help_exit.value.code == 0
    assert "--rule-timeout" not in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["monitor", "events.jsonl", "--rule-timeout", "1"])
    assert refused.value.code == 2
    assert "unrecognized arguments: --rule-timeout" in capsys.readouterr().err
