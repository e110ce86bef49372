"""Timescale declarations judged over a case table, beside the per-case judge.

:func:`judge_timescale_table` reads one :class:`~complaintrules.law.timescale.Timescale`
(whichever pack declares it, whatever options it sets) and decides every row's verdict
from arrays: the stage's clock start under the engine's conventions, the deadline
counted with :meth:`WorkingCalendar.add_working_days_array` (the calendar's own holidays
and closures), the extensions applied in the order they were notified with the cap and
good reasons, when the obligation stopped, and the as-of date or the day the case ended.
It follows :func:`~complaintrules.law.stage_checks.judge_timescale` step for step, in the
same order, so the two give the same verdict on every row (tests hold them to it).

Messages and evidence are built only for the rows asked for, and by the per-case judge
itself, on the row's case read back from the table: the text of a finding exists once.
The same happens for the few rows the arrays cannot settle, so that they get exactly the
per-case outcome: a date outside the calendar's years, a parameter not in force or not
usable on the receipt date (the per-case judge reports the error), a precondition written
as a function, or one written as an expression that reads parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..model.columns import STAGE_NUMBERS, complaints, one_array, stage_column
from ..model.conventions import LateAcknowledgement
from ..model.policy import ClockStart
from .context import Context
from .expressions import (
    _SHARED_TABLE,
    VERDICT_CODES,
    CaseExpression,
    JudgingSettings,
    TableVerdicts,
    _Columns,
    _distinct,
    _error,
    _period_firsts,
)
from .rules import Evidence, Finding, Rule, Subject, Verdict
from .timeliness import response_clock_law
from .timescale import Obligation, Timescale

if TYPE_CHECKING:
    from ..calendar.working_days import WorkingCalendar
    from ..model.conventions import Conventions
    from .packs import Pack

__all__ = [
    "ClockArrays",
    "StageDates",
    "TimescaleArrays",
    "judge_timescale_table",
    "stage_dates",
    "timescale_arrays",
    "verdict_of",
]

Ints = np.ndarray[Any, np.dtype[np.int64]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]

#: Verdict codes over a table; a row still UNSETTLED is judged one case at a time.
UNSETTLED, NA, PASS, FAIL, NEEDS = -1, 0, 1, 2, 3
_VERDICTS = {
    NA: Verdict.NOT_APPLICABLE,
    PASS: Verdict.PASS,
    FAIL: Verdict.FAIL,
    NEEDS: Verdict.NEEDS_EVIDENCE,
}
_CODES = {v: k for k, v in _VERDICTS.items()}
_EPOCH = date(1970, 1, 1).toordinal()


def _mask(array: Any) -> Mask:
    found = pc.fill_null(array, False).to_numpy(zero_copy_only=False)
    return np.asarray(found, dtype=bool)


def _valid(array: Any) -> Mask:
    """Where ``array`` holds a value (its validity has no nulls to fill)."""
    return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _days(array: Any, within: Mask) -> tuple[Ints, Mask]:
    """A date column as ordinals (0 where missing), and where it is present."""
    valid = _valid(array) & within
    raw = pc.fill_null(array.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
    return np.where(valid, raw.astype(np.int64) + _EPOCH, 0), valid


def _text(array: Any, within: Mask) -> Mask:
    """Where a text column holds a non-empty value (what ``bool(text)`` says)."""
    return _mask(pc.greater(pc.utf8_length(array), 0)) & within


def _field(array: Any, *path: str) -> Any:
    for part in path:
        array = pc.struct_field(array, part)
    return array


class _Calendar:
    """The calendar's arithmetic over arrays, flagging the rows it cannot answer (the
    per-case judge raises for them)."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        first, last = calendar.years
        self.first = date(first, 1, 1).toordinal()
        self.last = date(last, 12, 31).toordinal()

    def inside(self, days: Ints) -> Mask:
        return (days >= self.first) & (days <= self.last)

    def add(self, days: Ints, n: Ints, live: Mask) -> tuple[Ints, Mask]:
        """The ``n``th working day after each day of ``live``, and the live rows the
        calendar refuses (a day or result outside its years, ``n`` below 1)."""
        got = self.calendar.add_working_days_array(
            np.where(live, days, self.first), np.maximum(n, 1)
        )
        found = np.asarray(got, dtype=np.int64)
        return found, live & ((found < 0) | (n < 1))


