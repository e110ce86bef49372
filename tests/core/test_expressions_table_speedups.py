"""The table backend's faster paths (issue 13, bulk speed): a stage's response clock over
a table as the record gives it, parts shared by every rule judged over one table, and
branch conditions judged only over the rows still undecided. Each is held to the answer the
slower path gives (the record row by row, a table judged rule by rule with nothing shared,
every condition over every row), and to the same errors.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import complaintrules.law.expressions as expressions
from complaintrules import Complaint, Conventions, Engine, LateAcknowledgement, Verdict
from complaintrules.authoring import ClockStart, item, lit, param, response_clock, stages
from complaintrules.law.expressions import _AS_OF, _array, _Columns, _Row, calendar_params
from complaintrules.model.columns import case_table
from complaintrules.model.conventions import NonWorkingDayReceipt

ENGINE = Engine()
STARTS = [c.value for c in ClockStart]


def _columns(cases: list[Complaint], conventions: Conventions, **params: Any) -> _Columns:
    values = {**params, **calendar_params(ENGINE.calendar, conventions), _AS_OF: None}
    return _Columns(case_table(cases), values, len(cases))


def _per_case(expr: Any, cases: list[Complaint], conventions: Conventions, **params: Any) -> Any:
    values = {**params, **calendar_params(ENGINE.calendar, conventions), _AS_OF: None}
    return [expr._py(_Row(c, values)) for c in cases]


def _over_table(expr: Any, cases: list[Complaint], conventions: Conventions, **params: Any) -> Any:
    env = _columns(cases, conventions, **params)
    return _array(expr._arrow(env), env.size).to_pylist()


# -- a response clock's day and label over a table ---------------------------------------------

# around the Easter and May bank holidays of 2024, weekends included
_DAYS = st.dates(min_value=date(2024, 3, 20), max_value=date(2024, 6, 10))


@st.composite
def _cases(draw: st.DrawFn) -> list[Complaint]:
    out = []
    for k in range(draw(st.integers(1, 8))):
        received = draw(_DAYS)
        first: dict[str, Any] = {"number": 1}
        if draw(st.booleans()):
            first["acknowledged"] = {"on": str(received + timedelta(days=draw(st.integers(0, 20))))}
        if draw(st.booleans()):
            first["logged_on"] = str(received + timedelta(days=draw(st.integers(0, 15))))
        stages_ = [first]
        if draw(st.booleans()):
            requested = received + timedelta(days=draw(st.integers(20, 40)))
            second: dict[str, Any] = {"number": 2, "requested_on": str(requested)}
            if draw(st.booleans()):
                late = draw(st.integers(0, 20))
                second["acknowledged"] = {"on": str(requested + timedelta(days=late))}
            stages_.append(second)
        data: dict[str, Any] = {"reference": f"S-{k}", "received_on": str(received)}
        if draw(st.booleans()):
            data["received_at"] = draw(st.sampled_from(["08:00", "15:59", "16:00", "17:30"]))
        out.append(Complaint.model_validate({**data, "stages": stages_}))
    return out


_CONVENTIONS = st.builds(
    Conventions,
    non_working_day_receipt=st.sampled_from(list(NonWorkingDayReceipt)),
    cutoff=st.sampled_from([None, time(16, 0)]),
    late_acknowledgement=st.sampled_from(list(LateAcknowledgement)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=_cases(),
    conventions=_CONVENTIONS,
    start=st.sampled_from(STARTS),
    ack=st.sampled_from([1, 3, 5, None]),
)
def test_a_clocks_day_and_label_over_a_table_are_the_records(
    cases: list[Complaint], conventions: Conventions, start: str, ack: int | None
) -> None:
    """Every clock start, both conventions for a late acknowledgement and for a receipt on
    a non-working day, a cut-off or none: the day and label read over a table are those of
    the record the timeliness judge's function gives, row by row, in both backends."""
    for of in (1, 2):
        clock = response_clock(of, respond_from=param("from"), ack_days=param("ack"))
        env = _columns(cases, conventions, ack=ack, **{"from": start})
        records = _array(clock._arrow(env), env.size).to_pylist()
        for name in ("day", "label"):
            got = clock.get(name)
            fresh = _columns(cases, conventions, ack=ack, **{"from": start})
            assert _array(got._arrow(fresh), len(cases)).to_pylist() == [
                None if r is None else r[name] for r in records
            ]
            assert _per_case(got, cases, conventions, ack=ack, **{"from": start}) == [
                None if r is None else r[name] for r in records
            ]
    # each stage's own clock, inside the list of stages, its start chosen per stage
    days = stages().map(
        response_clock(
            item(),
            respond_from=item("number").eq(1).choose(param("from"), lit("receipt")),
            ack_days=lit(5),
        ).get("day")
    )
    params = {"from": start}
    assert _over_table(days, cases, conventions, **params) == _per_case(
        days, cases, conventions, **params
    )


