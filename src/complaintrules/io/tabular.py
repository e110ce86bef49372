"""Case exports from CRMs: CSV, JSON Lines, JSON and Parquet, with a column-mapping file.

A CRM names its columns its own way. A mapping file (YAML) says which column holds which
fact of the case model, how its dates are written and how its codes translate::

    format: csv                 # csv, jsonl or json (default: from the file's extension)
    dates:
      format: "%d/%m/%Y"        # every date column, unless a column says otherwise
      dayfirst: true            # for values in no explicit format (python-dateutil)
    columns:
      reference: Case Ref
      received_on: Date Received
      channel: {column: Contact Method, values: {Telephone: phone, E-mail: email}}
      stage1.acknowledged_on: {column: S1 Ack, format: "%d-%b-%Y"}

Rows are read one at a time: a row that does not validate becomes a :class:`RowProblem`
naming its row, column and reason, and reading carries on. Problems with the mapping
itself, or a mapped column missing from the file, raise :class:`InputError` before any
row is read (the CLI exits 2).

Row numbers: in a CSV file, the line the record starts on, so the header is row 1 and the
first record row 2 (as a spreadsheet numbers them); in JSON Lines, the line number; in a
JSON list, the item's position counting from 1.

Every row is accounted for, whatever the bytes: a CSV row is a record of the file (a line,
or several when a quoted cell holds line breaks). A stray quote that would swallow the
lines after it is caught (:meth:`CaseReader.raw_records`): the row it opens on is
rejected and reading resumes on the next line.
"""

from __future__ import annotations

import calendar
import csv
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from dateutil import parser as _dateparser
from pydantic import Field, ValidationError

from ..model.base import Channel, InputModel
from ..model.case import (
    Acknowledgement,
    Complaint,
    ComplaintDefinition,
    Extension,
    Outcome,
    Resident,
    Response,
    ResponseContents,
    Stage,
)
from .loading import (
    DuplicateKeyError,
    InputError,
    InputProblem,
    format_location,
    no_duplicate_keys,
    read_document,
)

__all__ = [
    "TARGETS",
    "CaseReader",
    "ColumnMapping",
    "ColumnSpec",
    "Row",
    "RowConverter",
    "RowProblem",
    "load_mapping",
    "read_cases",
]

Kind = Literal["str", "date", "time", "bool", "channel", "outcome"]


@dataclass(frozen=True, slots=True)
class _Target:
    kind: Kind
    stage: int | None
    keys: tuple[str | int, ...]
    description: str


def _targets() -> dict[str, _Target]:
    out: dict[str, _Target] = {
        "reference": _Target("str", None, ("reference",), "the case reference (required)"),
        "landlord": _Target(
            "str", None, ("landlord",), "a key naming the landlord (totals kept per landlord)"
        ),
        "received_on": _Target("date", None, ("received_on",), "date received (required)"),
        "received_at": _Target("time", None, ("received_at",), "time received"),
        "channel": _Target("channel", None, ("channel",), "how it arrived"),
        "issue_occurred_on": _Target("date", None, ("issue_occurred_on",), "issue date"),
        "became_aware_on": _Target("date", None, ("became_aware_on",), "awareness date"),
        "withdrawn_on": _Target("date", None, ("withdrawn_on",), "date withdrawn"),
        "closed_on": _Target("date", None, ("closed_on",), "date closed"),
        "staff_complained_about": _Target(
            "str",
            None,
            ("staff_complained_about",),
            "the staff the complaint is about, names separated by ';'",
        ),
        "earlier_complaints": _Target(
            "str",
            None,
            ("earlier_complaints",),
            "references of earlier complaints about the same issue, separated by ';'",
        ),
        "earlier_complaints_considered": _Target(
            "bool",
            None,
            ("earlier_complaints_considered",),
            "yes/no: the earlier complaints were considered",
        ),
        "feedback_sought": _Target(
            "bool",
            None,
            ("feedback_sought",),
            "yes/no: the resident was asked, after closure, about the handling",
        ),
        # For the annual report: validated by the case model (a bad tenure names the row).
        "category": _Target("str", None, ("category",), "service area or category"),
        "tenure": _Target(
            "str", None, ("tenure",), "low_cost_rental, low_cost_home_ownership or other"
        ),
    }
    for n in (1, 2):
        p = f"stage{n}."
        stage: list[tuple[str, Kind, tuple[str | int, ...], str]] = [
            ("requested_on", "date", ("requested_on",), "escalation request received"),
            ("logged_on", "date", ("logged_on",), "date logged"),
            ("acknowledged_on", "date", ("acknowledged", "on"), "date acknowledged"),
            (
                "understanding",
                "str",
                ("acknowledged", "definition", "understanding"),
                "complaint definition: the landlord's understanding",
            ),
            (
                "outcomes_sought",
                "str",
                ("acknowledged", "definition", "outcomes_sought"),
                "complaint definition: the outcome sought",
            ),
            (
                "definition_recorded",
                "bool",
                ("acknowledged", "definition"),
                "yes/no: a complaint definition was recorded at acknowledgement",
            ),
            ("handler", "str", ("handler",), "who handled the stage"),
            ("handler_organisation", "str", ("handler_organisation",), "handler's organisation"),
            ("response_on", "date", ("response", "issued_on"), "date of the response"),
            ("outcome", "outcome", ("response", "outcome"), "upheld/partly_upheld/not_upheld"),
            (
                "contributors",
                "str",
                ("response", "contributors"),
                "who contributed to the response, names separated by ';'",
            ),
            ("signed_off_by", "str", ("response", "signed_off_by"), "who signed off the response"),
            (
                "names_staff",
                "bool",
                ("response", "names_staff"),
                "yes/no: the response names individual staff or contractors",
            ),
            (
                "impact",
                "str",
                ("response", "impact"),
                "the failing's impact on the resident: minor, adverse, considerable or severe",
            ),
            (
                "remedy_amount",
                "str",
                ("remedies", 0, "amount"),
                "a financial remedy awarded, in pounds ('£' allowed; no other currency)",
            ),
            (
                "remedy_paid_on",
                "date",
                ("remedies", 0, "completed_on"),
                "date the financial remedy was paid",
            ),
            (
                "extension_notified_on",
                "date",
                ("extensions", 0, "notified_on"),
                "date an extension was notified",
            ),
            ("extension_new_due", "date", ("extensions", 0, "new_due"), "extended deadline"),
            ("extension_reason", "str", ("extensions", 0, "reason"), "reason given"),
            (
                "extension_ombudsman_details_given",
                "bool",
                ("extensions", 0, "ombudsman_details_given"),
                "yes/no: the notice gave the Ombudsman's details",
            ),
            (
                "extension_good_reason",
                "str",
                ("extensions", 0, "good_reason"),
                "why an extension beyond the cap is justified",
            ),
        ]
        for name, kind, keys, description in stage:
            if n == 1 and name == "requested_on":
                continue
            out[p + name] = _Target(kind, n, keys, f"stage {n}: {description}")
    return out


