"""Timescale declarations judged over a case table (issue 13, item 1 for timeliness).

``judge_table`` judges every timescale rule of both packs over a case table: verdicts from
arrays (law/timescale_columns.py), findings by the per-case judge. For every declaration,
every one of the eight conventions, with and without an as-of date, a batch of N equals N
single cases, finding for finding, on the generated corpus, every worked example,
hypothesis-drawn cases and deadlines on either side of bank holidays and closure days.
The verdicts are checked with no row explained, so they are the arrays' own.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Any

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from complaintrules import Complaint, Conventions, Engine, Verdict, WorkingCalendar
from complaintrules.authoring import Obligation, Outcome, Timescale, lit, stage, when
from complaintrules.bulk.evaluate import breach_month
from complaintrules.io.tabular import _converter
from complaintrules.law.expressions import judge_table, table_judged
from complaintrules.law.packs import Pack
from complaintrules.law.rules import Rule, Subject
from complaintrules.law.timescale_columns import UNSETTLED, timescale_arrays
from complaintrules.model.columns import case_table, complaints
from complaintrules.model.conventions import LateAcknowledgement, NonWorkingDayReceipt
from complaintrules.model.synthetic import HEADER, synthetic_rows
from complaintrules.testing import build_subject
from properties.strategies import MAPPING, bounded, receipt_day, stage_case

ENGINE = Engine()

#: Every combination of the three conventions: 2 x 2 x 2.
CONVENTIONS = [
    Conventions(non_working_day_receipt=receipt, cutoff=cutoff, late_acknowledgement=late)
    for receipt, cutoff, late in itertools.product(
        NonWorkingDayReceipt, (None, time(16, 0)), LateAcknowledgement
    )
]
PACKS = {name: ENGINE.pack(name) for name in ("code_2024", "code_2020")}
STARTS = {"code_2024": date(2024, 4, 1), "code_2020": date(2022, 4, 1)}
AS_OF = {"code_2024": date(2024, 9, 2), "code_2020": date(2022, 9, 1)}


def _generated(start: date, n: int, seed: int) -> list[Complaint]:
    """Cases of the seeded synthetic CRM export, read through the example mapping."""
    from complaintrules import load_mapping

    convert = _converter(load_mapping(MAPPING), HEADER)
    converted = (
        convert.convert(i + 2, row)
        for i, row in enumerate(synthetic_rows(n, seed=seed, start=start, days=365))
    )
    return [got.case for got in converted if got.case is not None]


def _timescale_rules(pack: Pack) -> list[Rule]:
    return [r for r in ENGINE.registry.rules_for(pack) if r.timescale is not None]


def _without_traceback(finding: Any) -> dict[str, Any]:
    got: dict[str, Any] = finding.to_dict()
    got["evidence"]["computed"].pop("traceback", None)
    return got


def _agree(
    cases: Sequence[Complaint],
    pack_name: str,
    *,
    engine: Engine = ENGINE,
    as_of: date | None = None,
    settled: bool = True,
) -> None:
    """Every timescale rule of the pack, over the cases (as of ``as_of``), judged over a
    table gives the engine's findings case by case; with ``settled``, the arrays decide
    every row themselves (no row left to the per-case judge)."""
    pack = PACKS[pack_name]
    if as_of is not None:
        snapped = (c.as_of(as_of).case for c in cases)
        cases = [c for c in snapped if c is not None]
    table = case_table(cases)
    singles = [engine.case_findings(c, pack=pack, as_of=as_of) for c in cases]
    for rule in _timescale_rules(pack):
        assert table_judged(rule), rule.id
        want = [next(f for f in found if f.rule_id == rule.id) for found in singles]
        arrays = timescale_arrays(rule.timescale, table, engine=engine, pack=pack, as_of=as_of)  # type: ignore[arg-type]
        if settled:
            assert not (arrays.verdicts == UNSETTLED).any(), rule.id
        for i, single in enumerate(want):
            # the deadlines the arrays judged against are the ones the finding shows
            computed = single.evidence.computed
            due, original = int(arrays.due[i]), int(arrays.original[i])
            if due:
                assert computed["deadline"] == date.fromordinal(original).isoformat()
                if "due_by" in computed:
                    assert computed["due_by"] == date.fromordinal(due).isoformat()
            elif arrays.verdicts[i] != UNSETTLED:
                assert "deadline" not in computed, (rule.id, cases[i].reference)
            # a failure is dated by the deadline its finding names, as bulk counts it
            breach = int(arrays.breach[i])
            if single.verdict is Verdict.FAIL and arrays.verdicts[i] != UNSETTLED:
                month = date.fromordinal(breach).isoformat()[:7] if breach else None
                named = computed.get("due_by") or computed.get("deadline")
                assert month == (named[:7] if named else None), (rule.id, cases[i].reference)
                assert not breach or breach_month(cases[i], computed) == month
        quiet = judge_table(rule, table, engine=engine, pack=pack, as_of=as_of)
        assert quiet.findings == {}
        for i, single in enumerate(want):
            assert quiet.verdicts[i] is single.verdict, (rule.id, cases[i].reference, single)
        every = judge_table(rule, table, engine=engine, pack=pack, as_of=as_of, explain="all")
        assert every.verdicts == quiet.verdicts
        for i, single in enumerate(want):
            got = every.findings[i]
            if single.verdict is Verdict.ERROR:
                assert _without_traceback(got) == _without_traceback(single)
            else:
                assert got == single, (rule.id, cases[i].reference)
                assert got.to_dict() == single.to_dict()
        failing = judge_table(
            rule, table, engine=engine, pack=pack, as_of=as_of, explain="failures"
        )
        assert set(failing.findings) == {
            i for i, f in enumerate(want) if f.verdict in (Verdict.FAIL, Verdict.ERROR)
        }


def _examples(pack_name: str) -> list[Complaint]:
    out = []
    for rule in ENGINE.registry.rules_for(PACKS[pack_name]):
        for ex in rule.examples:
            if ex.subject is Subject.CASE:
                built = build_subject(Subject.CASE, ex.data)
                assert isinstance(built, Complaint)
                out.append(built.model_copy(update={"reference": f"{rule.id}/{ex.title}"}))
    return out


def test_every_timescale_of_both_packs_is_judged_over_a_table() -> None:
    ids = {
        name: {r.id for r in _timescale_rules(p) if table_judged(r)} for name, p in PACKS.items()
    }
    assert ids["code_2024"] == {f"CHC24-6.{n}" for n in (2, 3, 4, 11, 14, 15)}
    assert ids["code_2020"] == {"CHC20-4.1", "CHC20-5.1", "CHC20-5.13", "CHC20-5.18"}


@pytest.mark.parametrize("conventions", CONVENTIONS, ids=lambda c: c.summary())
@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
@pytest.mark.parametrize("as_of", [False, True], ids=["no as-of", "as-of"])
def test_batch_equals_single_on_the_generated_corpus(
    conventions: Conventions, pack_name: str, as_of: bool
) -> None:
    cases = _generated(STARTS[pack_name], 100, 5)
    engine = Engine(conventions=conventions)
    _agree(cases, pack_name, engine=engine, as_of=AS_OF[pack_name] if as_of else None)


@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
@pytest.mark.parametrize("as_of", [None, date(2023, 6, 1), date(2024, 8, 1)])
def test_batch_equals_single_on_every_worked_example(pack_name: str, as_of: date | None) -> None:
    _agree(_examples(pack_name), pack_name, as_of=as_of)


# -- drawn cases ---------------------------------------------------------------------------

_GOOD = st.sampled_from([None, "", "Specialist report awaited"])


@st.composite
def _drawn(draw: st.DrawFn, reference: str) -> Complaint:
    """A stage-form case with what the declarations' options read drawn too: good reasons,
    logging dates, a stage 0 before stage 1 and a third stage."""
    data = draw(stage_case(reference))
    for s in data["stages"]:
        for ext in s.get("extensions", []):
            ext["good_reason"] = draw(_GOOD)
        if draw(st.booleans()):
            start = date.fromisoformat(s.get("requested_on", data["received_on"]))
            s["logged_on"] = (start + timedelta(days=draw(st.integers(0, 12)))).isoformat()
    if draw(st.integers(0, 5)) == 0:
        data["stages"].insert(0, {"number": 0})
    last = data["stages"][-1]
    if last["number"] == 2 and draw(st.booleans()):
        answered = last.get("response", {}).get("issued_on") or data["received_on"]
        day = date.fromisoformat(answered) + timedelta(days=draw(st.integers(-3, 10)))
        third: dict[str, Any] = {"number": 3, "requested_on": day.isoformat()}
        if draw(st.booleans()):
            third["response"] = {
                "issued_on": (day + timedelta(days=draw(st.integers(5, 40)))).isoformat()
            }
        data["stages"].append(third)
    if data["stages"][-1]["number"] == 3:
        data.pop("closed_on", None)
    try:
        return Complaint.model_validate(data)
    except ValueError:
        reject()  # a stage 3 drawn before stage 2 began: not a case
        raise


@bounded(20)
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=8).flatmap(
        lambda keys: st.tuples(*(_drawn(f"H-{i}") for i in range(len(keys))))
    ),
    st.sampled_from(CONVENTIONS),
    st.one_of(st.none(), receipt_day()),
)
def test_batch_equals_single_on_drawn_cases(
    cases: tuple[Complaint, ...], conventions: Conventions, as_of: date | None
) -> None:
    engine = Engine(conventions=conventions)
    for pack_name in PACKS:
        # a drawn date may read parameters not in force: those rows are the engine's errors
        _agree(list(cases), pack_name, engine=engine, as_of=as_of, settled=False)


# -- deadlines either side of bank holidays and closure days -------------------------------

_CLOSED = [date(2024, 12, 27), date(2024, 12, 30), date(2024, 12, 31)]


def _around(calendar: WorkingCalendar, received: date) -> list[Complaint]:
    """Cases acknowledged, answered and extended on the working day before, on, and after
    each deadline counted from ``received`` (and on the non-working day before it)."""
    out = []

    def near(day: date, n: int) -> list[date]:
        due = calendar.add_working_days(day, n)
        return [due - timedelta(days=1), due, calendar.next_working_day(due)]

    for k, (ack, answered) in enumerate(itertools.product(near(received, 5), range(3))):
        reply = near(ack, 10)[answered]
        stage1: dict[str, Any] = {
            "number": 1,
            "acknowledged": {
                "on": ack.isoformat(),
                "definition": {"understanding": "x", "outcomes_sought": "y"},
            },
            "logged_on": ack.isoformat(),
            "response": {"issued_on": reply.isoformat()},
        }
        if k % 3 == 1:
            due = calendar.add_working_days(ack, 10)
            new_due = near(due, 10)[k % 3 + 1 if k % 2 else 1]
            stage1["extensions"] = [
                {"notified_on": due.isoformat(), "new_due": new_due.isoformat(), "reason": "r"}
            ]
            stage1["response"] = {"issued_on": new_due.isoformat()}
        out.append(
            Complaint.model_validate(
                {
                    "reference": f"B-{received}-{k}",
                    "received_on": received.isoformat(),
                    "received_at": "17:30" if k % 2 else None,
                    "stages": [stage1],
                }
            )
        )
    return out


@pytest.mark.parametrize("closures", [(), _CLOSED], ids=["bank holidays", "with closures"])
@pytest.mark.parametrize("conventions", CONVENTIONS[::3], ids=lambda c: c.summary())
def test_deadlines_either_side_of_bank_holidays_agree(
    closures: Sequence[date], conventions: Conventions
) -> None:
    calendar = WorkingCalendar(closures=closures)
    engine = Engine(calendar=calendar, conventions=conventions)
    windows = [
        (date(2024, 5, 2), date(2024, 5, 8)),  # early May bank holiday (6 May)
        (date(2024, 12, 19), date(2025, 1, 3)),  # Christmas, Boxing Day, New Year
        (date(2025, 4, 15), date(2025, 4, 22)),  # Good Friday and Easter Monday
    ]
    cases = []
    for first, last in windows:
        for offset in range((last - first).days + 1):
            cases += _around(calendar, first + timedelta(days=offset))
    _agree(cases, "code_2024", engine=engine)
    _agree(cases, "code_2024", engine=engine, as_of=date(2025, 1, 2))


# -- rows the arrays leave to the per-case judge -------------------------------------------


def test_dates_outside_the_calendar_and_parameters_not_in_force_are_the_engines_errors() -> None:
    cases = [
        Complaint.model_validate(data)
        for data in (
            {  # acknowledged after the calendar's last year: the count cannot be made
                "reference": "X-1",
                "received_on": "2024-05-01",
                "stages": [{"number": 1, "acknowledged": {"on": "2036-01-02"}}],
            },
            {"reference": "X-2", "received_on": "2024-05-01", "closed_on": "2036-01-02"},
            {"reference": "X-3", "received_on": "2024-05-01"},
        )
    ]
    pack = PACKS["code_2024"]
    table = case_table(cases)
    singles = [ENGINE.case_findings(c, pack=pack) for c in cases]
    for rule in _timescale_rules(pack):
        got = judge_table(rule, table, engine=ENGINE, pack=pack)
        want = [next(f for f in found if f.rule_id == rule.id).verdict for found in singles]
        assert got.verdicts == want
    assert Verdict.ERROR in {f.verdict for f in singles[0]}
    # a code_2020 pack asked about a 2019 case: its parameters are not in force
    old = [Complaint.model_validate({"reference": "O-1", "received_on": "2019-05-01"})]
    _agree(old, "code_2020", settled=False)


def _rule(timescale: Timescale) -> Rule:
    return Rule(
        id="TEST-9.1",
        pack="code_2024",
        provision="9.1",
        section="9",
        title="t",
        summary="s",
        explanation="e",
        source="test",
        timescale=timescale,
    )


def _no_stage_zero(case: Complaint, ctx: Any) -> Outcome | None:
    if case.stage(0) is not None:
        return Outcome(Verdict.FAIL, "a stage 0")
    return None


def test_a_precondition_is_table_judged_only_as_an_expression_reading_no_parameter() -> None:
    base = dict(stage=1, obligation=Obligation.ACKNOWLEDGE, days="stage1.acknowledge_working_days")
    expression = when(stage(0).reached(), Verdict.FAIL, "a stage 0").otherwise(Verdict.PASS, "none")
    reading = when(stage(0).reached() & lit(True), Verdict.FAIL, "a stage {n}").otherwise(
        Verdict.PASS, "none", values={"n": lit(0)}
    )
    assert table_judged(_rule(Timescale(**base)))  # type: ignore[arg-type]
    assert table_judged(_rule(Timescale(**base, precondition=expression)))  # type: ignore[arg-type]
    assert table_judged(_rule(Timescale(**base, precondition=reading)))  # type: ignore[arg-type]
    assert not table_judged(_rule(Timescale(**base, precondition=_no_stage_zero)))  # type: ignore[arg-type]
    cases = [
        Complaint.model_validate(
            {"reference": f"P-{i}", "received_on": "2024-05-01", "stages": stages}
        )
        for i, stages in enumerate(
            [[{"number": 0}, {"number": 1}], [{"number": 1, "acknowledged": {"on": "2024-05-03"}}]]
        )
    ]
    pack = PACKS["code_2024"]
    table = case_table(cases)
    for check in (expression, _no_stage_zero):
        rule = _rule(Timescale(**base, precondition=check))  # type: ignore[arg-type]
        got = judge_table(rule, table, engine=ENGINE, pack=pack, explain="all")
        assert got.verdicts == [Verdict.FAIL, Verdict.PASS]
        assert got.findings[0].message == "a stage 0"
        for i, case in enumerate(cases):
            (single,) = [
                rule.case(case, _ctx(pack, case))  # type: ignore[misc]
            ]
            assert got.findings[i].message == single.message


def _ctx(pack: Pack, case: Complaint) -> Any:
    from complaintrules.law.context import Context

    return Context(pack, ENGINE.calendar, ENGINE.conventions, case.received_on)


def test_the_case_table_reads_back_as_the_same_cases() -> None:
    cases = [*_generated(STARTS["code_2024"], 100, 3), *_examples("code_2020")]
    assert complaints(case_table(cases), range(len(cases))) == cases


def test_a_table_read_from_a_crm_export_agrees(tmp_path: Any) -> None:
    """The case table the columnar CSV reader makes (through ``from_targets``, as bulk
    reads an export) is judged as the engine judges the cases the same rows make."""
    import csv

    from complaintrules.io.columnar import convert_batch, raw_batches
    from complaintrules.io.flat import from_targets
    from complaintrules.io.tabular import CaseReader

    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(synthetic_rows(400, seed=21, start=STARTS["code_2024"], days=365))
    reader = CaseReader(path, MAPPING)
    pack = PACKS["code_2024"]
    for raw in raw_batches(reader):
        flat = convert_batch(raw, reader.converter)
        table = from_targets(flat.table.drop_columns(["row"]))
        singles = [ENGINE.case_findings(c, pack=pack) for c in flat.cases]
        for rule in _timescale_rules(pack):
            got = judge_table(rule, table, engine=ENGINE, pack=pack, explain="failures")
            want = [next(f for f in found if f.rule_id == rule.id) for found in singles]
            assert got.verdicts == [f.verdict for f in want], rule.id
            assert got.findings == {i: f for i, f in enumerate(want) if f.verdict is Verdict.FAIL}


def test_an_empty_table_and_rows_asked_by_number() -> None:
    from complaintrules.model.columns import CASE_SCHEMA

    cases = _examples("code_2024")
    table = case_table(cases)
    for name, pack in PACKS.items():
        for rule in _timescale_rules(pack):
            empty = judge_table(rule, CASE_SCHEMA.empty_table(), engine=ENGINE, pack=pack)
            assert (empty.verdicts, empty.findings) == ([], {})
            got = judge_table(rule, table, engine=ENGINE, pack=pack, explain=[0, 3])
            assert set(got.findings) == {0, 3}, (name, rule.id)


# -- a third party's declarations: every clock start and option ----------------------------


def _other_pack() -> Pack:
    """Another publisher's pack declaring, across three stages, every clock start (fixed
    and by parameter), a zero cap, a response judged with its extensions, logging
    required, a definition judged by another rule, and only-if-reached."""
    from complaintrules import ParameterSet
    from complaintrules.authoring import ClockStart
    from complaintrules.law.parameters import _Parameter

    def parameter(value: int | str) -> Any:
        return _Parameter.model_validate(
            {"description": "x", "values": [{"since": "2000-01-01", "value": value, "source": "t"}]}
        )

    values: dict[str, int | str] = {
        "a1": 2, "r1": 7, "c1": "logging", "x1": 0,
        "a2": 4, "r2": 12, "c2": "acknowledgement", "x2": 5,
        "r3": 9, "x3": 3,
    }  # fmt: skip
    declared = [
        Timescale(1, Obligation.ACKNOWLEDGE, days="a1", require_logging=True, definition_by="O-3"),
        Timescale(1, Obligation.RESPOND, days="r1", clock="c1", acknowledge_days="a1",
                  extension_cap="x1", with_extensions=True),
        Timescale(2, Obligation.ACKNOWLEDGE, days="a2", require_definition=True),
        Timescale(2, Obligation.RESPOND, days="r2", clock="c2", acknowledge_days="a2",
                  extension_cap="x2", only_if_reached=True),
        Timescale(2, Obligation.EXTEND, days="r2", clock="c2", acknowledge_days="a2",
                  extension_cap="x2"),
        Timescale(3, Obligation.RESPOND, days="r3", clock=ClockStart.ESCALATION_REQUEST,
                  extension_cap="x3", with_extensions=True, only_if_reached=True),
        Timescale(3, Obligation.EXTEND, days="r3", clock=ClockStart.RECEIPT, extension_cap="x3"),
    ]  # fmt: skip
    rules = tuple(
        Rule(
            id=f"O-{k}",
            pack="other",
            provision=str(k),
            section="t",
            title="t",
            summary="s",
            explanation="e",
            source="t",
            timescale=t,
        )
        for k, t in enumerate(declared, start=1)
    )
    return Pack(
        name="other",
        title="Another publisher",
        version="1",
        in_force_from=date(2000, 1, 1),
        in_force_until=None,
        rules=rules,
        parameters=ParameterSet({name: parameter(v) for name, v in values.items()}),
    )


OTHER = _other_pack()


@bounded(15)
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=8).flatmap(
        lambda keys: st.tuples(*(_drawn(f"T-{i}") for i in range(len(keys))))
    ),
    st.sampled_from(CONVENTIONS),
    st.one_of(st.none(), receipt_day()),
)
def test_a_third_party_pack_agrees_on_drawn_cases(
    cases: tuple[Complaint, ...], conventions: Conventions, as_of: date | None
) -> None:
    engine = Engine(conventions=conventions)
    PACKS["other"] = OTHER
    try:
        _agree(list(cases), "other", engine=engine, as_of=as_of)
    finally:
        del PACKS["other"]
