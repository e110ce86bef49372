"""The batch API for data engines (issue 13, item 6): evaluate_batch and EngineSpec.

A batch gives, row for row, the verdicts and messages of judging each case singly with the
Engine, and of `complaintrules cases` for a CRM export; its output has the documented,
versioned layout; an EngineSpec crosses a process boundary and builds its engine once.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import io
import json
import multiprocessing
import pickle
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from complaintrules import (
    BATCH_SCHEMA,
    BATCH_SCHEMA_VERSION,
    NOT_JUDGED,
    REJECTED,
    ColumnMapping,
    Complaint,
    Conventions,
    Engine,
    EngineSpec,
    InputError,
    LateAcknowledgement,
    NoPackError,
    Pack,
    PackRegistry,
    Rule,
    Verdict,
    evaluate_batch,
    hookimpl,
    load_mapping,
    read_cases,
)
from complaintrules.calendar import clock as _clock
from complaintrules.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CRM = ROOT / "examples" / "crm"
EXPORT = CRM / "export.csv"
MAPPING = CRM / "mapping.yaml"
LANDLORD = ROOT / "examples" / "landlord" / "cases.json"
INHOUSE = ROOT / "examples" / "inhouse_pack"
AS_OF = date(2025, 3, 31)
#: 52 weeks back: the example cases (received April 2024 to March 2025) then fall in the
#: year to March 2024, judged by code_2020, on the same weekdays.
YEAR_BACK = timedelta(weeks=52)
KEY = ("row_index", "reference", "pack", "rule_id", "verdict", "message")
MSG = "rule_id", "verdict", "message"


# -- inputs ------------------------------------------------------------------------------------


def landlord_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(LANDLORD.read_text(encoding="utf-8"))["cases"]
    return cases


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shift(value: Any, by: timedelta) -> Any:
    """Every ISO date in a case's data moved by ``by`` (the case's shape kept)."""
    if isinstance(value, dict):
        return {k: _shift(v, by) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, by) for v in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        return (date.fromisoformat(value) - by).isoformat()
    return value


def as_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table whose types are inferred from every row (from_pylist reads
    only the first row's keys)."""
    rows_array = pa.array(rows)
    # Table.from_struct_array came in pyarrow 15; this also works on 14
    return pa.Table.from_arrays(rows_array.flatten(), names=[f.name for f in rows_array.type])


def export_table(path: Path = EXPORT) -> pa.Table:
    """A CSV export read by pyarrow with every column as text, as a data engine reads it."""
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    options = pa_csv.ConvertOptions(column_types={h: pa.string() for h in header})
    return pa_csv.read_csv(path, convert_options=options)


def export_a_year_back(tmp_path: Path) -> Path:
    """The example export with every readable date 52 weeks earlier (code_2020's years)."""
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        for i, cell in enumerate(row):
            try:
                moved = datetime.strptime(cell, "%d/%m/%Y").date() - YEAR_BACK
            except ValueError:
                continue  # not a date, or a bad one (row 19's 31/09/2024 stays bad)
            row[i] = moved.strftime("%d/%m/%Y")
    out = tmp_path / "export-2023.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return out


@pytest.fixture
def inhouse(monkeypatch: pytest.MonkeyPatch) -> Iterator[EngineSpec]:
    """The third-party example pack, importable (also in spawned workers: they get the
    parent's sys.path), as an EngineSpec plugin."""
    monkeypatch.syspath_prepend(str(INHOUSE))
    yield EngineSpec(plugins=("acme_inhouse_rules",))


# -- what judging each case singly gives ---------------------------------------------------------


def singly(engine: Engine, cases: list[dict[str, Any]], as_of: date) -> list[tuple[Any, ...]]:
    out = []
    for index, data in enumerate(cases):
        case = Complaint.model_validate(data)
        report = engine.evaluate_case(case, as_of=as_of)
        pack = report.packs[0].name
        out += [
            (index, case.reference, pack, f.rule_id, f.verdict.value, f.message)
            for f in report.findings
        ]
    return out


def judged(table: pa.Table) -> list[tuple[Any, ...]]:
    return [
        tuple(r[k] for k in KEY)
        for r in table.to_pylist()
        if r["verdict"] not in (REJECTED, NOT_JUDGED)
    ]


