"""Rolling findings up by rule and section, and the readable text summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..engine.engine import Report
from ..law.rules import Finding, Level, Rule, Subject, Verdict
from .citations import finding_citations
from .escaping import terminal_text
from .waivers import WaiverSet, counts

__all__ = ["RuleStatus", "render_text", "roll_up"]

# Worst first: a rule's overall status is the worst verdict among its findings.
_SEVERITY = (
    Verdict.ERROR,
    Verdict.FAIL,
    Verdict.NEEDS_EVIDENCE,
    Verdict.PASS,
    Verdict.NOT_APPLICABLE,
)
_LABEL = {
    Verdict.ERROR: "ERROR",
    Verdict.FAIL: "FAIL",
    Verdict.NEEDS_EVIDENCE: "NEEDS",
    Verdict.PASS: "pass",
    Verdict.NOT_APPLICABLE: "n/a",
}


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """One rule's findings across every subject it was judged on."""

    rule: Rule
    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> Verdict:
        present = {f.verdict for f in self.findings}
        for verdict in _SEVERITY:
            if verdict in present:
                return verdict
        return Verdict.NOT_APPLICABLE

    @property
    def is_warning(self) -> bool:
        return self.verdict is Verdict.FAIL and self.rule.level is Level.SHOULD

    def by_subject(self) -> dict[Subject, list[Finding]]:
        out: dict[Subject, list[Finding]] = defaultdict(list)
        for f in self.findings:
            out[f.subject].append(f)
        return out


def roll_up(report: Report, rules: Iterable[Rule]) -> list[RuleStatus]:
    """A status per rule, in the rules' order (the Code's order)."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        grouped[f.rule_id].append(f)
    return [RuleStatus(rule, tuple(grouped.get(rule.id, ()))) for rule in rules]


def _subject_line(subject: Subject, findings: Sequence[Finding]) -> str:
    if subject is Subject.CASE and len(findings) > 1:
        tally = Counter(f.verdict for f in findings)
        parts = [f"{tally[v]} {_LABEL[v]}" for v in _SEVERITY if tally[v]]
        worst = next(
            (f for v in _SEVERITY[:3] for f in findings if f.verdict is v and tally[v]), None
        )
        example = f"; e.g. {worst.subject_ref}: {worst.message}" if worst else ""
        return f"cases ({len(findings)}): {', '.join(parts)}{example}"
    f = findings[0]
    return f"{subject.value}: {_LABEL[f.verdict]}: {f.message}"


def render_text(
    report: Report,
    rules: Sequence[Rule],
    *,
    verbose: bool = False,
    citations: Mapping[str, str] | None = None,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """A summary grouped by the Code's sections; passing rules are one line each.

    ``citations`` (field path -> the policy's place and words, from a policy read from its
    document) puts the policy's own words under each policy finding shown. A provision
    whose failures a waiver in force covers is shown as WAIVED, with the waiver; with
    ``failures_only`` only failing and erroring provisions are listed (the totals still
    count every provision and finding)."""
    statuses = roll_up(report, rules)
    lines: list[str] = []
    packs = ", ".join(f"{p.name} {p.version} ({p.title})" for p in report.packs)
    lines.append(f"Pack: {packs}")
    lines.append(f"Calendar: {report.calendar}")
    lines.append(f"Conventions: {report.conventions.summary()}")
    lines.append(f"Judged: {report.dates_line()}")
    if report.as_of and ("cases" in report.subjects or "case" in report.subjects):
        lines.append(f"Snapshot: {report.snapshot.describe()}")
    for problem in report.problems:
        lines.append(f"Plugin problem: {problem.plugin}: {problem.problem}")
    section = None
    waived_rules = 0
    for status in statuses:
        waiver = waivers.for_rule(status.rule.id) if waivers is not None else None
        if waiver is not None and status.verdict is not Verdict.FAIL:
            waiver = None
        waived = waiver is not None and waivers is not None and not waivers.expired(waiver)
        waived_rules += waived
        if failures_only and status.verdict not in (Verdict.FAIL, Verdict.ERROR):
            continue
        if status.rule.section != section:
            section = status.rule.section
            lines.append(f"\n{section}")
        label = "WARN" if status.is_warning else _LABEL[status.verdict]
        label = "WAIVED" if waived else label
        level = " (should)" if status.rule.level is Level.SHOULD else ""
        lines.append(f"  {label:<5} {status.rule.id:<12} {status.rule.title}{level}")
        if waiver is not None and waivers is not None:
            lines.append(f"          {waiver.describe(waivers.as_of)}")
        interesting = status.verdict in (Verdict.ERROR, Verdict.FAIL, Verdict.NEEDS_EVIDENCE)
        if verbose or interesting:
            for subject, findings in status.by_subject().items():
                worst = min(_SEVERITY.index(f.verdict) for f in findings)
                if failures_only and _SEVERITY[worst] not in (Verdict.ERROR, Verdict.FAIL):
                    continue
                if verbose or _SEVERITY[worst] is not Verdict.NOT_APPLICABLE:
                    lines.append(f"          {_subject_line(subject, findings)}")
                    if subject is Subject.POLICY:
                        for cited in finding_citations(findings[0], citations):
                            lines.append(f"            cites {cited}")
    tally = Counter(s.verdict for s in statuses)
    warnings = sum(
        s.is_warning and not (waivers is not None and waivers.rule_waived(s.rule.id))
        for s in statuses
    )
    failed = tally[Verdict.FAIL] - warnings - waived_rules
    lines.append(
        f"\nProvisions: {len(statuses)}; pass {tally[Verdict.PASS]}, fail {failed}, "
        f"warnings {warnings}, needs evidence {tally[Verdict.NEEDS_EVIDENCE]}, "
        f"not applicable {tally[Verdict.NOT_APPLICABLE]}, errors {tally[Verdict.ERROR]}"
        + (f", waived {waived_rules}" if waivers is not None else "")
    )
    tally_all = report.counts()
    lines.append(
        f"Findings: {len(report.findings)} ({tally_all['pass']} pass, {tally_all['fail']} fail, "
        f"{tally_all['needs_evidence']} needs evidence, {tally_all['not_applicable']} n/a, "
        f"{tally_all['error']} error)"
    )
    if waivers is not None:
        net = counts(report, waivers)
        lines.append(
            f"Waivers ({waivers.path}, as of {waivers.as_of.isoformat()}): {net['waived']} "
            f"failing finding(s) waived, {net['waiver_expired']} under an expired waiver; "
            f"{net['failures']} failure(s) and {net['warnings']} warning(s) not waived"
        )
    # Messages and references carry the input's text: nothing in it may drive the terminal.
    return terminal_text("\n".join(lines))
