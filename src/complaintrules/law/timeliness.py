"""Deadlines, clocks and extensions: the arithmetic shared by every Code's timeliness rules.

The numbers (5, 10, 20 ...) never live here: rules read them from their pack's dated
parameters and pass them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..model.case import Complaint, Stage
from ..model.conventions import LateAcknowledgement
from ..model.policy import ClockStart
from .context import Context
from .rules import Outcome, Verdict, _set, _Worded

__all__ = [
    "CLOCK_LABELS",
    "ClockOps",
    "ClockRule",
    "ClockScalars",
    "Deadline",
    "ExtensionReview",
    "deadline_after",
    "escalation_day0",
    "judge_deadline",
    "receipt_day0",
    "response_clock",
    "response_clock_from_acknowledgement",
    "response_clock_law",
    "response_clock_note",
    "response_clock_one_case",
    "response_clock_text",
    "review_extensions",
    "stage_start",
]

if TYPE_CHECKING:
    from ..calendar.working_days import WorkingCalendar
    from ..model.conventions import Conventions


@dataclass(frozen=True, slots=True)
class Deadline(_Worded):
    """``due`` is the ``working_days``th working day after ``trigger``.

    The days skipped and the note are for the evidence alone: :func:`deadline_after` and the
    response deadline work them out when first read (see :meth:`later`).
    """

    trigger: date
    trigger_label: str
    working_days: int
    due: date
    skipped: tuple[tuple[date, str], ...]
    note: str = ""

    @classmethod
    def later(
        cls,
        trigger: date,
        trigger_label: str,
        working_days: int,
        due: date,
        words: Callable[[], tuple[tuple[tuple[date, str], ...], str]],
    ) -> Deadline:
        """A deadline whose days skipped and note are ``words()``, called when either is
        first read, then kept; ``words`` only describes dates already counted."""
        made = cls.__new__(cls)  # our own class: the fields set as __init__ sets them
        _set(made, "trigger", trigger)
        _set(made, "trigger_label", trigger_label)
        _set(made, "working_days", working_days)
        _set(made, "due", due)
        _set(made, "_words", words)
        return made

    _WORDED: ClassVar[frozenset[str]] = frozenset({"skipped", "note"})

    def _wording(self, words: Any) -> dict[str, Any]:
        skipped, note = words()
        return {"skipped": skipped, "note": note}

    def evidence(self) -> dict[str, Any]:
        trigger = self.trigger.isoformat()
        out: dict[str, Any] = {
            "trigger": f"{self.trigger_label} on {trigger}",
            "trigger_date": trigger,
            "working_days_allowed": self.working_days,
            "deadline": self.due.isoformat(),
            "non_working_weekdays_skipped": (
                [f"{d.isoformat()} ({why})" for d, why in self.skipped] if self.skipped else []
            ),
        }
        if self.note:
            out["clock_note"] = self.note
        return out


def deadline_after(
    ctx: Context, trigger: date, days: int, label: str, note: str | Callable[[], str] = ""
) -> Deadline:
    """The deadline ``days`` working days after ``trigger``: its date now, the days it
    skipped and its note (given, or a function giving it) when first read."""
    due = ctx.calendar.add_working_days(trigger, days)
    return Deadline.later(
        trigger, label, days, due, partial(_skipped_and_note, ctx.calendar, trigger, due, note)
    )


def _skipped_and_note(
    calendar: WorkingCalendar, trigger: date, due: date, note: str | Callable[[], str]
) -> tuple[tuple[tuple[date, str], ...], str]:
    # the range is the calendar's: add_working_days has counted across it
    skipped = tuple(calendar.days_skipped(trigger, due))
    return skipped, note if isinstance(note, str) else note()


def receipt_day0(ctx: Context, case: Complaint) -> tuple[date, str]:
    """Day 0 of a clock that runs from receipt, under the evaluation's conventions."""
    return ctx.conventions.effective_receipt(ctx.calendar, case.received_on, case.received_at)


