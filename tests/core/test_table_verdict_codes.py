"""Verdicts over a table carried as an array of codes (issue 13, bulk speed).

``judge_table`` gives every row's verdict as an array of codes
(:attr:`TableVerdicts.codes`, indexes into ``VERDICT_ORDER``) that the bulk path counts
and searches as an array. These tests hold the codes to the verdicts each case gets
alone, and the bulk totals built from them (verdict counts, errors judged again alone,
failures and breach months, across a month boundary) to the same cases judged one by one.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import pytest

from complaintrules import (
    Complaint,
    Engine,
    Pack,
    PackRegistry,
    ParameterSet,
    Verdict,
    hookimpl,
)
from complaintrules.authoring import case_field, param, when
from complaintrules.bulk.evaluate import BulkEvaluator, BulkSummary, breach_month
from complaintrules.io.tabular import _converter
from complaintrules.law.expressions import judge_table
from complaintrules.law.parameters import _Parameter
from complaintrules.law.rules import Level
from complaintrules.model.columns import case_table
from complaintrules.model.synthetic import HEADER, synthetic_rows
from core.expression_helpers import rule_of
from properties.strategies import MAPPING

#: The day the test pack's parameter comes into force: a case received before it is an
#: error for the rule reading it (no value in force), over the table and alone.
IN_FORCE = date(2024, 6, 3)


def _pack() -> Pack:
    offered = case_field("offered_choice_to_complain")
    received = case_field("received_on")
    # a failure gives its deadline (days after receipt): the month of its breach
    dated = (
        when(offered.is_null(), Verdict.NEEDS_EVIDENCE, "not recorded", computed=False)
        .when(offered.is_false(), Verdict.FAIL, "not offered")
        .otherwise(
            Verdict.PASS,
            "offered",
            computed={"deadline": received.add_working_days(param("codes.days")).iso()},
            reported=(),
        )
    )
    # a failure with no deadline: its breach is counted in the month of receipt
    undated = when(offered.is_true() & param("codes.days").gt(0), Verdict.FAIL, "wrong").otherwise(
        Verdict.PASS, "fine"
    )
    days = _Parameter.model_validate(
        {
            "description": "days to answer",
            "values": [{"since": IN_FORCE.isoformat(), "value": 10, "source": "test"}],
        }
    )
    return Pack(
        name="codes",
        title="A test pack",
        version="1",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=(
            rule_of(dated, "CODES-1.1", pack="codes"),
            rule_of(undated, "CODES-1.2", pack="codes", level=Level.SHOULD),
        ),
        parameters=ParameterSet({"codes.days": days}),
    )


PACK = _pack()


class _Plugin:
    @hookimpl
    def complaintrules_packs(self) -> list[Pack]:
        return [PACK]


ENGINE = Engine(registry=PackRegistry(autoload=False, plugins=[_Plugin()]))


def _cases() -> list[Complaint]:
    """Cases received either side of ``IN_FORCE`` and late in June (a deadline in July),
    each with the fact recorded as offered, not offered or not at all."""
    days = [date(2024, 5, 30), IN_FORCE, date(2024, 6, 24), date(2024, 6, 28), date(2024, 7, 1)]
    out = []
    for k in range(30):
        facts: dict[str, Any] = {}
        if k % 3 < 2:
            facts["offered_choice_to_complain"] = k % 3 == 1
        received = days[k % len(days)]
        out.append(
            Complaint.model_validate(
                {"reference": f"K-{k}", "received_on": received.isoformat(), **facts}
            )
        )
    return out


def test_judge_table_gives_the_verdicts_as_an_array_of_codes() -> None:
    from complaintrules.law.expressions import VERDICT_ORDER

    cases = _cases()
    table = case_table(cases)
    for rule in PACK.rules:
        alone = [f.verdict for c in cases for f in ENGINE.case_findings(c, rules=[rule.id])]
        assert {Verdict.ERROR, Verdict.FAIL, Verdict.PASS} <= set(alone), rule.id
        batch = judge_table(rule, table, engine=ENGINE, pack=PACK)
        codes = batch.codes
        assert isinstance(codes, np.ndarray) and codes.dtype == np.int64
        assert not codes.flags.writeable  # the record of the verdicts, not a scratch array
        assert [VERDICT_ORDER[c] for c in codes.tolist()] == batch.verdicts == alone
        assert batch.counts() == Counter(alone)
        for verdict in Verdict:
            want = [r for r, v in enumerate(alone) if v is verdict]
            assert batch.rows(verdict).tolist() == want, (rule.id, verdict)


def test_a_timescale_rule_over_a_table_gives_codes_too() -> None:
    from complaintrules import load_mapping
    from complaintrules.law.expressions import VERDICT_ORDER

    engine = Engine()
    pack = engine.pack("code_2024")
    convert = _converter(load_mapping(MAPPING), HEADER)
    rows = synthetic_rows(80, seed=3, start=date(2024, 4, 1), days=300)
    cases = [got.case for i, row in enumerate(rows) if (got := convert.convert(i + 2, row)).case]
    table = case_table(cases)
    rules = [r for r in pack.rules if r.timescale is not None]
    assert rules
    for rule in rules:
        batch = judge_table(rule, table, engine=engine, pack=pack, as_of=date(2025, 3, 31))
        alone = [
            f.verdict
            for c in cases
            for f in engine.case_findings(c, pack=pack, as_of=date(2025, 3, 31), rules=[rule.id])
        ]
        assert [VERDICT_ORDER[c] for c in batch.codes.tolist()] == alone, rule.id
        assert batch.counts() == Counter(alone), rule.id
        assert not batch.codes.flags.writeable


@pytest.mark.parametrize("chunk", [7, 30], ids=["several-chunks", "one-chunk"])
def test_bulk_totals_from_the_codes_equal_the_cases_judged_one_by_one(chunk: int) -> None:
    cases = _cases()
    evaluator = BulkEvaluator(ENGINE, pack="codes", results=False)
    summary = BulkSummary()
    items = list(enumerate(cases))
    for start in range(0, len(items), chunk):
        evaluator.evaluate(items[start : start + chunk], summary)
    assert {r.id for r in evaluator._tabled["codes"]} == {"CODES-1.1", "CODES-1.2"}

    verdicts: Counter[tuple[str, str]] = Counter()
    breaches: Counter[tuple[str, str]] = Counter()
    failures = cases_failed = 0
    for case in cases:
        failed = False
        for finding in ENGINE.case_findings(case, pack=PACK):
            verdicts[(finding.rule_id, finding.verdict.value)] += 1
            if finding.verdict is Verdict.FAIL:
                month = breach_month(case, finding.evidence.computed)
                breaches[(month, finding.rule_id)] += 1
            if finding.verdict is Verdict.ERROR or (
                finding.verdict is Verdict.FAIL and finding.level is Level.MUST
            ):
                failures += 1
                failed = True
        cases_failed += failed
    assert summary.verdicts == verdicts
    assert summary.breaches_by_month == breaches
    assert (summary.failures, summary.cases_failed) == (failures, cases_failed)
    assert summary.evaluated == len(cases)
    # the cases this test is about: errors, and failures whose deadline is in the next month
    assert verdicts[("CODES-1.1", "error")] == sum(c.received_on < IN_FORCE for c in cases)
    assert breaches[("2024-07", "CODES-1.1")] > sum(
        c.received_on.month == 7 and c.offered_choice_to_complain is False for c in cases
    )
    assert breaches[("2024-06", "CODES-1.2")] > 0  # an undated failure: month of receipt
