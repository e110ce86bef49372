"""A batch API for data engines: an Arrow table of cases in, an Arrow table of findings out.

:func:`evaluate_batch` takes a pyarrow ``Table`` or ``RecordBatch`` (or a list of dicts),
one case a row, and returns a pyarrow ``Table`` in the fixed, versioned layout
:data:`BATCH_SCHEMA` (docs/batch.md): one row per finding, plus one row per problem of a
row that could not be read as a case and one row per case not judged, so that every input
row appears in the output by its ``row_index`` (rows in = rows evaluated + rows rejected +
rows not judged).

:class:`EngineSpec` says how to build an engine (packs, plugins, conventions, closures) and
what to judge with it (as-of date, mapping, organisation) in plain, picklable values, so a
worker process of a data engine can be sent the spec and build its engine once
(:meth:`EngineSpec.build` keeps one engine per process for each engine-defining part of a
spec, in a :func:`functools.lru_cache`).

The evaluation of each row goes through the per-case path (:meth:`Engine.case_findings`);
only this module's inside changes when a columnar evaluator replaces it, never its output.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..calendar import clock as _clock
from ..calendar.working_days import WorkingCalendar
from ..engine.budget import DEFAULT_RULE_TIME_BUDGET
from ..engine.engine import Engine
from ..io.loading import InputError, InputProblem
from ..io.tabular import TARGETS, ColumnMapping, Row, RowConverter, RowProblem, load_mapping
from ..io.tabular import _converter as _mapping_converter
from ..law.packs import Pack
from ..law.plugins import NoPackError, PackRegistry
from ..law.rules import Finding, Verdict
from ..model.case import Complaint
from ..model.conventions import Conventions
from ..model.organisation import Organisation
from .evaluate import BulkSummary, breach_month, tally_case

__all__ = [
    "BATCH_SCHEMA",
    "BATCH_SCHEMA_VERSION",
    "NOT_JUDGED",
    "REJECTED",
    "EngineSpec",
    "evaluate_batch",
]

#: Version of the layout of :func:`evaluate_batch`'s output (:data:`BATCH_SCHEMA`), also
#: in the table's schema metadata under ``complaintrules.batch_schema_version``. The major
#: part is bumped on a breaking change (a field renamed, retyped or removed, a verdict
#: value changing meaning), the minor part when fields or verdict values are added.
BATCH_SCHEMA_VERSION = "1.1"

#: The verdict of an output row for an input row that could not be read as a case (one
#: output row per problem, naming the column or field at fault).
REJECTED = "rejected"
#: The verdict of an output row for a case read but not judged: received after the as-of
#: date, or judged by a pack with no case rules (the message says which).
NOT_JUDGED = "not_judged"

_METADATA_PREFIX = "complaintrules."

#: The output layout; every table :func:`evaluate_batch` returns has exactly these fields.
BATCH_SCHEMA = pa.schema(
    [
        pa.field("row_index", pa.int64(), nullable=False),
        pa.field("reference", pa.string()),
        pa.field("pack", pa.string()),
        pa.field("pack_version", pa.string()),
        pa.field("rule_id", pa.string()),
        pa.field("rule_pack", pa.string()),
        pa.field("provision", pa.string()),
        pa.field("level", pa.string()),
        pa.field("verdict", pa.string(), nullable=False),
        pa.field("message", pa.string(), nullable=False),
        pa.field("column", pa.string()),
        # 1.1: the landlord key of the row's case (its own, else the run's), for runs over
        # several landlords; null when there is none.
        pa.field("landlord", pa.string()),
    ],
    metadata={f"{_METADATA_PREFIX}batch_schema_version": BATCH_SCHEMA_VERSION},
)

_COLUMNS = tuple(BATCH_SCHEMA.names)


# -- the engine specification ----------------------------------------------------------------


@dataclass(frozen=True)
class EngineSpec:
    """How to build an engine and what to judge with it, in picklable values.

    Engine-defining parts (:meth:`build` keeps one engine per process for each
    combination of them):

    - ``plugins``: names of modules to import and register as plugins (a pack or extra
      rules), as a host wires packs without entry points; each must be importable where
      the engine is built;
    - ``autoload``: load plugins from the ``complaintrules`` entry points (None: yes,
      unless ``COMPLAINTRULES_DISABLE_PLUGIN_AUTOLOAD`` is set); ``blocked``: entry points
      not to load;
    - ``conventions``, ``closures`` (the landlord's closure days) and
      ``rule_time_budget`` (seconds, as for :class:`Engine`).

    What is judged: ``pack`` (judge every case by this pack; None: each case by the pack
    in force on its receipt date), ``as_of`` (None: today in UK time, recorded in the
    output), ``mapping`` (a :class:`ColumnMapping`, or the path of a mapping file, read
    when the spec is made so that a worker needs no file), ``organisation``, ``landlord``
    (the landlord key of rows that give none).
    """

    pack: str | None = None
    plugins: tuple[str, ...] = ()
    autoload: bool | None = None
    blocked: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)
    closures: tuple[date, ...] = ()
    rule_time_budget: float | None = DEFAULT_RULE_TIME_BUDGET
    as_of: date | None = None
    #: After construction, a ColumnMapping or None (a path is read into its mapping).
    mapping: ColumnMapping | str | Path | None = None
    organisation: Organisation | None = None
    #: The landlord key of cases that carry none (``Complaint.landlord``, or a column a
    #: mapping maps to ``landlord``).
    landlord: str | None = None

    def __post_init__(self) -> None:
        given: Any = self.mapping
        if isinstance(given, str | Path):
            # Frozen: the standard way for a dataclass to settle a field at construction.
            object.__setattr__(self, "mapping", load_mapping(given))
        elif given is not None and not isinstance(given, ColumnMapping):
            raise TypeError(
                "EngineSpec.mapping: expected a ColumnMapping or the path of a mapping file, "
                f"got {type(given).__name__}"
            )
        for name in ("plugins", "blocked", "closures"):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, Sequence):
                raise TypeError(
                    f"EngineSpec.{name}: expected a list or tuple, got {type(value).__name__}"
                )
            object.__setattr__(self, name, tuple(value))

    @property
    def engine_key(self) -> tuple[Any, ...]:
        """The parts of the spec that define its engine (the cache key of :meth:`build`)."""
        return (
            self.plugins,
            self.autoload,
            self.blocked,
            self.conventions,
            tuple(sorted(set(self.closures))),
            self.rule_time_budget,
        )

    def build(self) -> Engine:
        """This process's engine for the spec, built on the first call and kept.

        Specs with the same engine-defining parts share one engine (a
        :func:`functools.lru_cache` of up to 8 engines per process; clear it with
        :meth:`clear_built`). The engine holds packs and parameters, never a result.
        """
        return _built(self.engine_key)

    def fresh(self) -> Engine:
        """A new engine for the spec, not kept."""
        return _make_engine(self.engine_key)

    @staticmethod
    def clear_built() -> None:
        """Forget the engines :meth:`build` keeps in this process."""
        _built.cache_clear()

    @staticmethod
    def built_info() -> tuple[int, int, int | None, int]:
        """How often :meth:`build` found its engine kept (hits) or built one (misses) in
        this process, and how many it keeps: (hits, misses, maxsize, currsize), the
        figures of :func:`functools.lru_cache`'s ``cache_info()`` as a plain tuple."""
        hits, misses, maxsize, currsize = _built.cache_info()
        return hits, misses, maxsize, currsize


def _make_engine(key: tuple[Any, ...]) -> Engine:
    plugins, autoload, blocked, conventions, closures, budget = key
    modules = []
    for name in plugins:
        try:
            modules.append(importlib.import_module(name))
        except ImportError as exc:
            raise ImportError(
                f"EngineSpec.plugins: cannot import plugin module {name!r} ({exc}); it must be "
                "importable wherever the engine is built (each worker process)"
            ) from exc
    registry = PackRegistry(autoload=autoload, blocked=list(blocked), plugins=modules)
    return Engine(
        registry=registry,
        calendar=WorkingCalendar(closures=list(closures)),
        conventions=conventions,
        rule_time_budget=budget,
    )


# One engine per engine-defining spec in each process: packs loaded once per worker.
_built = functools.lru_cache(maxsize=8)(_make_engine)


# -- reading rows --------------------------------------------------------------------------


def _strip_nulls(value: Any) -> Any:
    """A null in a table is an absent value: dict keys whose value is None are dropped, so
    a struct column's fields that a row does not have read as not given."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


def _cell(value: Any) -> Any:
    """A mapped cell as the column readers take it: a date and time as its ISO text (the
    date readers then keep a date and time without an offset as its date and refuse one
    with an offset, as in a CSV export), a time of day as its ISO text."""
    if isinstance(value, datetime | time):
        return value.isoformat()
    return value


_CASE_FIELDS = frozenset(Complaint.model_fields) | {"events"}
_REQUIRED = ("reference", "received_on")

#: Arrow types a mapped column may have: text, or values its readers know.
_MAPPED_TYPES = (
    pa.types.is_string,
    pa.types.is_large_string,
    # the string view type came in pyarrow 16; older releases cannot make one
    getattr(pa.types, "is_string_view", lambda kind: False),
    pa.types.is_date,
    pa.types.is_timestamp,
    pa.types.is_time,
    pa.types.is_boolean,
    pa.types.is_integer,
    pa.types.is_floating,
    pa.types.is_null,
)


def _readable(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _readable(kind.value_type)
    return any(test(kind) for test in _MAPPED_TYPES)


def _type_name(value: object) -> str:
    return type(value).__name__


def _input(table: object) -> tuple[Iterator[list[Any]], list[str] | None, int]:
    """Batches of row values, the column names (None for a list of dicts), the row count."""
    if isinstance(table, pa.Table | pa.RecordBatch):

        def batches() -> Iterator[list[Any]]:
            parts = table.to_batches() if isinstance(table, pa.Table) else [table]
            for part in parts:
                yield part.to_pylist()

        return batches(), list(table.schema.names), table.num_rows
    if isinstance(table, list | tuple):
        return iter([list(table)]), None, len(table)
    raise TypeError(
        "evaluate_batch: expected a pyarrow Table or RecordBatch, or a list of dicts (one "
        f"case a row), got {_type_name(table)}"
    )


def _check_columns(
    table: object, names: list[str] | None, mapping: ColumnMapping | None, where: str
) -> None:
    """Problems visible from the table's columns alone, before any row is read."""
    if mapping is not None:
        problems = [
            InputProblem("columns", f"no column is mapped to {name!r}")
            for name in _REQUIRED
            if mapping.spec(name) is None
        ]
        if names is not None:
            schema = table.schema  # type: ignore[attr-defined]
            for target in TARGETS:
                spec = mapping.spec(target)
                if spec is None:
                    continue
                if spec.column not in names:
                    problems.append(
                        InputProblem(
                            f"columns.{target}",
                            f"column {spec.column!r} is not in the table (its columns: "
                            f"{', '.join(names) or 'none'})",
                        )
                    )
                elif not _readable(kind := schema.field(spec.column).type):
                    problems.append(
                        InputProblem(
                            f"columns.{target}",
                            f"column {spec.column!r} is of type {kind}; expected text, a date, "
                            "a timestamp, a time, a boolean or a number",
                        )
                    )
        if problems:
            raise InputError(where, problems)
        return
    if names is None:
        return  # a list of dicts: each row is checked as a case
    problems = [
        InputProblem(
            f"column {name!r}",
            "unknown column; expected the fields of a case (`complaintrules schema case`), "
            "or give a mapping for a CRM's own column names",
        )
        for name in names
        if name not in _CASE_FIELDS
    ]
    # A case given as an event list may have its date received in its "received" event.
    required = _REQUIRED if "events" not in names else ("reference",)
    problems += [
        InputProblem(f"column {name!r}", f"missing; every case needs its {name}")
        for name in required
        if name not in names
    ]
    if problems:
        raise InputError("table", problems)


class _Reader:
    """Turns one input row (a dict) into a :class:`Row`: a case, or why it is none."""

    def __init__(self, mapping: ColumnMapping | None) -> None:
        self.mapping = mapping
        self.converter: RowConverter
        if mapping is None:
            self.converter = RowConverter([], frozenset(), frozenset(), nested=True)
            self.reference_column = "reference"
        else:
            self.converter = _mapping_converter(mapping, None)
            spec = mapping.spec("reference")
            self.reference_column = spec.column if spec is not None else ""
        landlord = mapping.spec("landlord") if mapping is not None else None
        self.landlord_column = landlord.column if landlord is not None else "landlord"

    def read(self, index: int, record: Any) -> Row:
        if not isinstance(record, Mapping):
            return self.converter.convert(index, record)  # rejected: names what it got
        if self.mapping is None:
            return self.converter.convert(index, _strip_nulls(dict(record)))
        return self.converter.convert(index, {k: _cell(v) for k, v in record.items()})

    def reference(self, record: Any) -> str | None:
        return self._text(record, self.reference_column)

    def landlord(self, record: Any) -> str | None:
        """The landlord key of a row that is not a case (read as its text, if it is)."""
        return self._text(record, self.landlord_column)

    @staticmethod
    def _text(record: Any, column: str) -> str | None:
        if isinstance(record, Mapping):
            found = record.get(column)
            if isinstance(found, str | int) and not isinstance(found, bool):
                return str(found).strip() or None
        return None


# -- evaluation ----------------------------------------------------------------------------


@dataclass
class _Columns:
    """The output, column by column."""

    data: dict[str, list[Any]] = field(default_factory=lambda: {n: [] for n in _COLUMNS})

    def add(self, **values: Any) -> None:
        for name in _COLUMNS:
            self.data[name].append(values.get(name))

    def add_findings(
        self, index: int, reference: str, pack: Pack, findings: Sequence[Finding], key: str | None
    ) -> None:
        """A row per finding of one case: what :meth:`add` adds for each, a column at a
        time (a batch of 1,000 cases has some 40,000 findings)."""
        n = len(findings)
        data = self.data
        data["row_index"].extend([index] * n)
        data["reference"].extend([reference] * n)
        data["pack"].extend([pack.name] * n)
        data["pack_version"].extend([pack.version] * n)
        data["rule_id"].extend([f.rule_id for f in findings])
        data["rule_pack"].extend([f.pack for f in findings])
        data["provision"].extend([f.provision for f in findings])
        data["level"].extend([f.level.value for f in findings])
        data["verdict"].extend([f.verdict.value for f in findings])
        data["message"].extend([f.message for f in findings])
        data["column"].extend([None] * n)
        data["landlord"].extend([key] * n)


def _agree(name: str, argument: Any, spec: EngineSpec) -> Any:
    """The argument, else the spec's value; both given and different is a mistake."""
    held = getattr(spec, name)
    if argument is None:
        return held
    if held is not None and held != argument:
        raise ValueError(
            f"evaluate_batch: {name} is given both as an argument and in the EngineSpec, "
            "with different values; give it in one place"
        )
    return argument


def evaluate_batch(
    table: pa.Table | pa.RecordBatch | Sequence[Mapping[str, Any]],
    *,
    mapping: ColumnMapping | str | Path | None = None,
    as_of: date | None = None,
    engine: Engine | EngineSpec | None = None,
    pack: str | None = None,
    organisation: Organisation | None = None,
    landlord: str | None = None,
    summary: BulkSummary | None = None,
) -> pa.Table:
    """Every case rule on every case of ``table``, as an Arrow table in :data:`BATCH_SCHEMA`.

    ``table``: a pyarrow ``Table`` or ``RecordBatch``, or a list of dicts, one case a row.
    Without ``mapping`` a row is a case in the library's own shape (the fields of
    ``complaintrules schema case``; nested stages or an ``events`` list as list and struct
    columns; a null is an absent value). With ``mapping`` (a :class:`ColumnMapping` or the
    path of a mapping file, as ``complaintrules cases --mapping`` takes) a row is a CRM's
    row, read through the mapping as a CSV export's row is.

    ``engine``: an :class:`Engine`, or an :class:`EngineSpec` (its engine built once per
    process, and its ``pack``, ``as_of``, ``mapping``, ``organisation`` and ``landlord``
    used), or None for the installed packs with the default conventions. ``as_of``: judge
    each case as it stood on that date (:meth:`Complaint.as_of`); without one (here or in
    the spec), today in UK time, recorded in the output's metadata as every report records
    it. ``pack``: judge every case by this pack (default: by the pack in force on its date).

    ``landlord``: the landlord key of rows whose case gives none (its ``landlord`` field,
    or the column a mapping maps to ``landlord``); every output row carries its case's key.
    ``summary``: a :class:`BulkSummary` to add the batch's totals to (rows, verdict counts,
    breaches by month, TSM tallies, repeated references), each landlord's in its own part
    (:meth:`BulkSummary.part`), as :func:`evaluate_file` counts them; its row numbers are
    the ``row_index`` values.

    Output rows come in input order: for each input row, its findings in the order of its
    pack's rules, or one ``rejected`` row per problem (the column or field at fault in
    ``column``), or one ``not_judged`` row saying why. A rule that raises gives an
    ``error`` row for that rule and case; the batch carries on. Mistakes that concern every
    row (a bad mapping, a mapped column not in the table, a column that is no case field,
    no reference column, an unknown pack, ``table`` of another type) raise before any row
    is read: :class:`InputError`, :class:`NoPackError` or :class:`TypeError`.
    """
    spec = engine if isinstance(engine, EngineSpec) else EngineSpec()
    if engine is not None and not isinstance(engine, Engine | EngineSpec):
        raise TypeError(
            f"evaluate_batch: engine must be an Engine or an EngineSpec, got {_type_name(engine)}"
        )
    runner = engine if isinstance(engine, Engine) else spec.build()
    where = "mapping"
    if isinstance(mapping, str | Path):
        where = str(mapping)
        mapping = load_mapping(mapping)
    elif mapping is not None and not isinstance(mapping, ColumnMapping):
        raise TypeError(
            "evaluate_batch: mapping must be a ColumnMapping or the path of a mapping file, "
            f"got {_type_name(mapping)}"
        )
    mapping = _agree("mapping", mapping, spec)
    assert mapping is None or isinstance(mapping, ColumnMapping)  # the spec read its path
    as_of = _agree("as_of", as_of, spec)
    pack = _agree("pack", pack, spec)
    organisation = _agree("organisation", organisation, spec)
    landlord = _agree("landlord", landlord, spec)
    if summary is not None and not isinstance(summary, BulkSummary):
        raise TypeError(f"evaluate_batch: summary must be a BulkSummary, got {_type_name(summary)}")
    rows, names, count = _input(table)
    _check_columns(table, names, mapping, where)
    named = runner.pack(pack) if pack is not None else None  # an unknown pack fails here
    source = "given"
    if as_of is None:
        as_of, source = runner.today(), _clock.TODAY_SOURCE
    run = _Run(runner, _Reader(mapping), named, as_of, organisation, landlord, summary)
    index = 0
    for part in rows:
        for record in part:
            run.row(index, record)
            index += 1
    assert index == count
    metadata = {
        **(BATCH_SCHEMA.metadata or {}),
        f"{_METADATA_PREFIX}as_of".encode(): as_of.isoformat().encode(),
        f"{_METADATA_PREFIX}as_of_source".encode(): source.encode(),
        f"{_METADATA_PREFIX}rows_in".encode(): str(count).encode(),
        f"{_METADATA_PREFIX}conventions".encode(): json.dumps(
            runner.conventions.describe(), sort_keys=True
        ).encode(),
        f"{_METADATA_PREFIX}calendar".encode(): runner.calendar.describe().encode(),
    }
    return pa.table(run.out.data, schema=BATCH_SCHEMA.with_metadata(metadata))


@dataclass
class _Run:
    """One call of :func:`evaluate_batch`: what it judges with, and where results go."""

    engine: Engine
    reader: _Reader
    named: Pack | None
    as_of: date
    organisation: Organisation | None
    landlord: str | None
    summary: BulkSummary | None
    out: _Columns = field(default_factory=_Columns)

    def _part(self, key: str | None) -> BulkSummary | None:
        """The totals of the landlord ``key`` (counting one more row in), if kept."""
        if self.summary is None:
            return None
        part = self.summary.part(key)
        part.rows_in += 1
        return part

    def row(self, index: int, record: Any) -> None:
        reader, out = self.reader, self.out
        row = reader.read(index, record)
        case = row.case
        if case is None:
            key = reader.landlord(record) or self.landlord
            self._reject(index, reader.reference(record), key, row.problems)
            return
        key = case.landlord if case.landlord is not None else self.landlord
        part = self._part(key)
        snapshot = case.as_of(self.as_of)
        if snapshot.case is None:
            out.add(
                row_index=index,
                reference=case.reference,
                verdict=NOT_JUDGED,
                message=(
                    f"received on {case.received_on.isoformat()}, after the as-of date "
                    f"{self.as_of.isoformat()}: not judged"
                ),
                column="received_on",
                landlord=key,
            )
            if part is not None:
                part.not_yet_received_rows += 1
                if len(part.not_yet_received) < part.max_rejected:
                    part.not_yet_received.append((index, case.reference))
            return
        engine = self.engine
        try:
            chosen = self.named if self.named is not None else engine.pack(on=case.received_on)
        except NoPackError as exc:
            if part is not None:  # counted again by _reject
                part.rows_in -= 1
            self._reject(index, case.reference, key, [RowProblem(index, "received_on", str(exc))])
            return
        judged = snapshot.case
        findings = engine.case_findings(
            judged, pack=chosen, as_of=self.as_of, organisation=self.organisation
        )
        if part is not None:
            _count(part, engine, chosen, judged, snapshot.ignored, findings, index, self.as_of)
        if not findings:
            out.add(
                row_index=index,
                reference=case.reference,
                pack=chosen.name,
                pack_version=chosen.version,
                verdict=NOT_JUDGED,
                message=f"pack {chosen.name} has no case rules",
                landlord=key,
            )
            return
        out.add_findings(index, case.reference, chosen, findings, key)

    def _reject(
        self,
        index: int,
        reference: str | None,
        key: str | None,
        problems: Sequence[RowProblem],
    ) -> None:
        problems = list(problems) or [RowProblem(index, "", "not a case")]
        part = self._part(key)
        if part is not None:
            part.reject(None, problems)
        for problem in problems:
            self.out.add(
                row_index=index,
                reference=reference,
                verdict=REJECTED,
                message=problem.reason,
                column=problem.column or None,
                landlord=key,
            )


def _count(
    summary: BulkSummary,
    engine: Engine,
    pack: Pack,
    case: Complaint,
    ignored: Sequence[Any],
    findings: Sequence[Finding],
    index: int,
    as_of: date,
) -> None:
    """Add one judged case to ``summary`` as the bulk evaluator counts it."""
    summary.evaluated += 1
    summary.packs.add(pack.name)
    if ignored:
        summary.events_ignored += len(ignored)
        summary.cases_with_events_ignored += 1
    failed = False
    for finding in findings:
        summary.verdicts[(finding.rule_id, finding.verdict.value)] += 1
        if finding.verdict is Verdict.FAIL:
            month = breach_month(case, finding.evidence.computed)
            summary.breaches_by_month[(month, finding.rule_id)] += 1
        if finding.is_failure:
            summary.failures += 1
            failed = True
    summary.cases_failed += failed
    tally_case(engine, pack, case, as_of, summary)
    summary.note(index, case.reference)