def cli_findings(path: Path, *extra: str) -> list[tuple[Any, ...]]:
    """`complaintrules cases --format jsonl` on an export, as (row index, ..., message)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(
            [
                "cases",
                str(path),
                "--mapping",
                str(MAPPING),
                "--as-of",
                AS_OF.isoformat(),
                "--format",
                "jsonl",
                "--jobs",
                "1",
                "--allow-rejected",
                "--no-fail",
                *extra,
            ]
        )
    assert code == 0
    found = []
    for line in out.getvalue().splitlines():
        result = json.loads(line)
        index = result["row"] - 2  # the header is row 1; the first case row 2, index 0
        found += [
            (index, result["reference"], result["pack"], f["rule_id"], f["verdict"], f["message"])
            for f in result["findings"]
        ]
    return found


# -- the layout --------------------------------------------------------------------------------

#: The documented layout (docs/batch.md): name, Arrow type, nullable.
LAYOUT = [
    ("row_index", pa.int64(), False),
    ("reference", pa.string(), True),
    ("pack", pa.string(), True),
    ("pack_version", pa.string(), True),
    ("rule_id", pa.string(), True),
    ("rule_pack", pa.string(), True),
    ("provision", pa.string(), True),
    ("level", pa.string(), True),
    ("verdict", pa.string(), False),
    ("message", pa.string(), False),
    ("column", pa.string(), True),
    ("landlord", pa.string(), True),
]


def test_output_layout_is_fixed_and_versioned() -> None:
    table = evaluate_batch(landlord_cases()[:3], as_of=AS_OF)
    empty = evaluate_batch([], as_of=AS_OF)
    for schema in (BATCH_SCHEMA, table.schema, empty.schema):
        assert [(f.name, f.type, f.nullable) for f in schema] == LAYOUT
        assert schema.metadata[b"complaintrules.batch_schema_version"] == b"1.1"
    assert BATCH_SCHEMA_VERSION == "1.1"
    assert table.schema.metadata[b"complaintrules.as_of"] == b"2025-03-31"
    assert table.schema.metadata[b"complaintrules.as_of_source"] == b"given"
    assert table.schema.metadata[b"complaintrules.rows_in"] == b"3"
    assert json.loads(table.schema.metadata[b"complaintrules.conventions"])["cutoff"] is None
    assert empty.num_rows == 0
    verdicts = set(table.column("verdict").to_pylist())
    assert verdicts <= {v.value for v in Verdict}
    assert set(table.column("level").to_pylist()) <= {"must", "should"}


def test_the_layout_is_documented() -> None:
    """docs/batch.md lists every field with its type and nullability, and the version."""
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", text, flags=re.MULTILINE)
    names = {"int64": pa.int64(), "string": pa.string()}
    assert [(n, names[t], nullable == "yes") for n, t, nullable in rows] == LAYOUT
    assert f"version {BATCH_SCHEMA_VERSION}" in text
    assert f"`{REJECTED}`" in text and f"`{NOT_JUDGED}`" in text


# -- agreement with single cases and with the command line --------------------------------------


@pytest.mark.parametrize("back", [timedelta(0), YEAR_BACK], ids=["code_2024", "code_2020"])
def test_landlord_cases_agree_with_judging_each_case(back: timedelta) -> None:
    cases = [_shift(c, back) for c in landlord_cases()]
    as_of = AS_OF - back
    expected = singly(Engine(), cases, as_of)
    assert {row[2] for row in expected} >= ({"code_2024"} if not back else {"code_2020"})
    from_dicts = evaluate_batch(cases, as_of=as_of)
    from_table = evaluate_batch(as_table(cases), as_of=as_of)
    assert judged(from_dicts) == expected
    assert judged(from_table) == expected
    assert from_table.equals(from_dicts)
    assert set(from_dicts.column("row_index").to_pylist()) == set(range(len(cases)))


def test_both_packs_in_one_batch_and_their_versions(tmp_path: Path) -> None:
    cases = landlord_cases()
    mixed = cases[:30] + [_shift(c, YEAR_BACK) for c in cases[:30]]
    table = evaluate_batch(as_table(mixed), as_of=AS_OF)
    assert judged(table) == singly(Engine(), mixed, AS_OF)
    engine = Engine()
    versions = {p.name: p.version for p in engine.registry.packs}
    packs = {(r["pack"], r["pack_version"]) for r in table.to_pylist()}
    assert packs == {("code_2024", versions["code_2024"]), ("code_2020", versions["code_2020"])}


def test_landlord_cases_with_the_third_party_pack(inhouse: EngineSpec) -> None:
    cases = [*landlord_cases(), *(_shift(c, YEAR_BACK) for c in landlord_cases())]
    table = evaluate_batch(cases, as_of=AS_OF, engine=inhouse)
    expected = singly(inhouse.fresh(), cases, AS_OF)
    assert judged(table) == expected
    acme = [r for r in table.to_pylist() if r["rule_id"] == "ACME-ACK3"]
    assert acme and {r["pack"] for r in acme} == {"code_2024"}
    assert {r["rule_pack"] for r in acme} == {"acme_inhouse"}
    assert {r["verdict"] for r in acme} >= {"pass", "fail"}


@pytest.mark.parametrize("year_back", [False, True], ids=["code_2024", "code_2020"])
def test_crm_export_agrees_with_the_command_line(tmp_path: Path, year_back: bool) -> None:
    path = export_a_year_back(tmp_path) if year_back else EXPORT
    table = evaluate_batch(export_table(path), mapping=MAPPING, as_of=AS_OF)
    got = judged(table)
    # Judged case by case, the command line gives every rule's message ...
    assert got == cli_findings(path, "--no-fast")
    # ... and on its vectorised path the same verdicts, with the failures' messages.
    fast = cli_findings(path)
    assert [g[:5] for g in got] == [f[:5] for f in fast]
    assert all(f[5] in (None, g[5]) for g, f in zip(got, fast, strict=True))
    assert {g[2] for g in got} == ({"code_2020"} if year_back else {"code_2024"})


def test_crm_export_with_the_third_party_pack_agrees_with_the_engine(
    inhouse: EngineSpec,
) -> None:
    table = evaluate_batch(export_table(), mapping=MAPPING, as_of=AS_OF, engine=inhouse)
    engine = inhouse.fresh()
    expected = []
    for row in read_cases(EXPORT, MAPPING):
        if row.case is not None:
            report = engine.evaluate_case(row.case, as_of=AS_OF)
            where = (row.row - 2, row.case.reference, report.packs[0].name)
            expected += [(*where, f.rule_id, f.verdict.value, f.message) for f in report.findings]
    assert judged(table) == expected
    assert "ACME-ACK3" in table.column("rule_id").to_pylist()


# -- every row accounted for -----------------------------------------------------------------------


def test_rejected_rows_are_rows_of_the_output_naming_their_column() -> None:
    table = evaluate_batch(export_table(), mapping=MAPPING, as_of=AS_OF)
    rows = table.to_pylist()
    rejected = [r for r in rows if r["verdict"] == REJECTED]
    # Spreadsheet rows 19 and 43 of the export are its 18th and 42nd records.
    assert [(r["row_index"], r["reference"], r["column"]) for r in rejected] == [
        (17, "CRM-0000018", "Date Logged"),
        (41, "CRM-0000042", "Contact Method"),
    ]
    assert "September 2024 has no day 31" in rejected[0]["message"]
    assert all(r["rule_id"] is None and r["pack"] is None for r in rejected)
    judged_rows = {r["row_index"] for r in rows if r["verdict"] != REJECTED}
    rows_in = int(table.schema.metadata[b"complaintrules.rows_in"])
    assert len(judged_rows) + len(rejected) == rows_in == 50
    assert judged_rows | {17, 41} == set(range(50))


def test_rows_in_equals_rows_evaluated_rejected_and_not_judged() -> None:
    cases: list[Any] = landlord_cases()[:6]
    cases[1] = {"reference": "BAD-1", "received_on": "2024-13-01"}
    cases[2] = "not a case"
    cases[3] = {**cases[3], "colour": "blue"}
    as_of = date(2024, 4, 12)  # before the last two cases were received
    table = evaluate_batch(cases, as_of=as_of)
    by_row: dict[int, set[str]] = {}
    for r in table.to_pylist():
        by_row.setdefault(r["row_index"], set()).add(r["verdict"])
    assert sorted(by_row) == list(range(6))
    assert by_row[1] == by_row[2] == by_row[3] == {REJECTED}
    rows = table.to_pylist()
    assert next(r for r in rows if r["row_index"] == 1)["column"] == "received_on"
    assert "got text" in next(r for r in rows if r["row_index"] == 2)["message"]
    assert next(r for r in rows if r["row_index"] == 3)["column"] == "colour"
    assert by_row[4] == by_row[5] == {NOT_JUDGED}
    assert NOT_JUDGED not in by_row[0] | by_row[3]
    note = next(r for r in rows if r["row_index"] == 4)
    assert note["column"] == "received_on"
    assert note["message"] == "received on 2024-04-13, after the as-of date 2024-04-12: not judged"


def test_a_case_no_pack_judges_is_rejected_not_lost() -> None:
    table = evaluate_batch(
        [{"reference": "OLD-1", "received_on": "2016-05-03"}, landlord_cases()[0]], as_of=AS_OF
    )
    first = [r for r in table.to_pylist() if r["row_index"] == 0]
    assert [(r["verdict"], r["column"]) for r in first] == [(REJECTED, "received_on")]
    assert "no installed pack is in force on 2016-05-03" in first[0]["message"]
    assert 1 in table.column("row_index").to_pylist()


# -- as of a date ----------------------------------------------------------------------------------


def test_as_of_judges_the_snapshot_and_today_is_recorded_without_it() -> None:
    cases = landlord_cases()[:40]
    early = date(2024, 5, 20)
    expected = singly(Engine(), [c for c in cases if c["received_on"] <= "2024-05-20"], early)
    table = evaluate_batch(cases, as_of=early)
    indices = [i for i, c in enumerate(cases) if c["received_on"] <= "2024-05-20"]
    renumbered = [(indices[r[0]], *r[1:]) for r in expected]
    assert judged(table) == renumbered
    assert judged(table) != judged(evaluate_batch(cases, as_of=AS_OF))
    today = _clock.uk_today()  # the tests' fixed clock (tests/conftest.py)
    undated = evaluate_batch(cases)
    assert undated.schema.metadata[b"complaintrules.as_of"] == today.isoformat().encode()
    assert undated.schema.metadata[b"complaintrules.as_of_source"] == b"today (Europe/London)"
    assert judged(undated) == judged(evaluate_batch(cases, as_of=today))


def test_nested_columns_and_event_lists() -> None:
    """Cases in the model's own shape as struct and list columns, one given as events."""
    events = {
        "reference": "EV-1",
        "received_on": "2024-05-01",
        "events": [
            {"type": "received", "on": "2024-05-01"},
            {"type": "acknowledged", "on": "2024-05-03", "stage": 1},
        ],
    }
    cases = [landlord_cases()[0], events]
    table = evaluate_batch(as_table(cases), as_of=AS_OF)
    assert judged(table) == singly(Engine(), cases, AS_OF)
    # Given only as events, a case's date received may be in its "received" event.
    only_events = {k: v for k, v in events.items() if k != "received_on"}
    batch = as_table([only_events]).to_batches()[0]
    assert "received_on" not in batch.schema.names
    from_batch = evaluate_batch(batch, as_of=AS_OF)
    assert judged(from_batch) == singly(Engine(), [only_events], AS_OF)
    assert {r["reference"] for r in from_batch.to_pylist()} == {"EV-1"}