def escalation_day0(ctx: Context, stage: Stage) -> tuple[date, str] | None:
    """Day 0 of a clock that runs from the escalation request, or None if not recorded."""
    if stage.requested_on is None:
        return None
    day, note = ctx.conventions.effective_receipt(ctx.calendar, stage.requested_on)
    return day, note.replace("received", "escalation requested")


# -- the response clock: its law written once, run over one case or over arrays -----------


class ClockRule(IntEnum):
    """Which rule of the response clock placed its day 0: the branch code
    :func:`response_clock_law` gives, from which :func:`response_clock_text` words the
    clock's label and notes."""

    #: a later stage whose escalation request is not dated: no clock
    NO_START = 0
    #: the stage's start: receipt (stage 1) ...
    RECEIPT = 1
    #: ... or the escalation request (a later stage)
    ESCALATION_REQUEST = 2
    #: from the acknowledgement: none recorded, so its deadline
    NO_ACKNOWLEDGEMENT = 3
    #: acknowledged late, the capped convention: the acknowledgement deadline
    LATE_ACKNOWLEDGEMENT_CAPPED = 4
    #: acknowledged late, the literal convention: the actual acknowledgement
    LATE_ACKNOWLEDGEMENT = 5
    #: acknowledged in time
    ACKNOWLEDGEMENT = 6
    #: from logging: no logging (nor acknowledgement) date, so the logging deadline
    NO_LOGGING = 7
    #: logged late: the logging deadline
    LATE_LOGGING = 8
    #: logged in time
    LOGGING = 9
    #: no logging date, the acknowledgement in time stands in for it
    LOGGING_BY_ACKNOWLEDGEMENT = 10


#: The label of each rule's day 0, by its code.
CLOCK_LABELS = (
    "",
    "receipt",
    "escalation request",
    "acknowledgement deadline",
    "acknowledgement deadline",
    "acknowledgement",
    "acknowledgement",
    "logging deadline",
    "logging deadline",
    "logging",
    "logging",
)

_NO_START, _RECEIPT, _ESCALATION = 0, 1, 2
_NO_ACK, _ACK_CAPPED, _ACK_LATE, _ACK = 3, 4, 5, 6
_NO_LOG, _LOG_LATE, _LOG, _LOG_BY_ACK = 7, 8, 9, 10


class ClockOps(Protocol):
    """What :func:`response_clock_law` asks of the values it is run on: one case's (dates,
    None where missing: :class:`ClockScalars`) or a table's (arrays:
    :class:`~complaintrules.law.timescale_columns.ClockArrays`). Conditions combine with
    ``&`` and ``|``, which Python's booleans and numpy's boolean arrays both have."""

    #: the value of a missing time of day
    no_time: Any
    #: whether a late acknowledgement starts the clock at its deadline (the conventions)
    capped: bool

    def missing(self, value: Any) -> Any: ...
    def present(self, value: Any) -> Any: ...
    def later(self, value: Any, limit: Any) -> Any: ...
    def pick(self, condition: Any, chosen: Any, otherwise: Any) -> Any: ...
    def or_else(self, value: Any, other: Any) -> Any: ...
    def counts_from(self, respond_from: Any, start: ClockStart) -> Any: ...
    def placed(self, day: Any, at: Any, where: Any) -> Any: ...
    def add_working_days(self, day: Any, n: Any, where: Any) -> Any: ...