#: Every fact a column can be mapped to, with its kind (str, date, time, bool, ...).
TARGETS: dict[str, _Target] = _targets()

_STAGE_LISTS = ("extensions", "actions", "remedies", "issues_raised", "updates_sent")
_CONTENTS = ResponseContents()
_RESIDENT = Resident()
_RECORDED = ComplaintDefinition(
    understanding="(recorded in the CRM)", outcomes_sought="(recorded in the CRM)"
)

_DEFINITION_RECORDED = {
    "understanding": "(recorded in the CRM)",
    "outcomes_sought": "(recorded in the CRM)",
}


class ColumnSpec(InputModel):
    """How one fact is read: its column, and optionally a date/time format or a code table."""

    column: str = Field(min_length=1)
    format: str | None = Field(
        default=None, description="strptime format for a date or time column"
    )
    values: dict[str, str] | None = Field(
        default=None, description="CRM code -> model value (for channel, outcome, yes/no)"
    )


class DateSettings(InputModel):
    format: str | None = Field(
        default=None, description="strptime format used by every date column without its own"
    )
    dayfirst: bool = Field(
        default=True, description="read 01/05/2024 as 1 May (UK) when no format matches"
    )
    fallback: bool = Field(
        default=True,
        description="when a value does not match the explicit format, try python-dateutil",
    )


class ColumnMapping(InputModel):
    """A mapping file: which column holds which fact, and how values are written."""

    format: Literal["csv", "jsonl", "json", "parquet"] | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    dates: DateSettings = DateSettings()
    true_values: list[str] = ["yes", "y", "true", "t", "1"]
    false_values: list[str] = ["no", "n", "false", "f", "0"]
    columns: dict[str, str | ColumnSpec] = {}

    def spec(self, target: str) -> ColumnSpec | None:
        found = self.columns.get(target)
        if found is None:
            return None
        return ColumnSpec(column=found) if isinstance(found, str) else found


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row was rejected: its row number, the column at fault and the reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"column {self.column!r}: " if self.column else ""
        return f"row {self.row}: {where}{self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its case, or the problems that stopped it becoming one."""

    row: int
    case: Complaint | None
    problems: tuple[RowProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.case is not None


def load_mapping(path: str | Path) -> ColumnMapping:
    """A column-mapping file (YAML or JSON); mistakes in it raise :class:`InputError`."""
    p = Path(path)
    data = read_document(p)
    if not isinstance(data, dict):
        raise InputError(p, [InputProblem("(top level)", "expected a mapping file")])
    try:
        mapping = ColumnMapping.model_validate(data)
    except ValidationError as exc:
        problems = [
            InputProblem(
                format_location([x for x in e["loc"] if isinstance(x, int | str)]), e["msg"]
            )
            for e in exc.errors(include_url=False)
        ]
        raise InputError(p, problems) from None
    problems = _check_mapping(mapping)
    if problems:
        raise InputError(p, problems)
    return mapping


def _check_mapping(mapping: ColumnMapping) -> list[InputProblem]:
    problems: list[InputProblem] = []
    for target in mapping.columns:
        if target not in TARGETS:
            close = [t for t in TARGETS if t.split(".")[-1] == target.split(".")[-1]]
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                InputProblem(
                    f"columns.{target}",
                    f"unknown field {target!r}{hint} (known fields: see docs/crm-integration.md)",
                )
            )
            continue
        spec = mapping.spec(target)
        assert spec is not None
        kind = TARGETS[target].kind
        if spec.format is not None:
            if kind not in ("date", "time"):
                problems.append(
                    InputProblem(f"columns.{target}.format", f"{target} is not a date or time")
                )
            elif (why := _bad_format(spec.format, kind)) is not None:
                problems.append(InputProblem(f"columns.{target}.format", why))
        if spec.values:
            allowed = _allowed_values(kind)
            for code, value in spec.values.items():
                if allowed is not None and value not in allowed:
                    problems.append(
                        InputProblem(
                            f"columns.{target}.values.{code}",
                            f"{value!r} is not one of {', '.join(sorted(allowed))}",
                        )
                    )
    if mapping.dates.format is not None and (why := _bad_format(mapping.dates.format, "date")):
        problems.append(InputProblem("dates.format", why))
    return problems


def _allowed_values(kind: Kind) -> set[str] | None:
    if kind == "channel":
        return {c.value for c in Channel}
    if kind == "outcome":
        return {o.value for o in Outcome}
    if kind == "bool":
        return {"true", "false"}
    return None


def _bad_format(fmt: str, kind: str) -> str | None:
    """Why a strptime format cannot work, or None: it must read back what it writes."""
    sample = datetime(2024, 5, 1, 14, 30)
    try:
        written = sample.strftime(fmt)
        parsed = datetime.strptime(written, fmt)
    except ValueError as exc:
        return f"bad {kind} format {fmt!r}: {exc}"
    if kind == "date" and parsed.date() != sample.date():
        return f"bad date format {fmt!r}: it does not give day, month and year"
    if kind == "time" and (parsed.hour, parsed.minute) != (14, 30):
        return f"bad time format {fmt!r}: it does not give hours and minutes"
    return None


# -- reading values -------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_FIRST = re.compile(r"^\d{4}\D")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


#: English month names (``calendar.month_name`` follows the machine's locale).
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
#: A date of three numbers with the year last (31/09/2024, 12-5-24): which number is the
#: day is given by the mapping's ``dayfirst``, never guessed from the values.
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")


def _why_not_a_date(text: str, dayfirst: bool) -> str:
    """Why ``text`` is not a date, in our words: python-dateutil's own messages change
    between its releases, and a row's rejection must read the same whatever is installed."""
    numeric = _NUMERIC_DATE.match(text)
    if numeric is None:
        return "not a form of date we can read"
    first, second, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
    day, month = (first, second) if dayfirst else (second, first)
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if len(numeric[3]) == 2:
        year += 2000
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= last:
        return f"{_MONTHS[month - 1]} {year} has no day {day}"
    return "not a form of date we can read"