@pytest.mark.parametrize(
    ("received", "start", "ack"),
    [
        ("2015-01-01", "receipt", 5),  # the calendar's first day: its eve is outside it
        ("2035-12-28", "acknowledgement", 5),  # the deadline falls beyond the calendar
        ("2024-05-01", "acknowledgement", 0),  # a count the calendar refuses
        ("2024-05-01", "midnight", 5),  # no clock start of the model's
    ],
)
def test_a_clock_at_the_calendars_edges_reads_as_the_record_over_a_table(
    received: str, start: str, ack: int
) -> None:
    """At the calendar's edges, a count it refuses or a clock start the model does not
    have, the table gives the record's values or raises the record's own error."""
    cases = [
        Complaint.model_validate(
            {"reference": "E-1", "received_on": received, "stages": [{"number": 1}]}
        ),
        Complaint.model_validate(
            {"reference": "E-2", "received_on": "2024-05-01", "stages": [{"number": 1}]}
        ),
    ]
    day = response_clock(1, respond_from=param("from"), ack_days=param("ack")).get("day")
    conventions = ENGINE.conventions
    try:
        want = _per_case(day, cases, conventions, ack=ack, **{"from": start})
    except Exception as exc:
        with pytest.raises(type(exc), match=str(exc)[:30]):
            _over_table(day, cases, conventions, ack=ack, **{"from": start})
    else:
        assert _over_table(day, cases, conventions, ack=ack, **{"from": start}) == want


# -- parts shared by the rules judged over one table --------------------------------------------


def _generated(pack: str, n: int, seed: int) -> list[Complaint]:
    from complaintrules import load_mapping
    from complaintrules.io.tabular import _converter
    from complaintrules.model.synthetic import HEADER, synthetic_rows
    from properties.strategies import MAPPING

    # code_2020: received across the 2022 edition's parameters, so rows judged apart
    start = date(2024, 4, 1) if pack == "code_2024" else date(2021, 10, 1)
    convert = _converter(load_mapping(MAPPING), HEADER)
    rows = synthetic_rows(n, seed=seed, start=start, days=365)
    found = (convert.convert(i + 2, row).case for i, row in enumerate(rows))
    return [c for c in found if c is not None]


def _expression_rules(pack: Any) -> list[Any]:
    from complaintrules.law.expressions import expression_of

    return [r for r in ENGINE.registry.rules_for(pack) if expression_of(r.case) is not None]


@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
def test_rules_sharing_a_tables_parts_judge_it_as_each_alone(pack_name: str) -> None:
    """Every expression of the pack judged over one table with the parts shared gives the
    verdicts, findings (of the failures and of rows asked for) and computed dates each
    gives judged alone."""
    from complaintrules.law.expressions import judge_table

    pack = ENGINE.pack(pack_name)
    cases = _generated(pack_name, 400, seed=11)
    table = case_table(cases)
    shared: dict[Any, Any] = {}
    for rule in _expression_rules(pack):
        for explain in ("failures", [0, 5, 17, 300]):
            kwargs: dict[str, Any] = {
                "engine": ENGINE,
                "pack": pack,
                "as_of": date(2025, 3, 31),
                "explain": explain,
                "computed": ("deadline", "due_by"),
            }
            alone = judge_table(rule, table, **kwargs)
            together = judge_table(rule, table, shared=shared, **kwargs)
            assert together.verdicts == alone.verdicts, rule.id
            assert together.computed == alone.computed, rule.id
            assert together.findings.keys() == alone.findings.keys(), rule.id
            for r, finding in alone.findings.items():
                got, want = together.findings[r].to_dict(), finding.to_dict()
                if finding.verdict is Verdict.ERROR:  # each names its own frames
                    got["evidence"]["computed"].pop("traceback")
                    want["evidence"]["computed"].pop("traceback")
                assert got == want, (rule.id, r)


