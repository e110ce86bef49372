"""Waivers: a failing provision a landlord has accepted for a time, with a reason.

A waivers file (``complaintrules check --waivers FILE``) lists rule ids the landlord knows
fail and has agreed, for a stated reason, not to block its builds on until a date::

    waivers:
      - rule_id: XX-5.6                # a rule id, as `complaintrules rules` lists it
        reason: Policy rewrite in progress; the board approves the new text in June
        expires: 2025-06-30              # the last day the waiver holds
        approved_by: Head of Complaints  # optional
        evidence: https://intranet.example/board-paper-17   # optional: a link or a title

A waiver covers the ``fail`` findings of its rule (must and should level) while the run's
as-of date is on or before ``expires``: they are still reported, marked as waived with the
reason and expiry, and do not make the run fail. From the day after ``expires`` the waiver
has expired: the findings fail as before and every report says the waiver expired. A rule
that raised (``error``) is never waived: that is a fault in the check, not a known
shortfall of the landlord's.

The file gets the same checks as every other input (size, aliases, duplicate keys, unknown
fields); a waiver naming a rule id no installed pack has, a date that is not a calendar
date, a missing or empty reason, or a second waiver for the same rule is an input error
naming the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ..engine.engine import Report
from ..io.loading import InputError, InputProblem, _line_of, _read, _validate
from ..law.rules import Finding, Verdict
from ..model.base import Date, InputModel

__all__ = [
    "Waiver",
    "WaiverSet",
    "WaiversFile",
    "is_failing",
    "load_waivers",
]

_Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


class WaiverEntry(InputModel):
    """One waiver: which rule, why, and until when."""

    rule_id: str = Field(description="the rule waived, as `complaintrules rules` lists it")
    reason: _Text = Field(description="why the shortfall is accepted for now")
    expires: Date = Field(description="the last day the waiver holds (YYYY-MM-DD)")
    approved_by: _Text | None = Field(default=None, description="who approved it")
    evidence: _Text | None = Field(
        default=None, description="a link to, or the title of, the paper that approved it"
    )


class WaiversFile(InputModel):
    """A waivers file (YAML or JSON)."""

    waivers: list[WaiverEntry]


@dataclass(frozen=True, slots=True)
class Waiver:
    """A waiver as read from its file, with the line it starts on (for messages)."""

    rule_id: str
    reason: str
    expires: date
    approved_by: str | None = None
    evidence: str | None = None
    line: int | None = None

    def describe(self, as_of: date) -> str:
        """One line for any report: whether it holds on ``as_of``, the reason, who, evidence
        (runs of spaces and line breaks in them shown as one space)."""
        if as_of > self.expires:
            head = f"waiver expired on {self.expires.isoformat()}"
        else:
            head = f"waived until {self.expires.isoformat()}"
        if self.approved_by:
            head += f" (approved by {_one_line(self.approved_by)})"
        text = f"{head}: {_one_line(self.reason)}"
        if self.evidence:
            text += f" [evidence: {_one_line(self.evidence)}]"
        return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def is_failing(finding: Finding) -> bool:
    """A finding that failed or raised, whatever its level: what failures-only mode keeps."""
    return finding.verdict in (Verdict.FAIL, Verdict.ERROR)


@dataclass(frozen=True)
class WaiverSet:
    """The waivers of one run, judged at the run's as-of date."""

    path: str
    as_of: date
    waivers: tuple[Waiver, ...]

    @cached_property
    def _by_rule(self) -> Mapping[str, Waiver]:
        return {w.rule_id: w for w in self.waivers}

    def expired(self, waiver: Waiver) -> bool:
        return self.as_of > waiver.expires

    def for_rule(self, rule_id: str) -> Waiver | None:
        return self._by_rule.get(rule_id)

    def for_finding(self, finding: Finding) -> Waiver | None:
        """The waiver naming this finding's rule, if the finding is a ``fail`` (in force or
        expired: see :meth:`waives`)."""
        if finding.verdict is not Verdict.FAIL:
            return None
        return self._by_rule.get(finding.rule_id)

    def waives(self, finding: Finding) -> bool:
        """True if a waiver in force on the as-of date covers this finding."""
        waiver = self.for_finding(finding)
        return waiver is not None and not self.expired(waiver)

    def rule_waived(self, rule_id: str) -> bool:
        waiver = self._by_rule.get(rule_id)
        return waiver is not None and not self.expired(waiver)

    def finding_dict(self, finding: Finding) -> dict[str, Any] | None:
        waiver = self.for_finding(finding)
        return None if waiver is None else self._waiver_dict(waiver)

    def _waiver_dict(self, waiver: Waiver) -> dict[str, Any]:
        return {
            "rule_id": waiver.rule_id,
            "reason": waiver.reason,
            "expires": waiver.expires.isoformat(),
            "approved_by": waiver.approved_by,
            "evidence": waiver.evidence,
            "expired": self.expired(waiver),
        }

    def summary(self, report: Report) -> list[dict[str, Any]]:
        """Every waiver, with its status: ``applied`` (it covered failing findings),
        ``expired`` or ``unused`` (its rule did not fail)."""
        out = []
        for waiver in self.waivers:
            covered = sum(self.for_finding(f) is waiver for f in report.findings)
            status = "expired" if self.expired(waiver) else ("applied" if covered else "unused")
            out.append({**self._waiver_dict(waiver), "status": status, "findings": covered})
        return out


