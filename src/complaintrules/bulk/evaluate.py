"""Bulk evaluation: a portfolio of cases through a pack's case rules, streaming.

Cases are judged in chunks; nothing but running counts (verdicts per rule, TSM tallies,
breaches by month) outlives a chunk unless the caller keeps the per-case results.

On the fast path every rule that declares a
:class:`~complaintrules.law.timescale.Timescale` (of whichever pack: :func:`array_judged`
chooses them from the declarations, never by id) is judged over the chunk's case table by
the one table judge of the declarations,
:func:`~complaintrules.law.timescale_columns.timescale_arrays`, the same arithmetic
:func:`~complaintrules.law.expressions.judge_table` uses. The verdict counts, the month of
each breach, the TSM tallies and the cases whose stages all ended within their declared
response timescales (a rule declaring ``only_when_late`` is not applicable to them and is
counted without a call) are read off those arrays. A row the arrays leave unsettled, and a
failure whose message is wanted or whose breach month the arrays do not give, is judged by
the rule itself. Every other rule runs per case and keeps only its verdict and message,
except gated rules a case cannot meet, which are counted without a call.
``tests/crm/test_crm_bulk_agreement.py`` and ``tests/crm/test_bulk_columnar.py`` hold every
path to judging each case alone.

In summary mode (no per-case results) every rule written as an expression is judged over
the case table too, verdicts only, and a batch read as columns builds no case per row
(:meth:`BulkEvaluator.evaluate_columns`): the reader checks it as columns
(``convert_batch(..., cases=False)``), its case table is laid out from the columns, and a
``Complaint`` is built only for the rows a rule judges alone, the rows an as-of date may
change and the rows whose TSM tally the arrays do not give
(``tests/crm/test_bulk_without_cases.py``).
"""

from __future__ import annotations

import multiprocessing
import sys
import time as _time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
from pydantic import ValidationError

from ..calendar.working_days import CalendarRangeError, WorkingCalendar
from ..engine.budget import RuleOvertime, RuleWatch
from ..engine.due import NoTimescalesError, obligations_of
from ..engine.engine import Engine
from ..io.loading import InputError, InputProblem, format_location
from ..io.tabular import CaseReader, ColumnMapping, Row, RowConverter, RowProblem
from ..law.context import Context
from ..law.expressions import table_judged
from ..law.gates import GatedCheck, case_facts
from ..law.packs import Pack
from ..law.parameters import UnknownParameterError
from ..law.plugins import NoPackError, PackRegistry
from ..law.rules import CaseCheck, Finding, Level, Outcome, Rule, Verdict
from ..law.timescale import Obligation, StageTimescales, declared_stages
from ..model.case import Complaint
from ..model.conventions import Conventions
from ..model.organisation import Organisation
from ..reports.tsm import ReportingPeriod, TsmOptions, TsmReport, TsmTally, case_times
from .jobs import default_jobs as default_jobs  # its home before bulk/jobs.py

if TYPE_CHECKING:
    import pyarrow as pa

    from ..io.columnar import FlatBatch, RawBatch
    from ..law.timescale_columns import StageDates, TimescaleArrays

__all__ = [
    "BulkEvaluator",
    "BulkSummary",
    "CaseResult",
    "array_judged",
    "evaluate_cases",
    "evaluate_file",
    "measure_tsm",
    "validate_case",
]

_FAIL = Verdict.FAIL
_ERROR = Verdict.ERROR
_NA_VALUE = Verdict.NOT_APPLICABLE.value


def array_judged(rules: Sequence[Rule]) -> tuple[str, ...]:
    """The ids of the rules among ``rules`` whose verdicts the fast bulk path takes from
    arrays: every timescale declaration the table judge takes
    (:func:`~complaintrules.law.expressions.table_judged`), whichever pack declares it.
    Chosen from the declarations, never by id."""
    return tuple(r.id for r in rules if r.timescale is not None and table_judged(r))


#: The computed values a breach's month is read from (see :func:`breach_month`).
_BREACH_DATES = ("due_by", "deadline")


def _dated(rule: Rule) -> bool:
    """Whether a failure of ``rule``'s expression may give a deadline among its computed
    values (the month of a breach is that deadline's, else the receipt's)."""
    from ..law.expressions import ItemOutcomes, expression_of

    found = expression_of(rule.case)
    if found is None:
        return True
    expression = found[0]
    dates = set(_BREACH_DATES)
    if isinstance(expression, ItemOutcomes):
        # the outcome of the first failing item (its table's computed values) or of none
        tables = [t.computed for t in expression.tables]
        return any(not dates.isdisjoint(c) for c in [expression.none.computed, *tables])
    return not dates.isdisjoint(expression.computed)


def _months(ordinals: Any) -> Counter[str]:
    """How many of the date ordinals fall in each month ("YYYY-MM")."""
    out: Counter[str] = Counter()
    if len(ordinals):
        labels, where = _month_places(np.asarray(ordinals, dtype=np.int64))
        counts = np.bincount(where, minlength=len(labels))
        for k in np.flatnonzero(counts).tolist():
            out[labels[k]] += int(counts[k])
    return out


def _month_places(ordinals: Any) -> tuple[list[str], Any]:
    """The months ("YYYY-MM") of date ordinals (each >= 1, a numpy int64 array) as a
    list of labels and each ordinal's place in it, worked out over the array (numpy's
    calendar months) rather than day by day."""
    if ordinals.min() < 1:  # no date: the error date.fromordinal gives
        _month_of(int(ordinals.min()))
    # months since the year 0 (year * 12 + month - 1), worked out once per day of the
    # range the ordinals span where that is the shorter (as a column's days usually are)
    first, last = int(ordinals.min()), int(ordinals.max())
    if last - first < len(ordinals):
        span = np.arange(first, last + 1, dtype=np.int64)
        months = _month_numbers(span)[ordinals - first]
    else:
        months = _month_numbers(ordinals)
    low, high = int(months.min()), int(months.max())
    if high - low < 4 * len(months) + 1200:  # a dense range of months: counted directly
        return [_month_label(m) for m in range(low, high + 1)], months - low
    found, where = np.unique(months, return_inverse=True)
    return [_month_label(m) for m in found.tolist()], np.asarray(where).reshape(-1)


def _month_numbers(ordinals: Any) -> Any:
    """Each date ordinal's month as months since the year 0 (numpy's calendar months)."""
    days = (ordinals - _EPOCH).astype("datetime64[D]")
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _month_label(months: int) -> str:
    """The label (YYYY-MM) of a count of months since the year 0 (year * 12 + month - 1)."""
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


class _Months:
    """The month of each of a column of date ordinals, worked out over the array."""

    def __init__(self, ordinals: Any, within: Any) -> None:
        # the rows outside ``within`` (and any with no date) at place 0, labelled ""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        dated = np.asarray(within, dtype=bool) & (ordinals > 0)
        self.where = np.zeros(len(ordinals), dtype=np.int64)
        self.labels = [""]
        if dated.any():
            labels, where = _month_places(ordinals[dated])
            self.where[dated] = where + 1
            self.labels += labels

    def add(self, into: Counter[Any], measure: str, stage: int, mask: Any) -> None:
        counts = np.bincount(self.where[mask], minlength=len(self.labels))
        for k in np.flatnonzero(counts).tolist():
            into[(measure, stage, self.labels[k])] += int(counts[k])


class _StageDates:
    """The dates of each stage of a case table
    (:func:`~complaintrules.law.timescale_columns.stage_dates`), read on first use."""

    __slots__ = ("_found", "_table")

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self._found: dict[int, StageDates] = {}

    def __call__(self, number: int) -> StageDates:
        found = self._found.get(number)
        if found is None:
            from ..law.timescale_columns import stage_dates

            found = self._found[number] = stage_dates(self._table, number)
        return found


