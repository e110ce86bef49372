"""Practice commentary as landlords write it: how many cases met each timescale.

"For cases resolved in 2023/24, 49% of stage 1 complaints were acknowledged and answered
in time" is the kind of sentence a landlord puts on its self-assessment and in its annual
report. This module counts it from the findings the engine already made: a finding of a
rule that declares a :class:`~complaintrules.law.timescale.Timescale` is that timescale
judged for one case (pass: met; fail: missed; anything else: not yet judged, so not
counted). Nothing here computes a deadline.

Which cases count is an option, stated with the figures:

- **received**: cases received in the period (the default; the form's basis until now);
- **resolved**: cases resolved in the period: closed in it, or, with no closing date
  recorded, whose last response was issued in it.

Without a period every case given counts. The **combined** rate of a stage is the share of
the cases judged on both its acknowledgement and its response that met both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from ..law.packs import Pack
from ..law.rules import Finding, Subject, Verdict
from ..law.timescale import Obligation
from ..model.case import Complaint

__all__ = [
    "CombinedRate",
    "PracticeBasis",
    "PracticeSummary",
    "TimescaleRate",
    "practice_summary",
    "resolved_on",
]


class PracticeBasis(StrEnum):
    """Which cases the practice figures count."""

    RECEIVED = "received"
    RESOLVED = "resolved"


_NOUN = {
    Obligation.ACKNOWLEDGE: "acknowledgements",
    Obligation.RESPOND: "responses",
    Obligation.EXTEND: "extensions",
}


def resolved_on(case: Complaint) -> date | None:
    """When a case was resolved: its closing date, else its last response's date."""
    if case.closed_on is not None:
        return case.closed_on
    issued = [s.response.issued_on for s in case.stages if s.response is not None]
    return max(issued) if issued else None


def _pct(met: int, judged: int) -> str:
    return f"{100 * met / judged:.1f}%" if judged else "no cases"


@dataclass(frozen=True, slots=True)
class TimescaleRate:
    """One timescale (a pack's rule) judged over the cases in scope."""

    pack: str
    rule_id: str
    provision: str
    stage: int
    obligation: Obligation
    met: int
    judged: int
    not_met: tuple[str, ...] = ()

    @property
    def measure(self) -> str:
        return f"stage {self.stage} {_NOUN[self.obligation]}"

    @property
    def rate(self) -> float | None:
        return self.met / self.judged if self.judged else None

    def describe(self) -> str:
        return (
            f"{self.provision} ({self.rule_id}), {self.measure}: {self.met} of {self.judged} "
            f"within the Code's timescale ({_pct(self.met, self.judged)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "rule_id": self.rule_id,
            "provision": self.provision,
            "stage": self.stage,
            "obligation": self.obligation.value,
            "met": self.met,
            "judged": self.judged,
            "percent": None if self.rate is None else round(100 * self.rate, 2),
            "not_met": list(self.not_met),
        }


@dataclass(frozen=True, slots=True)
class CombinedRate:
    """Cases acknowledged and answered in time at one stage."""

    stage: int
    met: int
    judged: int

    @property
    def rate(self) -> float | None:
        return self.met / self.judged if self.judged else None

    def describe(self) -> str:
        return (
            f"stage {self.stage}, acknowledged and responded to within the Code's timescales: "
            f"{self.met} of {self.judged} ({_pct(self.met, self.judged)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "met": self.met,
            "judged": self.judged,
            "percent": None if self.rate is None else round(100 * self.rate, 2),
        }


