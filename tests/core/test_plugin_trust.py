"""Plugins cannot take over a built-in pack, write outside a folder or end the run.

The hostile plugins here are real distributions, installed with pip into a temporary
folder, so the distribution names in the messages come from their installed metadata.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from complaintrules import (
    Complaint,
    Engine,
    Pack,
    PackRegistry,
    ParameterSet,
    Rule,
    hookimpl,
)
from complaintrules.authoring import Verdict, passed
from complaintrules.bulk.evaluate import BulkSummary, evaluate_cases
from complaintrules.cli import common as cli_common
from complaintrules.cli import main as cli
from complaintrules.cli.main import EXIT_USAGE
from complaintrules.law.plugins import AUTOLOAD_ENV, BUILTIN_DISTRIBUTION
from complaintrules.reports.rule_docs import DocsPathError, write_docs

ROOT = Path(__file__).resolve().parents[2]
DRAFT = str(ROOT / "examples" / "draft-noncompliant-policy.yaml")

# A pack that would pass everything, under the built-in pack's name; a pack that steals a
# built-in rule id; an entry point named like the built-in one; a duplicate extra rule.
HOSTILE = """
from datetime import date

from complaintrules import Pack, ParameterSet, Rule, hookimpl
from complaintrules.authoring import Subject, Verdict, example, passed


def _rule(rule_id, pack):
    return Rule(
        id=rule_id,
        pack=pack,
        provision="1",
        section="Hostile",
        title="Always passes",
        summary="Passes whatever it is given.",
        explanation="",
        source="hostile test plugin",
        policy=lambda policy, ctx: passed("fine"),
        examples=(example(Subject.POLICY, Verdict.PASS, "x"),),
    )


def _pack(name, rule_id):
    return Pack(
        name=name,
        title="Hostile",
        version="9",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=(_rule(rule_id, name),),
        parameters=ParameterSet({}),
    )


class Replaces:
    @hookimpl
    def complaintrules_packs(self):
        return [_pack("code_2024", "EVIL-1")]


class StealsRuleId:
    @hookimpl
    def complaintrules_packs(self):
        return [_pack("evil", "CHC24-6.2")]


class SameEntryPointName:
    @hookimpl
    def complaintrules_packs(self):
        return [_pack("code_2024", "EVIL-2")]


class DuplicateExtra:
    @hookimpl
    def complaintrules_extra_rules(self, pack):
        return [_rule("CHC24-6.3", pack.name)] if pack.name == "code_2024" else []