# -- the engine specification ---------------------------------------------------------------------


def test_engine_spec_round_trips_through_pickle_and_builds_once() -> None:
    spec = EngineSpec(
        conventions=Conventions(late_acknowledgement=LateAcknowledgement.CAPPED),
        closures=(date(2024, 12, 27),),
        as_of=AS_OF,
        mapping=MAPPING,
    )
    assert isinstance(spec.mapping, ColumnMapping) and spec.mapping == load_mapping(MAPPING)
    again = pickle.loads(pickle.dumps(spec))
    assert again == spec
    EngineSpec.clear_built()
    first = again.build()
    assert spec.build() is first  # the same engine-defining parts: one engine
    assert EngineSpec.built_info()[:2] == (1, 1)  # one hit, one miss
    assert spec.fresh() is not first
    assert EngineSpec(closures=(date(2024, 12, 27),)).build() is not first
    assert first.conventions.late_acknowledgement is LateAcknowledgement.CAPPED
    assert date(2024, 12, 27) in first.calendar.closures


def test_a_worker_process_evaluates_a_batch_as_in_process(inhouse: EngineSpec) -> None:
    spec = EngineSpec(
        plugins=inhouse.plugins,
        conventions=Conventions(late_acknowledgement=LateAcknowledgement.CAPPED),
        as_of=AS_OF,
        mapping=MAPPING,
    )
    table = export_table()
    halves = [table.slice(0, 25), table.slice(25)]
    here = [evaluate_batch(part, engine=spec) for part in halves]
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
        there = list(pool.map(_evaluate, halves, [spec, spec]))
        info = pool.submit(EngineSpec.built_info).result()
    assert [t.to_pylist() for t in there] == [t.to_pylist() for t in here]
    assert there[0].schema.equals(here[0].schema, check_metadata=True)
    assert "ACME-ACK3" in there[0].column("rule_id").to_pylist()
    assert (info[0], info[1]) == (1, 1)  # the worker built its engine once, for two batches


