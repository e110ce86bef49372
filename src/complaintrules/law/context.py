"""What a check can see besides its subject: the pack, the calendar, the conventions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..calendar.working_days import WorkingCalendar
from ..model.conventions import Conventions
from .parameters import ParameterValue

if TYPE_CHECKING:
    from ..model.case import Complaint
    from ..model.organisation import Organisation
    from .packs import Pack

__all__ = ["Context", "Portfolio"]


@dataclass(frozen=True, slots=True)
class Portfolio:
    """All the cases of a period, with the organisation (for housing stock and governance)."""

    cases: Sequence[Complaint]
    organisation: Organisation | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass(slots=True)
class Context:
    """Handed to every check; records which parameters the check read, for its evidence.

    ``on`` is the date parameters are read at (a case's receipt date, or the date a policy
    or organisation is judged on). ``as_of`` is the date an open case is judged at: an
    obligation whose deadline is after it is not yet breached. ``organisation`` is there
    for rules that need organisation facts while judging a policy or a case.
    """

    pack: Pack
    calendar: WorkingCalendar
    conventions: Conventions
    on: date
    as_of: date | None = None
    organisation: Organisation | None = None
    used: dict[str, ParameterValue] = field(default_factory=dict)

    def param(self, name: str) -> Any:
        """The pack's value of ``name`` in force on :attr:`on`, recorded as evidence."""
        parameters = self.pack.parameters
        value = parameters._found.get((name, self.on))  # at()'s own cache, without the call
        if value is None:
            value = parameters.at(name, self.on)
        self.used[name] = value
        return value.value

    def parameters_evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pack_version": self.pack.version}
        for name, value in self.used.items():
            out[name] = value.evidence
        return out
