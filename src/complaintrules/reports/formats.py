"""Machine-readable renderings of a :class:`Report` for CI: JUnit XML, SARIF 2.1.0, GitHub
Actions annotations and Markdown (for a job summary or a pull-request comment); TAP and
Azure Pipelines commands are in :mod:`.ci_formats`.

Every renderer takes the report and the rules it was judged against (in the Code's order),
plus :class:`Sources` naming the input files so that findings point at a file and, where it
can be found, a line: a case's ``reference:`` line, a policy or organisation field's line.

How verdicts map (the same in every format):

========================  ==============  ==============  ==================  ===========
verdict                   JUnit           SARIF level     GitHub              Markdown
========================  ==============  ==============  ==================  ===========
fail (must)               failure         error           ``::error``         FAIL
fail (should) = warning   failure only    warning         ``::warning``       WARN
                          with strict
error (the rule raised)   error           error           ``::error``         ERROR
needs evidence            skipped         none (kind      ``::notice``        NEEDS
                                          "review")
pass / not applicable     passed/skipped  (no result)     (nothing)           pass / n/a
waived fail (in force)    skipped         suppressed      ``::notice``        WAIVED
========================  ==============  ==============  ==================  ===========

With waivers (:mod:`.waivers`) a waived failure shows its waiver (reason, expiry, who
approved it) and one whose waiver has expired fails as before, saying so. With
``failures_only`` only failing and erroring provisions or findings are written; the
totals still count every finding.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ..engine.engine import Report
from ..law.rules import Finding, Level, Rule, Subject, Verdict
from .citations import finding_citations
from .escaping import markdown_text, xml_text
from .summary import RuleStatus, roll_up
from .waivers import WaiverSet, counts, is_failing

__all__ = [
    "FORMATS",
    "SARIF_SCHEMA_URI",
    "Sources",
    "render_github",
    "render_junit",
    "render_markdown",
    "render_report",
    "render_sarif",
]

#: The ``--format`` choices of ``complaintrules check``.
FORMATS = ("text", "json", "junit", "sarif", "github", "markdown", "tap", "azure")
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"

_NOT_OK = (Verdict.ERROR, Verdict.FAIL, Verdict.NEEDS_EVIDENCE)
_REFERENCE_LINE = re.compile(r"""["']?reference["']?\s*:\s*["']?([^"',}\s]+)""")


@dataclass
class Sources:
    """The input files a report was built from, to point findings at a file and line;
    ``citations`` (field path -> "Complaints Policy, 4.1: '...'") when the policy was read
    from its document, for findings to quote the policy's own words."""

    policy: str | None = None
    organisation: str | None = None
    cases: str | None = None
    citations: Mapping[str, str] | None = None
    _field_lines: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def cited(self, finding: Finding) -> list[str]:
        """Where the policy says what ``finding`` read, as landlords cite it."""
        return finding_citations(finding, self.citations)

    def path_for(self, finding: Finding) -> str | None:
        if finding.subject is Subject.POLICY:
            return self.policy
        if finding.subject in (Subject.ORGANISATION, Subject.ATTESTATION):
            return self.organisation
        if finding.subject in (Subject.CASE, Subject.PORTFOLIO):
            return self.cases
        return None

    @cached_property
    def _case_lines(self) -> dict[str, int]:
        """Line of each case's ``reference`` in the cases file (a text scan, no parsing)."""
        out: dict[str, int] = {}
        if not self.cases:
            return out
        try:
            with Path(self.cases).open(encoding="utf-8") as fh:
                for number, line in enumerate(fh, start=1):
                    for match in _REFERENCE_LINE.finditer(line):
                        out.setdefault(match.group(1), number)
        except OSError:
            return {}
        return out

    def _lines_of(self, path: str) -> dict[str, int]:
        """Line of every mapping key path (``a.b.c``) in a YAML file; empty for JSON."""
        if path in self._field_lines:
            return self._field_lines[path]
        found: dict[str, int] = {}
        self._field_lines[path] = found
        if path.lower().endswith(".json"):
            return found
        try:
            node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except (OSError, yaml.YAMLError):
            return found

        def walk(n: yaml.Node | None, prefix: str) -> None:
            if isinstance(n, yaml.MappingNode):
                for key, value in n.value:
                    if isinstance(key, yaml.ScalarNode):
                        name = f"{prefix}.{key.value}" if prefix else str(key.value)
                        found.setdefault(name, key.start_mark.line + 1)
                        walk(value, name)

        walk(node, "")
        return found

    def line_for(self, finding: Finding) -> int | None:
        path = self.path_for(finding)
        if path is None:
            return None
        if finding.subject is Subject.CASE:
            return self._case_lines.get(finding.subject_ref)
        if finding.subject is Subject.PORTFOLIO:
            return None
        lines = self._lines_of(path)
        if finding.subject is Subject.ATTESTATION:
            return lines.get("attestations")
        for key in finding.evidence.facts:
            plain = re.sub(r"\[[^\]]*\]", "", str(key))
            for candidate in (plain, plain.split(".")[0]):
                if candidate in lines:
                    return lines[candidate]
        return None


def _statuses(
    report: Report, rules: Sequence[Rule], failures_only: bool = False
) -> list[RuleStatus]:
    statuses = roll_up(report, rules)
    if failures_only:
        return [s for s in statuses if s.verdict in (Verdict.FAIL, Verdict.ERROR)]
    return statuses


def _waiver_note(status: RuleStatus, waivers: WaiverSet | None) -> str | None:
    """The waiver line of a failing provision that has a waiver (in force or expired)."""
    if waivers is None or status.verdict is not Verdict.FAIL:
        return None
    waiver = waivers.for_rule(status.rule.id)
    return waiver.describe(waivers.as_of) if waiver is not None else None


def _waived(status: RuleStatus, waivers: WaiverSet | None) -> bool:
    return (
        waivers is not None
        and status.verdict is Verdict.FAIL
        and waivers.rule_waived(status.rule.id)
    )


def _interesting(status: RuleStatus, failures_only: bool = False) -> list[Finding]:
    return [
        f
        for f in status.findings
        if f.verdict in _NOT_OK and not (failures_only and not is_failing(f))
    ]


def _label(status: RuleStatus) -> str:
    if status.is_warning:
        return "WARN"
    return {
        Verdict.ERROR: "ERROR",
        Verdict.FAIL: "FAIL",
        Verdict.NEEDS_EVIDENCE: "NEEDS",
        Verdict.PASS: "pass",
        Verdict.NOT_APPLICABLE: "n/a",
    }[status.verdict]


def _where(finding: Finding) -> str:
    return f"{finding.subject.value} {finding.subject_ref}"


# -- JUnit XML ---------------------------------------------------------------------------


def render_junit(
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    strict: bool = False,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """JUnit XML: one ``testsuite`` per Code section, one ``testcase`` per provision.

    A must-level failure is a ``failure``; a should-level one is a ``failure`` only with
    ``strict`` (else the test passes and the shortfall is in ``system-out``); a rule that
    raised is an ``error``; needs evidence and not applicable are ``skipped``, and so is a
    failure under a waiver in force (its waiver in the message, the findings in
    ``system-out``); one whose waiver expired is a ``failure`` saying so.
    """
    sources = sources or Sources()
    root = ET.Element("testsuites", name="complaintrules")
    totals: Counter[str] = Counter()
    suites: dict[str, tuple[ET.Element, Counter[str]]] = {}
    for status in _statuses(report, rules, failures_only):
        rule = status.rule
        if rule.section not in suites:
            suite = ET.SubElement(root, "testsuite", name=rule.section)
            suites[rule.section] = (suite, Counter())
        suite, tally = suites[rule.section]
        case = ET.SubElement(
            suite,
            "testcase",
            name=f"{rule.id} {rule.title}",
            classname=f"{rule.pack}.{_section_slug(rule.section)}",
        )
        first = next(iter(_interesting(status)), None)
        path = sources.path_for(first) if first else None
        if path:
            case.set("file", path)
            line = sources.line_for(first) if first else None
            if line:
                case.set("line", str(line))
        bad = _interesting(status, failures_only)
        body = "\n".join(f"{_where(f)}: {f.verdict.value}: {f.message}" for f in bad)
        tally["tests"] += 1
        verdict = status.verdict
        note = _waiver_note(status, waivers)
        if _waived(status, waivers):
            tally["skipped"] += 1
            ET.SubElement(case, "skipped", message=f"{note}")
            ET.SubElement(case, "system-out").text = "waived failure:\n" + body
        elif verdict is Verdict.ERROR:
            tally["errors"] += 1
            errors = [f for f in bad if f.verdict is Verdict.ERROR]
            el = ET.SubElement(case, "error", message=errors[0].message, type="rule_error")
            el.text = body
        elif verdict is Verdict.FAIL and (rule.level is Level.MUST or strict):
            tally["failures"] += 1
            fails = [f for f in bad if f.verdict is Verdict.FAIL]
            message = f"{len(fails)} finding(s) failed; first: {_where(fails[0])}: " + (
                fails[0].message
            )
            if note:  # the waiver has expired
                message = f"{note}; {message}"
            kind = "must" if rule.level is Level.MUST else "should"
            el = ET.SubElement(case, "failure", message=message, type=kind)
            el.text = body
        elif verdict is Verdict.FAIL:
            head = f"should-level warning ({note}):" if note else "should-level warning:"
            ET.SubElement(case, "system-out").text = f"{head}\n{body}"
        elif verdict is Verdict.NEEDS_EVIDENCE:
            tally["skipped"] += 1
            needs = [f for f in bad if f.verdict is Verdict.NEEDS_EVIDENCE]
            ET.SubElement(case, "skipped", message=f"needs evidence: {needs[0].message}")
        elif verdict is Verdict.NOT_APPLICABLE:
            tally["skipped"] += 1
            reason = status.findings[0].message if status.findings else "no finding"
            ET.SubElement(case, "skipped", message=f"not applicable: {reason}")
    for suite, tally in suites.values():
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(tally[key]))
            totals[key] += tally[key]
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    for suite, _ in suites.values():
        # What the verdicts were judged under, on every suite (JUnit readers show a
        # suite's properties; the root element has none).
        props = ET.Element("properties")
        for name, value in _judged_under(report).items():
            ET.SubElement(props, "property", name=name, value=value)
        if failures_only or waivers is not None:  # the testcases are not all the findings
            for name, number in counts(report, waivers).items():
                ET.SubElement(props, "property", name=f"count_{name}", value=str(number))
        suite.insert(0, props)
    for element in root.iter():  # references and messages may hold characters XML forbids
        element.text = xml_text(element.text) if element.text else element.text
        for key, value in element.attrib.items():
            element.set(key, xml_text(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _judged_under(report: Report) -> dict[str, str]:
    """What a report's verdicts depend on besides the inputs, for every format to name."""
    return {
        "packs": ", ".join(f"{p.name} {p.version}" for p in report.packs),
        "calendar": report.calendar,
        "conventions": report.conventions.summary(),
        "as_of": report.as_of.isoformat() if report.as_of else "none",
        "as_of_source": report.as_of_source or "none",
        "judged_on": report.judged_on.isoformat() if report.judged_on else "none",
        "judged_on_source": report.judged_on_source or "none",
        "judged": report.dates_line(),
        "snapshot": report.snapshot.describe() if _has_cases(report) else "no cases judged",
    }


def _has_cases(report: Report) -> bool:
    return report.as_of is not None and bool({"case", "cases"} & set(report.subjects))


def _section_slug(section: str) -> str:
    head = section.split(":")[0].strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", head).strip("_") or "section"


# -- SARIF 2.1.0 -------------------------------------------------------------------------


def _sarif_level(finding: Finding) -> str:
    if finding.verdict is Verdict.NEEDS_EVIDENCE:
        return "none"  # SARIF: a result whose kind is not "fail" has level "none"
    if finding.verdict is Verdict.FAIL and finding.level is Level.SHOULD:
        return "warning"
    return "error"


def render_sarif(
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    tool_version: str = "",
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """A SARIF 2.1.0 log with one run: every rule as a reporting descriptor, and a result
    for every finding that failed, raised or needs evidence (passes are left out; with
    ``failures_only``, needs evidence too). A failure under a waiver in force carries an
    accepted external suppression whose justification is the waiver."""
    sources = sources or Sources()
    index = {rule.id: i for i, rule in enumerate(rules)}
    descriptors = [
        {
            "id": rule.id,
            "name": re.sub(r"[^A-Za-z0-9]+", "", rule.title.title()) or rule.id,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.summary},
            "help": {"text": f"{rule.summary}\n\nSource: {rule.source}"},
            "defaultConfiguration": {"level": "error" if rule.level is Level.MUST else "warning"},
            "properties": {
                "provision": rule.provision,
                "section": rule.section,
                "pack": rule.pack,
                "level": rule.level.value,
                "subjects": [s.value for s in rule.subjects],
            },
        }
        for rule in rules
    ]
    results: list[dict[str, Any]] = []
    artifacts: list[str] = []
    for finding in report.findings:
        if finding.verdict not in _NOT_OK or (failures_only and not is_failing(finding)):
            continue
        waiver = waivers.for_finding(finding) if waivers is not None else None
        note = waiver.describe(waivers.as_of) if waiver is not None and waivers else ""
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "level": _sarif_level(finding),
            "kind": "fail" if finding.verdict is not Verdict.NEEDS_EVIDENCE else "review",
            "message": {"text": f"{_where(finding)}: {finding.message}"},
            "properties": {
                "verdict": finding.verdict.value,
                "subject": finding.subject.value,
                "subjectRef": finding.subject_ref,
                "provision": finding.provision,
                "pack": finding.pack,
            },
        }
        cited = sources.cited(finding)
        if cited:
            result["message"]["text"] += "".join(f"\nCited: {c}" for c in cited)
            result["properties"]["policyCitations"] = cited
        if waiver is not None and waivers is not None:
            result["properties"]["waiver"] = waivers.finding_dict(finding)
            if waivers.expired(waiver):
                result["message"]["text"] += f" ({note})"
            else:
                result["suppressions"] = [
                    {"kind": "external", "status": "accepted", "justification": note}
                ]
        if finding.rule_id in index:
            result["ruleIndex"] = index[finding.rule_id]
        path = sources.path_for(finding)
        if path:
            if path not in artifacts:
                artifacts.append(path)
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": _uri(path), "index": artifacts.index(path)}
            }
            line = sources.line_for(finding)
            if line:
                physical["region"] = {"startLine": line}
            result["locations"] = [
                {
                    "physicalLocation": physical,
                    "logicalLocations": [
                        {"name": finding.subject_ref, "kind": finding.subject.value}
                    ],
                }
            ]
        results.append(result)
    driver: dict[str, Any] = {
        "name": "complaintrules",
        "rules": descriptors,
    }
    if tool_version:
        driver["version"] = tool_version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "artifacts": [{"location": {"uri": _uri(p)}} for p in artifacts],
        "results": results,
        "properties": {
            "packs": [{"name": p.name, "version": p.version} for p in report.packs],
            "calendar": report.calendar,
            "conventions": report.conventions.describe(),
            "asOf": report.as_of.isoformat() if report.as_of else None,
            "asOfSource": report.as_of_source,
            "judgedOn": report.judged_on.isoformat() if report.judged_on else None,
            "judgedOnSource": report.judged_on_source,
            "snapshot": report.snapshot.to_dict(),
            "counts": counts(report, waivers),
        },
    }
    if waivers is not None:
        run["properties"]["waivers"] = waivers.summary(report)
    log = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2)


