"""Deadlines, clocks and extensions: the arithmetic shared by every Code's timeliness rules.

The numbers (5, 10, 20 ...) never live here: rules read them from their pack's dated
parameters and pass them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..model.case import Complaint, Stage
from ..model.conventions import LateAcknowledgement
from ..model.policy import ClockStart
from .context import Context
from .rules import Outcome, Verdict

__all__ = [
    "Deadline",
    "ExtensionReview",
    "deadline_after",
    "escalation_day0",
    "judge_deadline",
    "receipt_day0",
    "response_clock",
    "response_clock_from_acknowledgement",
    "review_extensions",
]

if TYPE_CHECKING:
    from ..calendar.working_days import WorkingCalendar
    from ..model.conventions import Conventions


@dataclass(frozen=True, slots=True)
class Deadline:
    """``due`` is the ``working_days``th working day after ``trigger``."""

    trigger: date
    trigger_label: str
    working_days: int
    due: date
    skipped: tuple[tuple[date, str], ...]
    note: str = ""

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


def deadline_after(ctx: Context, trigger: date, days: int, label: str, note: str = "") -> Deadline:
    due = ctx.calendar.add_working_days(trigger, days)
    skipped = tuple(ctx.calendar.days_skipped(trigger, due))
    return Deadline(trigger, label, days, due, skipped, note)


def receipt_day0(ctx: Context, case: Complaint) -> tuple[date, str]:
    """Day 0 of a clock that runs from receipt, under the evaluation's conventions."""
    return ctx.conventions.effective_receipt(ctx.calendar, case.received_on, case.received_at)


def escalation_day0(ctx: Context, stage: Stage) -> tuple[date, str] | None:
    """Day 0 of a clock that runs from the escalation request, or None if not recorded."""
    if stage.requested_on is None:
        return None
    day, note = ctx.conventions.effective_receipt(ctx.calendar, stage.requested_on)
    return day, note.replace("received", "escalation requested")


def response_clock_from_acknowledgement(
    ctx: Context, *, start: date, start_label: str, ack_days: int, acknowledged_on: date | None
) -> tuple[date, str, str]:
    """Where a response clock that counts from acknowledgement starts: (day 0, label, note).

    Under the literal convention (the default, as the Code words it) the clock starts at
    the actual acknowledgement, however late; under the capped convention a late
    acknowledgement starts it at the acknowledgement deadline, so acknowledging late buys
    no time. Either way a missing acknowledgement starts it at the acknowledgement deadline.
    """
    return _from_acknowledgement(
        ctx.calendar, ctx.conventions, start, start_label, ack_days, acknowledged_on
    )


