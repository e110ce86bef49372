"""What is due next on a case: each stage's deadlines as of a date, and what is already late.

Nothing here computes a deadline of its own: acknowledgement and response deadlines come
from :func:`acknowledgement_deadline` and :func:`response_deadline`, extensions from
:func:`review_extensions` and the pass/late/overdue judgement from :func:`judge_deadline`,
the same functions the timeliness rules use, with the parameters their ``Timescale``
declarations name. So ``due()`` and the rules can never disagree about a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from ..law.context import Context
from ..law.packs import Pack
from ..law.parameters import UnknownParameterError
from ..law.rules import Verdict
from ..law.stage_checks import acknowledgement_deadline, response_deadline, response_stopped_on
from ..law.timeliness import Deadline, ExtensionReview, judge_deadline, review_extensions
from ..law.timescale import NoTimescalesError, StageTimescales, declared_stages
from ..law.timescale import Obligation as TimescaleObligation
from ..model.case import Complaint, Stage
from ..model.policy import ClockStart
from .engine import Engine

__all__ = ["DueReport", "NoTimescalesError", "Obligation", "ObligationStatus", "due"]


class ObligationStatus(StrEnum):
    """Where one obligation stands on the as-of date."""

    #: Done on or before its deadline.
    DONE_ON_TIME = "done_on_time"
    #: Done, but after its deadline (a breach).
    DONE_LATE = "done_late"
    #: Not done yet and not yet due: this is what is due next.
    PENDING = "pending"
    #: Not done and its deadline has passed (a breach).
    OVERDUE = "overdue"
    #: The case was withdrawn or closed before it fell due, so nothing is owed.
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True, slots=True)
class Obligation:
    """One thing the landlord owes on a case, with its deadline as of a date."""

    stage: int
    kind: Literal["acknowledge", "respond"]
    status: ObligationStatus
    #: The deadline in force: the original one moved by any valid extension.
    due_by: date
    #: The deadline before any extension.
    original_due: date
    #: For a response: the latest date an extension may reach without a recorded good
    #: reason (an extension notice must reach the resident by ``original_due``).
    latest_extension: date | None
    done_on: date | None
    working_days_left: int | None = None
    working_days_late: int | None = None
    message: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    #: The pack's rule that declares this timescale.
    rule_id: str | None = None

    @property
    def what(self) -> str:
        noun = "acknowledgement" if self.kind == "acknowledge" else "response"
        return f"stage {self.stage} {noun}"

    @property
    def breached(self) -> bool:
        return self.status in (ObligationStatus.DONE_LATE, ObligationStatus.OVERDUE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "kind": self.kind,
            "what": self.what,
            "rule_id": self.rule_id,
            "status": self.status.value,
            "due_by": self.due_by.isoformat(),
            "original_due": self.original_due.isoformat(),
            "latest_extension": self.latest_extension.isoformat()
            if self.latest_extension
            else None,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "working_days_left": self.working_days_left,
            "working_days_late": self.working_days_late,
            "message": self.message,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class DueReport:
    """Every obligation of a case's stages as of a date."""

    reference: str
    as_of: date
    pack: str
    is_open: bool
    obligations: tuple[Obligation, ...]
    #: False when the case was received after the as-of date: nothing was owed yet.
    received: bool = True
    #: Events after the as-of date left out of the case, as "path (date)".
    events_ignored: tuple[str, ...] = ()

    @property
    def next(self) -> list[Obligation]:
        """Obligations not yet done and not yet late, soonest first."""
        pending = [o for o in self.obligations if o.status is ObligationStatus.PENDING]
        return sorted(pending, key=lambda o: (o.due_by, o.stage, o.kind))

    @property
    def breached(self) -> list[Obligation]:
        """Obligations done late or overdue."""
        return [o for o in self.obligations if o.breached]

    def obligation(self, stage: int, kind: str) -> Obligation | None:
        for o in self.obligations:
            if o.stage == stage and o.kind == kind:
                return o
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "as_of": self.as_of.isoformat(),
            "pack": self.pack,
            "open": self.is_open,
            "received": self.received,
            "events_ignored": list(self.events_ignored),
            "next": [o.to_dict() for o in self.next],
            "breached": [o.to_dict() for o in self.breached],
            "obligations": [o.to_dict() for o in self.obligations],
        }