def _uri(path: str) -> str:
    """A relative path as a URI reference (forward slashes), as code scanning expects."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return p.as_posix()


# -- GitHub Actions workflow commands ---------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    limit: int = 50,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """GitHub Actions annotations: ``::error`` for a failure or a rule error, ``::warning``
    for a should-level shortfall, ``::notice`` for needs evidence and for a failure under a
    waiver in force; at most ``limit`` per provision (the rest are counted), then one
    ``::notice`` with the totals. ``failures_only`` leaves out needs evidence."""
    sources = sources or Sources()
    lines: list[str] = []
    for status in _statuses(report, rules):
        bad = _interesting(status, failures_only)
        for finding in bad[:limit]:
            waiver = waivers.for_finding(finding) if waivers is not None else None
            waived = waivers is not None and waivers.waives(finding)
            if finding.verdict is Verdict.NEEDS_EVIDENCE or waived:
                command = "notice"
            elif finding.is_warning:
                command = "warning"
            else:
                command = "error"
            props = []
            path = sources.path_for(finding)
            if path:
                props.append(f"file={_escape_property(path)}")
                line = sources.line_for(finding)
                if line:
                    props.append(f"line={line}")
            title = f"{finding.rule_id} {status.rule.title}"
            props.append(f"title={_escape_property(title)}")
            message = f"{_where(finding)}: {finding.message}"
            message += "".join(f"\nCited: {c}" for c in sources.cited(finding))
            if waiver is not None and waivers is not None:
                message += f" ({waiver.describe(waivers.as_of)})"
            lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
        if len(bad) > limit:
            lines.append(
                f"::notice title={_escape_property(status.rule.id)}::"
                f"{len(bad) - limit} more finding(s) for {status.rule.id} not annotated"
            )
    tally = counts(report, waivers)
    under = _judged_under(report)
    lines.append(f"::notice title=complaintrules judged::{_escape_data(under['judged'])}")
    if _has_cases(report):
        lines.append(f"::notice title=complaintrules snapshot::{_escape_data(under['snapshot'])}")
    lines.append(f"::notice title=complaintrules conventions::{_escape_data(under['conventions'])}")
    also = f", {tally['waived']} waived" if waivers is not None else ""
    lines.append(
        "::notice title=complaintrules::"
        f"{tally['failures']} failure(s), {tally['warnings']} warning(s), "
        f"{tally['needs_evidence']} needing evidence, {tally['error']} rule error(s){also} "
        f"in {len(report.findings)} finding(s)"
    )
    return "\n".join(lines)


# -- Markdown ----------------------------------------------------------------------------


_WORDS = {
    Verdict.FAIL: "fail",
    Verdict.ERROR: "error",
    Verdict.NEEDS_EVIDENCE: "need evidence",
    Verdict.PASS: "pass",
    Verdict.NOT_APPLICABLE: "n/a",
}


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell (references and messages carry input text)."""
    return markdown_text(text, newline=" ")


