"""Case exports from CRMs: CSV, JSON Lines and JSON, with a column-mapping file.

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
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from dateutil import parser as _dateparser
from pydantic import Field, ValidationError

from ._base import Channel, InputModel
from ._case import (
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
from ._loading import InputError, InputProblem, format_location, read_document

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
        "received_on": _Target("date", None, ("received_on",), "date received (required)"),
        "received_at": _Target("time", None, ("received_at",), "time received"),
        "channel": _Target("channel", None, ("channel",), "how it arrived"),
        "issue_occurred_on": _Target("date", None, ("issue_occurred_on",), "issue date"),
        "became_aware_on": _Target("date", None, ("became_aware_on",), "awareness date"),
        "withdrawn_on": _Target("date", None, ("withdrawn_on",), "date withdrawn"),
        "closed_on": _Target("date", None, ("closed_on",), "date closed"),
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

    format: Literal["csv", "jsonl", "json"] | None = None
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
        try:
            parsed = _dateparser.parse(
                text, dayfirst=self.dayfirst, yearfirst=bool(_YEAR_FIRST.match(text))
            )
        except (ValueError, OverflowError) as exc:
            expected = f" (expected {self.fmt!r})" if self.fmt else ""
            return f"{text!r} is not a date{expected}: {exc}"
        return parsed.date()


def _read_time(fmt: str | None) -> Any:
    cache: dict[str, time] = {}

    def read(text: str) -> time:
        found = cache.get(text)
        if found is None:
            found = datetime.strptime(text, fmt).time() if fmt else time.fromisoformat(text)
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
        if self.nested or self.json_lines or not chunk or not isinstance(chunk[0][1], str):
            return list(chunk)
        try:
            parsed = list(csv.reader([text for _, text in chunk], delimiter=self.delimiter))
        except csv.Error:
            parsed = []
        if len(parsed) != len(chunk):  # a malformed record: parse one by one
            out: list[tuple[int, Any]] = []
            for number, text in chunk:
                try:
                    out.append((number, next(csv.reader([text], delimiter=self.delimiter))))
                except (csv.Error, StopIteration) as exc:
                    out.append((number, exc))
            return out
        return [(number, values) for (number, _), values in zip(chunk, parsed, strict=True)]

    def convert(self, row: int, record: Any) -> Row:
        if isinstance(record, Exception):
            return Row(row, None, (RowProblem(row, "", f"unreadable CSV record: {record}"),))
        if self.json_lines and isinstance(record, str):
            try:
                record = json.loads(record)
            except json.JSONDecodeError as exc:
                return Row(row, None, (RowProblem(row, "", f"invalid JSON: {exc.msg}"),))
        if self.nested:
            return self._convert_nested(row, record)
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
            if isinstance(raw, date):
                return raw
            return f.read(str(raw))
        if kind == "time":
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
                (RowProblem(row, "", f"expected a case (an object), got {type(record).__name__}"),),
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
    if not reference or received is None:
        return None
    stages = []
    for n, p in ((1, "stage1."), (2, "stage2.")):
        if n == 2 and got.keys().isdisjoint(_STAGE2_TARGETS):
            continue
        if p + "understanding" in got or p + "outcomes_sought" in got:
            return None
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


class CaseReader:
    """Reads a case export (CSV, JSON Lines or JSON) into :class:`Row` objects, streaming.

    ``records()`` yields raw records with their row numbers and ``converter`` turns each
    into a row; ``rows()`` does both. Counts of rows read, evaluated and rejected are kept
    by whoever consumes them (see :func:`complaintrules.evaluate_cases`).
    """

    def __init__(self, path: str | Path, mapping: ColumnMapping | str | Path | None = None):
        self.path = Path(path)
        self.mapping_path: Path | None = None
        if isinstance(mapping, str | Path):
            self.mapping_path = Path(mapping)
            mapping = load_mapping(mapping)
        self.mapping = mapping
        self.format = self._format()
        if not self.path.is_file():
            raise InputError(self.path, [InputProblem("", "no such file")])
        self.converter = self._make_converter()
        self._size = self.path.stat().st_size
        self._chars = 0
        self._records = 0

    def _format(self) -> str:
        if self.mapping is not None and self.mapping.format is not None:
            return self.mapping.format
        suffix = self.path.suffix.lower()
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
                    "cannot tell the format from the extension; use .csv, .jsonl or "
                    ".json, or set 'format:' in a mapping file",
                )
            ],
        )

    @property
    def encoding(self) -> str:
        return self.mapping.encoding if self.mapping is not None else "utf-8-sig"

    def _make_converter(self) -> RowConverter:
        if self.format != "csv":
            lines = self.format == "jsonl"
            if self.mapping is None:
                return RowConverter([], frozenset(), frozenset(), nested=True, json_lines=lines)
            converter = _converter(self.mapping, None)
            converter.json_lines = lines
            return converter
        header = self._header()
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
            return self.path.open(encoding=self.encoding, newline="")
        except OSError as exc:
            raise InputError(self.path, [InputProblem("", f"cannot read: {exc}")]) from None

    def _header(self) -> list[str]:
        delimiter = self.mapping.delimiter if self.mapping is not None else ","
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(self.path, [InputProblem("", "file is empty")]) from None
            except (csv.Error, UnicodeDecodeError) as exc:
                raise InputError(self.path, [InputProblem("line 1", str(exc))]) from None
        return [h.strip() for h in header]

    def records(self) -> Iterator[tuple[int, Any]]:
        """(row number, raw record) pairs: CSV value lists, JSON Lines text, JSON objects."""
        if self.format == "csv":
            yield from self._csv_records()
        elif self.format == "jsonl":
            with self._open() as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield number, line
        else:
            data = read_document(self.path)
            if isinstance(data, dict) and "cases" in data:
                data = data["cases"]
            if not isinstance(data, list):
                raise InputError(self.path, [InputProblem("(top level)", "expected a list")])
            yield from enumerate(data, start=1)

    def raw_records(self) -> Iterator[tuple[int, Any]]:
        """As :meth:`records`, but a CSV record is its text (``converter.split`` parses it).

        A record ends at a line end outside quotes, so quoted line breaks are kept. Bulk
        evaluation reads these and leaves the parsing to its worker processes.
        """
        if self.format != "csv":
            yield from self.records()
            return
        with self._open() as handle:
            first = True
            parts: list[str] = []
            quotes = 0
            start = 1
            for number, line in enumerate(handle, start=1):
                self._chars += len(line)
                if first:
                    quotes += line.count('"')
                    if quotes % 2 == 0:
                        first = False
                        quotes = 0
                    continue
                if not parts:
                    start = number
                    if not line.strip():
                        continue
                parts.append(line)
                quotes += line.count('"')
                if quotes % 2 == 0:
                    self._records += 1
                    yield start, "".join(parts) if len(parts) > 1 else parts[0]
                    parts = []
                    quotes = 0
            if parts:
                yield start, "".join(parts)

    def fraction(self, rows_done: int) -> float | None:
        """Roughly how much of a CSV file ``rows_done`` rows are (None for other formats)."""
        if self.format != "csv" or not self._records or not self._chars:
            return None
        expected = self._records * self._size / self._chars
        return min(rows_done / max(expected, 1.0), 1.0)

    def _csv_records(self) -> Iterator[tuple[int, Any]]:
        delimiter = self.mapping.delimiter if self.mapping is not None else ","
        with self._open() as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            next(reader, None)
            start = reader.line_num + 1
            try:
                for record in reader:
                    if record:
                        yield start, record
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise InputError(
                    self.path, [InputProblem(f"line {reader.line_num}", str(exc))]
                ) from None

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
