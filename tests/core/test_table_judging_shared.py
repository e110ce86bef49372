"""What the table backend makes once per batch rather than once per rule (issue 13, bulk
speed): the receipt days and a check's own facts in ``judge_table``; a stage's facts, the
receipt days and the clock starts in ``timescale_arrays``; the parameters read once per
period of dated values, not per receipt day; and a gated rule's rows judged over the whole
table where they are most of it. Each is held to the answer the unshared path gives, over
two batches of different rows in a row (nothing made for one batch is read for the other).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Any

import numpy as np
import pytest
from expression_helpers import context_of, rule_of

import complaintrules.law.expressions as expressions
import complaintrules.law.timescale_columns as timescale_columns
from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import applies_if, lit, stage, when
from complaintrules.law.expressions import _Columns, expression_of, judge_table
from complaintrules.law.gates import CaseFact
from complaintrules.law.timescale_columns import timescale_arrays
from complaintrules.model.columns import case_table

ENGINE = Engine()
PACK = ENGINE.pack("code_2024")


def _generated(n: int, seed: int, start: date) -> list[Complaint]:
    from complaintrules import load_mapping
    from complaintrules.io.tabular import _converter
    from complaintrules.model.synthetic import HEADER, synthetic_rows
    from properties.strategies import MAPPING

    convert = _converter(load_mapping(MAPPING), HEADER)
    rows = synthetic_rows(n, seed=seed, start=start, days=365)
    found = (convert.convert(i + 2, row).case for i, row in enumerate(rows))
    return [c for c in found if c is not None]


#: Two batches in a row, of different cases received on different days.
BATCHES = [
    _generated(150, seed=5, start=date(2024, 4, 1)),
    _generated(120, seed=9, start=date(2025, 1, 6)),
]


def _timescale_rules() -> list[Any]:
    return [r for r in ENGINE.registry.rules_for(PACK) if r.timescale is not None]


def _expression_rules() -> list[Any]:
    return [r for r in ENGINE.registry.rules_for(PACK) if expression_of(r.case) is not None]


def test_timescale_facts_are_made_once_per_batch_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every timescale declaration judged over a batch with one shared dict makes each
    stage's facts once, and gives every array it gives judged alone; the next batch, with
    its own dict, gets its own rows' answers."""
    made: list[int] = []
    real = timescale_columns._Stage

    def counted(table: Any, number: int) -> Any:
        made.append(number)
        return real(table, number)

    monkeypatch.setattr(timescale_columns, "_Stage", counted)
    rules = _timescale_rules()
    for cases in BATCHES:
        table = case_table(cases)
        shared: dict[Any, Any] = {}
        made.clear()
        together = [
            timescale_arrays(r.timescale, table, engine=ENGINE, pack=PACK, shared=shared)
            for r in rules
        ]
        assert sorted(made) == sorted({r.timescale.stage for r in rules})
        for rule, got in zip(rules, together, strict=True):
            alone = timescale_arrays(rule.timescale, table, engine=ENGINE, pack=PACK)
            for name in ("verdicts", "due", "original", "breach"):
                assert np.array_equal(getattr(got, name), getattr(alone, name)), (rule.id, name)


def test_shared_timescale_facts_belong_to_one_batch() -> None:
    rule = _timescale_rules()[0]
    shared: dict[Any, Any] = {}
    timescale_arrays(
        rule.timescale, case_table(BATCHES[0]), engine=ENGINE, pack=PACK, shared=shared
    )
    with pytest.raises(ValueError, match="another table"):
        timescale_arrays(
            rule.timescale, case_table(BATCHES[1]), engine=ENGINE, pack=PACK, shared=shared
        )