class _DateReader:
    """Dates in an explicit format, else ISO, else python-dateutil (day first by default).

    Results are cached by text: an export repeats the same few hundred dates.
    """

    def __init__(self, fmt: str | None, dayfirst: bool, fallback: bool) -> None:
        self.fmt = fmt
        self.dayfirst = dayfirst
        self.fallback = fallback
        self._cache: dict[str, date | str] = {}

    def __call__(self, text: str) -> date:
        found = self._cache.get(text)
        if found is None:
            found = self._parse(text)
            if len(self._cache) < 100_000:
                self._cache[text] = found
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _parse(self, text: str) -> date | str:
        if self.fmt is not None:
            try:
                return datetime.strptime(text, self.fmt).date()
            except ValueError:
                if not self.fallback:
                    return f"{text!r} is not a date in the format {self.fmt!r}"
        if _ISO.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError as exc:
                return f"{text!r} is not a valid date ({exc})"
        if _ISO_MOMENT.match(text):  # python-dateutil would read it day first: 2024-01-05
            try:
                moment = datetime.fromisoformat(text)
            except ValueError as exc:
                return f"{text!r} is not a valid date and time ({exc})"
            if moment.utcoffset() is not None:
                return f"{text!r} has a time and a UTC offset; give the date it was in the UK"
            return moment.date()
        if _NUMBER.fullmatch(text):
            return (
                f"{text!r} is a number, not a date (numbers are not read as dates, not even "
                "as Unix timestamps; for digits-only dates set a format such as '%Y%m%d')"
            )
        try:
            parsed = _dateparser.parse(
                text, dayfirst=self.dayfirst, yearfirst=bool(_YEAR_FIRST.match(text))
            )
        except (ValueError, OverflowError):
            expected = f" (expected {self.fmt!r})" if self.fmt else ""
            return f"{text!r} is not a date{expected}: {_why_not_a_date(text, self.dayfirst)}"
        numeric = _NUMERIC_DATE.match(text)
        if numeric is not None:
            # python-dateutil swaps day and month when the month would be over 12
            first, second = int(numeric[1]), int(numeric[2])
            day, month = (first, second) if self.dayfirst else (second, first)
            if (parsed.day, parsed.month) != (day, month):
                order = "day first" if self.dayfirst else "month first"
                return f"{text!r} is not a date read {order}: there is no month {month}"
        return parsed.date()


def _read_time(fmt: str | None) -> Any:
    cache: dict[str, time] = {}

    def read(text: str) -> time:
        found = cache.get(text)
        if found is None:
            found = datetime.strptime(text, fmt).timetz() if fmt else time.fromisoformat(text)
            if len(cache) < 10_000:
                cache[text] = found
        return found

    return read


@dataclass(slots=True)
class _Field:
    target: str
    column: str
    index: int
    kind: Kind
    stage: int | None
    keys: tuple[str | int, ...]
    read: Any
    values: dict[str, str] | None
    parse: Any = None


class _Parse:
    """A column's text to its typed value: codes mapped, then read by kind (cached)."""

    def __init__(self, f: _Field, converter: RowConverter) -> None:
        self.field = f
        self.converter = converter
        self.cache: dict[Any, Any] = {}

    def __call__(self, raw: Any) -> Any:
        try:
            return self.cache[raw]
        except (KeyError, TypeError):
            pass
        value = self.converter._value(self.field, raw)
        if isinstance(raw, str) and len(self.cache) < 50_000 and self.field.kind != "str":
            self.cache[raw] = value
        return value


def _not_an_object(record: Any) -> str:
    """Why a JSON record that is not an object is no case, in JSON's terms."""
    if record is None:
        kind = "null"
    elif isinstance(record, bool):
        kind = "true or false"
    elif isinstance(record, int | float):
        kind = "a number"
    elif isinstance(record, str):
        kind = "text"
    elif isinstance(record, list):
        kind = "a list"
    else:
        kind = type(record).__name__
    return f"expected a case (a JSON object), got {kind}"


