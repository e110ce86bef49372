"""`complaintrules check` for CI jobs: --output, the TAP and Azure Pipelines formats,
--failures-only and --waivers, each keeping the exit-code contract (docs/ci.md)."""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from complaintrules import LandlordPolicy, Pack, PackRegistry, Rule, hookimpl
from complaintrules.authoring import Level, failed, passed
from complaintrules.cli import common as cli_common
from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from complaintrules.reports.ci_formats import azure_escape, tap_escape
from complaintrules.reports.formats import FORMATS

ROOT = Path(__file__).resolve().parents[2]
REPORT_SCHEMA = json.loads((ROOT / "docs" / "report-schema.json").read_text())
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())

GOOD = (
    "name: Good\nstages:\n"
    "  - {number: 1, acknowledge_working_days: 5, respond_working_days: 10}\n"
    "  - {number: 2, acknowledge_working_days: 5, respond_working_days: 20}\n"
)
# Fails CHC24-6.3 (stage 1 response: 15 working days, the Code allows 10) and no more
# must-level policy provision than that one family of stage rules.
BAD = "name: Bad\nstages:\n  - {number: 1, respond_working_days: 15}\n"
AS_OF = "2025-03-31"


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


def failing_must_rules(capsys: pytest.CaptureFixture[str], policy: Path) -> list[str]:
    _, out, _ = run(capsys, "check", str(policy), "--as-of", AS_OF, "--format", "json")
    report = json.loads(out)
    return sorted(
        {
            f["rule_id"]
            for f in report["findings"]
            if f["verdict"] == "fail" and f["level"] == "must"
        }
    )


def write_waivers(path: Path, entries: Sequence[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump({"waivers": list(entries)}, sort_keys=False))
    return path


# -- --output ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_writes_the_report_and_keeps_the_exit_code(
    capsys: pytest.CaptureFixture[str], bad: Path, good: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / "report"
    code, out, _ = run(
        capsys, "check", str(bad), "--as-of", AS_OF, "--format", fmt, "--output", str(target)
    )
    assert code == EXIT_FAILED
    assert out == ""  # the report went to the file
    _, printed, _ = run(capsys, "check", str(bad), "--as-of", AS_OF, "--format", fmt)
    assert target.read_text(encoding="utf-8") == printed
    code, out, _ = run(
        capsys, "check", str(good), "--as-of", AS_OF, "--format", fmt, "--output", str(target)
    )
    assert (code, out) == (EXIT_OK, "")
    assert target.read_text(encoding="utf-8").strip()


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("report.json", lambda text: json.loads(text)["schema_version"]),
        ("report.sarif", lambda text: json.loads(text)["version"] == "2.1.0" or None),
        ("report.xml", lambda text: ET.fromstring(text).tag == "testsuites" or None),
        ("report.md", lambda text: text.startswith("## ") or None),
        ("report.tap", lambda text: text.startswith("TAP version 14\n") or None),
        ("report.txt", lambda text: text.startswith("Pack: ") or None),
    ],
)
def test_without_format_the_output_suffix_names_it(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path, name: str, check: Any
) -> None:
    target = tmp_path / name
    code, _, _ = run(capsys, "check", str(bad), "--as-of", AS_OF, "--output", str(target))
    assert code == EXIT_FAILED
    assert check(target.read_text(encoding="utf-8"))


def test_a_bad_output_is_exit_2_before_anything_is_written(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path
) -> None:
    cases = [
        (["--format", "sarif", "--output", str(tmp_path / "r.xml")], "not one for --format"),
        (["--output", str(tmp_path / "r.pdf")], "names no format"),
        (["--output", str(tmp_path / "missing" / "r.json")], "does not exist"),
        (["--output", str(bad)], "names no format"),
        (
            ["--organisation", str(tmp_path / "o.json"), "--output", str(tmp_path / "o.json")],
            "same file as the input",
        ),
    ]
    (tmp_path / "o.json").write_text("{}")
    before = bad.read_text()
    for extra, words in cases:
        code, _, err = run(capsys, "check", str(bad), *extra)
        assert code == EXIT_USAGE, extra
        assert words in err, (extra, err)
        assert "Traceback" not in err
    assert bad.read_text() == before
    assert (tmp_path / "o.json").read_text() == "{}"
    assert not (tmp_path / "r.xml").exists() and not (tmp_path / "r.pdf").exists()