def test_a_declarations_parameters_are_read_once_per_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Receipt days reading the same dated values of a declaration's parameters are read
    with one context, not one per day; the verdicts are the engine's, case by case."""
    contexts: list[date] = []
    real = timescale_columns.Context

    def counted(pack: Any, calendar: Any, conventions: Any, on: date, *rest: Any) -> Any:
        contexts.append(on)
        return real(pack, calendar, conventions, on, *rest)

    monkeypatch.setattr(timescale_columns, "Context", counted)
    cases = BATCHES[0]
    table = case_table(cases)
    days = sorted({c.received_on for c in cases})
    for rule in _timescale_rules():
        contexts.clear()
        found = timescale_arrays(rule.timescale, table, engine=ENGINE, pack=PACK)
        names = rule.timescale.parameters
        periods = {
            tuple(
                bisect_right([v.since for v in PACK.parameters[name].values], day) for name in names
            )
            for day in days
        }
        assert len(days) > len(periods)
        assert len(contexts) == len(periods), rule.id
        for case, code in zip(cases, found.verdicts.tolist(), strict=True):
            want = rule.case(case, context_of(ENGINE, PACK, case))
            assert timescale_columns.verdict_of(code) is want.verdict, (rule.id, case.reference)


def test_receipt_days_are_read_once_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule written as an expression, judged over a batch with one shared dict, reads
    the batch's receipt days once (each gated rule narrows them to its own rows) and gives
    the verdicts and failures' findings it gives judged alone; so does the next batch."""
    counted: list[int] = []
    real = expressions._distinct

    def distinct(values: Any, missing: int) -> Any:
        counted.append(len(values))
        return real(values, missing)

    monkeypatch.setattr(expressions, "_distinct", distinct)
    for cases in BATCHES:
        table = case_table(cases)
        shared: dict[Any, Any] = {}
        counted.clear()
        for rule in _expression_rules():
            kwargs: dict[str, Any] = {"engine": ENGINE, "pack": PACK, "explain": "failures"}
            together = judge_table(rule, table, shared=shared, **kwargs)
            alone = judge_table(rule, table, **kwargs)
            assert together.verdicts == alone.verdicts, rule.id
            assert together.findings == alone.findings, rule.id
        assert counted.count(table.num_rows) == 1 + len(_expression_rules())


@pytest.mark.parametrize(
    "values",
    [
        [738000, 738000, 737999, 0, 738500, 0],
        [5, 5, 5],
        [0, 0],
        [],
        [738000, 1, 900000],
        [-3, 4, -(2**31)],
    ],
)
def test_distinct_days_are_numpys_unique(values: list[int]) -> None:
    array = np.asarray(values, dtype=np.int64)
    missing = -(2**31) if any(v < 0 for v in values) else 0
    want = np.unique(array, return_inverse=True)
    got = expressions._distinct(array, missing)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


# -- a gated rule's rows, most of the table, judged over the whole table -------------------------


def _case(k: int, gated_in: bool) -> Complaint:
    if gated_in:
        first = {"number": 1, "logged_on": "2024-05-02"}
        first["response"] = {"issued_on": f"2024-05-{10 + k:02d}", "outcome": "upheld"}
        return Complaint.model_validate(
            {"reference": f"IN-{k}", "received_on": "2024-05-01", "stages": [first]}
        )
    # no response (outside the gate), and dates outside the calendar's years
    return Complaint.model_validate(
        {
            "reference": f"OUT-{k}",
            "received_on": "1990-01-02",
            "stages": [{"number": 1, "logged_on": "1990-01-03"}],
        }
    )


def _gated_rule() -> Any:
    due = stage(1).field("logged_on").add_working_days(lit(5))
    check = when(
        due.lt(stage(1).field("response.issued_on")), Verdict.FAIL, "answered after {due}"
    ).otherwise(Verdict.PASS, "answered by {due}", values={"due": due.iso()})
    return rule_of(applies_if(CaseFact.STAGE1_RESPONSE, check, otherwise="no response"))


def test_a_gated_rules_rows_most_of_the_table_read_its_columns_uncopied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where a gate leaves out a few rows, the rule reads the table's columns as they are
    (never taken for its rows); its verdicts and findings are each case's own."""
    cases = [_case(k, True) for k in range(8)] + [_case(0, False)]
    cases[-1] = Complaint.model_validate(
        {"reference": "OUT-0", "received_on": "2024-05-01", "stages": [{"number": 1}]}
    )
    reads: list[Any] = []
    real = _Columns._read

    def read(self: _Columns, name: str) -> Any:
        reads.append(self.index)
        return real(self, name)

    monkeypatch.setattr(_Columns, "_read", read)
    rule = _gated_rule()
    got = judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK, explain="all")
    assert reads and all(index is None for index in reads)
    for r, case in enumerate(cases):
        want = rule.case(case, context_of(ENGINE, PACK, case))
        assert got.findings[r].verdict is want.verdict, case.reference
        assert got.findings[r].message == want.message, case.reference