class ClockArrays:
    """:class:`~complaintrules.law.timeliness.ClockOps` over a table's rows, for the
    response clock's one law (:func:`~complaintrules.law.timeliness.response_clock_law`):
    dates as ordinals (0 where missing), times of day as microseconds (-1 where missing),
    a clock start as its index in :class:`ClockStart` (-1 where missing). Only the
    ``live`` rows are counted; ``refused`` gathers those the calendar or the conventions
    refuse (the law raises for them over one case)."""

    no_time = -1

    def __init__(
        self,
        calendar: WorkingCalendar,
        conventions: Conventions,
        live: Mask,
        placed: dict[int, int] | None = None,
    ) -> None:
        self.cal, self.conventions, self.live = _Calendar(calendar), conventions, live
        self.capped = conventions.late_acknowledgement is LateAcknowledgement.CAPPED
        self.refused = np.zeros(len(live), dtype=bool)
        #: each day (and side of the cut-off) placed already, as :meth:`placed` keys it:
        #: its day 0, -1 where the conventions refused it (kept for a whole table, given)
        self.known: dict[int, int] = {} if placed is None else placed

    def missing(self, value: Ints) -> Any:
        return value == 0

    def present(self, value: Ints) -> Any:
        return value != 0

    def later(self, value: Ints, limit: Ints) -> Any:
        return (value != 0) & (limit != 0) & (value > limit)

    def pick(self, condition: Mask, chosen: Any, otherwise: Any) -> Any:
        return np.where(condition, chosen, otherwise)

    def or_else(self, value: Ints, other: Ints) -> Ints:
        return np.where(value != 0, value, other)

    def counts_from(self, respond_from: Ints, start: ClockStart) -> Any:
        return respond_from == _STARTS.index(start)

    def placed(self, day: Ints, at: Ints, where: Mask) -> Ints:
        """Each day as the conventions place a receipt on it (at ``at``): the conventions'
        own function, once per distinct day (and side of the cut-off, all a time of day
        changes)."""
        live = where & self.live
        conventions = self.conventions
        cutoff = conventions.cutoff
        late = np.zeros(len(day), dtype=bool)
        if cutoff is not None:
            if cutoff.tzinfo is not None:  # a naive time against it: refused over one case
                self.refused |= live & (at >= 0)
            limit = ((cutoff.hour * 60 + cutoff.minute) * 60 + cutoff.second) * 10**6
            late = at >= limit + cutoff.microsecond
        keys = np.where(live, day * 2 + late, 0)
        unique, where_k = _distinct(keys, 0)  # (0: a row not counted)
        start = np.zeros(len(unique), dtype=np.int64)
        refused = np.zeros(len(unique), dtype=bool)
        known = self.known
        for k, key in enumerate(unique.tolist()):
            ordinal, moved = divmod(key, 2)
            if ordinal <= 0:
                refused[k] = key != 0
                continue
            found = known.get(key)
            if found is None:
                try:
                    found = conventions.effective_receipt(
                        self.cal.calendar, date.fromordinal(ordinal), cutoff if moved else None
                    )[0].toordinal()
                except Exception:
                    found = -1
                known[key] = found
            if found < 0:
                refused[k] = True
            else:
                start[k] = found
        self.refused |= live & refused[where_k]
        return np.where(live, start[where_k], 0)

    def add_working_days(self, day: Ints, n: Ints, where: Mask) -> Ints:
        live = where & self.live
        found, refused = self.cal.add(day, n, live)
        self.refused |= refused
        return np.where(live, found, 0)


_STARTS = list(ClockStart)