def response_clock_law(
    ops: ClockOps,
    *,
    number: Any,
    received_on: Any,
    received_at: Any,
    requested_on: Any,
    acknowledged_on: Any,
    logged_on: Any,
    respond_from: Any,
    ack_days: Any,
) -> tuple[Any, Any]:
    """(day 0, :class:`ClockRule` code) of stage ``number``'s response clock, for one case
    or a table of them (see :class:`ClockOps`): the one place the clock's start is decided.

    The stage starts at receipt (stage 1, at the time received) or at the escalation
    request (a later stage; no clock where it is not dated), placed by the conventions;
    the response clock at that start, or at the acknowledgement or logging as
    ``respond_from`` says. A missing acknowledgement starts it at the acknowledgement
    deadline (``ack_days`` working days after the start), a late one there too under the
    capped convention, at the actual acknowledgement under the literal one. Logging late
    buys no time: the clock starts no later than the day logging (done with the
    acknowledgement) was due; without a logging date the acknowledgement stands in.
    """
    first = number <= 1
    started = first | ops.present(requested_on)
    start = ops.placed(
        ops.pick(first, received_on, requested_on),
        ops.pick(first, received_at, ops.no_time),
        started,
    )
    by_ack = started & ops.counts_from(respond_from, ClockStart.ACKNOWLEDGEMENT)
    by_log = started & ops.counts_from(respond_from, ClockStart.LOGGING)
    latest = ops.add_working_days(start, ack_days, by_ack | by_log)
    no_ack = ops.missing(acknowledged_on)
    late_ack = ops.later(acknowledged_on, latest)
    capped = ops.capped
    ack_rule = ops.pick(
        no_ack, _NO_ACK, ops.pick(late_ack, _ACK_CAPPED if capped else _ACK_LATE, _ACK)
    )
    ack_day = ops.pick(no_ack | (late_ack & capped), latest, acknowledged_on)
    logged = ops.or_else(logged_on, acknowledged_on)
    no_log, late_log = ops.missing(logged), ops.later(logged, latest)
    log_rule = ops.pick(
        no_log,
        _NO_LOG,
        ops.pick(late_log, _LOG_LATE, ops.pick(ops.missing(logged_on), _LOG_BY_ACK, _LOG)),
    )
    log_day = ops.pick(no_log | late_log, latest, logged)
    rule = ops.pick(
        by_ack, ack_rule, ops.pick(by_log, log_rule, ops.pick(first, _RECEIPT, _ESCALATION))
    )
    day = ops.pick(by_ack, ack_day, ops.pick(by_log, log_day, start))
    return day, ops.pick(started, rule, _NO_START)


class ClockScalars:
    """:class:`ClockOps` over one case: dates, None where missing; a day the calendar
    refuses raises, naming it."""

    __slots__ = ("calendar", "capped", "conventions")

    no_time: Any = None

    def __init__(self, calendar: WorkingCalendar, conventions: Conventions) -> None:
        self.calendar, self.conventions = calendar, conventions
        self.capped = conventions.late_acknowledgement is LateAcknowledgement.CAPPED

    def missing(self, value: Any) -> bool:
        return value is None

    def present(self, value: Any) -> bool:
        return value is not None

    def later(self, value: Any, limit: Any) -> bool:
        return value is not None and limit is not None and value > limit

    def pick(self, condition: Any, chosen: Any, otherwise: Any) -> Any:
        return chosen if condition else otherwise

    def or_else(self, value: Any, other: Any) -> Any:
        return other if value is None else value

    def counts_from(self, respond_from: Any, start: ClockStart) -> bool:
        return respond_from is start

    def placed(self, day: Any, at: Any, where: Any) -> Any:
        if not where:
            return None
        return self.conventions.effective_receipt(self.calendar, day, at)[0]

    def add_working_days(self, day: Any, n: Any, where: Any) -> Any:
        return self.calendar.add_working_days(day, n) if where else None


class _Traced:
    """A value of :func:`response_clock_law` while it is traced (see :class:`_Tracer`):
    an argument of the generated function, or the step of the law that made it; ``&``,
    ``|`` and ``<=`` are steps too."""

    __slots__ = ("step", "tracer")

    def __init__(self, tracer: _Tracer, step: int | str) -> None:
        self.tracer, self.step = tracer, step

    def __and__(self, other: Any) -> Any:
        if other is True:
            return self
        return self.tracer.emit("{} & {}", self, other)

    def __or__(self, other: Any) -> _Traced:
        return self.tracer.emit("{} | {}", self, other)

    def __le__(self, other: Any) -> _Traced:
        return self.tracer.emit("{} <= {}", self, other)


