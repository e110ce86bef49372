"""`complaintrules check --format ...`: every format, the JSON schema, and the exit codes."""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import jsonschema
import pytest

from complaintrules import LandlordPolicy, Pack, PackRegistry, Rule, hookimpl
from complaintrules.authoring import Level, failed, passed
from complaintrules.cli import common as cli_common
from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]
LANDLORD = ROOT / "examples" / "landlord"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = ROOT / "docs" / "report-schema.json"

GOOD = (
    "name: Good\nstages:\n"
    "  - {number: 1, acknowledge_working_days: 5, respond_working_days: 10}\n"
    "  - {number: 2, acknowledge_working_days: 5, respond_working_days: 20}\n"
)
BAD = "name: Bad\nstages:\n  - {number: 1, respond_working_days: 15}\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return path


def landlord_args(*extra: str) -> list[str]:
    return [
        "check",
        str(LANDLORD / "policy.yaml"),
        "--organisation",
        str(LANDLORD / "organisation.yaml"),
        "--cases",
        str(LANDLORD / "cases.yaml"),
        "--as-of",
        "2025-03-31",
        *extra,
    ]


def code_2024_rules() -> tuple[Rule, ...]:
    registry = PackRegistry()
    return registry.rules_for(registry.get("code_2024"))


# -- exit codes --------------------------------------------------------------------------


