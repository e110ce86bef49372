"""Exports read as Arrow columns in bounded batches (issue 13): the same rows, cases and
problems as the row-by-row reader, Parquet input, and the flat typed table's schema."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from complaintrules import evaluate_file, read_cases
from complaintrules.io import columnar as columnar
from complaintrules.io.columnar import FLAT_SCHEMA, convert_batch, raw_batches
from complaintrules.io.tabular import TARGETS, CaseReader
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
EXPORT = ROOT / "examples" / "crm" / "export.csv"


def _columnar_rows(path: Path, mapping: Path | None = MAPPING) -> list[tuple[Any, ...]]:
    """(row, case or None, problems) of every row, read through the columnar batches."""
    reader = CaseReader(path, mapping)
    out: list[tuple[Any, ...]] = []
    for raw in raw_batches(reader):
        flat = convert_batch(raw, reader.converter)
        rows = flat.table.column("row").to_pylist()
        out += [(r, c.model_dump(), ()) for r, c in zip(rows, flat.cases, strict=True)]
        out += [(row.row, None, row.problems) for row in flat.rejected]
    return sorted(out, key=lambda item: item[0])


def _row_by_row(path: Path, mapping: Path | None = MAPPING) -> list[tuple[Any, ...]]:
    return [
        (row.row, row.case.model_dump() if row.case else None, row.problems)
        for row in read_cases(path, mapping)
    ]


def _hostile_export(path: Path, seed: int) -> None:
    """A synthetic export with, here and there, every kind of line the CSV reader must
    judge itself: stray quotes, bad bytes, short and long records, blank and
    whitespace-only lines, a lone carriage return, a NUL, cells with line breaks."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    rows = list(synthetic_rows(1200, seed=seed))
    rng = random.Random(seed)
    for i, row in enumerate(rows):
        if i % 97 == 13:
            row[HEADER.index("S1 Extension Reason")] = 'Called back,\n03/05/2024 "again"'
        writer.writerow(row)
    lines = out.getvalue().encode("utf-8").split(b"\r\n")
    for k in sorted(rng.sample(range(2, len(lines) - 2), 40), reverse=True):
        kind = k % 8
        line = lines[k]
        if kind == 0:
            lines[k] = b'"' + line  # a stray quote in the reference
        elif kind == 1:
            lines[k] = line.replace(b",", b",\xff", 1)  # a byte that is not UTF-8
        elif kind == 2:
            lines[k] = line.rsplit(b",", 3)[0]  # fewer cells than the header
        elif kind == 3:
            lines[k] = line + b",extra"  # more cells than the header
        elif kind == 4:
            lines.insert(k, b"   ")  # a line of spaces
        elif kind == 5:
            lines.insert(k, b"")  # a blank line
        elif kind == 6:
            lines[k] = line + b"\r"  # a lone carriage return ends the line twice
        else:
            lines[k] = line.replace(b",", b",\x00", 1)
    path.write_bytes(b"\r\n".join(lines))


@pytest.mark.parametrize("seed", [1, 2])
def test_columnar_batches_read_every_row_as_the_row_by_row_reader(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small blocks: most batches hold a line the columnar reader hands to the row-by-row
    # one, and reading must carry on in columns after it with the right row numbers.
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 4096)
    path = tmp_path / "export.csv"
    _hostile_export(path, seed)
    read = columnar._PlainBlocks.read
    plain: list[bool] = []

    def spy(self: Any, block: bytes, first: int) -> Any:
        found = read(self, block, first)
        plain.append(found is not None)
        return found

    monkeypatch.setattr(columnar._PlainBlocks, "read", spy)
    expected = _row_by_row(path)
    got = _columnar_rows(path)
    assert [r[0] for r in got] == [r[0] for r in expected]
    assert got == expected
    assert sum(1 for r in got if r[1] is None) >= 15
    assert plain.count(True) >= 5 and plain.count(False) >= 5  # both readers took turns


def test_a_rejection_in_a_later_batch_names_its_own_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 8192)
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, row in enumerate(synthetic_rows(2000, seed=5)):
            if i == 1733:
                row[HEADER.index("Date Logged")] = "31/09/2024"
            writer.writerow(row)
    reader = CaseReader(path, MAPPING)
    batches = list(raw_batches(reader))
    assert len(batches) > 10  # read in bounded batches, all of them plain
    assert all(not b.special for b in batches)
    rejected = [row for b in batches for row in convert_batch(b, reader.converter).rejected]
    assert [(r.row, [str(p) for p in r.problems]) for r in rejected] == [
        (
            1735,
            [
                "row 1735: column 'Date Logged': '31/09/2024' is not a date (expected "
                "'%d/%m/%Y'): September 2024 has no day 31"
            ],
        )
    ]
    summary = evaluate_file(path, MAPPING, chunk_size=700)
    assert (summary.rows_in, summary.evaluated, summary.rejected_rows) == (2000, 1999, 1)
    assert [p.row for p in summary.rejected] == [1735]


