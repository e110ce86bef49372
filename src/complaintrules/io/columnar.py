"""Case exports read as Arrow columns, in bounded batches (issue 13, the reading half).

A batch goes through two steps:

1. :func:`raw_batches` reads the file: every mapped column as text (or as the Parquet
   file's own type), the row number of each record, and the records that are not plain
   cells (a stray quote, bytes not in the encoding, too many cells, a JSON line that is not
   an object of text values) kept whole for :meth:`RowConverter.convert`.
2. :func:`convert_batch` applies the mapping to whole columns (code tables, yes/no values,
   dates and times parsed once per distinct value, the common formats with
   ``pyarrow.compute.strptime``) and gives a :class:`FlatBatch`: a flat typed table
   (:data:`FLAT_SCHEMA`), the case of each row kept, and the rows rejected with the
   problems the row-by-row reader gives them.

CSV is read with ``pyarrow.csv`` a block of lines at a time when the block is plain:
valid UTF-8, every quoted cell closed on its line, no lone carriage return, no NUL, no
line of only spaces, and as many cells on each line as the header names. A block that is
not plain (its rows would be read differently by a CSV parser that does not know our
rules for stray quotes, bad bytes and short or long records) is read by the row-by-row
reader (:meth:`CaseReader.records_of_lines`) from its first line to the first record that
starts after it, and the columnar reader carries on from there. So every guarantee of
the row-by-row reader holds, and a bad line costs the speed of its block only.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..model.case import Complaint
from .loading import DuplicateKeyError, InputError, InputProblem, no_duplicate_keys
from .parquet import parquet_file
from .tabular import (
    _UTF8,
    _VALIDATED,
    TARGETS,
    CaseReader,
    Row,
    RowConverter,
    RowProblem,
    _closed_line,
    _construct,
    _Field,
    _scan,
)

__all__ = [
    "FLAT_SCHEMA",
    "FlatBatch",
    "RawBatch",
    "columnar_batches",
    "concat_batches",
    "convert_batch",
    "raw_batches",
    "rechunk",
]

_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "date": pa.date32(),
    "time": pa.time64("us"),
    "bool": pa.bool_(),
    "channel": pa.string(),
    "outcome": pa.string(),
}

#: The flat typed table of a batch: the source row number, then one column per field a
#: column can be mapped to (:data:`complaintrules.io.tabular.TARGETS`, in that order),
#: null where the mapping does not read it or the row leaves it empty. Dates are date32,
#: the time received time64 (UK time), yes/no values bool, channel and outcome their
#: enum values as text, the rest text.
FLAT_SCHEMA = pa.schema(
    [pa.field("row", pa.int64(), nullable=False)]
    + [pa.field(name, _ARROW_TYPES[t.kind]) for name, t in TARGETS.items()]
)

#: Bytes of a CSV file read as one block (a few tens of thousands of rows).
BLOCK_BYTES = 1 << 22


@dataclass(slots=True)
class RawBatch:
    """Records read from a file, not yet converted.

    ``table`` has a column per mapped field (named by its target), one row per record;
    ``special`` holds, by position, the records to convert one by one (null in ``table``).
    """

    rows: list[int]
    table: pa.Table
    special: dict[int, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def slice(self, start: int, stop: int) -> RawBatch:
        special = {k - start: v for k, v in self.special.items() if start <= k < stop}
        return RawBatch(self.rows[start:stop], self.table.slice(start, stop - start), special)


@dataclass(slots=True)
class FlatBatch:
    """A converted batch: the flat typed table of the rows that became cases (with
    ``cases`` in the same order), and the rows rejected, in row order."""

    table: pa.Table
    cases: list[Complaint]
    rejected: list[Row]
    rows_in: int
    #: Per case: built from the typed columns themselves, so its row of ``table`` holds it
    #: (:func:`complaintrules.io.flat.from_targets` gives it back); False for a row read
    #: one by one, whose row of ``table`` may be incomplete.
    from_columns: list[bool] = field(default_factory=list)
    #: With ``convert_batch(..., cases=False)``: by position in ``table``, the cases the
    #: model validated (the rows not certainly valid as columns); ``cases`` is then empty.
    built: dict[int, Complaint] = field(default_factory=dict)
    #: With ``cases=False``: builds the case of a row of ``table`` read from the columns.
    build: Callable[[int], Complaint] | None = None

    def case(self, k: int) -> Complaint:
        """The case of row ``k`` of ``table``: the one kept or validated, else built now."""
        if self.cases:
            return self.cases[k]
        found = self.built.get(k)
        if found is None:
            assert self.build is not None
            found = self.built[k] = self.build(k)
        return found


# -- reading ---------------------------------------------------------------------------------


def raw_batches(reader: CaseReader) -> Iterator[RawBatch]:
    """The records of a flat export (CSV, JSON Lines or Parquet with a mapping) in batches.

    Nested JSON (no mapping) and JSON list files have no flat form; see
    :func:`columnar_batches`.
    """
    if reader.format == "csv":
        yield from _csv_batches(reader)
    elif reader.format == "parquet":
        yield from _parquet_batches(reader)
    elif reader.format == "jsonl" and not reader.converter.nested:
        yield from _jsonl_batches(reader)
    else:
        raise ValueError(f"no columnar reading for {reader.format} without a mapping")


def columnar_batches(reader: CaseReader) -> bool:
    """Whether :func:`raw_batches` reads this export (else: the row-by-row reader)."""
    if reader.converter.nested:
        return False
    return reader.format in ("csv", "parquet", "jsonl")


def _fields(reader: CaseReader) -> list[_Field]:
    return list(reader.converter.fields)


def _from_records(
    reader: CaseReader, records: Sequence[tuple[int, Any]], width: int | None
) -> RawBatch:
    """A batch from records given one by one: CSV value lists, JSON objects, or whatever
    :meth:`RowConverter.convert` turns into a rejection."""
    fields = _fields(reader)
    rows: list[int] = []
    special: dict[int, Any] = {}
    cells: list[list[str | None]] = [[] for _ in fields]
    for position, (number, record) in enumerate(records):
        rows.append(number)
        values: list[Any] | None = None
        if isinstance(record, list) and width is not None and len(record) <= width:
            values = [record[f.index] if f.index < len(record) else None for f in fields]
        elif isinstance(record, dict):
            values = [record.get(f.column) for f in fields]
        if values is None or not all(v is None or type(v) is str for v in values):
            special[position] = record
            values = [None] * len(fields)
        for column, value in zip(cells, values, strict=True):
            column.append(value)
    arrays: dict[str, Any] = {}
    for f, column in zip(fields, cells, strict=True):
        try:
            arrays[f.target] = pa.array(column, type=pa.string())
        except (pa.ArrowException, UnicodeError):
            # text that is not Unicode (a lone surrogate from a JSON escape): such a
            # record is converted on its own
            for position, value in enumerate(column):
                if value is not None and not _encodable(value):
                    special[position] = records[position][1]
            clean = [None if k in special else v for k, v in enumerate(column)]
            arrays[f.target] = pa.array(clean, type=pa.string())
    return RawBatch(rows, pa.table(arrays), special)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeError:
        return False
    return True


def _csv_batches(reader: CaseReader) -> Iterator[RawBatch]:
    converter = reader.converter
    delimiter = converter.delimiter
    codec = reader.encoding.replace("_", "-").lower()
    width = len(converter.header)
    if codec not in _UTF8 or not delimiter.isascii() or delimiter in '"\r\n':
        # Other encodings and delimiters: the row-by-row reader, in batches.
        yield from _batched(reader, reader.raw_records(), width)
        return
    with reader.path.open("rb") as handle:
        head = _header_bytes(handle, reader)
        if head is None:
            yield from _batched(reader, reader.raw_records(), width)
            return
        offset, number = head  # byte offset and line number of the first line of the body
        plain = _PlainBlocks(reader, width)
        while True:
            handle.seek(offset)
            block = handle.read(BLOCK_BYTES)
            if not block:
                return
            if len(block) == BLOCK_BYTES:
                cut = block.rfind(b"\n")
                if cut < 0:  # one very long line: let the row-by-row reader judge it
                    cut = len(block) - 1
                    block = b""
                else:
                    block = block[: cut + 1]
            else:
                cut = len(block) - 1
            batch = plain.read(block, number) if block else None
            if batch is not None:
                reader._records += len(batch)
                reader._chars += len(block)
                if len(batch):
                    yield batch
                offset += len(block)
                number += block.count(b"\n")
                continue
            # Not plain: the row-by-row reader, from this block's first line to the first
            # record that starts after it.
            last = number + max(block.count(b"\n"), 1) - 1 if block else number
            lines = _Lines(handle, offset, number)
            records = reader.records_of_lines(iter(lines), stop_after=last)
            yield from _batched(reader, records, width)
            if not reader.stopped_at:
                return
            offset, number = lines.offset_of(reader.stopped_at), reader.stopped_at


def _batched(
    reader: CaseReader, records: Iterator[tuple[int, Any]], width: int
) -> Iterator[RawBatch]:
    converter = reader.converter
    while True:
        chunk = list(itertools.islice(records, 5000))
        if not chunk:
            return
        yield _from_records(reader, converter.split(chunk), width)


def _header_bytes(handle: io.BufferedReader, reader: CaseReader) -> tuple[int, int] | None:
    """Where the body starts (byte offset, line number), as the row-by-row reader finds
    the header's end; None when the header's line ends are not plain ``\\n``/``\\r\\n``."""
    delimiter = reader.converter.delimiter
    offset = 0
    number = 0
    quoted = False
    for raw in handle:
        number += 1
        offset += len(raw)
        if raw.count(b"\r") != raw.count(b"\r\n"):
            return None
        text = raw.decode("utf-8", "surrogateescape")
        quoted, _ = _scan(text, quoted, delimiter)
        if not quoted:
            return offset, number + 1
    return offset, number + 1


class _Lines:
    """Lines of a file from a byte offset, split as text mode with ``newline=""`` splits
    them (at ``\\n``, ``\\r\\n`` and ``\\r``), numbered, remembering where each starts."""

    _SPLIT = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

    def __init__(self, handle: io.BufferedReader, offset: int, number: int) -> None:
        self.handle = handle
        self.start = offset
        self.first = number
        self.starts: dict[int, int] = {}

    def __iter__(self) -> Iterator[tuple[int, str]]:
        self.handle.seek(self.start)
        offset, number = self.start, self.first
        pending = b""
        for raw in self.handle:
            if pending:
                raw, pending = pending + raw, b""
            if raw.endswith(b"\r"):  # a \r\n may continue on the next read
                pending = raw
                continue
            for piece in self._SPLIT.findall(raw):
                self.starts = {number: offset}
                yield number, piece.decode("utf-8", "surrogateescape")
                offset += len(piece)
                number += 1
        for piece in self._SPLIT.findall(pending):
            self.starts = {number: offset}
            yield number, piece.decode("utf-8", "surrogateescape")
            offset += len(piece)
            number += 1

    def offset_of(self, number: int) -> int:
        return self.starts[number]


class _PlainBlocks:
    """Reads a block of whole lines with ``pyarrow.csv``, when it is plain (see the
    module's docstring); else :meth:`read` gives None."""

    _BLANK = re.compile(r"(?m)^[^\S\r\n]+\r?$")

    def __init__(self, reader: CaseReader, width: int) -> None:
        converter = reader.converter
        self.reader = reader
        self.fields = _fields(reader)
        self.closed = _closed_line(converter.delimiter)
        self.names = [f"c{i}" for i in range(width)]
        wanted = sorted({f.index for f in self.fields})
        self.read_options = pacsv.ReadOptions(column_names=self.names, use_threads=False)
        self.parse_options = pacsv.ParseOptions(
            delimiter=converter.delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=True,
            invalid_row_handler=self._invalid,
        )
        self.convert_options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.names},
            include_columns=[self.names[i] for i in wanted],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        self.invalid = 0

    def _invalid(self, row: Any) -> str:
        self.invalid += 1
        return "skip"

    def read(self, block: bytes, first: int) -> RawBatch | None:
        if b"\x00" in block or block.count(b"\r") != block.count(b"\r\n"):
            return None
        try:
            text = block.decode("utf-8") if not block.isascii() else block.decode("ascii")
        except UnicodeDecodeError:
            return None
        if self._BLANK.search(text):
            return None
        if '"' in text:
            closed = self.closed
            if not all(closed(line) for line in text.split("\n")):
                return None
        rows = _line_numbers(block, first)
        if not self.fields:
            return None
        self.invalid = 0
        try:
            table = pacsv.read_csv(
                pa.BufferReader(block),
                read_options=self.read_options,
                parse_options=self.parse_options,
                convert_options=self.convert_options,
            )
        except pa.ArrowException:
            return None
        if self.invalid or table.num_rows != len(rows):
            return None
        columns = {f.target: table.column(f"c{f.index}") for f in self.fields}
        return RawBatch(rows.tolist(), pa.table(columns))


