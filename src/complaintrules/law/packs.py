"""Packs: a Code's rules and dated parameters, with the dates the Code is in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..model.policy import ClockStart
from .parameters import ParameterSet
from .rules import Rule

__all__ = ["DEFAULT_ATTESTATION_VALIDITY_MONTHS", "Pack"]

#: How long an attestation stays valid when its pack names no parameter for it: the Code's
#: annual self-assessment cycle.
DEFAULT_ATTESTATION_VALIDITY_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Pack:
    """A rule pack. ``in_force_until`` is the last day the Code applies (inclusive)."""

    name: str
    title: str
    version: str
    in_force_from: date
    in_force_until: date | None
    rules: tuple[Rule, ...]
    parameters: ParameterSet
    description: str = ""
    #: Rule id in this pack -> equivalent rule ids in another pack, for year-on-year views.
    equivalents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The name of this pack's dated parameter (in months) saying how long a person's
    #: attestation stays valid after the date it was signed; unset means
    #: :data:`DEFAULT_ATTESTATION_VALIDITY_MONTHS`.
    attestation_validity: str | None = None

    def __post_init__(self) -> None:
        ids = [r.id for r in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"pack {self.name}: duplicate rule ids {duplicates}")
        strangers = [r.id for r in self.rules if r.pack != self.name]
        if strangers:
            raise ValueError(f"pack {self.name}: rules {strangers} name another pack")
        for r in self.rules:
            problem = self.timescale_problem(r)
            if problem is not None:
                raise ValueError(f"pack {self.name}: {problem}")

    def timescale_problem(self, rule: Rule) -> str | None:
        """Why ``rule``'s timescale cannot be judged under this pack (a parameter it names
        is not one of the pack's), or None."""
        t = rule.timescale
        if t is None:
            return None
        unknown = [n for n in t.parameters if n not in self.parameters]
        if unknown:
            return (
                f"rule {rule.id} declares a timescale reading "
                f"{', '.join(repr(n) for n in unknown)}, which the pack's parameters "
                f"({self.parameters.origin}) do not define"
            )
        if t.definition_by is not None and t.definition_by not in {r.id for r in self.rules}:
            return (
                f"rule {rule.id} declares its complaint definition judged by "
                f"{t.definition_by!r}, which is not a rule of the pack"
            )
        clock = t.clock_parameter
        if clock is not None:
            for dated in self.parameters[clock].values:
                try:
                    start = ClockStart(dated.value)
                except ValueError:
                    return (
                        f"rule {rule.id}: parameter {clock!r} since {dated.since} is "
                        f"{dated.value!r}, not a clock start"
                    )
                if t.needs_acknowledge_days(start):
                    return (
                        f"rule {rule.id}: parameter {clock!r} starts the clock at "
                        f"{start.value} since {dated.since}, but the timescale names no "
                        "acknowledge_days to count that from"
                    )
        return None

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (
            self.in_force_until is None or day <= self.in_force_until
        )

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"pack {self.name} has no rule {rule_id!r}")

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "in_force_from": self.in_force_from.isoformat(),
            "in_force_until": self.in_force_until.isoformat() if self.in_force_until else None,
            "rules": len(self.rules),
            "description": self.description,
        }