def test_the_sarif_format_may_be_written_to_a_json_file(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path
) -> None:
    target = tmp_path / "complaintrules.sarif.json"
    code, _, _ = run(capsys, "check", str(bad), "--format", "sarif", "--output", str(target))
    assert code == EXIT_FAILED
    jsonschema.validate(json.loads(target.read_text()), SARIF_SCHEMA)


# -- TAP ---------------------------------------------------------------------------------

_TEST_POINT = re.compile(r"^(not ok|ok) (\d+) - (.*)$")


def parse_tap(text: str) -> tuple[int, list[tuple[bool, int, str]], list[Any]]:
    """A strict reading of TAP 14 as we write it: the version, the plan, test points each
    optionally followed by a YAML block indented two spaces, comments."""
    lines = text.removesuffix("\n").split("\n")
    assert lines[0] == "TAP version 14"
    plan = re.fullmatch(r"1\.\.(\d+)", lines[1])
    assert plan, lines[1]
    points: list[tuple[bool, int, str]] = []
    blocks: list[Any] = []
    i = 2
    while i < len(lines):
        line = lines[i]
        if line == "  ---":
            end = lines.index("  ...", i)
            body = "\n".join(x[2:] for x in lines[i + 1 : end])
            assert all(x.startswith("  ") for x in lines[i + 1 : end])
            blocks.append(yaml.safe_load(body))
            i = end + 1
            continue
        if line.startswith("#"):
            i += 1
            continue
        match = _TEST_POINT.match(line)
        assert match, f"not a TAP line: {line!r}"
        points.append((match.group(1) == "ok", int(match.group(2)), match.group(3)))
        i += 1
    assert [n for _, n, _ in points] == list(range(1, len(points) + 1))
    return int(plan.group(1)), points, blocks


def test_tap_has_a_test_point_per_provision(capsys: pytest.CaptureFixture[str], bad: Path) -> None:
    code, out, _ = run(capsys, "check", str(bad), "--as-of", AS_OF, "--format", "tap")
    assert code == EXIT_FAILED
    planned, points, blocks = parse_tap(out)
    assert planned == len(points) == len(PackRegistry().rules_for(PackRegistry().get("code_2024")))
    failing = failing_must_rules(capsys, bad)
    not_ok = sorted(desc.split()[0] for ok, _, desc in points if not ok)
    assert not_ok == failing
    assert {b["rule_id"] for b in blocks} >= set(failing)
    skipped = [desc for ok, _, desc in points if ok and " # SKIP " in desc]
    assert any("needs evidence" in d for d in skipped)


def test_tap_escape() -> None:
    assert tap_escape("a # b \\ c") == "a \\# b \\\\ c"
    assert tap_escape("one\ntwo\r\tthree\x1b[2J") == "one\\ntwo\\r\\tthree\\x1b[2J"


# -- Azure Pipelines ---------------------------------------------------------------------

_VSO = re.compile(r"##vso\[([a-z]+\.[a-z]+)(?: ([^\]]*))?\](.*)")


def unescape_azure(text: str) -> str:
    """What the agent decodes (its escape mappings, % last)."""
    for token, raw in (("%3B", ";"), ("%5D", "]"), ("%0D", "\r"), ("%0A", "\n")):
        text = text.replace(token, raw)
    return text.replace("%AZP25", "%")


