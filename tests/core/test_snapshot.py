"""Judged as of a date, a case is judged on what had happened by then (issue 12, item 1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintrules import (
    Complaint,
    Engine,
    Outcome,
    Pack,
    PackRegistry,
    Portfolio,
    Rule,
    Verdict,
    due,
    hookimpl,
)
from complaintrules.cli.main import main
from complaintrules.reports.formats import render_report
from complaintrules.reports.summary import render_text
from properties.strategies import timeline

# The example: received 1 May 2024, acknowledged (late) on 20 May.
LATE_ACK = {
    "reference": "S-1",
    "received_on": "2024-05-01",
    "stages": [{"number": 1, "acknowledged": {"on": "2024-05-20"}}],
}
LATER = {"reference": "S-2", "received_on": "2024-05-06"}


def _case(data: dict[str, object]) -> Complaint:
    return Complaint.model_validate(data)


def test_an_acknowledgement_after_the_as_of_date_does_not_fail_6_2() -> None:
    engine = Engine()
    report = engine.evaluate_case(_case(LATE_ACK), as_of=date(2024, 5, 3))
    (ack,) = report.for_rule("CHC24-6.2")
    assert ack.verdict is not Verdict.FAIL  # on 3 May the deadline (9 May) had not passed
    assert report.failures == []
    assert report.snapshot.ignored == (("S-1", ("stages[0].acknowledged.on (2024-05-20)",)),)
    assert report.to_dict()["snapshot"]["events_ignored"] == 1
    # judged later, the same case fails: the acknowledgement was late
    (later,) = engine.evaluate_case(_case(LATE_ACK), as_of=date(2024, 5, 20)).for_rule("CHC24-6.2")
    assert later.verdict is Verdict.FAIL


def test_a_case_received_after_the_as_of_date_is_counted_not_judged() -> None:
    engine = Engine()
    report = engine.evaluate(cases=[_case(LATE_ACK), _case(LATER)], as_of=date(2024, 5, 3))
    assert {f.subject_ref for f in report.findings if f.subject.value == "case"} == {"S-1"}
    assert report.snapshot.not_yet_received == ("S-2",)
    assert report.to_dict()["snapshot"]["cases_not_yet_received"] == 1
    rules = engine.registry.rules_for(report.packs[0])
    text = render_text(report, rules)
    assert "1 case(s) received after the as-of date (not judged)" in text
    assert "1 event(s) after it ignored in 1 case(s)" in text
    for fmt in ("markdown", "junit", "sarif", "github"):
        shown = render_report(fmt, report, rules)
        assert "1 case(s) received after the as-of date" in shown or (
            '"cases_not_yet_received": 1' in shown
        ), fmt
    alone = engine.evaluate_case(_case(LATER), as_of=date(2024, 5, 3))
    assert alone.findings == () and alone.snapshot.not_yet_received == ("S-2",)
    assert engine.case_findings(_case(LATER), as_of=date(2024, 5, 3)) == []


@pytest.mark.parametrize(
    ("as_of", "responded"),
    [(date(2024, 5, 14), True), (date(2024, 5, 13), False)],  # the event on D counts; D+1 not
)
def test_an_event_on_the_as_of_date_counts_and_one_the_day_after_is_ignored(
    as_of: date, responded: bool
) -> None:
    case = _case(
        {
            "reference": "S-3",
            "received_on": "2024-05-01",
            "stages": [
                {
                    "number": 1,
                    "acknowledged": {"on": "2024-05-02"},
                    "response": {"issued_on": "2024-05-14"},
                }
            ],
            "closed_on": "2024-05-14",
        }
    )
    snapshot = case.as_of(as_of)
    assert snapshot.case is not None
    assert (snapshot.case.stages[0].response is not None) is responded
    assert (snapshot.case.closed_on is not None) is responded
    assert snapshot.ignored == (
        () if responded else ("stages[0].response.issued_on (2024-05-14)", "closed_on (2024-05-14)")
    )
    (response,) = Engine().evaluate_case(case, as_of=as_of).for_rule("CHC24-6.3")
    assert response.verdict is (Verdict.PASS if responded else Verdict.NOT_APPLICABLE)
    # received on the as-of date counts as received
    assert (
        _case({"reference": "S-4", "received_on": "2024-05-14"}).as_of(date(2024, 5, 14)).received
    )


def test_a_stage_requested_later_and_what_a_later_response_promised_are_left_out() -> None:
    case = _case(
        {
            "reference": "S-5",
            "received_on": "2024-05-01",
            "stages": [
                {
                    "number": 1,
                    "acknowledged": {"on": "2024-05-02"},
                    "response": {"issued_on": "2024-05-10"},
                    "actions": [{"description": "Repair", "completed_on": "2024-05-30"}],
                    "updates_sent": ["2024-05-08", "2024-05-20"],
                },
                {"number": 2, "requested_on": "2024-05-20", "acknowledged": {"on": "2024-05-21"}},
            ],
        }
    )
    snapshot = case.as_of(date(2024, 5, 9))
    assert snapshot.case is not None
    assert [s.number for s in snapshot.case.stages] == [1]
    first = snapshot.case.stages[0]
    assert first.response is None and first.actions == []
    assert first.updates_sent == [date(2024, 5, 8)]
    assert len(snapshot.ignored) == 6
    assert case.as_of(date(2024, 6, 1)).ignored == ()  # nothing later: the case as given
    assert case.as_of(date(2024, 6, 1)).case is case


def test_due_takes_the_case_as_of_its_date() -> None:
    report = due(_case(LATE_ACK), date(2024, 5, 3))
    (ack,) = [o for o in report.obligations if o.kind == "acknowledge"]
    assert ack.status.value == "pending" and ack.done_on is None
    assert report.events_ignored == ("stages[0].acknowledged.on (2024-05-20)",)
    later = due(_case(LATER), date(2024, 5, 3))
    assert not later.received and later.obligations == () and later.breached == []
    assert later.to_dict()["received"] is False


def test_cases_cli_as_of_is_a_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([LATE_ACK, LATER]), encoding="utf-8")
    summary = tmp_path / "summary.json"
    code = main(["cases", str(path), "--as-of", "2024-05-03", "--summary", str(summary)])
    out, _ = capsys.readouterr()
    assert code == 0  # nothing failed as of 3 May
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["reference"] for line in lines] == ["S-1"]
    verdicts = {f["rule_id"]: f["verdict"] for f in lines[0]["findings"]}
    assert verdicts["CHC24-6.2"] != "fail"
    report = json.loads(summary.read_text(encoding="utf-8"))
    assert report["rows"]["in"] == 2 and report["rows"]["not_yet_received"] == 1
    assert report["snapshot"]["events_ignored"] == 1
    assert report["snapshot"]["not_yet_received"] == [{"row": 2, "reference": "S-2"}]
    assert main(["cases", str(path), "--as-of", "2024-05-20", "--format", "summary"]) == 1


@pytest.mark.parametrize(
    ("received", "acknowledged", "as_of", "rule_id"),
    [
        ("2024-05-01", "2024-05-20", date(2024, 5, 3), "CHC24-5.12"),
        ("2023-05-02", "2023-05-22", date(2023, 5, 4), "CHC20-4.15"),
    ],
)
def test_an_open_stage_awaiting_acknowledgement_is_not_an_incomplete_record(
    received: str, acknowledged: str, as_of: date, rule_id: str
) -> None:
    """The full-record rules judge a stage's logging date once the stage has moved on; an
    open stage not yet due to be acknowledged is not a gap in the file."""
    case = _case(
        {
            "reference": "S-6",
            "received_on": received,
            "stages": [{"number": 1, "handler": "A. Patel", "acknowledged": {"on": acknowledged}}],
        }
    )
    (record,) = Engine().evaluate_case(case, as_of=as_of).for_rule(rule_id)
    assert record.verdict is Verdict.PASS
    closed = _case({"reference": "S-7", "received_on": received, "closed_on": received})
    (gap,) = Engine().evaluate_case(closed).for_rule(rule_id)
    assert gap.verdict is Verdict.FAIL and "logg" in gap.message


@pytest.mark.parametrize(
    ("as_of", "verdict"),
    [
        (date(2024, 10, 7), Verdict.NOT_APPLICABLE),  # the 5th working day: still in time
        (date(2024, 10, 8), Verdict.FAIL),  # the day after: not taken into stage 2
    ],
)
def test_an_escalation_not_yet_due_to_be_taken_in_is_not_failed(
    as_of: date, verdict: Verdict
) -> None:
    """6.10 judges an open escalation only once its acknowledgement deadline has passed."""
    case = _case(
        {
            "reference": "S-8",
            "received_on": "2024-09-05",
            "stages": [
                {
                    "number": 1,
                    "acknowledged": {"on": "2024-09-12"},
                    "response": {"issued_on": "2024-09-20"},
                },
                # requested Mon 30 Sep: acknowledgement due Mon 7 Oct
                {"number": 2, "requested_on": "2024-09-30", "acknowledged": {"on": "2024-10-09"}},
            ],
        }
    )
    (progressed,) = Engine().evaluate_case(case, as_of=as_of).for_rule("CHC24-6.10")
    assert progressed.verdict is verdict
    (later,) = Engine().evaluate_case(case, as_of=date(2024, 10, 9)).for_rule("CHC24-6.10")
    assert later.verdict is Verdict.PASS


def _count_cases(portfolio: Portfolio, ctx: object) -> Outcome:
    refs = ", ".join(c.reference for c in portfolio.cases)
    return Outcome(Verdict.PASS, f"cases: {refs}")


COUNTS = Rule(
    id="COUNT-1",
    pack="count",
    provision="1",
    section="Count",
    title="Counts the cases",
    summary="Lists the cases of the portfolio.",
    explanation="",
    source="test",
    portfolio=_count_cases,  # type: ignore[arg-type]
)


class AddsCountRule:
    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
        return [COUNTS]


def test_portfolio_rules_see_only_the_cases_received_by_the_as_of_date() -> None:
    engine = Engine(registry=PackRegistry(plugins=[AddsCountRule()]))
    portfolio = Portfolio([_case(LATE_ACK), _case(LATER)])
    # (code_2024's own portfolio rules, 3.3, 4.2, 9.1 and 9.2, are left aside)
    (direct,) = [
        f
        for f in engine.portfolio_findings(portfolio, pack="code_2024", as_of=date(2024, 5, 3))
        if f.rule_id == "COUNT-1"
    ]
    assert direct.message == "cases: S-1"
    report = engine.evaluate(cases=[_case(LATE_ACK), _case(LATER)], as_of=date(2024, 5, 3))
    assert report.for_rule("COUNT-1")[0].message == "cases: S-1"
    (later,) = [
        f
        for f in engine.portfolio_findings(portfolio, pack="code_2024", as_of=date(2024, 5, 6))
        if f.rule_id == "COUNT-1"
    ]
    assert later.message == "cases: S-1, S-2"


# -- property: what happens after the as-of date never changes a verdict ------------------

_ENGINE = Engine()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=timeline(),  # shared with tests/properties
    cut=st.integers(-5, 120),
)
def test_events_after_the_as_of_date_never_change_a_verdict(
    events: list[dict[str, object]], cut: int
) -> None:
    """Judged as of D, the whole timeline and the timeline cut at D give the same verdicts;
    a case received after D gives none."""
    as_of = date.fromisoformat(str(events[0]["on"])) + timedelta(days=cut)
    whole = _case({"reference": "P-1", "events": events})
    upto = [e for e in events if str(e["on"]) <= as_of.isoformat()]
    found = {f.rule_id: f.verdict for f in _ENGINE.case_findings(whole, as_of=as_of)}
    if not upto:
        assert found == {} and not whole.as_of(as_of).received
        return
    cut_case = _case({"reference": "P-1", "events": upto})
    assert found == {f.rule_id: f.verdict for f in _ENGINE.case_findings(cut_case, as_of=as_of)}
    # each event after the date is named once among those ignored
    assert len(whole.as_of(as_of).ignored) == len(events) - len(upto)