def test_flat_typed_table_schema_and_values() -> None:
    reader = CaseReader(EXPORT, MAPPING)
    flats = [convert_batch(b, reader.converter) for b in raw_batches(reader)]
    table = pa.concat_tables([f.table for f in flats])
    assert table.schema == FLAT_SCHEMA
    assert table.column_names == ["row", *TARGETS]
    kinds = {"date": pa.date32(), "time": pa.time64("us"), "bool": pa.bool_()}
    for name, target in TARGETS.items():
        assert table.schema.field(name).type == kinds.get(target.kind, pa.string()), name
    assert table.num_rows == 48 and sum(len(f.rejected) for f in flats) == 2
    cases = [c for f in flats for c in f.cases]
    first = table.slice(0, 1).to_pylist()[0]
    case = cases[0]
    assert first["row"] == 2
    assert first["reference"] == case.reference
    assert first["received_on"] == case.received_on and isinstance(first["received_on"], date)
    assert first["received_at"] == case.received_at and isinstance(first["received_at"], time)
    assert first["channel"] == (case.channel.value if case.channel else None)
    assert first["stage1.acknowledged_on"] == case.stages[0].acknowledged.on  # type: ignore[union-attr]
    assert table.column("stage1.definition_recorded").null_count < table.num_rows
    assert set(table.column("stage1.outcome").drop_null().to_pylist()) <= {
        "upheld",
        "partly_upheld",
        "not_upheld",
    }
    assert table.column("issue_occurred_on").null_count == table.num_rows  # not mapped