def counts(report: Report, waivers: WaiverSet | None) -> dict[str, int]:
    """The report's counts with waivers taken into account: ``failures`` and ``warnings``
    leave out the waived findings (they are what fails a run), ``waived`` counts them and
    ``waiver_expired`` counts the failing findings whose waiver has expired; the per-verdict
    counts are the verdicts as judged, waived or not. Without waivers, the report's own."""
    out = report.counts()
    if waivers is None:
        return out
    waived = [f for f in report.findings if waivers.waives(f)]
    out["failures"] -= sum(f.is_failure for f in waived)
    out["warnings"] -= sum(f.is_warning for f in waived)
    out["waived"] = len(waived)
    out["waiver_expired"] = sum(
        w is not None and waivers.expired(w) for w in map(waivers.for_finding, report.findings)
    )
    return out


def run_fails(report: Report, waivers: WaiverSet | None, *, strict: bool) -> bool:
    """True if the run fails (exit 1): an unwaived must-level failure or rule error, or with
    ``strict`` an unwaived should-level warning."""
    tally = counts(report, waivers)
    return bool(tally["failures"] or (strict and tally["warnings"]))


def load_waivers(path: str | Path, rule_ids: Collection[str], as_of: date) -> WaiverSet:
    """The waivers in ``path``, checked against the installed ``rule_ids``, judged at
    ``as_of``. Raises :class:`InputError` naming the file, line and field of each problem."""
    p = Path(path)
    document = _read(p)
    model = _validate(WaiversFile, p, document)
    problems: list[InputProblem] = []
    seen: dict[str, int] = {}
    waivers: list[Waiver] = []
    for index, entry in enumerate(model.waivers):
        where: list[int | str] = ["waivers", index]
        line = _line_of(document.node, where)
        if entry.rule_id not in rule_ids:
            problems.append(
                InputProblem(
                    f"waivers[{index}].rule_id",
                    f"no rule {entry.rule_id!r} in the installed packs "
                    "(see `complaintrules rules`)",
                    _line_of(document.node, [*where, "rule_id"]),
                )
            )
        elif entry.rule_id in seen:
            problems.append(
                InputProblem(
                    f"waivers[{index}].rule_id",
                    f"{entry.rule_id} is waived twice (also waivers[{seen[entry.rule_id]}]); "
                    "give each rule one waiver",
                    _line_of(document.node, [*where, "rule_id"]),
                )
            )
        seen.setdefault(entry.rule_id, index)
        waivers.append(
            Waiver(
                rule_id=entry.rule_id,
                reason=entry.reason,
                expires=entry.expires,
                approved_by=entry.approved_by,
                evidence=entry.evidence,
                line=line,
            )
        )
    if problems:
        raise InputError(p, problems)
    return WaiverSet(path=str(path), as_of=as_of, waivers=tuple(waivers))