class _StartsPlaced(ClockArrays):
    """:class:`ClockArrays` for stage starts already placed by the conventions."""

    def placed(self, day: Ints, at: Ints, where: Mask) -> Ints:
        return np.where(where & self.live, day, 0)


def _deadline(
    cal: _Calendar,
    due: Ints,
    done: tuple[Ints, Mask],
    stopped: tuple[Ints, Mask],
    ended: tuple[Ints, Mask],
    as_of: date | None,
) -> tuple[Ints, Mask]:
    """What :func:`~complaintrules.law.timeliness.judge_deadline` decides, per row, and
    the rows whose day counts would fall outside the calendar."""
    done_on, is_done = done
    code = np.full(len(due), NA, dtype=np.int64)
    code[is_done] = np.where(done_on[is_done] <= due[is_done], PASS, FAIL)
    unsure = is_done & ~cal.inside(done_on)
    stop_on, has_stop = stopped
    owed = ~is_done & ~(has_stop & (stop_on <= due))
    if as_of is not None:
        judged = np.full(len(due), as_of.toordinal(), dtype=np.int64)
        has_judge = np.ones(len(due), dtype=bool)
    else:
        judged, has_judge = ended
    at = owed & has_judge
    code[at & (judged > due)] = FAIL
    unsure |= at & ~cal.inside(judged)
    return code, unsure


class _Stage:
    """The facts of one stage the judge reads, over every row of a table."""

    def __init__(self, table: pa.Table, number: int) -> None:
        n = table.num_rows
        everywhere = np.ones(n, dtype=bool)
        record = table.column(stage_column(number)).combine_chunks()
        self.reached = _valid(record)
        reached = self.reached
        self.requested = _days(_field(record, "requested_on"), reached)
        self.logged = _days(_field(record, "logged_on"), reached)
        acknowledged = _field(record, "acknowledged")
        has_ack = _valid(acknowledged) & reached
        self.acknowledged = _days(_field(acknowledged, "on"), has_ack)
        definition = _field(acknowledged, "definition")
        has_def = _valid(definition) & has_ack
        self.defined = _text(_field(definition, "understanding"), has_def) & _text(
            _field(definition, "outcomes_sought"), has_def
        )
        response = _field(record, "response")
        self.responded = _valid(response) & reached
        self.issued = _days(_field(response, "issued_on"), self.responded)
        self.extensions = _field(record, "extensions")
        counts = pc.fill_null(pc.list_value_length(self.extensions), 0)
        self.extension_count = np.where(reached, counts.to_numpy(zero_copy_only=False), 0)
        later = np.zeros(n, dtype=bool)
        for other in STAGE_NUMBERS:
            if other > number:
                later |= _valid(table.column(stage_column(other)))
        self.later = later
        self.withdrawn = _days(table.column("withdrawn_on").combine_chunks(), everywhere)
        self.closed = _days(table.column("closed_on").combine_chunks(), everywhere)

    def ended(self) -> tuple[Ints, Mask]:
        """When the case ended: closed, else withdrawn."""
        (closed, is_closed), (withdrawn, is_withdrawn) = self.closed, self.withdrawn
        return np.where(is_closed, closed, withdrawn), is_closed | is_withdrawn


