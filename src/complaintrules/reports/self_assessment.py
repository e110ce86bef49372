"""The Ombudsman's self-assessment form, pre-filled from a report.

The form has one table per Code section and one row per provision: the provision, its
requirement (our own summary, never the Code's words), whether the landlord complies, the
evidence, and commentary. The library fills every column from the findings:

- **Comply** is ``Yes`` when the provision passed, ``No`` when it failed (a should-level
  shortfall too), ``Evidence needed`` when facts or a person's attestation are missing (or
  the rule raised), ``N/A`` when nothing gave occasion to judge it.
- **Evidence** names what was read: the policy's fields, the organisation file's facts,
  the documents an attestation cites, the case records judged.
- **Commentary** says what was checked and, where cases were given, how practice compares
  with policy: "policy compliant; in practice 102 of 109 stage 1 responses (93.6%) were
  within the Code's timescale".

Where cases were given, the on-time rate of each timeliness provision is also worked out
month by month (by the month each obligation fell due), for the chart in the HTML form.

Every case given appears on the form. A case is judged under the Code in force for it (the
engine picks the pack by the date it was received), which may not be the form's Code: its
findings are then shown on the rows of the equivalent provisions, read from the packs'
equivalents maps (in either direction), and the row and the form's introduction say so.
A finding whose provision has no equivalent on the form is listed in a section of its own,
"Findings with no equivalent provision", never dropped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..engine.engine import Report
from ..law.packs import Pack
from ..law.rules import Finding, Level, Rule, Subject, Verdict
from ..model.case import Complaint
from ..model.organisation import Appointment, Organisation
from ..model.policy import LandlordPolicy
from .citations import finding_citations
from .fact_text import describe_facts
from .practice import PracticeSummary
from .responses import EvidenceItem, GoverningBodyResponse, ResponsesFile, check_responses
from .summary import RuleStatus, roll_up

__all__ = [
    "NO_EQUIVALENT",
    "Comply",
    "FormRow",
    "FormSection",
    "Governance",
    "MonthlyRate",
    "OtherCodeFindings",
    "Practice",
    "SelfAssessmentForm",
    "build_self_assessment",
]

#: The form's column headings, in order (as on the Ombudsman's Appendix A form).
COLUMNS = ("Code provision", "Code requirement", "Comply", "Evidence", "Commentary / explanation")


class Comply(StrEnum):
    YES = "Yes"
    NO = "No"
    NEEDS_EVIDENCE = "Evidence needed"
    NOT_APPLICABLE = "N/A"


_COMPLY = {
    Verdict.PASS: Comply.YES,
    Verdict.FAIL: Comply.NO,
    Verdict.NEEDS_EVIDENCE: Comply.NEEDS_EVIDENCE,
    Verdict.ERROR: Comply.NEEDS_EVIDENCE,
    Verdict.NOT_APPLICABLE: Comply.NOT_APPLICABLE,
}


@dataclass(frozen=True, slots=True)
class Practice:
    """How the cases measured up against one provision."""

    measure: str  # what was counted, plural: "stage 1 responses", "cases"
    met: int
    judged: int
    timeliness: bool
    not_met: tuple[str, ...] = ()  # references of the cases that did not meet it
    #: Which cases were counted, when not every case given ("cases received 2025-04-01
    #: to 2026-03-31"): see :mod:`.practice`.
    scope: str | None = None

    @property
    def rate(self) -> float:
        return self.met / self.judged if self.judged else 0.0

    def describe(self) -> str:
        pct = f"{100 * self.rate:.1f}%"
        if self.timeliness:
            text = (
                f"in practice {self.met} of {self.judged} {self.measure} ({pct}) were within "
                "the Code's timescale"
            )
        else:
            text = f"in practice {self.met} of {self.judged} {self.measure} ({pct}) met it"
        if self.scope:
            text += f" ({self.scope})"
        if self.not_met:
            shown = ", ".join(self.not_met[:5])
            more = f" and {len(self.not_met) - 5} more" if len(self.not_met) > 5 else ""
            text += f" (not met: {shown}{more})"
        return text


@dataclass(frozen=True, slots=True)
class MonthlyRate:
    """On-time rate of one timeliness provision for obligations falling due in a month."""

    rule_id: str
    measure: str
    month: str  # YYYY-MM
    met: int
    judged: int

    @property
    def rate(self) -> float:
        return self.met / self.judged if self.judged else 0.0


#: The heading of the part of the form listing findings of another Code with no equivalent.
NO_EQUIVALENT = "Findings with no equivalent provision"

_ORDER = (
    Verdict.ERROR,
    Verdict.FAIL,
    Verdict.NEEDS_EVIDENCE,
    Verdict.PASS,
    Verdict.NOT_APPLICABLE,
)
_WORD = {
    Verdict.ERROR: "error",
    Verdict.FAIL: "not met",
    Verdict.NEEDS_EVIDENCE: "needs evidence",
    Verdict.PASS: "met",
    Verdict.NOT_APPLICABLE: "not applicable",
}


@dataclass(frozen=True, slots=True)
class OtherCodeFindings:
    """Findings on cases judged under another Code's provision: the Code in force for those
    cases. On a row they are that row's equivalent; under :data:`NO_EQUIVALENT`, they have
    none on the form."""

    rule_id: str
    provision: str
    title: str
    summary: str
    pack: str
    code: str  # the other Code's title
    findings: tuple[Finding, ...]

    @property
    def cases(self) -> tuple[str, ...]:
        """References of the cases these findings are about, each once, in order."""
        return tuple(dict.fromkeys(f.subject_ref for f in self.findings))

    @property
    def verdict(self) -> Verdict:
        present = {f.verdict for f in self.findings}
        return next((v for v in _ORDER if v in present), Verdict.NOT_APPLICABLE)

    def tally(self) -> dict[Verdict, int]:
        counted = Counter(f.verdict for f in self.findings)
        return {v: counted[v] for v in _ORDER if counted[v]}

    def describe(self) -> str:
        counts = ", ".join(f"{n} {_WORD[v]}" for v, n in self.tally().items())
        n = len(self.cases)
        text = (
            f"{n} case{'s' if n != 1 else ''} judged under the {self.code} ({self.pack}), the "
            f"Code in force for them, as its provision {self.provision} ({self.rule_id}): "
            f"{counts}"
        )
        practice = _practice(self.findings)
        if practice is not None:
            text += f"; {practice.describe()}"
        else:
            failed = [f.subject_ref for f in self.findings if f.verdict is Verdict.FAIL]
            if failed:
                text += f" (not met: {', '.join(failed[:5])})"
        return text


@dataclass(frozen=True, slots=True)
class FormRow:
    rule_id: str
    provision: str
    section: str
    title: str
    requirement: str
    level: Level
    comply: Comply
    evidence: tuple[str, ...]
    commentary: str
    practice: Practice | None = None
    #: Findings judged under another Code and shown here as this provision's equivalent.
    other_code: tuple[OtherCodeFindings, ...] = ()
    #: This provision's own findings (every subject), the ones the row was filled from.
    findings: tuple[Finding, ...] = field(default=(), repr=False, compare=False)
    #: The landlord's own evidence and commentary (the responses file), shown apart from
    #: what the library computed.
    landlord_evidence: tuple[EvidenceItem, ...] = ()
    landlord_commentary: str | None = None

    @property
    def case_refs(self) -> set[str]:
        """Every case whose findings are on this row, under this Code or another."""
        refs = {f.subject_ref for f in self.findings if f.subject is Subject.CASE}
        for other in self.other_code:
            refs.update(f.subject_ref for f in other.findings if f.subject is Subject.CASE)
        return refs

    @property
    def needs_person(self) -> bool:
        return self.comply is Comply.NEEDS_EVIDENCE


@dataclass(frozen=True, slots=True)
class Governance:
    """Who answers for the form: the governing body's approval and response, the Member
    Responsible for Complaints and the complaints officer."""

    member_responsible: str | None = None
    complaints_officer: str | None = None
    #: The latest self-assessment on record by the form's date (organisation file).
    completed_on: date | None = None
    approved_on: date | None = None
    approved_by: str | None = None
    response: GoverningBodyResponse | None = None

    def lines(self) -> list[str]:
        """The governance facts as sentences, each saying what is not recorded yet."""
        out = [
            "Member Responsible for Complaints: "
            + (self.member_responsible or "not recorded in the organisation file")
            + ".",
            "Complaints officer: "
            + (self.complaints_officer or "not recorded in the organisation file")
            + ".",
        ]
        if self.completed_on is None:
            out.append(
                "Governing body approval: no self-assessment recorded in the organisation file."
            )
        elif self.approved_on is None:
            out.append(
                f"Governing body approval: the self-assessment completed on {self.completed_on} "
                "is not yet recorded as approved."
            )
        else:
            body = self.approved_by or "the governing body"
            out.append(
                f"Governing body approval: the self-assessment completed on {self.completed_on} "
                f"was approved by {body} on {self.approved_on}."
            )
        return out


def _person(appointment: Appointment | None) -> str | None:
    if appointment is None:
        return None
    return f"{appointment.name} ({appointment.role})" if appointment.role else appointment.name


def _governance(
    organisation: Organisation | None, as_of: date | None, responses: ResponsesFile | None
) -> Governance:
    response = responses.governing_body_response if responses else None
    if organisation is None:
        return Governance(response=response)
    done = [s for s in organisation.self_assessments if as_of is None or s.completed_on <= as_of]
    latest = max(done, key=lambda s: s.completed_on) if done else None
    return Governance(
        member_responsible=_person(organisation.member_responsible_for_complaints),
        complaints_officer=_person(organisation.complaints_officer),
        completed_on=latest.completed_on if latest else None,
        approved_on=latest.approved_by_governing_body_on if latest else None,
        approved_by=latest.approved_by if latest else None,
        response=response,
    )


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """A date as landlords write it on the form: "31 March 2025"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class FormSection:
    title: str
    rows: tuple[FormRow, ...]