def test_the_list_of_stages_is_made_once_per_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule reading the case's stages as a list, judged over one table with a shared
    dict, reads one list made once; each judged alone makes its own."""
    from complaintrules.law.expressions import judge_table

    pack = ENGINE.pack("code_2024")
    table = case_table(_generated("code_2024", 60, seed=3))
    made: list[int] = []
    real = expressions._stage_list

    def counted(env: Any) -> Any:
        made.append(env.size)
        return real(env)

    monkeypatch.setattr(expressions, "_stage_list", counted)
    rules = _expression_rules(pack)
    shared: dict[Any, Any] = {}
    for rule in rules:
        judge_table(rule, table, engine=ENGINE, pack=pack, shared=shared)
    assert made == [table.num_rows]
    made.clear()
    for rule in rules:
        judge_table(rule, table, engine=ENGINE, pack=pack)
    assert len(made) > 1


def test_shared_parts_belong_to_one_table() -> None:
    from complaintrules.law.expressions import judge_table

    pack = ENGINE.pack("code_2024")
    rule = _expression_rules(pack)[0]
    shared: dict[Any, Any] = {}
    cases = _generated("code_2024", 5, seed=1)
    judge_table(rule, case_table(cases), engine=ENGINE, pack=pack, shared=shared)
    with pytest.raises(ValueError, match="another table"):
        judge_table(rule, case_table(cases), engine=ENGINE, pack=pack, shared=shared)


# -- one context per period of the parameters, not per receipt day -----------------------------


def test_days_reading_the_same_dated_values_are_judged_with_one_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A table of cases received on many days, across a change of the pack's parameters
    and before its first value: one context per set of dated values in force (each day
    without a value alone, its error naming it), the findings those of each case judged
    by the engine."""
    from complaintrules.law.expressions import judge_table

    pack = ENGINE.pack("code_2020")
    rule = next(r for r in _expression_rules(pack) if r.id == "CHC20-4.10")
    names = {"stage1.respond_working_days", "stage2.respond_working_days"}
    changes = sorted({v.since for n in names for v in pack.parameters[n].values})
    assert len(changes) > 1, "the test needs a change of a parameter the rule reads"
    first, change = changes[0], changes[1]
    received = [first - timedelta(days=2), first - timedelta(days=1)]  # no value in force
    received += [change - timedelta(days=k) for k in range(1, 6)]
    received += [change + timedelta(days=k) for k in range(6)]
    cases = [
        Complaint.model_validate(
            {
                "reference": f"P-{k}",
                "received_on": str(day),
                "stages": [{"number": 1, "response": {"issued_on": str(day + timedelta(40))}}],
            }
        )
        for k, day in enumerate(received)
    ]
    made: list[Any] = []
    real = expressions._context

    def counted(*args: Any) -> Any:
        made.append(args[2])
        return real(*args)

    monkeypatch.setattr(expressions, "_context", counted)
    batch = judge_table(rule, case_table(cases), engine=ENGINE, pack=pack, explain="all")
    # in day order: each day without a value, then the first day of each period
    assert made == [received[0], received[1], change - timedelta(days=5), change]
    for r, case in enumerate(cases):
        (single,) = ENGINE.case_findings(case, pack=pack, rules=[rule.id])
        got, want = batch.findings[r].to_dict(), single.to_dict()
        for finding in (got, want):
            finding["evidence"]["computed"].pop("traceback", None)
        assert got == want, case.reference


# -- branch conditions judged over the rows still undecided -------------------------------------


