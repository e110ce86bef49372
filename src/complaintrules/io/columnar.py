"""Case exports read as Arrow columns, in bounded batches (issue 13, the reading half).

A batch goes through two steps:

1. :func:`raw_batches` reads the file: every mapped column as text (or as the Parquet
   file's own type, or the type of an Excel column's typed cells), the row number of each
   record, and the records that are not plain cells (a stray quote, bytes not in the
   encoding, too many cells, a JSON line that is not an object of text values) kept whole
   for :meth:`RowConverter.convert`.
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
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..model.case import Complaint
from ..model.columns import one_array
from .loading import DuplicateKeyError, InputError, InputProblem, no_duplicate_keys
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
    #: The case table of ``table`` (see :meth:`case_table`), once laid out.
    laid: pa.Table | None = None

    def case_table(self, targets: pa.Table | None = None, changed: Any = None) -> pa.Table:
        """The case table of ``table``'s rows: :func:`complaintrules.io.flat.from_targets`
        of its mapping-target columns, laid out once (in summary mode, while the batch is
        checked) and kept.

        ``targets``: the same columns with the rows marked in ``changed`` (a numpy bool
        array) altered, as :func:`complaintrules.io.flat.flat_as_of` alters them: where a
        row was altered, the table of ``targets`` (laid out whole: cheaper than splicing
        rows into a nested table). Raises ValueError as ``from_targets`` does.
        """
        from .flat import from_targets

        if targets is not None and changed is not None and changed.any():
            return from_targets(targets)
        if self.laid is None:
            self.laid = from_targets(self.table.select(self.table.column_names[1:]))
        return self.laid

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
    """The records of a flat export (CSV, JSON Lines, Parquet or Excel with a mapping) in
    batches.

    Nested JSON (no mapping) and JSON list files have no flat form; see
    :func:`columnar_batches`.
    """
    if reader.format == "csv":
        yield from _csv_batches(reader)
    elif reader.format == "parquet":
        yield from _parquet_batches(reader)
    elif reader.format == "jsonl" and not reader.converter.nested:
        yield from _jsonl_batches(reader)
    elif reader.format == "xlsx":  # typed cells: see _from_records
        yield from _batched(reader, reader.raw_records(), len(reader.converter.header))
    else:
        raise ValueError(f"no columnar reading for {reader.format} without a mapping")


def columnar_batches(reader: CaseReader) -> bool:
    """Whether :func:`raw_batches` reads this export (else: the row-by-row reader)."""
    if reader.converter.nested:
        return False
    return reader.format in ("csv", "parquet", "jsonl", "xlsx")


def _fields(reader: CaseReader) -> list[_Field]:
    return list(reader.converter.fields)


#: Cell types a record may hold beside text (an Excel workbook's typed cells; see
#: io/excel.py), and the Arrow type of a column holding only cells of that type.
_CELL_TYPES: dict[type, pa.DataType] = {
    date: pa.date32(),
    time: pa.time64("us"),
    bool: pa.bool_(),
}


def _plain_cell(value: Any) -> bool:
    kind = type(value)
    return value is None or kind is str or (kind in _CELL_TYPES and _naive(value))


def _naive(value: Any) -> bool:
    return not isinstance(value, time) or value.tzinfo is None


def _from_records(
    reader: CaseReader, records: Sequence[tuple[int, Any]], width: int | None
) -> RawBatch:
    """A batch from records given one by one: CSV value lists, JSON objects, Excel rows,
    or whatever :meth:`RowConverter.convert` turns into a rejection.

    A column whose values are all text is a text column; one whose values are all dates,
    all times or all yes/no cells keeps that type (as a Parquet column does); where a
    column mixes types, it takes its most common type, and the records holding a value
    of another type there are converted on their own."""
    fields = _fields(reader)
    rows: list[int] = []
    special: dict[int, Any] = {}
    cells: list[list[Any]] = [[] for _ in fields]
    typed = False
    for position, (number, record) in enumerate(records):
        rows.append(number)
        values: list[Any] | None = None
        if isinstance(record, list) and width is not None and len(record) <= width:
            values = [record[f.index] if f.index < len(record) else None for f in fields]
        elif isinstance(record, dict):
            values = [record.get(f.column) for f in fields]
        if values is not None and not all(v is None or type(v) is str for v in values):
            if all(_plain_cell(v) for v in values):
                typed = True
            else:
                values = None
        if values is None:
            special[position] = record
            values = [None] * len(fields)
        for column, value in zip(cells, values, strict=True):
            column.append(value)
    arrays: dict[str, Any] = {}
    kinds: list[type] = [str] * len(fields)
    if typed:
        for k, column in enumerate(cells):
            found = Counter(type(v) for v in column if v is not None)
            if found:
                kinds[k] = kind = found.most_common(1)[0][0]
            if len(found) > 1:  # mixed: the records whose cell here is not of the
                # column's most common type are converted on their own
                for position, value in enumerate(column):
                    if value is not None and type(value) is not kind:
                        special[position] = records[position][1]
        if special:  # such a record is no part of the columns
            for column in cells:
                for position in special:
                    column[position] = None
    for f, column, kind in zip(fields, cells, kinds, strict=True):
        if kind is not str:
            arrays[f.target] = pa.array(column, type=_CELL_TYPES[kind])
            continue
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
        # A line of whitespace only, which the row-by-row reader skips, has one cell and
        # so is an invalid row to pyarrow.csv; only a file one cell wide, or with a
        # whitespace delimiter (a line of tabs), would have it read as a row: only
        # then is each block searched for such lines.
        self.find_blank = width < 2 or converter.delimiter.isspace()
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
        if self.find_blank and self._BLANK.search(text):
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
    from .parquet import parquet_file  # pyarrow.parquet: loaded for a Parquet file only

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

#: The characters ``str.strip()`` strips (those for which ``str.isspace()`` holds), so that
#: ``pyarrow.compute.utf8_trim`` strips a whole column as the row-by-row reader strips each
#: value (``tests/properties/test_column_conversion_properties.py`` holds them together).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _stripped(column: pa.Array) -> pa.Array:
    """Text values stripped as ``str.strip`` strips them, empty ones null (one compute call
    over the column, not one a value)."""
    column = pc.utf8_trim(column, characters=WHITESPACE)
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _dates_by_format(texts: pa.Array, fmt: str) -> pa.Array:
    """Dates of ``texts`` read with ``fmt`` by ``pyarrow.compute.strptime`` (date32), kept
    only where the date written back in ``fmt`` is the text itself (strptime alone rolls
    31/09 over to 1 October); null where the value must be read one by one."""
    if not _SAFE_DATE.match(fmt) or "%Y" not in fmt or len(texts) == 0:
        return pa.nulls(len(texts), pa.date32())
    parsed = pc.strptime(texts, format=fmt, unit="s", error_is_null=True)
    year = pc.year(parsed)
    # a year Python's dates cannot hold is read one by one (and refused there)
    fits = pc.and_(pc.greater_equal(year, 1), pc.less_equal(year, 9999))
    again = pc.strftime(pc.if_else(fits, parsed, pa.scalar(None, parsed.type)), format=fmt)
    same = pc.fill_null(pc.equal(again, texts), False)
    return pc.if_else(same, pc.cast(parsed, pa.date32()), pa.scalar(None, pa.date32()))


class _Column:
    """One mapped field of a batch, converted.

    ``flat`` holds every row's value as its column of :data:`FLAT_SCHEMA` wants it,
    ``present`` whether a value was read, ``failed`` (None when no row failed) whether
    the row's value did not read. The typed Python values (what the row-by-row reader
    gives) are kept once per distinct value: ``distinct`` ends in None, and ``indices``
    gives each row's position in it (the last position for a row without a value); a
    column read without a dictionary has ``distinct`` None and its values are ``flat``'s.
    A column whose distinct values were all read over Arrow (dates in a plain format)
    makes ``distinct`` from them only when it is asked for.
    """

    __slots__ = ("_distinct", "_typed", "_values", "errors", "failed", "flat", "indices", "present")

    def __init__(
        self,
        flat: pa.Array,
        distinct: list[Any] | None = None,
        indices: Any = None,
        errors: list[str | None] | None = None,
        typed: pa.Array | None = None,
    ) -> None:
        self.flat = flat
        self._distinct = distinct
        self._typed = typed  # the distinct values as Arrow, when ``distinct`` is not given
        self.indices = indices
        self.errors = errors
        self._values: list[Any] | None = None
        if indices is None:
            self.present = flat.is_valid().to_numpy(zero_copy_only=False)
        elif typed is not None:
            self.present = typed.is_valid().to_numpy(zero_copy_only=False)[indices]
        else:
            self.present = self.mask(lambda v: True)
        self.failed = None
        if errors is not None:
            self.failed = np.array([e is not None for e in errors], dtype=bool)[indices]

    @property
    def distinct(self) -> list[Any] | None:
        if self._distinct is None and self._typed is not None:
            self._distinct = self._typed.to_pylist()
        return self._distinct

    def mask(self, test: Callable[[Any], bool]) -> Any:
        """Per row, whether it has a value and ``test`` holds for it (decided once per
        distinct value)."""
        distinct = self.distinct
        values = distinct if distinct is not None else self.values
        marks = np.fromiter((v is not None and test(v) for v in values), bool, len(values))
        return marks if distinct is None else marks[self.indices]

    @property
    def values(self) -> list[Any]:
        """Every row's typed value (None where there is none)."""
        if self._values is None:
            distinct = self.distinct
            if distinct is None:
                self._values = self.flat.to_pylist()
            else:
                self._values = [distinct[k] for k in self.indices.tolist()]
        return self._values

    def value(self, i: int) -> Any:
        """Row ``i``'s typed value (one value read, not the whole column)."""
        distinct = self.distinct
        if distinct is None:
            return self.flat[i].as_py() if self._values is None else self._values[i]
        return distinct[self.indices[i]]

    def error(self, i: int) -> str | None:
        return None if self.errors is None else self.errors[self.indices[i]]


