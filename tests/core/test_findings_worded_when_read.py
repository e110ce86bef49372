"""Findings and outcomes worded when first read (issue 13, the single-case target).

A caller that reads only verdicts (counts, failures, an exit code) must never pay for
messages and evidence; a caller that reads them must see exactly what an eagerly worded
finding shows, whatever it does with the finding (compare, print, pickle, copy, serialise).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from complaintrules import (
    Complaint,
    Engine,
    Evidence,
    Finding,
    Level,
    Outcome,
    Pack,
    PackRegistry,
    Rule,
    Subject,
    Verdict,
    hookimpl,
)
from complaintrules.authoring import case_field, lit, when
from complaintrules.calendar.working_days import CalendarRangeError, WorkingCalendar
from complaintrules.law import timeliness
from complaintrules.law.context import Context

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 3, 31)
EVIDENCE = Evidence({"stage1.handler": "A"}, {"pack_version": "1"}, {"deadline": "2024-05-15"})
HEAD = ("T-1.1", "1.1", "test", Subject.CASE, "R-1", Verdict.FAIL, Level.MUST)


def _eager() -> Finding:
    return Finding(*HEAD, "stage 1 late", EVIDENCE)


def _counted(
    words: Callable[[], Any] = lambda: ("stage 1 late", EVIDENCE),
) -> tuple[Callable[[], Any], list[int]]:
    calls: list[int] = []

    def counting() -> Any:
        calls.append(1)
        return words()

    return counting, calls


def _deferred() -> tuple[Finding, list[int]]:
    words, calls = _counted()
    return Finding.later(*HEAD, words), calls


def test_a_deferred_finding_is_worded_once_and_only_when_read() -> None:
    finding, calls = _deferred()
    assert (finding.rule_id, finding.verdict, finding.level) == ("T-1.1", Verdict.FAIL, "must")
    assert finding.is_failure and not finding.is_warning
    assert calls == []
    assert finding.message == "stage 1 late"
    assert calls == [1]
    assert finding.evidence == EVIDENCE
    assert finding.to_dict() == _eager().to_dict()
    assert calls == [1]


def test_a_deferred_outcome_is_worded_once_and_only_when_read() -> None:
    words, calls = _counted(lambda: ("late", {"a": 1}, {"b": 2}))
    outcome = Outcome.later(Verdict.FAIL, words)
    assert outcome.verdict is Verdict.FAIL and calls == []
    assert outcome.computed == {"b": 2}
    assert (outcome.message, outcome.facts) == ("late", {"a": 1})
    assert outcome == Outcome(Verdict.FAIL, "late", {"a": 1}, {"b": 2})
    assert calls == [1]


def test_eager_and_deferred_findings_compare_print_and_serialise_alike() -> None:
    eager = _eager()
    assert _deferred()[0] == eager
    assert eager == _deferred()[0]
    assert _deferred()[0] != dataclasses.replace(eager, message="other")
    assert repr(_deferred()[0]) == repr(eager)
    assert json.dumps(_deferred()[0].to_dict()) == json.dumps(eager.to_dict())
    assert dataclasses.astuple(_deferred()[0]) == dataclasses.astuple(eager)
    assert dataclasses.replace(_deferred()[0], verdict=Verdict.PASS) == dataclasses.replace(
        eager, verdict=Verdict.PASS
    )
    with pytest.raises(TypeError):  # as unhashable as ever: its evidence holds dicts
        hash(_deferred()[0])


def test_a_deferred_finding_pickles_and_copies_as_an_eager_one() -> None:
    eager = _eager()
    assert pickle.dumps(_deferred()[0]) == pickle.dumps(eager)
    restored = pickle.loads(pickle.dumps(_deferred()[0]))
    assert type(restored) is Finding and restored == eager
    assert copy.copy(_deferred()[0]) == eager
    assert copy.deepcopy(_deferred()[0]) == eager
    outcome = Outcome.later(Verdict.PASS, lambda: ("ok", {}, {"n": 1}))
    assert pickle.loads(pickle.dumps(outcome)) == Outcome(Verdict.PASS, "ok", {}, {"n": 1})


def test_a_deferred_finding_cannot_be_changed_nor_given_other_attributes() -> None:
    finding, calls = _deferred()
    for name in ("message", "evidence", "verdict"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(finding, name, "x")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(finding, name)
    with pytest.raises(AttributeError, match="no attribute 'colour'"):
        finding.colour  # type: ignore[attr-defined]  # noqa: B018
    assert calls == []
    assert finding == _eager()


def _raises() -> Any:
    raise KeyError("no such value")


def test_a_failure_while_wording_keeps_the_verdict_and_is_reported_not_raised() -> None:
    words, calls = _counted(_raises)
    finding = Finding.later(*HEAD, words)
    assert finding.verdict is Verdict.FAIL
    assert finding.message.startswith("the verdict stands, but its message could not be worded")
    assert "KeyError: 'no such value'" in finding.message
    assert "KeyError" in finding.evidence.computed["wording_error"]
    assert finding.to_dict()["verdict"] == "fail"
    assert finding.message == finding.message and calls == [1]  # worded once, kept
    outcome = Outcome.later(Verdict.PASS, _raises)
    assert "could not be worded" in outcome.message and outcome.verdict is Verdict.PASS
    assert outcome.facts == {} and "wording_error" in outcome.computed


# -- through the engine ---------------------------------------------------------------------


def _two_stage() -> Complaint:
    data = json.loads((ROOT / "examples" / "landlord" / "cases.json").read_text("utf-8"))
    return next(Complaint.model_validate(c) for c in data["cases"] if len(c.get("stages", [])) == 2)


@contextmanager
def _counting_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The wording the engine and the shared judges do: the parameters' evidence, a
    deadline's evidence, and every wording function called (by its name)."""
    seen: list[str] = []
    evidence, parameters = timeliness.Deadline.evidence, Context.parameters_evidence

    def deadline_evidence(self: timeliness.Deadline) -> dict[str, Any]:
        seen.append("Deadline.evidence")
        return evidence(self)

    def parameters_evidence(self: Context) -> dict[str, Any]:
        seen.append("Context.parameters_evidence")
        return parameters(self)

    monkeypatch.setattr(timeliness.Deadline, "evidence", deadline_evidence)
    monkeypatch.setattr(Context, "parameters_evidence", parameters_evidence)

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_name.endswith("_words"):
            seen.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)


