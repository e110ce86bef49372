"""Bulk judging over columns agrees with judging each case alone.

On the fast path the bulk path judges every timescale declaration, of any pack, over each
batch's case table (``timescale_arrays``, the table judge of the declarations), and in
summary mode every rule written as an expression too (``judge_table``, verdicts only);
the rules still written as functions are judged case by case. Here every path
(``evaluate_cases`` fast and slow, ``evaluate_file`` with and without per-case results,
``evaluate_batch``) is held to ``Engine.case_findings``
on each case, rule by rule (verdict, and message wherever the path gives one), and to its
counts and breach months, on the generated corpus (a synthetic CRM export) plus the example
landlord's cases, for both packs, with and without an as-of date, and with the third-party
example pack (examples/inhouse_pack) installed.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from complaintrules import (
    Complaint,
    Engine,
    EngineSpec,
    Level,
    Pack,
    Rule,
    Verdict,
    evaluate_batch,
    hookimpl,
)
from complaintrules.authoring import param, when
from complaintrules.bulk.batch import NOT_JUDGED, REJECTED
from complaintrules.bulk.evaluate import (
    BulkSummary,
    CaseResult,
    evaluate_cases,
    evaluate_file,
)
from complaintrules.io.tabular import _converter, load_mapping
from complaintrules.law.expressions import table_judged
from complaintrules.law.plugins import PackRegistry
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
LANDLORD = ROOT / "examples" / "landlord" / "cases.json"
INHOUSE = ROOT / "examples" / "inhouse_pack"
AS_OF = date(2025, 3, 31)
#: receipt dates of the generated export judged by each pack
STARTS = {"code_2024": date(2024, 4, 1), "code_2020": date(2022, 10, 1)}
ROWS = 700

Judged = list[tuple[str, str, str]]  # (rule id, verdict, message) of one case


def _export(tmp_path: Path, pack: str) -> Path:
    path = tmp_path / f"{pack}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(synthetic_rows(ROWS, seed=13, start=STARTS[pack], days=365))
    return path


def _read(path: Path) -> list[Complaint]:
    """The cases of an export, read row by row (as the rows the columnar reader keeps)."""
    converter = _converter(load_mapping(MAPPING), HEADER)
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    rows = (converter.convert(i, r) for i, r in enumerate(records))
    return [row.case for row in rows if row.case is not None]


def _landlord(pack: str) -> list[Complaint]:
    """The example landlord's cases (refusals, remedies, second stages ...), moved back 52
    weeks for code_2020 (same weekdays)."""
    data = json.loads(LANDLORD.read_text(encoding="utf-8"))["cases"]
    cases = [Complaint.model_validate(c) for c in data]
    if pack == "code_2024":
        return cases
    back = timedelta(weeks=52)
    return [Complaint.model_validate(_shift(c.model_dump(mode="json"), back)) for c in cases]


def _shift(value: Any, by: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: _shift(v, by) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, by) for v in value]
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return (date.fromisoformat(value) - by).isoformat()
    return value


def _singly(engine: Engine, cases: list[Complaint], as_of: date | None) -> list[Judged]:
    """Each case judged alone; an empty list for a case received after ``as_of``."""
    return [
        [(f.rule_id, f.verdict.value, f.message) for f in engine.case_findings(case, as_of=as_of)]
        for case in cases
    ]


def _counts(engine: Engine, expected: list[Judged]) -> tuple[Counter[tuple[str, str]], int]:
    """The verdict counts and the failures (must-level fails and errors) of ``expected``."""
    levels = {r.id: r.level for p in engine.registry.packs for r in engine.registry.rules_for(p)}
    verdicts: Counter[tuple[str, str]] = Counter()
    failures = 0
    for findings in expected:
        for rule_id, verdict, _ in findings:
            verdicts[(rule_id, verdict)] += 1
            failures += verdict == "error" or (verdict == "fail" and levels[rule_id] is Level.MUST)
    return verdicts, failures


def _agree(results: list[CaseResult], expected: list[Judged]) -> None:
    """Results (those of cases judged) match, rule by rule; a message the path left out
    (the pass of a rule judged over arrays) is not compared."""
    judged = [e for e in expected if e]
    assert len(results) == len(judged)
    for result, findings in zip(results, judged, strict=True):
        assert [(r, v.value) for r, v, _ in result.verdicts] == [(r, v) for r, v, _ in findings]
        for (_, _, message), (_, _, want) in zip(result.verdicts, findings, strict=True):
            assert message is None or message == want


@pytest.fixture
def inhouse(monkeypatch: pytest.MonkeyPatch) -> Iterator[EngineSpec]:
    monkeypatch.syspath_prepend(str(INHOUSE))
    yield EngineSpec(plugins=("acme_inhouse_rules",))


def _engine(request: pytest.FixtureRequest, with_inhouse: bool) -> Engine:
    if not with_inhouse:
        return Engine()
    spec: EngineSpec = request.getfixturevalue("inhouse")
    return spec.fresh()


CASES = [
    pytest.param("code_2024", False, id="code_2024"),
    pytest.param("code_2020", False, id="code_2020"),
    pytest.param("code_2024", True, id="code_2024-inhouse"),
]


@pytest.mark.parametrize("as_of", [None, AS_OF], ids=["no-as-of", "as-of"])
@pytest.mark.parametrize(("pack", "with_inhouse"), CASES)
def test_every_bulk_path_agrees_with_each_case_judged_alone(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    pack: str,
    with_inhouse: bool,
    as_of: date | None,
) -> None:
    engine = _engine(request, with_inhouse)
    assert any(table_judged(r) for r in engine.pack(pack).rules)
    export = _export(tmp_path, pack)
    read = _read(export)
    cases = read + _landlord(pack)
    expected = _singly(engine, cases, as_of)
    verdicts, failures = _counts(engine, expected)
    assert verdicts[next(iter(verdicts))] > 0

    # evaluate_cases: fast (timescales over the case table) and slow (every rule per case)
    for fast in (True, False):
        summary = BulkSummary()
        results = list(
            evaluate_cases(cases, engine=engine, as_of=as_of, fast=fast, summary=summary)
        )
        _agree(results, expected)
        assert summary.verdicts == verdicts
        assert summary.failures == failures
        assert summary.cases_failed == sum(r.failed for r in results)

    # evaluate_file: per-case results, and the summary alone (messages only for failures)
    file_expected = expected[: len(read)]
    file_verdicts, file_failures = _counts(engine, file_expected)
    got: list[CaseResult] = []
    with_results = evaluate_file(
        export, MAPPING, engine=engine, as_of=as_of, on_result=got.append, chunk_size=256
    )
    _agree(got, file_expected)
    summaries = [with_results]
    for fast in (True, False):
        summaries.append(
            evaluate_file(export, MAPPING, engine=engine, as_of=as_of, fast=fast, chunk_size=256)
        )
    for summary in summaries:
        assert summary.verdicts == file_verdicts
        assert summary.failures == file_failures
        assert summary.breaches_by_month == summaries[-1].breaches_by_month
        assert summary.tally == summaries[-1].tally
        assert summary.cases_failed == summaries[-1].cases_failed

    # evaluate_batch, on the same cases as dicts (as of the date, or today without one)
    when = as_of or engine.today()
    table = evaluate_batch(
        [c.model_dump(mode="json", exclude_none=True) for c in cases], as_of=when, engine=engine
    )
    rows = [r for r in table.to_pylist() if r["verdict"] not in (REJECTED, NOT_JUDGED)]
    want = [
        (k, finding)
        for k, findings in enumerate(_singly(engine, cases, when))
        for finding in findings
    ]
    assert [(r["row_index"], (r["rule_id"], r["verdict"], r["message"])) for r in rows] == want


def _count_arrays(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """Counts the timescale declarations judged over a table, by stage number."""
    from complaintrules.law import timescale_columns

    calls: Counter[int] = Counter()
    judge = timescale_columns.timescale_arrays

    def counted(timescale: Any, table: Any, **kwargs: Any) -> Any:
        calls[timescale.stage] += 1
        return judge(timescale, table, **kwargs)

    monkeypatch.setattr(timescale_columns, "timescale_arrays", counted)
    return calls


@pytest.mark.parametrize("pack", ["code_2024", "code_2020"])
@pytest.mark.parametrize("as_of", [None, AS_OF], ids=["no-as-of", "as-of"])
def test_every_pack_judges_its_timescales_over_the_table_on_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, as_of: date | None, pack: str
) -> None:
    engine = Engine()
    export = _export(tmp_path, pack)
    calls = _count_arrays(monkeypatch)
    summary = evaluate_file(export, MAPPING, engine=engine, as_of=as_of)
    declared = [r.timescale for r in engine.pack(pack).rules if r.timescale is not None]
    assert set(calls) == {t.stage for t in declared}
    # the same counts, breach months and TSM tallies as judging every rule case by case
    slow = evaluate_file(export, MAPPING, engine=engine, as_of=as_of, fast=False)
    assert summary.verdicts == slow.verdicts
    assert summary.breaches_by_month == slow.breaches_by_month
    assert summary.tally == slow.tally
    assert summary.untallied == slow.untallied
    assert any(v == "fail" for _, v in summary.verdicts)
    # with per-case results too; without fast, every rule is judged case by case
    calls.clear()
    evaluate_file(export, MAPPING, engine=engine, as_of=as_of, on_result=lambda result: None)
    assert set(calls) == {t.stage for t in declared}
    calls.clear()
    evaluate_file(export, MAPPING, engine=engine, as_of=as_of, fast=False)
    assert not calls


def _count_shared_judge(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, bool]]:
    """Counts the cases the shared timeliness judge decides one at a time, by verdict and
    whether the judged stage has extensions."""
    from complaintrules.law import stage_checks

    calls: Counter[tuple[str, bool]] = Counter()
    judge = stage_checks.judge_timescale

    def counted(timescale: Any, case: Complaint, ctx: Any) -> Any:
        outcome = judge(timescale, case, ctx)
        stage = case.stage(timescale.stage)
        calls[(outcome.verdict.value, bool(stage and stage.extensions))] += 1
        return outcome

    monkeypatch.setattr(stage_checks, "judge_timescale", counted)
    return calls


@pytest.mark.parametrize("pack", ["code_2024", "code_2020"])
@pytest.mark.parametrize("as_of", [None, AS_OF], ids=["no-as-of", "as-of"])
def test_summary_mode_dates_every_timescale_failure_from_the_arrays(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, as_of: date | None, pack: str
) -> None:
    # The month of a breach is read off the arrays, a response judged with its
    # extensions included (the deadline after them, or the original one when only the
    # extensions failed), so the summary judges no case alone for it.
    engine = Engine()
    export = _export(tmp_path, pack)
    calls = _count_shared_judge(monkeypatch)
    summary = evaluate_file(export, MAPPING, engine=engine, as_of=as_of)
    assert not calls
    slow = evaluate_file(export, MAPPING, engine=engine, as_of=as_of, fast=False)
    if any(r.timescale and r.timescale.with_extensions for r in engine.pack(pack).rules):
        assert calls[("fail", True)] > 0  # failures with extensions are in the export
    assert summary.breaches_by_month == slow.breaches_by_month
    assert summary.verdicts == slow.verdicts


def _count_judge_table(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the rules judged over a table by judge_table, by rule id."""
    from complaintrules.law import expressions

    calls: Counter[str] = Counter()
    judge = expressions.judge_table

    def counted(rule: Rule, table: Any, **kwargs: Any) -> Any:
        calls[rule.id] += 1
        return judge(rule, table, **kwargs)

    monkeypatch.setattr(expressions, "judge_table", counted)
    return calls