@dataclass(frozen=True, slots=True)
class SelfAssessmentForm:
    landlord: str
    policy_name: str | None
    pack: Pack
    as_of: date | None
    sections: tuple[FormSection, ...]
    monthly: tuple[MonthlyRate, ...] = ()
    cases: int | None = None
    period: tuple[date, date] | None = None
    generated_on: date | None = None
    #: Other Codes cases were judged under: (pack name, title, number of cases), for the
    #: note at the top of the form.
    other_codes: tuple[tuple[str, str, int], ...] = ()
    #: Rows of another Code's provisions with no equivalent on this form (not provisions
    #: of this form: they are not in :attr:`rows` nor in :meth:`tally`).
    no_equivalent: tuple[FormRow, ...] = ()
    #: Where :attr:`as_of` came from ("given", or "today (Europe/London)" when defaulted).
    as_of_source: str | None = None
    governance: Governance = field(default_factory=Governance)
    #: The practice figures (each timescale's rate, combined rates per stage) and which
    #: cases they count; None without cases.
    practice: PracticeSummary | None = None

    @property
    def title(self) -> str:
        """The form's title, with its date, as landlords publish it."""
        day = self.as_of or self.generated_on
        when = f" ({long_date(day)})" if day else ""
        return f"Self-assessment against the Complaint Handling Code: {self.landlord}{when}"

    @property
    def rows(self) -> list[FormRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def all_sections(self) -> tuple[FormSection, ...]:
        """The form's sections, then :data:`NO_EQUIVALENT` when there is anything in it."""
        if not self.no_equivalent:
            return self.sections
        return (*self.sections, FormSection(NO_EQUIVALENT, self.no_equivalent))

    def case_refs(self) -> set[str]:
        """Every case with a finding shown anywhere on the form."""
        refs: set[str] = set()
        for row in (*self.rows, *self.no_equivalent):
            refs |= row.case_refs
        return refs

    def row(self, provision_or_id: str) -> FormRow:
        for row in self.rows:
            if provision_or_id in (row.provision, row.rule_id):
                return row
        raise KeyError(provision_or_id)

    def tally(self) -> dict[Comply, int]:
        counted = Counter(row.comply for row in self.rows)
        return {c: counted.get(c, 0) for c in Comply}


# -- building the form -------------------------------------------------------------------

_MEASURE = re.compile(r"^(?:no )?(stage \d+ [a-z]+)\b")


def _plural(noun: str) -> str:
    return noun if noun.endswith("s") else noun + "s"


def _is_timeliness(finding: Finding) -> bool:
    return "due_by" in finding.evidence.computed


def _measure(findings: Sequence[Finding]) -> str:
    for f in findings:
        match = _MEASURE.match(f.message)
        if match:
            return _plural(match.group(1))
    return "cases"


def _practice(findings: Sequence[Finding], scope: PracticeSummary | None = None) -> Practice | None:
    cases = [f for f in findings if f.subject is Subject.CASE]
    if scope is not None and scope.period is not None:
        cases = [f for f in cases if f.subject_ref in scope.scope]
    judged = [f for f in cases if f.verdict in (Verdict.PASS, Verdict.FAIL)]
    if not judged:
        return None
    timely = all(_is_timeliness(f) for f in judged)
    return Practice(
        measure=_measure(judged) if timely else "cases",
        met=sum(f.verdict is Verdict.PASS for f in judged),
        judged=len(judged),
        timeliness=timely,
        not_met=tuple(f.subject_ref for f in judged if f.verdict is Verdict.FAIL),
        scope=None
        if scope is None or scope.period is None
        else f"cases {scope.basis.value} {scope.period[0]} to {scope.period[1]}",
    )


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _policy_label(policy: LandlordPolicy | None) -> str:
    if policy is None:
        return "the policy"
    name = policy.name or "the policy"
    return f"{name} (version {policy.version})" if policy.version else name


def _cite(evidence: Any) -> str:
    """One item of an attestation's evidence as the form shows it: a line of text as it
    is; a document as its title, where to find it and its date."""
    if not isinstance(evidence, Mapping):
        return str(evidence)
    where = "; ".join(str(evidence[k]) for k in ("reference", "link") if evidence.get(k))
    return f"{evidence.get('title', '')} ({where}, dated {evidence.get('dated', '')})"


def _evidence(
    status: RuleStatus,
    policy: LandlordPolicy | None,
    organisation: Organisation | None,
    cases: Sequence[Complaint] | None,
    period: tuple[date, date] | None,
    others: Sequence[OtherCodeFindings] = (),
    citations: Mapping[str, str] | None = None,
) -> list[str]:
    out: list[str] = []
    by_subject = status.by_subject()
    for f in by_subject.get(Subject.POLICY, []):
        words = finding_citations(f, citations)
        if words:  # the policy's own words, as landlords cite it, not field names
            out += words
            continue
        facts = describe_facts(f.evidence.facts)
        out.append(_sentence(f"Policy: {_policy_label(policy)}" + (f": {facts}" if facts else "")))
    for f in by_subject.get(Subject.ORGANISATION, []):
        if organisation is not None:
            facts = describe_facts(f.evidence.facts)
            out.append(_sentence("Organisation file" + (f": {facts}" if facts else "")))
    for f in by_subject.get(Subject.ATTESTATION, []):
        cited = f.evidence.facts.get("attestation.evidence")
        if cited:
            by = f.evidence.facts.get("attestation.by", "")
            on = f.evidence.facts.get("attestation.on", "")
            out.append(f"{'; '.join(_cite(e) for e in cited)} (attested by {by}, {on})")
    case_findings = by_subject.get(Subject.CASE, [])
    judged = [f for f in case_findings if f.verdict is not Verdict.NOT_APPLICABLE]
    if cases is not None and judged:
        span = f", received {period[0]} to {period[1]}" if period else ""
        out.append(f"Case records: {len(judged)} of {len(cases)} cases judged{span}")
    if by_subject.get(Subject.PORTFOLIO) and cases is not None:
        out.append(f"Complaint records for the period ({len(cases)} cases)")
    for other in others:
        out.append(
            f"Case records judged under {other.pack} {other.rule_id}: {len(other.cases)} cases"
        )
    return out


def _commentary(
    status: RuleStatus,
    practice: Practice | None,
    cases_given: bool,
    case_rule: bool,
    others: Sequence[OtherCodeFindings] = (),
    warning: bool = False,
) -> str:
    parts: list[str] = []
    by_subject = status.by_subject()
    checked = []
    if Subject.POLICY in by_subject:
        checked.append("the policy")
    if Subject.ORGANISATION in by_subject:
        checked.append("the organisation's governance facts")
    if Subject.ATTESTATION in by_subject:
        checked.append("a person's attestation")
    if Subject.CASE in by_subject and cases_given:
        checked.append(f"{len(by_subject[Subject.CASE])} case records")
    if Subject.PORTFOLIO in by_subject:
        checked.append("the year's complaint volumes")
    if checked:
        parts.append("Checked " + _and(checked) + ".")

    policy = by_subject.get(Subject.POLICY, [])
    practice_text = practice.describe() if practice else ""
    for f in policy:
        if f.verdict is Verdict.PASS:
            lead = "policy compliant"
        elif f.verdict is Verdict.FAIL:
            lead = f"policy not compliant: {f.message}"
        else:
            lead = f"policy does not say enough: {f.message}"
        if practice_text:
            parts.append(_sentence(f"{lead}; {practice_text}"))
            practice_text = ""
        elif f.verdict is Verdict.PASS:
            parts.append(_sentence(f"{lead}: {f.message}"))
        else:
            parts.append(_sentence(lead))
    if practice_text:
        parts.append(_sentence(practice_text))
    elif case_rule and not policy:
        if not cases_given:
            parts.append("Practice not checked: no cases were given.")
        elif practice is None and others:
            parts.append("No case judged under this Code gave occasion to judge this.")
        elif practice is None:
            parts.append("No case in the period gave occasion to judge this.")
    elif case_rule and cases_given and practice is None and policy:
        if others:
            parts.append("No case judged under this Code gave occasion to judge practice.")
        else:
            parts.append("No case in the period gave occasion to judge practice.")
    for other in others:
        parts.append(_sentence(f"Shown here as the equivalent provision: {other.describe()}"))
    for subject in (Subject.ORGANISATION, Subject.PORTFOLIO):
        for f in by_subject.get(subject, []):
            parts.append(_sentence(f.message))
    for f in by_subject.get(Subject.ATTESTATION, []):
        if f.verdict is Verdict.NEEDS_EVIDENCE:
            need = status.rule.attestation or "a person's attestation with evidence"
            parts.append(_sentence(f"Needs a person's attestation: {need}"))
        else:
            parts.append(_sentence(f.message))
    for f in status.findings:
        if f.verdict is Verdict.ERROR:
            parts.append(_sentence(f"The check could not run: {f.message}"))
            break
    if warning:
        parts.append("This is a 'should' (good practice) provision.")
    return " ".join(p for p in parts if p)


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _monthly(statuses: Iterable[RuleStatus]) -> list[MonthlyRate]:
    out: list[MonthlyRate] = []
    for status in statuses:
        judged = [
            f
            for f in status.findings
            if f.subject is Subject.CASE
            and f.verdict in (Verdict.PASS, Verdict.FAIL)
            and _is_timeliness(f)
        ]
        if not judged:
            continue
        measure = _measure(judged)
        months: dict[str, list[Finding]] = defaultdict(list)
        for f in judged:
            months[str(f.evidence.computed["due_by"])[:7]].append(f)
        for month in sorted(months):
            found = months[month]
            out.append(
                MonthlyRate(
                    rule_id=status.rule.id,
                    measure=measure,
                    month=month,
                    met=sum(f.verdict is Verdict.PASS for f in found),
                    judged=len(found),
                )
            )
    return out


def _other_code_findings(
    report: Report, pack: Pack, rules: Sequence[Rule]
) -> tuple[dict[str, list[OtherCodeFindings]], list[OtherCodeFindings], dict[str, set[str]]]:
    """Findings judged under packs other than the form's: by the form's rule id they are
    shown on (a finding goes on every equivalent row), those with no equivalent on the
    form, and the cases judged under each other pack."""
    on_form = {r.id for r in rules}
    packs = {p.name: p for p in report.packs}
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    cases: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        if f.pack != pack.name:
            grouped[f.pack, f.rule_id].append(f)
            if f.subject is Subject.CASE:
                cases[f.pack].add(f.subject_ref)
    placed: dict[str, list[OtherCodeFindings]] = defaultdict(list)
    unplaced: list[OtherCodeFindings] = []
    for (pack_name, rule_id), found in grouped.items():
        other = packs.get(pack_name)
        rule = next((r for r in other.rules if r.id == rule_id), None) if other else None
        entry = OtherCodeFindings(
            rule_id=rule_id,
            provision=found[0].provision,
            title=rule.title if rule else rule_id,
            summary=rule.summary if rule else "",
            pack=pack_name,
            code=other.title if other else pack_name,
            findings=tuple(found),
        )
        # The map of either pack may say it: the other pack's own, or the form pack's.
        targets = list(other.equivalents.get(rule_id, ())) if other else []
        targets += [k for k, there in pack.equivalents.items() if rule_id in there]
        shown = [t for t in dict.fromkeys(targets) if t in on_form]
        for target in shown:
            placed[target].append(entry)
        if not shown:
            unplaced.append(entry)
    return placed, unplaced, cases


def _no_equivalent_row(other: OtherCodeFindings, cases_given: bool) -> FormRow:
    status_word = _COMPLY[other.verdict]
    return FormRow(
        rule_id=other.rule_id,
        provision=f"{other.pack} {other.provision}",
        section=NO_EQUIVALENT,
        title=other.title,
        requirement=other.summary or other.title,
        level=other.findings[0].level,
        comply=status_word,
        evidence=(f"Case records judged under {other.pack} {other.rule_id}",)
        if cases_given
        else (),
        commentary=_sentence(f"No equivalent provision on this form; {other.describe()}"),
        other_code=(other,),
    )


def build_self_assessment(
    report: Report,
    rules: Sequence[Rule],
    *,
    pack: Pack,
    policy: LandlordPolicy | None = None,
    organisation: Organisation | None = None,
    cases: Sequence[Complaint] | None = None,
    generated_on: date | None = None,
    citations: Mapping[str, str] | None = None,
    responses: ResponsesFile | None = None,
    responses_path: str | Path | None = None,
    practice: PracticeSummary | None = None,
) -> SelfAssessmentForm:
    """The self-assessment form for ``pack``'s provisions, filled from ``report``.

    Findings judged under another pack (cases received while another Code was in force)
    are shown on the rows of their equivalent provisions, or under :data:`NO_EQUIVALENT`.
    ``responses`` (the landlord's own evidence and commentary) go on their provisions' rows;
    one for a provision not on the form is an :class:`InputError` naming ``responses_path``.
    ``practice`` (:func:`~.practice.practice_summary`) is stated on the form; with a
    period, each row's practice figures count only the cases it takes in.
    """
    if responses is not None:
        check_responses(
            responses, pack=pack.name, provisions={r.provision for r in rules}, path=responses_path
        )
    said = responses.provisions if responses is not None else {}
    statuses = roll_up(report, rules)
    placed, unplaced, other_cases = _other_code_findings(report, pack, rules)
    period = None
    if cases:
        received = [c.received_on for c in cases]
        period = (min(received), max(received))
    sections: dict[str, list[FormRow]] = {}
    for status in statuses:
        rule = status.rule
        others = placed.get(rule.id, [])
        combined = RuleStatus(rule, status.findings + tuple(f for o in others for f in o.findings))
        practice_here = _practice(status.findings, practice) if cases is not None else None
        row = FormRow(
            rule_id=rule.id,
            provision=rule.provision,
            section=rule.section,
            title=rule.title,
            requirement=rule.summary,
            level=rule.level,
            comply=_COMPLY[combined.verdict],
            evidence=tuple(
                _evidence(status, policy, organisation, cases, period, others, citations)
            ),
            commentary=_commentary(
                status,
                practice_here,
                cases is not None,
                Subject.CASE in rule.subjects,
                others,
                combined.is_warning,
            ),
            practice=practice_here,
            other_code=tuple(others),
            findings=status.findings,
            landlord_evidence=tuple(said[rule.provision].evidence)
            if rule.provision in said
            else (),
            landlord_commentary=said[rule.provision].commentary if rule.provision in said else None,
        )
        sections.setdefault(rule.section, []).append(row)
    landlord = (organisation.name if organisation else None) or (
        policy.name if policy and policy.name else "The landlord"
    )
    titles = {p.name: p.title for p in report.packs}
    return SelfAssessmentForm(
        landlord=landlord,
        policy_name=policy.name if policy else None,
        pack=pack,
        as_of=report.as_of,
        as_of_source=report.as_of_source,
        sections=tuple(FormSection(title, tuple(rows)) for title, rows in sections.items()),
        monthly=tuple(_monthly(statuses)) if cases is not None else (),
        cases=len(cases) if cases is not None else None,
        period=period,
        generated_on=generated_on,
        other_codes=tuple(
            (name, titles.get(name, name), len(refs)) for name, refs in sorted(other_cases.items())
        ),
        no_equivalent=tuple(_no_equivalent_row(o, cases is not None) for o in unplaced),
        governance=_governance(organisation, report.as_of, responses),
        practice=practice,
    )