class _Tracer:
    """:class:`ClockOps` that writes down the steps of the law, as the source of a plain
    Python function of one case: the law's scalar backend, generated from the law itself
    (what :class:`ClockScalars` computes, without a method call per step). A step read
    once is written where it is read, so a choice computes only the value it chooses; a
    step read more than once, and every step that asks the calendar or the conventions
    (which may raise), is computed in the law's order, as :class:`ClockScalars` computes
    it. ``capped`` is the conventions' (read while tracing): one function for each of
    its two values."""

    no_time: Any = None
    ARGS = (
        "number",
        "received_on",
        "received_at",
        "requested_on",
        "acknowledged_on",
        "logged_on",
        "respond_from",
        "ack_days",
    )

    def __init__(self, capped: bool) -> None:
        self.capped = capped
        #: each step: its source with ``{}`` for its operands, the operands, and whether
        #: it asks the calendar or the conventions (so is always made, in the law's order)
        self.steps: list[tuple[str, tuple[Any, ...], bool]] = []
        self.names: dict[str, Any] = {"_UNPLACED": (None, "")}
        self.placement: Any = None

    def emit(self, template: str, *operands: Any, asks: bool = False) -> _Traced:
        self.steps.append((template, operands, asks))
        return _Traced(self, len(self.steps) - 1)

    def missing(self, value: Any) -> Any:
        return self.emit("{} is None", value)

    def present(self, value: Any) -> Any:
        return self.emit("{} is not None", value)

    def later(self, value: Any, limit: Any) -> Any:
        return self.emit(
            "{} is not None and {} is not None and {} > {}", value, limit, value, limit
        )

    def pick(self, condition: Any, chosen: Any, otherwise: Any) -> Any:
        return self.emit("{} if {} else {}", chosen, condition, otherwise)

    def or_else(self, value: Any, other: Any) -> Any:
        return self.emit("{} if {} is None else {}", other, value, value)

    def counts_from(self, respond_from: Any, start: ClockStart) -> Any:
        return self.emit("{} is {}", respond_from, start)

    def placed(self, day: Any, at: Any, where: Any) -> Any:
        # the conventions' placement (day and note) is returned too, for the words
        source = "conventions.effective_receipt(calendar, {}, {}) if {} else _UNPLACED"
        self.placement = self.emit(source, day, at, where, asks=True)
        return self.emit("{}[0]", self.placement, asks=True)

    def add_working_days(self, day: Any, n: Any, where: Any) -> Any:
        return self.emit(
            "calendar.add_working_days({}, {}) if {} else None", day, n, where, asks=True
        )

    def function(self) -> Callable[..., tuple[Any, Any, Any]]:
        """The generated function of (calendar, conventions, the law's arguments in
        ``ARGS``' order), giving the law's (day 0, rule) and the stage's start as the
        conventions placed it ((day, note); (None, "") where the stage has no start)."""
        day, rule = response_clock_law(self, **{a: _Traced(self, a) for a in self.ARGS})
        reads = [0] * len(self.steps)
        for value in (day, rule, self.placement):
            if isinstance(value, _Traced) and isinstance(value.step, int):
                reads[value.step] += 2  # returned: kept
        for _, operands, _ in self.steps:
            for x in operands:
                if isinstance(x, _Traced) and isinstance(x.step, int):
                    reads[x.step] += 1
        kept = [asks or reads[i] > 1 for i, (_, _, asks) in enumerate(self.steps)]

        def source(value: Any) -> str:
            if not isinstance(value, _Traced):
                if isinstance(value, ClockStart):
                    name = f"_start_{value.name.lower()}"
                    self.names[name] = value
                    return name
                assert value is None or type(value) in (bool, int)
                return repr(value)
            if isinstance(value.step, str) or kept[value.step]:
                return value.step if isinstance(value.step, str) else f"t{value.step}"
            template, operands, _ = self.steps[value.step]
            return "(" + template.format(*(source(x) for x in operands)) + ")"

        lines = [f"def clock(calendar, conventions, {', '.join(self.ARGS)}):"]
        for i, (template, operands, _) in enumerate(self.steps):
            if kept[i]:
                lines.append(f"    t{i} = " + template.format(*(source(x) for x in operands)))
        returned = (source(day), source(rule), source(self.placement))
        lines.append(f"    return {', '.join(returned)}")
        namespace = dict(self.names)
        exec(compile("\n".join(lines), "<response_clock_law, one case>", "exec"), namespace)
        found: Callable[..., tuple[Any, Any, Any]] = namespace["clock"]
        return found