def _every_condition(branches: Any, env: _Columns) -> list[int]:
    """The branch deciding each row, every condition judged over every row."""
    chosen: list[int | None] = [None] * env.size
    for i, b in enumerate(branches[:-1]):
        held = _array(b.condition._arrow(env), env.size).to_pylist()
        for r, value in enumerate(held):
            if chosen[r] is None and value is True:
                chosen[r] = i
    return [len(branches) - 1 if c is None else c for c in chosen]


@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
def test_branches_judged_over_the_open_rows_are_those_judged_over_every_row(
    pack_name: str,
) -> None:
    """Every verdict table of every expression of the pack, and each item table of an
    expression judging items: the branch chosen for each row is the one judging every
    condition over every row chooses."""
    from complaintrules.law.context import Context
    from complaintrules.law.expressions import CaseExpression, _chosen, expression_of

    pack = ENGINE.pack(pack_name)
    cases = [c for c in _generated(pack_name, 300, seed=5) if c.received_on >= date(2022, 4, 1)]
    table = case_table(cases)
    as_of = date(2025, 3, 31)
    for rule in _expression_rules(pack):
        found = expression_of(rule.case)
        assert found is not None
        expression = found[0]
        ctx = Context(pack, ENGINE.calendar, ENGINE.conventions, cases[0].received_on, as_of)
        values = {n: ctx.param(n) for n in expression.parameters}
        values.update({**calendar_params(ctx.calendar, ctx.conventions), _AS_OF: as_of})

        def env() -> _Columns:
            return _Columns(table, values, len(cases))  # noqa: B023

        if isinstance(expression, CaseExpression):
            want = _every_condition(expression.branches, env())
            assert _chosen(expression.branches, env()).tolist() == want, rule.id
            continue
        tables = [*expression.tables, expression.none]
        for k, item_table in enumerate(tables):
            if k == len(tables) - 1:  # the verdict table of the case itself
                got = _chosen(item_table.branches, env()).tolist()
                assert got == _every_condition(item_table.branches, env()), rule.id
                continue
            outer = env()
            inner, _ = outer.items(_array(expression.items._arrow(outer), outer.size))
            got = _chosen(item_table.branches, inner).tolist()
            outer = env()
            inner, _ = outer.items(_array(expression.items._arrow(outer), outer.size))
            assert got == _every_condition(item_table.branches, inner), (rule.id, k)


def test_a_later_condition_is_judged_only_over_the_rows_still_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part counted row by row (the widest gap between updates) in a later branch is
    counted only for the rows no earlier branch decided; where every row is decided, not
    at all."""
    from complaintrules.authoring import case_field, stage, when
    from complaintrules.law.expressions import _chosen

    counted: list[Any] = []
    real = expressions._widest_gap

    def gap(*args: Any) -> Any:
        counted.append(args)
        return real(*args)

    monkeypatch.setattr(expressions, "_widest_gap", gap)
    interval = stage(1).field("update_interval_working_days")
    start = case_field("received_on")
    widest = start.widest_gap(stage(1).field("updates_sent"), stage(1).field("response.issued_on"))
    verdicts = (
        when(interval.is_null(), Verdict.NOT_APPLICABLE, "")
        .when(widest.get("days").gt(interval), Verdict.FAIL, "")
        .otherwise(Verdict.PASS, "")
    )
    cases = []
    for k in range(10):
        first: dict[str, Any] = {
            "number": 1,
            "updates_sent": ["2024-05-10"],
            "response": {"issued_on": "2024-06-10"},
        }
        if k < 3:
            first["update_interval_working_days"] = 5 if k else 40
        cases.append(
            Complaint.model_validate(
                {"reference": f"G-{k}", "received_on": "2024-05-01", "stages": [first]}
            )
        )
    env = _columns(cases, ENGINE.conventions)
    assert _chosen(verdicts.branches, env).tolist() == [2, 1, 1] + [0] * 7
    assert len(counted) == 3
    counted.clear()
    quiet = _columns(cases[3:], ENGINE.conventions)
    assert _chosen(verdicts.branches, quiet).tolist() == [0] * 7
    assert counted == []


# -- totals over a list's items -----------------------------------------------------------------


def test_a_total_over_a_table_reads_only_the_kept_values_into_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A list's total over a table: the items' conditions and values over the items'
    arrays (no list read back row by row as records), added exactly; missing where the
    list is, nothing where it is empty or nothing is kept; as the one-case backend gives."""
    from complaintrules.authoring import stage

    def remedy(kind: str, amount: str | None) -> dict[str, Any]:
        found: dict[str, Any] = {"description": "r", "kind": kind}
        if amount is not None:
            found["amount"] = amount
        return found

    remedies = [
        [remedy("financial", "0.10"), remedy("financial", "0.20"), remedy("apology", "5")],
        [],
        [remedy("apology", "7"), remedy("financial", None)],
        [remedy("financial", "100.005"), remedy("financial", "0.005")],
    ]
    cases = [
        Complaint.model_validate(
            {
                "reference": f"T-{k}",
                "received_on": "2024-05-01",
                "stages": [{"number": 1, "remedies": found}],
            }
        )
        for k, found in enumerate(remedies)
    ]
    total = stage(1).field("remedies").sum(item("amount"), where=item("kind").eq("financial"))
    want = _per_case(total, cases, ENGINE.conventions)
    assert want == [0.3, 0.0, 0.0, 100.01]
    unreached = stage(2).field("remedies").sum(item("amount"))
    assert _per_case(unreached, cases, ENGINE.conventions) == [None] * 4

    def refused(*args: Any) -> Any:
        raise AssertionError("a list read back row by row")

    monkeypatch.setattr(expressions, "_total", refused)
    assert _over_table(total, cases, ENGINE.conventions) == want
    assert _over_table(unreached, cases, ENGINE.conventions) == [None] * 4