@pytest.mark.parametrize("weeks_earlier", [0, 52], ids=["code_2024", "code_2020"])
def test_a_caller_reading_verdicts_alone_words_nothing(
    monkeypatch: pytest.MonkeyPatch, weeks_earlier: int
) -> None:
    engine = Engine()
    case = _two_stage()
    if weeks_earlier:
        data = json.loads(case.model_dump_json())
        text = json.dumps(data)
        for day in {v for v in _dates(data)}:
            moved = date.fromordinal(date.fromisoformat(day).toordinal() - 7 * weeks_earlier)
            text = text.replace(day, moved.isoformat())
        case = Complaint.model_validate_json(text)
    expected = [f.to_dict() for f in engine.evaluate_case(case, as_of=AS_OF).findings]
    with _counting_calls(monkeypatch) as seen:
        report = engine.evaluate_case(case, as_of=AS_OF)
        counts = report.counts()
        failing = [f.rule_id for f in report.failures + report.warnings]
        verdicts = [f.verdict for f in report.findings]
    # an item table whose wording counts working days (code_2020's 4.10, on this case) is
    # worded at once, so that a date outside the calendar stays the rule's error (see
    # test_wording_that_could_fail_on_a_case_is_worded_at_once_so_it_stays_an_error)
    assert [s for s in seen if s != "_item_words"] == []
    assert sum(counts[v.value] for v in Verdict) == len(verdicts) == len(expected)
    assert failing == [f["rule_id"] for f in expected if f["verdict"] in ("fail", "error")]
    with _counting_calls(monkeypatch) as seen:
        assert [f.to_dict() for f in report.findings] == expected
    assert seen.count("Context.parameters_evidence") > 10
    assert "_words" in seen  # the verdict tables' own wording, run now