def parse_azure(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Every logging command, as the agent finds them: ``##vso[`` anywhere in a line."""
    commands = []
    for line in text.split("\n"):
        at = line.find("##vso[")
        if at < 0:
            continue
        match = _VSO.fullmatch(line[at:])
        assert match, line
        props = {}
        for part in filter(None, (match.group(2) or "").split(";")):
            key, _, value = part.partition("=")
            props[key] = unescape_azure(value)
        commands.append((match.group(1), props, unescape_azure(match.group(3))))
    return commands


def test_azure_logs_an_issue_per_failing_finding_and_completes_the_task(
    capsys: pytest.CaptureFixture[str], bad: Path, good: Path
) -> None:
    code, out, _ = run(capsys, "check", str(bad), "--as-of", AS_OF, "--format", "azure")
    assert code == EXIT_FAILED
    commands = parse_azure(out)
    issues = [c for c in commands if c[0] == "task.logissue"]
    assert sorted({props["code"] for _, props, _ in issues if props["type"] == "error"}) == (
        failing_must_rules(capsys, bad)
    )
    for _, props, _ in issues:
        assert Path(props["sourcepath"]).is_absolute()
        assert Path(props["sourcepath"]).samefile(bad)
    assert commands[-1] == ("task.complete", {"result": "Failed"}, "complaintrules check done")
    code, out, _ = run(
        capsys, "check", str(bad), "--as-of", AS_OF, "--format", "azure", "--no-fail"
    )
    assert code == EXIT_OK
    assert parse_azure(out)[-1][1] == {"result": "SucceededWithIssues"}
    code, out, _ = run(capsys, "check", str(good), "--as-of", AS_OF, "--format", "azure")
    assert code == EXIT_OK
    assert parse_azure(out)[-1][1]["result"] in ("Succeeded", "SucceededWithIssues")
    assert not [c for c in parse_azure(out) if c[1].get("type") == "error"]


def test_azure_escape_round_trips() -> None:
    hostile = "50% done; see [x]]\r\nnext %3B line ##vso[task.complete result=Succeeded;]"
    escaped = azure_escape(hostile)
    assert not set(escaped) & {";", "]", "\r", "\n"}
    assert unescape_azure(escaped) == hostile


# -- hostile messages in every format ----------------------------------------------------

HOSTILE = (
    "line one\nnot ok 99 - injected # SKIP\n  ...\n##vso[task.complete result=Succeeded;]"
    "\r; semi ] bracket # hash % 50%3B \\ back \x1b[2J"
)


class _HostilePlugin:
    """A must-level policy rule whose message carries every character the CI formats must
    escape; and a should-level one, for --strict."""

    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
        if pack.name != "code_2024":
            return []

        def hostile(policy: LandlordPolicy, ctx: object) -> object:
            return failed(HOSTILE)

        def model(policy: LandlordPolicy, ctx: object) -> object:
            if (policy.name or "").startswith("Model"):
                return passed("a model policy")
            return failed("not named as a model policy")

        common = {
            "pack": "code_2024",
            "section": "Section X: Test-only",
            "summary": "Test only.",
            "explanation": "",
            "source": "tests",
        }
        return [
            Rule(
                id="CHC24-X.1",
                provision="X.1",
                title="Hostile # title ]; x",
                policy=hostile,
                **common,
            ),  # type: ignore[arg-type]
            Rule(
                id="CHC24-X.2",
                provision="X.2",
                title="A model policy",
                level=Level.SHOULD,
                policy=model,
                **common,
            ),  # type: ignore[arg-type]
        ]


@pytest.fixture
def hostile_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        cli_common, "PackRegistry", functools.partial(PackRegistry, plugins=[_HostilePlugin()])
    )