class _Timed:
    """The timescale rules of one group of cases judged over its case table: per rule its
    id, every case's verdict and the messages of the cases judged alone; per case whether
    one of them failed it (a must-level failure or an error), whether the arrays settle
    the rules declaring ``only_when_late`` (see :meth:`BulkEvaluator._on_time`), and
    whether its TSM tally came from the arrays (numpy bool arrays)."""

    __slots__ = ("failed", "rules", "settled", "tallied")

    def __init__(self, n: int) -> None:
        self.rules: list[tuple[str, list[Verdict], dict[int, str]]] = []
        self.failed: Any = np.zeros(n, dtype=bool)
        self.settled: Any = np.zeros(n, dtype=bool)
        self.tallied: Any = np.zeros(n, dtype=bool)


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One case's verdicts: (rule id, verdict, message) for every case rule of its pack.

    On the fast path a pass or not-applicable verdict of a rule judged over arrays carries
    no message (``None``); failures always carry the rule's own message.
    """

    row: int | None
    reference: str
    pack: str
    verdicts: tuple[tuple[str, Verdict, str | None], ...]
    failed: bool
    #: The landlord key of the case (its own, else the run's); None when there is none.
    landlord: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "reference": self.reference}
        if self.landlord is not None:  # only runs with landlord keys carry the field
            out["landlord"] = self.landlord
        out["pack"] = self.pack
        out["failed"] = self.failed
        out["findings"] = [
            {"rule_id": r, "verdict": v.value, "message": m} for r, v, m in self.verdicts
        ]
        return out


@dataclass(slots=True)
class BulkSummary:
    """Running totals of a bulk evaluation: rows, verdicts, breaches, TSM tallies.

    Rows in = rows evaluated + rows rejected + rows not yet received on the as-of date
    (those are counted, never judged). A reference met again is evaluated too, and
    listed in :attr:`duplicates`; :attr:`seen` holds every reference evaluated (about 100
    bytes each, so some 100 MB for a million cases).
    """

    rows_in: int = 0
    evaluated: int = 0
    rejected_rows: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    verdicts: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: int = 0
    cases_failed: int = 0
    breaches_by_month: Counter[tuple[str, str]] = field(default_factory=Counter)
    tally: TsmTally = field(default_factory=TsmTally)
    packs: set[str] = field(default_factory=set)
    #: Cases judged by the rules but left out of the TSM tallies, with the reason.
    untallied: list[str] = field(default_factory=list)
    #: A reference met again: (reference, row it was first seen at, row met again). Both
    #: rows are evaluated and counted (a CRM export listing a case twice counts it twice in
    #: CH01), so they are listed, never dropped. Rows are None for cases not read from a file.
    duplicates: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    duplicate_rows: int = 0
    #: Each reference evaluated, with the row it was first seen at.
    seen: dict[str, int | None] = field(default_factory=dict, repr=False)
    #: Rejected rows (and duplicates) kept in full; beyond this only the counts grow.
    max_rejected: int = 100_000
    #: With an as-of date: rows whose case was received after it (not judged, not failed),
    #: the first ``max_rejected`` of them as (row, reference).
    not_yet_received_rows: int = 0
    not_yet_received: list[tuple[int | None, str]] = field(default_factory=list)
    #: With an as-of date: events after it ignored, and the cases that had any.
    events_ignored: int = 0
    cases_with_events_ignored: int = 0
    #: The landlord these totals are for (the run's fixed key), or None.
    landlord: str | None = None
    #: Each other landlord's own totals, by its key: cases that carry a landlord key other
    #: than :attr:`landlord` are counted there, never here, so two landlords' references
    #: are never duplicates of each other and their TSM tallies are never pooled.
    landlords: dict[str, BulkSummary] = field(default_factory=dict)

    def part(self, landlord: str | None) -> BulkSummary:
        """The totals of ``landlord``'s cases: this summary for its own key (or None), else
        that landlord's own summary in :attr:`landlords` (made on first use)."""
        if landlord is None or landlord == self.landlord:
            return self
        found = self.landlords.get(landlord)
        if found is None:
            found = self.landlords[landlord] = BulkSummary(
                landlord=landlord, max_rejected=self.max_rejected
            )
        return found

    def as_of(
        self, items: Iterable[tuple[int | None, Complaint]], when: date
    ) -> list[tuple[int | None, Complaint]]:
        """The cases as they stood on ``when``, counting what that leaves out."""
        return [(row, case) for _, row, case in self._as_of(items, when)]

    def _as_of(
        self, items: Iterable[tuple[int | None, Complaint]], when: date
    ) -> list[tuple[int, int | None, Complaint]]:
        """:meth:`as_of`, each case with its position in ``items``."""
        kept: list[tuple[int, int | None, Complaint]] = []
        for position, (row, case) in enumerate(items):
            snapshot = case.as_of(when)
            if snapshot.case is None:
                self.not_yet_received_rows += 1
                if len(self.not_yet_received) < self.max_rejected:
                    self.not_yet_received.append((row, case.reference))
                continue
            if snapshot.ignored:
                self.events_ignored += len(snapshot.ignored)
                self.cases_with_events_ignored += 1
            kept.append((position, row, snapshot.case))
        return kept

    def reject(self, row: Row | None, problems: Sequence[RowProblem]) -> None:
        self.rejected_rows += 1
        room = self.max_rejected - len(self.rejected)
        if room > 0:
            self.rejected.extend(problems[:room])

    def reject_all(self, rows: Sequence[Row]) -> None:
        """:meth:`reject` for each of ``rows`` (with its own problems), at once."""
        self.rejected_rows += len(rows)
        room = self.max_rejected - len(self.rejected)
        if room > 0:
            problems = chain.from_iterable(row.problems for row in rows)
            self.rejected.extend(islice(problems, room))

    def note(self, row: int | None, reference: str) -> None:
        """Record that the case ``reference`` (at ``row``) was evaluated."""
        seen = self.seen
        if reference not in seen:
            seen[reference] = row
            return
        self.duplicate_rows += 1
        if len(self.duplicates) < self.max_rejected:
            self.duplicates.append((reference, seen[reference], row))

    def note_all(self, rows: Sequence[int | None], references: Sequence[str]) -> None:
        """:meth:`note` for each (row, reference) pair, in order: at once where none of
        the references was seen before (here or among themselves)."""
        fresh = dict(zip(references, rows, strict=True))
        seen = self.seen
        if len(fresh) == len(references) and seen.keys().isdisjoint(fresh):
            seen.update(fresh)
            return
        for row, reference in zip(rows, references, strict=True):
            self.note(row, reference)

    def merge(self, other: BulkSummary, *, row_offset: int = 0) -> None:
        """Add ``other``'s totals: each landlord's to that landlord's (see :meth:`part`).

        ``row_offset`` is added to the other's row numbers (a partition's rows counted
        from 0, merged after the rows of the partitions before it).
        """
        for landlord, part in other.landlords.items():
            self.part(landlord).merge(part, row_offset=row_offset)
        self.part(other.landlord)._merge_own(other, row_offset)

    def _merge_own(self, other: BulkSummary, row_offset: int) -> None:
        def shift(row: int | None) -> int | None:
            return row if row is None else row + row_offset

        # The other's first sightings, then its repeats: each repeat is listed against the
        # first row of all. References not seen here before (the usual case: a chunk's
        # totals merged into the run's) are added at once, in the same order.
        if other.seen.keys().isdisjoint(self.seen.keys()):
            if row_offset:
                self.seen.update((ref, shift(row)) for ref, row in other.seen.items())
            else:
                self.seen.update(other.seen)
        else:
            for reference, row in other.seen.items():
                self.note(shift(row), reference)
        for reference, _, row in other.duplicates:
            self.note(shift(row), reference)
        self.rows_in += other.rows_in
        self.evaluated += other.evaluated
        self.rejected_rows += other.rejected_rows
        room = self.max_rejected - len(self.rejected)
        self.rejected.extend(
            RowProblem(p.row + row_offset, p.column, p.reason) if row_offset else p
            for p in other.rejected[: max(room, 0)]
        )
        self.verdicts.update(other.verdicts)
        self.failures += other.failures
        self.cases_failed += other.cases_failed
        self.breaches_by_month.update(other.breaches_by_month)
        self.tally.merge(other.tally)
        self.packs |= other.packs
        self.untallied.extend(other.untallied)
        self.not_yet_received_rows += other.not_yet_received_rows
        room = self.max_rejected - len(self.not_yet_received)
        self.not_yet_received.extend(
            (shift(row), reference) for row, reference in other.not_yet_received[: max(room, 0)]
        )
        self.events_ignored += other.events_ignored
        self.cases_with_events_ignored += other.cases_with_events_ignored

    def verdicts_by_rule(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (rule_id, verdict), n in sorted(self.verdicts.items()):
            out.setdefault(rule_id, {v.value: 0 for v in Verdict})[verdict] = n
        return dict(sorted(out.items(), key=lambda kv: _rule_order(kv[0])))

    def to_dict(
        self,
        *,
        options: TsmOptions | None = None,
        organisation: Organisation | None = None,
        periods: Sequence[ReportingPeriod] | None = None,
        organisations: Mapping[str, Organisation] | None = None,
    ) -> dict[str, Any]:
        """The totals as JSON-ready data (``complaintrules cases --format summary``).

        With other landlords' totals (:attr:`landlords`), the counts (rows, verdicts,
        failures, breaches, duplicates) are those of every landlord together, the TSM
        measures only this summary's own cases' (never pooled), and ``landlords`` gives
        each landlord's own summary; ``organisations`` gives a landlord's organisation (its
        housing stock for CH01) by its key, and ``organisation`` is this summary's own.
        """
        out = self.pooled()._own_dict(options, organisation, periods)
        if self.landlord is not None:
            out = {"landlord": self.landlord, **out}
        if not self.landlords:
            return out
        parts = {
            key: part.to_dict(
                options=options,
                organisation=(organisations or {}).get(key),
                periods=periods,
                organisations=organisations,
            )
            for key, part in sorted(self.landlords.items())
        }
        # each repeat names its landlord (a repeat is one within a landlord's cases)
        own = [{"landlord": self.landlord, **d} for d in out["duplicates"][: len(self.duplicates)]]
        out["duplicates"] = own + [
            d if "landlord" in d else {"landlord": key, **d}
            for key, part in parts.items()
            for d in part["duplicates"]
        ]
        out["landlords"] = parts
        return out

    def pooled(self) -> BulkSummary:
        """Every landlord's counts added together (rows, verdicts, failures, breaches,
        rejected rows, repeats), with this summary's own TSM tally only: the measures of
        several landlords are never pooled. This summary itself when it has no other
        landlords' totals. The references seen are not kept."""
        if not self.landlords:
            return self
        out = BulkSummary(landlord=self.landlord, max_rejected=self.max_rejected, tally=self.tally)
        for summary in (self, *(part.pooled() for _, part in sorted(self.landlords.items()))):
            out.rows_in += summary.rows_in
            out.evaluated += summary.evaluated
            out.rejected_rows += summary.rejected_rows
            out.rejected.extend(summary.rejected)
            out.verdicts.update(summary.verdicts)
            out.failures += summary.failures
            out.cases_failed += summary.cases_failed
            out.breaches_by_month.update(summary.breaches_by_month)
            out.packs |= summary.packs
            out.untallied.extend(summary.untallied)
            out.duplicates.extend(summary.duplicates)
            out.duplicate_rows += summary.duplicate_rows
            out.not_yet_received_rows += summary.not_yet_received_rows
            out.not_yet_received.extend(summary.not_yet_received)
            out.events_ignored += summary.events_ignored
            out.cases_with_events_ignored += summary.cases_with_events_ignored
        return out

    def _months(self) -> dict[str, dict[str, int]]:
        months: dict[str, dict[str, int]] = {}
        for (month, rule_id), n in sorted(self.breaches_by_month.items()):
            months.setdefault(month, {})[rule_id] = n
        return months

    def _own_dict(
        self,
        options: TsmOptions | None,
        organisation: Organisation | None,
        periods: Sequence[ReportingPeriod] | None,
    ) -> dict[str, Any]:
        options = options or TsmOptions()
        chosen = list(periods) if periods else self.tally.periods()
        tsm = []
        for period in chosen:
            entry = self.tally.report(period, options, organisation).to_dict()
            if period.label.count("Q") == 0 and period.start.month == 4:
                entry["quarters"] = [
                    self.tally.report(
                        ReportingPeriod.quarter(period.start.year, q), options, organisation
                    ).to_dict()
                    for q in (1, 2, 3, 4)
                ]
            tsm.append(entry)
        months = self._months()
        return {
            "rows": {
                "in": self.rows_in,
                "evaluated": self.evaluated,
                "rejected": self.rejected_rows,
                "duplicates": self.duplicate_rows,
                "not_yet_received": self.not_yet_received_rows,
            },
            "snapshot": {
                "cases_not_yet_received": self.not_yet_received_rows,
                "events_ignored": self.events_ignored,
                "cases_with_events_ignored": self.cases_with_events_ignored,
                "not_yet_received": [
                    {"row": row, "reference": ref} for row, ref in self.not_yet_received
                ],
            },
            "packs": sorted(self.packs),
            "failures": self.failures,
            "cases_failed": self.cases_failed,
            "verdicts": self.verdicts_by_rule(),
            "breaches_by_month": months,
            "tsm": tsm,
            "untallied": list(self.untallied),
            "rejected": [p.to_dict() for p in self.rejected],
            "duplicates": [
                {"reference": ref, "first_row": first, "row": row}
                for ref, first, row in self.duplicates
            ],
        }


def breach_month(case: Complaint, computed: Mapping[str, Any]) -> str:
    """The month (YYYY-MM) a failed rule's breach is counted in: that of the deadline it
    computed, else that of the date the case was received."""
    return _breach_month(case.received_on.toordinal(), computed)


def _breach_month(received: int, computed: Mapping[str, Any]) -> str:
    """:func:`breach_month` of a case received on the day with ordinal ``received``."""
    when = computed.get("due_by") or computed.get("deadline")
    if isinstance(when, str) and len(when) >= 7:
        return when[:7]
    return _month_of(received)


def tally_case(
    engine: Engine, pack: Pack, case: Complaint, as_of: date | None, summary: BulkSummary
) -> None:
    """Add one judged case (already as of ``as_of``) to ``summary``'s TSM tally, or list
    it in ``summary.untallied`` with the reason it cannot be."""
    try:
        # Judged as the rules judge: at the as-of date, else the day the case ended.
        when = as_of or case.closed_on or case.withdrawn_on or case.received_on
        # The case is already as of the as-of date (see evaluate): every event counts.
        report = obligations_of(case, when, engine=engine, pack=pack)
    except (UnknownParameterError, CalendarRangeError, NoPackError, NoTimescalesError) as exc:
        # Never silently: the case is listed as missing from the measures.
        summary.untallied.append(f"{case.reference}: {exc}")
        return
    summary.tally.add(case_times(case, report.obligations))


def _rule_order(rule_id: str) -> tuple[Any, ...]:
    prefix, _, provision = rule_id.partition("-")
    parts = tuple(int(p) if p.isdigit() else 0 for p in provision.split("."))
    return (prefix, parts)


def _failure_months(
    received: Any, failing: Any, dates: Mapping[str, Sequence[Any]]
) -> Counter[str]:
    """How many of the failures at rows ``failing`` (a numpy array) fall in each month, as
    :func:`_breach_month` counts each one: the month of its deadline (``dates``: its
    computed values, one per row), else that of its receipt (``received``: each row's day
    as an ordinal, a numpy array)."""
    out: Counter[str] = Counter()
    columns = [dates[name] for name in _BREACH_DATES if name in dates]
    if not columns:
        return _months(received[failing])
    undated = []
    for r in failing.tolist():
        when = None
        for column in columns:
            when = when or column[r]
        if isinstance(when, str) and len(when) >= 7:
            out[when[:7]] += 1
        else:
            undated.append(r)
    out.update(_months(received[np.asarray(undated, dtype=np.int64)]))
    return out


def _month_of(ordinal: int) -> str:
    d = date.fromordinal(ordinal)
    return f"{d.year:04d}-{d.month:02d}"


class BulkEvaluator:
    """Judges cases in chunks against the case rules of each case's pack.

    ``fast`` judges the timescale rules over each chunk's case table; ``messages`` runs a
    rule so judged on a failing case to give its own message (set it False when only
    counts are wanted). ``results`` decides whether per-case :class:`CaseResult` objects are built.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        pack: str | Pack | None = None,
        as_of: date | None = None,
        organisation: Organisation | None = None,
        fast: bool = True,
        messages: bool = True,
        results: bool = True,
        landlord: str | None = None,
    ) -> None:
        self.engine = engine if engine is not None else Engine()
        #: the run's landlord key, for cases that carry none
        self.landlord = landlord
        self.named = self.engine.pack(pack) if pack is not None else None
        self.as_of = as_of
        self.organisation = organisation
        self.fast = fast
        self.messages = messages
        self.results = results
        self._packs: dict[date, Pack] = {}
        #: per pack: its rules judged over arrays, the rest, and every case rule's level
        #: (in order), and the stages its timescales declare
        self._rules: dict[str, tuple[list[Rule], list[Rule], dict[str, Level]]] = {}
        self._declared: dict[str, dict[int, StageTimescales]] = {}
        #: per pack: its rules written as expressions, judged over the case table
        self._tabled: dict[str, list[Rule]] = {}
        #: not-applicable message of each rule the arrays settle, as the rule gave it
        self._settled_message: dict[str, str] = {}
        #: rules the arrays settled where the rule itself did not judge the case not
        #: applicable: a defect (from then on the rule runs for every new shape of case);
        #: the agreement tests keep it empty
        self.unsettled: set[str] = set()
        first, last = self.engine.calendar.years
        self._first, self._last = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
        #: the engine's rule time budget, armed once per chunk (see _budget)
        self._watch = RuleWatch(
            self.engine.rule_time_budget,
            callers=(
                BulkEvaluator._run.__code__,
                BulkEvaluator._evaluate_pack.__code__,
                BulkEvaluator._settled.__code__,
            ),
        )

    # -- choosing packs and rules --------------------------------------------------------

    def pack_for(self, case: Complaint) -> Pack:
        return self._pack_on(case.received_on)

    def _pack_on(self, received: date) -> Pack:
        """The pack judging a case received on ``received`` (the named one, if any)."""
        if self.named is not None:
            return self.named
        found = self._packs.get(received)
        if found is None:
            found = self.engine.pack(on=received)
            self._packs[received] = found
        return found

    def _split(self, pack: Pack) -> tuple[list[Rule], list[Rule], dict[str, Level]]:
        """The pack's case rules: those judged over arrays (on the fast path, every
        timescale declaration :func:`array_judged` takes), the rest, and each rule's level."""
        found = self._rules.get(pack.name)
        if found is None:
            rules = [r for r in self.engine.registry.rules_for(pack) if r.case is not None]
            chosen = set(array_judged(rules)) if self.fast else set()
            timed = [r for r in rules if r.id in chosen]
            # In summary mode, the rules written as expressions are judged over the case
            # table too (verdicts only; see _judge_expressions); with per-case results
            # every message is wanted, which judging the case alone gives more cheaply.
            tabled = [
                r
                for r in rules
                if self.fast and not self.results and r.timescale is None and table_judged(r)
            ]
            self._tabled[pack.name] = tabled
            chosen |= {r.id for r in tabled}
            found = (
                timed,
                [r for r in rules if r.id not in chosen],
                {r.id: r.level for r in rules},
            )
            self._rules[pack.name] = found
            # the pack's own deadlines: an extra rule's declaration does not change them
            self._declared[pack.name] = declared_stages(pack.rules)
        return found

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(
        self,
        items: Iterable[tuple[int | None, Complaint]],
        summary: BulkSummary,
        flat: FlatBatch | None = None,
    ) -> list[CaseResult]:
        """Judge a chunk of (row number, case) pairs, adding to ``summary``.

        Results come in the order of ``items``, whichever pack judges each case. With an
        as-of date each case is judged as it stood then (:meth:`Complaint.as_of`): a case
        received later is counted in ``summary.not_yet_received`` and not judged, and later
        events are ignored and counted.

        ``flat``: the columnar reader's batch whose cases ``items`` are, in its order; the
        case table of the rules judged over a table is then read off its typed columns
        (the cases an as-of date changed, and rows read one by one, from the cases).
        """
        listed = list(items)
        if any(c.landlord is not None and c.landlord != summary.landlord for _, c in listed):
            return self._by_landlord(listed, summary)
        if self.as_of is not None:
            kept = summary._as_of(listed, self.as_of)
        else:
            kept = [(source, row, case) for source, (row, case) in enumerate(listed)]
        by_pack: dict[str, tuple[Pack, list[tuple[int | None, Complaint]], list[int], list[int]]]
        by_pack = {}
        for position, (source, row, case) in enumerate(kept):
            try:
                pack = self.pack_for(case)
            except NoPackError as exc:
                summary.reject(None, [RowProblem(row or 0, "received_on", str(exc))])
                continue
            group = by_pack.get(pack.name)
            if group is None:
                group = by_pack[pack.name] = (pack, [], [], [])
            group[1].append((row, case))
            group[2].append(position)
            group[3].append(source)
        tables = _CaseTables(flat)
        with self._watch.armed():
            if len(by_pack) == 1:
                pack, cases, _, sources = next(iter(by_pack.values()))
                summary.packs.add(pack.name)
                return self._evaluate_pack(
                    pack, cases, summary, tables.maker([c for _, c in cases], sources)
                )
            placed: list[tuple[int, CaseResult]] = []
            for pack, cases, positions, sources in by_pack.values():
                summary.packs.add(pack.name)
                make = tables.maker([c for _, c in cases], sources)
                results = self._evaluate_pack(pack, cases, summary, make)
                if results:  # one a case, unless results are not kept
                    placed += zip(positions, results, strict=True)
        placed.sort(key=lambda pair: pair[0])
        return [result for _, result in placed]

    def evaluate_columns(self, flat: FlatBatch, summary: BulkSummary) -> None:
        """Judge a batch checked as columns (``convert_batch(..., cases=False)``) for the
        counts alone (no per-case results), adding to ``summary``: no case is built for a
        row but where a rule must judge it alone (a rule written as a function, a row the
        arrays leave unsettled or a rule in error), where the as-of date changes it in a
        way the columns do not give (see :func:`complaintrules.io.flat.flat_as_of`), or
        where the TSM tally is not read off the arrays.

        The same totals as :meth:`evaluate` on the batch's cases
        (``tests/crm/test_bulk_columnar.py``).
        """
        import pyarrow as pa

        table = flat.table
        n = table.num_rows
        if not n:
            return
        import pyarrow.compute as pc

        # the landlord keys met, read once each (nulls aside)
        landlords = set(pc.unique(table.column("landlord")).drop_null().to_pylist())
        # a row the model validated may be read one by one, its flat row incomplete: its
        # own facts come from its case
        landlords |= {c.landlord for c in flat.built.values() if c.landlord is not None}
        if landlords - {summary.landlord}:  # other landlords' totals: case by case
            numbers = table.column("row").to_pylist()
            cases = [flat.case(k) for k in range(n)]
            flat.cases = cases
            self.evaluate(list(zip(numbers, cases, strict=True)), summary, flat)
            return
        rows: list[int | None] = list(table.column("row").to_pylist())
        references: list[str] = table.column("reference").to_pylist()
        received = _ordinals(table.column("received_on"))
        validated = set(flat.built)  # rows the model validated: laid out from their cases
        for k, case in flat.built.items():
            received[k] = case.received_on.toordinal()
            references[k] = case.reference
        changed: dict[int, Complaint] = dict(flat.built)  # by row of the table
        keep = np.ones(n, dtype=bool)
        targets = table.select(table.column_names[1:])
        changed_rows = None  # rows the snapshot over columns altered
        snapped: set[int] = set()  # rows the as-of date changed, taken as of it over columns
        if self.as_of is not None:
            from ..io.flat import flat_as_of

            when = self.as_of.toordinal()
            later = received > when
            summary.not_yet_received_rows += int(np.count_nonzero(later))
            room = max(summary.max_rejected - len(summary.not_yet_received), 0)
            summary.not_yet_received.extend(
                (rows[k], references[k]) for k in np.flatnonzero(later)[:room].tolist()
            )
            keep &= ~later
            # a row with a date after the as-of date is taken as of it over the columns,
            # from the model's own declarations of the snapshot; a row the model validated,
            # or one with a later date they do not cover, by the model itself
            after = np.zeros(n, dtype=bool)
            for name, column in zip(table.column_names, table.columns, strict=True):
                if name != "received_on" and pa.types.is_date32(column.type):
                    after |= _ordinals(column) > when
            over_columns = flat_as_of(targets, self.as_of)
            by_columns = keep & after & over_columns.handled
            by_columns[list(validated)] = False
            targets, changed_rows = over_columns.table, over_columns.changed
            ignored = np.where(by_columns, over_columns.ignored, 0)
            summary.events_ignored += int(ignored.sum())
            summary.cases_with_events_ignored += int(np.count_nonzero(ignored))
            snapped = set(np.flatnonzero(ignored).tolist())
            after[list(validated)] = True
            after &= ~by_columns
            for k in np.flatnonzero(keep & after).tolist():
                case = flat.case(k)
                snapshot = case.as_of(self.as_of)
                assert snapshot.case is not None  # received by then (see above)
                if snapshot.ignored:
                    summary.events_ignored += len(snapshot.ignored)
                    summary.cases_with_events_ignored += 1
                if snapshot.case is not case or k in validated:
                    changed[k] = snapshot.case
        whole = _WholeTable(flat, targets, changed_rows)
        by_pack = self._packs_of(np.flatnonzero(keep), received, rows, summary)
        with self._watch.armed():
            for pack, positions in by_pack:
                summary.packs.add(pack.name)
                group = _Rows(flat, positions, rows, references, changed, snapped, self.as_of)
                self._evaluate_pack(pack, group, summary, whole.maker(group))

    def _packs_of(
        self, kept: Any, received: Any, rows: Sequence[int | None], summary: BulkSummary
    ) -> list[tuple[Pack, Any]]:
        """The rows at positions ``kept`` (a numpy array, ascending) grouped by the pack
        judging each, found once per distinct day of receipt (``received``: each row's
        day as an ordinal): (pack, its rows' positions) in the order each pack is first
        met. A row no pack judges is rejected into ``summary``, in row order."""
        days, where = np.unique(received[kept], return_inverse=True)
        packs: list[Pack] = []
        by_name: dict[str, int] = {}  # each pack's place in ``packs``, by name
        problems: dict[int, NoPackError] = {}  # by distinct day
        chosen = np.empty(len(days), dtype=np.int64)  # per day: its pack's place, -1 none
        for d, day in enumerate(days.tolist()):
            try:
                pack = self._pack_on(date.fromordinal(day))
            except NoPackError as exc:
                problems[d] = exc
                chosen[d] = -1
                continue
            found = by_name.get(pack.name)
            if found is None:
                found = by_name[pack.name] = len(packs)
                packs.append(pack)
            chosen[d] = found
        codes = chosen[where]
        if problems:
            for k, d in zip(kept[codes < 0].tolist(), where[codes < 0].tolist(), strict=True):
                summary.reject(None, [RowProblem(rows[k] or 0, "received_on", str(problems[d]))])
        if len(packs) == 1 and not problems:
            return [(packs[0], kept)]
        judged = codes >= 0
        placed, first = np.unique(codes[judged], return_index=True)
        return [
            (packs[int(j)], kept[codes == j])
            for _, j in sorted(zip(first.tolist(), placed.tolist(), strict=True))
        ]

    def _by_landlord(
        self, listed: list[tuple[int | None, Complaint]], summary: BulkSummary
    ) -> list[CaseResult]:
        """:meth:`evaluate` for a chunk holding other landlords' cases: each landlord's
        cases into its own totals (:meth:`BulkSummary.part`), results in input order."""
        groups: dict[str | None, list[int]] = {}
        for position, (_, case) in enumerate(listed):
            key = case.landlord if case.landlord is not None else summary.landlord
            groups.setdefault(key, []).append(position)
        placed: list[tuple[int, CaseResult]] = []
        for key, positions in groups.items():
            part = summary.part(key)
            if part is not summary:  # counted as read by the caller: move them over
                summary.rows_in -= len(positions)
                part.rows_in += len(positions)
            results = self.evaluate([listed[i] for i in positions], part)
            if results:  # one a case received by the as-of date, unless results are not kept
                if self.as_of is not None:
                    positions = [i for i in positions if listed[i][1].received_on <= self.as_of]
                placed += zip(positions, results, strict=True)
        placed.sort(key=lambda pair: pair[0])
        return [result for _, result in placed]

    def _context(self, pack: Pack, case: Complaint) -> Context:
        e = self.engine
        return Context(
            pack, e.calendar, e.conventions, case.received_on, self.as_of, self.organisation
        )

    def _run(self, rule: Rule, case: Complaint, ctx: Context) -> Outcome:
        assert rule.case is not None
        watch = self._watch
        try:
            watch.running = watch.calls = watch.calls + 1
            outcome = rule.case(case, ctx)
            watch.running = 0
            if not isinstance(outcome, Outcome):
                raise TypeError(f"check returned {type(outcome).__name__}, not an Outcome")
        except KeyboardInterrupt:
            watch.running = 0
            raise
        except BaseException as exc:  # a broken rule is an error finding, never fatal
            watch.running = 0
            return Outcome(Verdict.ERROR, _error_message(rule.id, exc))
        return outcome

    def _judge_timed(
        self,
        pack: Pack,
        rules: Sequence[Rule],
        group: Sequence[tuple[int | None, Complaint]],
        table: pa.Table,
        summary: BulkSummary,
    ) -> _Timed:
        """The timescale rules over the group's case table, counted into ``summary``:
        every verdict from :func:`~complaintrules.law.timescale_columns.timescale_arrays`
        (the one table judge of the declarations), the rows it leaves unsettled judged
        alone by the rule, and so are failures whose message is wanted or whose breach
        month the arrays do not give."""
        from ..law.timescale_columns import FAIL, UNSETTLED, timescale_arrays, verdict_of

        n = len(group)
        messages = self.results and self.messages
        timed = _Timed(n)
        failed = np.zeros(n, dtype=bool)
        arrays: dict[str, TimescaleArrays] = {}
        breaches = summary.breaches_by_month
        tally = summary.verdicts
        shared: dict[Any, Any] = {}  # the table's facts the declarations share, made once
        for rule in rules:
            timescale = rule.timescale
            assert timescale is not None
            try:
                found = timescale_arrays(
                    timescale, table, engine=self.engine, pack=pack, as_of=self.as_of, shared=shared
                )
            except Exception:  # every row judged alone: the rule reports its own error
                codes = np.full(n, UNSETTLED, dtype=np.int64)
                breach = np.zeros(n, dtype=np.int64)
            else:
                arrays[rule.id] = found
                codes, breach = found.verdicts, found.breach
            fails = codes == FAIL
            alone = codes == UNSETTLED
            # a failure's month is that of the deadline the arrays say it breached
            alone |= fails if messages else fails & (breach == 0)
            counted = fails & ~alone
            for month, k in _months(breach[counted]).items():
                breaches[(month, rule.id)] += k
            # the verdicts of the rows the arrays settle, counted as arrays
            found_codes, counts = np.unique(codes[~alone], return_counts=True)
            for code, k in zip(found_codes.tolist(), counts.tolist(), strict=True):
                settled = verdict_of(code)  # never None: those rows are judged alone
                tally[(rule.id, (settled if settled is not None else _ERROR).value)] += k
            must = rule.level is Level.MUST
            if must:
                summary.failures += int(np.count_nonzero(counted))
                failed |= counted
            judged: dict[int, Verdict] = {}
            told: dict[int, str] = {}
            for r in np.flatnonzero(alone).tolist():
                case = group[r][1]
                outcome = self._run(rule, case, self._context(pack, case))
                verdict = judged[r] = outcome.verdict
                told[r] = outcome.message
                tally[(rule.id, verdict.value)] += 1
                if verdict is _FAIL:
                    breaches[(breach_month(case, outcome.computed), rule.id)] += 1
                if verdict is _ERROR or (must and verdict is _FAIL):
                    summary.failures += 1
                    failed[r] = True
            if self.results:  # each case's verdict, for its result
                done = [
                    judged.get(r) or verdict_of(c) or _ERROR for r, c in enumerate(codes.tolist())
                ]
                timed.rules.append((rule.id, done, told))
        timed.failed = failed
        declared = self._declared[pack.name]
        dates = _StageDates(table)  # each stage's dates, read once for both
        timed.settled = self._on_time(table, declared, arrays, dates)
        timed.tallied = self._tally_arrays(table, declared, arrays, summary, dates)
        return timed

    def _judge_expressions(
        self,
        pack: Pack,
        rules: Sequence[Rule],
        group: Sequence[tuple[int | None, Complaint]],
        table: pa.Table,
        summary: BulkSummary,
        facts: Any = None,
    ) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """The rules written as expressions over the group's case table, counted into
        ``summary`` (verdicts only: no message or evidence is built; the computed dates
        of a failure where a branch may give its deadline, for the month of the breach,
        are read as columns of the table); per case, whether one of them failed it. A case
        the table judges in error is judged again alone, as the engine judges it, so an
        error is that case's own (a rule that raises over a group of cases is judged case
        by case)."""
        from ..law.expressions import VERDICT_CODES, VERDICT_ORDER, judge_table
        from ..model.columns import case_facts_column

        if facts is None:  # read once for every gated rule
            facts = case_facts_column(table)
        n = len(group)
        failed = np.zeros(n, dtype=bool)
        breaches = summary.breaches_by_month
        received: Any = None  # the receipt day of each case, read once if one fails
        shared: dict[Any, Any] = {}  # the table's parts the rules have in common, made once
        fail_code, error_code = VERDICT_CODES[_FAIL], VERDICT_CODES[_ERROR]
        for rule in rules:
            dated = _dated(rule)
            try:
                judged = judge_table(
                    rule,
                    table,
                    engine=self.engine,
                    pack=pack,
                    as_of=self.as_of,
                    facts=facts,
                    computed=_BREACH_DATES if dated else (),
                    shared=shared,
                )
            except Exception:
                codes: Any = np.full(n, error_code, dtype=np.int64)
                dates: Mapping[str, list[Any]] = {}
            else:
                codes, dates = judged.codes, judged.computed
            must = rule.level is Level.MUST
            # the verdicts counted over the codes; an error is the case's own, judged alone
            counts = np.bincount(codes, minlength=len(VERDICT_ORDER))
            months: Counter[str] = Counter()
            for r in np.flatnonzero(codes == error_code).tolist():
                case = group[r][1]  # judged alone: the one place a case is needed
                outcome = self._run(rule, case, self._context(pack, case))
                counts[error_code] -= 1
                counts[VERDICT_CODES[outcome.verdict]] += 1
                if outcome.verdict is _FAIL:
                    if received is None:
                        received = _ordinals(table.column("received_on"))
                    months[_breach_month(int(received[r]), outcome.computed)] += 1
                    if must:
                        summary.failures += 1
                        failed[r] = True
                elif outcome.verdict is _ERROR:
                    summary.failures += 1
                    failed[r] = True
            failing = np.flatnonzero(codes == fail_code)
            if len(failing):
                if received is None:
                    received = _ordinals(table.column("received_on"))
                # each failure's month: its own dates, read as columns, else its receipt's
                months.update(_failure_months(received, failing, dates if dated else {}))
                if must:
                    summary.failures += len(failing)
                    failed[failing] = True
            for month, k in months.items():
                breaches[(month, rule.id)] += k
            for code in np.flatnonzero(counts).tolist():
                summary.verdicts[(rule.id, VERDICT_ORDER[code].value)] += int(counts[code])
        return failed

    def _on_time(
        self,
        table: pa.Table,
        declared: Mapping[int, StageTimescales],
        arrays: Mapping[str, TimescaleArrays],
        stage_dates: _StageDates,
    ) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Per case, whether every stage it reached has a declared response timescale and
        ended within its original deadline (answered, else withdrawn, else reached the
        as-of date, by then; or, with no as-of date, has not ended): a rule declaring
        ``only_when_late`` finds such a case not applicable."""
        from ..model.columns import STAGE_NUMBERS, stage_column

        n = table.num_rows
        settled = np.ones(n, dtype=bool)
        responds: dict[int, TimescaleArrays] = {}
        for number, stage in declared.items():
            rule_id = stage.rule_id(Obligation.RESPOND)
            if rule_id is not None:
                if rule_id not in arrays:
                    return np.zeros(n, dtype=bool)
                responds[number] = arrays[rule_id]
        as_of = self.as_of.toordinal() if self.as_of is not None else 0
        for number in STAGE_NUMBERS:
            stage = table.column(stage_column(number)).is_valid()
            reached = np.asarray(stage.to_numpy(zero_copy_only=False), dtype=bool)
            if not reached.any():
                continue
            found = responds.get(number)
            if found is None:
                settled &= ~reached
                continue
            dates = stage_dates(number)
            end = np.where(
                dates.responded > 0,
                dates.responded,
                np.where(dates.withdrawn > 0, dates.withdrawn, as_of),
            )
            original = found.original
            settled &= ~reached | ((original > 0) & ((end == 0) | (end <= original)))
        return settled

    def _tally_arrays(
        self,
        table: pa.Table,
        declared: Mapping[int, StageTimescales],
        arrays: Mapping[str, TimescaleArrays],
        summary: BulkSummary,
        stage_dates: _StageDates,
    ) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """The TSM tallies (stages 1 and 2) of the cases whose deadlines the arrays give,
        as :func:`~complaintrules.reports.tsm.case_times` takes them from ``due()``'s
        obligations; per case, whether it was tallied (the others are tallied alone)."""
        from ..law.timescale_columns import FAIL

        n = table.num_rows
        ok = np.ones(n, dtype=bool)
        # due() judges an obligation at the as-of date, else the day the case ended (else
        # it was received), and counts working days to it: a day outside the calendar is
        # its error, so such a case is tallied alone
        dates1 = stage_dates(1)
        if self.as_of is not None:
            when = np.full(n, self.as_of.toordinal(), dtype=np.int64)
        else:
            when = np.where(dates1.closed > 0, dates1.closed, dates1.withdrawn)
            when = np.where(when > 0, when, dates1.started)
        ok &= (when >= self._first) & (when <= self._last)
        per_stage: list[tuple[int, Any, Any, Any, Any]] = []
        for number, stage in declared.items():
            dates = stage_dates(number)
            base = dates.reached & (dates.started > 0)
            ack = respond = None
            for obligation in (Obligation.ACKNOWLEDGE, Obligation.RESPOND):
                rule_id = stage.rule_id(obligation)
                if rule_id is None:
                    continue
                found = arrays.get(rule_id)
                if found is None:
                    return np.zeros(n, dtype=bool)
                ok &= ~base | ((found.due > 0) & (found.original > 0))
                if obligation is Obligation.ACKNOWLEDGE:
                    ack = found
                else:
                    respond = found
            if number in (1, 2):
                per_stage.append((number, dates, base, ack, respond))
        withdrawn = dates1.withdrawn > 0
        tally = summary.tally
        for number, dates, base, ack, respond in per_stage:
            base = base & ok
            if not base.any():
                continue
            received = _Months(dates.started, base)
            responded_mask = base & (dates.responded > 0)
            responded = _Months(dates.responded, responded_mask)
            counts = tally.counts
            received.add(counts, "received", number, base)
            received.add(tally.withdrawn, "received", number, base & withdrawn)
            responded.add(counts, "responded", number, responded_mask)
            received.add(counts, "received_responded", number, responded_mask)
            if respond is not None:
                on_time = responded_mask & (dates.responded <= respond.due)
                original = responded_mask & (dates.responded <= respond.original)
                responded.add(counts, "on_time", number, on_time)
                received.add(counts, "received_on_time", number, on_time)
                responded.add(counts, "on_time_original", number, original)
                received.add(counts, "received_on_time_original", number, original)
            if ack is not None:
                acked = dates.acknowledged > 0
                late = dates.acknowledged > ack.due
                received.add(counts, "ack_in_time", number, base & acked & ~late)
                received.add(counts, "ack_late", number, base & acked & late)
                overdue = base & ~acked & (ack.verdicts == FAIL)
                received.add(counts, "ack_overdue", number, overdue)
        return ok

    def _evaluate_pack(
        self,
        pack: Pack,
        group: Sequence[tuple[int | None, Complaint]],
        summary: BulkSummary,
        table_of: Callable[[], pa.Table] | None = None,
    ) -> list[CaseResult]:
        timed_rules, other_rules, levels = self._split(pack)
        tabled = self._tabled[pack.name]
        order = {rule_id: k for k, rule_id in enumerate(levels)}
        table = None
        if (timed_rules or tabled) and group:
            make = table_of or _CaseTables(None).maker([case for _, case in group], [])
            try:
                table = make()
            except Exception:  # a value Arrow cannot hold (text that is not Unicode)
                table = None  # every rule judged case by case
        timed: _Timed | None = None
        table_failed: Any = None
        # A batch checked as columns (counts only): a case is built only for a row whose
        # plan calls a check, whose tally the arrays did not give, or the first of a shape.
        lazy = isinstance(group, _Rows) and table is not None and not self.results
        facts_of: Any = None  # each case's facts, read off the table once for all uses
        if table is not None:
            if tabled or lazy:
                from ..model.columns import case_facts_column

                facts_of = case_facts_column(table)
            if timed_rules:
                timed = self._judge_timed(pack, timed_rules, group, table, summary)
            if tabled:
                table_failed = self._judge_expressions(
                    pack, tabled, group, table, summary, facts_of
                )
        results: list[CaseResult] = []
        other_checks = [(r.id, r.case) for r in other_rules if r.case is not None]
        every_check = [
            (r.id, r.case)
            for r in [*timed_rules, *tabled, *other_rules]
            if r.case is not None and (r in other_rules or table is None)
        ]
        settle = [r.id for r in other_rules if r.only_when_late and r.id not in self.unsettled]
        everything = (1 << len(settle)) - 1
        # Cases with the same facts (and the same settlement) run the same checks: a gated
        # rule whose facts a case lacks is not applicable and is never called, nor is a
        # rule the arrays show not to apply. Verdicts are logged per plan and rule, and
        # counted once per chunk.
        plans: dict[tuple[int, bool, int], _Planned] = {}
        keep = self.results
        must = {rule_id for rule_id, level in levels.items() if level is Level.MUST}
        e = self.engine
        calendar, conventions, as_of, organisation = (
            e.calendar,
            e.conventions,
            self.as_of,
            self.organisation,
        )
        watch = self._watch
        timed_ok = timed is not None
        if timed is None:
            timed = _Timed(len(group))
        failed_at: Any = timed.failed if table_failed is None else timed.failed | table_failed
        # per case as Python bools, read once each in the loop below
        failed: list[bool] = failed_at.tolist()
        settled: list[bool] = timed.settled.tolist()
        tallied: list[bool] = timed.tallied.tolist()
        by_rule = timed.rules
        visit: Iterable[int] = range(len(group))
        alone: _Alone | None = None
        if lazy:
            # only the rows whose shape has no plan free of calls yet are visited; the
            # rest are counted as arrays below
            alone = visit = _Alone(facts_of, timed.settled, timed_ok, everything, plans)
        alone_failed = 0  # lazy: the visited cases that failed
        renamed: dict[int, str] = {}  # lazy: a visited case whose reference differs
        visited: dict[int, Complaint] = {}  # lazy: a visited case whose tally is not given
        for i in visit:
            row, case = group[i]
            ctx = Context(pack, calendar, conventions, case.received_on, as_of, organisation)
            verdicts: list[tuple[str, Verdict, str | None]] = []
            case_failed = failed[i]
            shape = (case_facts(case), timed_ok, everything if settled[i] else 0)
            planned = plans.get(shape)
            if planned is None:
                found = self._settled(settle, shape[2], other_checks, case, ctx)
                checks = other_checks if timed_ok else every_check
                planned = plans[shape] = _Planned(_plan(checks, shape[0], found))
            planned.cases += 1
            if keep:
                verdicts += planned.plan.skipped
                for rule_id, judged, told in by_rule:
                    verdicts.append((rule_id, judged[i], told.get(i)))
            serial = watch.calls  # numbers each call for the time budget; see _budget
            for (rule_id, check), log in zip(planned.plan.run, planned.logs, strict=True):
                try:
                    serial += 1
                    watch.running = serial
                    outcome = check(case, ctx)
                    watch.running = 0
                    if type(outcome) is not Outcome and not isinstance(outcome, Outcome):
                        raise TypeError(f"check returned {type(outcome).__name__}, not an Outcome")
                    verdict = outcome.verdict
                except KeyboardInterrupt:
                    watch.running = 0
                    raise
                except BaseException as exc:  # a broken rule is an error finding, never fatal
                    watch.running = 0
                    outcome = Outcome(_ERROR, _error_message(rule_id, exc))
                    verdict = _ERROR
                log.append(verdict)
                if verdict is _FAIL:
                    month = breach_month(case, outcome.computed)
                    summary.breaches_by_month[(month, rule_id)] += 1
                    if rule_id in must:
                        summary.failures += 1
                        case_failed = True
                elif verdict is _ERROR:
                    summary.failures += 1
                    case_failed = True
                if keep:
                    verdicts.append((rule_id, verdict, outcome.message))
            watch.calls = serial
            if alone is not None:  # tallied, counted and noted as arrays below
                alone_failed += case_failed
                if not tallied[i]:
                    visited[i] = case
                if isinstance(group, _Rows) and case.reference != group.references[i]:
                    renamed[i] = case.reference
                continue
            if not tallied[i]:
                tally_case(self.engine, pack, case, self.as_of, summary)
            summary.evaluated += 1
            summary.note(row, case.reference)
            summary.cases_failed += case_failed
            if keep:
                verdicts.sort(key=lambda v: order[v[0]])
                landlord = case.landlord if case.landlord is not None else summary.landlord
                results.append(
                    CaseResult(
                        row, case.reference, pack.name, tuple(verdicts), case_failed, landlord
                    )
                )
        if alone is not None:
            assert isinstance(group, _Rows)
            # The rows not visited took a plan that calls nothing: counted per plan
            skipped = ~alone.visited
            for shape, k in alone.counts(skipped):
                plans[shape].cases += k
            summary.evaluated += len(group)
            summary.cases_failed += int(np.count_nonzero(failed_at & skipped)) + alone_failed
            # each case whose tally the arrays did not give, in row order
            for i in np.flatnonzero(~timed.tallied).tolist():
                case = visited[i] if i in visited else group[i][1]
                tally_case(self.engine, pack, case, self.as_of, summary)
            references = group.references
            if renamed:
                references = list(references)
                for i, reference in renamed.items():
                    references[i] = reference
            summary.note_all(group.rows, references)
        tally = summary.verdicts
        for planned in plans.values():
            for rule_id, _, _ in planned.plan.skipped:
                tally[(rule_id, _NA_VALUE)] += planned.cases
            for (rule_id, _), log in zip(planned.plan.run, planned.logs, strict=True):
                for verdict, n in Counter(log).items():
                    tally[(rule_id, verdict.value)] += n
        return results

    def _settled(
        self,
        settle: Sequence[str],
        bits: int,
        checks: Sequence[tuple[str, CaseCheck]],
        case: Complaint,
        ctx: Context,
    ) -> dict[str, str]:
        """The rules the arrays settled for a shape of case, with their n/a messages.

        A rule's message is taken from the rule itself, on the first case it is settled
        for; if the rule does not find that case not applicable, it is never settled again.
        """
        out: dict[str, str] = {}
        for k, rule_id in enumerate(settle):
            if not bits >> k & 1 or rule_id in self.unsettled:
                continue
            message = self._settled_message.get(rule_id)
            if message is None:
                check = dict(checks)[rule_id]
                watch = self._watch
                try:
                    watch.running = watch.calls = watch.calls + 1
                    outcome = check(case, ctx)
                    watch.running = 0
                except KeyboardInterrupt:
                    watch.running = 0
                    raise
                except BaseException:  # judged again by the plan, which reports the error
                    watch.running = 0
                    outcome = None
                if outcome is None or outcome.verdict is not Verdict.NOT_APPLICABLE:
                    self.unsettled.add(rule_id)
                    continue
                message = self._settled_message[rule_id] = outcome.message
            out[rule_id] = message
        return out


class _CaseTables:
    """The case tables of one chunk's groups of cases (:mod:`complaintrules.model.columns`).

    From the columnar reader's batch where it has one: a case built from the typed columns
    and left as it was by the as-of date is its row of the batch's flat table, laid out by
    :func:`~complaintrules.io.flat.from_targets` (once for the chunk); any other case (read
    one by one, changed by the as-of date, or with no batch) is laid out from the case
    itself by :func:`~complaintrules.model.columns.case_table`.
    """

    def __init__(self, flat: FlatBatch | None) -> None:
        self.flat = flat
        self._whole: pa.Table | None = None

    def _from_columns(self) -> pa.Table | None:
        flat = self.flat
        if flat is None:
            return None
        if self._whole is None:
            from ..io.flat import from_targets

            try:
                self._whole = from_targets(flat.table.select(flat.table.column_names[1:]))
            except ValueError:  # a shape the reader refused: every case from itself
                self.flat = None
                return None
        return self._whole

    def maker(self, cases: Sequence[Complaint], sources: Sequence[int]) -> Callable[[], pa.Table]:
        """A function giving the case table of ``cases``, which are (or are as of the as-of
        date snapshots of) the batch's cases at positions ``sources``."""
        return lambda: self._table(cases, sources)

    def _table(self, cases: Sequence[Complaint], sources: Sequence[int]) -> pa.Table:
        import numpy as np
        import pyarrow as pa

        from ..model.columns import case_table

        flat = self.flat
        exact: list[int] = []
        if flat is not None:
            read, built = flat.cases, flat.from_columns
            exact = [
                k
                for k, (case, j) in enumerate(zip(cases, sources, strict=True))
                if built[j] and read[j] is case
            ]
        whole = self._from_columns() if exact else None
        if whole is None:
            return case_table(cases)
        if len(exact) == len(cases) == whole.num_rows and list(sources) == list(range(len(cases))):
            return whole  # every case of the batch, in order: no copy
        picked = whole.take(pa.array([sources[k] for k in exact], pa.int64()))
        if len(exact) == len(cases):
            return picked
        others = sorted(set(range(len(cases))) - set(exact))
        joined = pa.concat_tables([picked, case_table([cases[k] for k in others])])
        order = np.empty(len(cases), dtype=np.int64)
        order[exact] = np.arange(len(exact))
        order[others] = np.arange(len(exact), len(cases))
        return joined.take(pa.array(order))


