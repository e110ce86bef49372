"""Properties of every verdict the library gives, over generated timelines (issue 12).

* the same input gives the same report, evaluated twice and in a fresh engine;
* per case equals bulk: ``Engine.case_findings`` gives the verdict and message that
  ``evaluate_cases`` gives (fast and ``fast=False``), and summary mode counts the same,
  for every case rule of both Codes and of the in-house example pack, under every
  convention, with and without an as-of date;
* ``due()`` never lists an obligation met on time as next or breached;
* no event after the as-of date changes a finding as of that date.

Bounded for CI: derandomised, few examples each (the folder runs in well under a minute
of CPU on two cores).
"""

from __future__ import annotations

import json
import sys
from datetime import date, time, timedelta
from functools import cache
from itertools import product
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintrules import (
    Complaint,
    Conventions,
    Engine,
    LateAcknowledgement,
    NonWorkingDayReceipt,
    PackRegistry,
    due,
    evaluate_cases,
)
from complaintrules.bulk.evaluate import BulkEvaluator, BulkSummary

from .strategies import FIRST, LAST, ROOT, bounded, complaint, complaints, timeline

#: every combination of the working-day conventions (src/complaintrules/model/conventions.py)
CONVENTIONS = [
    Conventions(non_working_day_receipt=receipt, cutoff=cutoff, late_acknowledgement=late)
    for receipt, cutoff, late in product(
        NonWorkingDayReceipt, [None, time(17, 0)], LateAcknowledgement
    )
]
CONVENTION_IDS = [
    f"{c.non_working_day_receipt.value}-{'17h' if c.cutoff else 'nocutoff'}-"
    f"{c.late_acknowledgement.value}"
    for c in CONVENTIONS
]


def _inhouse() -> ModuleType:
    sys.path.insert(0, str(ROOT / "examples" / "inhouse_pack"))
    try:
        import acme_inhouse_rules
    finally:
        sys.path.pop(0)
    return acme_inhouse_rules


def _engine(conventions: Conventions) -> Engine:
    return Engine(conventions=conventions, registry=PackRegistry(plugins=[_inhouse()]))


@cache
def engine_for(index: int) -> Engine:
    return _engine(CONVENTIONS[index])


def as_of_near(cases: list[Complaint]) -> st.SearchStrategy[date | None]:
    """No as-of date, or one around the cases' receipts (before, during, long after)."""
    first = min(c.received_on for c in cases)
    return st.one_of(st.none(), st.integers(-3, 150).map(lambda k: first + timedelta(days=k)))


# -- the same input gives the same report -----------------------------------------------------


def _report_json(engine: Engine, cases: list[Complaint], as_of: date | None) -> str:
    return json.dumps(engine.evaluate(cases=cases, as_of=as_of).to_dict(), sort_keys=True)


@bounded(30)
@given(data=st.data(), cases=complaints(), which=st.integers(0, len(CONVENTIONS) - 1))
def test_the_same_input_gives_the_same_report(
    data: st.DataObject, cases: list[Complaint], which: int
) -> None:
    as_of = data.draw(as_of_near(cases))
    engine = engine_for(which)
    first = _report_json(engine, cases, as_of)
    assert _report_json(engine, cases, as_of) == first
    assert _report_json(_engine(CONVENTIONS[which]), cases, as_of) == first
    for case in cases:
        one = json.dumps(engine.evaluate_case(case, as_of=as_of).to_dict(), sort_keys=True)
        again = json.dumps(
            _engine(CONVENTIONS[which]).evaluate_case(case, as_of=as_of).to_dict(), sort_keys=True
        )
        assert one == again


# -- per case equals bulk ---------------------------------------------------------------------