def _evaluate(table: pa.Table, spec: EngineSpec) -> pa.Table:
    return evaluate_batch(table, engine=spec)


def test_spec_and_arguments_must_agree() -> None:
    spec = EngineSpec(as_of=AS_OF)
    assert evaluate_batch([], engine=spec, as_of=AS_OF).num_rows == 0
    with pytest.raises(ValueError, match="as_of is given both as an argument and in the"):
        evaluate_batch([], engine=spec, as_of=date(2025, 1, 1))
    with pytest.raises(ImportError, match="cannot import plugin module 'no_such_plugin'"):
        EngineSpec(plugins=("no_such_plugin",)).fresh()
    with pytest.raises(TypeError, match=r"EngineSpec\.mapping: expected a ColumnMapping"):
        EngineSpec(mapping=42)  # type: ignore[arg-type]


# -- errors ---------------------------------------------------------------------------------------


def test_a_table_of_another_type_is_refused_clearly() -> None:
    for wrong, name in (("cases.csv", "str"), ({"reference": "A"}, "dict"), (42, "int")):
        with pytest.raises(TypeError) as caught:
            evaluate_batch(wrong)  # type: ignore[arg-type]
        assert str(caught.value) == (
            "evaluate_batch: expected a pyarrow Table or RecordBatch, or a list of dicts (one "
            f"case a row), got {name}"
        )
    with pytest.raises(TypeError, match="engine must be an Engine or an EngineSpec, got str"):
        evaluate_batch([], engine="code_2024")  # type: ignore[arg-type]


