"""The GitHub Action (action.yml) and the pre-commit hooks (.pre-commit-hooks.yaml): their
structure, that they call options the CLI really has, and that their commands work."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from complaintrules.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from complaintrules.reports.formats import FORMATS

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
LANDLORD = ROOT / "examples" / "landlord"
DRAFT = ROOT / "examples" / "draft-noncompliant-policy.yaml"
BIN = Path(sys.executable).parent


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "complaintrules", *argv],
        capture_output=True,
        text=True,
        check=False,
    )


def check_options() -> set[str]:
    """The option strings of `complaintrules check`, read from its own help."""
    shown = cli("check", "--help")
    assert shown.returncode == 0, shown.stderr
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", shown.stdout))


# -- the GitHub Action -------------------------------------------------------------------


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _scripts(action: dict[str, Any]) -> list[str]:
    return [step["run"] for step in action["runs"]["steps"] if "run" in step]


def test_the_action_has_what_github_requires(action: dict[str, Any]) -> None:
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
    assert action["runs"]["using"] == "composite"
    ids = [step.get("id") for step in action["runs"]["steps"]]
    for step in action["runs"]["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step  # composite run steps must name a shell
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name)
        assert spec.get("description"), name
        assert "required" in spec, name
        if not spec["required"]:
            assert isinstance(spec.get("default"), str), name
    for name, spec in action["outputs"].items():
        assert spec.get("description"), name
        step_id, output = re.fullmatch(
            r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", spec["value"]
        ).groups()  # type: ignore[union-attr]
        assert step_id in ids
        # the check step writes each output it names (the counts come from the JSON keys)
        script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == step_id)
        assert f"{output}=" in script or output.replace("-", "_") in script, output


def test_every_input_is_used_and_no_script_expands_an_expression(
    action: dict[str, Any],
) -> None:
    text = ACTION.read_text(encoding="utf-8")
    body = text[text.index("\nruns:") :]
    for name in action["inputs"]:
        assert f"inputs.{name} " in body or f"inputs.{name} }}}}" in body, name
    for script in _scripts(action):
        # inputs reach the scripts as environment variables only: never run as shell code
        assert "${{" not in script


def test_the_action_calls_only_options_the_cli_has(action: dict[str, Any]) -> None:
    options = check_options()
    used: set[str] = set()
    for script in _scripts(action):
        for line in script.splitlines():
            if "complaintrules" in line or "args+=" in line or "=(" in line:
                used |= set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line))
    assert used, "the scripts pass no options?"
    assert used <= options, used - options
    assert action["inputs"]["format"]["default"] in FORMATS
    for fmt in re.findall(r"--format (\w+)", "\n".join(_scripts(action))):
        assert fmt in FORMATS


def _env(step: dict[str, Any], inputs: dict[str, str], outputs: dict[str, str]) -> dict[str, str]:
    def expand(value: str) -> str:
        def one(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr.startswith("inputs."):
                return inputs[expr.removeprefix("inputs.")]
            if expr.startswith("steps.check.outputs."):
                return outputs[expr.removeprefix("steps.check.outputs.")]
            assert expr == "github.action_path", expr
            return str(ROOT)

        return re.sub(r"\$\{\{ ([\w.-]+) \}\}", one, value)

    return {key: expand(str(value)) for key, value in step.get("env", {}).items()}


def _run_step(
    action: dict[str, Any], name: str, inputs: dict[str, str], tmp: Path, outputs: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    step = next(s for s in action["runs"]["steps"] if s.get("name") == name)
    given = {k: v.get("default", "") for k, v in action["inputs"].items()} | inputs
    (tmp / "output").touch()
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp),
        "GITHUB_OUTPUT": str(tmp / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "RUNNER_TEMP": str(tmp),
        **_env(step, given, outputs),
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],  # as GitHub
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _outputs(tmp: Path) -> dict[str, str]:
    lines = (tmp / "output").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize(
    ("inputs", "code", "fmt_check"),
    [
        (
            {
                "policy": "examples/landlord/policy.yaml",
                "organisation": "examples/landlord/organisation.yaml",
                "as-of": "2025-03-31",
            },
            EXIT_OK,
            "sarif",
        ),
        (
            {"policy": "examples/draft-noncompliant-policy.yaml", "format": "junit"},
            EXIT_FAILED,
            "junit",
        ),
        ({"policy": "examples/draft-noncompliant-policy.yaml", "fail-on": "never"}, EXIT_OK, ""),
        ({"policy": "examples/no-such-policy.yaml"}, EXIT_USAGE, ""),
    ],
)
def test_the_action_check_and_verdict_steps_run(
    action: dict[str, Any], tmp_path: Path, inputs: dict[str, str], code: int, fmt_check: str
) -> None:
    suffix = "xml" if fmt_check == "junit" else "sarif"
    inputs = {"output": str(tmp_path / f"report.{suffix}"), **inputs}
    done = _run_step(action, "Check", inputs, tmp_path, {})
    assert done.returncode == 0, done.stderr  # the check step never fails the job itself
    outputs = _outputs(tmp_path)
    assert outputs["exit-code"] == str(code)
    assert outputs["report"] == inputs["output"]
    if code != EXIT_USAGE:
        report = Path(outputs["report"]).read_text()
        if fmt_check == "sarif":
            assert json.loads(report)["version"] == "2.1.0"
        if fmt_check == "junit":
            assert report.startswith("<?xml")
        if "fail-on" not in inputs:
            assert (int(outputs["failures"]) > 0) == (code == EXIT_FAILED)
        assert {"failures", "warnings", "needs-evidence", "waived"} <= set(outputs)
        assert (tmp_path / "summary.md").read_text().startswith("## ")
    if "fail-on" in inputs:
        assert int(outputs["failures"]) > 0  # report only: failures counted, job passes
    verdict = _run_step(action, "Verdict", {}, tmp_path, outputs)
    assert verdict.returncode == code


def test_a_bad_fail_on_is_refused(action: dict[str, Any], tmp_path: Path) -> None:
    done = _run_step(action, "Check", {"policy": str(DRAFT), "fail-on": "sometimes"}, tmp_path, {})
    assert done.returncode == 2
    assert "fail-on must be must, should or never" in done.stdout


# -- pre-commit --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return {hook["id"]: hook for hook in data}


def test_the_hooks_have_what_pre_commit_requires(hooks: dict[str, dict[str, Any]]) -> None:
    assert set(hooks) == {
        "complaintrules-policy",
        "complaintrules-organisation",
        "complaintrules-config",
    }
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository
        re.compile(hook["files"])
    files = {
        "complaintrules-policy": ["examples/landlord/policy.yaml", "complaints/policy-2025.yml"],
        "complaintrules-organisation": ["examples/landlord/organisation.yaml", "organization.json"],
    }
    for hook_id, names in files.items():
        for name in names:
            assert re.search(hooks[hook_id]["files"], name), (hook_id, name)
        other = next(n for h, ns in files.items() if h != hook_id for n in ns)
        assert not re.search(hooks[hook_id]["files"], other), (hook_id, other)
    # a hook that takes file names checks each; the configuration hook names its own
    assert hooks["complaintrules-policy"]["pass_filenames"] is True
    assert hooks["complaintrules-config"]["pass_filenames"] is False


def _entry(hook: dict[str, Any], *argv: str) -> subprocess.CompletedProcess[str]:
    command = shlex.split(hook["entry"])
    if command[0] == "python":
        command[0] = sys.executable
    elif command[0] == "complaintrules":
        command[:1] = [sys.executable, "-m", "complaintrules"]
    return subprocess.run([*command, *argv], cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_policy_hook_checks_every_file_given(hooks: dict[str, dict[str, Any]]) -> None:
    hook = hooks["complaintrules-policy"]
    args = [*hook.get("args", []), "--as-of", "2025-03-31"]
    good = "examples/landlord/policy.yaml"
    done = _entry(hook, *args, good)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    done = _entry(hook, *args, good, str(DRAFT.relative_to(ROOT)))
    assert done.returncode == EXIT_FAILED
    assert f"== {good}" in done.stdout and "CHC24-6.3" in done.stdout
    done = _entry(hook, *args, good, "examples/no-such-policy.yaml", str(DRAFT))
    assert done.returncode == EXIT_USAGE  # an unreadable file wins over a failing one
    assert "no-such-policy.yaml" in done.stderr and "Traceback" not in done.stderr
    assert _entry(hook, *args).returncode == EXIT_OK  # no files staged: nothing to do


def test_the_organisation_hook_refuses_an_invalid_file(
    hooks: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    hook = hooks["complaintrules-organisation"]
    assert _entry(hook, str(LANDLORD / "organisation.yaml")).returncode == EXIT_OK
    broken = tmp_path / "organisation.yaml"
    broken.write_text("name: X\nnot_a_field: 1\n")
    done = _entry(hook, str(LANDLORD / "organisation.yaml"), str(broken))
    assert done.returncode == EXIT_USAGE
    assert f"{broken}:line 2: not_a_field" in done.stderr


def test_the_configuration_hook_runs_check_on_the_files_named(
    hooks: dict[str, dict[str, Any]],
) -> None:
    hook = hooks["complaintrules-config"]
    assert re.search(hook["files"], "examples/landlord/policy.yaml")
    assert re.search(hook["files"], "examples/landlord/organisation.yaml")
    args = [
        "examples/landlord/policy.yaml",
        "--organisation",
        "examples/landlord/organisation.yaml",
        "--as-of",
        "2025-03-31",
    ]
    done = _entry(hook, *args)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    assert _entry(hook, str(DRAFT)).returncode == EXIT_FAILED


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_try_repo_runs_the_policy_hook(tmp_path: Path) -> None:
    """pre-commit itself installs this repository and runs the hook (about a minute)."""
    target = tmp_path / "landlord"
    target.mkdir()
    shutil.copy(DRAFT, target / "policy.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    for git in (["init", "-q"], ["add", "policy.yaml"]):
        subprocess.run(["git", *git], cwd=target, check=True, env=env)
    done = subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), "complaintrules-policy", "--files", "policy.yaml"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=900,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "complaintrules-policy" in done.stdout
    assert "CHC24-6.3" in done.stdout and "Failed" in done.stdout