@dataclass(slots=True)
class RowConverter:
    """Turns one raw record (CSV values, or a JSON object) into a validated :class:`Row`.

    Picklable, so bulk evaluation can convert rows in worker processes.
    """

    fields: list[_Field]
    true_values: frozenset[str]
    false_values: frozenset[str]
    nested: bool = False  # JSON records in the case model's own shape (no mapping)
    json_lines: bool = False  # records are lines of JSON text
    header: tuple[str, ...] = ()
    #: The CSV delimiter, for records given as text (see :meth:`CaseReader.raw_records`).
    delimiter: str = ","
    #: Build valid flat rows directly (see :func:`_construct`); False validates every row
    #: with pydantic. Both accept and reject the same rows (tests/crm/test_tabular.py).
    construct: bool = True

    def split(self, chunk: Sequence[tuple[int, Any]]) -> list[tuple[int, Any]]:
        """CSV records given as text parsed into value lists (other records unchanged)."""
        if self.nested or self.json_lines or not self.header or not chunk:
            return list(chunk)  # JSON records (a JSON export's text is not a CSV line)
        texts = [text for _, text in chunk if type(text) is str]
        if not texts:
            return list(chunk)
        parsed: list[Any]
        try:
            parsed = list(csv.reader(texts, delimiter=self.delimiter))
        except csv.Error:
            parsed = []
        if len(parsed) != len(texts):  # a malformed record: parse one by one
            parsed = []  # a record's values, or why they cannot be read
            for text in texts:
                try:
                    parsed.append(next(csv.reader([text], delimiter=self.delimiter)))
                except (csv.Error, StopIteration) as exc:
                    parsed.append(exc)
        if len(texts) == len(chunk):
            return [(number, values) for (number, _), values in zip(chunk, parsed, strict=True)]
        values = iter(parsed)
        return [(number, next(values) if type(r) is str else r) for number, r in chunk]

    def convert(self, row: int, record: Any) -> Row:
        if isinstance(record, Exception):
            reason = str(record)
            if not isinstance(record, UnreadableRecordError):
                reason = f"unreadable CSV record: {reason}"
            return Row(row, None, (RowProblem(row, "", reason),))
        if self.json_lines and isinstance(record, str):
            try:
                record = json.loads(record, object_pairs_hook=no_duplicate_keys)
            except json.JSONDecodeError as exc:
                return Row(row, None, (RowProblem(row, "", f"invalid JSON: {exc.msg}"),))
            except DuplicateKeyError as exc:
                return Row(row, None, (RowProblem(row, exc.key, "duplicate key"),))
        if self.nested:
            return self._convert_nested(row, record)
        if not isinstance(record, dict) and not (isinstance(record, list) and self.header):
            # a JSON record that is not an object (a CSV record is a list of cells)
            return Row(row, None, (RowProblem(row, "", _not_an_object(record)),))
        if isinstance(record, list) and self.header and len(record) > len(self.header):
            # Cells beyond the header belong to no column: the row's values are misaligned.
            return Row(
                row,
                None,
                (
                    RowProblem(
                        row,
                        "",
                        f"the record has {len(record)} cells but the header names "
                        f"{len(self.header)} columns",
                    ),
                ),
            )
        if isinstance(record, dict):
            get = record.get
            values: Sequence[Any] = [get(f.column) for f in self.fields]
        elif len(record) == len(self.header):
            values = [record[f.index] for f in self.fields]
        else:
            values = [record[f.index] if f.index < len(record) else None for f in self.fields]
        if self.construct:
            built = self._construct_values(values)
            if built is not None:
                return Row(row, built)
        data: dict[str, Any] = {}
        stages: dict[int, dict[str, Any]] = {1: {"number": 1}}
        problems: list[RowProblem] = []
        where: dict[tuple[Any, ...], str] = {
            f.keys: f.column for f in self.fields if f.stage is None
        }
        for f, raw in zip(self.fields, values, strict=True):
            if raw is None:
                continue
            if isinstance(raw, str):
                raw = raw.strip()
                if not raw:
                    continue
            try:
                value = self._value(f, raw)
            except (ValueError, TypeError) as exc:
                problems.append(RowProblem(row, f.column, str(exc)))
                continue
            if value is None:
                continue
            if f.stage is None:
                data[f.keys[0]] = value  # type: ignore[index]
                where[f.keys] = f.column
            else:
                stage = stages.setdefault(f.stage, {"number": f.stage})
                if f.target.endswith("definition_recorded"):
                    if value is False:
                        continue
                    value = dict(_DEFINITION_RECORDED)
                _put(stage, f.keys, value)
                where[(f.stage, *f.keys)] = f.column
        if problems:
            return Row(row, None, tuple(problems))
        for n, stage in stages.items():
            ack = stage.get("acknowledged")
            if isinstance(ack, dict) and "on" not in ack:
                column = where.get((n, "acknowledged", "definition"), "")
                column = column or where.get((n, "acknowledged", "definition", "understanding"), "")
                column = column or where.get(
                    (n, "acknowledged", "definition", "outcomes_sought"), ""
                )
                problems.append(
                    RowProblem(row, column, f"a stage {n} definition but no acknowledgement date")
                )
        if problems:
            return Row(row, None, tuple(problems))
        ordered = [stages[n] for n in sorted(stages)]
        for stage in ordered:
            # Explicit empty values: pydantic deep-copies a default on every instance.
            for name in _STAGE_LISTS:
                stage.setdefault(name, [])
            for remedy in stage["remedies"]:  # the remedy columns hold a payment
                remedy.setdefault("kind", "financial")
            response = stage.get("response")
            if response is not None:
                response.setdefault("contents", _CONTENTS)
        data["stages"] = ordered
        data.setdefault("resident", _RESIDENT)
        data["refusals"] = []
        data["contact_restrictions"] = []
        try:
            return Row(row, Complaint.model_validate(data))
        except ValidationError as exc:
            index_of = {s["number"]: i for i, s in enumerate(ordered)}
            columns = {
                (("stages", index_of[k[0]], *k[1:]) if isinstance(k[0], int) else k): c
                for k, c in where.items()
                if not isinstance(k[0], int) or k[0] in index_of
            }
            return Row(row, None, tuple(self._problems(row, exc, columns)))

    def _construct_values(self, values: Sequence[Any]) -> Complaint | None:
        """A record's case built directly from its values, one per field (see
        :func:`_construct`).

        None when any value does not read, or the case is not certainly valid: the checked
        path then names the column and the reason.
        """
        got: dict[str, Any] = {}
        try:
            for f, raw in zip(self.fields, values, strict=True):
                if raw is None or raw == "":
                    continue
                if isinstance(raw, str) and (raw[0].isspace() or raw[-1].isspace()):
                    raw = raw.strip()
                    if not raw:
                        continue
                got[f.target] = f.parse(raw) if f.parse is not None else self._value(f, raw)
        except (ValueError, TypeError):
            return None
        return _construct(got)

    def _value(self, f: _Field, raw: Any) -> Any:
        if f.values is not None and isinstance(raw, str):
            raw = f.values.get(raw, raw)
        kind = f.kind
        if kind == "str":
            return str(raw)
        if kind == "date":
            if isinstance(raw, date) and not isinstance(raw, datetime):
                return raw
            return f.read(str(raw))  # a date and time (Parquet) is read as its ISO text
        if kind == "time":
            if isinstance(raw, time):
                return raw
            return f.read(str(raw))
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().casefold()
            if text in self.true_values:
                return True
            if text in self.false_values:
                return False
            raise ValueError(f"{raw!r} is not yes or no")
        if kind == "channel":
            text = str(raw).strip()
            try:
                return Channel(text.casefold().replace(" ", "_").replace("-", "_"))
            except ValueError:
                known = ", ".join(c.value for c in Channel)
                raise ValueError(
                    f"{raw!r} is not a channel ({known}); map CRM codes with 'values:'"
                ) from None
        if kind == "outcome":
            text = str(raw).strip()
            try:
                return Outcome(text.casefold().replace(" ", "_").replace("-", "_"))
            except ValueError:
                known = ", ".join(o.value for o in Outcome)
                raise ValueError(
                    f"{raw!r} is not an outcome ({known}); map CRM codes with 'values:'"
                ) from None
        raise AssertionError(kind)

    def _problems(
        self, row: int, exc: ValidationError, columns: Mapping[tuple[Any, ...], str]
    ) -> Iterator[RowProblem]:
        paths = {format_location(list(k)): c for k, c in columns.items()}
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if isinstance(p, int | str))
            message = err["msg"].removeprefix("Value error, ")
            column = ""
            for n in range(len(loc), 0, -1):
                if loc[:n] in columns:
                    column = columns[loc[:n]]
                    break
            if loc and not column:
                column = format_location(list(loc))
            if not loc:  # a whole-case consistency problem: name the first column it mentions
                for part in message.split("; "):
                    head = part.split(" ", 1)[0].split(":", 1)[0]
                    yield RowProblem(row, paths.get(head, ""), part)
                continue
            yield RowProblem(row, column, message)

    def _convert_nested(self, row: int, record: Any) -> Row:
        if not isinstance(record, dict):
            return Row(
                row,
                None,
                (RowProblem(row, "", _not_an_object(record)),),
            )
        try:
            return Row(row, Complaint.model_validate(record))
        except ValidationError as exc:
            out = []
            for err in exc.errors(include_url=False):
                loc = [p for p in err["loc"] if isinstance(p, int | str)]
                loc = [p for p in loc if not (isinstance(p, str) and p.endswith("Event"))]
                message = err["msg"].removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    message = "unknown field (see `complaintrules schema case`)"
                out.append(RowProblem(row, format_location(loc), message))
            return Row(row, None, tuple(out))