class _Parameters:
    """The declaration's parameters per row, read once per receipt date as the per-case
    judge reads them; ``usable`` is False where reading them (or using them) would raise."""

    def __init__(
        self,
        timescale: Timescale,
        received: Ints,
        engine: JudgingSettings,
        pack: Pack,
    ) -> None:
        days, where = _distinct(received, 0)
        size = len(days)
        ack = np.zeros(size, dtype=np.int64)
        allowed = np.zeros(size, dtype=np.int64)
        clock = np.zeros(size, dtype=np.int64)
        cap = np.zeros(size, dtype=np.int64)
        usable = np.zeros(size, dtype=bool)
        # Days reading the same dated values of the parameters read them once: each
        # later day of such a period takes the first day's (see ``source``).
        source = _period_firsts(pack, timescale.parameters, days - _EPOCH)
        for k in np.flatnonzero(source == np.arange(size)).tolist():
            ordinal = int(days[k])
            ctx = Context(pack, engine.calendar, engine.conventions, date.fromordinal(ordinal))
            try:
                if timescale.obligation is Obligation.ACKNOWLEDGE:
                    allowed[k] = int(ctx.param(timescale.days))
                else:
                    names = timescale.acknowledge_days
                    ack[k] = int(ctx.param(names)) if names else 0
                    allowed[k] = int(ctx.param(timescale.days))
                    named = timescale.clock_parameter
                    start = ClockStart(ctx.param(named) if named else str(timescale.clock))
                    if timescale.needs_acknowledge_days(start):
                        continue  # the per-case judge says why
                    clock[k] = _STARTS.index(start)
                    names = timescale.extension_cap
                    cap[k] = int(ctx.param(names)) if names else 0
            except Exception:
                continue  # reported per case, as the engine reports it
            usable[k] = True
        where = source[where]
        self.ack_days, self.days, self.clock, self.cap = (
            ack[where],
            allowed[where],
            clock[where],
            cap[where],
        )
        self.usable = usable[where]


