"""Without durable-rules (or on Python 3.13+) the monitor says why; the library still works.

These tests run whether or not the 'live' extra is installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from complaintrules import Monitor, MonitorUnavailable


def test_missing_durable_rules_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("durable", "durable.lang", "durable.engine", "durable_rules_engine"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MonitorUnavailable, match=r"complaintrules\[live\]"):
        Monitor()


def test_python_313_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    with pytest.raises(MonitorUnavailable, match=r"3\.13.*'live' extra"):
        Monitor()


def test_the_library_imports_without_durable_rules(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "for n in ('durable', 'durable.lang', 'durable_rules_engine'): sys.modules[n] = None\n"
        "import complaintrules\n"
        "from complaintrules import Engine, Monitor, MonitorUnavailable\n"
        "assert Engine().registry.packs\n"
        "try:\n"
        "    Monitor()\n"
        "except MonitorUnavailable as exc:\n"
        "    print('unavailable:', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert "unavailable: the event monitor needs durable-rules" in done.stdout


def test_the_command_says_so_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from complaintrules.cli.main import main

    for name in ("durable", "durable.lang", "durable.engine", "durable_rules_engine"):
        monkeypatch.setitem(sys.modules, name, None)
    events = tmp_path / "events.jsonl"
    events.write_text('{"type": "tick", "on": "2024-05-01"}\n', encoding="utf-8")
    assert main(["monitor", str(events)]) == 2
    assert "pip install 'complaintrules[live]'" in capsys.readouterr().err