def test_exit_0_when_nothing_fails(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    assert run(capsys, "check", str(good))[0] == EXIT_OK


def test_exit_1_on_a_failure_in_every_format(capsys: pytest.CaptureFixture[str], bad: Path) -> None:
    for fmt in ("text", "json", "junit", "sarif", "github", "markdown"):
        code, out, _ = run(capsys, "check", str(bad), "--format", fmt)
        assert code == EXIT_FAILED, fmt
        assert out.strip(), fmt


def test_no_fail_reports_without_failing(capsys: pytest.CaptureFixture[str], bad: Path) -> None:
    code, out, _ = run(capsys, "check", str(bad), "--no-fail", "--format", "markdown")
    assert code == EXIT_OK
    assert "**FAIL**" in out


def test_exit_2_on_usage_and_input_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", str(tmp_path / "p.yaml"), "--format", "pdf"])
    assert info.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as info:
        main(["check", str(tmp_path / "p.yaml"), "--strict", "--no-fail"])
    assert info.value.code == EXIT_USAGE
    code, _, err = run(capsys, "check", str(tmp_path / "missing.yaml"))
    assert code == EXIT_USAGE
    assert "missing.yaml" in err


class _ShouldPlugin:
    """Adds a should-level policy rule to code_2024 that fails unless the policy has a name
    starting with 'Model', so --strict can be tested whatever the packs contain."""

    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
        if pack.name != "code_2024":
            return []

        def check(policy: LandlordPolicy, ctx: object) -> object:
            if (policy.name or "").startswith("Model"):
                return passed("the policy is a model policy")
            return failed("the policy is not named as a model policy")

        return [
            Rule(
                id="CHC24-X.1",
                pack="code_2024",
                provision="X.1",
                section="Section X: Test-only good practice",
                title="A model policy",
                summary="Best practice that only a should-level rule asks for.",
                explanation="",
                source="tests",
                level=Level.SHOULD,
                policy=check,  # type: ignore[arg-type]
            )
        ]


def test_strict_also_fails_on_should_level_warnings(
    capsys: pytest.CaptureFixture[str], good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        cli_common, "PackRegistry", functools.partial(PackRegistry, plugins=[_ShouldPlugin()])
    )
    code, out, _ = run(capsys, "check", str(good))
    assert code == EXIT_OK, out  # a warning alone does not fail the run
    assert "WARN  CHC24-X.1" in out
    code, out, _ = run(capsys, "check", str(good), "--strict")
    assert code == EXIT_FAILED
    # the warning is a JUnit failure only under --strict
    _, out, _ = run(capsys, "check", str(good), "--format", "junit")
    case = ET.fromstring(out).find(".//testcase[@name='CHC24-X.1 A model policy']")
    assert case is not None and case.find("failure") is None
    assert case.find("system-out") is not None
    _, out, _ = run(capsys, "check", str(good), "--format", "junit", "--strict")
    case = ET.fromstring(out).find(".//testcase[@name='CHC24-X.1 A model policy']")
    assert case is not None and case.find("failure") is not None
    _, out, _ = run(capsys, "check", str(good), "--format", "sarif")
    levels = {r["ruleId"]: r["level"] for r in json.loads(out)["runs"][0]["results"]}
    assert levels["CHC24-X.1"] == "warning"
    _, out, _ = run(capsys, "check", str(good), "--format", "github")
    assert any(line.startswith("::warning ") for line in out.splitlines())


def test_strict_with_the_code_2020_packs_should_level_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The 2020 Code has "should" provisions: a shortfall against one is a warning."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(GOOD + "survey_feedback_signposts_complaints: false\n")
    code, out, _ = run(capsys, "check", str(policy), "--pack", "code_2020")
    assert "WARN  CHC20-1.5" in out, out
    assert code == EXIT_OK
    code, _, _ = run(capsys, "check", str(policy), "--pack", "code_2020", "--strict")
    assert code == EXIT_FAILED
    code, out, _ = run(capsys, "check", str(policy), "--pack", "code_2020", "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["counts"]["warnings"] >= 1


# -- formats -----------------------------------------------------------------------------


def test_json_report_validates_against_the_documented_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, *landlord_args("--format", "json"))
    assert code == EXIT_FAILED
    report = json.loads(out)
    schema = json.loads(REPORT_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    assert report["schema_version"] == "1.2"


def test_junit_parses_with_one_testcase_per_provision(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, *landlord_args("--format", "junit"))
    assert code == EXIT_FAILED
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    names = [c.get("name", "").split()[0] for c in cases]
    assert names == [r.id for r in code_2024_rules()]
    assert int(root.get("tests", "0")) == len(cases)
    failing = {c.get("name", "").split()[0] for c in cases if c.find("failure") is not None}
    assert "CHC24-6.3" in failing
    late = root.find(".//testcase[@name='CHC24-6.3 Stage 1 response in time']")
    assert late is not None
    assert late.get("file", "").endswith("cases.yaml") and int(late.get("line", "0")) > 1
    suites = root.findall("./testsuite")
    assert sum(int(s.get("failures", "0")) for s in suites) == int(root.get("failures", "-1"))
    assert len({s.get("name") for s in suites}) == len(suites)


def test_sarif_validates_against_the_sarif_2_1_0_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, *landlord_args("--format", "sarif"))
    assert code == EXIT_FAILED
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    jsonschema.Draft4Validator.check_schema(schema)
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
    assert errors == [], [e.message for e in errors[:5]]
    run_ = log["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rule_ids == [r.id for r in code_2024_rules()]
    late = [r for r in run_["results"] if r["ruleId"] == "CHC24-6.3"]
    assert late and all(r["level"] == "error" for r in late)
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run_["results"])
    location = late[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("examples/landlord/cases.yaml")
    assert location["region"]["startLine"] > 1


def test_sarif_of_a_policy_points_at_the_policy_file_and_line(
    capsys: pytest.CaptureFixture[str], bad: Path
) -> None:
    _, out, _ = run(capsys, "check", str(bad), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    late = next(r for r in results if r["ruleId"] == "CHC24-6.3")
    location = late["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("bad.yaml")
    assert location["region"]["startLine"] == 2  # the `stages:` key
    needs = [r for r in results if r["properties"]["verdict"] == "needs_evidence"]
    assert needs and all(r["level"] == "none" and r["kind"] == "review" for r in needs)


_ANNOTATION = re.compile(r"^::(error|warning|notice)( [a-z]+=[^:]*)?::.+$")


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *landlord_args("--format", "github"))
    assert code == EXIT_FAILED
    lines = out.strip().splitlines()
    assert lines and all(_ANNOTATION.match(line) for line in lines), lines[:3]
    errors = [line for line in lines if line.startswith("::error ")]
    assert any("title=CHC24-6.3 Stage 1 response in time" in line for line in errors)
    assert any(re.search(r"file=[^,]*cases\.yaml,line=\d+", line) for line in errors)
    # commas and colons in titles are escaped so the property list still parses
    assert "title=CHC24-6.4 Stage 1 extensions%3A notice%2C reasons and cap" in out
    assert lines[-1].startswith("::notice title=complaintrules::")


def test_markdown_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *landlord_args("--format", "markdown"))
    assert code == EXIT_FAILED
    assert out.startswith("## ❌ Complaint Handling Code check")
    sections = {r.section for r in code_2024_rules()}
    assert {line[4:] for line in out.splitlines() if line.startswith("### ")} == sections
    row = next(line for line in out.splitlines() if "`CHC24-6.3`" in line)
    assert row.startswith("| **FAIL** |") and "EH-" in row
    assert row.count("|") - row.count("\\|") == 5  # four cells, pipes in text escaped


def test_main_job_is_useful(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *landlord_args("--no-fail"))
    assert code == EXIT_OK, err
    assert "Section 6: Complaint stages" in out
    assert "FAIL  CHC24-6.3" in out
    assert "Provisions:" in out