_EPOCH = date(1970, 1, 1).toordinal()


def _ordinals(column: Any) -> Any:
    """A date32 column's days as date ordinals (numpy int64), 0 where null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    days = pc.fill_null(pc.cast(column, pa.int32()), -_EPOCH)
    return np.asarray(days.to_numpy(), dtype=np.int64) + _EPOCH


class _Rows(Sequence[tuple[int | None, Complaint]]):
    """The rows of a batch checked as columns that one pack judges (positions in the
    batch's flat table), each (row number, case) pair made only when asked for: the case
    the as-of date or the model gave, else built from the row's typed values (and taken
    as of the date, for a row the snapshot over columns changed)."""

    def __init__(
        self,
        flat: FlatBatch,
        positions: Any,
        rows: list[int | None],
        references: list[str],
        changed: Mapping[int, Complaint],
        snapped: set[int] | None = None,
        as_of: date | None = None,
    ) -> None:
        self.flat = flat
        #: the positions as a numpy array (ascending) and as a list
        self.at: Any = np.asarray(positions, dtype=np.int64)
        self.positions: list[int] = self.at.tolist()
        self.changed = changed
        self.snapped = snapped or set()
        self.as_of = as_of
        self._made: dict[int, Complaint] = {}
        if len(self.positions) == len(rows):  # every row of the batch (so in order)
            self.rows, self.references = rows, references
        else:
            self.rows = [rows[k] for k in self.positions]
            self.references = [references[k] for k in self.positions]

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, i: Any) -> Any:
        if not isinstance(i, int):
            raise TypeError("rows are read one at a time")
        k = self.positions[i]
        case = self.changed.get(k)
        if case is None and k in self.snapped:
            case = self._made.get(k)
            if case is None:
                assert self.as_of is not None
                taken = self.flat.case(k).as_of(self.as_of).case
                assert taken is not None  # received by then
                case = self._made[k] = taken
        return self.rows[i], case if case is not None else self.flat.case(k)


class _WholeTable:
    """The case table of a batch checked as columns: the one laid out while the batch was
    checked (:meth:`~complaintrules.io.columnar.FlatBatch.case_table`), or where the as-of
    date altered rows (``changed``), laid out from ``targets`` (its mapping-target columns
    as of that date); a group's table takes its rows, with the cases the model made or
    took as of the date laid out from those cases."""

    def __init__(self, flat: FlatBatch, targets: pa.Table, changed: Any = None) -> None:
        self.flat = flat
        self.targets = targets
        self.changed = changed  # per row, whether ``targets`` differs from the batch's own
        self._whole: pa.Table | None = None

    def maker(self, group: _Rows) -> Callable[[], pa.Table]:
        return lambda: self.of(group)

    def of(self, group: _Rows) -> pa.Table:
        import pyarrow as pa

        from ..model.columns import case_table

        if self._whole is None:  # the batch's own, laid out while it was checked
            self._whole = self.flat.case_table(self.targets, self.changed)
        positions = group.at
        if group.changed:  # which rows the model made or took as of the date
            made_rows = np.fromiter(group.changed, dtype=np.int64, count=len(group.changed))
            is_made = np.isin(positions, made_rows)
        else:
            is_made = np.zeros(len(positions), dtype=bool)
        plain = np.flatnonzero(~is_made)
        if len(plain) == len(positions) == self._whole.num_rows:
            return self._whole
        picked = self._whole.take(pa.array(positions[plain], pa.int64()))
        if len(plain) == len(positions):
            return picked
        others = np.flatnonzero(is_made)
        made = case_table([group.changed[k] for k in positions[others].tolist()])
        joined = pa.concat_tables([picked, made])
        order = np.empty(len(positions), dtype=np.int64)
        order[plain] = np.arange(len(plain))
        order[others] = np.arange(len(plain), len(positions))
        return joined.take(pa.array(order))


@dataclass(frozen=True, slots=True)
class _Plan:
    """The checks to call on a case with given facts, and the gated rules it cannot meet."""

    run: tuple[tuple[str, CaseCheck], ...]
    skipped: tuple[tuple[str, Verdict, str | None], ...]


def _error_message(rule_id: str, exc: BaseException) -> str:
    if isinstance(exc, RuleOvertime):
        return f"rule {rule_id} {exc}; stopped"
    return f"rule raised {type(exc).__name__}: {exc}"


def _plan(checks: Sequence[tuple[str, CaseCheck]], facts: int, settled: Mapping[str, str]) -> _Plan:
    run: list[tuple[str, CaseCheck]] = []
    skipped: list[tuple[str, Verdict, str | None]] = []
    for rule_id, check in checks:
        if rule_id in settled:
            skipped.append((rule_id, Verdict.NOT_APPLICABLE, settled[rule_id]))
        elif isinstance(check, GatedCheck):
            if check.applies(facts):
                run.append((rule_id, check.check))  # the gate is passed: call what it guards
            else:
                skipped.append((rule_id, Verdict.NOT_APPLICABLE, check.otherwise))
        else:
            run.append((rule_id, check))
    return _Plan(tuple(run), tuple(skipped))


class _Alone:
    """The rows of a group judged as columns (counts only) that must be visited one by
    one, in order, as :meth:`BulkEvaluator._evaluate_pack` meets them (iterate over it):
    a row is passed over once its shape (its case facts and whether the arrays settled
    it) has a plan that calls no check, since such a row is then only counted. Plans are
    made while visiting rows (``plans``, keyed as that method keys them), so the rows
    left to visit are found again, as arrays, whenever a new plan calls nothing.
    """

    def __init__(
        self, facts: Any, settled: Any, timed_ok: bool, everything: int, plans: Mapping[Any, Any]
    ) -> None:
        self.plans = plans
        n = len(facts)
        # per row, its shape's place among the distinct shapes (whether a row is settled
        # is part of its shape only where there is something to settle)
        settles = np.asarray(settled, dtype=bool) & bool(everything)
        self.keys, self.where = _distinct_pairs(np.asarray(facts, dtype=np.int64), settles)
        self.shapes = [(int(f), timed_ok, everything if s else 0) for f, s in self.keys]
        self.place = {shape: j for j, shape in enumerate(self.shapes)}
        #: per distinct shape, whether it has a plan that calls nothing
        self.free = np.zeros(len(self.shapes), dtype=bool)
        #: per row, whether it was visited
        self.visited = np.zeros(n, dtype=bool)

    def __iter__(self) -> Iterator[int]:
        plans, place, free, where = self.plans, self.place, self.free, self.where
        todo: list[int] = list(range(len(where)))
        known = len(plans)
        at = 0
        while at < len(todo):
            i = todo[at]
            at += 1
            self.visited[i] = True
            yield i
            if len(plans) == known:
                continue
            known = len(plans)
            grew = False
            for shape, planned in plans.items():
                j = place.get(shape)
                if j is not None and not free[j] and not planned.plan.run:
                    free[j] = grew = True
            if grew:  # the rows after this one whose shape still has no such plan
                todo = (i + 1 + np.flatnonzero(~free[where[i + 1 :]])).tolist()
                at = 0

    def counts(self, mask: Any) -> list[tuple[Any, int]]:
        """(shape, how many rows of it) for the rows where ``mask`` holds."""
        counted = np.bincount(self.where[mask], minlength=len(self.shapes))
        return [(self.shapes[j], int(counted[j])) for j in np.flatnonzero(counted).tolist()]


def _distinct_pairs(first: Any, second: Any) -> tuple[list[tuple[int, bool]], Any]:
    """The distinct (first, second) pairs of two columns (int64, bool) as Python values,
    in ascending order, and each row's place among them (a numpy array)."""
    first = np.asarray(first, dtype=np.int64)
    second = np.asarray(second, dtype=bool)
    if not len(first) or (first.min() >= 0 and first.max() < 1 << 62):
        # one int64 key a pair (sorted as the pairs are): far quicker to sort
        found, where = np.unique(first * 2 + second, return_inverse=True)
        keys = [(k >> 1, bool(k & 1)) for k in found.tolist()]
        return keys, np.asarray(where, dtype=np.int64).reshape(-1)
    pairs = np.empty(len(first), dtype=[("a", np.int64), ("b", np.bool_)])
    pairs["a"], pairs["b"] = first, second
    both, where = np.unique(pairs, return_inverse=True)
    return [(int(a), bool(b)) for a, b in both.tolist()], np.asarray(where, np.int64).reshape(-1)