replaces = Replaces()
steals = StealsRuleId()
same_name = SameEntryPointName()
duplicate_extra = DuplicateExtra()
"""

HOSTILE_ENTRY_POINTS = {
    "aaa_replaces": "hostile_pack:replaces",
    "aab_steals": "hostile_pack:steals",
    "code_2024": "hostile_pack:same_name",
    "aac_extra": "hostile_pack:duplicate_extra",
}


def install_dist(
    where: Path, dist: str, module: str, source: str, entry_points: dict[str, str]
) -> Path:
    """Build and pip-install a one-module distribution; returns the folder to put on the path."""
    project = where / "src"
    project.mkdir(parents=True)
    (project / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    eps = "\n".join(f'{name} = "{value}"' for name, value in entry_points.items())
    (project / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["setuptools>=68"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{dist}"\nversion = "1.0"\n\n'
        f"[project.entry-points.complaintrules]\n{eps}\n\n"
        f'[tool.setuptools]\npy-modules = ["{module}"]\n',
        encoding="utf-8",
    )
    target = where / "site"
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
            str(project),
        ],
        check=True,
    )
    return target


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("hostile")
    return install_dist(where, "hostile-pack", "hostile_pack", HOSTILE, HOSTILE_ENTRY_POINTS)


@pytest.fixture
def hostile(hostile_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv(AUTOLOAD_ENV, raising=False)
    monkeypatch.syspath_prepend(str(hostile_site))
    yield hostile_site
    sys.modules.pop("hostile_pack", None)


def test_a_plugin_cannot_replace_a_builtin_pack_or_take_its_rule_ids(hostile: Path) -> None:
    registry = PackRegistry()
    code_2024 = registry.get("code_2024")
    assert code_2024.rules[0].id.startswith("CHC24-")  # the built-in pack, not EVIL-1
    assert "evil" not in {p.name for p in registry.packs}
    rules = registry.rules_for(code_2024)
    assert [r.id for r in rules].count("CHC24-6.3") == 1  # the duplicate extra is refused
    clashes = {p.plugin: p.problem for p in registry.clashes}
    assert set(clashes) == {"aaa_replaces", "aab_steals", "code_2024", "aac_extra"}
    for problem in clashes.values():
        # both distributions are named, the built-in one as the owner that is kept
        assert "'hostile-pack'" in problem and f"'{BUILTIN_DISTRIBUTION}'" in problem
    assert "pack 'code_2024'" in clashes["aaa_replaces"]
    assert "rule id 'CHC24-6.2'" in clashes["aab_steals"]
    assert "entry point 'code_2024'" in clashes["code_2024"]
    assert "rule id 'CHC24-6.3'" in clashes["aac_extra"]
    # the built-in pack's own plugin is never the one blamed
    assert not any(
        p.plugin == "code_2024" and "hostile" not in p.problem for p in registry.problems
    )


def test_check_with_a_clashing_plugin_keeps_the_builtin_pack_and_exits_2(
    hostile_site: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(hostile_site)}
    env.pop(AUTOLOAD_ENV, None)
    run = subprocess.run(
        [sys.executable, "-m", "complaintrules", "check", DRAFT],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == EXIT_USAGE, run.stderr
    assert "Traceback" not in run.stderr
    assert "error: plugin aaa_replaces: distribution 'hostile-pack' claims pack 'code_2024'" in (
        run.stderr
    )
    assert "FAIL" in run.stdout and "CHC24-" in run.stdout  # judged by the built-in pack
    assert "EVIL-1" not in run.stdout


class DuplicateExtras:
    @hookimpl
    def complaintrules_extra_rules(self, pack: object) -> Sequence[Rule]:
        return [_extra("LOCAL-1"), _extra("LOCAL-1"), _extra("LOCAL-2", "LOCAL-2/../../x")]


def _extra(rule_id: str, forced_id: str | None = None) -> Rule:
    rule = _case_rule(rule_id, lambda case, ctx: None)
    if forced_id is not None:  # Rule refuses such an id; a hostile plugin can force one
        object.__setattr__(rule, "id", forced_id)
    return rule


def test_duplicate_or_unsafe_extra_rule_ids_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    registry = PackRegistry(plugins=[DuplicateExtras()])
    rules = registry.rules_for(registry.get("code_2024"))
    assert [r.id for r in rules if r.pack == "local"] == ["LOCAL-1"]
    problems = " | ".join(p.problem for p in registry.problems)
    assert "extra rule 'LOCAL-1' refused: pack 'code_2024' already has that id" in problems
    assert "rule id 'LOCAL-2/../../x' is not a letter or digit" in problems


# -- docs --out: nothing written or deleted outside the folder ---------------------------


def _pack_named(name: str, rule_id: str = "TINY-1") -> Pack:
    rule = Rule(
        id="TINY-1",
        pack="tiny",
        provision="1",
        section="Tiny",
        title="Tiny",
        summary="Tiny.",
        explanation="",
        source="tests",
        case=lambda case, ctx: None,  # type: ignore[arg-type,return-value]
    )
    # Pack and Rule refuse some of these names themselves; a hostile plugin can force them.
    object.__setattr__(rule, "id", rule_id)
    object.__setattr__(rule, "pack", name)
    return Pack(
        name=name,
        title="Tiny",
        version="0",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=(rule,),
        parameters=ParameterSet({}),
    )


@pytest.mark.parametrize(
    "pack_name, rule_id",
    [("../x", "TINY-1"), ("ABSOLUTE", "TINY-1"), ("tiny", "TINY-1/../../../x")],
    ids=["dotdot-pack", "absolute-pack", "slash-in-rule-id"],
)
def test_docs_cannot_write_or_delete_outside_the_folder(
    tmp_path: Path, pack_name: str, rule_id: str
) -> None:
    out = tmp_path / "out" / "docs"
    outside = tmp_path / "x"
    outside.mkdir()
    keep = outside / "keep.md"
    keep.write_text("not yours")
    if pack_name == "ABSOLUTE":
        pack_name = str(outside)
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(DocsPathError, match="cannot write the pages of pack"):
        write_docs([_pack_named(pack_name, rule_id)], out)
    assert keep.read_text() == "not yours"
    assert sorted(p for p in tmp_path.rglob("*")) == before


def test_docs_refuses_a_pack_folder_that_links_outside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.md").write_text("not yours")
    (out / "tiny").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DocsPathError, match="outside"):
        write_docs([_pack_named("tiny")], out)
    assert [p.name for p in outside.iterdir()] == ["keep.md"]


class DotDotPlugin:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        return [_pack_named("../x")]


def test_docs_command_with_a_hostile_pack_name_stays_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        cli_common, "PackRegistry", functools.partial(PackRegistry, plugins=[DotDotPlugin()])
    )
    out = tmp_path / "docs"
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.md").write_text("not yours")
    code = cli.main(["docs", "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 0
    assert "pack name '../x' is not a letter" in err  # refused when it loads
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["keep.md"]
    assert {p.name for p in out.iterdir()} == {"code_2020", "code_2024"}
    code = cli.main(["--no-autoload", "docs", "--out", str(out), "--pack", "../x"])
    assert code == EXIT_USAGE  # not installed: a usage error, not a write


# -- rule code cannot hang the run or end the process ------------------------------------

MISBEHAVING = """
import sys
import time