@pytest.mark.parametrize("pack", ["code_2024", "code_2020"])
def test_summary_mode_judges_the_expression_rules_over_the_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pack: str
) -> None:
    engine = Engine()
    export = _export(tmp_path, pack)
    calls = _count_judge_table(monkeypatch)
    summary = evaluate_file(export, MAPPING, engine=engine, as_of=AS_OF)
    written = {r.id for r in engine.pack(pack).rules if r.timescale is None and table_judged(r)}
    assert written and set(calls) == written
    slow = evaluate_file(export, MAPPING, engine=engine, as_of=AS_OF, fast=False)
    assert summary.verdicts == slow.verdicts
    assert summary.breaches_by_month == slow.breaches_by_month
    assert summary.failures == slow.failures and summary.cases_failed == slow.cases_failed
    # with per-case results every message is wanted: those rules are judged case by case
    calls.clear()
    evaluate_file(export, MAPPING, engine=engine, as_of=AS_OF, on_result=lambda result: None)
    assert not calls


class _Broken:
    """An extra rule written as an expression reading a parameter no pack has: every
    case is in error, judged alone or over a table."""

    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> list[Rule]:
        check = when(param("acme.never_defined").eq(1), Verdict.FAIL, "odd").otherwise(
            Verdict.PASS, "fine"
        )
        return [
            Rule(
                id="ACME-BROKEN",
                pack="acme",
                provision="0.1",
                section="Tests",
                title="reads a parameter no pack has",
                summary="Always raises.",
                explanation="",
                source="test",
                case=check,
            )
        ]