class _Planned:
    """A plan in use for one chunk: how many cases took it, and each run rule's verdicts."""

    __slots__ = ("cases", "logs", "plan")

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.cases = 0
        self.logs: list[list[Verdict]] = [[] for _ in plan.run]


# -- streaming over iterables and files -----------------------------------------------------


def evaluate_cases(
    cases: Iterable[Complaint],
    *,
    engine: Engine | None = None,
    pack: str | Pack | None = None,
    as_of: date | None = None,
    organisation: Organisation | None = None,
    fast: bool = True,
    chunk_size: int = 2000,
    summary: BulkSummary | None = None,
    landlord: str | None = None,
) -> Iterator[CaseResult]:
    """Verdicts of every case rule on each case, streaming: one :class:`CaseResult` each.

    Pass a :class:`BulkSummary` to collect the running totals (verdict counts, TSM
    tallies, breaches by month) as the results are consumed; a case no pack can judge
    (received before any installed Code) is then listed in ``summary.rejected``. Without a
    summary there is nowhere to list it, so such a case raises :class:`NoPackError`
    instead of vanishing.

    ``landlord``: the landlord key of cases that carry none (``Complaint.landlord``);
    each landlord's cases are counted in its own totals (:meth:`BulkSummary.part`).
    """
    totals = summary if summary is not None else BulkSummary()
    if landlord is not None:
        if totals.landlord not in (None, landlord):
            raise ValueError(
                f"evaluate_cases: landlord {landlord!r} differs from the summary's "
                f"{totals.landlord!r}"
            )
        totals.landlord = landlord
    evaluator = BulkEvaluator(
        engine,
        pack=pack,
        as_of=as_of,
        organisation=organisation,
        fast=fast,
        landlord=totals.landlord,
    )
    chunk: list[tuple[int | None, Complaint]] = []

    def run(items: list[tuple[int | None, Complaint]]) -> list[CaseResult]:
        before = len(totals.rejected)
        results = evaluator.evaluate(items, totals)
        if summary is None and len(totals.rejected) > before:
            raise NoPackError(totals.rejected[before].reason)
        return results

    for case in cases:
        chunk.append((None, case))
        totals.rows_in += 1
        if len(chunk) >= chunk_size:
            yield from run(chunk)
            chunk = []
    if chunk:
        yield from run(chunk)


