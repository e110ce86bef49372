"""Timeliness provisions declared as data: which stage, which obligation, which clock.

A pack attaches a :class:`Timescale` to a rule instead of writing its case check; the
core judges every declaration with one shared judge (see
:func:`complaintrules.law.stage_checks.judge_timescale`), and the bulk path reads the same
declarations. The numbers stay in the pack's dated parameters: a declaration names them,
and the core never builds a parameter name of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..model.policy import ClockStart

if TYPE_CHECKING:
    from ..model.case import Complaint
    from .context import Context
    from .rules import Outcome, Rule

__all__ = [
    "NoTimescalesError",
    "Obligation",
    "Precondition",
    "StageTimescales",
    "Timescale",
    "declared_stages",
]

#: A case check run before a declaration is judged: an outcome it returns is the rule's
#: (the shared judge is not called); None lets the judge go on. Written as an expression
#: (:func:`~complaintrules.authoring.when`), a case it passes goes on, and the declaration
#: is judged over a table's columns too (see
#: :func:`~complaintrules.law.expressions.table_judged`).
Precondition = Callable[["Complaint", "Context"], "Outcome | None"]


class NoTimescalesError(LookupError):
    """The pack declares no timescale, so there is no deadline to give: the core never
    guesses a pack's parameter names."""


class Obligation(StrEnum):
    """What must happen by a stage's deadline."""

    #: The stage is acknowledged within ``days`` working days of its start (receipt at
    #: stage 1, the escalation request after).
    ACKNOWLEDGE = "acknowledge"
    #: The stage's response goes out by its deadline, moved by any valid extension.
    RESPOND = "respond"
    #: Every extension at the stage was notified in time, gave a reason and kept within
    #: the cap (or recorded a good reason).
    EXTEND = "extend"


_CLOCKS = ", ".join(c.value for c in ClockStart)
_OBLIGATIONS = ", ".join(o.value for o in Obligation)


#: Clock starts counted from the acknowledgement deadline (they need acknowledge_days).
_FROM_ACKNOWLEDGEMENT = (ClockStart.ACKNOWLEDGEMENT, ClockStart.LOGGING)