from complaintrules import Rule, hookimpl


def _rule(rule_id, **check):
    return Rule(
        id=rule_id,
        pack="rogue",
        provision="R1",
        section="Rogue",
        title="Misbehaves",
        summary="Misbehaves.",
        explanation="",
        source="test plugin",
        **check,
    )


def _spin(subject, ctx):
    while True:
        try:
            while True:
                pass
        except Exception:  # what careless code does: it must not swallow the budget
            pass


def _leave(subject, ctx):
    sys.exit(0)


class Rules:
    @hookimpl
    def complaintrules_extra_rules(self, pack):
        if pack.name != "code_2024":
            return []
        return [
            _rule("ROGUE-SPIN", policy=_spin),
            _rule("ROGUE-EXIT", policy=_leave),
            _rule("ROGUE-CASE", case=_leave),
        ]


rules = Rules()
"""

LEAVES_ON_IMPORT = "import sys\n\nsys.exit(3)\n"


@pytest.fixture(scope="module")
def rogue_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("rogue")
    return install_dist(
        where, "rogue-rules", "rogue_rules", MISBEHAVING, {"rogue": "rogue_rules:rules"}
    )


def _spinning(case: object, ctx: object) -> object:
    while True:
        pass


def _leaving(case: object, ctx: object) -> object:
    raise SystemExit(0)


def _sleeping(case: object, ctx: object) -> object:
    time.sleep(0.3)
    return passed("slow but within the budget")


def _case_rule(rule_id: str, check: Any) -> Rule:
    return Rule(
        id=rule_id,
        pack="local",
        provision="L1",
        section="Local",
        title="Local",
        summary="A local rule.",
        explanation="",
        source="tests",
        case=check,
    )


class ExtraRules:
    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    @hookimpl
    def complaintrules_extra_rules(self, pack: object) -> Sequence[Rule]:
        return list(self.rules)


CASE = Complaint.model_validate({"reference": "R-1", "received_on": "2024-05-01"})


def test_a_rule_that_never_returns_is_stopped_at_its_budget() -> None:
    plugin = ExtraRules(_case_rule("SPIN-1", _spinning), _case_rule("EXIT-1", _leaving))
    engine = Engine(registry=PackRegistry(plugins=[plugin]), rule_time_budget=0.2)
    started = time.perf_counter()
    report = engine.evaluate_case(CASE)
    # Not a speed target: without the budget this call never returns. The bound is wide
    # so that a loaded machine cannot fail it.
    assert time.perf_counter() - started < 60
    (spin,) = report.for_rule("SPIN-1")
    assert spin.verdict is Verdict.ERROR
    assert spin.message == "rule SPIN-1 ran for longer than its time budget of 0.2 s; stopped"
    (leave,) = report.for_rule("EXIT-1")
    assert leave.verdict is Verdict.ERROR
    assert leave.message == "rule raised SystemExit: 0"
    assert report.verdicts("CHC24-6.2") - {Verdict.ERROR}  # the Code's rules still ran
    # and the bulk path, which has its own loop, does the same
    summary = BulkSummary()
    (result,) = evaluate_cases([CASE], engine=engine, summary=summary)
    verdicts = {rule_id: (v, m) for rule_id, v, m in result.verdicts}
    assert verdicts["SPIN-1"] == (Verdict.ERROR, spin.message)
    assert verdicts["EXIT-1"] == (Verdict.ERROR, leave.message)


def test_the_budget_is_per_rule_call_not_per_case() -> None:
    """Three rules of 0.3 s each take longer than 0.8 s together; none is stopped (the
    margin of 0.5 s a rule keeps this true on a loaded machine)."""
    plugin = ExtraRules(*(_case_rule(f"SLOW-{i}", _sleeping) for i in range(3)))
    engine = Engine(registry=PackRegistry(plugins=[plugin]), rule_time_budget=0.8)
    report = engine.evaluate_case(CASE)
    assert {f.rule_id: f.verdict for f in report.findings if f.rule_id.startswith("SLOW")} == {
        f"SLOW-{i}": Verdict.PASS for i in range(3)
    }


class ExitsWhenAsked:
    @hookimpl
    def complaintrules_packs(self) -> Sequence[Pack]:
        raise SystemExit(0)

    @hookimpl
    def complaintrules_extra_rules(self, pack: object) -> Sequence[Rule]:
        raise SystemExit(0)


def test_a_plugin_hook_cannot_end_the_process() -> None:
    registry = PackRegistry(plugins=[ExitsWhenAsked()])
    assert registry.rules_for(registry.get("code_2024"))  # the built-in rules are there
    raised = [p.problem for p in registry.problems]
    assert raised == ["raised: SystemExit(0)", "raised: SystemExit(0)"]


def test_cli_with_a_rule_that_hangs_or_exits_reports_errors_and_exits_1(
    rogue_site: Path, tmp_path: Path
) -> None:
    # a second distribution whose module ends the process when it is imported
    exits = install_dist(
        tmp_path / "exits",
        "exits-on-import",
        "exits_on_import",
        LEAVES_ON_IMPORT,
        {"exits": "exits_on_import"},
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(rogue_site), str(exits)])}
    env.pop(AUTOLOAD_ENV, None)
    policy = str(ROOT / "examples" / "landlord" / "policy.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "complaintrules", "check", policy, "--rule-timeout", "0.2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr  # errors are failures, by the exit-code contract
    assert "warning: plugin exits: failed to load: SystemExit(3)" in run.stderr
    assert "ROGUE-SPIN" in run.stdout and "time budget of 0.2 s" in run.stdout
    assert "ROGUE-EXIT" in run.stdout and "SystemExit: 0" in run.stdout
    # the bulk path, in two worker processes
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "complaintrules",
            "cases",
            str(ROOT / "examples" / "landlord" / "cases.csv"),
            "--mapping",
            str(ROOT / "examples" / "landlord" / "crm-mapping.yaml"),
            "--format",
            "summary",
            "--jobs",
            "2",
            "--as-of",
            "2025-03-31",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    summary = json.loads(run.stdout)
    assert "ROGUE-CASE" in json.dumps(summary)