def _dictionary_column(
    kind: str, distinct: list[Any], errors: list[str | None], failed: bool, indices: Any
) -> _Column:
    """A column from its distinct typed values and each row's position among them (a
    null position: no value)."""
    distinct.append(None)
    errors.append(None)
    positions = pc.fill_null(indices, len(distinct) - 1)
    flat = pa.array([_flat_value(kind, v) for v in distinct], type=_ARROW_TYPES[kind])
    return _Column(
        flat.take(positions),
        distinct,
        positions.to_numpy(zero_copy_only=False),
        errors if failed else None,
    )


def _convert_columns(
    converter: RowConverter, fields: Sequence[_Field], table: pa.Table
) -> list[_Column]:
    """Every mapped field of a batch converted (:func:`_convert_column`); the distinct
    texts of every date column in the same format are read by one ``strptime`` call."""
    columns: list[_Column | None] = []
    pending: dict[str, list[tuple[int, pa.Array, pa.Array]]] = {}
    for k, f in enumerate(fields):
        column = one_array(table.column(f.target))
        if (
            f.kind == "date"
            and not f.values
            and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type))
        ):
            encoded = pc.dictionary_encode(column.cast(pa.string()))
            uniques = _stripped(encoded.dictionary)
            pending.setdefault(f.read.fmt or "%Y-%m-%d", []).append((k, encoded.indices, uniques))
            columns.append(None)
            continue
        columns.append(_convert_column(converter, f, column))
    for fmt, group in pending.items():
        texts = [uniques for _, _, uniques in group]
        known = _dates_by_format(pa.concat_arrays(texts), fmt)
        start = 0
        for (k, indices, uniques), size in zip(group, map(len, texts), strict=True):
            part = known.slice(start, size)
            start += size
            columns[k] = _date_column(converter, fields[k], uniques, part, indices)
    return [c for c in columns if c is not None]