def due(
    case: Complaint,
    as_of: date,
    *,
    engine: Engine | None = None,
    pack: str | Pack | None = None,
) -> DueReport:
    """What is due on ``case`` as of ``as_of``: each stage's acknowledgement and response.

    The pack is the one in force on the case's receipt date unless named; its dated
    parameters give the timescales and the engine's calendar and conventions count them.
    The case is taken as it stood on ``as_of`` (:meth:`Complaint.as_of`): later events
    are ignored and listed in ``events_ignored``; a case received after ``as_of`` owes
    nothing yet (``received`` is False, no obligations).

    The deadlines are those the pack's rules declare as :class:`Timescale` data, each
    obligation naming the rule that declares it; under a pack that declares none, due()
    raises :class:`NoTimescalesError` rather than guess its parameters.
    """
    engine = engine if engine is not None else _default_engine()
    snapshot = case.as_of(as_of)
    if snapshot.case is None:
        return DueReport(
            reference=case.reference,
            as_of=as_of,
            pack=engine.pack(pack, on=case.received_on).name,
            is_open=False,
            obligations=(),
            received=False,
        )
    return obligations_of(snapshot.case, as_of, engine=engine, pack=pack, ignored=snapshot.ignored)


def obligations_of(
    case: Complaint,
    as_of: date,
    *,
    engine: Engine,
    pack: str | Pack | None = None,
    ignored: tuple[str, ...] = (),
) -> DueReport:
    """:func:`due` on ``case`` as given, every event counted: for a case already taken as of
    a date, or judged at the day it ended (the TSM tallies without an as-of date)."""
    chosen = engine.pack(pack, on=case.received_on)
    declared = declared_stages(chosen.rules)
    if not declared:
        raise NoTimescalesError(
            f"pack {chosen.name} declares no timescale (no rule of it gives a Timescale), "
            "so there are no deadlines to give"
        )
    ctx = Context(chosen, engine.calendar, engine.conventions, case.received_on, as_of)
    obligations: list[Obligation] = []
    for stage in case.stages:
        # a stage the pack sets no timescale for (an informal "stage 0", say) owes nothing
        names = _declared_names(declared, stage.number)
        if names is not None:
            obligations += _stage_obligations(ctx, case, stage, names)
    return DueReport(
        reference=case.reference,
        as_of=as_of,
        pack=chosen.name,
        is_open=case.is_open,
        obligations=tuple(obligations),
        events_ignored=ignored,
    )


_ENGINE: Engine | None = None


def _default_engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine()
    return _ENGINE


@dataclass(frozen=True, slots=True)
class _Names:
    """The parameters giving a stage's timescales (the clock may be fixed instead)."""

    respond: str | None
    clock: ClockStart | str | None
    cap: str | None
    #: the acknowledgement timescale owed at the stage (None: nothing owed)
    acknowledge: str | None
    #: the acknowledgement timescale the response clock counts from
    clock_acknowledge: str | None
    #: the rules declaring the acknowledgement and the response
    acknowledge_rule: str | None
    respond_rule: str | None


def _declared_names(declared: dict[int, StageTimescales], n: int) -> _Names | None:
    """Stage ``n``'s parameters as the pack's timescale declarations name them."""
    stage = declared.get(n)
    if stage is None:
        return None
    ack, clock = stage.get(TimescaleObligation.ACKNOWLEDGE), stage.get(TimescaleObligation.RESPOND)
    if ack is None and clock is None:
        return None
    return _Names(
        respond=clock.days if clock else None,
        clock=clock.clock if clock else None,
        cap=clock.extension_cap if clock else None,
        acknowledge=ack.days if ack else None,
        clock_acknowledge=clock.acknowledge_days if clock else None,
        acknowledge_rule=stage.rule_id(TimescaleObligation.ACKNOWLEDGE),
        respond_rule=stage.rule_id(TimescaleObligation.RESPOND),
    )


