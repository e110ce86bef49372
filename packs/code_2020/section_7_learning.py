"""Section 7: continuous learning and improvement (7.1 is an introduction, not a duty)."""

from __future__ import annotations

from datetime import date

from complaintrules import Organisation
from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    Context,
    Level,
    Outcome,
    Subject,
    Verdict,
    example,
    failed,
    lessons_acted_on,
    member_brought_papers,
    named_appointment,
    needs_evidence,
    organisation_example,
    passed,
)

from ._common import rule
from ._helpers import (
    attestation_examples,
    case_data,
)


def _learning_reported(org: Organisation, ctx: Context) -> Outcome:
    facts = {
        "annual_reports": [
            {"period_end": r.period_end.isoformat(), "contents": list(r.contents)}
            for r in org.annual_reports
        ],
        "stakeholder_reports": [
            {"on": r.on.isoformat(), "audience": r.audience} for r in org.stakeholder_reports
        ],
    }
    if not org.annual_reports and not org.stakeholder_reports:
        return needs_evidence(
            "no annual report or report to residents, staff or panels is recorded; set "
            "annual_reports and stakeholder_reports",
            facts=facts,
        )
    problems = []
    if not any("service_improvements" in r.contents for r in org.annual_reports):
        problems.append("no annual report sets out the improvements made from complaints")
    if not org.stakeholder_reports:
        problems.append("learning is not reported to residents, staff or scrutiny panels")
    if problems:
        return failed("; ".join(problems), facts=facts)
    audiences = sorted({r.audience for r in org.stakeholder_reports})
    return passed(
        "learning is in the annual report and reported to " + ", ".join(audiences), facts=facts
    )


# 7.2: report wider learning and improvements in the annual report and, more often, to
# residents, staff and scrutiny panels.
CHC20_7_2 = rule(
    "7.2",
    "Learning reported back",
    level=Level.MUST,
    summary=(
        "The landlord reports the wider lessons and improvements drawn from complaints in its "
        "annual report, and more often than that to residents, staff and scrutiny panels."
    ),
    explanation="""
        Organisation: an annual report whose contents include service_improvements, and at
        least one stakeholder report (residents, staff or panels).
    """,
    organisation=_learning_reported,
    examples=[
        organisation_example(
            Verdict.FAIL,
            "annual report only",
            annual_reports=[
                {
                    "period_start": "2022-04-01",
                    "period_end": "2023-03-31",
                    "contents": ["service_improvements"],
                }
            ],
        ),
        organisation_example(
            Verdict.PASS,
            "annual report and quarterly panel updates",
            annual_reports=[
                {
                    "period_start": "2022-04-01",
                    "period_end": "2023-03-31",
                    "contents": ["service_improvements"],
                }
            ],
            stakeholder_reports=[{"on": "2023-06-20", "audience": "residents' scrutiny panel"}],
        ),
    ],
)


_member_lead = named_appointment(
    "member_responsible_for_complaints",
    recorded=("name", "on_governing_body"),
    missing=(
        "no member of the governing body has lead responsibility for complaints; set "
        "member_responsible_for_complaints"
    ),
    must_be="on_governing_body",
    not_so="{name} is not a member of the governing body",
    unknown="{name} is named; set on_governing_body to show they sit on it",
    held="{name} leads on complaints for the governing body",
)

_member_brought_papers = member_brought_papers("governing_body_reports.window_months")


def _member_leads(org: Organisation, ctx: Context) -> Outcome:
    # both halves of 7.3: a member leads (named, on the body), and brings it the papers
    named = _member_lead(org, ctx)
    if named.verdict is not Verdict.PASS:
        return named
    return _member_brought_papers(org, ctx)


_MRC = {"name": "Chair of the Operations Committee", "on_governing_body": True}
_JUDGED = date(2023, 12, 31)


def _paper(on: str, by: str | None) -> dict[str, object]:
    paper: dict[str, object] = {"on": on, "covers": ["volumes_and_performance"]}
    if by is not None:
        paper["presented_by"] = by
    return paper