def _line_numbers(block: bytes, first: int) -> Any:
    """The numbers of the lines of ``block`` that are not empty (``first`` is its first)."""
    data = np.frombuffer(block, dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    length = ends - starts
    last = np.clip(ends - 1, 0, max(len(data) - 1, 0))
    cr = (length > 0) & (data[last] == 13) if len(data) else length > 0
    return first + np.flatnonzero(length - cr > 0)


def _jsonl_batches(reader: CaseReader) -> Iterator[RawBatch]:
    """JSON Lines, a bounded chunk of lines at a time: objects whose mapped values are
    text (or missing) go into the columns, anything else is converted on its own."""
    chunk: list[tuple[int, Any]] = []
    for number, line in reader.records():
        record: Any = line
        if isinstance(line, str):
            try:
                parsed = json.loads(line, object_pairs_hook=no_duplicate_keys)
            except (json.JSONDecodeError, DuplicateKeyError):
                parsed = None  # converted on its own, which says why
            else:
                record = parsed if isinstance(parsed, dict) else line
        chunk.append((number, record))
        if len(chunk) >= 5000:
            yield _from_records(reader, chunk, None)
            chunk = []
    if chunk:
        yield _from_records(reader, chunk, None)


def _parquet_batches(reader: CaseReader) -> Iterator[RawBatch]:
    """A Parquet file, its row groups read a bounded batch at a time, only the mapped
    columns; typed columns keep their type (a date column needs no parsing)."""
    fields = _fields(reader)
    source = parquet_file(reader.path)
    names = source.schema_arrow.names
    wanted = sorted({f.index for f in fields})
    number = 0
    try:
        for batch in source.iter_batches(batch_size=50_000, columns=[names[i] for i in wanted]):
            n = batch.num_rows
            by_index = dict(zip(wanted, batch.columns, strict=True))
            table = pa.table({f.target: by_index[f.index] for f in fields})
            yield RawBatch(list(range(number + 1, number + n + 1)), table)
            number += n
    except (OSError, pa.ArrowException) as exc:
        raise InputError(reader.path, [InputProblem("", f"cannot read: {exc}")]) from None


# -- converting ------------------------------------------------------------------------------

_SAFE_DATE = re.compile(r"^(?:[^%]|%[dmY])*$")


def _stripped(column: pa.Array) -> pa.Array:
    """Text values stripped as ``str.strip`` strips them, empty ones null."""
    edge = pc.match_substring_regex(column, r"^[^!-~]|[^!-~]$")
    if pc.any(edge).as_py():
        values = column.to_pylist()
        marks = edge.to_pylist()
        column = pa.array(
            [v.strip() if m else v for v, m in zip(values, marks, strict=True)],
            type=pa.string(),
        )
    empty = pc.equal(pc.utf8_length(column), 0)
    return pc.if_else(empty, pa.scalar(None, pa.string()), column)


def _dates_by_format(texts: pa.Array, fmt: str) -> list[date | None]:
    """Dates of ``texts`` read with ``fmt`` by ``pyarrow.compute.strptime``, kept only where
    the date written back in ``fmt`` is the text itself (strptime alone rolls 31/09 over to
    1 October); None where the value must be read one by one."""
    if not _SAFE_DATE.match(fmt) or "%Y" not in fmt or len(texts) == 0:
        return [None] * len(texts)
    parsed = pc.strptime(texts, format=fmt, unit="s", error_is_null=True)
    year = pc.year(parsed)
    parsed = pc.if_else(
        pc.and_(pc.greater_equal(year, 1), pc.less_equal(year, 9999)),
        parsed,
        pa.scalar(None, parsed.type),
    )  # a year Python's dates cannot hold is read one by one (and refused there)
    again = pc.strftime(parsed, format=fmt)
    same = pc.fill_null(pc.equal(again, texts), False)
    dates = pc.cast(parsed, pa.date32())
    out: list[date | None] = pc.if_else(same, dates, pa.scalar(None, pa.date32())).to_pylist()
    return out


class _Column:
    """One mapped field of a batch, converted: its values and any problem, per row."""

    __slots__ = ("errors", "values")

    def __init__(self, values: list[Any], errors: list[str | None] | None) -> None:
        self.values = values
        self.errors = errors


def _convert_column(converter: RowConverter, f: _Field, column: Any) -> _Column:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = _stripped(column.cast(pa.string()))
        if f.kind == "str" and not f.values:
            return _Column(column.to_pylist(), None)
    elif pa.types.is_null(column.type):
        return _Column([None] * len(column), None)
    elif not (
        pa.types.is_primitive(column.type)
        or pa.types.is_string(column.type)
        or pa.types.is_binary(column.type)
    ):  # a nested or other complex Parquet type: each value on its own
        return _each_value(converter, f, column.to_pylist())
    # Each distinct value is read once, by the very function the row-by-row reader uses,
    # so values and messages are the same; dates in a plain format are read in bulk first.
    encoded = pc.dictionary_encode(column)
    uniques = encoded.dictionary
    distinct = uniques.to_pylist()
    known: list[Any] = [None] * len(distinct)
    if f.kind == "date" and pa.types.is_string(uniques.type) and not f.values:
        fmt = f.read.fmt or "%Y-%m-%d"
        known = _dates_by_format(uniques, fmt)
    values: list[Any] = []
    errors: list[str | None] = []
    failed = False
    for raw, done in zip(distinct, known, strict=True):
        if done is not None:
            values.append(done)
            errors.append(None)
            continue
        if raw is None or (isinstance(raw, str) and not raw):
            values.append(None)
            errors.append(None)
            continue
        try:
            value = converter._value(f, raw)
        except (ValueError, TypeError) as exc:
            values.append(None)
            errors.append(str(exc))
            failed = True
        else:
            values.append(value)
            errors.append(None)
    indices = encoded.indices.to_pylist()
    return _Column(
        [None if i is None else values[i] for i in indices],
        [None if i is None else errors[i] for i in indices] if failed else None,
    )


def _each_value(converter: RowConverter, f: _Field, raws: list[Any]) -> _Column:
    values: list[Any] = []
    errors: list[str | None] = []
    for raw in raws:
        value = None
        why = None
        if raw is not None:
            try:
                value = converter._value(f, raw)
            except (ValueError, TypeError) as exc:
                why = str(exc)
        values.append(value)
        errors.append(why)
    return _Column(values, errors if any(e is not None for e in errors) else None)


def _flat_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("channel", "outcome"):
        return value.value
    if kind == "time" and value.tzinfo is not None:
        return None  # replaced by the case's UK time
    return value


def convert_batch(raw: RawBatch, converter: RowConverter, *, cases: bool = True) -> FlatBatch:
    """Apply the mapping to a batch's columns: its flat typed table, cases and rejections.

    A row whose values all read and whose case is certainly valid is built directly from
    the typed columns; any other row goes through :meth:`RowConverter.convert`, so its
    problems read exactly as the row-by-row reader gives them.

    ``cases=False`` builds no case for a row that is certainly valid: the batch is checked
    as columns (:func:`_certain`: the shapes the model refuses, and the date orderings of
    :data:`~complaintrules.model.consistency.DATE_ORDER` over the rows' case table), and
    only the other rows are validated by the model one by one; :attr:`FlatBatch.built`
    holds the cases so made, and :meth:`FlatBatch.case` builds any other row's case on
    demand.
    """
    n = len(raw.rows)
    fields = converter.fields
    columns = [_convert_column(converter, f, raw.table.column(f.target)) for f in fields]
    targets = [f.target for f in fields]
    special = raw.special
    rejected: list[Row] = []
    kept: list[int] = []
    made: list[Complaint] = []
    checked: dict[int, Complaint] = {}
    values_of = [c.values for c in columns]
    errors_of = [(f, c.errors) for f, c in zip(fields, columns, strict=True) if c.errors]
    raw_cells: list[list[Any]] | None = None
    certain = None if cases else _certain(raw, fields, columns)
    for i in range(n):
        number = raw.rows[i]
        if i in special:
            row = converter.convert(number, special[i])
        else:
            problems = [
                RowProblem(number, f.column, why)
                for f, errors in errors_of
                if (why := errors[i]) is not None
            ]
            if problems:
                rejected.append(Row(number, None, tuple(problems)))
                continue
            if certain is not None:
                if certain[i]:
                    kept.append(i)
                    continue
            else:
                got = {t: v[i] for t, v in zip(targets, values_of, strict=True) if v[i] is not None}
                case = _construct(got)
                if case is not None:
                    kept.append(i)
                    made.append(case)
                    continue
            if raw_cells is None:
                raw_cells = [raw.table.column(t).to_pylist() for t in targets]
            record = {f.column: cells[i] for f, cells in zip(fields, raw_cells, strict=True)}
            row = converter.convert(number, record)
        if row.case is None:
            rejected.append(row)
        else:
            kept.append(i)
            made.append(row.case)
            checked[i] = row.case
    table = _flat_table(raw, fields, columns, kept, checked)
    from_columns = [i not in checked for i in kept]
    if cases:
        return FlatBatch(table, made, rejected, n, from_columns)
    built = {k: checked[i] for k, i in enumerate(kept) if i in checked}

    def build(k: int) -> Complaint:
        i = kept[k]
        got = {t: v[i] for t, v in zip(targets, values_of, strict=True) if v[i] is not None}
        case = _construct(got)
        assert case is not None, "a row checked as columns is built directly"
        return case

    return FlatBatch(table, [], rejected, n, from_columns, built, build)


def _present_mask(values: Sequence[Any]) -> Any:
    return np.fromiter((v is not None for v in values), dtype=bool, count=len(values))


def _certain(raw: RawBatch, fields: Sequence[_Field], columns: Sequence[_Column]) -> Any:
    """Per row of a batch, whether its case is certainly valid, decided over the columns:
    what :func:`~complaintrules.io.tabular._construct` checks row by row (the required
    facts; no fact the model still reads itself, such as names in one text; no part of a
    stage without what it needs), then the date orderings of the model
    (:func:`~complaintrules.model.consistency.consistent_rows`) over the case table of
    the rows that pass. A row that is not certain is validated by the model alone."""
    from ..model.consistency import consistent_rows
    from .flat import from_targets

    n = len(raw.rows)
    has: dict[str, Any] = {}
    errors = np.zeros(n, dtype=bool)
    for f, column in zip(fields, columns, strict=True):
        has[f.target] = _present_mask(column.values)
        if column.errors is not None:
            errors |= _present_mask(column.errors)
        if f.target == "received_at":
            aware = [v is not None and v.tzinfo is not None for v in column.values]
            errors |= np.array(aware, dtype=bool)  # validation converts it to UK time
    none = np.zeros(n, dtype=bool)

    def present(target: str) -> Any:
        return has.get(target, none)

    ok = ~errors & present("reference") & present("received_on")
    if raw.special:
        ok[list(raw.special)] = False
    for target in _VALIDATED:
        ok &= ~present(target)
    for p in ("stage1.", "stage2."):
        for name in ("understanding", "outcomes_sought", "contributors", "signed_off_by"):
            ok &= ~present(p + name)
        ok &= ~present(p + "names_staff")
        ok &= ~(present(p + "definition_recorded") & ~present(p + "acknowledged_on"))
        ok &= ~(present(p + "outcome") & ~present(p + "response_on"))
        extension = np.zeros(n, dtype=bool)
        for name in ("notified_on", "new_due", *_EXTENSION_PARTS):
            extension |= present(p + "extension_" + name)
        whole = present(p + "extension_notified_on") & present(p + "extension_new_due")
        ok &= ~(extension & ~whole)
    rows = np.flatnonzero(ok)
    if len(rows):
        table = _flat_table(raw, fields, columns, rows.tolist(), {})
        try:
            cases = from_targets(table.select(table.column_names[1:]))
        except ValueError:  # a shape the layout refuses: the model judges every row
            ok[rows] = False
        else:
            ok[rows] = consistent_rows(cases)
    return ok


_EXTENSION_PARTS = ("reason", "ombudsman_details_given", "good_reason")


def _flat_table(
    raw: RawBatch,
    fields: Sequence[_Field],
    columns: Sequence[_Column],
    kept: Sequence[int],
    checked: dict[int, Complaint],
) -> pa.Table:
    arrays: dict[str, pa.Array] = {"row": pa.array([raw.rows[i] for i in kept], type=pa.int64())}
    by_target = {f.target: (f, c) for f, c in zip(fields, columns, strict=True)}
    for name, target in TARGETS.items():
        kind = target.kind
        found = by_target.get(name)
        if found is None:
            arrays[name] = pa.nulls(len(kept), type=_ARROW_TYPES[kind])
            continue
        values = found[1].values
        out = [_flat_value(kind, values[i]) for i in kept]
        if name == "received_at":
            for position, i in enumerate(kept):
                if i in checked:  # validated: the case's own value, in UK time
                    out[position] = checked[i].received_at
        arrays[name] = pa.array(out, type=_ARROW_TYPES[kind])
    return pa.table(arrays, schema=FLAT_SCHEMA)


def concat_batches(batches: Sequence[RawBatch]) -> RawBatch:
    """One batch of several, in order."""
    if len(batches) == 1:
        return batches[0]
    rows: list[int] = []
    special: dict[int, Any] = {}
    for batch in batches:
        special.update({len(rows) + k: v for k, v in batch.special.items()})
        rows.extend(batch.rows)
    tables = [b.table for b in batches]
    return RawBatch(rows, pa.concat_tables(tables), special)


def rechunk(batches: Iterator[RawBatch], size: int) -> Iterator[RawBatch]:
    """Batches of exactly ``size`` records (the last may be smaller), in order."""
    buffer: list[RawBatch] = []
    held = 0
    for batch in batches:
        buffer.append(batch)
        held += len(batch)
        if held < size:
            continue
        joined = concat_batches(buffer)
        start = 0
        while held - start >= size:
            yield joined.slice(start, start + size)
            start += size
        buffer = [joined.slice(start, held)] if held > start else []
        held -= start
    if held:
        yield concat_batches(buffer)