def _subject_summary(findings: Iterable[Finding], sources: Sources | None = None) -> str:
    found = list(findings)
    bad = [f for f in found if f.verdict in _NOT_OK]
    if not bad:
        return ""

    def said(f: Finding) -> str:
        cited = sources.cited(f) if sources else []
        return f"{f.subject.value}: {f.message}" + "".join(f" (cited: {c})" for c in cited)

    if len(found) == 1 or all(f.subject is not Subject.CASE for f in bad):
        return "; ".join(said(f) for f in bad[:3])
    tally = Counter(f.verdict for f in found if f.subject is Subject.CASE)
    parts = ", ".join(f"{tally[v]} {_WORDS[v]}" for v in _WORDS if tally[v])
    first = bad[0]
    others = [f for f in bad if f.subject is not Subject.CASE]
    lead = "; ".join(said(f) for f in others[:2])
    cases = f"cases ({parts}); e.g. {first.subject_ref}: {first.message}"
    return f"{lead}; {cases}" if lead else cases


def render_markdown(
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """A Markdown summary: totals, then one table per Code section (with
    ``failures_only``, only the failing provisions' rows; the totals count all)."""
    statuses = _statuses(report, rules)
    found = counts(report, waivers)
    tally = Counter("WAIVED" if _waived(s, waivers) else _label(s) for s in statuses)
    icon = "❌" if found["failures"] else ("⚠️" if found["warnings"] else "✅")
    packs = ", ".join(f"{p.title} ({p.name} {p.version})" for p in report.packs)
    out = [f"## {icon} Complaint Handling Code check", ""]
    out.append(f"Judged against {_md(packs)}; {_md(report.dates_line())}.")
    if _has_cases(report):
        out.append(f"Snapshot: {_md(report.snapshot.describe())}.")
    out.append(f"Conventions: {_md(report.conventions.summary())}.")
    out.append("")
    out.append(
        f"**{len(statuses)} provisions:** {tally['pass']} pass, {tally['FAIL']} fail, "
        f"{tally['WARN']} warning, {tally['NEEDS']} need evidence, {tally['n/a']} not "
        f"applicable, {tally['ERROR']} rule error"
        + (f", {tally['WAIVED']} waived." if waivers is not None else ".")
    )
    section = None
    for status in statuses:
        if failures_only and status.verdict not in (Verdict.FAIL, Verdict.ERROR):
            continue
        if status.rule.section != section:
            section = status.rule.section
            out += ["", f"### {_md(section)}", "", "| Result | Rule | What it checks | Details |"]
            out.append("|---|---|---|---|")
        shown = [f for f in status.findings if is_failing(f)] if failures_only else status.findings
        details = _subject_summary(shown, sources)
        level = " *(should)*" if status.rule.level is Level.SHOULD else ""
        result = "WAIVED" if _waived(status, waivers) else _label(status)
        note = _waiver_note(status, waivers)
        if note:
            details = f"{note}; {details}"
        if result in ("FAIL", "ERROR", "WARN", "NEEDS", "WAIVED"):
            result = f"**{result}**"
        out.append(
            f"| {result} | `{status.rule.id}` | {_md(status.rule.title)}{level} | {_md(details)} |"
        )
    out.append("")
    return "\n".join(out)


def render_report(
    fmt: str,
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    strict: bool = False,
    no_fail: bool = False,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """``report`` in one of the CI formats: junit, sarif, github, markdown, tap or azure."""
    from .. import __version__
    from .ci_formats import render_azure, render_tap

    if fmt == "junit":
        return render_junit(
            report, rules, sources, strict=strict, waivers=waivers, failures_only=failures_only
        )
    if fmt == "sarif":
        return render_sarif(
            report,
            rules,
            sources,
            tool_version=__version__,
            waivers=waivers,
            failures_only=failures_only,
        )
    if fmt == "github":
        return render_github(report, rules, sources, waivers=waivers, failures_only=failures_only)
    if fmt == "markdown":
        return render_markdown(report, rules, sources, waivers=waivers, failures_only=failures_only)
    if fmt == "tap":
        return render_tap(
            report, rules, sources, strict=strict, waivers=waivers, failures_only=failures_only
        )
    if fmt == "azure":
        return render_azure(
            report,
            rules,
            sources,
            strict=strict,
            no_fail=no_fail,
            waivers=waivers,
            failures_only=failures_only,
        )
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
