"""Rolling findings up by rule and section, and the readable text summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..engine.engine import Report
from ..law.rules import Finding, Level, Rule, Subject, Verdict
from .citations import finding_citations
from .escaping import terminal_text

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
) -> str:
    """A summary grouped by the Code's sections; passing rules are one line each.

    ``citations`` (field path -> the policy's place and words, from a policy read from its
    document) puts the policy's own words under each policy finding shown."""
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
    for status in statuses:
        if status.rule.section != section:
            section = status.rule.section
            lines.append(f"\n{section}")
        label = "WARN" if status.is_warning else _LABEL[status.verdict]
        level = " (should)" if status.rule.level is Level.SHOULD else ""
        lines.append(f"  {label:<5} {status.rule.id:<12} {status.rule.title}{level}")
        interesting = status.verdict in (Verdict.ERROR, Verdict.FAIL, Verdict.NEEDS_EVIDENCE)
        if verbose or interesting:
            for subject, findings in status.by_subject().items():
                worst = min(_SEVERITY.index(f.verdict) for f in findings)
                if verbose or _SEVERITY[worst] is not Verdict.NOT_APPLICABLE:
                    lines.append(f"          {_subject_line(subject, findings)}")
                    if subject is Subject.POLICY:
                        for cited in finding_citations(findings[0], citations):
                            lines.append(f"            cites {cited}")
    tally = Counter(s.verdict for s in statuses)
    warnings = sum(s.is_warning for s in statuses)
    failed = tally[Verdict.FAIL] - warnings
    lines.append(
        f"\nProvisions: {len(statuses)}; pass {tally[Verdict.PASS]}, fail {failed}, "
        f"warnings {warnings}, needs evidence {tally[Verdict.NEEDS_EVIDENCE]}, "
        f"not applicable {tally[Verdict.NOT_APPLICABLE]}, errors {tally[Verdict.ERROR]}"
    )
    counts = report.counts()
    lines.append(
        f"Findings: {len(report.findings)} ({counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['needs_evidence']} needs evidence, {counts['not_applicable']} n/a, "
        f"{counts['error']} error)"
    )
    # Messages and references carry the input's text: nothing in it may drive the terminal.
    return terminal_text("\n".join(lines))
