"""Section 8: self-assessment, the annual complaints report, and compliance.

The organisation rules here judge the organisation file on a date (``on``: the date given to
the engine, in examples the example's ``as_of``). Records dated after that day are ignored.
The Code gives no deadlines in this section; where a check needs one to tell "late" from
"not yet", the period is a dated parameter marked as this library's design choice.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from complaintrules import Organisation
from complaintrules.authoring import (
    Context,
    Outcome,
    Rule,
    Verdict,
    failed,
    months_after,
    needs_evidence,
    not_applicable,
    organisation_example,
    passed,
)

from ._common import rule

_ON = date(2024, 9, 30)
_ALL_CONTENTS = [
    "self_assessment",
    "performance_analysis",
    "ombudsman_noncompliance_findings",
    "service_improvements",
    "ombudsman_annual_letter",
    "other_ombudsman_reports",
]
_REPORT: dict[str, Any] = {
    "period_start": "2023-04-01",
    "period_end": "2024-03-31",
    "contents": _ALL_CONTENTS,
    "reported_to_governing_body_on": "2024-06-20",
    "published_on": "2024-06-28",
    "url": "https://example-homes.org.uk/complaints/annual-report-2023-24",
    "governing_body_response_published_on": "2024-06-28",
}


_org_example = partial(organisation_example, as_of=_ON)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# -- checks ----------------------------------------------------------------------------


def _latest_report_facts(org: Organisation, ctx: Context) -> dict[str, Any]:
    return {
        "annual_reports.period_end": sorted(
            r.period_end.isoformat() for r in org.annual_reports if r.period_end <= ctx.on
        )
    }


def _annual_report_contents(org: Organisation, ctx: Context) -> Outcome:
    required: list[str] = ctx.param("annual_report.contents")
    max_months: int = ctx.param("annual_report.max_months_since_period_end")
    reports = [r for r in org.annual_reports if r.period_end <= ctx.on]
    if not reports:
        return needs_evidence(
            f"no annual complaints performance and service improvement report for a period "
            f"ending by {ctx.on.isoformat()} is recorded; list it under annual_reports "
            "(period_start, period_end, contents)",
            facts=_latest_report_facts(org, ctx),
        )
    latest = max(reports, key=lambda r: r.period_end)
    next_due = months_after(latest.period_end, max_months)
    period = f"{latest.period_start.isoformat()} to {latest.period_end.isoformat()}"
    facts = {
        "latest.period": period,
        "latest.contents": list(latest.contents),
    }
    computed = {"judged_on": ctx.on.isoformat(), "next_report_expected_by": next_due.isoformat()}
    problems = []
    if ctx.on > next_due:
        problems.append(
            f"the latest report covers {period}; one for the following year was expected by "
            f"{next_due.isoformat()} ({max_months} months after that period ended) and none "
            "is recorded"
        )
    missing = [item for item in required if item not in latest.contents]
    if latest.contents and missing:
        problems.append(f"the report for {period} leaves out: {', '.join(missing)}")
    if problems:
        return failed("; ".join(problems), facts=facts, missing=missing, **computed)
    if not latest.contents:
        return needs_evidence(
            f"the report for {period} does not record what it contains; list its sections "
            f"under annual_reports[].contents (expected: {', '.join(required)})",
            facts=facts,
            **computed,
        )
    return passed(
        f"the report for {period} contains all {len(required)} required items; the next is "
        f"expected by {next_due.isoformat()}",
        facts=facts,
        **computed,
    )


def _annual_report_reported_and_published(org: Organisation, ctx: Context) -> Outcome:
    reports = [r for r in org.annual_reports if r.period_end <= ctx.on]
    if not reports:
        return needs_evidence(
            f"no annual complaints report for a period ending by {ctx.on.isoformat()} is "
            "recorded; list it under annual_reports",
            facts=_latest_report_facts(org, ctx),
        )
    r = max(reports, key=lambda rep: rep.period_end)
    period = f"{r.period_start.isoformat()} to {r.period_end.isoformat()}"
    facts = {
        "latest.period": period,
        "latest.reported_to_governing_body_on": _iso(r.reported_to_governing_body_on),
        "latest.published_on": _iso(r.published_on),
        "latest.url": str(r.url) if r.url else None,
        "latest.governing_body_response_published_on": _iso(r.governing_body_response_published_on),
    }
    problems = []
    board, published, response = (
        r.reported_to_governing_body_on,
        r.published_on,
        r.governing_body_response_published_on,
    )
    if board and published and published < board:
        problems.append(
            f"it was published on {published} before going to the governing body on {board}, "
            "so the governing body's response could not be published with it"
        )
    if published and response and response > published:
        problems.append(
            f"the report went up on {published} but the governing body's response only "
            f"followed on {response}, not alongside it"
        )
    if problems:
        return failed(f"report for {period}: " + "; ".join(problems), facts=facts)
    missing = [
        name
        for name, value in (
            ("reported_to_governing_body_on", board),
            ("published_on", published),
            ("url", r.url),
            ("governing_body_response_published_on", response),
        )
        if value is None
    ]
    if missing:
        return needs_evidence(
            f"for the report for {period}, set annual_reports[]." + ", ".join(missing),
            facts=facts,
        )
    return passed(
        f"the report for {period} went to the governing body on {board} and was published "
        f"with the governing body's response on {published} at {r.url}",
        facts=facts,
    )


def _self_assessed_after_change(org: Organisation, ctx: Context) -> Outcome:
    months: int = ctx.param("self_assessment.after_change_months")
    changes = sorted((c for c in org.organisational_changes if c.on <= ctx.on), key=lambda c: c.on)
    if not changes:
        return not_applicable(
            "no significant restructure, merger or change of procedure is recorded; list any "
            "under organisational_changes"
        )
    assessed = sorted(s.completed_on for s in org.self_assessments if s.completed_on <= ctx.on)
    facts = {
        "organisational_changes": [
            {"on": c.on.isoformat(), "description": c.description} for c in changes
        ],
        "self_assessments.completed_on": [d.isoformat() for d in assessed],
    }
    late, waiting, done = [], [], []
    for c in changes:
        after = [d for d in assessed if d >= c.on]
        due = months_after(c.on, months)
        label = f"{c.description} ({c.on.isoformat()})"
        if after:
            done.append(f"{label}: self-assessed {after[0].isoformat()}")
            if after[0] > due:
                late.append(
                    f"{label}: the next self-assessment was on {after[0].isoformat()}, after "
                    f"{due.isoformat()} ({months} months on)"
                )
        elif ctx.on > due:
            late.append(
                f"{label}: no self-assessment recorded since, and {months} months ran out on "
                f"{due.isoformat()}"
            )
        else:
            waiting.append(f"{label}: due by {due.isoformat()}")
    computed = {"judged_on": ctx.on.isoformat(), "months_allowed": months}
    if late:
        return failed("; ".join(late), facts=facts, **computed)
    if waiting:
        return needs_evidence(
            "a self-assessment after this change is not recorded yet: "
            + "; ".join(waiting)
            + "; add it under self_assessments once completed",
            facts=facts,
            **computed,
        )
    return passed("; ".join(done), facts=facts, **computed)


def _ombudsman_requests_met(org: Organisation, ctx: Context) -> Outcome:
    if org.ombudsman_requests is None:
        return needs_evidence(
            "the organisation file does not record whether the Ombudsman asked for the "
            "self-assessment to be reviewed; set ombudsman_requests (an empty list if it "
            "never has)",
            facts={"ombudsman_requests": None},
        )
    requests = [q for q in org.ombudsman_requests if q.requested_on <= ctx.on]
    facts = {"ombudsman_requests": [q.model_dump(mode="json", exclude_none=True) for q in requests]}
    if not requests:
        return not_applicable(
            f"the Ombudsman has made no request to review the self-assessment by "
            f"{ctx.on.isoformat()}",
            facts=facts,
        )
    late, unknown, waiting, met = [], [], [], []
    for i, q in enumerate(requests):
        label = f"request of {q.requested_on.isoformat()}" + (
            f" ({q.investigation})" if q.investigation else ""
        )
        if q.met_on is not None:
            if q.due_on is not None and q.met_on > q.due_on:
                late.append(f"{label} was met on {q.met_on}, after the date asked ({q.due_on})")
            else:
                met.append(f"{label} met on {q.met_on}")
        elif q.due_on is None:
            unknown.append(f"ombudsman_requests[{i}].due_on or .met_on ({label})")
        elif q.due_on < ctx.on:
            late.append(f"{label} was due {q.due_on} and is not recorded as met")
        else:
            waiting.append(f"{label} due by {q.due_on}")
    if late:
        return failed("; ".join(late), facts=facts, judged_on=ctx.on.isoformat())
    if unknown:
        return needs_evidence(
            "cannot tell whether a request was met in time; set " + ", ".join(unknown),
            facts=facts,
        )
    if waiting:
        return needs_evidence(
            "not yet met: " + "; ".join(waiting) + "; record met_on when it is",
            facts=facts,
            judged_on=ctx.on.isoformat(),
        )
    return passed("; ".join(met), facts=facts)


_NOTICES = (
    ("ombudsman_informed_on", "the Ombudsman told"),
    ("residents_informed_on", "affected residents told"),
    ("published_on", "the position published on the website"),
    ("expected_return_on", "a date for returning to compliance given"),
)


def _exceptional_circumstances_notified(org: Organisation, ctx: Context) -> Outcome:
    months: int = ctx.param("exceptional_circumstances.notice_months")
    events = [e for e in org.exceptional_circumstances if e.started_on <= ctx.on]
    if not events:
        return not_applicable(
            "no exceptional circumstances stopping compliance are recorded; list any under "
            "exceptional_circumstances"
        )
    facts = {
        "exceptional_circumstances": [e.model_dump(mode="json", exclude_none=True) for e in events]
    }
    late, waiting, ok = [], [], []
    for i, e in enumerate(events):
        by = months_after(e.started_on, months)
        label = f"{e.description} (from {e.started_on.isoformat()})"
        for field, what in _NOTICES:
            value: date | None = getattr(e, field)
            if value is None:
                if ctx.on > by:
                    late.append(f"{label}: no record of {what} by {by.isoformat()}")
                else:
                    waiting.append(f"exceptional_circumstances[{i}].{field} (due by {by})")
            elif field != "expected_return_on" and value > by:
                late.append(f"{label}: {what} only on {value}, after {by.isoformat()}")
        ok.append(
            f"{label}: Ombudsman told {e.ombudsman_informed_on}, residents told "
            f"{e.residents_informed_on}, published {e.published_on} (all by {by}), return to "
            f"compliance expected {e.expected_return_on}"
        )
    computed = {"judged_on": ctx.on.isoformat(), "months_allowed": months}
    if late:
        return failed("; ".join(late), facts=facts, **computed)
    if waiting:
        return needs_evidence(
            "not recorded yet: set " + ", ".join(waiting), facts=facts, **computed
        )
    return passed("; ".join(ok), facts=facts, **computed)


# 8.1: an annual complaints performance and service improvement report, open to scrutiny,
# holding (a) the self-assessment, (b) performance analysis incl. refused complaints,
# (c) Ombudsman non-compliance findings, (d) service improvements, (e) the Ombudsman's
# annual report on the landlord and (f) other relevant Ombudsman reports.
CHC24_8_1 = rule(
    "8.1",
    "Annual complaints performance and service improvement report",
    summary=(
        "Every year the landlord writes a report on its complaint handling and what it "
        "learned, for scrutiny, bringing together its self-assessment, an analysis of "
        "performance (including what it refused to accept), any Ombudsman findings against "
        "it under the Code, improvements made, and the Ombudsman's reports about it."
    ),
    explanation="""
        Organisation: the latest report in `annual_reports` whose period ended by the date
        judged must list in `contents` every item of the parameter `annual_report.contents`
        (missing items are named). It also fails when the date judged is more than
        `annual_report.max_months_since_period_end` months after that report's period
        ended, as the next year's report is then overdue: the Code says only 'annual', so
        that period is this library's choice. No report, or one with empty `contents`,
        needs evidence.
    """,
    organisation=_annual_report_contents,
    examples=[
        _org_example(
            Verdict.FAIL,
            "report without the Ombudsman's reports",
            annual_reports=[{**_REPORT, "contents": _ALL_CONTENTS[:4]}],
        ),
        _org_example(
            Verdict.FAIL,
            "last report covers 2023/24, judged in October 2025",
            as_of=date(2025, 10, 1),
            annual_reports=[_REPORT],
        ),
        _org_example(Verdict.PASS, "2023/24 report with all six items", annual_reports=[_REPORT]),
        _org_example(Verdict.NEEDS_EVIDENCE, "no report recorded"),
    ],
)

# 8.2: the report goes to the governing body and is published on the complaints pages of
# the website, with the governing body's response published alongside.
CHC24_8_2 = rule(
    "8.2",
    "Annual report to the governing body and published with its response",
    summary=(
        "The annual complaints report is put before the governing body and published where "
        "the website deals with complaints, together with what the governing body said "
        "about it."
    ),
    explanation="""
        Organisation, on the latest report (as in 8.1): `reported_to_governing_body_on`,
        `published_on`, `url` and `governing_body_response_published_on` must all be
        recorded (each missing one is named and needs evidence). It fails if the report was
        published before it went to the governing body, or if the response was published
        after the report rather than with it. Whether the page is the complaints section of
        the website is left to the reader of the URL.
    """,
    organisation=_annual_report_reported_and_published,
    examples=[
        _org_example(
            Verdict.FAIL,
            "response published a month after the report",
            annual_reports=[{**_REPORT, "governing_body_response_published_on": "2024-07-29"}],
        ),
        _org_example(
            Verdict.PASS,
            "to the board in June, published with its response",
            annual_reports=[_REPORT],
        ),
        _org_example(
            Verdict.NEEDS_EVIDENCE,
            "publication not recorded",
            annual_reports=[
                {
                    "period_start": "2023-04-01",
                    "period_end": "2024-03-31",
                    "reported_to_governing_body_on": "2024-06-20",
                }
            ],
        ),
    ],
)

# 8.3: a fresh self-assessment after a significant restructure, merger or change of
# procedures.
CHC24_8_3 = rule(
    "8.3",
    "Self-assessment after a significant change",
    summary=(
        "After a major restructure, a merger or a change in how complaints are handled, the "
        "landlord assesses itself against the Code again."
    ),
    explanation="""
        Organisation: each entry in `organisational_changes` dated by the date judged must
        be followed by a self-assessment (`self_assessments[].completed_on`) on or after the
        change's date, within `self_assessment.after_change_months` months. The Code says
        only 'following', so that period is this library's choice. A change fails when its
        period has run out with no self-assessment since, or when the first one after it
        came only once the period had run out; a change still inside its period with none
        yet needs evidence (not yet late, but nothing shows it done). No changes: not
        applicable.
    """,
    organisation=_self_assessed_after_change,
    examples=[
        _org_example(
            Verdict.FAIL,
            "merger in April, no self-assessment since by November",
            as_of=date(2024, 11, 1),
            organisational_changes=[{"on": "2024-04-15", "description": "Merger with Vale HA"}],
            self_assessments=[{"completed_on": "2024-03-28"}],
        ),
        _org_example(
            Verdict.PASS,
            "self-assessed two months after the merger",
            organisational_changes=[{"on": "2024-04-15", "description": "Merger with Vale HA"}],
            self_assessments=[{"completed_on": "2024-03-28"}, {"completed_on": "2024-06-14"}],
        ),
        _org_example(
            Verdict.NEEDS_EVIDENCE,
            "restructure last month, self-assessment not yet done",
            as_of=date(2024, 9, 30),
            organisational_changes=[{"on": "2024-09-02", "description": "New repairs team"}],
            self_assessments=[{"completed_on": "2024-06-14"}],
        ),
    ],
)

# 8.4: after an investigation, the Ombudsman may ask for the self-assessment to be
# reviewed and updated.
CHC24_8_4 = rule(
    "8.4",
    "Self-assessment reviewed when the Ombudsman asks",
    summary=(
        "Following one of its investigations, the Ombudsman can ask the landlord to look "
        "at its self-assessment again and bring it up to date; when asked, the landlord does "
        "so."
    ),
    explanation="""
        The provision gives the Ombudsman a power ('may ask'); what a landlord can be judged
        on is answering such a request. Organisation: `ombudsman_requests` records each
        request (`requested_on`, the investigation, `due_on` if the Ombudsman set a date,
        `met_on` when the updated self-assessment was done). A request met after its
        `due_on`, or still unmet after it, fails; an unmet request with no `due_on` needs
        evidence, as does one not yet due. An empty list means no request was made (not
        applicable); leaving the field out means it is not recorded (needs evidence).
    """,
    organisation=_ombudsman_requests_met,
    examples=[
        _org_example(
            Verdict.FAIL,
            "update asked for by August, not done",
            ombudsman_requests=[
                {"requested_on": "2024-07-01", "investigation": "202312345", "due_on": "2024-08-30"}
            ],
        ),
        _org_example(
            Verdict.PASS,
            "update sent before the date asked",
            ombudsman_requests=[
                {
                    "requested_on": "2024-07-01",
                    "investigation": "202312345",
                    "due_on": "2024-08-30",
                    "met_on": "2024-08-16",
                }
            ],
        ),
        _org_example(Verdict.NOT_APPLICABLE, "no request made", ombudsman_requests=[]),
        _org_example(Verdict.NEEDS_EVIDENCE, "not recorded"),
    ],
)

# 8.5: if exceptional circumstances (a cyber attack, say) stop the landlord meeting the
# Code, it tells the Ombudsman, informs affected residents, publishes the position on its
# website and gives a timescale for returning to compliance.
CHC24_8_5 = rule(
    "8.5",
    "Exceptional circumstances declared",
    summary=(
        "When something exceptional, such as a cyber incident, stops the landlord meeting "
        "the Code, it must say so to the Ombudsman and to the residents affected, put the "
        "position on its website, and say when it expects to comply again."
    ),
    explanation="""
        Organisation: each entry in `exceptional_circumstances` that began by the date
        judged must record `ombudsman_informed_on`, `residents_informed_on`,
        `published_on` and `expected_return_on`. The Code sets no deadline; this library
        expects the three notices within `exceptional_circumstances.notice_months` months
        of `started_on`. A notice dated after that, or missing once it has passed, fails;
        missing while still inside it needs evidence. No circumstances recorded: not
        applicable.
    """,
    organisation=_exceptional_circumstances_notified,
    examples=[
        _org_example(
            Verdict.FAIL,
            "cyber attack in June; residents never told",
            exceptional_circumstances=[
                {
                    "started_on": "2024-06-03",
                    "description": "Cyber attack on the housing system",
                    "ombudsman_informed_on": "2024-06-05",
                    "published_on": "2024-06-07",
                    "expected_return_on": "2024-08-30",
                }
            ],
        ),
        _org_example(
            Verdict.PASS,
            "cyber attack declared within days",
            exceptional_circumstances=[
                {
                    "started_on": "2024-06-03",
                    "description": "Cyber attack on the housing system",
                    "ombudsman_informed_on": "2024-06-05",
                    "residents_informed_on": "2024-06-06",
                    "published_on": "2024-06-07",
                    "expected_return_on": "2024-08-30",
                }
            ],
        ),
        _org_example(Verdict.NOT_APPLICABLE, "nothing exceptional recorded"),
    ],
)

RULES: tuple[Rule, ...] = (CHC24_8_1, CHC24_8_2, CHC24_8_3, CHC24_8_4, CHC24_8_5)