# 7.3: a governing-body member leads on complaints and makes sure the body gets regular
# insight into complaint handling.
CHC20_7_3 = rule(
    "7.3",
    "A governing-body lead for complaints",
    level=Level.SHOULD,
    summary=(
        "One member of the governing body should hold lead responsibility for complaints and "
        "make sure the body regularly learns how well complaints are being handled."
    ),
    explanation="""
        Organisation: member_responsible_for_complaints should be named, with
        on_governing_body true; then, as 9.6 of the 2024 Code reads it, within the
        `governing_body_reports.window_months` months up to the date judged at least one
        complaints paper should have reached the governing body brought by that member
        (governing_body_reports[].presented_by against the member's name, ignoring case
        and spacing). No paper in the window, or none brought by the member, fails; papers
        that do not say who brought them need evidence; a paper dated after the day judged
        is named and left out.
    """,
    organisation=_member_leads,
    examples=[
        organisation_example(Verdict.FAIL, "nobody appointed"),
        organisation_example(
            Verdict.FAIL,
            "a member leads, but officers brought every paper",
            as_of=_JUDGED,
            member_responsible_for_complaints=_MRC,
            governing_body_reports=[_paper("2023-09-30", "Director of Housing")],
        ),
        organisation_example(
            Verdict.NEEDS_EVIDENCE,
            "the paper does not say who brought it",
            as_of=_JUDGED,
            member_responsible_for_complaints=_MRC,
            governing_body_reports=[_paper("2023-09-30", None)],
        ),
        organisation_example(
            Verdict.PASS,
            "the chair of the operations committee brought the quarterly paper",
            as_of=_JUDGED,
            member_responsible_for_complaints=_MRC,
            governing_body_reports=[_paper("2023-09-30", "chair of the operations committee")],
        ),
    ],
)

_NEEDED = ("volumes_and_performance", "themes_and_trends")


def _board_information(org: Organisation, ctx: Context) -> Outcome:
    # A paper dated after the day judged had not reached the board then: left out, named.
    papers = [r for r in org.governing_body_reports if r.on <= ctx.on]
    later = "".join(
        f"; governing_body_reports[{i}] is dated {r.on.isoformat()}, after the day judged "
        f"({ctx.on.isoformat()}), and is left out"
        for i, r in enumerate(org.governing_body_reports)
        if r.on > ctx.on
    )
    covered = {c for r in papers for c in r.covers}
    self_assessed = "self_assessment" in covered or any(
        s.approved_by_governing_body_on for s in org.self_assessments
    )
    facts = {
        "governing_body_reports.covers": sorted(covered),
        "self_assessment_reported": self_assessed,
    }
    if not papers:
        return failed(
            "no report on complaints to the governing body is recorded" + later, facts=facts
        )
    missing = [c for c in _NEEDED if c not in covered]
    if not self_assessed:
        missing.append("self_assessment")
    if missing:
        return failed(
            "the governing body has not received: " + ", ".join(missing) + later, facts=facts
        )
    return passed(
        f"{len(papers)} report(s) to the governing body cover performance, "
        "trends and the self-assessment" + later,
        facts=facts,
    )


# 7.4: as a minimum the governing body gets regular updates on volumes, categories, outcomes
# and performance (including compliance with Ombudsman orders), reviews of trends, the
# Ombudsman's annual report, individual outcomes where needed, and the self-assessment.
CHC20_7_4 = rule(
    "7.4",
    "What the governing body receives",
    level=Level.SHOULD,
    summary=(
        "The governing body should at least get regular figures on complaint numbers, kinds, "
        "outcomes and handling (including compliance with Ombudsman orders), regular reviews "
        "of themes, the Ombudsman's annual report, serious individual outcomes, tracking of "
        "management responses, and the annual self-assessment."
    ),
    explanation="""
        Organisation: governing_body_reports dated by the day judged should between them
        cover volumes_and_performance and themes_and_trends, and the self-assessment should
        have gone to the governing body (a report covering self_assessment, or a
        self-assessment with approved_by_governing_body_on). A paper dated after the day
        judged is left out and named in the finding. The other items are for an
        attestation.
    """,
    organisation=_board_information,
    attestation="board papers showing the Ombudsman's annual report and serious findings",
    examples=[
        organisation_example(
            Verdict.FAIL,
            "figures only",
            governing_body_reports=[{"on": "2023-06-01", "covers": ["volumes_and_performance"]}],
        ),
        organisation_example(
            Verdict.PASS,
            "quarterly figures, trends and the self-assessment",
            governing_body_reports=[
                {
                    "on": "2023-06-01",
                    "covers": ["volumes_and_performance", "themes_and_trends", "self_assessment"],
                }
            ],
        ),
        *attestation_examples(
            "7.4",
            met="Board papers include the Ombudsman's annual report and serious findings.",
            not_met="The board has never seen the Ombudsman's annual report.",
        ),
    ],
)