def test_a_bad_mapping_names_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "columns:\n  reference: Case Ref\n  received_on: Date Logged\n"
        "  acknowledged_on: S1 Acknowledged\n"
    )
    with pytest.raises(InputError) as caught:
        evaluate_batch(export_table(), mapping=bad, as_of=AS_OF)
    assert caught.value.path == str(bad)
    assert [p.location for p in caught.value.problems] == ["columns.acknowledged_on"]
    assert "did you mean 'stage1.acknowledged_on'?" in str(caught.value)


def test_a_mapped_column_missing_from_the_table_is_named() -> None:
    table = export_table().drop_columns(["S1 Officer"])
    with pytest.raises(InputError) as caught:
        evaluate_batch(table, mapping=MAPPING, as_of=AS_OF)
    assert caught.value.path == str(MAPPING)
    (problem,) = caught.value.problems
    assert problem.location == "columns.stage1.handler"
    assert problem.message.startswith("column 'S1 Officer' is not in the table (its columns: ")
    unmapped = ColumnMapping(columns={"received_on": "Date Logged"})
    with pytest.raises(InputError, match="no column is mapped to 'reference'"):
        evaluate_batch(export_table(), mapping=unmapped, as_of=AS_OF)
    binary = pa.table({"Case Ref": [b"x"], "Date Logged": ["01/05/2024"]})
    mapping = ColumnMapping(columns={"reference": "Case Ref", "received_on": "Date Logged"})
    with pytest.raises(InputError, match="column 'Case Ref' is of type binary; expected text"):
        evaluate_batch(binary, mapping=mapping, as_of=AS_OF)


