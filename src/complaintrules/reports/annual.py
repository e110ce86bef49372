"""The annual complaints performance and service improvement report (2024 Code, 8.1-8.3).

Section 8 asks a landlord for a yearly report on its complaint handling, put to its
governing body and published with the self-assessment and the governing body's response.
This module gathers what the report says, for one reporting period, from the case records,
the organisation file and the self-assessment form:

- the Regulator of Social Housing's complaint measures, TSM CH01 and CH02, for all homes
  and split by tenure (low-cost rental accommodation, low-cost home ownership), counted by
  :mod:`.tsm` (one case's CH01/CH02 facts from :func:`~.tsm.case_times`, tallied by
  :class:`~.tsm.TsmTally`; nothing is counted a second way here);
- outcomes of the responses issued in the period, and how many stage 1 responses were
  escalated;
- complaints by service area (the case's ``category``);
- refusals in the period and their grounds;
- the Ombudsman's determinations in the period (organisation file);
- learning and improvements (the organisation's learning log);
- practice figures: each timescale's rate, acknowledgement and response together per
  stage (:mod:`.practice`);
- the month-by-month trend, for the charts;
- the self-assessment, appended, and the governing body's response.

Everything is a table of plain text (:meth:`AnnualReport.sections`), so Markdown, HTML,
Word and a landlord's own template all show the same rows.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..calendar.working_days import CalendarRangeError
from ..engine.due import NoTimescalesError, obligations_of
from ..engine.engine import Engine
from ..law.parameters import UnknownParameterError
from ..law.plugins import NoPackError
from ..law.timescale import Obligation
from ..model.case import Complaint, Outcome, RefusalGround, Tenure
from ..model.organisation import (
    AnnualReport as AnnualReportRecord,
)
from ..model.organisation import (
    LearningEntry,
    OmbudsmanDetermination,
    OmbudsmanFinding,
    Organisation,
)
from .practice import PracticeSummary
from .self_assessment import SelfAssessmentForm, long_date
from .tsm import (
    ReportingPeriod,
    StockField,
    TsmDenominator,
    TsmExtensions,
    TsmOptions,
    TsmReport,
    TsmTally,
    case_times,
)

__all__ = [
    "RSH_SOURCES",
    "AnnualReport",
    "ReportSection",
    "ReportTable",
    "TenureMeasures",
    "build_annual_report",
    "parse_period",
]

#: Where the tenure split and the measures' definitions come from (see docs/tsm.md).
RSH_SOURCES = (
    "Regulator of Social Housing, Tenant Satisfaction Measures: Technical Requirements "
    "(updated 15 March 2024 for the 2024 Code; 2 April 2024): section 4 'Level of "
    "reporting', section 5 'Relevant social housing stock', section 7 'Ownership', section "
    "8 'Reporting year and year end dates', section 11 'Definitions and specific "
    "requirements for each TSM' and section 13 (the measures from management information, "
    "CH01 and CH02 among them).",
    "Regulator of Social Housing, draft TSM Direction (9 December 2025), paragraphs 1-2: "
    "its Part A is the Technical Requirements.",
)


def parse_period(text: str) -> ReportingPeriod:
    """``2025`` (April 2025 to March 2026), ``2025-Q1``, or ``2025-04-01:2026-03-31``.

    A period given by dates must be whole months (from a month's first day to a month's
    last day): the TSM tallies are kept by month.
    """
    if ":" not in text:
        return ReportingPeriod.parse(text)
    head, _, tail = text.partition(":")
    try:
        start, end = date.fromisoformat(head.strip()), date.fromisoformat(tail.strip())
    except ValueError:
        raise ValueError(
            f"expected a period like 2025-04-01:2026-03-31 (two dates, YYYY-MM-DD): {text!r}"
        ) from None
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    last = calendar.monthrange(end.year, end.month)[1]
    if start.day != 1 or end.day != last:
        raise ValueError(
            f"the period must run from a month's first day to a month's last day (the "
            f"measures are tallied by month): {text!r}"
        )
    if start.month == 4 and end == date(start.year + 1, 3, 31):
        return ReportingPeriod.year(start.year)
    return ReportingPeriod(start, end, f"{long_date(start)} to {long_date(end)}")


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A table of plain text: a caption, column headings and rows."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class ReportSection:
    """A heading, sentences, then tables; ``key`` names it for templates and charts."""

    key: str
    title: str
    lines: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()


@dataclass(frozen=True, slots=True)
class TenureMeasures:
    """CH01 and CH02 for one group of homes (all, or one tenure)."""

    key: str
    label: str
    tsm: TsmReport


_TENURE_LABEL = {
    "all": "All homes",
    Tenure.LOW_COST_RENTAL.value: "Low-cost rental accommodation (LCRA)",
    Tenure.LOW_COST_HOME_OWNERSHIP.value: "Low-cost home ownership (LCHO)",
}
_TENURE_STOCK = {
    "all": StockField.HOMES_OWNED,
    Tenure.LOW_COST_RENTAL.value: StockField.LOW_COST_RENTAL,
    Tenure.LOW_COST_HOME_OWNERSHIP.value: StockField.LOW_COST_HOME_OWNERSHIP,
}
_OUTCOME_LABEL = {
    Outcome.UPHELD: "Upheld",
    Outcome.PARTLY_UPHELD: "Partly upheld",
    Outcome.NOT_UPHELD: "Not upheld",
}
_GROUND_LABEL = {
    RefusalGround.OUT_OF_TIME: "Raised more than 12 months after the matter",
    RefusalGround.LEGAL_PROCEEDINGS: "Legal proceedings under way",
    RefusalGround.ALREADY_CONSIDERED: "Already dealt with under the complaints policy",
    RefusalGround.NOT_A_COMPLAINT: "Not a complaint (for example a service request)",
    RefusalGround.OTHER: "Another reason",
}
_FINDING_LABEL = {
    OmbudsmanFinding.SEVERE_MALADMINISTRATION: "Severe maladministration",
    OmbudsmanFinding.MALADMINISTRATION: "Maladministration",
    OmbudsmanFinding.SERVICE_FAILURE: "Service failure",
    OmbudsmanFinding.REASONABLE_REDRESS: "Reasonable redress",
    OmbudsmanFinding.NO_MALADMINISTRATION: "No maladministration",
    OmbudsmanFinding.OUTSIDE_JURISDICTION: "Outside jurisdiction",
}
NOT_RECORDED = "Not recorded"
_COUNT_LABEL = {
    Tenure.LOW_COST_RENTAL.value: "low-cost rental",
    Tenure.LOW_COST_HOME_OWNERSHIP.value: "low-cost home ownership",
    Tenure.OTHER.value: "another tenure",
    "not_recorded": "not recorded",
}


def options_text(options: TsmOptions) -> str:
    """The TSM options in words (each option's name, so a reader can look it up in
    docs/tsm.md), never Python's spelling of a value (``True``, ``None``)."""
    extensions = (
        "a response within a valid extension counts as in time"
        if options.extensions is TsmExtensions.VALID_EXTENSION_COUNTS
        else "only a response by the original deadline counts as in time"
    )
    denominator = (
        "responses issued in the period"
        if options.denominator is TsmDenominator.RESPONDED
        else "responses to complaints received in the period"
    )
    withdrawn = "counted" if options.include_withdrawn else "left out"
    homes = (
        f"{options.homes:,} homes, as given"
        if options.homes is not None
        else f"the housing stock's {options.stock.value}"
    )
    return (
        f"extensions: {extensions}; denominator: {denominator}; "
        f"withdrawn complaints (include_withdrawn): {withdrawn}; homes: {homes}"
    )