def _dates(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for v in data.values():
            yield from _dates(v)
    elif isinstance(data, list):
        for v in data:
            yield from _dates(v)
    elif isinstance(data, str) and len(data) == 10 and data[4] == "-" and data[7] == "-":
        yield data


_CASE = Complaint.model_validate({"reference": "W-1", "received_on": "2024-12-20"})


def _context(calendar: WorkingCalendar | None = None) -> Context:
    engine = Engine()
    chosen = engine.pack("code_2024")
    return Context(chosen, calendar or engine.calendar, engine.conventions, _CASE.received_on)


def test_a_verdict_table_decides_now_and_words_when_read() -> None:
    check = when(case_field("closed_on").not_null(), Verdict.PASS, "closed").otherwise(
        Verdict.FAIL, "{ref} is open", values={"ref": case_field("reference")}
    )
    outcome = check(_CASE, _context())
    assert outcome.verdict is Verdict.FAIL
    with _wording_seen() as seen:
        assert outcome.message == "W-1 is open"
    assert seen == ["_words"]


@contextmanager
def _wording_seen() -> Iterator[list[str]]:
    seen: list[str] = []

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_name.endswith("_words"):
            seen.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)


def test_wording_that_could_fail_on_a_case_is_worded_at_once_so_it_stays_an_error() -> None:
    # ten working days after receipt falls outside a calendar of 2024 alone: counting them
    # fails, at once, as it always has (the engine then reports the rule's error)
    check = when(lit(True), Verdict.PASS, "due by {due}").otherwise(
        Verdict.PASS, "never", values={"due": case_field("received_on").add_working_days(10)}
    )
    with pytest.raises(CalendarRangeError):
        check(_CASE, _context(WorkingCalendar(years=(2024, 2024))))


class _WordsBadly:
    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> Sequence[Rule]:
        def check(case: Complaint, ctx: Context) -> Outcome:
            return Outcome.later(Verdict.FAIL, _raises)

        rule = Rule(
            id="WORDS-1",
            pack=pack.name,
            provision="1",
            section="s",
            title="t",
            summary="s",
            explanation="e",
            source="test",
            case=check,
        )
        return [rule]


def test_a_plugin_check_whose_wording_fails_keeps_its_verdict_in_every_report() -> None:
    engine = Engine(registry=PackRegistry(plugins=[_WordsBadly()]))
    report = engine.evaluate_case(_two_stage(), as_of=AS_OF)
    (finding,) = report.for_rule("WORDS-1")
    assert finding.verdict is Verdict.FAIL and finding.is_failure
    assert "could not be worded: KeyError" in finding.message
    data = report.to_dict()  # every finding serialised, none raising
    assert {f["rule_id"] for f in data["findings"]} >= {"WORDS-1"}


def test_a_deadline_works_out_its_days_skipped_and_note_only_when_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = _context()
    calls: list[int] = []
    skipped = WorkingCalendar.days_skipped

    def counted(self: WorkingCalendar, start: date, end: date) -> Any:
        calls.append(1)
        return skipped(self, start, end)

    monkeypatch.setattr(WorkingCalendar, "days_skipped", counted)
    deadline = timeliness.deadline_after(ctx, date(2024, 12, 20), 5, "receipt", "a note")
    assert (deadline.due, deadline.working_days) == (date(2024, 12, 31), 5)
    assert calls == []
    eager = timeliness.Deadline(
        date(2024, 12, 20),
        "receipt",
        5,
        date(2024, 12, 31),
        (
            (date(2024, 12, 25), "bank holiday: Christmas Day"),
            (date(2024, 12, 26), "bank holiday: Boxing Day"),
        ),
        "a note",
    )
    assert deadline.evidence() == eager.evidence()
    assert calls == [1]
    assert deadline == eager and hash(deadline) == hash(eager)
    assert pickle.loads(pickle.dumps(deadline)) == eager


@pytest.mark.parametrize("evidence", [True, False])
def test_a_message_with_escaped_braces_and_no_value_is_still_formatted(evidence: bool) -> None:
    check = when(
        lit(True), Verdict.PASS, "write {{reference}} for it", evidence=evidence
    ).otherwise(Verdict.FAIL, "never")
    assert check(_CASE, _context()).message == "write {reference} for it"