def _from_acknowledgement(
    calendar: WorkingCalendar,
    conventions: Conventions,
    start: date,
    start_label: str,
    ack_days: int,
    acknowledged_on: date | None,
) -> tuple[date, str, str]:
    ack_due = calendar.add_working_days(start, ack_days)
    if acknowledged_on is None:
        return (
            ack_due,
            "acknowledgement deadline",
            (
                f"no acknowledgement recorded; the clock starts at the acknowledgement deadline "
                f"({ack_days} working days after {start_label} on {start.isoformat()})"
            ),
        )
    if acknowledged_on > ack_due:
        if conventions.late_acknowledgement is LateAcknowledgement.CAPPED:
            return (
                ack_due,
                "acknowledgement deadline",
                (
                    f"acknowledged late on {acknowledged_on.isoformat()}; under the 'capped' "
                    "convention the clock starts at the acknowledgement deadline "
                    f"{ack_due.isoformat()}"
                ),
            )
        return (
            acknowledged_on,
            "acknowledgement",
            (
                f"acknowledged late; under the 'literal' convention the clock starts at the actual "
                f"acknowledgement on {acknowledged_on.isoformat()}"
            ),
        )
    return acknowledged_on, "acknowledgement", ""


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
    on the stage start). The stage starts at receipt (stage 1) or the escalation request,
    placed by the conventions; the response clock at that start, the acknowledgement or
    logging as ``respond_from`` says, a late or missing acknowledgement or logging moving
    it as the conventions say. The one place this is decided: the per-case judge and the
    expression :meth:`~complaintrules.law.expressions.Expr.response_clock` both call it.
    """
    if number <= 1:
        day, note = conventions.effective_receipt(calendar, received_on, received_at)
        label = "receipt"
    else:
        if requested_on is None:
            return None
        day, note = conventions.effective_receipt(calendar, requested_on)
        note, label = note.replace("received", "escalation requested"), "escalation request"
    if respond_from is ClockStart.ACKNOWLEDGEMENT:
        trigger, trigger_label, clock_note = _from_acknowledgement(
            calendar, conventions, day, label, ack_days, acknowledged_on
        )
    elif respond_from is ClockStart.LOGGING:
        # Logging late buys no time either: the clock starts no later than the day logging
        # (done with the acknowledgement) was due.
        latest = calendar.add_working_days(day, ack_days)
        logged = logged_on or acknowledged_on
        if logged is None or logged > latest:
            trigger, trigger_label = latest, "logging deadline"
            clock_note = (
                "no logging date recorded" if logged is None else f"logged late on {logged}"
            ) + f"; the clock starts at the logging deadline {latest.isoformat()}"
        else:
            trigger, trigger_label, clock_note = logged, "logging", ""
            if logged_on is None:
                clock_note = "no logging date recorded; the acknowledgement date is used"
    else:
        trigger, trigger_label, clock_note = day, label, ""
    return trigger, trigger_label, clock_note, label, note


def deadline_note(trigger_label: str, clock_note: str, label: str, note: str) -> str:
    """The note a response deadline's evidence gives: how the stage started (where the
    clock is anchored on the stage's start, directly or through the acknowledgement or
    logging deadline) and how the clock started, either left out where empty."""
    start_note = "" if trigger_label in ("acknowledgement", "logging") else f"{label}: {note}"
    return "; ".join(n for n in (start_note, clock_note) if n)


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
    computed: dict[str, Any] = deadline.evidence()
    if review is not None:
        computed.update(review.evidence())
    # Each date written once: the messages below reuse the evidence's text of it.
    due_text = computed["due_by"] = due.isoformat()
    cal = ctx.calendar
    if done_on is not None:
        elapsed = cal.working_days_between(deadline.trigger, done_on)
        done_text = computed["done_on"] = done_on.isoformat()
        computed["working_days_elapsed"] = elapsed
        trigger = deadline.trigger.isoformat()
        if done_on <= due:
            timing = (
                f"{elapsed} working day(s) after"
                if elapsed >= 0
                else f"{-elapsed} working day(s) before"
            )
            return Outcome(
                Verdict.PASS,
                f"{what} on {done_text}, {timing} "
                f"{deadline.trigger_label} on {trigger}; due by {due_text}",
                {},
                computed,
            )
        late = cal.working_days_between(due, done_on)
        computed["working_days_late"] = late
        return Outcome(
            Verdict.FAIL,
            f"{what} on {done_text}, {late} working day(s) after the deadline "
            f"{due_text} ({elapsed} after {deadline.trigger_label} on "
            f"{trigger}, {deadline.working_days} allowed)",
            {},
            computed,
        )
    if stopped_on is not None and stopped_on <= due:
        return Outcome(
            Verdict.NOT_APPLICABLE,
            f"case ended on {stopped_on.isoformat()}, before {what} was due ({due.isoformat()})",
            computed=computed,
        )
    judged_at = ctx.as_of if ctx.as_of is not None else ended_on
    if judged_at is None:
        return Outcome(
            Verdict.NOT_APPLICABLE,
            f"no {what} recorded; due by {due.isoformat()}. Give an as-of date to judge "
            "whether it is overdue",
            computed=computed,
        )
    computed["as_of"] = judged_at.isoformat()
    when = "" if ctx.as_of is not None else " (the day the case ended)"
    if judged_at > due:
        late = cal.working_days_between(due, judged_at)
        computed["working_days_overdue"] = late
        return Outcome(
            Verdict.FAIL,
            f"no {what} by {judged_at.isoformat()}{when}; it was due by {due.isoformat()} "
            f"({late} working day(s) overdue)",
            computed=computed,
        )
    left = cal.working_days_between(judged_at, due)
    return Outcome(
        Verdict.NOT_APPLICABLE,
        f"not yet due on {judged_at.isoformat()}{when}: {what} is due by {due.isoformat()} "
        f"({left} working day(s) left)",
        computed=computed,
    )