@dataclass(frozen=True, slots=True)
class PracticeSummary:
    """Every timescale's rate, and the combined rate per stage, over the cases in scope."""

    basis: PracticeBasis
    period: tuple[date, date] | None
    #: References of the cases counted.
    scope: frozenset[str]
    rates: tuple[TimescaleRate, ...]
    combined: tuple[CombinedRate, ...]

    def statement(self) -> str:
        """Which cases the figures count, in a sentence (shown with the figures)."""
        n = len(self.scope)
        cases = f"{n} case{'s' if n != 1 else ''}"
        if self.period is None:
            unset = "no reporting period was set"
            if self.basis is PracticeBasis.RECEIVED:
                return f"Practice figures count all the {cases} given ({unset})."
            return f"Practice figures count the {cases} given that were resolved ({unset})."
        start, end = self.period
        return f"Practice figures count the {cases} {self.basis.value} from {start} to {end}."

    def lines(self) -> list[str]:
        """The statement, then a sentence per stage's combined rate and per timescale."""
        out = [self.statement()]
        out += [_capital(c.describe()) + "." for c in self.combined if c.judged]
        out += [r.describe() + "." for r in self.rates if r.judged]
        return out

    def rate_for(self, pack: str, rule_id: str) -> TimescaleRate | None:
        for rate in self.rates:
            if (rate.pack, rate.rule_id) == (pack, rule_id):
                return rate
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis.value,
            "period": None
            if self.period is None
            else {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
            "cases": len(self.scope),
            "statement": self.statement(),
            "combined": [c.to_dict() for c in self.combined],
            "timescales": [r.to_dict() for r in self.rates],
        }


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def in_scope(
    cases: Iterable[Complaint], basis: PracticeBasis, period: tuple[date, date] | None
) -> frozenset[str]:
    """References of the cases received (resolved) in ``period``; every case received
    (every case resolved) without one."""
    refs = set()
    for case in cases:
        day = case.received_on if basis is PracticeBasis.RECEIVED else resolved_on(case)
        if day is None:
            continue
        if period is None or period[0] <= day <= period[1]:
            refs.add(case.reference)
    return frozenset(refs)


def practice_summary(
    findings: Iterable[Finding],
    packs: Sequence[Pack],
    cases: Sequence[Complaint],
    *,
    basis: PracticeBasis | str = PracticeBasis.RECEIVED,
    period: tuple[date, date] | None = None,
) -> PracticeSummary:
    """The practice figures of ``findings`` (a report's), over the cases in scope.

    ``packs`` are the packs the findings were judged under (``Report.packs``): each of
    their rules that declares a timescale gives a rate.
    """
    basis = PracticeBasis(basis)
    scope = in_scope(cases, basis, period)
    declared: dict[tuple[str, str], tuple[Any, str]] = {}
    order: list[tuple[str, str]] = []
    for pack in packs:
        for rule in pack.rules:
            if rule.timescale is not None:
                declared[pack.name, rule.id] = (rule.timescale, rule.provision)
                order.append((pack.name, rule.id))
    met: Mapping[tuple[str, str], list[Finding]] = defaultdict(list)
    missed: Mapping[tuple[str, str], list[Finding]] = defaultdict(list)
    # per case and stage: the verdicts of its acknowledgement and response
    per_case: dict[tuple[str, int], dict[Obligation, bool]] = defaultdict(dict)
    for f in findings:
        key = (f.pack, f.rule_id)
        if key not in declared or f.subject is not Subject.CASE or f.subject_ref not in scope:
            continue
        if f.verdict not in (Verdict.PASS, Verdict.FAIL):
            continue  # not yet due, not applicable or not judgeable: not counted
        timescale = declared[key][0]
        (met if f.verdict is Verdict.PASS else missed)[key].append(f)
        if timescale.obligation in (Obligation.ACKNOWLEDGE, Obligation.RESPOND):
            seen = per_case[f.subject_ref, timescale.stage]
            seen[timescale.obligation] = seen.get(timescale.obligation, True) and (
                f.verdict is Verdict.PASS
            )
    rates = []
    for key in order:
        timescale, provision = declared[key]
        ok, bad = met.get(key, []), missed.get(key, [])
        if not ok and not bad:
            continue
        rates.append(
            TimescaleRate(
                pack=key[0],
                rule_id=key[1],
                provision=provision,
                stage=timescale.stage,
                obligation=Obligation(timescale.obligation),
                met=len(ok),
                judged=len(ok) + len(bad),
                not_met=tuple(sorted(f.subject_ref for f in bad)),
            )
        )
    stages = sorted({stage for _, stage in per_case})
    combined = []
    for stage in stages:
        both = [
            seen
            for (_, n), seen in per_case.items()
            if n == stage and Obligation.ACKNOWLEDGE in seen and Obligation.RESPOND in seen
        ]
        combined.append(CombinedRate(stage, sum(all(s.values()) for s in both), len(both)))
    return PracticeSummary(basis, period, scope, tuple(rates), tuple(combined))