def _name(value: object, field: str, where: str, what: str = "parameters") -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {field} must name one of the pack's {what}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Timescale:
    """A timeliness provision as data, judged by the core's shared judge.

    ``days`` names the pack parameter giving the working days allowed. For a response or
    its extensions, ``clock`` is when the response clock starts: a :class:`ClockStart`
    fixed by the declaration, or the name of a parameter holding one (so it can change
    with the date); ``acknowledge_days`` names the acknowledgement timescale the clock
    counts from when it starts at acknowledgement or logging (unset: none, 0 days); and
    ``extension_cap`` names the working days an extension may add without a good reason.
    A clock given as a parameter may leave ``acknowledge_days`` unset when none of the
    parameter's dated values starts at acknowledgement or logging (the pack refuses it
    otherwise, when it loads).
    An acknowledgement always counts from the stage's start and, with
    ``require_definition``, must record the complaint definition; with
    ``require_logging``, a logging date recorded for the stage must fall by the same
    deadline. ``definition_by`` names the pack's rule that judges the complaint definition
    at this acknowledgement where the acknowledgement's own provision does not (the monitor
    raises its missing-definition alert under that rule).

    ``with_extensions`` makes a response's rule judge the stage's extensions too (a Code
    that states the response time and its extensions in one provision): its outcome is
    the response's and the extensions' together, every failure first. ``precondition``
    is a case check judged first, for a provision that also says when the stage may
    happen at all (see :data:`Precondition`). With ``only_if_reached`` a case that never
    reached the stage is not applicable before any parameter is read (its finding then
    cites none).
    """

    stage: int
    obligation: Obligation
    days: str
    clock: ClockStart | str | None = None
    acknowledge_days: str | None = None
    extension_cap: str | None = None
    require_definition: bool = False
    require_logging: bool = False
    definition_by: str | None = None
    with_extensions: bool = False
    precondition: Precondition | None = None
    only_if_reached: bool = False

    def __post_init__(self) -> None:
        where = f"timescale of stage {self.stage}"
        if isinstance(self.stage, bool) or not isinstance(self.stage, int) or self.stage < 1:
            raise ValueError(f"{where}: stage must be a whole number from 1, got {self.stage!r}")
        try:
            obligation = Obligation(self.obligation)
        except ValueError:
            raise ValueError(
                f"{where}: unknown obligation {self.obligation!r}; expected one of {_OBLIGATIONS}"
            ) from None
        object.__setattr__(self, "obligation", obligation)
        where = f"{obligation.value} timescale of stage {self.stage}"
        _name(self.days, "days", where)
        if self.precondition is not None and not callable(self.precondition):
            raise ValueError(
                f"{where}: precondition must be a case check, got {self.precondition!r}"
            )
        if obligation is Obligation.ACKNOWLEDGE:
            unused = [
                f
                for f in ("clock", "acknowledge_days", "extension_cap")
                if getattr(self, f) is not None
            ]
            if self.with_extensions:
                unused.append("with_extensions")
            if unused:
                raise ValueError(
                    f"{where}: an acknowledgement counts from the stage's start; "
                    f"{' and '.join(unused)} do not apply to it"
                )
            if self.definition_by is not None:
                _name(self.definition_by, "definition_by", where, "rules")
                if self.require_definition:
                    raise ValueError(f"{where}: give require_definition or definition_by, not both")
            return
        for field, value in (
            ("require_definition", self.require_definition),
            ("require_logging", self.require_logging),
            ("definition_by", self.definition_by),
        ):
            if value:
                raise ValueError(f"{where}: {field} applies to an acknowledgement only")
        if self.with_extensions and obligation is not Obligation.RESPOND:
            raise ValueError(f"{where}: with_extensions applies to a response only")
        if self.clock is None:
            raise ValueError(
                f"{where}: clock is missing; give a ClockStart ({_CLOCKS}) or the name of "
                "the parameter holding one"
            )
        if not isinstance(self.clock, ClockStart):
            _name(self.clock, "clock", where)
            if self.clock in {c.value for c in ClockStart}:
                object.__setattr__(self, "clock", ClockStart(self.clock))
        _name(self.extension_cap, "extension_cap", where)
        if self.acknowledge_days is not None:
            _name(self.acknowledge_days, "acknowledge_days", where)
        elif self.clock in _FROM_ACKNOWLEDGEMENT:
            raise ValueError(
                f"{where}: acknowledge_days is missing; a clock that can start at "
                "acknowledgement or logging counts from the acknowledgement deadline"
            )

    @property
    def clock_parameter(self) -> str | None:
        """The parameter holding the clock start, if the declaration does not fix it."""
        return None if isinstance(self.clock, ClockStart) or self.clock is None else self.clock

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every parameter the declaration reads, in the order the judge reads them."""
        if self.obligation is Obligation.ACKNOWLEDGE:
            return (self.days,)
        names = (self.acknowledge_days, self.days, self.clock_parameter, self.extension_cap)
        return tuple(n for n in names if n is not None)

    def needs_acknowledge_days(self, clock: ClockStart) -> bool:
        """Whether the response clock ``clock`` counts from an acknowledgement timescale
        this declaration does not name (so it cannot be judged)."""
        return self.acknowledge_days is None and clock in _FROM_ACKNOWLEDGEMENT


@dataclass(frozen=True, slots=True)
class StageTimescales:
    """What a pack declares for one stage: each obligation's declaration and the id of the
    rule declaring it (the first rule that declares it, in the pack's order)."""

    stage: int
    declared: dict[Obligation, tuple[str, Timescale]]

    def get(self, obligation: Obligation) -> Timescale | None:
        found = self.declared.get(obligation)
        return found[1] if found else None

    def rule_id(self, obligation: Obligation) -> str | None:
        found = self.declared.get(obligation)
        return found[0] if found else None

    @property
    def extensions_rule(self) -> str | None:
        """The rule judging the stage's extensions: its extension declaration's, else its
        response declaration's when that judges them too (None: nobody judges them)."""
        found = self.rule_id(Obligation.EXTEND)
        respond = self.get(Obligation.RESPOND)
        if found is None and respond is not None and respond.with_extensions:
            found = self.rule_id(Obligation.RESPOND)
        return found

    @property
    def definition_rule(self) -> str | None:
        """The rule judging the complaint definition at the stage's acknowledgement (None:
        no declaration asks for one)."""
        ack = self.get(Obligation.ACKNOWLEDGE)
        if ack is None:
            return None
        return self.rule_id(Obligation.ACKNOWLEDGE) if ack.require_definition else ack.definition_by


def declared_stages(rules: Iterable[Rule]) -> dict[int, StageTimescales]:
    """The stages ``rules`` declare timescales for, by number (ascending); empty when none
    does. ``due()`` and the monitor read a pack's deadlines from this, never by rule id."""
    found: dict[int, dict[Obligation, tuple[str, Timescale]]] = {}
    for r in rules:
        t = r.timescale
        if t is not None:
            found.setdefault(t.stage, {}).setdefault(t.obligation, (r.id, t))
    return {n: StageTimescales(n, found[n]) for n in sorted(found)}