_LESSON = {
    "case": "EX-20",
    "lesson": "Repairs follow-ups were missed.",
    "lesson_on": "2023-06-01",
    "action": "Call every resident back after a repair.",
}

# 7.5: senior management assess themes and trends for systemic issues, serious risks and
# policies needing revision, and use them in staff and contractor training.
CHC20_7_5 = rule(
    "7.5",
    "Themes assessed by senior management",
    level=Level.SHOULD,
    summary=(
        "Senior managers should look at complaint themes to spot systemic problems, serious "
        "risks and policies that need changing, and feed them into training for staff and "
        "contractors."
    ),
    explanation="""
        Portfolio: the actions the organisation's learning_log records (keyed to case
        references) are carried out: one not done by its due date fails, naming its entry;
        one due on the day judged is not yet late; lessons that led to no action fail (as
        the 2024 Code's 9.2 is judged). Whether senior managers reviewed the themes and
        fed them into training is attested: an attestation for 7.5 (minutes of the
        reviews, training content) settles that part.
    """,
    portfolio=lessons_acted_on,
    attestation="management team minutes reviewing complaint themes and the training it led to",
    examples=[
        example(
            Subject.PORTFOLIO,
            Verdict.FAIL,
            "the action from a lesson is overdue",
            as_of=date(2023, 12, 31),
            cases=[case_data()],
            organisation={
                "name": EXAMPLE_LANDLORD,
                "learning_log": [{**_LESSON, "action_due": "2023-09-30"}],
            },
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "the action was done",
            as_of=date(2023, 12, 31),
            cases=[case_data()],
            organisation={
                "name": EXAMPLE_LANDLORD,
                "learning_log": [
                    {**_LESSON, "action_due": "2023-09-30", "action_done_on": "2023-09-15"}
                ],
            },
        ),
        *attestation_examples(
            "7.5",
            met="The management team reviews themes monthly; contractor training was updated.",
            not_met="Themes are not reviewed above team level.",
        ),
    ],
)


def _standard_objective(org: Organisation, ctx: Context) -> Outcome:
    objective = org.staff_objective
    if objective is None:
        return needs_evidence(
            "the organisation file does not say whether staff have a complaint-handling "
            "objective; set staff_objective"
        )
    facts = {
        "staff_objective.in_place": objective.in_place,
        "staff_objective.share_of_relevant_staff": objective.share_of_relevant_staff,
    }
    if not objective.in_place:
        return failed("there is no standard complaint-handling objective for staff", facts=facts)
    share = objective.share_of_relevant_staff
    if share is not None and share < 1:
        return failed(
            f"only {share:.0%} of employees have the complaint-handling objective; the Code "
            "asks for all",
            facts=facts,
        )
    return passed("all employees have the standard complaint-handling objective", facts=facts)


# 7.6: every employee has a standard objective on complaint handling: collaboration, shared
# responsibility rather than blame, and the CIH professional standards.
CHC20_7_6 = rule(
    "7.6",
    "A standard complaint-handling objective for all staff",
    level=Level.SHOULD,
    summary=(
        "Every employee should have the same objective on complaints: working with "
        "colleagues across teams to resolve them, owning shortfalls together rather than "
        "blaming others, and following the Chartered Institute of Housing's professional "
        "standards."
    ),
    explanation="""
        Organisation: staff_objective.in_place should be true, and share_of_relevant_staff,
        if given, should be 1 (all employees).
    """,
    organisation=_standard_objective,
    examples=[
        organisation_example(
            Verdict.FAIL,
            "housing team only",
            staff_objective={"in_place": True, "share_of_relevant_staff": 0.3},
        ),
        organisation_example(
            Verdict.PASS,
            "everyone",
            staff_objective={"in_place": True, "share_of_relevant_staff": 1.0},
        ),
    ],
)

RULES = (CHC20_7_2, CHC20_7_3, CHC20_7_4, CHC20_7_5, CHC20_7_6)