#: The law's scalar backend for each convention on a late acknowledgement, generated on
#: first use.
_ONE_CASE: dict[LateAcknowledgement, Callable[..., tuple[Any, Any, Any]]] = {}


def response_clock_one_case(
    calendar: WorkingCalendar,
    conventions: Conventions,
    number: int,
    received_on: date,
    received_at: Any,
    requested_on: date | None,
    acknowledged_on: date | None,
    logged_on: date | None,
    respond_from: ClockStart,
    ack_days: int,
) -> tuple[date, int, tuple[date, str]]:
    """:func:`response_clock_law` over one case, by the function generated from it: (day
    0, :class:`ClockRule` code, the stage's start as the conventions placed it: (day,
    note), read by :func:`response_clock_text`). Day 0 is None, and the start (None,
    ""), where the code is ``NO_START``. The arguments as :func:`response_clock` names
    them, in its order."""
    late = conventions.late_acknowledgement
    law = _ONE_CASE.get(late)
    if law is None:
        law = _ONE_CASE[late] = _Tracer(late is LateAcknowledgement.CAPPED).function()
    return law(
        calendar,
        conventions,
        number,
        received_on,
        received_at,
        requested_on,
        acknowledged_on,
        logged_on,
        respond_from,
        ack_days,
    )


def stage_start(
    calendar: WorkingCalendar,
    conventions: Conventions,
    number: int,
    received_on: date,
    received_at: Any,
    requested_on: date | None,
) -> tuple[date, str]:
    """A stage's start as the conventions place it, (day, note): receipt (stage 1, at the
    time received) or the escalation request, as :func:`response_clock_law` places it."""
    if number <= 1:
        return conventions.effective_receipt(calendar, received_on, received_at)
    assert requested_on is not None  # a clock without one has no start
    return conventions.effective_receipt(calendar, requested_on)


def response_clock_text(
    rule: int,
    day: date,
    start: tuple[date, str],
    number: int,
    acknowledged_on: date | None,
    logged_on: date | None,
    ack_days: int,
) -> tuple[str, str, str, str]:
    """The words for a clock :func:`response_clock_law` placed at ``day`` by ``rule`` (a
    :class:`ClockRule` other than ``NO_START``), the stage having started at ``start``
    (:func:`stage_start`): (its label, a note on how the clock started, the stage start's
    label, the note on the stage start). Called only where a finding's message or
    evidence is built, never to decide a verdict."""
    start_day, start_note = start
    start_label = "receipt" if number <= 1 else "escalation request"
    if number > 1:
        start_note = start_note.replace("received", "escalation requested")
    note = _clock_text(rule, day, start_day, start_label, acknowledged_on, logged_on, ack_days)
    return CLOCK_LABELS[rule], note, start_label, start_note