# -- building valid flat rows without a second validation ------------------------------------


_STAGE2_TARGETS = frozenset(t for t in TARGETS if t.startswith("stage2."))
_EXTENSION_TARGETS = {
    n: frozenset(
        f"stage{n}.extension_{k}" for k in ("reason", "ombudsman_details_given", "good_reason")
    )
    for n in (1, 2)
}


#: Targets a row is validated for (built by the model, not directly).
_VALIDATED = frozenset(
    {
        "staff_complained_about",
        "earlier_complaints",
        "earlier_complaints_considered",
        "feedback_sought",
        "category",
        "tenure",
        *(
            t
            for t in TARGETS
            if t.partition(".")[2] in ("impact", "remedy_amount", "remedy_paid_on")
        ),
    }
)


def _make(cls: type[Any], **values: Any) -> Any:
    """A model instance from values already of the right types, without validation.

    Only for values this module has parsed and typed itself; fields not given take their
    defaults (a fresh list for list fields), as pydantic's ``model_construct`` gives them.
    """
    return cls.model_construct(**values)


def _construct(got: Mapping[str, Any]) -> Complaint | None:
    """A flat row's case, built directly when it is certainly valid; else None.

    Values are already typed by the column readers; what validation would still check is
    that required fields are present and the case is consistent (dates in order), and
    both are checked here. Anything unusual returns None, and the row goes through
    pydantic validation instead, which names the column and the reason.
    """
    reference = got.get("reference")
    received = got.get("received_on")
    if not reference or received is None or not got.keys().isdisjoint(_VALIDATED):
        return None  # (names in one text are split by validation)
    at = got.get("received_at")
    if at is not None and at.tzinfo is not None:
        return None  # validation converts it to UK time (or refuses it)
    stages = []
    for n, p in ((1, "stage1."), (2, "stage2.")):
        if n == 2 and got.keys().isdisjoint(_STAGE2_TARGETS):
            continue
        if p + "understanding" in got or p + "outcomes_sought" in got:
            return None
        if not got.keys().isdisjoint({p + "contributors", p + "signed_off_by", p + "names_staff"}):
            return None  # (validation splits the names and checks the response date)
        ack_on = got.get(p + "acknowledged_on")
        recorded = got.get(p + "definition_recorded")
        if recorded is not None and ack_on is None:
            return None
        ack = None
        if ack_on is not None:
            definition = _RECORDED if recorded else None
            ack = _make(Acknowledgement, on=ack_on, definition=definition)
        extensions = []
        notified = got.get(p + "extension_notified_on")
        new_due = got.get(p + "extension_new_due")
        if (
            notified is not None
            or new_due is not None
            or not got.keys().isdisjoint(_EXTENSION_TARGETS[n])
        ):
            if notified is None or new_due is None:
                return None
            extensions.append(
                _make(
                    Extension,
                    notified_on=notified,
                    new_due=new_due,
                    reason=got.get(p + "extension_reason"),
                    ombudsman_details_given=got.get(p + "extension_ombudsman_details_given"),
                    good_reason=got.get(p + "extension_good_reason"),
                )
            )
        response = None
        issued = got.get(p + "response_on")
        outcome = got.get(p + "outcome")
        if issued is not None:
            response = _make(Response, issued_on=issued, contents=_CONTENTS, outcome=outcome)
        elif outcome is not None:
            return None
        stages.append(
            _make(
                Stage,
                number=n,
                requested_on=got.get(p + "requested_on"),
                logged_on=got.get(p + "logged_on"),
                acknowledged=ack,
                handler=got.get(p + "handler"),
                handler_organisation=got.get(p + "handler_organisation"),
                extensions=extensions,
                response=response,
            )
        )
    case: Complaint = _make(
        Complaint,
        reference=reference,
        landlord=got.get("landlord"),
        received_on=received,
        received_at=got.get("received_at"),
        channel=got.get("channel"),
        resident=_RESIDENT,
        issue_occurred_on=got.get("issue_occurred_on"),
        became_aware_on=got.get("became_aware_on"),
        stages=stages,
        withdrawn_on=got.get("withdrawn_on"),
        closed_on=got.get("closed_on"),
    )
    return case if case._consistent() else None


def _put(target: dict[str, Any], keys: tuple[str | int, ...], value: Any) -> None:
    node: Any = target
    for i, key in enumerate(keys[:-1]):
        nxt = keys[i + 1]
        if isinstance(key, int):
            while len(node) <= key:
                node.append({})
            node = node[key]
            continue
        if key not in node:
            node[key] = [] if isinstance(nxt, int) else {}
        node = node[key]
    node[keys[-1]] = value


def _converter(mapping: ColumnMapping | None, header: Sequence[str] | None) -> RowConverter:
    """A converter for the given mapping, with columns found in ``header`` (CSV)."""
    if mapping is None:
        mapping = ColumnMapping(columns={name: name for name in header or () if name})
    true_values = frozenset(v.casefold() for v in mapping.true_values)
    false_values = frozenset(v.casefold() for v in mapping.false_values)
    fields: list[_Field] = []
    positions = {name: i for i, name in enumerate(header or ())}
    for target in TARGETS:
        spec = mapping.spec(target)
        if spec is None:
            continue
        t = TARGETS[target]
        if t.kind == "date":
            fmt = spec.format or mapping.dates.format
            read: Any = _DateReader(fmt, mapping.dates.dayfirst, mapping.dates.fallback)
        elif t.kind == "time":
            read = _read_time(spec.format)
        else:
            read = None
        fields.append(
            _Field(
                target,
                spec.column,
                positions.get(spec.column, -1),
                t.kind,
                t.stage,
                t.keys,
                read,
                spec.values,
            )
        )
    converter = RowConverter(fields, true_values, false_values, header=tuple(header or ()))
    for f in fields:
        f.parse = _Parse(f, converter)
    return converter


