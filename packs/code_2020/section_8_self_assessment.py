"""Section 8: self-assessment against the Code and what follows it."""

from __future__ import annotations

from complaintrules import Organisation
from complaintrules.authoring import (
    Context,
    Level,
    Outcome,
    Verdict,
    failed,
    months_after,
    needs_evidence,
    not_applicable,
    organisation_example,
    passed,
)

from ._common import rule


def _annual(org: Organisation, ctx: Context) -> Outcome:
    months: int = ctx.param("self_assessment.interval_months")
    done = sorted(s.completed_on for s in org.self_assessments if s.completed_on <= ctx.on)
    facts = {"self_assessments.completed_on": [d.isoformat() for d in done]}
    if not done:
        return needs_evidence(
            f"no self-assessment completed by {ctx.on.isoformat()} is recorded; list them under "
            "self_assessments",
            facts=facts,
        )
    latest = done[-1]
    next_due = months_after(latest, months)
    computed = {
        "latest": latest.isoformat(),
        "next_due": next_due.isoformat(),
        "judged_on": ctx.on.isoformat(),
    }
    if ctx.on > next_due:
        return failed(
            f"the latest self-assessment was on {latest.isoformat()}; the next was due by "
            f"{next_due.isoformat()}",
            facts=facts,
            **computed,
        )
    return passed(
        f"self-assessed on {latest.isoformat()}; the next is due by {next_due.isoformat()}",
        facts=facts,
        **computed,
    )


# 8.1: self-assess against the Code every year.
CHC20_8_1 = rule(
    "8.1",
    "Annual self-assessment",
    level=Level.MUST,
    summary=(
        "Once a year the landlord checks its complaint handling against the Code to make "
        "sure it still meets it."
    ),
    explanation="""
        Organisation: the latest self-assessment completed by the date judged (by default
        the Code's last day, 31 March 2024) must be no more than 12 months old.
    """,
    organisation=_annual,
    examples=[
        organisation_example(
            Verdict.FAIL, "last done in 2022", self_assessments=[{"completed_on": "2022-06-30"}]
        ),
        organisation_example(
            Verdict.PASS, "done in July 2023", self_assessments=[{"completed_on": "2023-07-15"}]
        ),
    ],
)


def _after_change(org: Organisation, ctx: Context) -> Outcome:
    changes = [c for c in org.organisational_changes if c.on <= ctx.on]
    if not changes:
        return not_applicable("no restructure or change of procedure is recorded")
    dates = sorted(s.completed_on for s in org.self_assessments)
    facts = {
        "organisational_changes": [
            {"on": c.on.isoformat(), "description": c.description} for c in changes
        ],
        "self_assessments.completed_on": [d.isoformat() for d in dates],
    }
    missed = [c for c in changes if not any(d >= c.on for d in dates)]
    if missed:
        return failed(
            "no self-assessment followed: "
            + "; ".join(f"{c.description} ({c.on.isoformat()})" for c in missed),
            facts=facts,
        )
    return passed(f"a self-assessment followed each of {len(changes)} change(s)", facts=facts)


# 8.2: self-assess again after a significant restructure or change of procedure.
CHC20_8_2 = rule(
    "8.2",
    "Self-assessment after a significant change",
    level=Level.MUST,
    summary=(
        "After a significant restructure or a change in its procedures the landlord "
        "assesses itself against the Code again."
    ),
    explanation="""
        Organisation: every organisational change must be followed by a self-assessment
        completed on or after its date.
    """,
    organisation=_after_change,
    examples=[
        organisation_example(
            Verdict.FAIL,
            "restructure with no self-assessment since",
            organisational_changes=[{"on": "2023-09-01", "description": "Merged two teams"}],
            self_assessments=[{"completed_on": "2023-07-15"}],
        ),
        organisation_example(
            Verdict.PASS,
            "self-assessed after the restructure",
            organisational_changes=[{"on": "2023-09-01", "description": "Merged two teams"}],
            self_assessments=[{"completed_on": "2023-07-15"}, {"completed_on": "2023-11-10"}],
        ),
    ],
)


def _after_self_assessment(org: Organisation, ctx: Context) -> Outcome:
    done = [s for s in org.self_assessments if s.completed_on <= ctx.on]
    if not done:
        return needs_evidence("no self-assessment is recorded; list them under self_assessments")
    latest = max(done, key=lambda s: s.completed_on)
    facts = {
        "self_assessment.completed_on": latest.completed_on.isoformat(),
        "self_assessment.approved_by_governing_body_on": (
            latest.approved_by_governing_body_on.isoformat()
            if latest.approved_by_governing_body_on
            else None
        ),
        "self_assessment.published_on": (
            latest.published_on.isoformat() if latest.published_on else None
        ),
        "annual_reports.with_self_assessment": sum(
            "self_assessment" in r.contents for r in org.annual_reports
        ),
    }
    problems = []
    if latest.approved_by_governing_body_on is None:
        problems.append("its outcome is not recorded as reported to the governing body")
    if latest.published_on is None:
        problems.append("it is not recorded as published")
    if org.annual_reports and not any("self_assessment" in r.contents for r in org.annual_reports):
        problems.append("no annual report includes it")
    if problems:
        return failed(
            f"self-assessment of {latest.completed_on.isoformat()}: " + "; ".join(problems),
            facts=facts,
        )
    if not org.annual_reports:
        return needs_evidence(
            "reported and published, but no annual report is recorded to show it was included "
            "(set annual_reports with self_assessment in contents)",
            facts=facts,
        )
    return passed(
        "the self-assessment was reported to the governing body, published and included in "
        "the annual report",
        facts=facts,
    )


# 8.3: after each self-assessment, report its outcome to the governing body (elected members
# for councils), publish it, and include it in the annual report on complaint handling.
CHC20_8_3 = rule(
    "8.3",
    "Self-assessment reported, published and in the annual report",
    level=Level.MUST,
    summary=(
        "Each self-assessment's outcome goes to the governing body (for a council, its "
        "elected members), is published on the website or otherwise made available to "
        "residents, and forms part of the annual report on complaint handling."
    ),
    explanation="""
        Organisation: the latest self-assessment must record approved_by_governing_body_on
        (taken as the report to the governing body) and published_on, and an annual report
        must list self_assessment in its contents.
    """,
    organisation=_after_self_assessment,
    examples=[
        organisation_example(
            Verdict.FAIL,
            "never published",
            self_assessments=[
                {"completed_on": "2023-07-15", "approved_by_governing_body_on": "2023-07-27"}
            ],
        ),
        organisation_example(
            Verdict.PASS,
            "reported, published and in the annual report",
            self_assessments=[
                {
                    "completed_on": "2023-07-15",
                    "approved_by_governing_body_on": "2023-07-27",
                    "published_on": "2023-08-01",
                }
            ],
            annual_reports=[
                {
                    "period_start": "2022-04-01",
                    "period_end": "2023-03-31",
                    "contents": ["self_assessment", "performance_analysis"],
                }
            ],
        ),
    ],
)

RULES = (CHC20_8_1, CHC20_8_2, CHC20_8_3)