def test_a_gated_rule_raising_outside_its_rows_is_judged_over_its_own() -> None:
    """Rows the gate leaves out whose dates the calendar refuses do not make the rule's
    own rows errors: they are judged over their own rows, as each case alone."""
    cases = [_case(k, True) for k in range(6)] + [_case(k, False) for k in range(2)]
    rule = _gated_rule()
    table = case_table(cases)
    # over every row the check itself raises (the rows left out are outside the calendar)
    check = expression_of(rule.case)
    assert check is not None
    params = {**expressions.calendar_params(ENGINE.calendar, ENGINE.conventions)}
    with pytest.raises(ValueError, match="outside this calendar"):
        check[0]._branches(_Columns(table, params, len(cases)))
    got = judge_table(rule, table, engine=ENGINE, pack=PACK, explain="all")
    for r, case in enumerate(cases):
        want = rule.case(case, context_of(ENGINE, PACK, case))
        assert want.verdict is not Verdict.ERROR
        assert got.findings[r].verdict is want.verdict, case.reference
        assert got.findings[r].message == want.message, case.reference


def test_a_checks_own_facts_are_read_once_for_every_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """What judging reads of the check itself (its parameters, say) is walked out of its
    parts once, not again for each batch."""
    from complaintrules.law.expressions import CaseExpression

    walked: list[int] = []
    real = CaseExpression.parameters

    def parameters(self: CaseExpression) -> Any:
        walked.append(1)
        return real.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(CaseExpression, "parameters", property(parameters))
    rule = _gated_rule()
    for cases in BATCHES:
        judge_table(rule, case_table(cases), engine=ENGINE, pack=PACK)
    assert len(walked) == 1


def test_a_clocks_receipt_days_are_placed_once_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules reading a response clock, judged over one batch with a shared dict, ask
    the conventions to place each receipt day once (judged alone, each rule asks again);
    the verdicts, failures' findings and computed dates are each rule's alone."""
    from complaintrules import Conventions

    pack = ENGINE.pack("code_2020")
    asked: list[tuple[Any, ...]] = []
    placing: list[bool] = []  # (inside a clock's placing of its days over the table)
    real = Conventions.effective_receipt
    real_placed = timescale_columns.ClockArrays.placed

    def effective(self: Conventions, calendar: Any, day: date, at: Any = None) -> Any:
        if placing:
            asked.append((day, at))
        return real(self, calendar, day, at)

    def placed(self: Any, *args: Any) -> Any:
        placing.append(True)
        try:
            return real_placed(self, *args)
        finally:
            placing.pop()

    monkeypatch.setattr(Conventions, "effective_receipt", effective)
    monkeypatch.setattr(timescale_columns.ClockArrays, "placed", placed)
    rules = [r for r in ENGINE.registry.rules_for(pack) if expression_of(r.case) is not None]
    for start in (date(2021, 10, 1), date(2022, 6, 1)):
        table = case_table(_generated(120, seed=7, start=start))
        kwargs: dict[str, Any] = {
            "engine": ENGINE,
            "pack": pack,
            "explain": "failures",
            "computed": ("deadline", "due_by"),
        }
        asked.clear()
        alone = [judge_table(rule, table, **kwargs) for rule in rules]
        assert len(asked) > len(set(asked))  # (more than one rule reads a clock)
        asked.clear()
        shared: dict[Any, Any] = {}
        together = [judge_table(rule, table, shared=shared, **kwargs) for rule in rules]
        assert asked and len(asked) == len(set(asked))
        for rule, got, want in zip(rules, together, alone, strict=True):
            assert got.verdicts == want.verdicts, rule.id
            assert got.findings == want.findings, rule.id
            assert got.computed == want.computed, rule.id
