"""More CI renderings of a :class:`Report`: TAP (version 14) and Azure Pipelines logging
commands, and the JSON report with waivers and failures-only mode applied.

TAP (the Test Anything Protocol, https://testanything.org/tap-version-14-specification.html)
has one test point per provision, like the JUnit format: ``not ok`` for a must-level
failure or a rule error (and, with ``strict``, a should-level one), ``ok`` with the
shortfall in the YAML diagnostics for a should-level warning, ``# SKIP`` for needs
evidence and not applicable, and ``# TODO`` for a waived failure (a TAP harness counts a
failing TODO test as not failing the run, which is what a waiver means). Descriptions
escape ``\\`` and ``#`` as TAP 14 asks and show line breaks and control characters as
escapes; the diagnostics are YAML whose strings never span lines, so no input text can
start a test line or end a diagnostics block.

Azure Pipelines reads logging commands from a step's output
(https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands):
``##vso[task.logissue type=error;sourcepath=...;linenumber=...;code=...]message`` for each
failing finding, ``type=warning`` for a should-level shortfall or a waived failure, and a
last ``##vso[task.complete result=...;]`` with ``Failed`` when the run fails (exit code 1),
``SucceededWithIssues`` when it passes with shortfalls, waivers or (with ``--no-fail``)
failures, else ``Succeeded``. Values are escaped as the agent decodes them: ``%`` as
``%AZP25``, ``;`` as ``%3B``, ``]`` as ``%5D``, carriage return and line feed as ``%0D`` and
``%0A``; the agent takes ``##vso[`` anywhere in a line as a command, so input text on the
plain lines has it broken up (``##vso[`` is written ``# #vso[``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..engine.engine import Report
from ..law.rules import Finding, Level, Rule, Verdict
from .citations import cite_report
from .escaping import terminal_text
from .formats import Sources, _judged_under
from .summary import RuleStatus, roll_up
from .waivers import WaiverSet, counts, is_failing, run_fails

__all__ = ["azure_escape", "render_azure", "render_json", "render_tap", "tap_escape"]

TAP_VERSION = 14
#: Findings listed per provision in TAP diagnostics and Azure issues (the rest are counted).
PER_RULE_LIMIT = 50

_FAILING = (Verdict.FAIL, Verdict.ERROR)


def _statuses(report: Report, rules: Sequence[Rule], failures_only: bool) -> list[RuleStatus]:
    statuses = roll_up(report, rules)
    if failures_only:
        return [s for s in statuses if s.verdict in _FAILING]
    return statuses


def _where(finding: Finding) -> str:
    return f"{finding.subject.value} {finding.subject_ref}"


def _counts_line(report: Report, waivers: WaiverSet | None) -> str:
    tally = counts(report, waivers)
    line = (
        f"{tally['failures']} failure(s), {tally['warnings']} warning(s), "
        f"{tally['needs_evidence']} needing evidence, {tally['error']} rule error(s) in "
        f"{len(report.findings)} finding(s) ({tally['pass']} pass, {tally['fail']} fail, "
        f"{tally['not_applicable']} not applicable)"
    )
    if waivers is not None:
        line += f"; {tally['waived']} waived, {tally['waiver_expired']} with an expired waiver"
    return line


# -- JSON --------------------------------------------------------------------------------


def render_json(
    report: Report,
    *,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
    citations: Mapping[str, str] | None = None,
) -> str:
    """The JSON report (docs/report-schema.json). With ``waivers``, every failing finding a
    waiver names carries it (``waiver``, with ``expired``), ``counts`` leave waived findings
    out of ``failures`` and ``warnings`` and count them in ``waived``, and ``waivers`` lists
    every waiver with its status. With ``failures_only``, ``findings`` holds only the
    failing and erroring findings; the counts still count every finding. With ``citations``
    (a policy read from its document), findings carry the policy's words they rest on."""
    data = cite_report(report, citations)
    if waivers is None and not failures_only:
        return json.dumps(data, indent=2)
    findings: list[dict[str, Any]] = []
    for finding, entry in zip(report.findings, data["findings"], strict=True):
        if failures_only and not is_failing(finding):
            continue
        waiver = waivers.finding_dict(finding) if waivers is not None else None
        findings.append({**entry, "waiver": waiver} if waiver is not None else entry)
    data["findings"] = findings
    data["counts"] = counts(report, waivers)
    if failures_only:
        data["failures_only"] = True
    if waivers is not None:
        data["waivers"] = waivers.summary(report)
    return json.dumps(data, indent=2)