# -- readers --------------------------------------------------------------------------------

#: A quoted CSV cell may hold line breaks, but a cell still open after this many lines or
#: characters is taken as a stray quote (the second is the csv module's default limit).
MAX_QUOTED_LINES = 100
MAX_QUOTED_CHARS = 131_072

#: What a decoder reading with errors="surrogateescape" makes of a byte it cannot read.
_UNDECODED = re.compile("[\udc80-\udcff]")
_UTF8 = frozenset({"utf-8", "utf8", "utf-8-sig", "utf8-sig", "u8"})


class UnreadableRecordError(ValueError):
    """A record that cannot be read as a row (a stray quote, bytes not in the encoding).

    Readers yield it in place of the record; converting it gives a rejected row that
    says why.
    """


def _scan(line: str, quoted: bool, delimiter: str) -> tuple[bool, bool]:
    """Follow the quotes of one line of CSV text as the csv module reads them.

    ``quoted``: whether the line starts inside a quoted cell. Returns whether it ends
    inside one, and whether a cell open at its start was closed cleanly (by a quote
    followed by the delimiter or the end of the line, as a CSV writer closes it).
    A quote opens a cell only at the start of a cell; inside one, two quotes are a quote.
    """
    clean = True
    carried = quoted
    i = 0
    while True:
        i = line.find('"', i)
        if i < 0:
            return quoted, clean
        if quoted:
            if line.startswith('"', i + 1):
                i += 2
                continue
            i += 1
            quoted = False
            if carried:
                carried = False
                clean = i >= len(line) or line[i] == delimiter or line[i] in "\r\n"
        else:
            if i == 0 or line[i - 1] == delimiter:
                quoted = True
            i += 1


def _closed_line(delimiter: str) -> Any:
    """A pattern matching a whole line of cells, each unquoted or quoted within the line.

    Such a line leaves no quote open; it checks at C speed what :func:`_scan` would find
    on the lines of an export that quotes every cell.
    """
    d = re.escape(delimiter)
    cell = f'(?:"[^"]*(?:""[^"]*)*"|[^"{d}\\r\\n]*)'
    return re.compile(f"{cell}(?:{d}{cell})*(?:\\r\\n|\\n|\\r)?").fullmatch


def _opening_quote(line: str, delimiter: str) -> int:
    """The cell (from 0) of the quoted cell a line read on its own leaves open at its end."""
    position = 0
    quoted = False
    i = 0
    while True:
        i = line.find('"', i)
        if i < 0:
            break
        if quoted:
            if line.startswith('"', i + 1):
                i += 2
                continue
            quoted = False
        elif i == 0 or line[i - 1] == delimiter:
            quoted = True
            position = i
        i += 1
    if position == 0:
        return 0
    try:
        return len(next(csv.reader([line[:position]], delimiter=delimiter))) - 1
    except (csv.Error, StopIteration):
        return 0