@dataclass(frozen=True, slots=True)
class _Settings:
    """What a worker process needs to build its own engine and evaluator."""

    blocked: tuple[str, ...]
    autoload: bool | None
    closures: tuple[date, ...]
    conventions: Conventions
    pack: str | None
    as_of: date | None
    organisation: Organisation | None
    fast: bool
    messages: bool
    results: bool
    converter: RowConverter
    rule_time_budget: float | None = None
    landlord: str | None = None


_WORKER: tuple[BulkEvaluator, RowConverter] | None = None


def _make_worker(settings: _Settings) -> tuple[BulkEvaluator, RowConverter]:
    engine = Engine(
        registry=PackRegistry(autoload=settings.autoload, blocked=list(settings.blocked)),
        calendar=WorkingCalendar(closures=settings.closures),
        conventions=settings.conventions,
        rule_time_budget=settings.rule_time_budget,
    )
    evaluator = BulkEvaluator(
        engine,
        pack=settings.pack,
        as_of=settings.as_of,
        organisation=settings.organisation,
        fast=settings.fast,
        messages=settings.messages,
        results=settings.results,
        landlord=settings.landlord,
    )
    return evaluator, settings.converter


def _init_worker(settings: _Settings) -> None:
    global _WORKER
    _WORKER = _make_worker(settings)