def test_a_table_without_a_reference_column_is_refused() -> None:
    table = as_table(landlord_cases()[:2]).drop_columns(["reference"])
    with pytest.raises(InputError) as caught:
        evaluate_batch(table, as_of=AS_OF)
    assert [(p.location, p.message) for p in caught.value.problems] == [
        ("column 'reference'", "missing; every case needs its reference")
    ]
    table = as_table(landlord_cases()[:2])
    renamed = table.rename_columns(
        ["Case Ref" if name == "reference" else name for name in table.column_names]
    )
    with pytest.raises(InputError) as caught:
        evaluate_batch(renamed, as_of=AS_OF)
    locations = [p.location for p in caught.value.problems]
    assert locations == ["column 'Case Ref'", "column 'reference'"]
    assert "give a mapping for a CRM's own column names" in str(caught.value)


def test_an_unknown_pack_is_refused_before_any_row() -> None:
    with pytest.raises(NoPackError, match="no pack named 'code_1999'"):
        evaluate_batch(landlord_cases()[:1], pack="code_1999", as_of=AS_OF)


class _Broken:
    """A plugin adding a rule that raises on every case."""

    @hookimpl
    def complaintrules_extra_rules(self, pack: Pack) -> list[Rule]:
        def check(case: Complaint, ctx: Any) -> Any:
            raise RuntimeError(f"broken on {case.reference}")

        return [
            Rule(
                id="BROKEN-1",
                pack="broken",
                provision="B1",
                section="tests",
                title="raises",
                summary="raises",
                explanation="raises",
                source="tests",
                case=check,
            )
        ]


def test_a_rule_that_raises_is_its_own_error_row_and_the_batch_goes_on() -> None:
    engine = Engine(registry=PackRegistry(plugins=[_Broken()]))
    cases = landlord_cases()[:5]
    table = evaluate_batch(cases, as_of=AS_OF, engine=engine)
    rows = table.to_pylist()
    broken = [r for r in rows if r["rule_id"] == "BROKEN-1"]
    assert [r["row_index"] for r in broken] == list(range(5))
    assert all(r["verdict"] == "error" for r in broken)
    assert broken[0]["message"] == f"rule raised RuntimeError: broken on {cases[0]['reference']}"
    others = [r for r in rows if r["rule_id"] != "BROKEN-1"]
    assert [tuple(r[k] for k in KEY) for r in others] == singly(Engine(), cases, AS_OF)


def test_mapped_cells_of_other_arrow_types_read_as_an_export_reads_them() -> None:
    """Dates, timestamps and numbers in mapped columns: a timestamp without an offset
    gives its date, one with an offset is refused as a CSV export's would be."""
    mapping = ColumnMapping(
        columns={"reference": "ref", "received_on": "got", "stage1.acknowledged_on": "ack"}
    )
    table = pa.table(
        {
            "ref": pa.array([101, 102, 103], pa.int64()),
            "got": pa.array(
                [datetime(2024, 5, 1), datetime(2024, 5, 1, 9, 30), datetime(2024, 5, 1)],
                pa.timestamp("s"),
            ),
            "ack": pa.array([date(2024, 5, 3), None, date(2024, 5, 2)], pa.date32()),
        }
    )
    aware = pa.table(
        {
            "ref": ["104"],
            "got": pa.array([datetime(2024, 5, 1)], pa.timestamp("s", tz="Europe/London")),
            "ack": pa.array([None], pa.date32()),
        }
    )
    rows = evaluate_batch(table, mapping=mapping, as_of=AS_OF).to_pylist()
    assert {r["reference"] for r in rows} == {"101", "102", "103"}
    assert REJECTED not in {r["verdict"] for r in rows}
    ack = [r for r in rows if r["rule_id"] == "CHC24-6.2"]
    assert [r["verdict"] for r in ack] == ["fail", "fail", "fail"]  # no definition recorded
    refused = evaluate_batch(aware, mapping=mapping, as_of=AS_OF).to_pylist()
    assert [(r["verdict"], r["column"]) for r in refused] == [(REJECTED, "got")]
    assert "UTC offset" in refused[0]["message"]