@pytest.mark.usefixtures("hostile_registry")
def test_tap_keeps_hostile_text_inside_its_test_point(
    capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    code, out, _ = run(capsys, "check", str(good), "--as-of", AS_OF, "--format", "tap")
    assert code == EXIT_FAILED
    planned, points, blocks = parse_tap(out)  # no injected test point, no early block end
    assert planned == len(points)
    assert [desc for ok, _, desc in points if not ok] == ["CHC24-X.1 Hostile \\# title ]; x"]
    (block,) = [b for b in blocks if b["rule_id"] == "CHC24-X.1"]
    assert block["findings"][0]["message"] == HOSTILE  # the YAML gives back the exact text
    assert "\x1b" not in out


@pytest.mark.usefixtures("hostile_registry")
def test_azure_keeps_hostile_text_inside_its_command(
    capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    code, out, _ = run(capsys, "check", str(good), "--as-of", AS_OF, "--format", "azure")
    assert code == EXIT_FAILED
    commands = parse_azure(out)
    completes = [c for c in commands if c[0] == "task.complete"]
    assert completes == [("task.complete", {"result": "Failed"}, "complaintrules check done")]
    (issue,) = [c for c in commands if c[1].get("code") == "CHC24-X.1"]
    assert issue[1]["type"] == "error"
    shown = HOSTILE.replace("\x1b", "\\x1b").replace("\r", "\\x0d")  # visible escapes
    assert shown in issue[2]
    assert "\x1b" not in out


@pytest.mark.usefixtures("hostile_registry")
def test_azure_strict_fails_on_a_should_level_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    waivers = write_waivers(
        tmp_path / "w.yaml", [{"rule_id": "CHC24-X.1", "reason": "test", "expires": "2030-01-01"}]
    )
    args = ["check", "--as-of", AS_OF, "--format", "azure", "--waivers", str(waivers)]
    policy = tmp_path / "p.yaml"
    policy.write_text(GOOD)
    code, out, _ = run(capsys, *args[:1], str(policy), *args[1:])
    assert code == EXIT_OK
    assert parse_azure(out)[-1][1] == {"result": "SucceededWithIssues"}
    code, out, _ = run(capsys, *args[:1], str(policy), *args[1:], "--strict")
    assert code == EXIT_FAILED
    assert parse_azure(out)[-1][1] == {"result": "Failed"}


# -- failures-only -----------------------------------------------------------------------


def test_failures_only_lists_only_failing_findings_in_every_format(
    capsys: pytest.CaptureFixture[str], bad: Path
) -> None:
    base = ["check", str(bad), "--as-of", AS_OF]
    failing = failing_must_rules(capsys, bad)
    _, full, _ = run(capsys, *base, "--format", "json")
    code, out, _ = run(capsys, *base, "--format", "json", "--failures-only")
    assert code == EXIT_FAILED
    report, everything = json.loads(out), json.loads(full)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["failures_only"] is True
    assert {f["verdict"] for f in report["findings"]} <= {"fail", "error"}
    assert len(report["findings"]) == sum(
        f["verdict"] in ("fail", "error") for f in everything["findings"]
    )
    assert report["counts"] == everything["counts"]  # the totals still count everything

    code, out, _ = run(capsys, *base, "--format", "tap", "--failures-only")
    _, points, blocks = parse_tap(out)
    assert (
        sorted(d.split()[0] for _, _, d in points)
        == failing
        == sorted(d.split()[0] for ok, _, d in points if not ok)
    )
    assert all(f["verdict"] in ("fail", "error") for b in blocks for f in b["findings"])

    code, out, _ = run(capsys, *base, "--format", "sarif", "--failures-only")
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    assert results and all(r["kind"] == "fail" for r in results)
    assert sarif["runs"][0]["properties"]["counts"] == everything["counts"]

    code, out, _ = run(capsys, *base, "--format", "junit", "--failures-only")
    root = ET.fromstring(out)
    names = sorted(case.get("name", "").split()[0] for case in root.iter("testcase"))
    assert names == failing
    counted = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert counted["count_needs_evidence"] == str(everything["counts"]["needs_evidence"])

    code, out, _ = run(capsys, *base, "--format", "github", "--failures-only")
    assert "::notice file=" not in out  # needs evidence left out
    assert f"{everything['counts']['needs_evidence']} needing evidence" in out

    for fmt in ("markdown", "text"):
        code, out, _ = run(capsys, *base, "--format", fmt, "--failures-only")
        assert code == EXIT_FAILED
        assert "NEEDS" not in out, fmt
        assert all(rule in out for rule in failing), fmt

    code, out, _ = run(capsys, *base, "--format", "azure", "--failures-only")
    assert "needs evidence:" not in out
    assert {c[1]["code"] for c in parse_azure(out) if c[0] == "task.logissue"} == set(failing)


# -- waivers -----------------------------------------------------------------------------


def waive_all(path: Path, rules: Sequence[str], expires: str) -> Path:
    return write_waivers(
        path,
        [
            {
                "rule_id": rule,
                "reason": "New policy goes to the board in June",
                "expires": expires,
                "approved_by": "Head of Complaints",
                "evidence": "https://intranet.example/paper-17",
            }
            for rule in rules
        ],
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_waived_failures_do_not_fail_the_run_until_the_waiver_expires(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path, fmt: str
) -> None:
    failing = failing_must_rules(capsys, bad)
    waivers = waive_all(tmp_path / "waivers.yaml", failing, "2025-03-31")
    base = ["check", str(bad), "--waivers", str(waivers), "--format", fmt]
    # The last valid day: waived, shown as such with the reason and expiry.
    code, out, _ = run(capsys, *base, "--as-of", "2025-03-31")
    assert code == EXIT_OK, out
    assert "waived until 2025-03-31" in out or '"expired": false' in out
    assert "New policy goes to the board in June" in out
    # The first expired day: fails again, saying the waiver expired.
    code, out, _ = run(capsys, *base, "--as-of", "2025-04-01")
    assert code == EXIT_FAILED
    assert "waiver expired on 2025-03-31" in out or '"expired": true' in out


def test_waivers_in_the_json_report(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path
) -> None:
    failing = failing_must_rules(capsys, bad)
    waivers = waive_all(tmp_path / "waivers.yaml", [*failing, "CHC24-1.2"], "2025-03-31")
    base = ["check", str(bad), "--waivers", str(waivers), "--format", "json"]
    _, plain, _ = run(capsys, "check", str(bad), "--as-of", AS_OF, "--format", "json")
    code, out, _ = run(capsys, *base, "--as-of", AS_OF)
    report, unwaived = json.loads(out), json.loads(plain)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert code == EXIT_OK
    waived = [f for f in report["findings"] if "waiver" in f]
    assert {f["rule_id"] for f in waived} == set(failing)
    assert all(f["verdict"] == "fail" and f["waiver"]["expired"] is False for f in waived)
    assert report["counts"]["failures"] == 0
    assert report["counts"]["waived"] == unwaived["counts"]["failures"] == len(waived)
    assert report["counts"]["fail"] == unwaived["counts"]["fail"]  # verdicts as judged
    statuses = {w["rule_id"]: w["status"] for w in report["waivers"]}
    assert statuses == {**dict.fromkeys(failing, "applied"), "CHC24-1.2": "unused"}

    code, out, _ = run(capsys, *base, "--as-of", "2025-04-01")
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert code == EXIT_FAILED
    assert report["counts"]["failures"] == unwaived["counts"]["failures"]
    assert report["counts"]["waiver_expired"] == len(waived)
    assert {w["status"] for w in report["waivers"]} == {"expired"}


def test_sarif_suppresses_a_waived_result(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path
) -> None:
    failing = failing_must_rules(capsys, bad)
    waivers = waive_all(tmp_path / "waivers.yaml", failing, "2025-03-31")
    base = ["check", str(bad), "--waivers", str(waivers), "--format", "sarif"]
    for as_of, suppressed in (("2025-03-31", True), ("2025-04-01", False)):
        _, out, _ = run(capsys, *base, "--as-of", as_of)
        sarif = json.loads(out)
        jsonschema.validate(sarif, SARIF_SCHEMA)
        for result in sarif["runs"][0]["results"]:
            if result["ruleId"] in failing and result["kind"] == "fail":
                assert ("suppressions" in result) is suppressed
                if suppressed:
                    (suppression,) = result["suppressions"]
                    assert suppression["status"] == "accepted"
                    assert "New policy goes to the board" in suppression["justification"]


def test_a_waiver_never_covers_a_rule_error(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class _Raises:
        @hookimpl
        def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
            def boom(policy: LandlordPolicy, ctx: object) -> object:
                raise RuntimeError("the check is broken")

            if pack.name != "code_2024":
                return []
            return [
                Rule(
                    id="CHC24-X.9",
                    pack="code_2024",
                    provision="X.9",
                    section="Section X: Test-only",
                    title="Raises",
                    summary="Test only.",
                    explanation="",
                    source="tests",
                    policy=boom,  # type: ignore[arg-type]
                )
            ]

    monkeypatch.setattr(
        cli_common, "PackRegistry", functools.partial(PackRegistry, plugins=[_Raises()])
    )
    waivers = waive_all(tmp_path / "w.yaml", ["CHC24-X.9"], "2030-01-01")
    code, out, _ = run(
        capsys, "check", str(good), "--as-of", AS_OF, "--waivers", str(waivers), "--format", "json"
    )
    assert code == EXIT_FAILED
    assert json.loads(out)["counts"]["waived"] == 0


def test_the_expiry_is_judged_at_the_runs_as_of_date(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --as-of the run's date is today (UK time); with it, the given date, whatever
    the wall clock says."""
    from datetime import date

    from complaintrules.engine import engine as engine_module

    failing = failing_must_rules(capsys, bad)
    waivers = waive_all(tmp_path / "w.yaml", failing, "2025-03-31")
    monkeypatch.setattr(engine_module._clock, "uk_today", lambda: date(2025, 4, 1))
    base = ["check", str(bad), "--waivers", str(waivers)]
    assert run(capsys, *base)[0] == EXIT_FAILED  # today (2025-04-01) is past the expiry
    assert run(capsys, *base, "--as-of", "2025-03-31")[0] == EXIT_OK


@pytest.mark.parametrize(
    ("entry", "line", "field", "words"),
    [
        (
            {"rule_id": "CHC24-99.9", "reason": "r", "expires": "2025-06-30"},
            2,
            "rule_id",
            "no rule",
        ),
        ({"rule_id": "CHC24-6.3", "reason": "r", "expires": "2025-02-30"}, 4, "expires", ""),
        ({"rule_id": "CHC24-6.3", "reason": "r", "expires": "June"}, 4, "expires", ""),
        ({"rule_id": "CHC24-6.3", "expires": "2025-06-30"}, 2, "reason", "Field required"),
        ({"rule_id": "CHC24-6.3", "reason": "  ", "expires": "2025-06-30"}, 3, "reason", ""),
        ({"rule_id": "CHC24-6.3", "reason": "r"}, 2, "expires", "Field required"),
        (
            {"rule_id": "CHC24-6.3", "reason": "r", "expires": "2025-06-30", "expiry": 1},
            5,
            "expiry",
            "unknown field",
        ),
    ],
)
def test_a_bad_waiver_is_exit_2_naming_file_line_and_field(
    capsys: pytest.CaptureFixture[str],
    bad: Path,
    tmp_path: Path,
    entry: dict[str, Any],
    line: int,
    field: str,
    words: str,
) -> None:
    path = tmp_path / "waivers.yaml"
    lines = ["waivers:"]
    for n, (key, value) in enumerate(entry.items()):
        lines.append(f"  {'- ' if n == 0 else '  '}{key}: {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "check", str(bad), "--as-of", AS_OF, "--waivers", str(path))
    assert code == EXIT_USAGE
    assert out == ""
    assert f"{path}:line {line}: " in err, err
    assert field in err and words in err, err
    assert "Traceback" not in err


def test_a_rule_waived_twice_is_exit_2(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path
) -> None:
    path = write_waivers(
        tmp_path / "w.yaml",
        [{"rule_id": "CHC24-6.3", "reason": "r", "expires": "2025-06-30"}] * 2,
    )
    code, _, err = run(capsys, "check", str(bad), "--waivers", str(path))
    assert code == EXIT_USAGE
    assert "waived twice" in err and "waivers[1].rule_id" in err


def test_no_waivers_no_change(capsys: pytest.CaptureFixture[str], bad: Path) -> None:
    """Waivers are off by default: the JSON report has none of their fields."""
    _, out, _ = run(capsys, "check", str(bad), "--as-of", AS_OF, "--format", "json")
    report = json.loads(out)
    assert "waivers" not in report and "failures_only" not in report
    assert "waived" not in report["counts"]
    assert all("waiver" not in f for f in report["findings"])


def test_tap_marks_a_waived_failure_as_a_failing_todo(
    capsys: pytest.CaptureFixture[str], bad: Path, tmp_path: Path
) -> None:
    failing = failing_must_rules(capsys, bad)
    waivers = waive_all(tmp_path / "w.yaml", failing, "2025-03-31")
    base = ["check", str(bad), "--waivers", str(waivers), "--format", "tap", "--failures-only"]
    _, out, _ = run(capsys, *base, "--as-of", "2025-03-31")
    _, points, blocks = parse_tap(out)
    assert sorted(d.split()[0] for _, _, d in points) == failing
    for ok, _, desc in points:
        assert not ok and " # TODO waived until 2025-03-31 " in desc
    _, out, _ = run(capsys, *base, "--as-of", "2025-04-01")
    _, points, blocks = parse_tap(out)
    assert all(not ok and "# TODO" not in desc for ok, _, desc in points)
    assert all(b["waiver"].startswith("waiver expired on 2025-03-31") for b in blocks)
