"""Case checks written as expressions (issue 13, item 1 beyond timeliness).

A check written once as an expression is judged on one case by its Python backend and over
a case table by its Arrow backend; for every converted rule of both packs the two agree
finding for finding (verdict, message, evidence) on the generated corpus, the rules' worked
examples and hypothesis-drawn cases.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import (
    CaseFact,
    applies_if,
    case_field,
    each_fact,
    field_facts,
    item,
    lit,
    param,
    stage,
    when,
)
from complaintrules.io.flat import from_targets
from complaintrules.io.tabular import ColumnMapping, _converter
from complaintrules.law.gates import case_facts
from complaintrules.law.packs import Pack
from complaintrules.law.rules import Rule
from complaintrules.model.columns import (
    CASE_SCHEMA,
    STAGE_TYPE,
    case_facts_column,
    case_table,
)
from complaintrules.model.synthetic import HEADER, synthetic_rows
from complaintrules.models import (
    Action,
    ComplaintDefinition,
    ContactRestriction,
    Extension,
    RaisedIssue,
    ReasonableAdjustment,
    Refusal,
    Remedy,
    Representative,
    Resident,
    Response,
    ResponseContents,
    Stage,
)
from complaintrules.testing import build_subject
from core.expression_helpers import findings_beside_engine, rule_of
from properties.strategies import MAPPING, bounded, complaint

ENGINE = Engine()


def _pack(name: str) -> Pack:
    return ENGINE.pack(name)


def _expression_rules(pack: Pack) -> list[Rule]:
    from complaintrules.law.expressions import expression_of

    return [r for r in ENGINE.registry.rules_for(pack) if expression_of(r.case) is not None]


PACKS = {name: _pack(name) for name in ("code_2024", "code_2020")}
CONVERTED = {name: _expression_rules(pack) for name, pack in PACKS.items()}


def _agree(cases: Sequence[Complaint], pack_name: str, as_of: date | None = None) -> None:
    """Batch findings of every converted rule equal the engine's, case by case (judged
    ``as_of``: the table then holds each case as it stood that day, as the engine sees it)."""
    pack = PACKS[pack_name]
    if as_of is not None:
        snapshots = (c.as_of(as_of).case for c in cases)
        cases = [c for c in snapshots if c is not None]
    table = case_table(cases)
    for rule in CONVERTED[pack_name]:
        both = findings_beside_engine(
            rule, cases, engine=ENGINE, pack=pack, as_of=as_of, table=table
        )
        for case, (verdict, found, single) in zip(cases, both, strict=True):
            assert verdict is single.verdict, (rule.id, case.reference)
            got, want = found.to_dict(), single.to_dict()
            if single.verdict is Verdict.ERROR:
                # (a parameter not in force on a drawn date) the traceback names each
                # backend's own frames; everything else is the same
                got["evidence"]["computed"].pop("traceback")
                want["evidence"]["computed"].pop("traceback")
                assert got == want, (rule.id, case.reference)
                continue
            assert found == single, (rule.id, case.reference)
            assert got == want
        _columns_agree(rule, table, cases, [verdict for verdict, _, _ in both], pack, as_of)


def _columns_agree(
    rule: Rule,
    table: pa.Table,
    cases: Sequence[Complaint],
    verdicts: Sequence[Verdict],
    pack: Pack,
    as_of: date | None,
) -> None:
    """Every computed value the rule may report, read as a column for the failing rows
    (judge_table's ``computed``), is the one the engine's finding of that case reports."""
    from complaintrules.law.expressions import ItemOutcomes, expression_of, judge_table

    found = expression_of(rule.case)
    assert found is not None
    expression = found[0]
    names = list(
        dict.fromkeys(
            [*expression.none.computed, *(k for t in expression.tables for k in t.computed)]
            if isinstance(expression, ItemOutcomes)
            else expression.computed
        )
    )
    if not names:
        return
    columns = judge_table(rule, table, engine=ENGINE, pack=pack, as_of=as_of, computed=names)
    assert columns.verdicts == list(verdicts), rule.id
    for i, case in enumerate(cases):
        got = [columns.computed[n][i] for n in names]
        if verdicts[i] is not Verdict.FAIL:
            assert got == [None] * len(names), (rule.id, case.reference)
            continue
        (single,) = ENGINE.case_findings(case, pack=pack, as_of=as_of, rules=[rule.id])
        assert got == [single.evidence.computed.get(n) for n in names], (rule.id, case.reference)


def test_converted_rules_in_both_packs() -> None:
    ids = {name: {r.id for r in rules} for name, rules in CONVERTED.items()}
    assert {"CHC24-1.3", "CHC24-1.5", "CHC24-2.1", "CHC24-6.7", "CHC24-6.12", "CHC24-6.18"} <= (
        ids["code_2024"]
    )
    assert "CHC24-2.4" in ids["code_2024"]
    assert {"CHC20-1.7", "CHC20-1.9", "CHC20-4.14"} <= ids["code_2020"]
    # response letter contents (a list-valued parameter) and different handlers (folding)
    assert {"CHC24-6.9", "CHC24-6.13", "CHC24-6.19"} <= ids["code_2024"]
    assert {"CHC20-5.8", "CHC20-5.12", "CHC20-5.16", "CHC20-5.20"} <= ids["code_2020"]
    # refused as out of time (months after a date)
    assert "CHC20-1.8" in ids["code_2020"]
    # grounds evidenced, in-time complaints accepted; agreed update intervals kept
    assert {"CHC24-2.2", "CHC24-2.3"} <= ids["code_2024"]
    assert "CHC20-4.11" in ids["code_2020"]
    # per-item conditions reading the case, records dumped as evidence, the as-of date
    assert {"CHC24-6.6", "CHC24-6.8", "CHC24-6.17"} <= ids["code_2024"]
    assert {"CHC20-4.2", "CHC20-5.3", "CHC20-5.7", "CHC20-5.15", "CHC20-5.19"} <= ids["code_2020"]
    # one check at every stage reached, the stages' outcomes combined
    assert {"CHC20-5.5", "CHC20-5.6"} <= ids["code_2020"]
    # every stage's remedies (stages().flat), with the as-of date
    assert "CHC24-7.3" in ids["code_2024"]
    assert "CHC20-6.5" in ids["code_2020"]
    # a stage's response clock chosen by its dated parameter: updates while a response
    # runs late, long extensions agreed
    assert "CHC24-5.9" in ids["code_2024"]
    assert {"CHC20-4.10", "CHC20-5.2", "CHC20-5.14"} <= ids["code_2020"]


# -- the case table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        (Complaint, pa.struct(list(CASE_SCHEMA))),
        (Stage, STAGE_TYPE),
        (Response, STAGE_TYPE.field("response").type),
        (ResponseContents, STAGE_TYPE.field("response").type.field("contents").type),
        (ComplaintDefinition, STAGE_TYPE.field("acknowledged").type.field("definition").type),
        (Extension, STAGE_TYPE.field("extensions").type.value_type),
        (Remedy, STAGE_TYPE.field("remedies").type.value_type),
        (RaisedIssue, STAGE_TYPE.field("issues_raised").type.value_type),
        (Refusal, CASE_SCHEMA.field("refusals").type.value_type),
        (ContactRestriction, CASE_SCHEMA.field("contact_restrictions").type.value_type),
        (Resident, CASE_SCHEMA.field("resident").type),
        (Representative, CASE_SCHEMA.field("resident").type.field("representative").type),
        (
            ReasonableAdjustment,
            CASE_SCHEMA.field("resident").type.field("reasonable_adjustments").type.value_type,
        ),
    ],
)
def test_the_case_table_holds_every_field_of_the_model(model: Any, kind: pa.StructType) -> None:
    names = {f.name for f in kind}
    if model is Complaint:
        # the stage list is held as a column per stage number
        assert {f"stage{n}" for n in range(10)} | {"stage_numbers"} <= names
        names |= {"stages"}
    assert set(model.model_fields) <= names


def _rich_case() -> Complaint:
    return Complaint.model_validate(
        {
            "reference": "R-1",
            "received_on": "2024-05-01",
            "received_at": "16:30",
            "channel": "email",
            "service_request": "SR-9",
            "resident": {
                "representative": {"name": "Sam", "authority_on_file": True},
                "vulnerabilities": ["hearing"],
                "reasonable_adjustments": [{"description": "calls", "agreed_on": "2024-05-02"}],
            },
            "stages": [
                {
                    "number": 1,
                    "acknowledged": {"on": "2024-05-02", "definition": {"understanding": "x"}},
                    "handler": "A",
                    "response": {"issued_on": "2024-05-20", "outcome": "partly_upheld"},
                    "remedies": [{"kind": "financial", "amount": "12.50"}],
                    "extensions": [{"notified_on": "2024-05-10", "new_due": "2024-05-24"}],
                },
                {"number": 3, "requested_on": "2024-06-01", "updates_sent": ["2024-06-03"]},
            ],
            "refusals": [{"on": "2024-06-02", "stage": 2, "ground": "other"}],
            "contact_restrictions": [{"imposed_on": "2024-05-05", "reviews": ["2024-06-01"]}],
        }
    )


def test_case_table_is_lossless() -> None:
    case = _rich_case()
    (row,) = case_table([case]).to_pylist()
    dumped = case.model_dump(mode="json")
    stages = dumped.pop("stages")
    assert row["stage_numbers"] == [1, 3]
    assert row["stage2"] is None and row["stage0"] is None
    for stage_dump in stages:
        assert _json(row[f"stage{stage_dump['number']}"]) == stage_dump
    for key, value in dumped.items():
        assert _json(row[key]) == value, key


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _generated(pack_start: date, n: int, seed: int) -> list[Complaint]:
    convert = _converter(_mapping(), HEADER)
    cases = []
    for i, row in enumerate(synthetic_rows(n, seed=seed, start=pack_start, days=365)):
        got = convert.convert(i + 2, row)
        if got.case is not None:
            cases.append(got.case)
    return cases


def _mapping() -> ColumnMapping:
    from complaintrules import load_mapping

    return load_mapping(MAPPING)


def test_case_facts_over_a_table_match_the_model() -> None:
    cases = [*_generated(date(2024, 4, 1), 300, 7), _rich_case(), *_examples("code_2024")]
    assert list(case_facts_column(case_table(cases))) == [case_facts(c) for c in cases]


# -- from the flat table of a columnar reader ----------------------------------------------


def _identity_reader(names: Sequence[str]) -> Any:
    mapping = ColumnMapping(columns={n: n for n in names})
    return _converter(mapping, list(names))


def _flat_row(values: dict[str, Any]) -> list[str]:
    out = []
    for v in values.values():
        if v is None:
            out.append("")
        elif isinstance(v, bool):
            out.append("yes" if v else "no")
        elif isinstance(v, date):
            out.append(v.isoformat())
        else:
            out.append(str(v))
    return out


FLAT_ROWS: list[dict[str, Any]] = [
    {
        "reference": "F-1",
        "received_on": date(2024, 5, 1),
        "channel": "email",
        "stage1.acknowledged_on": date(2024, 5, 3),
        "stage1.definition_recorded": True,
        "stage1.handler": "A. Patel",
        "stage1.response_on": date(2024, 5, 20),
        "stage1.outcome": "upheld",
        "stage1.extension_notified_on": None,
        "stage1.extension_new_due": None,
        "stage1.extension_reason": None,
        "stage2.requested_on": date(2024, 6, 1),
        "stage2.handler": "B. Okafor",
        "closed_on": None,
    },
    {
        "reference": "F-2",
        "received_on": date(2024, 5, 2),
        "channel": None,
        "stage1.acknowledged_on": None,
        "stage1.definition_recorded": None,
        "stage1.handler": None,
        "stage1.response_on": None,
        "stage1.outcome": None,
        "stage1.extension_notified_on": date(2024, 5, 10),
        "stage1.extension_new_due": date(2024, 5, 30),
        "stage1.extension_reason": "survey",
        "stage2.requested_on": None,
        "stage2.handler": None,
        "closed_on": date(2024, 7, 1),
    },
]


def _flat_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    columns = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        sample = next((v for v in values if v is not None), "")
        kind = (
            pa.bool_()
            if isinstance(sample, bool)
            else pa.date32()
            if isinstance(sample, date)
            else pa.string()
        )
        columns[name] = pa.array(values, kind)
    return pa.table(columns)


def test_from_targets_gives_the_cases_the_row_reader_gives() -> None:
    names = list(FLAT_ROWS[0])
    reader = _identity_reader(names)
    cases = []
    for i, values in enumerate(FLAT_ROWS):
        got = reader.convert(i + 2, _flat_row(values))
        assert got.case is not None, got.problems
        cases.append(got.case)
    assert from_targets(_flat_table(FLAT_ROWS)).to_pylist() == case_table(cases).to_pylist()


def test_from_targets_with_only_the_required_columns() -> None:
    flat = pa.table(
        {"reference": ["M-1"], "received_on": pa.array([date(2024, 5, 1)], pa.date32())}
    )
    (case,) = [Complaint.model_validate({"reference": "M-1", "received_on": "2024-05-01"})]
    assert from_targets(flat).to_pylist() == case_table([case]).to_pylist()
    assert from_targets(flat).schema.equals(CASE_SCHEMA)


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"reference": ["X"], "colour": ["red"]}, "'colour'"),
        ({"reference": ["X"]}, "'received_on'"),
        (
            {
                "reference": ["X", "Y"],
                "received_on": pa.array([date(2024, 5, 1)] * 2, pa.date32()),
                "stage1.definition_recorded": [False, True],
            },
            "row 1: a stage 1 definition but no acknowledgement date",
        ),
        (
            {
                "reference": ["X"],
                "received_on": pa.array([date(2024, 5, 1)], pa.date32()),
                "stage2.extension_new_due": pa.array([date(2024, 6, 1)], pa.date32()),
            },
            "row 0: a stage 2 extension needs both",
        ),
        (
            {"reference": ["X"], "received_on": ["1 May"]},
            "column 'received_on' holds string; expected date32",
        ),
    ],
)
def test_from_targets_refuses_bad_tables_naming_what_is_wrong(
    columns: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ValueError, match=expected.replace("(", r"\(")):
        from_targets(pa.table(columns))


# -- agreement: a batch of N equals N single cases -----------------------------------------


def _examples(pack_name: str) -> list[Complaint]:
    from complaintrules.law.rules import Subject

    out = []
    for rule in ENGINE.registry.rules_for(PACKS[pack_name]):
        for ex in rule.examples:
            if ex.subject is Subject.CASE:
                built = build_subject(Subject.CASE, ex.data)
                assert isinstance(built, Complaint)
                out.append(built.model_copy(update={"reference": f"{rule.id}/{ex.title}"}))
    return out


@pytest.mark.parametrize(
    ("pack_name", "start"), [("code_2024", date(2024, 4, 1)), ("code_2020", date(2022, 4, 1))]
)
def test_batch_equals_single_on_the_generated_corpus(pack_name: str, start: date) -> None:
    _agree(_generated(start, 400, 11), pack_name)


@pytest.mark.parametrize(
    ("pack_name", "start", "as_of"),
    [
        ("code_2024", date(2024, 4, 1), date(2024, 9, 1)),
        ("code_2020", date(2022, 4, 1), date(2022, 8, 15)),
    ],
)
def test_batch_equals_single_as_of_a_date_on_the_generated_corpus(
    pack_name: str, start: date, as_of: date
) -> None:
    """Judged as of a day inside the corpus's months: open actions and remedies overdue,
    or not yet due, on that day (as_of() in both backends)."""
    _agree(_generated(start, 400, 11), pack_name, as_of)


@pytest.mark.parametrize("pack_name", ["code_2024", "code_2020"])
def test_batch_equals_single_on_every_worked_example(pack_name: str) -> None:
    _agree(_examples(pack_name), pack_name)


_MAYBE = st.sampled_from([None, True, False])
_FEW = st.integers(0, 2)
_DEFINITION = st.sampled_from(
    [
        None,
        ComplaintDefinition(),
        ComplaintDefinition(understanding="damp", outcomes_sought=""),
        ComplaintDefinition(outcomes_sought="repair", clarification_requested_on=date(2024, 5, 2)),
        ComplaintDefinition(understanding="damp", outcomes_sought="repair"),
    ]
)


def _day_near(draw: st.DrawFn, start: date) -> date | None:
    found: int | None = draw(st.one_of(st.none(), st.integers(0, 60)))
    return None if found is None else start + timedelta(days=found)


def _drawn_action(draw: st.DrawFn, start: date) -> Action:
    updates = [start + timedelta(days=d) for d in draw(st.lists(st.integers(0, 60), max_size=2))]
    return Action(
        description=draw(st.sampled_from(["Fix gutter", "Call back"])),
        due=_day_near(draw, start),
        completed_on=_day_near(draw, start),
        updates=updates,
    )


def _drawn_remedy(draw: st.DrawFn, start: date) -> Remedy:
    return Remedy(
        kind=draw(st.sampled_from(["apology", "financial", "action"])),
        amount=draw(st.sampled_from([None, "150", "25.50"])),
        offered_on=_day_near(draw, start),
        due=_day_near(draw, start),
        completed_on=_day_near(draw, start),
        agreed_with_resident=draw(_MAYBE),
    )


def _drawn_issue(draw: st.DrawFn, start: date) -> RaisedIssue:
    return RaisedIssue(
        raised_on=start + timedelta(days=draw(st.integers(0, 40))),
        related=draw(st.booleans()),
        handled=draw(st.sampled_from(["in_response", "new_complaint", "not_yet"])),
        new_reference=draw(st.sampled_from([None, "", "N-2"])),
    )


_TEXT = st.sampled_from([None, "", "the lease excludes it"])


@st.composite
def _enriched(draw: st.DrawFn) -> Complaint:
    """A drawn case with the facts the converted rules read drawn too."""
    case: Complaint = draw(complaint())
    stages = []
    for s in case.stages:
        update: dict[str, Any] = {"escalation_reasons_demanded": draw(_MAYBE)}
        if s.response is not None:
            update["response"] = s.response.model_copy(
                update={"all_points_addressed": draw(_MAYBE)}
            )
        update["actions"] = [_drawn_action(draw, case.received_on) for _ in range(draw(_FEW))]
        update["remedies"] = [_drawn_remedy(draw, case.received_on) for _ in range(draw(_FEW))]
        update["issues_raised"] = [_drawn_issue(draw, case.received_on) for _ in range(draw(_FEW))]
        # updates while a response runs late (CHC24-5.9, CHC20-4.10, 4.11)
        update["logged_on"] = _day_near(draw, case.received_on)
        update["update_interval_agreed"] = draw(_MAYBE)
        update["update_interval_working_days"] = draw(st.sampled_from([None, 3, 5, 10]))
        update["updates_sent"] = sorted(
            case.received_on + timedelta(days=d)
            for d in draw(st.lists(st.integers(0, 90), max_size=3))
        )
        update["extensions"] = [
            e.model_copy(
                update={
                    "agreed_with_resident": draw(_MAYBE),
                    "ombudsman_details_given": draw(_MAYBE),
                }
            )
            for e in s.extensions
        ]
        if s.acknowledged is not None:
            update["acknowledged"] = s.acknowledged.model_copy(
                update={"definition": draw(_DEFINITION)}
            )
        stages.append(s.model_copy(update=update))
    refusals = [
        Refusal(
            on=case.received_on + timedelta(days=draw(st.integers(0, 30))),
            stage=draw(st.sampled_from([1, 2])),
            ground=draw(st.sampled_from(["other", "out_of_time", "legal_proceedings"])),
            detail=draw(_TEXT),
            explanation_given=draw(_MAYBE),
            ombudsman_right_given=draw(_MAYBE),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return case.model_copy(
        update={
            "stages": stages,
            "refusals": refusals,
            "offered_choice_to_complain": draw(_MAYBE),
            "resident_asked_to_complain": draw(_MAYBE),
            "service_request": draw(st.sampled_from([None, "", "SR-1"])),
            "service_request_work_continued": draw(_MAYBE),
        }
    )


@bounded(25)
@given(st.lists(_enriched(), min_size=1, max_size=6))
def test_batch_equals_single_on_drawn_cases(cases: list[Complaint]) -> None:
    cases = [c.model_copy(update={"reference": f"H-{i}"}) for i, c in enumerate(cases)]
    for pack_name in PACKS:
        _agree(cases, pack_name)
    # and as of a day among the cases' own dates
    as_of = max(c.received_on for c in cases) + timedelta(days=20)
    for pack_name in PACKS:
        _agree(cases, pack_name, as_of)


# -- findings built only for the rows asked -------------------------------------------------


def test_only_the_rows_asked_for_get_findings() -> None:
    from complaintrules.law.expressions import judge_table

    rule = next(r for r in CONVERTED["code_2024"] if r.id == "CHC24-1.3")
    cases = [
        Complaint.model_validate({"reference": f"C-{i}", "received_on": "2024-05-01", **facts})
        for i, facts in enumerate(
            [{"offered_choice_to_complain": False}, {"offered_choice_to_complain": True}, {}]
        )
    ]
    table = case_table(cases)
    pack = PACKS["code_2024"]
    summary = judge_table(rule, table, engine=ENGINE, pack=pack)
    assert summary.verdicts == [Verdict.FAIL, Verdict.PASS, Verdict.NEEDS_EVIDENCE]
    assert summary.findings == {}
    failures = judge_table(rule, table, engine=ENGINE, pack=pack, explain="failures")
    assert list(failures.findings) == [0]
    picked = judge_table(rule, table, engine=ENGINE, pack=pack, explain=[2])
    assert list(picked.findings) == [2]
    assert picked.findings[2].subject_ref == "C-2"


def test_a_rule_that_raises_is_an_error_on_its_rows_in_both_backends() -> None:
    from complaintrules.law.expressions import judge_table

    broken = when(param("no.such.parameter").eq(1), Verdict.FAIL, "never").otherwise(
        Verdict.PASS, "never"
    )
    rule = rule_of(broken)
    case = Complaint.model_validate({"reference": "E-1", "received_on": "2024-05-01"})
    pack = PACKS["code_2024"]
    single = ENGINE._run(rule, rule.subjects[0], "E-1", broken, case, _ctx(pack, case))
    batch = judge_table(rule, case_table([case, case]), engine=ENGINE, pack=pack, explain="all")
    assert single.verdict is Verdict.ERROR
    assert batch.verdicts == [Verdict.ERROR, Verdict.ERROR]
    assert batch.findings[0].message == single.message
    assert batch.findings[0].subject_ref == "E-1"


def _ctx(pack: Pack, case: Complaint) -> Any:
    from complaintrules.law.context import Context

    return Context(pack, ENGINE.calendar, ENGINE.conventions, case.received_on)


def test_a_gated_expression_is_not_applicable_without_its_facts() -> None:
    from complaintrules.law.expressions import judge_table

    check = applies_if(
        CaseFact.STAGE2,
        when(stage(2).field("handler").is_null(), Verdict.FAIL, "no handler").otherwise(
            Verdict.PASS, "handled by {who}", values={"who": stage(2).field("handler")}
        ),
        otherwise="no stage 2",
    )
    rule = rule_of(check)
    one = Complaint.model_validate({"reference": "G-1", "received_on": "2024-05-01"})
    two = _rich_case().model_copy(
        update={"stages": [*_rich_case().stages[:1], Stage(number=2, handler="Z")]}
    )
    got = judge_table(
        rule, case_table([one, two]), engine=ENGINE, pack=PACKS["code_2024"], explain="all"
    )
    assert got.verdicts == [Verdict.NOT_APPLICABLE, Verdict.PASS]
    assert [got.findings[0].message, got.findings[1].message] == ["no stage 2", "handled by Z"]


# -- the expression language ---------------------------------------------------------------


def _one(expr: Any, case: Complaint) -> tuple[Any, Any]:
    """``expr`` on one case by both backends: (Python value, Arrow value). The Python
    value is read both from the expression's own closures and from the function generated
    for a verdict table (which reads it twice, so its shared-part path is taken too)."""
    from complaintrules.law.expressions import _Columns, _per_row, _Row

    py = expr._py(_Row(case, {}))
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS, "ok", facts={"v": expr, "again": expr}
    )
    generated = check(case, _ctx(PACKS["code_2024"], case)).facts
    assert generated == {"v": py, "again": py}
    # (as the table backend reads values back: some, such as dumps, are made in Python)
    arrow = _per_row(expr._arrow(_Columns(case_table([case]), {}, 1)), 1)[0]
    return py, arrow


_CONTENTS = stage(1).field("response.contents")


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (case_field("offered_choice_to_complain").eq(True), None),  # unknown stays unknown
        (case_field("offered_choice_to_complain").is_null(), True),
        (case_field("offered_choice_to_complain").is_true(), False),
        (case_field("offered_choice_to_complain").eq(True) & lit(False), False),  # Kleene
        (case_field("offered_choice_to_complain").eq(True) | lit(True), True),
        (~case_field("offered_choice_to_complain").eq(True), None),
        (case_field("refusals").count(), 3),
        (case_field("refusals").count(item("stage").eq(1)), 2),
        (case_field("refusals").any(item("detail").present()), True),
        (case_field("refusals").all(item("detail").present()), False),
        (case_field("contact_restrictions").all(item("reason").present()), True),  # empty
        (stage(1).field("remedies").count(), 1),
        (stage(2).reached(), False),
        (stage(2).field("handler"), None),
        (stage(1).field("response.outcome").eq("upheld"), True),
        (case_field("channel"), "letter"),
        (case_field("refusals").each("{index}:{g}", g=item("ground")), "0:other, 1:other, 2:other"),
        (
            case_field("refusals").each("{r}", sep="|", r=item("detail").or_else(item("ground"))),
            "other|why|other",
        ),
        (case_field("received_on").lt(date(2024, 6, 1)), True),
        # Unicode case-folding, not lower-casing: the sharp s folds to "ss"
        (stage(1).field("handler").casefold(), "strasse"),
        (stage(1).field("handler").casefold().eq(lit("STRASSE").casefold()), True),
        (stage(2).field("handler").casefold(), None),
        (
            _CONTENTS.fields_that(lit(["stage", "decision", "reasons", "remedy"]), "false"),
            "decision",
        ),
        (
            _CONTENTS.fields_that(lit(["stage", "decision", "reasons", "remedy"]), "null"),
            "reasons, remedy",
        ),
        (_CONTENTS.fields_that(lit([]), "null"), ""),
        (
            stage(2).field("response.contents").fields_that(lit(["stage", "reasons"]), "null"),
            "stage, reasons",
        ),
        (stage(2).field("response.contents").fields_that(lit(["stage"]), "false"), ""),
        # calendar months, clipped to a shorter month's last day; ISO text
        (case_field("received_on").months_after(6), date(2024, 11, 1)),
        (lit(date(2024, 1, 31)).months_after(1), date(2024, 2, 29)),
        (
            case_field("received_on").months_after(stage(1).field("remedies").count()),
            date(2024, 6, 1),
        ),
        (case_field("issue_occurred_on").months_after(6), None),
        (case_field("received_on").months_after(6).iso(), "2024-11-01"),
        (case_field("issue_occurred_on").iso(), None),
        # records as JSON for evidence (dates as ISO text), all fields or those recorded
        (
            stage(1).field("remedies").dump(),
            [
                {
                    "kind": "apology",
                    "description": None,
                    "amount": "25.50",
                    "currency": None,
                    "offered_on": None,
                    "due": "2024-05-20",
                    "completed_on": None,
                    "agreed_with_resident": None,
                }
            ],
        ),
        (
            stage(1).field("remedies").dump(exclude_none=True),
            [{"kind": "apology", "amount": "25.50", "due": "2024-05-20"}],
        ),
        (
            stage(1).field("remedies").each("{r}", r=item().dump(exclude_none=True)),
            str({"kind": "apology", "amount": "25.50", "due": "2024-05-20"}),
        ),
        (stage(2).field("remedies").dump(), None),
        # a per-item condition comparing the item with a fact of the case
        (case_field("refusals").count(item("on").lt(stage(1).field("response.issued_on"))), 3),
        (case_field("refusals").count(item("on").ge(stage(1).field("response.issued_on"))), 0),
        (case_field("refusals").count(item("on").lt(stage(2).field("response.issued_on"))), 0),
        (
            case_field("refusals").each(
                "{index}", where=item("stage").eq(stage(1).field("remedies").count())
            ),
            "0, 1",
        ),
        (
            case_field("refusals").each_of(
                (item("on").lt(stage(1).field("response.issued_on")), "{index} before"),
                (item("stage").gt(stage(1).field("remedies").count()), "{index} later"),
            ),
            "0 before; 1 before; 2 before; 2 later",
        ),
    ],
)
def test_each_operation_means_the_same_in_both_backends(expr: Any, expected: Any) -> None:
    case = Complaint.model_validate(
        {
            "reference": "L-1",
            "received_on": "2024-05-01",
            "channel": "letter",
            "stages": [
                {
                    "number": 1,
                    "handler": "Straße",
                    "response": {
                        "issued_on": "2024-05-03",
                        "outcome": "upheld",
                        "contents": {"stage": True, "decision": False},
                    },
                    "remedies": [{"kind": "apology", "amount": "25.50", "due": "2024-05-20"}],
                }
            ],
            "refusals": [
                {"on": "2024-05-02", "ground": "other", "detail": ""},
                {"on": "2024-05-02", "ground": "other", "detail": "why"},
                {"on": "2024-05-02", "stage": 2, "ground": "other"},
            ],
        }
    )
    py, arrow = _one(expr, case)
    assert py == expected
    assert arrow == expected


def test_out_of_time_refusals_agree_on_every_branch() -> None:
    """CHC20-1.8: no issue date, inside the window (its last day, a month-end clipped),
    after it, and a refusal on another ground."""

    def refused(
        ref: str, issue: str | None, received: str, ground: str = "out_of_time"
    ) -> Complaint:
        return Complaint.model_validate(
            {
                "reference": ref,
                "received_on": received,
                "issue_occurred_on": issue,
                "refusals": [{"on": received, "ground": ground}],
            }
        )

    cases = [
        refused("O-1", None, "2022-09-01"),
        refused("O-2", "2022-02-28", "2022-08-28"),  # the last day in time
        refused("O-3", "2022-03-31", "2022-09-30"),  # six months on is clipped to the 30th
        refused("O-4", "2022-03-31", "2022-10-01"),
        refused("O-5", "2022-01-01", "2022-10-01", ground="other"),
    ]
    verdicts = [
        ENGINE.case_findings(c, pack=PACKS["code_2020"], rules=["CHC20-1.8"])[0].verdict
        for c in cases
    ]
    assert verdicts == [
        Verdict.NEEDS_EVIDENCE,
        Verdict.FAIL,
        Verdict.FAIL,
        Verdict.PASS,
        Verdict.NOT_APPLICABLE,
    ]
    _agree(cases, "code_2020")


def test_field_facts_record_each_named_field_in_both_backends() -> None:
    from complaintrules.law.expressions import judge_table

    names = param("stage1.response_items")
    check = when(lit(False), Verdict.PASS, "never").otherwise(
        Verdict.PASS,
        "{n} named",
        values={"n": names.count()},
        each_facts=[field_facts(stage(1).field("response.contents"), names, "c.{name}!")],
    )
    answered = Complaint.model_validate(
        {
            "reference": "F-1",
            "received_on": "2024-05-01",
            "stages": [
                {
                    "number": 1,
                    "response": {"issued_on": "2024-05-20", "contents": {"decision": True}},
                }
            ],
        }
    )
    unanswered = answered.model_copy(update={"reference": "F-2", "stages": []})
    pack = PACKS["code_2024"]
    listed = _ctx(pack, answered).param("stage1.response_items")
    assert len(listed) == 7
    one = check(answered, _ctx(pack, answered))
    assert one.message == "7 named"
    assert one.facts == {f"c.{n}!": (True if n == "decision" else None) for n in listed}
    none = check(unanswered, _ctx(pack, unanswered))
    assert none.facts == {f"c.{n}!": None for n in listed}
    rule = rule_of(check)
    batch = judge_table(
        rule, case_table([answered, unanswered]), engine=ENGINE, pack=pack, explain="all"
    )
    assert [f.evidence.facts for f in batch.findings.values()] == [one.facts, none.facts]
    with pytest.raises(ValueError, match="name each field once"):
        field_facts(stage(1).field("response.contents"), names, "contents")


def test_the_monitor_finds_different_handler_checks_by_their_tag() -> None:
    from complaintrules.law.stage_checks import handler_stages

    found = {
        name: {r.id: handler_stages(r.case) for r in rules if handler_stages(r.case)}
        for name, rules in CONVERTED.items()
    }
    assert set(found["code_2024"].values()) == {(1, 2)}
    assert set(found["code_2020"].values()) == {(1, 2)}
    assert all(len(ids) == 1 for ids in found.values())


def test_each_fact_lists_evidence_per_item() -> None:
    refusals = case_field("refusals")
    check = when(lit(True), Verdict.PASS, "ok").otherwise(
        Verdict.PASS,
        "ok",
        each_facts=[each_fact(refusals, "r[{index}]", item("ground"), where=item("stage").eq(2))],
    )
    case = _rich_case()
    outcome = check(case, _ctx(PACKS["code_2024"], case))
    assert outcome.facts == {"r[0]": "other"}


def test_each_of_lists_every_clause_an_item_meets_and_names_flatten_evidence() -> None:
    refusals = case_field("refusals")
    explained, right = item("explanation_given"), item("ombudsman_right_given")
    check = when(lit(True), Verdict.FAIL, "{problems}").otherwise(
        Verdict.PASS,
        "x",
        values={
            "problems": refusals.each_of(
                (explained.is_false(), "{index}: no reasons"),
                (right.is_false(), "{index}: no route"),
            )
        },
        each_facts=[
            each_fact(refusals, "r[{index}].{name}", {"explained": explained, "right": right})
        ],
    )
    case = Complaint.model_validate(
        {
            "reference": "F-1",
            "received_on": "2024-05-01",
            "refusals": [
                {
                    "on": "2024-05-02",
                    "ground": "other",
                    "explanation_given": False,
                    "ombudsman_right_given": False,
                },
                {"on": "2024-05-02", "ground": "other", "explanation_given": True},
            ],
        }
    )
    outcome = check(case, _ctx(PACKS["code_2024"], case))
    assert outcome.message == "0: no reasons; 0: no route"
    assert list(outcome.facts.items()) == [
        ("r[0].explained", False),
        ("r[0].right", False),
        ("r[1].explained", True),
        ("r[1].right", None),
    ]
    from complaintrules.law.expressions import judge_table

    batch = judge_table(
        rule_of(check), case_table([case]), engine=ENGINE, pack=PACKS["code_2024"], explain="all"
    )
    assert batch.findings[0].message == outcome.message
    assert list(batch.findings[0].evidence.facts.items()) == list(outcome.facts.items())


def test_a_message_naming_an_unknown_value_is_refused_when_written() -> None:
    with pytest.raises(ValueError, match="'who'"):
        when(lit(True), Verdict.PASS, "by {who}").otherwise(Verdict.PASS, "x")


def test_one_case_is_judged_without_arrow() -> None:
    script = (
        "import sys\n"
        "from complaintrules import Complaint, Engine\n"
        "c = Complaint.model_validate({'reference': 'A', 'received_on': '2024-05-01'})\n"
        "found = Engine().case_findings(c, rules=['CHC24-1.3'])\n"
        "assert found[0].verdict.value == 'needs_evidence', found\n"
        "print('pyarrow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_guide_example_runs_and_both_backends_agree() -> None:
    import re
    from pathlib import Path

    from complaintrules.law.expressions import judge_table

    text = (Path(__file__).resolve().parents[2] / "docs" / "expressions.md").read_text("utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    names: dict[str, Any] = {}
    exec(code, names)
    rule = rule_of(names["check"])
    case = names["case"]
    (single,) = [
        ENGINE._run(rule, rule.subjects[0], "D-1", rule.case, case, _ctx(PACKS["code_2024"], case))
    ]
    assert single.message == "stage 2 handled by B. Okafor, no reasons asked"
    batch = judge_table(
        rule, case_table([case]), engine=ENGINE, pack=PACKS["code_2024"], explain="all"
    )
    assert batch.findings[0] == single


# -- the as-of date -------------------------------------------------------------------------


def test_as_of_is_the_judging_date_in_both_backends_and_unknown_without_one() -> None:
    """as_of() reads the date the case is judged as of: inline, inside a list's predicate
    (a compiled closure), in message text; without an as-of date it is unknown, so a
    comparison with it is too and the unknown branch is not taken."""
    from complaintrules.authoring import as_of
    from complaintrules.law.context import Context
    from complaintrules.law.expressions import judge_table

    due = stage(1).field("remedies")
    overdue = due.any(item("due").lt(as_of()))
    check = (
        when(as_of().is_null(), Verdict.NEEDS_EVIDENCE, "no as-of date")
        .when(overdue, Verdict.FAIL, "{late} overdue on {today}")
        .otherwise(
            Verdict.PASS,
            "nothing overdue on {today}",
            values={
                "today": as_of().iso(),
                "late": due.each("{index}", where=item("due").lt(as_of())),
            },
            facts={"after_receipt": as_of().gt(case_field("received_on"))},
        )
    )
    assert check.reads_as_of
    case = Complaint.model_validate(
        {
            "reference": "A-1",
            "received_on": "2024-05-01",
            "stages": [
                {
                    "number": 1,
                    "remedies": [
                        {"kind": "apology", "due": "2024-06-10"},
                        {"kind": "action", "due": "2024-06-01"},
                    ],
                }
            ],
        }
    )
    pack = PACKS["code_2024"]
    rule = rule_of(check)
    expected = {
        None: (Verdict.NEEDS_EVIDENCE, "no as-of date", None),
        date(2024, 6, 1): (Verdict.PASS, "nothing overdue on 2024-06-01", True),
        date(2024, 6, 5): (Verdict.FAIL, "1 overdue on 2024-06-05", True),
        date(2024, 6, 11): (Verdict.FAIL, "0, 1 overdue on 2024-06-11", True),
    }
    for day, (verdict, message, after) in expected.items():
        ctx = Context(pack, ENGINE.calendar, ENGINE.conventions, case.received_on, day)
        single = check(case, ctx)
        assert (single.verdict, single.message) == (verdict, message), day
        assert single.facts == {"after_receipt": after}
        batch = judge_table(rule, case_table([case]), engine=ENGINE, pack=pack, as_of=day)
        assert batch.verdicts == [verdict], day
        found = judge_table(
            rule, case_table([case]), engine=ENGINE, pack=pack, as_of=day, explain="all"
        ).findings[0]
        assert (found.message, found.evidence.facts) == (message, single.facts), day
    # an expression that does not read it is judged as before (no date among its values)
    assert not when(lit(True), Verdict.PASS, "x").otherwise(Verdict.PASS, "y").reads_as_of


def test_a_check_over_every_stage_combines_the_stages_in_both_backends() -> None:
    """CHC20-5.6 judges points addressed at every stage reached: every failure joined,
    else the first stage needing evidence, else every pass joined, else the first stage's
    own reason."""

    def case(ref: str, *answers: bool | str | None) -> Complaint:
        stages = [
            {
                "number": n,
                "response": None
                if a == "none"
                else {"issued_on": f"2022-0{5 + n}-01", "all_points_addressed": a},
            }
            for n, a in enumerate(answers, start=1)
        ]
        for s in stages[1:]:
            s["requested_on"] = f"2022-0{4 + s['number']}-15"
        return Complaint.model_validate(
            {"reference": ref, "received_on": "2022-05-02", "stages": stages}
        )

    cases = [
        case("S-1", False, False),
        case("S-2", None, True),
        case("S-3", True, True),
        case("S-4", "none", True),
        case("S-5", "none", "none"),
        case("S-6"),
        case("S-7", True, None, False),
    ]
    found = [
        ENGINE.case_findings(c, pack=PACKS["code_2020"], rules=["CHC20-5.6"])[0] for c in cases
    ]
    assert [(f.verdict, f.message) for f in found] == [
        (
            Verdict.FAIL,
            "the stage 1 response left points unanswered; "
            "the stage 2 response left points unanswered",
        ),
        (
            Verdict.NEEDS_EVIDENCE,
            "the case does not record whether the stage 1 response addressed every point "
            "raised (set response.all_points_addressed)",
        ),
        (
            Verdict.PASS,
            "the stage 1 response addressed every point (as recorded); "
            "the stage 2 response addressed every point (as recorded)",
        ),
        (Verdict.PASS, "the stage 2 response addressed every point (as recorded)"),
        (Verdict.NOT_APPLICABLE, "no stage 1 response"),
        (Verdict.NOT_APPLICABLE, "no stage 1 response"),  # a case always has stage 1
        (Verdict.FAIL, "the stage 3 response left points unanswered"),
    ]
    _agree(cases, "code_2020")


def test_remedies_dated_and_done_agree_on_every_branch() -> None:
    """CHC24-7.3 over every stage: completed late, open past its date on the as-of day,
    open on a closed case, undated (named by the stage's place among the case's stages,
    here after a stage 0), and not yet due; without and with an as-of date."""

    def case(ref: str, closed: str | None = None, **remedy: str) -> Complaint:
        return Complaint.model_validate(
            {
                "reference": ref,
                "received_on": "2024-05-01",
                "closed_on": closed,
                "stages": [
                    {"number": 0},
                    {"number": 1, "response": {"issued_on": "2024-05-10"}},
                    {
                        "number": 2,
                        "requested_on": "2024-05-20",
                        "response": {"issued_on": "2024-05-30"},
                        "remedies": [
                            {"kind": "apology", "completed_on": "2024-05-30"},
                            {"kind": "financial", "amount": "50", **remedy},
                        ],
                    },
                ],
            }
        )

    cases = [
        case("R-1", due="2024-06-10", completed_on="2024-06-12"),
        case("R-2", due="2024-06-10"),
        case("R-3", closed="2024-06-20"),
        case("R-4"),
        case("R-5", due="2024-07-10"),
        case("R-6", due="2024-06-10", completed_on="2024-06-09"),
    ]
    rule = ["CHC24-7.3"]
    pack = PACKS["code_2024"]
    without = [ENGINE.case_findings(c, pack=pack, rules=rule)[0] for c in cases]
    assert [f.verdict for f in without] == [
        Verdict.FAIL,
        Verdict.PASS,
        Verdict.FAIL,
        Verdict.NEEDS_EVIDENCE,
        Verdict.PASS,
        Verdict.PASS,
    ]
    assert "stages[2].remedies[1].due (financial)" in without[3].message
    on = date(2024, 6, 30)
    judged = [ENGINE.case_findings(c, pack=pack, as_of=on, rules=rule)[0] for c in cases]
    assert judged[1].message == (
        "stage 2 remedies[1] (financial) was due 2024-06-10 and is not completed on 2024-06-30"
    )
    assert judged[4].message.endswith("not yet due: stage 2 remedies[1] (financial) due 2024-07-10")
    _agree(cases, "code_2024")
    _agree(cases, "code_2024", on)