def _work(chunk: list[tuple[int, Any]] | RawBatch) -> tuple[BulkSummary, list[CaseResult]]:
    assert _WORKER is not None
    return _process(_WORKER[0], _WORKER[1], chunk)


def evaluate_chunk(
    evaluator: BulkEvaluator, converter: RowConverter, chunk: list[tuple[int, Any]] | RawBatch
) -> tuple[BulkSummary, list[CaseResult]]:
    """One chunk of rows judged by ``evaluator``: the bulk path's step, for its callers in
    this package (the file evaluator, its worker processes, bulk/distributed.py).

    ``chunk``: (row number, record) pairs as ``converter`` reads them, or a
    :class:`RawBatch` of columns (read as columns). A row that is no case is rejected
    into the chunk's summary, counted with its landlord where its landlord column reads.
    Returns the chunk's own totals (merge them into the run's with
    :meth:`BulkSummary.merge`) and the judged cases' results (none when the evaluator
    keeps no results).
    """
    return _process(evaluator, converter, chunk)


def _process(
    evaluator: BulkEvaluator, converter: RowConverter, chunk: list[tuple[int, Any]] | RawBatch
) -> tuple[BulkSummary, list[CaseResult]]:
    summary = BulkSummary(landlord=evaluator.landlord)
    good: list[tuple[int | None, Complaint]] = []
    if not isinstance(chunk, list):  # a RawBatch, read as columns (see io/columnar.py)
        from ..io.columnar import convert_batch

        # Counts only: the batch is checked as columns, no case built per row
        columns_only = evaluator.fast and not evaluator.results
        flat = convert_batch(chunk, converter, cases=not columns_only)
        summary.rows_in += flat.rows_in
        keys: dict[int, Any] = {}
        if flat.rejected and "landlord" in chunk.table.column_names:
            keys = dict(zip(chunk.rows, chunk.table.column("landlord").to_pylist(), strict=True))
            keys.update(
                {chunk.rows[i]: _raw_landlord(converter, r) for i, r in chunk.special.items()}
            )
        if keys:
            for row in flat.rejected:
                _reject(summary, row, keys.get(row.row))
        else:  # no landlord column: every rejected row is this summary's
            summary.reject_all(flat.rejected)
        if columns_only:
            evaluator.evaluate_columns(flat, summary)
            return summary, []
        numbers = flat.table.column("row").to_pylist()
        good = list(zip(numbers, flat.cases, strict=True))
        return summary, evaluator.evaluate(good, summary, flat)
    for number, record in converter.split(chunk):
        summary.rows_in += 1
        row = converter.convert(number, record)
        if row.case is None:
            _reject(summary, row, _raw_landlord(converter, record))
        else:
            good.append((number, row.case))
    return summary, evaluator.evaluate(good, summary)


