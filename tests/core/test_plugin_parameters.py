"""A plugin's extra rules bring their own dated parameters (``complaintrules_extra_parameters``).

The in-house example pack (examples/inhouse_pack) declares ACME-ACK3 as a timescale over its
own parameter: findings cite it with its source, a table of cases judges it as each case
alone does, and a plugin can never take or change a parameter of the pack it extends.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Pack, PackRegistry, Rule, Verdict, hookimpl
from complaintrules.authoring import Obligation, Timescale
from complaintrules.io.tabular import _converter
from complaintrules.law.expressions import table_judged
from complaintrules.model.synthetic import HEADER, synthetic_rows
from core.expression_helpers import findings_beside_engine

ROOT = Path(__file__).resolve().parents[2]
INHOUSE = ROOT / "examples" / "inhouse_pack"
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
NAME = "acme.stage1.acknowledge_working_days"
SOURCE = "Acme Housing residents' charter 2024, standard 4"


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(INHOUSE))
    import acme_inhouse_rules

    yield acme_inhouse_rules
    sys.modules.pop("acme_inhouse_rules", None)


def _case(acknowledged: str) -> Complaint:
    return Complaint.model_validate(
        {
            "reference": "A-9",
            "received_on": "2024-05-01",
            "stages": [{"number": 1, "acknowledged": {"on": acknowledged}}],
        }
    )


def _generated(n: int, seed: int, start: date) -> list[Complaint]:
    from complaintrules import load_mapping

    convert = _converter(load_mapping(MAPPING), HEADER)
    rows = synthetic_rows(n, seed=seed, start=start, days=365)
    converted = (convert.convert(i + 2, row) for i, row in enumerate(rows))
    return [got.case for got in converted if got.case is not None]


def test_the_plugins_parameter_is_read_with_its_source(acme: ModuleType) -> None:
    engine = Engine(registry=PackRegistry(plugins=[acme]))
    assert not any("parameter" in p.problem for p in engine.registry.problems)
    pack = engine.pack("code_2024")
    assert pack.parameters.at(NAME, date(2024, 5, 1)).source == SOURCE
    late, on_time = (
        next(
            f
            for f in engine.case_findings(_case(day), pack="code_2024")
            if f.rule_id == "ACME-ACK3"
        )
        for day in ("2024-05-08", "2024-05-07")
    )
    assert late.verdict is Verdict.FAIL and on_time.verdict is Verdict.PASS
    for finding in (late, on_time):
        cited = finding.evidence.parameters[NAME]
        assert cited["value"] == 3 and cited["source"] == SOURCE
        assert cited["since"] == "2024-04-01"
    # a Pack object handed to the engine gets the plugin's parameters too
    (given,) = (p for p in PackRegistry(blocked=["acme_inhouse"]).packs if p.name == "code_2024")
    assert NAME not in given.parameters
    assert NAME in engine.pack(given).parameters
    found = engine.case_findings(_case("2024-05-08"), pack=given, rules=["ACME-ACK3"])
    assert [f.verdict for f in found] == [Verdict.FAIL]


def _rule(days: str) -> Rule:
    return Rule(
        id="EVIL-ACK",
        pack="evil",
        provision="1",
        section="Evil",
        title="Acknowledged fast",
        summary="x",
        explanation="x",
        source="test",
        timescale=Timescale(stage=1, obligation=Obligation.ACKNOWLEDGE, days=days),
    )


def _dated(value: Any) -> dict[str, Any]:
    return {
        "description": "x",
        "unit": "working_days",
        "values": [{"since": "2000-01-01", "value": value, "source": "evil"}],
    }


class Evil:
    """Brings a parameter of the pack's own, one in the pack's namespace, one in Acme's,
    an unnamespaced one, and a good one; its rules read each."""

    __name__ = "evil"
    given: Mapping[str, Any] = {
        "stage1.acknowledge_working_days": _dated(1),
        "stage1.faster_working_days": _dated(1),
        NAME.replace("acknowledge", "other"): _dated(1),
        "quick": _dated(1),
        "evil.ack_days": _dated(2),
    }

    @hookimpl
    def complaintrules_extra_parameters(self, pack: Pack) -> Mapping[str, Any]:
        return self.given if pack.name == "code_2024" else {}

    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
        return [_rule("evil.ack_days")] if pack.name == "code_2024" else []


class Broken:
    __name__ = "broken"

    @hookimpl
    def complaintrules_extra_parameters(self, pack: Pack) -> Mapping[str, Any]:
        return {"broken.days": {"values": []}}  # no description, no value


def test_a_plugin_cannot_take_or_change_the_packs_parameters(acme: ModuleType) -> None:
    registry = PackRegistry(plugins=[acme, Evil(), Broken()])
    engine = Engine(registry=registry)
    pack = engine.pack("code_2024")
    # the pack's own value and source are kept
    own = pack.parameters.at("stage1.acknowledge_working_days", date(2024, 5, 1))
    assert own.value == 5 and "Acme" not in own.source and own.source != "evil"
    assert "stage1.faster_working_days" not in pack.parameters
    assert "quick" not in pack.parameters
    assert pack.parameters.at("evil.ack_days", date(2024, 5, 1)).value == 2
    clashes = [p.problem for p in registry.clashes if p.plugin == "evil"]
    assert len(clashes) == 3
    assert any("parameter 'stage1.acknowledge_working_days'" in c for c in clashes)
    assert any("parameter namespace 'stage1'" in c for c in clashes)
    assert any("parameter namespace 'acme'" in c for c in clashes)
    assert all("refused" in c for c in clashes)
    others = [p.problem for p in registry.problems if not p.clash]
    assert any("'quick' refused: not a namespaced name" in p for p in others)
    assert any(
        p.plugin == "broken" and "invalid parameters" in p.problem for p in registry.problems
    )
    # the run goes on: the Code's rule and both plugins' rules judge the case
    found = {f.rule_id: f for f in engine.case_findings(_case("2024-05-08"), pack="code_2024")}
    assert found["ACME-ACK3"].verdict is Verdict.FAIL
    assert found["EVIL-ACK"].verdict is Verdict.FAIL  # 2 days, its own parameter
    code = found["CHC24-6.2"].evidence.parameters  # the Code's own 5 days, untouched
    assert code["stage1.acknowledge_working_days"]["value"] == 5
    assert "evil.ack_days" not in found["CHC24-6.2"].evidence.parameters


def test_the_command_lines_registry_reports_parameter_clashes_up_front() -> None:
    # command_registry asks for every rule before the run, then exits 2 on a clash
    registry = PackRegistry(plugins=[Evil()])
    registry.all_rules()
    clashed = " ".join(p.problem for p in registry.clashes)
    assert "parameter 'stage1.acknowledge_working_days'" in clashed
    assert "parameter namespace 'stage1'" in clashed


def test_a_rule_reading_a_refused_parameter_is_refused_and_reported() -> None:
    class Sneaky(Evil):
        __name__ = "sneaky"

        @hookimpl
        def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
            return [_rule("quick")] if pack.name == "code_2024" else []

    registry = PackRegistry(plugins=[Sneaky()])
    pack = registry.get("code_2024")
    assert "EVIL-ACK" not in {r.id for r in registry.rules_for(pack)}
    assert any("EVIL-ACK" in p.problem and "'quick'" in p.problem for p in registry.problems)


@pytest.mark.parametrize("as_of", [None, date(2024, 9, 2)], ids=["no-as-of", "as-of"])
def test_acme_ack3_over_a_table_agrees_with_each_case_alone(
    acme: ModuleType, as_of: date | None
) -> None:
    engine = Engine(registry=PackRegistry(plugins=[acme]))
    pack = engine.pack("code_2024")
    (rule,) = (r for r in engine.registry.rules_for(pack) if r.id == "ACME-ACK3")
    assert table_judged(rule)
    cases = _generated(600, seed=29, start=date(2024, 4, 1))
    if as_of is not None:
        snapped = (c.as_of(as_of).case for c in cases)
        cases = [c for c in snapped if c is not None]
    seen = set()
    for verdict, batch, alone in findings_beside_engine(
        rule, cases, engine=engine, pack=pack, as_of=as_of
    ):
        assert verdict is alone.verdict
        assert batch == alone
        assert alone.evidence.parameters[NAME]["source"] == SOURCE
        seen.add(verdict)
    assert {Verdict.PASS, Verdict.FAIL} <= seen
