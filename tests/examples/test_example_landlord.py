"""The example landlord and the draft policy: they load, say what they claim, stay in step."""

from __future__ import annotations

import importlib.util
import re
import shlex
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, main
from complaintrules.io.loading import load_cases, load_organisation, load_policy
from complaintrules.reports.action_plan import load_actions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LANDLORD = EXAMPLES / "landlord"
DRAFT = EXAMPLES / "draft-noncompliant-policy.yaml"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_cases", LANDLORD / "make_cases.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_files_validate_against_the_models() -> None:
    policy = load_policy(LANDLORD / "policy.yaml")
    organisation = load_organisation(LANDLORD / "organisation.yaml")
    assert policy.name and organisation.name == "Example Homes"
    assert organisation.attestations, "the organisation file carries attestations"
    assert load_actions(LANDLORD / "actions.yaml").actions
    assert load_policy(DRAFT).name


def test_the_cases_mix_every_kind_of_case() -> None:
    cases = load_cases(LANDLORD / "cases.yaml")
    assert len(cases) >= 100
    assert {c.received_on.year for c in cases} == {2024, 2025}
    escalated = [c for c in cases if c.stage(2) is not None]
    extended = [c for c in cases if any(s.extensions for s in c.stages)]
    refused = [c for c in cases if c.refusals]
    still_open = [c for c in cases if c.closed_on is None]
    assert escalated and extended and refused and still_open
    text = (LANDLORD / "cases.yaml").read_text(encoding="utf-8")
    scenarios = Counter(re.findall(r"^  # (.+)$", text, flags=re.MULTILINE))
    for kind in ("on time", "responded late", "extended within the cap", "acknowledged late"):
        assert scenarios[kind], kind
    assert any(k.startswith("refused") for k in scenarios)
    assert any(k.startswith("escalated") for k in scenarios)


def test_json_and_yaml_cases_are_the_same() -> None:
    assert load_cases(LANDLORD / "cases.json") == load_cases(LANDLORD / "cases.yaml")


#: Provisions the CRM export cannot settle (no columns for them): see crm-mapping.yaml.
NOT_IN_THE_EXPORT = {
    "CHC24-1.3",
    "CHC24-5.7",
    "CHC24-5.9",
    "CHC24-5.13",
    "CHC24-6.7",
    "CHC24-6.9",
    "CHC24-6.12",
    "CHC24-6.18",
    "CHC24-6.19",
    "CHC24-7.1",
    "CHC24-7.3",
}


def test_the_crm_export_reads_with_its_mapping_and_judges_like_the_yaml() -> None:
    tabular = pytest.importorskip("complaintrules.io.tabular")
    mapping = tabular.load_mapping(LANDLORD / "crm-mapping.yaml")
    rows = list(tabular.read_cases(LANDLORD / "cases.csv", mapping))
    assert rows and all(r.ok for r in rows), [str(p) for r in rows for p in r.problems][:3]
    from_csv = [r.case for r in rows]
    from_yaml = [c for c in load_cases(LANDLORD / "cases.yaml") if not c.refusals]
    assert [c.reference for c in from_csv] == [c.reference for c in from_yaml]
    engine = Engine()

    def verdicts(cases: list[Complaint]) -> set[tuple[str, str, str]]:
        report = engine.evaluate(cases=cases, pack="code_2024", as_of=date(2025, 3, 31))
        return {
            (f.rule_id, f.subject_ref, f.verdict.value)
            for f in report.findings
            if f.subject.value == "case"
        }

    got, want = verdicts(from_csv), verdicts(from_yaml)
    differ = {rule for rule, _, _ in got ^ want}
    assert differ <= NOT_IN_THE_EXPORT, sorted(differ - NOT_IN_THE_EXPORT)
    text = (LANDLORD / "crm-mapping.yaml").read_text(encoding="utf-8")
    for rule in sorted(differ):
        assert rule.split("-")[1] in text, f"crm-mapping.yaml should say {rule} is not exported"


def test_the_generator_reproduces_the_committed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _generator()
    for name in ("OUT", "OUT_JSON", "OUT_CSV"):
        monkeypatch.setattr(module, name, tmp_path / getattr(module, name).name)
    module.main()
    for name in ("cases.yaml", "cases.json", "cases.csv"):
        assert (tmp_path / name).read_bytes() == (LANDLORD / name).read_bytes(), (
            f"{name} is out of date: run python examples/landlord/make_cases.py"
        )


def test_the_readme_main_job_runs_as_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"complaintrules check examples/landlord/policy\.yaml[^\n`]*", readme)
    assert match, "the README shows the main job"
    monkeypatch.chdir(ROOT)
    code = main(shlex.split(match.group(0))[1:])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "Section 6: Complaint stages" in out and "Provisions:" in out
    without_no_fail = [a for a in shlex.split(match.group(0))[1:] if a != "--no-fail"]
    assert main(without_no_fail) == EXIT_FAILED  # some example cases are deliberately late
    capsys.readouterr()


# -- the deliberately non-compliant draft -------------------------------------------------

#: Provision -> words a policy writer needs to see in the message.
DRAFT_MISTAKES = {
    "CHC24-5.2": (r"stage 0|informal",),
    "CHC24-5.3": (r"\b3\b|three", r"\b2\b|two"),
    "CHC24-2.3": (r"\b6\b", r"\b12\b"),
    "CHC24-6.3": (r"\b15\b", r"\b10\b"),
    "CHC24-6.5": (r"Ombudsman",),
}


@pytest.mark.parametrize("rule_id", sorted(DRAFT_MISTAKES))
def test_the_draft_policy_fails_with_messages_a_policy_writer_understands(rule_id: str) -> None:
    engine = Engine()
    report = engine.evaluate_policy(load_policy(DRAFT), pack="code_2024")
    findings = [f for f in report.for_rule(rule_id) if f.subject.value == "policy"]
    assert findings, f"{rule_id} has no policy check yet"
    assert Verdict.FAIL in {f.verdict for f in findings}, [f.message for f in findings]
    message = " ".join(f.message for f in findings if f.verdict is Verdict.FAIL)
    for words in DRAFT_MISTAKES[rule_id]:
        assert re.search(words, message, flags=re.IGNORECASE), (words, message)
    assert "Traceback" not in message and "ValidationError" not in message


def test_the_draft_policy_check_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(DRAFT)]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "FAIL  CHC24-6.3" in out and "FAIL  CHC24-6.5" in out


def test_the_draft_policy_comments_explain_each_mistake() -> None:
    text = DRAFT.read_text(encoding="utf-8")
    for provision in ("5.2", "5.3", "2.3", "6.3", "6.5"):
        assert re.search(rf"MISTAKE \(provisions? [^)]*{re.escape(provision)}", text), provision
