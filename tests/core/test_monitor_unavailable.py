"""Without durable-rules (or on Python 3.13+) the monitor runs its generated ruleset on the
pure-Python evaluator (issue 16, item 3); asked for durable-rules explicitly, it says why
it cannot have it. The library works either way.

These tests run whether or not the 'live' extra is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from complaintrules import Monitor, MonitorUnavailable

_DURABLE = ("durable", "durable.lang", "durable.engine", "durable_rules_engine")


def _hide_durable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _DURABLE:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delenv("COMPLAINTRULES_MONITOR_ENGINE", raising=False)


def test_missing_durable_rules_falls_back_to_the_python_evaluator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _hide_durable(monkeypatch)
    monitor = Monitor()
    assert monitor.rules_engine == "python"
    monitor.post({"reference": "C-1", "type": "received", "on": "2024-05-01"})
    (alert,) = monitor.post({"type": "tick", "on": "2024-05-10"})
    assert (alert.kind.value, alert.rule_id) == ("breached", "CHC24-6.2")


def test_asking_for_durable_rules_without_it_gives_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _hide_durable(monkeypatch)
    with pytest.raises(MonitorUnavailable, match=r"complaintrules\[live\]"):
        Monitor(rules_engine="durable")
    monkeypatch.setenv("COMPLAINTRULES_MONITOR_ENGINE", "durable")
    with pytest.raises(MonitorUnavailable, match=r"complaintrules\[live\]"):
        Monitor()


def test_python_313_falls_back_and_says_why_durable_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COMPLAINTRULES_MONITOR_ENGINE", raising=False)
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    assert Monitor().rules_engine == "python"
    with pytest.raises(MonitorUnavailable, match=r"3\.13.*'live' extra"):
        Monitor(rules_engine="durable")


def test_an_unknown_engine_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="rules_engine: expected one of auto, durable, python"):
        Monitor(rules_engine="drools")
    monkeypatch.setenv("COMPLAINTRULES_MONITOR_ENGINE", "drools")
    with pytest.raises(ValueError, match="COMPLAINTRULES_MONITOR_ENGINE: expected one of"):
        Monitor()


def test_the_library_and_the_monitor_work_without_durable_rules(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "for n in ('durable', 'durable.lang', 'durable_rules_engine'): sys.modules[n] = None\n"
        "import complaintrules\n"
        "from complaintrules import Engine, Monitor\n"
        "assert Engine().registry.packs\n"
        "m = Monitor()\n"
        "m.post({'reference': 'C-1', 'type': 'received', 'on': '2024-05-01'})\n"
        "import datetime\n"
        "print(m.rules_engine, [a.rule_id for a in m.tick(datetime.date(2024, 5, 10))])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "COMPLAINTRULES_MONITOR_ENGINE"},
    )
    assert done.stdout.strip() == "python ['CHC24-6.2']"


def test_the_command_runs_on_the_fallback_and_refuses_durable_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from complaintrules.cli.main import main

    _hide_durable(monkeypatch)
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"reference": "C-1", "type": "received", "on": "2024-05-01"}\n'
        '{"type": "tick", "on": "2024-05-10"}\n',
        encoding="utf-8",
    )
    assert main(["monitor", str(events)]) == 1
    assert "breached CHC24-6.2" in capsys.readouterr().out
    assert main(["monitor", "--rules-engine", "durable", str(events)]) == 2
    assert "pip install 'complaintrules[live]'" in capsys.readouterr().err