def _clock_text(
    rule: int,
    day: date,
    start: date,
    start_label: str,
    acknowledged_on: date | None,
    logged_on: date | None,
    ack_days: int,
) -> str:
    """The note on how a clock placed by ``rule`` started (see :class:`ClockRule`)."""
    if rule <= _ESCALATION or rule == _ACK:
        return ""
    if rule == _NO_ACK:
        return (
            "no acknowledgement recorded; the clock starts at the acknowledgement deadline "
            f"({ack_days} working days after {start_label} on {start.isoformat()})"
        )
    if rule == _ACK_CAPPED:
        assert acknowledged_on is not None
        return (
            f"acknowledged late on {acknowledged_on.isoformat()}; under the 'capped' "
            f"convention the clock starts at the acknowledgement deadline {day.isoformat()}"
        )
    if rule == _ACK_LATE:
        assert acknowledged_on is not None
        return (
            "acknowledged late; under the 'literal' convention the clock starts at the actual "
            f"acknowledgement on {acknowledged_on.isoformat()}"
        )
    if rule in (_NO_LOG, _LOG_LATE):
        logged = logged_on or acknowledged_on
        return (
            "no logging date recorded" if logged is None else f"logged late on {logged}"
        ) + f"; the clock starts at the logging deadline {day.isoformat()}"
    if rule == _LOG_BY_ACK:
        return "no logging date recorded; the acknowledgement date is used"
    return ""


def response_clock_note(
    rule: int,
    day: date,
    start: tuple[date, str],
    number: int,
    acknowledged_on: date | None,
    logged_on: date | None,
    ack_days: int,
) -> str:
    """The note a deadline counted from the clock gives: :func:`deadline_note` of
    :func:`response_clock_text`'s words (the same arguments)."""
    label = CLOCK_LABELS[rule]
    if label in _UNANCHORED:  # the rules of these labels word neither start
        return _clock_text(rule, day, day, label, acknowledged_on, logged_on, ack_days)
    return deadline_note(
        *response_clock_text(rule, day, start, number, acknowledged_on, logged_on, ack_days)
    )


def response_clock_from_acknowledgement(
    ctx: Context, *, start: date, start_label: str, ack_days: int, acknowledged_on: date | None
) -> tuple[date, str, str]:
    """Where a response clock that counts from acknowledgement starts: (day 0, label, note).

    Under the literal convention (the default, as the Code words it) the clock starts at
    the actual acknowledgement, however late; under the capped convention a late
    acknowledgement starts it at the acknowledgement deadline, so acknowledging late buys
    no time. Either way a missing acknowledgement starts it at the acknowledgement deadline.
    ``start`` is the stage's start, already placed by the conventions: decided by
    :func:`response_clock_law` with that start taken as it is.
    """
    ops = _Placed(ctx.calendar, ctx.conventions)
    day, rule = response_clock_law(
        ops,
        number=1,
        received_on=start,
        received_at=None,
        requested_on=None,
        acknowledged_on=acknowledged_on,
        logged_on=None,
        respond_from=ClockStart.ACKNOWLEDGEMENT,
        ack_days=ack_days,
    )
    note = _clock_text(rule, day, start, start_label, acknowledged_on, None, ack_days)
    return day, CLOCK_LABELS[rule], note


class _Placed(ClockScalars):
    """:class:`ClockScalars` for a stage start already placed by the conventions."""

    __slots__ = ()

    def placed(self, day: Any, at: Any, where: Any) -> Any:
        return day if where else None


def response_clock(
    calendar: WorkingCalendar,
    conventions: Conventions,
    *,
    number: int,
    received_on: date,
    received_at: Any,
    requested_on: date | None,
    acknowledged_on: date | None,
    logged_on: date | None,
    respond_from: ClockStart,
    ack_days: int,
) -> tuple[date, str, str, str, str] | None:
    """Day 0 of stage ``number``'s response clock, read from the stage's plain facts, or
    None where its start (the escalation request, after stage 1) is not recorded.

    (day 0, its label, a note on how the clock started, the stage start's label, the note
    on the stage start): :func:`response_clock_law` over one case
    (:func:`response_clock_one_case`), worded by :func:`response_clock_text`. The per-case
    judge and the expression :meth:`~complaintrules.law.expressions.Expr.response_clock`
    (in both its backends) run that law.
    """
    facts = (number, received_on, received_at, requested_on, acknowledged_on, logged_on)
    day, rule, start = response_clock_one_case(
        calendar, conventions, *facts, respond_from, ack_days
    )
    if rule == _NO_START:
        return None
    words = response_clock_text(rule, day, start, number, acknowledged_on, logged_on, ack_days)
    return (day, *words)