def _num(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:g}{suffix}"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: str  # YYYY-MM
    received: tuple[int, int]
    responded: tuple[int, int]
    on_time: tuple[int, int]


@dataclass(frozen=True, slots=True)
class AnnualReport:
    """What the annual report says for one period (see the module's docstring)."""

    landlord: str
    period: ReportingPeriod
    as_of: date | None
    options: TsmOptions
    tenures: tuple[TenureMeasures, ...]
    #: Cases in the period by tenure as recorded ("other", "not recorded" included).
    tenure_counts: dict[str, int]
    untallied: tuple[str, ...]
    outcomes: dict[int, dict[str, int]]
    escalated: tuple[int, int]  # (stage 1 responses in the period escalated, responses)
    categories: tuple[tuple[str, int, int, int], ...]
    refusals: tuple[tuple[str, date, int, str, str], ...]
    determinations: tuple[OmbudsmanDetermination, ...] | None
    learning: tuple[LearningEntry, ...] | None
    months: tuple[MonthFigures, ...]
    practice: PracticeSummary
    form: SelfAssessmentForm
    record: AnnualReportRecord | None = None
    generated_on: date | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return (
            f"Annual complaints performance and service improvement report {self.period.label}: "
            f"{self.landlord}"
        )

    def intro(self) -> list[str]:
        as_of = f" The case records are taken as they stood on {self.as_of}." if self.as_of else ""
        return [
            f"The report of {self.landlord} on its complaint handling from {self.period.start} to "
            f"{self.period.end}, as the Housing Ombudsman's Complaint Handling Code asks "
            "each year (section 8): the year's figures and what they show, the complaints "
            "refused and why, the Ombudsman's findings, what was learnt and changed, the "
            "self-assessment against the Code (appended) and the governing body's response."
            + as_of,
        ]

    def governance_lines(self) -> list[str]:
        """The report's passage to the governing body (organisation file) and the response."""
        out: list[str] = []
        record = self.record
        if record is None:
            out.append(
                "The organisation file records no annual report for this period yet "
                "(annual_reports: period_start, period_end, reported_to_governing_body_on, "
                "published_on, url)."
            )
        else:
            reported = record.reported_to_governing_body_on
            out.append(
                f"Reported to the governing body on {reported}."
                if reported
                else "Not yet recorded as reported to the governing body."
            )
            if record.published_on:
                where = f" at {record.url}" if record.url else ""
                out.append(f"Published on {record.published_on}{where}.")
            if record.governing_body_response_published_on:
                out.append(
                    "The governing body's response was published on "
                    f"{record.governing_body_response_published_on}."
                )
        response = self.form.governance.response
        if response is None:
            out.append("No response from the governing body is recorded yet (see --responses).")
        else:
            by = response.by or "The governing body"
            on = f" on {response.on}" if response.on else ""
            out += [f"{by}{on}:", *response.text.split("\n")]
        return out

    def escalation_rate(self) -> float | None:
        escalated, responses = self.escalated
        return round(100 * escalated / responses, 2) if responses else None

    # -- the sections, as text ------------------------------------------------------------

    def sections(self) -> list[ReportSection]:
        return [
            self._tsm_section(),
            self._outcomes_section(),
            self._practice_section(),
            self._categories_section(),
            self._refusals_section(),
            self._determinations_section(),
            self._learning_section(),
            self._trend_section(),
            ReportSection("notes", "Notes on the figures", tuple(self.notes)),
        ]

    def _tsm_section(self) -> ReportSection:
        ch01, ch02 = [], []
        for t in self.tenures:
            r = t.tsm
            homes = str(r.homes) if r.homes is not None else "not given"
            c1 = r.ch01
            c2 = r.ch02
            ch01.append(
                (
                    t.label,
                    homes,
                    str(r.received[0]),
                    _num(c1[0]),
                    str(r.received[1]),
                    _num(c1[1]),
                )
            )
            ch02.append(
                (
                    t.label,
                    str(r.responded[0]),
                    str(r.on_time[0]),
                    _num(c2[0], "%"),
                    str(r.responded[1]),
                    str(r.on_time[1]),
                    _num(c2[1], "%"),
                )
            )
        counts = self.tenure_counts
        lines = [
            "CH01 is the complaints received per 1,000 homes; CH02 the share of responses "
            "issued within the Code's timescales. The Regulator of Social Housing asks for "
            "each to be reported for low-cost rental accommodation and low-cost home "
            "ownership separately.",
            "Cases received in the period by tenure: "
            + ", ".join(f"{_COUNT_LABEL[k]} {n}" for k, n in counts.items())
            + ". Cases of another tenure, or none recorded, count only in 'All homes'.",
        ]
        if self.untallied:
            lines.append(
                f"{len(self.untallied)} case(s) could not be counted: "
                + "; ".join(self.untallied[:5])
            )
        return ReportSection(
            "tsm",
            "Tenant Satisfaction Measures CH01 and CH02",
            tuple(lines),
            (
                ReportTable(
                    "CH01: complaints relative to the size of the landlord",
                    (
                        "Homes",
                        "Number of homes",
                        "Stage 1 complaints",
                        "Stage 1 per 1,000 homes",
                        "Stage 2 complaints",
                        "Stage 2 per 1,000 homes",
                    ),
                    tuple(ch01),
                ),
                ReportTable(
                    "CH02: complaints responded to within the Code's timescales",
                    (
                        "Homes",
                        "Stage 1 responses",
                        "Stage 1 in time",
                        "Stage 1 CH02",
                        "Stage 2 responses",
                        "Stage 2 in time",
                        "Stage 2 CH02",
                    ),
                    tuple(ch02),
                ),
            ),
        )

    def _outcomes_section(self) -> ReportSection:
        rows = []
        for n in (1, 2):
            got = self.outcomes[n]
            total = sum(got.values())
            rows.append(
                (
                    f"Stage {n}",
                    str(total),
                    *(
                        f"{got[o.value]} ({_pct(got[o.value], total)})"
                        for o in (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)
                    ),
                    str(got["not_recorded"]),
                )
            )
        escalated, responses = self.escalated
        rate = self.escalation_rate()
        line = (
            f"Escalation: {escalated} of the {responses} stage 1 responses issued in the period "
            f"were escalated to stage 2 ({_num(rate, '%')})."
            if responses
            else "Escalation: no stage 1 response was issued in the period."
        )
        return ReportSection(
            "outcomes",
            "Outcomes and escalation",
            (
                "The decision of each response issued in the period.",
                line,
            ),
            (
                ReportTable(
                    "Outcomes of the responses issued in the period",
                    (
                        "Stage",
                        "Responses",
                        "Upheld",
                        "Partly upheld",
                        "Not upheld",
                        "Outcome not recorded",
                    ),
                    tuple(rows),
                ),
            ),
        )

    def _practice_section(self) -> ReportSection:
        p = self.practice
        provisions = {
            stage: " + ".join(
                r.provision
                for r in p.rates
                if r.stage == stage and r.obligation in (Obligation.ACKNOWLEDGE, Obligation.RESPOND)
            )
            for stage in {c.stage for c in p.combined}
        }
        rows = [
            (
                f"Stage {c.stage}: acknowledged and responded to in time",
                provisions[c.stage],
                str(c.met),
                str(c.judged),
                _pct(c.met, c.judged),
            )
            for c in p.combined
        ]
        rows += [
            (
                r.measure.capitalize(),
                f"{r.provision} ({r.rule_id})",
                str(r.met),
                str(r.judged),
                _pct(r.met, r.judged),
            )
            for r in p.rates
        ]
        return ReportSection(
            "practice",
            "Meeting the Code's timescales",
            (p.statement(),),
            (
                ReportTable(
                    "Cases meeting each timescale",
                    ("Timescale", "Provision", "Met", "Judged", "Share"),
                    tuple(rows),
                ),
            ),
        )

    def _categories_section(self) -> ReportSection:
        rows = tuple(
            (name, str(s1), str(s2), str(upheld)) for name, s1, s2, upheld in self.categories
        )
        return ReportSection(
            "categories",
            "Complaints by service area",
            ("Complaints received in the period, by the service area the case records.",),
            (
                ReportTable(
                    "Complaints by service area",
                    ("Service area", "Complaints", "Escalated to stage 2", "Upheld or partly"),
                    rows,
                ),
            )
            if rows
            else (),
        )

    def _refusals_section(self) -> ReportSection:
        if not self.refusals:
            return ReportSection(
                "refusals", "Complaints refused", ("No complaint was refused in the period.",)
            )
        by_ground: Counter[tuple[str, int]] = Counter((r[3], r[2]) for r in self.refusals)
        grounds = sorted({g for g, _ in by_ground})
        summary = tuple(
            (g, str(by_ground[g, 1]), str(by_ground[g, 2]), str(by_ground[g, 1] + by_ground[g, 2]))
            for g in grounds
        )
        listed = tuple((ref, str(on), str(stage), g, d) for ref, on, stage, g, d in self.refusals)
        return ReportSection(
            "refusals",
            "Complaints refused",
            (
                f"{len(self.refusals)} refusal(s) in the period: complaints not accepted "
                "(stage 1) or not escalated (stage 2), with the reasons.",
            ),
            (
                ReportTable(
                    "Refusals by reason",
                    ("Reason", "Not accepted (stage 1)", "Not escalated (stage 2)", "Total"),
                    summary,
                ),
                ReportTable(
                    "Each refusal",
                    ("Case", "Date", "Stage", "Reason", "Detail"),
                    listed,
                ),
            ),
        )

    def _determinations_section(self) -> ReportSection:
        title = "The Housing Ombudsman's determinations"
        if self.determinations is None:
            return ReportSection(
                "determinations",
                title,
                (
                    "The organisation file records no Ombudsman determinations "
                    "(ombudsman_determinations); an empty list records that there were none.",
                ),
            )
        if not self.determinations:
            return ReportSection(
                "determinations", title, ("The Ombudsman made no determination in the period.",)
            )
        found = Counter(d.finding for d in self.determinations)
        noncompliance = [d.case for d in self.determinations if d.code_non_compliance]
        lines = [
            f"{len(self.determinations)} determination(s) in the period: "
            + ", ".join(f"{_FINDING_LABEL[f].lower()} {n}" for f, n in found.items())
            + ".",
            ("The Ombudsman found the Code not complied with on: " + ", ".join(noncompliance) + ".")
            if noncompliance
            else "No determination found the Code not complied with.",
        ]
        rows = tuple(
            (
                d.case,
                str(d.determined_on),
                _FINDING_LABEL[d.finding],
                d.reference or "-",
                {True: "Yes", False: "No", None: "-"}[d.code_non_compliance],
                d.summary or "",
            )
            for d in self.determinations
        )
        return ReportSection(
            "determinations",
            title,
            tuple(lines),
            (
                ReportTable(
                    "Determinations",
                    (
                        "Case",
                        "Determined",
                        "Finding",
                        "Ombudsman reference",
                        "Code not complied with",
                        "Summary",
                    ),
                    rows,
                ),
            ),
        )

    def _learning_section(self) -> ReportSection:
        title = "Learning and service improvements"
        if self.learning is None:
            return ReportSection(
                "learning",
                title,
                (
                    "The organisation file records no learning log (learning_log: case, "
                    "lesson, lesson_on, action, action_due, action_done_on).",
                ),
            )
        if not self.learning:
            return ReportSection("learning", title, ("No lesson is logged for the period.",))
        rows = tuple(
            (
                e.case,
                e.lesson or "-",
                str(e.lesson_on) if e.lesson_on else "-",
                e.action or "-",
                str(e.action_due) if e.action_due else "-",
                str(e.action_done_on) if e.action_done_on else "not yet",
            )
            for e in self.learning
        )
        done = sum(e.action_done_on is not None for e in self.learning)
        return ReportSection(
            "learning",
            title,
            (
                f"{len(self.learning)} lesson(s) from complaints in the period; {done} of "
                "the changes they led to are done.",
            ),
            (
                ReportTable(
                    "Learning log",
                    ("Case", "Lesson", "Recorded", "Change to the service", "Due", "Done"),
                    rows,
                ),
            ),
        )

    def _trend_section(self) -> ReportSection:
        rows = tuple(
            (
                m.month,
                str(m.received[0]),
                str(m.received[1]),
                f"{m.on_time[0]} of {m.responded[0]}",
                _pct(m.on_time[0], m.responded[0]),
                f"{m.on_time[1]} of {m.responded[1]}",
                _pct(m.on_time[1], m.responded[1]),
            )
            for m in self.months
        )
        return ReportSection(
            "trend",
            "Month by month",
            (
                "Complaints received each month, and the responses issued each month within "
                "the Code's timescales (as CH02 counts them).",
            ),
            (
                ReportTable(
                    "Month by month",
                    (
                        "Month",
                        "Stage 1 received",
                        "Stage 2 received",
                        "Stage 1 responses in time",
                        "Stage 1 share",
                        "Stage 2 responses in time",
                        "Stage 2 share",
                    ),
                    rows,
                ),
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "landlord": self.landlord,
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "tsm": {t.key: t.tsm.to_dict() for t in self.tenures},
            "tenure_counts": dict(self.tenure_counts),
            "untallied": list(self.untallied),
            "outcomes": {"stage1": dict(self.outcomes[1]), "stage2": dict(self.outcomes[2])},
            "escalation": {
                "stage1_responses": self.escalated[1],
                "escalated": self.escalated[0],
                "percent": self.escalation_rate(),
            },
            "categories": [
                {"category": c, "complaints": s1, "escalated": s2, "upheld_or_partly": u}
                for c, s1, s2, u in self.categories
            ],
            "refusals": [
                {"case": r, "on": on.isoformat(), "stage": st, "reason": g, "detail": d}
                for r, on, st, g, d in self.refusals
            ],
            "determinations": None
            if self.determinations is None
            else [d.model_dump(mode="json", exclude_none=True) for d in self.determinations],
            "learning": None
            if self.learning is None
            else [e.model_dump(mode="json", exclude_none=True) for e in self.learning],
            "months": [
                {
                    "month": m.month,
                    "received": list(m.received),
                    "responded": list(m.responded),
                    "on_time": list(m.on_time),
                }
                for m in self.months
            ],
            "practice": self.practice.to_dict(),
            "governance": self.governance_lines(),
            "self_assessment": {c.value: n for c, n in self.form.tally().items()},
            "notes": list(self.notes),
        }


# -- building it ------------------------------------------------------------------------


def _snapshots(cases: Sequence[Complaint], as_of: date | None) -> list[Complaint]:
    if as_of is None:
        return list(cases)
    return [s.case for s in (c.as_of(as_of) for c in cases) if s.case is not None]


def build_annual_report(
    cases: Sequence[Complaint],
    *,
    period: ReportingPeriod,
    form: SelfAssessmentForm,
    practice: PracticeSummary,
    engine: Engine,
    organisation: Organisation | None = None,
    as_of: date | None = None,
    pack: str | None = None,
    options: TsmOptions | None = None,
    generated_on: date | None = None,
) -> AnnualReport:
    """The annual report for ``period`` (see the module's docstring).

    ``cases`` are taken as they stood on ``as_of``; ``form`` is the self-assessment
    appended to the report and ``practice`` its practice figures for the same period.
    """
    options = options or TsmOptions()
    within = period.start.__le__
    until = period.end.__ge__

    def inside(day: date | None) -> bool:
        return day is not None and within(day) and until(day)

    now = _snapshots(cases, as_of)
    tallies = {key: TsmTally() for key in _TENURE_LABEL}
    untallied: list[str] = []
    tenure_counts: Counter[str] = Counter()
    for case in now:
        if inside(case.received_on):
            tenure_counts[case.tenure.value if case.tenure else "not_recorded"] += 1
        when = as_of or case.closed_on or case.withdrawn_on or case.received_on
        try:
            due = obligations_of(case, when, engine=engine, pack=pack)
        except (UnknownParameterError, CalendarRangeError, NoPackError, NoTimescalesError) as exc:
            untallied.append(f"{case.reference}: {exc}")  # listed, never dropped silently
            continue
        times = case_times(case, due.obligations)
        tallies["all"].add(times)
        if case.tenure is not None and case.tenure.value in tallies:
            tallies[case.tenure.value].add(times)
    tenures = tuple(
        TenureMeasures(
            key,
            label,
            tallies[key].report(
                period,
                TsmOptions(
                    extensions=options.extensions,
                    denominator=options.denominator,
                    include_withdrawn=options.include_withdrawn,
                    stock=_TENURE_STOCK[key],
                    homes=options.homes if key == "all" else None,
                ),
                organisation,
            ),
        )
        for key, label in _TENURE_LABEL.items()
    )
    outcomes: dict[int, dict[str, int]] = {
        n: {**{o.value: 0 for o in Outcome}, "not_recorded": 0} for n in (1, 2)
    }
    escalated = responses = 0
    categories: dict[str, list[int]] = {}
    refusals: list[tuple[str, date, int, str, str]] = []
    for case in now:
        for n in (1, 2):
            stage = case.stage(n)
            if stage is None or stage.response is None or not inside(stage.response.issued_on):
                continue
            outcome = stage.response.outcome
            outcomes[n][outcome.value if outcome else "not_recorded"] += 1
            if n == 1:
                responses += 1
                escalated += case.stage(2) is not None
        if inside(case.received_on) and case.stage(1) is not None:
            row = categories.setdefault(case.category or NOT_RECORDED, [0, 0, 0])
            row[0] += 1
            row[1] += case.stage(2) is not None
            last = [s.response.outcome for s in case.stages if s.response is not None]
            row[2] += bool(last) and last[-1] in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)
        for refusal in case.refusals:
            if inside(refusal.on):
                refusals.append(
                    (
                        case.reference,
                        refusal.on,
                        refusal.stage,
                        _GROUND_LABEL[refusal.ground],
                        refusal.detail or "",
                    )
                )
    tally = tallies["all"]
    months = tuple(
        MonthFigures(
            m,
            (tally.counts[("received", 1, m)], tally.counts[("received", 2, m)]),
            (tally.counts[("responded", 1, m)], tally.counts[("responded", 2, m)]),
            (tally.counts[("on_time", 1, m)], tally.counts[("on_time", 2, m)]),
        )
        for m in period.months()
    )
    received_refs = {c.reference for c in now if inside(c.received_on)}
    determinations = learning = None
    record = None
    if organisation is not None:
        if organisation.ombudsman_determinations is not None:
            determinations = tuple(
                sorted(
                    (d for d in organisation.ombudsman_determinations if inside(d.determined_on)),
                    key=lambda d: (d.determined_on, d.case),
                )
            )
        if organisation.learning_log is not None:
            learning = tuple(
                e
                for e in organisation.learning_log
                if inside(e.lesson_on) or (e.lesson_on is None and e.case in received_refs)
            )
        record = next(
            (
                r
                for r in organisation.annual_reports
                if (r.period_start, r.period_end) == (period.start, period.end)
            ),
            None,
        )
    sorted_categories = sorted(
        categories.items(), key=lambda kv: (kv[0] == NOT_RECORDED, -kv[1][0], kv[0])
    )
    notes = (
        "CH01 counts stage 1 complaints by the month received and stage 2 complaints by the "
        "month the escalation request was received; complaints refused before stage 1 began "
        "are not counted. Homes are the organisation file's housing_stock (homes_owned for "
        "all homes, low_cost_rental and low_cost_home_ownership for the split).",
        "CH02 counts the responses issued in the period and, of those, the ones issued by "
        "the deadline the Code's timeliness rules compute (moved by a valid extension). "
        f"Options used: {options_text(options)}.",
        "Outcomes, escalation and refusals count what happened in the period; complaints "
        "by service area and the tenure split count the complaints received in it.",
        "Sources for the measures and the tenure split (see docs/tsm.md): " + " ".join(RSH_SOURCES),
        "Summaries of the Code are in our own words; the Housing Ombudsman's Complaint "
        "Handling Code governs.",
    )
    landlord = form.landlord
    return AnnualReport(
        landlord=landlord,
        period=period,
        as_of=as_of,
        options=options,
        tenures=tenures,
        tenure_counts={
            k: tenure_counts[k]
            for k in _COUNT_LABEL
            if tenure_counts[k] or k in _TENURE_STOCK  # both TSM tenures always shown
        },
        untallied=tuple(untallied),
        outcomes=outcomes,
        escalated=(escalated, responses),
        categories=tuple((c, v[0], v[1], v[2]) for c, v in sorted_categories),
        refusals=tuple(sorted(refusals, key=lambda r: (r[1], r[0]))),
        determinations=determinations,
        learning=learning,
        months=months,
        practice=practice,
        form=form,
        record=record,
        generated_on=generated_on,
        notes=notes,
    )