@pytest.mark.parametrize("which", range(len(CONVENTIONS)), ids=CONVENTION_IDS)
@bounded(40)
@given(data=st.data(), cases=complaints(5))
def test_per_case_equals_bulk(which: int, data: st.DataObject, cases: list[Complaint]) -> None:
    engine = engine_for(which)
    as_of = data.draw(as_of_near(cases), label="as_of")
    fast_summary, slow_summary = BulkSummary(), BulkSummary()
    fast = {
        r.reference: r
        for r in evaluate_cases(cases, engine=engine, as_of=as_of, summary=fast_summary)
    }
    slow = {
        r.reference: r
        for r in evaluate_cases(cases, engine=engine, as_of=as_of, summary=slow_summary, fast=False)
    }
    for summary in (fast_summary, slow_summary):
        assert summary.rows_in == len(cases)
        assert summary.rows_in == summary.evaluated + summary.rejected_rows + (
            summary.not_yet_received_rows
        )
    for case in cases:
        findings = engine.case_findings(case, as_of=as_of)
        if as_of is not None and case.received_on > as_of:
            assert findings == [] and case.reference not in fast and case.reference not in slow
            continue
        expected = [(f.rule_id, f.verdict, f.message) for f in findings]
        # the in-house pack's rule is judged on 2024 Code cases, by every path
        assert any(r == "ACME-ACK3" for r, _, _ in expected) == (
            engine.pack(on=case.received_on).name == "code_2024"
        )
        assert list(slow[case.reference].verdicts) == expected
        got = fast[case.reference].verdicts
        assert [(r, v) for r, v, _ in got] == [(r, v) for r, v, _ in expected]
        for (rule, verdict, message), (_, _, wanted) in zip(got, expected, strict=True):
            # the fast path leaves a pass or not-applicable message out (CaseResult)
            if message is not None or verdict.value not in ("pass", "not_applicable"):
                assert message == wanted, rule
    # summary mode (counts only: timescales and expressions over the case table, verdicts
    # only) counts what judging every case alone counts
    counted = BulkSummary()
    BulkEvaluator(engine, as_of=as_of, results=False, messages=False).evaluate(
        [(None, c) for c in cases], counted
    )
    for got in (fast_summary, counted):
        assert got.verdicts == slow_summary.verdicts
        assert got.breaches_by_month == slow_summary.breaches_by_month
        assert got.tally == slow_summary.tally
        assert got.untallied == slow_summary.untallied
        assert got.failures == slow_summary.failures
        assert got.cases_failed == slow_summary.cases_failed


# -- due() never lists a met obligation -------------------------------------------------------


def _done_on(case: Complaint, stage: int, kind: str) -> date | None:
    for s in case.stages:
        if s.number == stage:
            if kind == "acknowledge":
                return s.acknowledged.on if s.acknowledged else None
            return s.response.issued_on if s.response else None
    return None


@pytest.mark.parametrize("which", [0, 3, 5], ids=[CONVENTION_IDS[i] for i in (0, 3, 5)])
@bounded(100)
@given(case=complaint(), days=st.integers(-3, 160))
def test_due_never_lists_a_met_obligation(which: int, case: Complaint, days: int) -> None:
    engine = engine_for(which)
    as_of = case.received_on + timedelta(days=days)
    report = due(case, as_of, engine=engine)
    snapped = case.as_of(as_of).case
    if snapped is None:
        assert not report.received and report.obligations == ()
        return
    for o in report.next:
        assert o.done_on is None, o
        assert _done_on(snapped, o.stage, o.kind) is None, o
    for o in report.breached:
        done = _done_on(snapped, o.stage, o.kind)
        assert done is None or done > o.due_by, o
        assert o.done_on is None or o.done_on > o.due_by, o
    for o in report.obligations:
        done = _done_on(snapped, o.stage, o.kind)
        if done is not None and done <= o.due_by:
            assert o not in report.next and o not in report.breached, o


# -- no event after the as-of date changes a finding ------------------------------------------


@pytest.mark.parametrize("which", [0, 3, 4], ids=[CONVENTION_IDS[i] for i in (0, 3, 4)])
@bounded(100)
@given(events=timeline(FIRST, (LAST - FIRST).days), cut=st.integers(-3, 120))
def test_no_event_after_the_as_of_date_changes_a_finding(
    which: int, events: list[dict[str, object]], cut: int
) -> None:
    engine = engine_for(which)
    as_of = date.fromisoformat(str(events[0]["on"])) + timedelta(days=cut)
    upto = [e for e in events if str(e["on"]) <= as_of.isoformat()]
    whole = Complaint.model_validate({"reference": "P-1", "events": events})
    found = [f.to_dict() for f in engine.case_findings(whole, as_of=as_of)]
    if not upto:
        assert found == []
        return
    without = Complaint.model_validate({"reference": "P-1", "events": upto})
    assert found == [f.to_dict() for f in engine.case_findings(without, as_of=as_of)]
    assert (
        due(whole, as_of, engine=engine).to_dict()["obligations"]
        == (due(without, as_of, engine=engine).to_dict()["obligations"])
    )
    assert len(whole.as_of(as_of).ignored) == len(events) - len(upto)