def _receipts(
    table: pa.Table, stage: _Stage, number: int, engine: JudgingSettings
) -> tuple[Ints, Mask, Mask]:
    """Day 0 of the stage's clock per row under the engine's conventions, where it has
    none (a later stage with no escalation request date), and where the calendar refused
    to say (a date outside its years)."""
    n = table.num_rows
    calendar, conventions = engine.calendar, engine.conventions
    if number <= 1:
        everywhere = np.ones(n, dtype=bool)
        day, present = _days(table.column("received_on").combine_chunks(), everywhere)
        late = np.zeros(n, dtype=bool)
        cutoff = conventions.cutoff
        if cutoff is not None:
            # Only whether a time is at or after the cut-off moves day 0.
            at = table.column("received_at").combine_chunks()
            micros = pc.fill_null(at.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
            limit = ((cutoff.hour * 60 + cutoff.minute) * 60 + cutoff.second) * 10**6
            late = micros >= limit + cutoff.microsecond
        missing = ~present
        clock_time: time | None = cutoff
    else:
        day, present = stage.requested
        late = np.zeros(n, dtype=bool)
        missing = stage.reached & ~present
        clock_time = None
    keys = day * 2 + late
    unique, where = _distinct(keys, 0)  # (0: no day)
    start = np.zeros(len(unique), dtype=np.int64)
    refused = np.zeros(len(unique), dtype=bool)
    for k, key in enumerate(unique.tolist()):
        ordinal, moved = divmod(key, 2)
        if ordinal <= 0:
            continue
        try:
            start[k] = conventions.effective_receipt(
                calendar, date.fromordinal(ordinal), clock_time if moved else None
            )[0].toordinal()
        except Exception:
            refused[k] = True
    return start[where], missing, refused[where] & present


def _extensions(
    stage: _Stage, live: Mask, original: Ints, cap_due: Ints, cal: _Calendar
) -> tuple[Ints, Mask, Mask, Mask]:
    """:func:`~complaintrules.law.timeliness.review_extensions` over the table: the
    deadline after the extensions, where the review found a problem, where an extension
    gave no reason, and the rows a day count outside the calendar would refuse."""
    n = len(live)
    due = original.copy()
    problem = np.zeros(n, dtype=bool)
    no_reason = np.zeros(n, dtype=bool)
    unsure = np.zeros(n, dtype=bool)
    extensions = stage.extensions
    items = pc.list_flatten(extensions)
    if not len(items):
        return due, problem, no_reason, unsure
    parent = np.asarray(pc.list_parent_indices(extensions).to_numpy(zero_copy_only=False))
    parent = parent.astype(np.int64)
    # each item's index in its own list (items come in their lists' order)
    position = np.arange(len(parent)) - np.searchsorted(parent, parent, side="left")
    every = np.ones(len(parent), dtype=bool)
    notified, has_notified = _days(_field(items, "notified_on"), every)
    new_due, has_new_due = _days(_field(items, "new_due"), every)
    good = _text(_field(items, "good_reason"), every)
    reason = _text(_field(items, "reason"), every)
    keep = live[parent]
    unsure[parent[keep & ~(has_notified & has_new_due)]] = True
    keep &= has_notified & has_new_due
    parent, position = parent[keep], position[keep]
    notified, new_due, good, reason = notified[keep], new_due[keep], good[keep], reason[keep]
    no_reason[parent[~reason]] = True
    # In the order notified, the earlier entry first on the same day (a stable sort).
    order = np.lexsort((position, notified, parent))
    parent, notified, new_due, good = parent[order], notified[order], new_due[order], good[order]
    rank = np.arange(len(parent)) - np.searchsorted(parent, parent, side="left")
    for k in range(int(rank.max()) + 1 if len(rank) else 0):
        at = rank == k
        rows = parent[at]
        current = due[rows]
        too_late = notified[at] > current
        moved = new_due[at]
        capped = ~too_late & (moved > cap_due[rows]) & ~good[at]
        unsure[rows[capped & ~cal.inside(moved)]] = True
        moved = np.where(capped, cap_due[rows], moved)
        problem[rows] |= too_late | capped
        due[rows] = np.where(~too_late & (moved > current), moved, current)
    return due, problem, no_reason, unsure


def _per_table(shared: dict[Any, Any] | None, key: Any, make: Any) -> Any:
    """``make()``, made once per ``shared`` (the one table every declaration is judged
    over, see :func:`timescale_arrays`): its arrays are then read by several declarations,
    so they are made read-only (a change in place would reach the others)."""
    if shared is None:
        return make()
    found = shared.get(key)
    if found is None:
        found = shared[key] = make()
        for value in found if isinstance(found, tuple) else vars(found).values():
            for array in value if isinstance(value, tuple) else (value,):
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False
    return found


def _obligation(
    timescale: Timescale,
    table: pa.Table,
    rows: Mask,
    engine: JudgingSettings,
    pack: Pack,
    as_of: date | None,
    shared: dict[Any, Any] | None = None,
) -> tuple[Ints, Mask, Ints, Ints, Ints]:
    """The verdict codes of the ``rows`` the declaration's obligation decides (from the
    parameters on), the rows to judge one case at a time, and per row the deadline judged
    against, the original (unextended) one and the one a failure breached (0 where there
    is none; see :class:`TimescaleArrays`). The stage's facts, the receipt days and the
    stage's clock starts are made once per ``shared``."""
    n = table.num_rows
    number = timescale.stage
    stage = _per_table(shared, ("\x00stage", number), lambda: _Stage(table, number))
    cal = _Calendar(engine.calendar)
    received, _ = _per_table(
        shared,
        "\x00received",
        lambda: _days(one_array(table.column("received_on")), np.ones(n, dtype=bool)),
    )
    params = _Parameters(timescale, received, engine, pack)
    unsure = rows & ~params.usable
    rows = rows & params.usable
    day0, no_start, refused = _per_table(
        shared, ("\x00receipts", number), lambda: _receipts(table, stage, number, engine)
    )
    code = np.full(n, NA, dtype=np.int64)
    live = rows & stage.reached & ~no_start
    unsure |= live & refused
    live &= ~refused
    code[rows & stage.reached & no_start] = NEEDS
    ended = stage.ended()
    if timescale.obligation is Obligation.ACKNOWLEDGE:
        due, bad = cal.add(day0, params.days, live)
        verdict, out = _deadline(cal, due, stage.acknowledged, stage.withdrawn, ended, as_of)
        passed = live & (verdict == PASS)
        if timescale.require_definition:
            verdict[passed & ~stage.defined] = FAIL
            passed &= stage.defined
        if timescale.require_logging:
            logged, has_log = stage.logged
            verdict[passed & has_log & (logged > due)] = FAIL
        code[live] = verdict[live]
        due = np.where(live, due, 0)
        return code, unsure | bad | (live & out), due, due, due
    # -- a response and its extensions
    # the clock by the response clock's one law, from the start placed above
    clock = _StartsPlaced(engine.calendar, engine.conventions, live)
    trigger, _ = response_clock_law(
        clock,
        number=number,
        received_on=day0,
        received_at=clock.no_time,
        requested_on=day0,
        acknowledged_on=stage.acknowledged[0],
        logged_on=stage.logged[0],
        respond_from=params.clock,
        ack_days=params.ack_days,
    )
    bad = clock.refused
    original, refused_due = cal.add(trigger, params.days, live)
    bad |= refused_due
    capping = live & (params.cap > 0)
    cap_due, refused_cap = cal.add(original, params.cap, capping)
    bad |= refused_cap
    cap_due = np.where(capping, cap_due, original)
    due, problem, no_reason, odd = _extensions(stage, live, original, cap_due, cal)
    unsure |= odd
    extended = live & (stage.extension_count > 0)
    extensions = np.where(problem | no_reason, FAIL, PASS)
    if timescale.obligation is Obligation.EXTEND:
        has_any = rows & (stage.extension_count > 0)
        code[rows & ~has_any] = NA  # no extension: not applicable before any clock
        code[has_any & no_start] = NEEDS
        code[extended] = extensions[extended]
        original = np.where(extended, original, 0)
        return code, unsure | bad, original, original, original
    withdrawn, is_withdrawn = stage.withdrawn
    closed, is_closed = stage.closed
    stops = is_withdrawn | stage.responded
    stopped = (
        np.where(stops, withdrawn, closed),
        np.where(stops, is_withdrawn, ~stage.later & is_closed),
    )
    timing, out = _deadline(cal, due, stage.issued, stopped, ended, as_of)
    unsure |= live & out
    code[live] = timing[live]
    breached = due
    if timescale.with_extensions:
        both = extended
        fails = (timing == FAIL) | (extensions == FAIL)
        code[both] = np.where(fails[both], FAIL, PASS)
        # The two parts judged as one (first_not_passing): the timing's failure names the
        # deadline after the extensions ("due_by", kept when both fail); a failure of the
        # extensions alone names the original deadline ("deadline").
        breached = np.where(both & (timing != FAIL), original, due)
    kept = np.where(live, due, 0)
    return code, unsure | bad, kept, np.where(live, original, 0), np.where(live, breached, 0)


def _precondition(timescale: Timescale, table: pa.Table, rows: Mask) -> tuple[Ints, Mask, Mask]:
    """The verdict codes a precondition decides, the rows it decides, and the rows it
    leaves to be judged one case at a time (a precondition written as a function, or as an
    expression reading parameters)."""
    n = table.num_rows
    code = np.full(n, NA, dtype=np.int64)
    check = timescale.precondition
    if check is None:
        return code, np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if not isinstance(check, CaseExpression) or check.parameters:
        return code, np.zeros(n, dtype=bool), rows.copy()
    picked = np.flatnonzero(rows)
    # only the columns the precondition reads are taken for the rows (never the table)
    index = None if len(picked) == n else pa.array(picked, pa.int64())
    try:
        chosen = check._branches(_Columns(table, {}, len(picked), index=index))
    except Exception:
        return code, np.zeros(n, dtype=bool), rows.copy()  # the engine reports the error
    verdicts = np.asarray([_CODES.get(b.verdict, UNSETTLED) for b in check.branches])
    found = verdicts[chosen]
    decided = np.zeros(n, dtype=bool)
    # A case the precondition passes goes on to the timing; any other verdict is the rule's.
    decided[picked] = found != PASS
    code[picked] = found
    unsure = decided & (code == UNSETTLED)
    return code, decided & ~unsure, unsure


@dataclass(frozen=True, slots=True)
class TimescaleArrays:
    """A declaration over a table, per row: ``verdicts`` (codes: ``NA``, ``PASS``,
    ``FAIL``, ``NEEDS``, or ``UNSETTLED`` for a row to judge one case at a time),
    ``due`` the deadline judged against as a date ordinal (an acknowledgement's; a
    response's after its extensions; the original one for the extensions, where the stage
    has any) and
    ``original`` the unextended deadline, and ``breach`` for a failing row the deadline
    its failure is dated by (the one the per-case judge's finding names as due, whose
    month :func:`~complaintrules.bulk.evaluate.breach_month` counts the breach in: ``due``,
    but the original deadline for a response judged with its extensions that failed on
    the extensions alone), each 0 where the row has none (the stage not reached or not
    started, the row unsettled, or decided by a precondition)."""

    verdicts: Ints
    due: Ints
    original: Ints
    breach: Ints


def timescale_arrays(
    timescale: Timescale,
    table: pa.Table,
    *,
    engine: JudgingSettings,
    pack: Pack,
    as_of: date | None = None,
    shared: dict[Any, Any] | None = None,
) -> TimescaleArrays:
    """``timescale`` over every row of ``table`` (cases as they stood on ``as_of``),
    decided in the per-case judge's order (see :class:`TimescaleArrays`).

    ``shared``: a dict the caller gives every declaration it judges over this one
    ``table`` (empty at first, a new one for another table): the facts the declarations
    have in common (a stage's dates, the receipt days, a stage's clock starts) are kept
    in it, made once per table, not once per declaration."""
    if shared is not None and shared.setdefault(_SHARED_TABLE, table) is not table:
        raise ValueError("timescale_arrays: shared= holds the facts of another table")
    n = table.num_rows
    code = np.full(n, UNSETTLED, dtype=np.int64)
    rows = np.ones(n, dtype=bool)
    if timescale.only_if_reached:
        reached = _valid(table.column(stage_column(timescale.stage)))
        code[~reached] = NA
        rows &= reached
    found, decided, unsure = _precondition(timescale, table, rows)
    code[decided] = found[decided]
    rows &= ~decided & ~unsure
    found, unsure, *dates = _obligation(timescale, table, rows, engine, pack, as_of, shared)
    code[rows] = found[rows]
    code[unsure] = UNSETTLED
    settled = rows & ~unsure
    due, original, breach = (np.where(settled, d, 0) for d in dates)
    return TimescaleArrays(code, due, original, breach)


def verdict_of(code: int) -> Verdict | None:
    """The verdict a code of :attr:`TimescaleArrays.verdicts` stands for (None: ``UNSETTLED``,
    a row to judge one case at a time)."""
    return _VERDICTS.get(code)


@dataclass(frozen=True, slots=True)
class StageDates:
    """The dates of one stage over every row of a case table, as ordinals (0 where
    missing): ``reached`` where the case has the stage, ``started`` the day it started
    (receipt at stage 1, the escalation request after), ``acknowledged`` and
    ``responded`` (the response's issue date); and the case's own ``withdrawn`` and
    ``closed`` dates."""

    reached: Mask
    started: Ints
    acknowledged: Ints
    responded: Ints
    withdrawn: Ints
    closed: Ints


def stage_dates(table: pa.Table, number: int) -> StageDates:
    """Stage ``number``'s dates over ``table`` (see :class:`StageDates`)."""
    stage = _Stage(table, number)
    if number <= 1:
        started, _ = _days(table.column("received_on").combine_chunks(), stage.reached)
    else:
        started = stage.requested[0]
    return StageDates(
        stage.reached,
        started,
        stage.acknowledged[0],
        stage.issued[0],
        stage.withdrawn[0],
        stage.closed[0],
    )


def judge_timescale_table(
    rule: Rule,
    table: pa.Table,
    *,
    engine: JudgingSettings,
    pack: Pack,
    as_of: date | None = None,
    explain: Sequence[int] | str = (),
) -> TableVerdicts:
    """Judge ``rule``'s timescale declaration over every row of ``table`` (a case table,
    cases already as they stood on ``as_of``), as
    :func:`~complaintrules.law.expressions.judge_table` documents: every row's verdict
    from arrays, and findings for the rows ``explain`` asks for."""
    timescale = rule.timescale
    if timescale is None:
        raise TypeError(f"rule {rule.id} declares no timescale")
    n = table.num_rows
    code = timescale_arrays(timescale, table, engine=engine, pack=pack, as_of=as_of).verdicts
    if explain == "all":
        asked = np.ones(n, dtype=bool)
    else:
        asked = np.zeros(n, dtype=bool)
        if not isinstance(explain, str):
            asked[np.asarray(list(explain), dtype=np.int64)] = True
    failures = explain == "failures"
    one_by_one = asked | (code == UNSETTLED)
    if failures:
        one_by_one |= code == FAIL
    # the arrays' codes as TableVerdicts' codes (UNSETTLED, judged alone below: ERROR)
    codes = _TABLE_CODES[code - UNSETTLED]
    findings: dict[int, Finding] = {}
    picked = np.flatnonzero(one_by_one).tolist()
    whole = timescale.precondition is not None
    for r, case in zip(picked, _cases(table, picked, whole), strict=True):
        found = _judge_one(rule, case, engine, pack, as_of)
        codes[r] = VERDICT_CODES[found.verdict]
        if asked[r] or (failures and found.verdict in (Verdict.FAIL, Verdict.ERROR)):
            findings[r] = found
    codes.flags.writeable = False
    return TableVerdicts(rule.id, codes, findings)


#: Per code of :attr:`TimescaleArrays.verdicts` less ``UNSETTLED``, its code in
#: :attr:`~complaintrules.law.expressions.TableVerdicts.codes`.
_TABLE_CODES = np.asarray(
    [VERDICT_CODES[_VERDICTS.get(c, Verdict.ERROR)] for c in range(UNSETTLED, NEEDS + 1)],
    dtype=np.int64,
)


#: What the shared judge reads of a case and of its stages (see
#: :func:`~complaintrules.law.stage_checks.judge_timescale`): a row judged one case at a
#: time is read back with these alone, unless a precondition may read anything. The
#: agreement tests judge the whole cases on the other side, so a field missing here shows.
_CASE_FACTS = ("reference", "received_on", "received_at", "withdrawn_on", "closed_on")
_STAGE_FACTS = ("number", "requested_on", "logged_on", "acknowledged", "response", "extensions")


def _cases(table: pa.Table, rows: list[int], whole: bool) -> list[Any]:
    """The rows' cases as models, in chunks (a row that is not a valid case is the
    exception it raised); ``whole``: every field, else what the shared judge reads."""
    columns = None if whole else _CASE_FACTS
    fields = None if whole else _STAGE_FACTS
    out: list[Any] = []
    for start in range(0, len(rows), 1024):
        chunk = rows[start : start + 1024]
        try:
            out += complaints(table, chunk, columns=columns, stage_fields=fields)
        except Exception:
            for r in chunk:
                try:
                    out += complaints(table, [r], columns=columns, stage_fields=fields)
                except Exception as exc:
                    out.append(exc)
    return out


def _judge_one(
    rule: Rule, case: Any, engine: JudgingSettings, pack: Pack, as_of: date | None
) -> Finding:
    """One row judged as the engine judges its case (errors reported, never raised)."""
    if isinstance(case, Exception):
        ctx = Context(pack, engine.calendar, engine.conventions, date.min, as_of)
        try:
            raise case
        except Exception as exc:
            return _error(rule, "", exc, ctx)
    ctx = Context(pack, engine.calendar, engine.conventions, case.received_on, as_of)
    check = rule.case
    assert check is not None
    try:
        outcome = check(case, ctx)
    except Exception as exc:
        return _error(rule, case.reference, exc, ctx)
    return Finding(
        rule.id,
        rule.provision,
        rule.pack,
        Subject.CASE,
        case.reference,
        outcome.verdict,
        rule.level,
        outcome.message,
        Evidence(outcome.facts, ctx.parameters_evidence(), outcome.computed),
    )
