"""Plugin loading: entry points, blocking, autoload off, and broken plugins reported."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from complaintrules import (
    Engine,
    NoPackError,
    Pack,
    PackRegistry,
    ParameterSet,
    Rule,
    hookimpl,
)
from complaintrules.authoring import Subject, Verdict, example, passed
from complaintrules.law.plugins import AUTOLOAD_ENV, ENTRY_POINT_GROUP

ROOT = Path(__file__).resolve().parents[2]


def _tiny_pack(name: str = "tiny") -> Pack:
    rule = Rule(
        id="TINY-1",
        pack=name,
        provision="1",
        section="Tiny",
        title="Always has a reference",
        summary="A case has a reference.",
        explanation="",
        source="test",
        case=lambda case, ctx: passed(f"reference {case.reference}"),
        examples=(
            example(Subject.CASE, Verdict.PASS, "x", reference="T", received_on="2024-05-01"),
        ),
    )
    return Pack(
        name=name,
        title="Tiny",
        version="0",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=(rule,),
        parameters=ParameterSet({}),
    )


class TinyPlugin:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        return [_tiny_pack()]


class RaisingPlugin:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        raise RuntimeError("pack data missing")


class NonsensePlugin:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[object]:
        return ["not a pack"]


class UnknownHookPlugin:
    @hookimpl
    def complaintrules_no_such_hook(self) -> None:
        return None


def test_builtin_packs_load_through_the_entry_point_group() -> None:
    from importlib import metadata

    names = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert {"code_2024", "code_2020"} <= names
    registry = PackRegistry()
    assert "code_2024" in {p.name for p in registry.packs}
    assert registry.problems == []


def test_a_pack_can_be_blocked_by_name() -> None:
    registry = PackRegistry(blocked=["code_2024"])
    assert "code_2024" not in {p.name for p in registry.packs}
    with pytest.raises(NoPackError, match="no pack named 'code_2024'"):
        registry.get("code_2024")


def test_autoload_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PackRegistry(autoload=False).packs == []
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    assert PackRegistry().packs == []
    assert [p.name for p in PackRegistry(plugins=[TinyPlugin()]).packs] == ["tiny"]


def test_broken_plugins_are_reported_and_the_rest_load() -> None:
    registry = PackRegistry(
        autoload=False,
        plugins=[RaisingPlugin(), NonsensePlugin(), TinyPlugin(), TinyPlugin()],
    )
    assert [p.name for p in registry.packs] == ["tiny"]
    problems = " | ".join(f"{p.plugin}: {p.problem}" for p in registry.problems)
    assert "pack data missing" in problems
    assert "not a Pack" in problems
    assert "already provided" in problems


def test_unknown_hook_is_reported_not_fatal() -> None:
    registry = PackRegistry(autoload=False, plugins=[UnknownHookPlugin(), TinyPlugin()])
    assert [p.name for p in registry.packs] == ["tiny"]
    assert any("complaintrules_no_such_hook" in p.problem for p in registry.problems)


def test_pack_selection_by_date_and_name() -> None:
    engine = Engine(registry=PackRegistry(autoload=False, plugins=[TinyPlugin()]))
    assert engine.pack(on=date(2024, 5, 1)).name == "tiny"
    with pytest.raises(NoPackError, match="no installed pack is in force on 1999-12-31"):
        engine.pack(on=date(1999, 12, 31))


def test_example_third_party_pack_installs_and_its_rules_show(tmp_path: Path) -> None:
    """Install examples/inhouse_pack with pip and list its rule through the CLI."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "examples" / "inhouse_pack"),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    listed = subprocess.run(
        [sys.executable, "-m", "complaintrules", "rules", "--pack", "code_2024"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "ACME-ACK3" in listed.stdout
    probe = (
        "from complaintrules import Engine, Complaint\n"
        "case = Complaint.model_validate({'reference': 'A', 'received_on': '2024-05-01',"
        " 'stages': [{'number': 1, 'acknowledged': {'on': '2024-05-08'}}]})\n"
        "report = Engine().evaluate_case(case)\n"
        "print(sorted(v.value for v in report.verdicts('ACME-ACK3')))\n"
        "print(sorted(v.value for v in report.verdicts('CHC24-6.2')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    # Day 4 meets the Code's 5 days for the acknowledgement date, but not Acme's 3.
    assert run.stdout.splitlines()[0] == "['fail']"