# -- TAP ---------------------------------------------------------------------------------


def tap_escape(text: str) -> str:
    """Text for a TAP description or directive: ``\\`` and ``#`` escaped (TAP 14), line
    breaks and tabs as ``\\n``, ``\\r``, ``\\t``, other control characters as ``\\x..``."""
    escaped = text.replace("\\", "\\\\").replace("#", "\\#")
    escaped = escaped.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return terminal_text(escaped)


class _OneLineDumper(yaml.SafeDumper):
    """YAML whose strings never span lines: any string with a line break or a character
    that is not printable is double-quoted, where YAML writes them as escapes."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None if value.isprintable() else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_OneLineDumper.add_representer(str, _represent_str)


def _diagnostics(data: dict[str, Any]) -> list[str]:
    text = yaml.dump(
        data,
        Dumper=_OneLineDumper,
        sort_keys=False,
        allow_unicode=True,
        width=2**31 - 1,  # never fold a line
        default_flow_style=False,
    )
    return ["  ---", *(f"  {line}" for line in text.splitlines()), "  ..."]


def render_tap(
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    strict: bool = False,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """TAP version 14: a test point per provision (see the module's docstring)."""
    sources = sources or Sources()
    statuses = _statuses(report, rules, failures_only)
    lines = [f"TAP version {TAP_VERSION}", f"1..{len(statuses)}"]
    for name, value in _judged_under(report).items():
        lines.append(f"# {name}: {tap_escape(value)}")
    for number, status in enumerate(statuses, start=1):
        rule = status.rule
        verdict = status.verdict
        waiver = waivers.for_rule(rule.id) if waivers is not None else None
        waived = verdict is Verdict.FAIL and waivers is not None and waivers.rule_waived(rule.id)
        failed = verdict is Verdict.ERROR or (
            verdict is Verdict.FAIL and (rule.level is Level.MUST or strict)
        )
        directive = ""
        if waived and waiver is not None and waivers is not None:
            directive = f" # TODO {tap_escape(waiver.describe(waivers.as_of))}"
        elif verdict is Verdict.NEEDS_EVIDENCE:
            first = next(f for f in status.findings if f.verdict is verdict)
            directive = f" # SKIP needs evidence: {tap_escape(first.message)}"
        elif verdict is Verdict.NOT_APPLICABLE:
            reason = status.findings[0].message if status.findings else "no finding"
            directive = f" # SKIP not applicable: {tap_escape(reason)}"
        ok = "not ok" if failed or waived else "ok"  # a waived failure is a failing TODO
        lines.append(f"{ok} {number} - {tap_escape(f'{rule.id} {rule.title}')}{directive}")
        listed = _FAILING if failures_only else (*_FAILING, Verdict.NEEDS_EVIDENCE)
        bad = [f for f in status.findings if f.verdict in listed]
        if verdict not in _FAILING or not bad:
            continue
        shown = bad[:PER_RULE_LIMIT]
        block: dict[str, Any] = {
            "rule_id": rule.id,
            "provision": rule.provision,
            "section": rule.section,
            "level": rule.level.value,
            "severity": "warning" if status.is_warning and not strict else verdict.value,
        }
        if waiver is not None and waivers is not None and verdict is Verdict.FAIL:
            block["waiver"] = waiver.describe(waivers.as_of)
        block["findings"] = [_finding_entry(f, sources) for f in shown]
        if len(bad) > len(shown):
            block["more_findings"] = len(bad) - len(shown)
        lines.extend(_diagnostics(block))
    lines.append(f"# {tap_escape(_counts_line(report, waivers))}")
    return "\n".join(lines)


def _finding_entry(finding: Finding, sources: Sources) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "subject": finding.subject.value,
        "ref": finding.subject_ref,
        "verdict": finding.verdict.value,
        "message": finding.message,
    }
    path = sources.path_for(finding)
    if path:
        entry["file"] = path
        line = sources.line_for(finding)
        if line:
            entry["line"] = line
    return entry