def _date_column(
    converter: RowConverter, f: _Field, uniques: pa.Array, known: pa.Array, indices: pa.Array
) -> _Column:
    """A date column from its distinct (stripped) texts, the dates read of them over Arrow,
    and each row's position among them; a text not read there is read one by one, by the
    row-by-row reader's own function (so its value or message is that reader's)."""
    todo = np.flatnonzero(
        pc.and_(pc.is_null(known), pc.is_valid(uniques)).to_numpy(zero_copy_only=False)
    )
    errors: list[str | None] | None = None
    if len(todo):
        values: list[Any] = known.to_pylist()
        texts = uniques.to_pylist()
        errors = [None] * len(values)
        for j in todo.tolist():
            try:
                values[j] = converter._value(f, texts[j])
            except (ValueError, TypeError) as exc:
                errors[j] = str(exc)
        known = pa.array(values, type=pa.date32())
        if all(e is None for e in errors):
            errors = None
        else:
            errors.append(None)
    typed = pa.concat_arrays([known, pa.nulls(1, pa.date32())])
    positions = pc.fill_null(indices, len(typed) - 1)
    return _Column(
        typed.take(positions),
        None,
        positions.to_numpy(zero_copy_only=False),
        errors,
        typed,
    )


def _convert_column(converter: RowConverter, f: _Field, column: Any) -> _Column:
    column = one_array(column)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
        if f.kind == "str" and not f.values:
            return _Column(_stripped(column))
        # few distinct texts: strip those, not every row's
        encoded = pc.dictionary_encode(column)
        uniques = _stripped(encoded.dictionary)
    elif pa.types.is_null(column.type):
        return _Column(pa.nulls(len(column), type=_ARROW_TYPES[f.kind]))
    elif not (
        pa.types.is_primitive(column.type)
        or pa.types.is_string(column.type)
        or pa.types.is_binary(column.type)
    ):  # a nested or other complex Parquet type: each value on its own
        return _each_value(converter, f, column.to_pylist())
    else:
        encoded = pc.dictionary_encode(column)
        uniques = encoded.dictionary
    # Each distinct value is read once, by the very function the row-by-row reader uses,
    # so values and messages are the same.
    values: list[Any] = []
    errors: list[str | None] = []
    failed = False
    for raw in uniques.to_pylist():
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
    return _dictionary_column(f.kind, values, errors, failed, encoded.indices)


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
    failed = any(e is not None for e in errors)
    every = pa.array(np.arange(len(raws), dtype=np.int32))
    return _dictionary_column(f.kind, values, errors, failed, every)


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
    columns = _convert_columns(converter, fields, raw.table)
    targets = [f.target for f in fields]
    special = np.zeros(n, dtype=bool)
    special[list(raw.special)] = True
    failed = np.zeros(n, dtype=bool)
    for c in columns:
        if c.failed is not None:
            failed |= c.failed
    checked: dict[int, Complaint] = {}
    raw_cells: list[list[Any]] | None = None

    def problems(i: int) -> Row:
        number = raw.rows[i]
        found = [
            RowProblem(number, f.column, why)
            for f, c in zip(fields, columns, strict=True)
            if (why := c.error(i)) is not None
        ]
        return Row(number, None, tuple(found))

    def validated(i: int) -> Row:
        nonlocal raw_cells
        number = raw.rows[i]
        if i in raw.special:
            return converter.convert(number, raw.special[i])
        if raw_cells is None:
            raw_cells = [raw.table.column(t).to_pylist() for t in targets]
        record = {f.column: cells[i] for f, cells in zip(fields, raw_cells, strict=True)}
        return converter.convert(number, record)

    if cases:
        rejected: list[Row] = []
        kept: list[int] = []
        made: list[Complaint] = []
        values_of = [c.values for c in columns]
        for i in range(n):
            if not special[i]:
                if failed[i]:
                    rejected.append(problems(i))
                    continue
                got = {t: v[i] for t, v in zip(targets, values_of, strict=True) if v[i] is not None}
                case = _construct(got)
                if case is not None:
                    kept.append(i)
                    made.append(case)
                    continue
            row = validated(i)
            if row.case is None:
                rejected.append(row)
            else:
                kept.append(i)
                made.append(row.case)
                checked[i] = row.case
        table = _flat_table(raw, fields, columns, np.array(kept, dtype=np.int64), checked)
        from_columns = [i not in checked for i in kept]
        return FlatBatch(table, made, rejected, n, from_columns)

    # Summary mode: the rows certainly valid as columns are kept without a case; the rows
    # with a value that does not read are refused with the columns' own reasons; the model
    # validates the rest (records read one by one, rows not certainly valid).
    whole = _whole_table(raw, fields, columns)
    direct, laid_rows, laid = _certain(raw, fields, columns, whole)
    refused = failed & ~special
    by_row: dict[int, Row] = {int(i): problems(int(i)) for i in np.flatnonzero(refused)}
    for i in np.flatnonzero(~direct & ~refused).tolist():
        row = validated(i)
        if row.case is None:
            by_row[i] = row
        else:
            checked[i] = row.case
    kept_rows = np.flatnonzero(direct)
    if checked:
        kept_rows = np.union1d(kept_rows, np.fromiter(checked, np.int64, len(checked)))
    table = _flat_table(raw, fields, columns, kept_rows, checked, whole)
    kept_list: list[int] = kept_rows.tolist()
    built = {k: checked[i] for k, i in enumerate(kept_list) if i in checked}
    from_columns = [True] * len(kept_list)
    for k in built:
        from_columns[k] = False
    rejected_rows = [by_row[i] for i in sorted(by_row)]
    if laid is not None and not (
        np.array_equal(laid_rows, kept_rows) and direct[kept_rows].all()
    ):  # not the table of the kept rows as columns: laid out anew if it is asked for
        laid = None
    by_target = dict(zip(targets, columns, strict=True))

    def build(k: int) -> Complaint:
        i = kept_list[k]
        got = {t: v for t, c in by_target.items() if (v := c.value(i)) is not None}
        case = _construct(got)
        assert case is not None, "a row checked as columns is built directly"
        return case

    return FlatBatch(table, [], rejected_rows, n, from_columns, built, build, laid)