#: Labels of a clock counted from the acknowledgement or logging itself, whose deadline's
#: note does not say how the stage started.
_UNANCHORED = ("acknowledgement", "logging")


def deadline_note(trigger_label: str, clock_note: str, label: str, note: str) -> str:
    """The note a response deadline's evidence gives: how the stage started (where the
    clock is anchored on the stage's start, directly or through the acknowledgement or
    logging deadline) and how the clock started, either left out where empty."""
    if trigger_label in _UNANCHORED:
        return clock_note
    return f"{label}: {note}; {clock_note}" if clock_note else f"{label}: {note}"


@dataclass(frozen=True, slots=True)
class ExtensionReview:
    """How a stage's extensions move its deadline, and what is wrong with each."""

    original_due: date
    effective_due: date
    cap_working_days: int
    cap_due: date
    problems: tuple[str, ...]
    accepted: tuple[int, ...]

    def evidence(self) -> dict[str, Any]:
        return {
            "original_deadline": self.original_due.isoformat(),
            "extension_cap_working_days": self.cap_working_days,
            "latest_date_without_good_reason": self.cap_due.isoformat(),
            "extensions_counted": [f"extensions[{i}]" for i in self.accepted],
            "deadline_after_extensions": self.effective_due.isoformat(),
            "extension_problems": list(self.problems),
        }


def review_extensions(
    ctx: Context, stage: Stage, original: Deadline, cap_days: int
) -> ExtensionReview:
    """Apply a stage's extensions in the order they were notified.

    * An extension notified after the deadline then in force does not move it.
    * One that goes beyond ``cap_days`` working days after the original deadline without a
      recorded good reason moves it only as far as the cap.
    * A missing reason or missing Ombudsman details are problems of the notice
      (reported by the notice rules), not of the timing, so the date still moves.
    """
    cal = ctx.calendar
    cap_due = cal.add_working_days(original.due, cap_days) if cap_days > 0 else original.due
    due = original.due
    problems: list[str] = []
    accepted: list[int] = []
    ordered = sorted(enumerate(stage.extensions), key=lambda pair: pair[1].notified_on)
    for i, ext in ordered:
        where = f"extensions[{i}]"
        if ext.notified_on > due:
            problems.append(
                f"{where} was notified on {ext.notified_on.isoformat()}, after the deadline "
                f"then in force ({due.isoformat()}), so it does not extend it"
            )
            continue
        new_due = ext.new_due
        if new_due > cap_due and not ext.good_reason:
            beyond = cal.working_days_between(original.due, new_due)
            problems.append(
                f"{where} moves the deadline to {new_due.isoformat()}, {beyond} working days "
                f"after the original deadline; more than {cap_days} needs a recorded good "
                f"reason, so only {cap_due.isoformat()} counts"
            )
            new_due = cap_due
        if new_due > due:
            due = new_due
        accepted.append(i)
    return ExtensionReview(original.due, due, cap_days, cap_due, tuple(problems), tuple(accepted))