# -- Azure Pipelines ---------------------------------------------------------------------


def azure_escape(text: str) -> str:
    """A value for a logging command's property or message, escaped as the agent decodes
    it: ``%`` first (as ``%AZP25``), then ``;``, ``]``, carriage return and line feed."""
    return (
        text.replace("%", "%AZP25")
        .replace(";", "%3B")
        .replace("]", "%5D")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
    )


def _plain(text: str) -> str:
    """Input text for a plain log line: one line, and no ``##vso[`` for the agent to run."""
    one_line = text.replace("\r", "\\r").replace("\n", "\\n")
    return terminal_text(one_line).replace("##vso[", "# #vso[")


def _issue(kind: str, message: str, finding: Finding, sources: Sources) -> str:
    props = [f"type={kind}"]
    path = sources.path_for(finding)
    if path:
        props.append(f"sourcepath={azure_escape(str(Path(path).absolute()))}")
        line = sources.line_for(finding)
        if line:
            props.append(f"linenumber={line}")
    props.append(f"code={azure_escape(finding.rule_id)}")
    return f"##vso[task.logissue {';'.join(props)}]{azure_escape(terminal_text(message))}"


def render_azure(
    report: Report,
    rules: Sequence[Rule],
    sources: Sources | None = None,
    *,
    strict: bool = False,
    no_fail: bool = False,
    waivers: WaiverSet | None = None,
    failures_only: bool = False,
) -> str:
    """Azure Pipelines logging commands (see the module's docstring)."""
    sources = sources or Sources()
    under = _judged_under(report)
    lines = [
        f"complaintrules: judged against {_plain(under['packs'])}; {_plain(under['judged'])}",
        f"complaintrules: conventions: {_plain(under['conventions'])}",
    ]
    issues = False
    for status in roll_up(report, rules):
        shown = 0
        for finding in status.findings:
            if finding.verdict not in (*_FAILING, Verdict.NEEDS_EVIDENCE):
                continue
            if failures_only and not is_failing(finding):
                continue
            shown += 1
            if shown > PER_RULE_LIMIT:
                continue
            message = f"{finding.rule_id} {status.rule.title}: {_where(finding)}: "
            message += finding.message
            waiver = waivers.for_finding(finding) if waivers is not None else None
            if finding.verdict is Verdict.NEEDS_EVIDENCE:
                lines.append(f"complaintrules: needs evidence: {_plain(message)}")
                continue
            issues = True
            if waiver is not None and waivers is not None:
                message += f" ({waiver.describe(waivers.as_of)})"
                expired_must = waivers.expired(waiver) and not finding.is_warning
                kind = "error" if expired_must else "warning"
            else:
                kind = "warning" if finding.is_warning else "error"
            lines.append(_issue(kind, message, finding, sources))
        if shown > PER_RULE_LIMIT:
            lines.append(
                f"complaintrules: {shown - PER_RULE_LIMIT} more finding(s) for "
                f"{_plain(status.rule.id)} not listed"
            )
    lines.append(f"complaintrules: {_plain(_counts_line(report, waivers))}")
    if run_fails(report, waivers, strict=strict) and not no_fail:
        result = "Failed"
    elif issues:
        result = "SucceededWithIssues"
    else:
        result = "Succeeded"
    lines.append(f"##vso[task.complete result={result};]complaintrules check done")
    return "\n".join(lines)