def _certain(
    raw: RawBatch, fields: Sequence[_Field], columns: Sequence[_Column], every: pa.Table
) -> tuple[Any, Any, pa.Table | None]:
    """Per row of a batch, whether its case is certainly valid, decided over the columns:
    what :func:`~complaintrules.io.tabular._construct` checks row by row (the required
    facts; no fact the model still reads itself, such as names in one text; no part of a
    stage without what it needs), then the date orderings of the model
    (:func:`~complaintrules.model.consistency.consistent_rows`) over the case table of
    the rows that pass. A row that is not certain is validated by the model alone.
    ``every``: the batch's flat table of every row (:func:`_whole_table`).

    Also gives the rows whose case table was laid out for that check (positions in the
    batch) and that table (None when the layout refused a row), for
    :meth:`FlatBatch.case_table` to keep."""
    from ..model.consistency import consistent_rows
    from .flat import from_targets

    n = len(raw.rows)
    has: dict[str, Any] = {}
    errors = np.zeros(n, dtype=bool)
    for f, column in zip(fields, columns, strict=True):
        has[f.target] = column.present
        if column.failed is not None:
            errors |= column.failed
        if f.target == "received_at":  # validation converts it to UK time
            errors |= column.mask(lambda v: v.tzinfo is not None)
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
    laid = None
    if len(rows):
        table = _flat_table(raw, fields, columns, rows, {}, every)
        try:
            laid = from_targets(table.select(table.column_names[1:]))
        except ValueError:  # a shape the layout refuses: the model judges every row
            ok[rows] = False
        else:
            ok[rows] = consistent_rows(laid)
    return ok, rows, laid


