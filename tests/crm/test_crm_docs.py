"""The CRM integration guide's examples run, in order, from the repository's root."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from complaintrules.cli.main import main
from complaintrules.io.tabular import TARGETS

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "crm-integration.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def test_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    blocks = _blocks("python")
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)


def test_command_line_examples_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    commands = [line for block in _blocks("bash") for line in block.splitlines() if line.strip()]
    assert commands
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "complaintrules"
        assert main(argv[1:]) == 0, command
    assert '"CH01"' in capsys.readouterr().out


def test_every_mapping_field_is_documented() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for name in TARGETS:
        if name.startswith("stage2.") and name != "stage2.requested_on":
            continue  # "as for stage 1"
        assert f"`{name}`" in text, name


def test_example_mapping_is_the_one_shown() -> None:
    mapping = (ROOT / "examples" / "crm" / "mapping.yaml").read_text(encoding="utf-8")
    assert "Case Ref" in mapping
    assert (ROOT / "examples" / "crm" / "export.csv").exists()