def test_the_flat_table_is_made_per_distinct_value_not_per_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch of many rows with few distinct values: each value is made into its flat
    form once, so the work grows with the distinct values, not with the rows."""
    reader = CaseReader(EXPORT, MAPPING)
    (first, *_) = raw_batches(reader)
    raw = columnar.concat_batches([first] * 40)  # 2,000 rows, the distinct values of 50
    calls = [0]
    made = columnar._flat_value

    def counted(kind: str, value: Any) -> Any:
        calls[0] += 1
        return made(kind, value)

    monkeypatch.setattr(columnar, "_flat_value", counted)
    fields = len(reader.converter.fields)
    for cases in (False, True):
        calls[0] = 0
        flat = convert_batch(raw, reader.converter, cases=cases)
        assert flat.table.num_rows == 40 * 48
        assert calls[0] <= fields * 51  # at most every distinct value of 50 rows, and none


def _export_as_parquet(tmp_path: Path) -> Path:
    table = pacsv.read_csv(
        EXPORT,
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in HEADER}, strings_can_be_null=True
        ),
    )
    path = tmp_path / "export.parquet"
    pq.write_table(table, path, row_group_size=17)
    return path


def test_parquet_export_reads_as_the_csv_does(tmp_path: Path) -> None:
    path = _export_as_parquet(tmp_path)
    from_csv = _row_by_row(EXPORT)
    rows = list(read_cases(path, MAPPING))
    # A Parquet row is numbered by its position from 1 (CSV numbers the header row 1).
    assert [r.row for r in rows] == [r[0] - 1 for r in from_csv]
    assert [r.case.model_dump() if r.case else None for r in rows] == [r[1] for r in from_csv]
    assert [(p.row, p.column, p.reason) for r in rows for p in r.problems] == [
        (18, "Date Logged", "'31/09/2024' is not a date (expected '%d/%m/%Y'): "
         "September 2024 has no day 31"),
        (42, "Contact Method", "'Fax' is not a channel (phone, email, letter, web_form, "
         "in_person, social_media, app, other); map CRM codes with 'values:'"),
    ]  # fmt: skip
    assert _columnar_rows(path) == [(r.row, r.case.model_dump() if r.case else None,
                                     r.problems) for r in rows]  # fmt: skip
    csv_summary = evaluate_file(EXPORT, MAPPING, as_of=date(2025, 3, 31))
    summary = evaluate_file(path, MAPPING, as_of=date(2025, 3, 31))
    assert (summary.rows_in, summary.evaluated, summary.rejected_rows) == (50, 48, 2)
    assert summary.verdicts == csv_summary.verdicts


def test_parquet_typed_columns_need_no_parsing(tmp_path: Path) -> None:
    path = tmp_path / "cases.parquet"
    table = pa.table(
        {
            "reference": ["P-1", "P-2", "P-3"],
            "received_on": pa.array([date(2024, 5, 1), date(2024, 5, 2), None]),
            "received_at": pa.array([time(9, 30), None, None], type=pa.time64("us")),
            "stage1.acknowledged_on": pa.array([date(2024, 5, 3), None, date(2024, 5, 3)]),
            "stage1.definition_recorded": pa.array([True, None, None]),
            "stage1.handler": pa.array([["A Smith"], None, None]),  # a list: read as text
        }
    )
    pq.write_table(table, path)
    rows = list(read_cases(path))
    assert rows[0].case is not None and rows[0].case.received_at == time(9, 30)
    assert rows[0].case.stages[0].acknowledged is not None
    assert rows[0].case.stages[0].acknowledged.definition is not None
    assert rows[1].case is not None and rows[1].case.received_on == date(2024, 5, 2)
    assert rows[2].case is None and rows[2].row == 3
    assert _columnar_rows(path, None) == [
        (r.row, r.case.model_dump() if r.case else None, r.problems) for r in rows
    ]
    for jobs in (1, 2):
        summary = evaluate_file(path, jobs=jobs)
        assert (summary.rows_in, summary.evaluated, summary.rejected_rows) == (3, 2, 1)


DATES = ["01/05/2024", "1/5/2024", " 01/05/2024 ", "31/09/2024", "29/02/2023", "29/02/2024",
         "01/01/0000", "01/01/0001", "2024-05-01", "01/05/24", "2024-05-01T00:00:00",
         "13/13/2024", "12/13/2024", "1714521600", "2 May 2024", "01/05/2024\u00a0"]  # fmt: skip


def test_dates_pyarrow_reads_otherwise_are_read_as_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = [[""] * len(HEADER) for _ in DATES]
    for k, (row, text) in enumerate(zip(rows, DATES, strict=True)):
        row[HEADER.index("Case Ref")] = f"D-{k}"
        row[HEADER.index("Date Logged")] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    expected = _row_by_row(path)
    assert _columnar_rows(path) == expected
    assert 4 <= sum(1 for r in expected if r[1] is None) < len(DATES) - 4


def test_json_lines_in_columns_read_as_row_by_row(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace("format: csv", "format: jsonl"),
        encoding="utf-8",
    )
    lines: list[bytes] = []
    for i, row in enumerate(synthetic_rows(300, seed=11)):
        record: dict[str, Any] = dict(zip(HEADER, row, strict=True))
        if i % 50 == 7:
            record["S1 Definition Agreed"] = True  # not text: converted on its own
        if i % 50 == 9:
            record["Case Ref"] = 12345
        line = json.dumps(record).encode("utf-8")
        if i % 50 == 11:
            line = line[:-1]  # not valid JSON
        if i % 50 == 13:
            line = line[:-1] + b', "Case Ref": "again"}'  # a key given twice
        if i % 50 == 15:
            line = line.replace(b"CRM", b"CR\xffM", 1)
        if i % 50 == 17:
            line = b"[1, 2]"
        if i % 50 == 19:
            line = b""
        if i % 50 == 21:
            line = line.replace(b"CRM", b"\\ud800CRM", 1)  # a lone surrogate, escaped
        lines.append(line)
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    expected = _row_by_row(path, mapping)
    assert _columnar_rows(path, mapping) == expected
    assert sum(1 for r in expected if r[1] is None) >= 20
    summary = evaluate_file(path, mapping, chunk_size=64)
    assert summary.rows_in == len(expected) == summary.evaluated + summary.rejected_rows


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_lines_of_whitespace_only_are_skipped_in_columns_as_row_by_row(
    tmp_path: Path, delimiter: str
) -> None:
    # A line of whitespace only is no record: the columnar reader reads the blocks that
    # hold one as the row-by-row reader does, with the same row numbers after it.
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8") + f"delimiter: {json.dumps(delimiter)}\n",
        encoding="utf-8",
    )
    path = tmp_path / "export.csv"
    rows = list(synthetic_rows(300, seed=9))
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in rows]
    lines.insert(40, "\t" * (len(HEADER) - 1))
    lines.insert(120, " \t ")
    lines.insert(200, "\u00a0\u2003")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = _row_by_row(path, mapping)
    assert len(expected) == 300 and expected[-1][0] == 304
    assert _columnar_rows(path, mapping) == expected


@pytest.mark.parametrize("cases", [True, False], ids=["cases", "summary"])
def test_the_flat_table_of_kept_rows_holds_the_uk_time_the_model_gave(
    tmp_path: Path, cases: bool
) -> None:
    # A time with an offset is read by the model (as UK time on the day received); the
    # flat table of the rows kept (a rejected row among them) holds the model's time.
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace(
            'received_at: {column: Time Logged, format: "%H:%M"}', "received_at: Time Logged"
        ),
        encoding="utf-8",
    )
    rows = list(synthetic_rows(8, seed=3))
    at, on = HEADER.index("Time Logged"), HEADER.index("Date Logged")
    rows[1][at], rows[1][on] = "09:30+00:00", "08/07/2024"  # British Summer Time
    rows[3][at], rows[3][on] = "10:15+00:00", "16/01/2024"  # Greenwich Mean Time
    rows[5][on] = "31/09/2024"  # rejected
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    reader = CaseReader(path, mapping)
    (raw,) = list(raw_batches(reader))
    flat = convert_batch(raw, reader.converter, cases=cases)
    assert flat.table.schema == FLAT_SCHEMA
    assert flat.table.column("row").to_pylist() == [2, 3, 4, 5, 6, 8, 9]
    assert [r.row for r in flat.rejected] == [7]
    times = flat.table.column("received_at").to_pylist()
    assert times[1] == time(10, 30) and times[3] == time(10, 15)
    expected = [row.case.received_at for row in read_cases(path, mapping) if row.case]
    assert times == expected