def _stage_obligations(
    ctx: Context, case: Complaint, stage: Stage, names: _Names
) -> list[Obligation]:
    n = stage.number
    respond_days: int | None = ctx.param(names.respond) if names.respond else None
    respond_from: ClockStart | None = None
    if isinstance(names.clock, ClockStart):
        respond_from = names.clock
    elif names.clock is not None:
        respond_from = ClockStart(ctx.param(names.clock))
    cap: int = ctx.param(names.cap) if names.cap else 0
    ack_days: int | None = ctx.param(names.acknowledge) if names.acknowledge else None
    clock_ack: int | None = ack_days
    if names.clock_acknowledge != names.acknowledge:
        other = names.clock_acknowledge
        clock_ack = ctx.param(other) if other and other in ctx.pack.parameters else None
    if clock_ack is None and respond_from in (ClockStart.ACKNOWLEDGEMENT, ClockStart.LOGGING):
        assert respond_from is not None
        raise UnknownParameterError(
            f"{ctx.pack.name}: stage {n} counts from {respond_from.value} but has no "
            f"{names.clock_acknowledge or 'acknowledgement timescale'}"
        )
    out: list[Obligation] = []
    ack = acknowledgement_deadline(ctx, case, stage, ack_days) if ack_days is not None else None
    if ack is not None:
        out.append(
            _judge(
                ctx,
                stage=n,
                kind="acknowledge",
                rule_id=names.acknowledge_rule,
                deadline=ack,
                review=None,
                done_on=stage.acknowledged.on if stage.acknowledged else None,
                stopped_on=case.withdrawn_on,
            )
        )
    if respond_days is None or respond_from is None:
        return out
    deadline = response_deadline(
        ctx,
        case,
        stage,
        respond_days=respond_days,
        respond_from=respond_from,
        ack_days=clock_ack or 0,  # read only for clocks from acknowledgement or logging
    )
    if deadline is not None:
        review = review_extensions(ctx, stage, deadline, cap)
        stopped = response_stopped_on(case, stage)
        out.append(
            _judge(
                ctx,
                stage=n,
                kind="respond",
                rule_id=names.respond_rule,
                deadline=deadline,
                review=review,
                done_on=stage.response.issued_on if stage.response else None,
                stopped_on=stopped,
            )
        )
    return out


def _judge(
    ctx: Context,
    *,
    stage: int,
    kind: Literal["acknowledge", "respond"],
    rule_id: str | None,
    deadline: Deadline,
    review: ExtensionReview | None,
    done_on: date | None,
    stopped_on: date | None,
) -> Obligation:
    noun = "acknowledgement" if kind == "acknowledge" else "response"
    outcome = judge_deadline(
        ctx,
        what=f"stage {stage} {noun}",
        done_on=done_on,
        deadline=deadline,
        review=review,
        stopped_on=stopped_on,
    )
    due_by = review.effective_due if review else deadline.due
    computed = dict(outcome.computed)
    if done_on is not None:
        status = (
            ObligationStatus.DONE_ON_TIME
            if outcome.verdict is Verdict.PASS
            else ObligationStatus.DONE_LATE
        )
    elif outcome.verdict is Verdict.FAIL:
        status = ObligationStatus.OVERDUE
    elif stopped_on is not None and stopped_on <= due_by:
        status = ObligationStatus.NOT_REQUIRED
    else:
        status = ObligationStatus.PENDING
    left = ctx.calendar.working_days_between(ctx.as_of, due_by) if ctx.as_of else None
    return Obligation(
        stage=stage,
        kind=kind,
        status=status,
        due_by=due_by,
        original_due=deadline.due,
        latest_extension=review.cap_due if review else None,
        done_on=done_on,
        working_days_left=left if status is ObligationStatus.PENDING else None,
        working_days_late=computed.get("working_days_late", computed.get("working_days_overdue")),
        message=outcome.message,
        evidence=computed,
        rule_id=rule_id,
    )