def _raw_landlord(converter: RowConverter, record: Any) -> Any:
    """The text of a record's landlord column, if it has one (for a row rejected before
    it became a case, so that it is counted with its landlord)."""
    for f in converter.fields:
        if f.target == "landlord":
            if isinstance(record, dict):
                return record.get(f.column)
            if isinstance(record, list) and f.index < len(record):
                return record[f.index]
    return None


def _reject(summary: BulkSummary, row: Row, landlord: Any) -> None:
    """Count a rejected row, with its landlord's totals when its landlord column reads."""
    key = landlord.strip() if isinstance(landlord, str) else None
    part = summary.part(key or None)
    if part is not summary:
        summary.rows_in -= 1
        part.rows_in += 1
    part.reject(row, row.problems)


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal (or when asked).

    With the share of the file read it draws a bar and a percentage; without, a count.
    """

    def __init__(
        self, stream: TextIO | None = None, *, enabled: bool | None = None, width: int = 24
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.width = width
        self.start = _time.perf_counter()
        self.last = 0.0

    def update(
        self, rows: int, rejected: int, *, fraction: float | None = None, final: bool = False
    ) -> None:
        if not self.enabled:
            return
        now = _time.perf_counter()
        if not final and now - self.last < 0.2:
            return
        self.last = now
        rate = rows / max(now - self.start, 1e-9)
        bar = ""
        if fraction is not None or final:
            share = 1.0 if final else min(max(fraction or 0.0, 0.0), 1.0)
            filled = round(share * self.width)
            bar = f"[{'#' * filled}{'-' * (self.width - filled)}] {share:4.0%} "
        end = "\n" if final else ""
        self.stream.write(f"\r{bar}{rows:,} rows ({rejected:,} rejected), {rate:,.0f} rows/s{end}")
        self.stream.flush()


#: Rows per chunk of an export read as columns (see docs/crm-integration.md): the work
#: done once per chunk and rule is paid less often, against memory that grows with the
#: chunk (at 100,000 rows, 5,000-row chunks cost a third to a half more CPU than 20,000;
#: 50,000 saved at most a twentieth more and took about a third more memory).
COLUMNAR_CHUNK_SIZE = 20_000
#: Rows per chunk of an export read row by row (Excel, or rows given as dicts).
ROW_CHUNK_SIZE = 5000


def evaluate_file(
    path: str | Path,
    mapping: ColumnMapping | str | Path | None = None,
    *,
    engine: Engine | None = None,
    pack: str | None = None,
    as_of: date | None = None,
    organisation: Organisation | None = None,
    fast: bool = True,
    messages: bool = True,
    on_result: Callable[[CaseResult], None] | None = None,
    jobs: int = 1,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    blocked: Sequence[str] = (),
    autoload: bool | None = None,
    landlord: str | None = None,
    sheet: str | None = None,
) -> BulkSummary:
    """Evaluate a case export (CSV, JSON Lines, JSON, Parquet, Excel), streaming; returns
    the totals.

    ``on_result`` receives each case's :class:`CaseResult` in input order (none are
    kept). ``jobs`` > 1 spreads chunks over that many worker processes; each builds its
    own engine with the given engine's calendar closures and conventions, loading packs
    through their entry points (``blocked``, ``autoload``). Rows in = rows evaluated +
    rows rejected (each rejected row's problems are in the summary).

    ``landlord``: the run's landlord key, for cases whose row gives none (a mapping may
    map a column to ``landlord``); each landlord's cases are counted in its own totals
    (:attr:`BulkSummary.landlords`), and every result carries its case's key.
    ``sheet``: the sheet of an Excel workbook (.xlsx) to read (None: its first).
    ``chunk_size``: rows per chunk (None: :data:`COLUMNAR_CHUNK_SIZE` for an export read
    as columns, CSV, JSON Lines or Parquet; :data:`ROW_CHUNK_SIZE` for one read row by
    row); peak memory grows with it, not with the file.
    """
    reader = CaseReader(path, mapping, sheet=sheet)
    engine = engine if engine is not None else Engine()
    if pack is not None:
        engine.pack(pack)  # an unknown pack fails here, not in every worker
    want_results = on_result is not None
    summary = BulkSummary(landlord=landlord)
    settings = _Settings(
        blocked=tuple(blocked),
        autoload=autoload,
        closures=tuple(sorted(engine.calendar.closures)),
        conventions=engine.conventions,
        pack=pack,
        as_of=as_of,
        organisation=organisation,
        fast=fast,
        messages=messages and want_results,
        results=want_results,
        converter=reader.converter,
        rule_time_budget=engine.rule_time_budget,
        landlord=landlord,
    )

    def chunks() -> Iterator[list[tuple[int, Any]] | RawBatch]:
        # pyarrow is loaded here, for a file, never for judging one case
        from ..io.columnar import columnar_batches, raw_batches, rechunk

        if columnar_batches(reader):
            size = COLUMNAR_CHUNK_SIZE if chunk_size is None else chunk_size
            yield from rechunk(raw_batches(reader), size)
            return
        size = ROW_CHUNK_SIZE if chunk_size is None else chunk_size
        batch: list[tuple[int, Any]] = []
        for item in reader.raw_records():
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def consume(part: BulkSummary, results: list[CaseResult]) -> None:
        summary.merge(part)
        if on_result is not None:
            for result in results:
                on_result(result)
        if progress is not None:
            progress.update(
                summary.rows_in, summary.rejected_rows, fraction=reader.fraction(summary.rows_in)
            )

    if jobs <= 1:
        evaluator = BulkEvaluator(
            engine,
            pack=pack,
            as_of=as_of,
            organisation=organisation,
            fast=fast,
            messages=settings.messages,
            results=want_results,
            landlord=landlord,
        )
        for batch in chunks():
            consume(*_process(evaluator, reader.converter, batch))
    else:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(settings,)) as pool:
            pending: deque[Any] = deque()
            for batch in chunks():
                pending.append(pool.apply_async(_work, (batch,)))
                while len(pending) > jobs * 2:
                    consume(*pending.popleft().get())
            while pending:
                consume(*pending.popleft().get())
    if progress is not None:
        progress.update(summary.rows_in, summary.rejected_rows, final=True)
    return summary


def validate_case(
    data: Complaint | Mapping[str, Any],
    *,
    engine: Engine | None = None,
    pack: str | Pack | None = None,
    as_of: date | None = None,
    organisation: Organisation | None = None,
) -> list[Finding]:
    """Findings of every case rule on one case, given as a :class:`Complaint` or its data.

    Data that does not validate raises :class:`InputError` naming each field at fault.
    """
    if isinstance(data, Complaint):
        case = data
    else:
        try:
            case = Complaint.model_validate(data)
        except ValidationError as exc:
            problems = [
                InputProblem(
                    format_location([p for p in e["loc"] if isinstance(p, int | str)]),
                    e["msg"].removeprefix("Value error, "),
                )
                for e in exc.errors(include_url=False)
            ]
            raise InputError("<case>", problems) from None
    chosen = engine if engine is not None else _shared_engine()
    return chosen.case_findings(case, pack=pack, as_of=as_of, organisation=organisation)


def measure_tsm(
    cases: Iterable[Complaint],
    period: ReportingPeriod,
    *,
    organisation: Organisation | None = None,
    options: TsmOptions | None = None,
    engine: Engine | None = None,
    as_of: date | None = None,
) -> TsmReport:
    """TSM CH01 and CH02 (and acknowledgement rates) over ``cases`` for one period."""
    summary = BulkSummary()
    for _ in evaluate_cases(
        cases, engine=engine, as_of=as_of, organisation=organisation, summary=summary
    ):
        pass
    return summary.tally.report(period, options or TsmOptions(), organisation)


_ENGINE: Engine | None = None


def _shared_engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine()
    return _ENGINE