def judge_deadline(
    ctx: Context,
    *,
    what: str,
    done_on: date | None,
    deadline: Deadline,
    review: ExtensionReview | None = None,
    stopped_on: date | None = None,
    ended_on: date | None = None,
) -> Outcome:
    """Pass, fail or not-yet for something that had to happen by a deadline.

    ``stopped_on`` is when the case was withdrawn or closed without it: nothing is owed
    after that. An unfinished obligation is judged at the context's ``as_of``; without
    one, a case that has ended (``ended_on``: closed or withdrawn) is judged at the day it
    ended, and an open case is not judged.
    """
    due = review.effective_due if review else deadline.due
    cal = ctx.calendar
    # The verdict and every count of working days (which can fail, for a day outside the
    # calendar) now; the message and evidence put into words when first read.
    words = partial(_deadline_words, what, deadline, review, due)
    if done_on is not None:
        elapsed = cal.working_days_between(deadline.trigger, done_on)
        if done_on <= due:
            return Outcome.later(Verdict.PASS, partial(words, _DONE, done_on, elapsed))
        late = cal.working_days_between(due, done_on)
        return Outcome.later(Verdict.FAIL, partial(words, _DONE_LATE, done_on, elapsed, late))
    if stopped_on is not None and stopped_on <= due:
        return Outcome.later(Verdict.NOT_APPLICABLE, partial(words, _STOPPED, stopped_on))
    judged_at = ctx.as_of if ctx.as_of is not None else ended_on
    if judged_at is None:
        return Outcome.later(Verdict.NOT_APPLICABLE, partial(words, _NO_DATE, None))
    ended = ctx.as_of is None
    if judged_at > due:
        late = cal.working_days_between(due, judged_at)
        return Outcome.later(Verdict.FAIL, partial(words, _OVERDUE, judged_at, ended, late))
    left = cal.working_days_between(judged_at, due)
    return Outcome.later(Verdict.NOT_APPLICABLE, partial(words, _NOT_YET, judged_at, ended, left))


# What :func:`judge_deadline` found, for :func:`_deadline_words`.
_DONE, _DONE_LATE, _STOPPED, _NO_DATE, _OVERDUE, _NOT_YET = range(6)


def _deadline_words(
    what: str,
    deadline: Deadline,
    review: ExtensionReview | None,
    due: date,
    found: int,
    on: date | None,
    *counts: Any,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The message, facts and computed values of :func:`judge_deadline`'s outcome: what it
    ``found``, the day that decided it (``on``), and the working days it counted."""
    computed: dict[str, Any] = deadline.evidence()
    if review is not None:
        computed.update(review.evidence())
    # Each date written once: the messages below reuse the evidence's text of it.
    due_text = computed["due_by"] = due.isoformat()
    if found in (_DONE, _DONE_LATE):
        assert on is not None
        elapsed = counts[0]
        done_text = computed["done_on"] = on.isoformat()
        computed["working_days_elapsed"] = elapsed
        trigger = deadline.trigger.isoformat()
        if found == _DONE:
            timing = (
                f"{elapsed} working day(s) after"
                if elapsed >= 0
                else f"{-elapsed} working day(s) before"
            )
            message = (
                f"{what} on {done_text}, {timing} "
                f"{deadline.trigger_label} on {trigger}; due by {due_text}"
            )
            return message, {}, computed
        late = computed["working_days_late"] = counts[1]
        message = (
            f"{what} on {done_text}, {late} working day(s) after the deadline "
            f"{due_text} ({elapsed} after {deadline.trigger_label} on "
            f"{trigger}, {deadline.working_days} allowed)"
        )
        return message, {}, computed
    if found == _STOPPED:
        assert on is not None
        message = f"case ended on {on.isoformat()}, before {what} was due ({due.isoformat()})"
        return message, {}, computed
    if found == _NO_DATE:
        message = (
            f"no {what} recorded; due by {due.isoformat()}. Give an as-of date to judge "
            "whether it is overdue"
        )
        return message, {}, computed
    assert on is not None
    computed["as_of"] = on.isoformat()
    ended, days = counts
    when = " (the day the case ended)" if ended else ""
    if found == _OVERDUE:
        computed["working_days_overdue"] = days
        message = (
            f"no {what} by {on.isoformat()}{when}; it was due by {due.isoformat()} "
            f"({days} working day(s) overdue)"
        )
        return message, {}, computed
    message = (
        f"not yet due on {on.isoformat()}{when}: {what} is due by {due.isoformat()} "
        f"({days} working day(s) left)"
    )
    return message, {}, computed