@pytest.mark.parametrize("as_of", [None, AS_OF], ids=["no-as-of", "as-of"])
def test_an_expression_rule_in_error_is_each_case_own_error_and_the_run_goes_on(
    tmp_path: Path, as_of: date | None
) -> None:
    engine = Engine(registry=PackRegistry(plugins=[_Broken()]))
    export = _export(tmp_path, "code_2024")
    cases = _read(export)[:300]
    expected = _singly(engine, cases, as_of)
    broken = [f for findings in expected for f in findings if f[0] == "ACME-BROKEN"]
    assert broken and {v for _, v, _ in broken} == {"error"}
    verdicts, failures = _counts(engine, expected)
    summary = BulkSummary()
    results = list(evaluate_cases(cases, engine=engine, as_of=as_of, summary=summary))
    _agree(results, expected)
    assert summary.verdicts == verdicts
    assert summary.failures == failures
    when = as_of or engine.today()
    table = evaluate_batch(
        [c.model_dump(mode="json", exclude_none=True) for c in cases], as_of=when, engine=engine
    )
    errors = [
        (r["verdict"], r["message"]) for r in table.to_pylist() if r["rule_id"] == "ACME-BROKEN"
    ]
    assert errors == [
        (v, m)
        for findings in _singly(engine, cases, when)
        for r, v, m in findings
        if r == "ACME-BROKEN"
    ]
    assert set(table.column("verdict").to_pylist()) >= {"pass", "error"}


def test_a_summary_run_with_the_inhouse_pack_builds_no_case_per_row(
    tmp_path: Path, inhouse: EngineSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-house pack's ACME-ACK3 is a timescale over its own parameter, so a summary
    run judges it over the batch's columns: a case is built only for the few rows a rule
    must judge alone, never for every row (as a rule written as a function needs)."""
    from complaintrules.io.columnar import FlatBatch

    built: list[int] = []
    case = FlatBatch.case

    def counted(self: FlatBatch, k: int) -> Complaint:
        built.append(k)
        return case(self, k)

    monkeypatch.setattr(FlatBatch, "case", counted)
    engine = inhouse.fresh()
    export = _export(tmp_path, "code_2024")
    summary = evaluate_file(export, MAPPING, engine=engine, chunk_size=256)
    assert summary.verdicts[("ACME-ACK3", "pass")] > 0
    assert summary.verdicts[("ACME-ACK3", "fail")] > 0
    assert len(built) < ROWS // 10, f"{len(built)} cases built for {ROWS} rows"