# -- a case's own value read inside a list -------------------------------------------------------


def test_a_cases_own_value_inside_a_list_is_read_once_per_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part reading no item inside a list's predicate or values (the first of the case's
    stage numbers, the case's stages as records) is read over the cases and repeated for
    each item, giving what the one-case backend gives; the case's list of stages is not
    copied for each item."""
    cases = [
        Complaint.model_validate(
            {
                "reference": f"L-{k}",
                "received_on": "2024-05-01",
                "stages": [
                    {"number": 1},
                    *([{"number": 2, "requested_on": "2024-06-03"}] if k % 2 else []),
                ],
            }
        )
        for k in range(5)
    ]
    first = stages().map(item("number")).min()
    parts = [
        stages().count(item("number").eq(first)),
        stages().any(item("number").gt(first)),
        stages().map(item("number").eq(stages().map(item().dump()).length())),
    ]
    inside: list[Any] = []
    real = expressions._Stages._arrow

    def read(self: Any, env: _Columns) -> Any:
        inside.append(env.parent is not None)
        return real(self, env)

    monkeypatch.setattr(expressions._Stages, "_arrow", read)
    for part in parts:
        want = _per_case(part, cases, ENGINE.conventions)
        assert _over_table(part, cases, ENGINE.conventions) == want
    assert inside and not any(inside)


def test_the_largest_and_smallest_of_numbers_and_dates_over_a_table() -> None:
    """``max`` and ``min`` of whole numbers and of dates over a table (read over numpy
    arrays), items missing and lists empty or missing included: as the one-case backend."""
    cases = [
        Complaint.model_validate(
            {
                "reference": f"M-{k}",
                "received_on": "2024-05-01",
                "stages": [
                    {"number": 1, "updates_sent": sent},
                    *([{"number": 3, "requested_on": "2024-06-03"}] if k % 2 else []),
                ],
            }
        )
        for k, sent in enumerate([["2024-05-09", "2024-05-03"], [], ["2024-05-20"]])
    ]
    parts = [
        stages().map(item("number")).max(),
        stages().map(item("number")).min(),
        stages().map(item("update_interval_working_days")).max(),  # every item missing
        stages().flat("updates_sent").map(item("item")).max(),
        stages().flat("updates_sent").map(item("item")).min(),
    ]
    from complaintrules.authoring import stage

    parts.append(stage(2).field("updates_sent").max())  # the list missing
    for part in parts:
        want = _per_case(part, cases, ENGINE.conventions)
        assert _over_table(part, cases, ENGINE.conventions) == want, part
