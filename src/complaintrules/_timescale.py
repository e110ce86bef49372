"""Timeliness provisions declared as data: which stage, which obligation, which clock.

A pack attaches a :class:`Timescale` to a rule instead of writing its case check; the
core judges every declaration with one shared judge (see
:func:`complaintrules._stage_checks.judge_timescale`), and the bulk path reads the same
declarations. The numbers stay in the pack's dated parameters: a declaration names them,
and the core never builds a parameter name of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ._policy import ClockStart

if TYPE_CHECKING:
    from ._rules import Rule

__all__ = ["Obligation", "StageTimescales", "Timescale", "declared_stages"]


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


def _name(value: object, field: str, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {field} must name one of the pack's parameters, got {value!r}")


@dataclass(frozen=True, slots=True)
class Timescale:
    """A timeliness provision as data, judged by the core's shared judge.

    ``days`` names the pack parameter giving the working days allowed. For a response or
    its extensions, ``clock`` is when the response clock starts: a :class:`ClockStart`
    fixed by the declaration, or the name of a parameter holding one (so it can change
    with the date); ``acknowledge_days`` names the acknowledgement timescale the clock
    counts from when it starts at acknowledgement or logging (unset: none, 0 days); and
    ``extension_cap`` names the working days an extension may add without a good reason.
    An acknowledgement always counts from the stage's start and, with
    ``require_definition``, must record the complaint definition.
    """

    stage: int
    obligation: Obligation
    days: str
    clock: ClockStart | str | None = None
    acknowledge_days: str | None = None
    extension_cap: str | None = None
    require_definition: bool = False

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
        if obligation is Obligation.ACKNOWLEDGE:
            unused = [
                f
                for f in ("clock", "acknowledge_days", "extension_cap")
                if getattr(self, f) is not None
            ]
            if unused:
                raise ValueError(
                    f"{where}: an acknowledgement counts from the stage's start; "
                    f"{' and '.join(unused)} do not apply to it"
                )
            return
        if self.require_definition:
            raise ValueError(f"{where}: require_definition applies to an acknowledgement only")
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
        elif self.clock in (ClockStart.ACKNOWLEDGEMENT, ClockStart.LOGGING) or not isinstance(
            self.clock, ClockStart
        ):
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


@dataclass(frozen=True, slots=True)
class StageTimescales:
    """What a pack declares for one stage: each obligation's declaration and the id of the
    rule declaring it (the first rule that declares it, in the pack's order)."""

    stage: int
    declared: dict[Obligation, tuple[str, Timescale]]

    def get(self, obligation: Obligation) -> Timescale | None:
        found = self.declared.get(obligation)
        return found[1] if found else None


def declared_stages(rules: Iterable[Rule]) -> dict[int, StageTimescales]:
    """The stages ``rules`` declare timescales for, by number (ascending); empty when none
    does. ``due()`` and the monitor read a pack's deadlines from this, never by rule id."""
    found: dict[int, dict[Obligation, tuple[str, Timescale]]] = {}
    for r in rules:
        t = r.timescale
        if t is not None:
            found.setdefault(t.stage, {}).setdefault(t.obligation, (r.id, t))
    return {n: StageTimescales(n, found[n]) for n in sorted(found)}