class CaseReader:
    """Reads a case export (CSV, JSON Lines, JSON or Parquet) into :class:`Row` objects.

    ``records()`` yields raw records with their row numbers and ``converter`` turns each
    into a row; ``rows()`` does both. Counts of rows read, evaluated and rejected are kept
    by whoever consumes them (see :func:`complaintrules.evaluate_cases`).
    """

    def __init__(
        self,
        path: str | Path,
        mapping: ColumnMapping | str | Path | None = None,
        *,
        sheet: str | None = None,
    ):
        self.path = Path(path)
        #: The sheet of an Excel workbook to read (None: its first); see io/excel.py.
        self.sheet = sheet
        self.mapping_path: Path | None = None
        if isinstance(mapping, str | Path):
            self.mapping_path = Path(mapping)
            mapping = load_mapping(mapping)
        self.mapping = mapping
        if self.path.is_dir():
            raise InputError(
                self.path,
                [
                    InputProblem(
                        "", "is a folder; expected a case export file (CSV, JSON Lines or JSON)"
                    )
                ],
            )
        self.format = self._format()
        if not self.path.is_file():
            raise InputError(self.path, [InputProblem("", "no such file")])
        self.converter = self._make_converter()
        self._size = self.path.stat().st_size
        self._chars = 0
        self._records = 0

    def _format(self) -> str:
        suffix = self.path.suffix.lower()
        if suffix in (".parquet", ".pq"):
            return "parquet"  # the mapping's format names how a text export is written
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"  # an Excel workbook, whatever the mapping's format
        if self.mapping is not None and self.mapping.format is not None:
            return self.mapping.format
        if suffix in (".jsonl", ".ndjson"):
            return "jsonl"
        if suffix == ".json":
            return "json"
        if suffix in (".csv", ".tsv", ".txt"):
            return "csv"
        raise InputError(
            self.path,
            [
                InputProblem(
                    "",
                    "cannot tell the format from the extension; use .csv, .jsonl, "
                    ".json, .parquet or .xlsx, or set 'format:' in a mapping file",
                )
            ],
        )

    @property
    def encoding(self) -> str:
        return self.mapping.encoding if self.mapping is not None else "utf-8-sig"

    def _make_converter(self) -> RowConverter:
        if self.format not in ("csv", "parquet", "xlsx"):
            lines = self.format == "jsonl"
            if self.mapping is None:
                return RowConverter([], frozenset(), frozenset(), nested=True, json_lines=lines)
            converter = _converter(self.mapping, None)
            converter.json_lines = lines
            return converter
        if self.format == "xlsx":
            from .excel import excel_header

            header = excel_header(self.path, self.sheet)
        else:
            header = self._header() if self.format == "csv" else self._parquet_header()
        self._refuse_repeated_columns(header)
        mapping_problems: list[InputProblem] = []
        if self.mapping is None:
            unknown = [h for h in header if h and h not in TARGETS]
            for name in unknown:
                mapping_problems.append(
                    InputProblem(
                        f"column {name!r}",
                        "unknown column; name columns after the case fields "
                        "(docs/crm-integration.md) or give a mapping file (--mapping)",
                        1,
                    )
                )
            if mapping_problems:
                raise InputError(self.path, mapping_problems)
        converter = _converter(self.mapping, header)
        converter.delimiter = self.mapping.delimiter if self.mapping is not None else ","
        missing = [f for f in converter.fields if f.index < 0]
        if missing:
            where = self.mapping_path or self.path
            raise InputError(
                where,
                [
                    InputProblem(
                        f"columns.{f.target}",
                        f"column {f.column!r} is not in {self.path.name} (its columns: "
                        f"{', '.join(header)})",
                    )
                    for f in missing
                ],
            )
        required = {"reference", "received_on"} - {f.target for f in converter.fields}
        if required:
            raise InputError(
                self.mapping_path or self.path,
                [
                    InputProblem("columns", f"no column is mapped to {name!r}")
                    for name in sorted(required)
                ],
            )
        return converter

    def _open(self) -> Any:
        try:
            # Bytes the encoding cannot read become lone surrogates, so that the line
            # holding them is rejected (see _undecodable) and the rest is read.
            return self.path.open(encoding=self.encoding, errors="surrogateescape", newline="")
        except OSError as exc:
            raise InputError(self.path, [InputProblem("", f"cannot read: {exc}")]) from None
        except LookupError:
            raise InputError(
                self.mapping_path or self.path,
                [InputProblem("encoding", f"unknown encoding {self.encoding!r}")],
            ) from None

    def _refuse_repeated_columns(self, header: Sequence[str]) -> None:
        """A column read for a case field named twice in the header is an input error:
        which of the two cells holds the value cannot be known (a column the mapping does
        not read may repeat)."""
        read: set[str] | None = None
        if self.mapping is not None:
            read = {spec.column for t in TARGETS if (spec := self.mapping.spec(t)) is not None}
        first: dict[str, int] = {}
        problems: list[InputProblem] = []
        for i, name in enumerate(header, 1):
            if not name or (read is not None and name not in read):
                continue
            if name in first:
                problems.append(
                    InputProblem(
                        f"column {name!r}",
                        f"named twice in the header (columns {first[name]} and {i}); "
                        "expected each column once",
                        1,
                    )
                )
            else:
                first[name] = i
        if problems:
            raise InputError(self.path, problems)

    def _header(self) -> list[str]:
        delimiter = self.mapping.delimiter if self.mapping is not None else ","
        lines: list[str] = []
        quoted = False
        with self._open() as handle:
            for number, line in enumerate(handle, start=1):  # a quoted cell may span lines
                if not line.isascii() and (bad := self._undecodable(number, line)) is not None:
                    raise InputError(self.path, [InputProblem("header", str(bad))])
                lines.append(line)
                quoted, _ = _scan(line, quoted, delimiter)
                if not quoted:
                    break
                if len(lines) >= MAX_QUOTED_LINES:
                    break
        if not lines:
            raise InputError(self.path, [InputProblem("", "file is empty")])
        if quoted:
            why = f"a quoted cell of the header is still open after {len(lines)} line(s)"
            raise InputError(self.path, [InputProblem("header", why)])
        try:
            header = next(csv.reader(["".join(lines)], delimiter=delimiter), [])
        except csv.Error as exc:
            raise InputError(self.path, [InputProblem("line 1", str(exc))]) from None
        return [h.strip() for h in header]

    def _parquet_header(self) -> list[str]:
        """The column names of a Parquet file (its schema), or why it cannot be read."""
        from .parquet import parquet_file

        return [name.strip() for name in parquet_file(self.path).schema_arrow.names]

    def records(self) -> Iterator[tuple[int, Any]]:
        """(row number, raw record) pairs: CSV value lists, JSON Lines text, JSON objects,
        Parquet rows as value lists (a Parquet row is numbered by its position from 1).

        A record that cannot be read at all (a runaway quote, bytes not in the file's
        encoding) is given as an exception saying why; :meth:`convert` rejects it.
        """
        if self.format == "csv":
            batch: list[tuple[int, Any]] = []
            for item in self.raw_records():
                batch.append(item)
                if len(batch) >= 1000:
                    yield from self.converter.split(batch)
                    batch = []
            yield from self.converter.split(batch)
        elif self.format == "parquet":
            from .parquet import parquet_rows

            yield from parquet_rows(self.path)
        elif self.format == "xlsx":
            from .excel import excel_rows

            yield from excel_rows(self.path, self.sheet)
        elif self.format == "jsonl":
            with self._open() as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        bad = None if line.isascii() else self._undecodable(number, line)
                        yield number, line if bad is None else bad
        else:
            data = read_document(self.path)
            if isinstance(data, dict) and "cases" in data:
                data = data["cases"]
            if not isinstance(data, list):
                raise InputError(self.path, [InputProblem("(top level)", "expected a list")])
            yield from enumerate(data, start=1)

    def raw_records(self) -> Iterator[tuple[int, Any]]:
        """As :meth:`records`, but a CSV record is its text (``converter.split`` parses it).

        A record is a line, or several lines when a quoted cell holds line breaks; blank
        lines are no record. A quoted cell left open at the end of a line is checked as
        the following lines are read: if it runs away (see :func:`_runaway`), the record
        it opened on is given as an :class:`UnreadableRecordError` and reading starts again
        on the next line, so a stray quote costs one row, never the rows after it. Bulk
        evaluation reads these and leaves the parsing to its worker processes.
        """
        if self.format != "csv":
            yield from self.records()
            return
        delimiter = self.converter.delimiter
        with self._open() as handle:
            numbered = enumerate(handle, start=1)
            quoted = False
            for _, line in numbered:  # the header (a quoted cell in it may span lines)
                self._chars += len(line)
                quoted, _ = _scan(line, quoted, delimiter)
                if not quoted:
                    break
            yield from self.records_of_lines(numbered)

    def records_of_lines(
        self, numbered: Iterator[tuple[int, str]], stop_after: int = 0
    ) -> Iterator[tuple[int, Any]]:
        """The CSV records of ``numbered`` lines of the body, as :meth:`raw_records` gives
        them.

        With ``stop_after``, stops at the first line after that one that starts a record
        afresh (no quoted cell open, no line being read again) and sets
        :attr:`stopped_at` to its number; that line is consumed but not read, so the
        caller reads on from it (the columnar reader uses this for a stretch of the file
        it cannot read itself).
        """
        delimiter = self.converter.delimiter
        closed = _closed_line(delimiter)
        self.stopped_at = 0
        lines: Iterator[tuple[int, str]] = numbered
        replay_end = 0  # last line number being read again after a runaway quote
        while True:
            start = 0  # first line of a record whose quoted cell is still open
            parts: list[str] = []
            size = 0
            rewind: list[tuple[int, str]] | None = None
            for number, line in lines:
                if stop_after and not start and number > stop_after and number > replay_end:
                    self.stopped_at = number
                    return
                if number > replay_end:
                    self._chars += len(line)
                if not start:
                    if '"' not in line or closed(line) or not _scan(line, False, delimiter)[0]:
                        if line.strip():
                            self._records += 1
                            bad = None if line.isascii() else self._undecodable(number, line)
                            yield number, line if bad is None else bad
                        continue
                    start, parts, size = number, [line], len(line)
                    continue
                quoted, clean = _scan(line, True, delimiter)
                why = self._runaway(parts, size, number, line, quoted, clean)
                if why is not None:
                    self._records += 1
                    yield start, self._stray_quote(start, parts[0], why)
                    rewind = [(start + k, text) for k, text in enumerate(parts) if k]
                    rewind.append((number, line))
                    break
                parts.append(line)
                size += len(line)
                if not quoted:
                    self._records += 1
                    yield start, self._joined(start, parts)
                    start, parts, size = 0, [], 0
            else:
                if not start:
                    return
                self._records += 1
                why = "the file ends before it is closed"
                yield start, self._stray_quote(start, parts[0], why)
                rewind = [(start + k, text) for k, text in enumerate(parts) if k]
            if not rewind:
                return
            # Read the lines after the rejected one again, then carry on with the file
            # (or with what was still to be read again from an earlier runaway).
            rest = numbered if rewind[-1][0] >= replay_end else lines
            replay_end = max(replay_end, rewind[-1][0])
            lines = itertools.chain(rewind, rest)

    def _runaway(
        self, parts: list[str], size: int, number: int, line: str, quoted: bool, clean: bool
    ) -> str | None:
        """Why the quoted cell open since ``parts[0]`` is a stray quote, given the next line.

        A quoted cell may hold line breaks, as a CRM writes notes. It is taken as a stray
        quote, one that was never meant to open a cell, when the quote closing it is not
        the end of the cell; when it is open for more than MAX_QUOTED_LINES lines or
        MAX_QUOTED_CHARS characters; when a line inside it reads as a record of its own
        (:meth:`_record_like`); or when closing it leaves more cells than the header has.
        """
        if not clean:
            return f"the quote closing it on line {number} is followed by more of the cell"
        if len(parts) >= MAX_QUOTED_LINES:
            return f"is still open after {MAX_QUOTED_LINES} lines"
        if size + len(line) > MAX_QUOTED_CHARS:
            return f"is still open after {MAX_QUOTED_CHARS:,} characters"
        if self._record_like(line):
            return f"line {number} reads as a record of its own"
        if not quoted:
            width = len(self.converter.header)
            try:
                record = "".join(parts) + line
                cells = len(next(csv.reader([record], delimiter=self.converter.delimiter)))
            except (csv.Error, StopIteration):
                return f"the record it makes up to line {number} cannot be read"
            if cells > width:
                return (
                    f"closing it on line {number} makes a record of {cells} cells "
                    f"where the header names {width}"
                )
        return None

    def _record_like(self, line: str) -> bool:
        """Whether a line read on its own is a case record: as many cells as the header
        (or a quote opening after its reference and date received), a reference, and a
        date received that reads as a date.

        A line of free text inside a quoted cell is almost never that, a row of the
        export always is (unless that row is itself bad).
        """
        converter = self.converter
        try:
            cells = next(csv.reader([line], delimiter=converter.delimiter))
        except (csv.Error, StopIteration):
            return False
        if _scan(line, False, converter.delimiter)[0]:
            usable = _opening_quote(line, converter.delimiter)
        elif len(cells) == len(converter.header):
            usable = len(cells)
        else:
            return False
        for f in converter.fields:
            if f.target not in ("reference", "received_on"):
                continue
            if f.index >= usable:
                return False
            value = cells[f.index].strip()
            if not value:
                return False
            if f.target == "received_on":
                try:
                    f.parse(value)
                except (ValueError, TypeError):
                    return False
        return True

    def _joined(self, start: int, parts: list[str]) -> Any:
        """A record of several lines: its text, or why it cannot be read."""
        for k, line in enumerate(parts):
            if not line.isascii() and (bad := self._undecodable(start + k, line)) is not None:
                return bad
        return "".join(parts)

    def _stray_quote(self, start: int, line: str, why: str) -> UnreadableRecordError:
        column = ""
        opened = _opening_quote(line, self.converter.delimiter)
        header = self.converter.header
        if opened < len(header):
            column = f" (column {header[opened]!r})"
        return UnreadableRecordError(
            f"unterminated quote: a quoted cell{column} opens on line {start} and {why}; "
            f"the row is rejected and reading resumes on line {start + 1}"
        )

    def _undecodable(self, number: int, line: str) -> UnreadableRecordError | None:
        """Why a line holds bytes the file's encoding cannot read, or None."""
        found = _UNDECODED.search(line)
        if found is None:
            return None
        codec = self.encoding
        name = "UTF-8" if codec.replace("_", "-").lower() in _UTF8 else codec
        before = line[: found.start()].encode(codec, "surrogateescape")
        offset = len(before) - len("".encode(codec)) + 1  # not counting a byte-order mark
        byte = ord(found.group()) - 0xDC00
        return UnreadableRecordError(
            f"line {number}: byte {offset} of the line (0x{byte:02x}) is not valid {name}; "
            f"expected {name} text (a mapping file's 'encoding:' names another encoding)"
        )

    def fraction(self, rows_done: int) -> float | None:
        """Roughly how much of a CSV file ``rows_done`` rows are (None for other formats)."""
        if self.format != "csv" or not self._records or not self._chars:
            return None
        expected = self._records * self._size / self._chars
        return min(rows_done / max(expected, 1.0), 1.0)

    def convert(self, number: int, record: Any) -> Row:
        return self.converter.convert(number, record)

    def rows(self) -> Iterator[Row]:
        for number, record in self.records():
            yield self.convert(number, record)


def read_cases(
    path: str | Path, mapping: ColumnMapping | str | Path | None = None
) -> Iterator[Row]:
    """Rows of a case export, one at a time: each with its case or the reasons it failed."""
    return CaseReader(path, mapping).rows()


def iter_valid_cases(rows: Iterable[Row]) -> Iterator[Complaint]:
    """Only the cases of rows that validated."""
    for row in rows:
        if row.case is not None:
            yield row.case