_EXTENSION_PARTS = ("reason", "ombudsman_details_given", "good_reason")


def _flat_table(
    raw: RawBatch,
    fields: Sequence[_Field],
    columns: Sequence[_Column],
    kept: Any,
    checked: dict[int, Complaint],
    whole: pa.Table | None = None,
) -> pa.Table:
    """The flat typed table of the rows ``kept`` (positions in the batch, ascending), each
    column taken from the converted columns; a row the model validated (in ``checked``)
    has its case's own time received, in UK time. ``whole``: the table of every row of
    the batch (:func:`_whole_table`), when it is already laid out."""
    if whole is None:
        whole = _whole_table(raw, fields, columns)
    # every row kept (the common case): the whole table, with no take at all
    table = whole if len(kept) == len(raw.rows) else whole.take(pa.array(kept, pa.int64()))
    if checked and "received_at" in {f.target for f in fields}:
        at = list(checked)
        positions = np.searchsorted(kept, at)
        mask = np.zeros(len(kept), dtype=bool)
        mask[positions] = True
        order = np.argsort(positions)
        times = [checked[at[k]].received_at for k in order.tolist()]
        index = table.schema.get_field_index("received_at")
        received = pc.replace_with_mask(
            one_array(table.column(index)),
            pa.array(mask),
            pa.array(times, type=pa.time64("us")),
        )
        table = table.set_column(index, FLAT_SCHEMA.field(index), received)
    return table


def _whole_table(raw: RawBatch, fields: Sequence[_Field], columns: Sequence[_Column]) -> pa.Table:
    """The flat typed table of every row of the batch (:data:`FLAT_SCHEMA`)."""
    n = len(raw.rows)
    by_target = {f.target: c for f, c in zip(fields, columns, strict=True)}
    arrays: list[pa.Array] = [pa.array(raw.rows, type=pa.int64())]
    for name, target in TARGETS.items():
        found = by_target.get(name)
        arrays.append(pa.nulls(n, type=_ARROW_TYPES[target.kind]) if found is None else found.flat)
    return pa.Table.from_arrays(arrays, schema=FLAT_SCHEMA)


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
