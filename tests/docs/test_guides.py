"""The guides' examples run as written.

In ``console`` blocks, a line starting ``$ `` is a command; the lines after it, up to the
next command, are output that must appear in that order (``...`` skips any lines);
``$ echo $?`` checks the previous command's exit code. ``> FILE`` and ``>> FILE`` redirect
standard output. In ``yaml`` blocks that are CI configurations (GitHub Actions ``run:``
steps, GitLab ``script:`` lines), every ``complaintrules`` command must exit 0, as the CI
would require. Commands run in a scratch directory where ``examples/`` and ``docs/`` are
the repository's.
"""

from __future__ import annotations

import io
import re
import shlex
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from complaintrules.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ["policy-writers.md", "ci.md"]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass
class Command:
    line: str
    expected: list[str] = field(default_factory=list)
    exit_code: int | None = None


def blocks(guide: str) -> Iterator[tuple[str, str]]:
    text = (ROOT / "docs" / guide).read_text(encoding="utf-8")
    for match in _FENCE.finditer(text):
        yield match.group(1), match.group(2)


def console_commands(body: str) -> list[Command]:
    commands: list[Command] = []
    for line in body.splitlines():
        if line.startswith("$ echo $?"):
            commands[-1].exit_code = -1  # the next line is the code
        elif line.startswith("$ "):
            commands.append(Command(line[2:]))
        elif commands and commands[-1].exit_code == -1:
            commands[-1].exit_code = int(line.strip())
        elif commands:
            commands[-1].expected.append(line)
    return commands


def ci_commands(body: str) -> list[str]:
    data = yaml.safe_load(body)
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "run" and isinstance(value, str):
                    found.extend(value.splitlines())
                elif key == "script" and isinstance(value, list):
                    found.extend(str(v) for v in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return [line.strip() for line in found if line.strip().startswith("complaintrules ")]


def run(line: str, env: dict[str, str]) -> tuple[int, str]:
    for name, value in env.items():
        line = line.replace(f'"${name}"', value).replace(f"${name}", value)
    words = shlex.split(line)
    target, append = None, False
    for op in (">>", ">"):
        if op in words:
            i = words.index(op)
            target, append = words[i + 1], op == ">>"
            words = words[:i] + words[i + 2 :]
            break
    assert words[0] == "complaintrules", line
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(words[1:])
        except SystemExit as exc:
            code = int(exc.code or 0)
    assert "Traceback" not in err.getvalue()
    if target:
        with Path(target).open("a" if append else "w", encoding="utf-8") as fh:
            fh.write(out.getvalue())
        return code, ""
    return code, out.getvalue()


def assert_shown(expected: list[str], output: str, line: str) -> None:
    actual = [a.rstrip() for a in output.splitlines()]
    position = 0
    for want in expected:
        if want.strip() == "..." or not want.strip():
            continue
        try:
            position = actual.index(want.rstrip(), position) + 1
        except ValueError:
            pytest.fail(f"`{line}` did not print, in order:\n{want}\n--- it printed:\n{output}")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("examples", "docs"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "step-summary.md"
    return {"GITHUB_STEP_SUMMARY": str(summary)}


@pytest.mark.parametrize("guide", GUIDES)
def test_console_examples_run_as_written(guide: str, scratch: dict[str, str]) -> None:
    ran = 0
    for lang, body in blocks(guide):
        if lang != "console":
            continue
        for command in console_commands(body):
            code, out = run(command.line, scratch)
            ran += 1
            if command.exit_code is not None:
                assert code == command.exit_code, f"`{command.line}` exited {code}\n{out}"
            assert_shown(command.expected, out, command.line)
    assert ran >= 3, f"{guide} has too few runnable examples"


def test_ci_configurations_run_as_written(scratch: dict[str, str]) -> None:
    ran = 0
    for lang, body in blocks("ci.md"):
        if lang == "yaml":
            for line in ci_commands(body):
                code, out = run(line, scratch)
                assert code == 0, f"CI step `{line}` exited {code}:\n{out[-2000:]}"
                ran += 1
    assert ran >= 5
    summary = Path(scratch["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("## ")
    assert Path("complaintrules.sarif").exists() and Path("complaintrules.xml").exists()


def test_guides_link_to_files_that_exist() -> None:
    for guide in GUIDES:
        text = (ROOT / "docs" / guide).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)\)", text):
            assert (ROOT / "docs" / target).exists(), (guide, target)
        for path in re.findall(r"`((?:examples|docs|tests)/[\w./-]+)`", text):
            assert (ROOT / path).exists(), (guide, path)
