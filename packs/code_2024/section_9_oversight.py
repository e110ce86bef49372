"""Section 9: scrutiny and oversight, learning from complaints.

Organisation rules judge the organisation file on a date (``on``: the date given to the
engine, in examples the example's ``as_of``); records dated after it are ignored. Where the
Code says "regular" without a frequency, the window is a dated parameter marked as this
library's design choice.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from complaintrules import Organisation
from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    Context,
    Outcome,
    Rule,
    Subject,
    Verdict,
    attestation_example,
    example,
    failed,
    lessons_acted_on,
    lessons_drawn,
    member_brought_papers,
    months_after,
    named_appointment,
    needs_evidence,
    organisation_example,
    passed,
)

from ._common import rule

_ON = date(2024, 12, 31)


_org_example = partial(organisation_example, as_of=_ON)


_attested = partial(attestation_example, on="2024-12-31", by="Director of Customer Experience")


def _upheld_case(reference: str) -> dict[str, Any]:
    """An example complaint upheld at stage 1."""
    return {
        "reference": reference,
        "received_on": "2024-09-02",
        "stages": [{"number": 1, "response": {"issued_on": "2024-09-13", "outcome": "upheld"}}],
    }


EXAMPLE = EXAMPLE_LANDLORD
_LESSON = {
    "case": "L-1",
    "lesson": "Damp reports were closed without an inspection.",
    "lesson_on": "2024-09-20",
    "action": "Every damp report gets an inspection within 10 working days.",
    "action_due": "2025-01-31",
}


# -- checks ----------------------------------------------------------------------------


def _learning_reported_to_stakeholders(org: Organisation, ctx: Context) -> Outcome:
    months: int = ctx.param("stakeholder_reports.window_months")
    since = months_after(ctx.on, -months)
    reports = sorted((r for r in org.stakeholder_reports if r.on <= ctx.on), key=lambda r: r.on)
    facts = {
        "stakeholder_reports": [{"on": r.on.isoformat(), "audience": r.audience} for r in reports]
    }
    computed = {"judged_on": ctx.on.isoformat(), "window_starts": since.isoformat()}
    if not reports:
        return needs_evidence(
            "no reporting of learning from complaints to stakeholders is recorded; list it "
            "under stakeholder_reports (on, audience, summary)",
            facts=facts,
            **computed,
        )
    recent = [r for r in reports if r.on >= since]
    if not recent:
        return failed(
            f"the latest report of learning to stakeholders was on {reports[-1].on} "
            f"({reports[-1].audience}); none since {since} ({months} months before "
            f"{ctx.on})",
            facts=facts,
            **computed,
        )
    audiences = sorted({r.audience for r in recent})
    return passed(
        f"{len(recent)} report(s) of learning to stakeholders since {since}: "
        + ", ".join(audiences),
        facts=facts,
        **computed,
    )


_senior_lead_named = named_appointment(
    "senior_lead",
    recorded=("name", "role", "appointed_on"),
    missing_verdict=Verdict.NEEDS_EVIDENCE,
    missing=(
        "no senior lead accountable for complaint handling is recorded; set senior_lead "
        "(name, role, appointed_on)"
    ),
    in_post_by=(
        "{name} takes up the role on {appointed_on}, after {on}: nobody held it on the date judged"
    ),
    held="senior lead for complaints: {name}{role_note}",
)

_mrc_on_governing_body = named_appointment(
    "member_responsible_for_complaints",
    recorded=("name", "on_governing_body", "appointed_on"),
    missing_verdict=Verdict.NEEDS_EVIDENCE,
    missing=(
        "no Member Responsible for Complaints is recorded; set "
        "member_responsible_for_complaints (name, on_governing_body: true)"
    ),
    must_be="on_governing_body",
    not_so="{name} is recorded as the MRC but is not a member of the governing body",
    in_post_by=(
        "{name} is appointed from {appointed_on}, after {on}: there was no MRC on the date judged"
    ),
    unknown=(
        "{name} is named as MRC, but not whether they sit on the governing body; set "
        "member_responsible_for_complaints.on_governing_body"
    ),
    held="MRC: {name}, a member of the governing body",
)


def _governing_body_informed(org: Organisation, ctx: Context) -> Outcome:
    kinds: list[str] = ctx.param("governing_body_reports.kinds")
    months: int = ctx.param("governing_body_reports.window_months")
    since = months_after(ctx.on, -months)
    reports = sorted((r for r in org.governing_body_reports if r.on <= ctx.on), key=lambda r: r.on)
    recent = [r for r in reports if r.on >= since]
    # A paper dated after the day judged had not reached the board then: left out, named.
    later = "".join(
        f"; governing_body_reports[{i}] is dated {r.on.isoformat()}, after the day judged "
        f"({ctx.on.isoformat()}), and is left out"
        for i, r in enumerate(org.governing_body_reports)
        if r.on > ctx.on
    )
    facts = {
        "governing_body_reports": [
            {"on": r.on.isoformat(), "covers": list(r.covers)} for r in reports
        ]
    }
    computed: dict[str, Any] = {"judged_on": ctx.on.isoformat(), "window_starts": since.isoformat()}
    if not reports:
        return needs_evidence(
            "no complaints papers to the governing body or MRC are recorded; list them under "
            "governing_body_reports (on, covers)" + later,
            facts=facts,
            **computed,
        )
    if not recent:
        return failed(
            f"the latest complaints paper to the governing body was on {reports[-1].on}; "
            f"none since {since} ({months} months before {ctx.on})" + later,
            facts=facts,
            **computed,
        )
    if not any(r.covers for r in recent):
        return needs_evidence(
            f"{len(recent)} paper(s) since {since} are recorded without what they covered; "
            f"set governing_body_reports[].covers (from: {', '.join(kinds)})" + later,
            facts=facts,
            **computed,
        )
    seen: dict[str, str] = {}
    for r in recent:
        for kind in r.covers:
            seen[kind] = r.on.isoformat()
    missing = [k for k in kinds if k not in seen]
    computed["latest_by_kind"] = {k: seen[k] for k in kinds if k in seen}
    if missing:
        return failed(
            f"in the {months} months since {since} the governing body received nothing on: "
            + ", ".join(missing)
            + later,
            facts=facts,
            **computed,
        )
    return passed(
        f"since {since} the governing body received all {len(kinds)} kinds of complaints "
        "information (latest: " + ", ".join(f"{k} {seen[k]}" for k in kinds) + ")" + later,
        facts=facts,
        **computed,
    )


def _standard_objective(org: Organisation, ctx: Context) -> Outcome:
    obj = org.staff_objective
    if obj is None:
        return needs_evidence(
            "no standard complaint-handling objective is recorded; set staff_objective "
            "(in_place, covers_third_parties, share_of_relevant_staff)",
            facts={"staff_objective": None},
        )
    facts = {
        "staff_objective.in_place": obj.in_place,
        "staff_objective.covers_third_parties": obj.covers_third_parties,
        "staff_objective.share_of_relevant_staff": obj.share_of_relevant_staff,
    }
    problems = []
    if not obj.in_place:
        problems.append("there is no standard complaint-handling objective in place")
    if obj.covers_third_parties is False:
        problems.append("the objective does not extend to relevant third parties")
    if obj.share_of_relevant_staff is not None and obj.share_of_relevant_staff < 1:
        problems.append(
            f"only {obj.share_of_relevant_staff:.0%} of relevant staff have it (expected all)"
        )
    if problems:
        return failed("; ".join(problems), facts=facts)
    if obj.covers_third_parties is None:
        return needs_evidence(
            "the objective is in place, but the file does not say whether it covers relevant "
            "third parties; set staff_objective.covers_third_parties",
            facts=facts,
        )
    share = (
        f" ({obj.share_of_relevant_staff:.0%} of relevant staff)"
        if obj.share_of_relevant_staff is not None
        else ""
    )
    return passed(
        f"a standard objective is in place for staff and third parties{share}", facts=facts
    )


# 9.1: look past the single complaint for service improvements its lessons suggest.
CHC24_9_1 = rule(
    "9.1",
    "Learning beyond the individual complaint",
    summary=(
        "Beyond resolving the complaint in hand, the landlord asks what it teaches about the "
        "service and whether something should change for everyone."
    ),
    explanation="""
        Portfolio: every upheld complaint among the cases judged (its last response upheld
        or partly upheld) has an entry in the organisation's learning_log, keyed to its case
        reference, with a lesson and the date it was recorded, and an action with a due or
        done date; a complaint without one fails, naming it. Entries recorded after the day
        judged are left out; an entry naming a case not among those judged is named (needs
        evidence, or beside the failures). No log recorded needs evidence; no upheld
        complaint is not applicable. Whether the lessons look past the single complaint is
        a person's judgement: the rule also reads an attestation for 9.1.
    """,
    portfolio=lessons_drawn,
    attestation=(
        "a learning log or root-cause reviews showing service changes considered or made "
        "because of individual complaints"
    ),
    examples=[
        example(
            Subject.PORTFOLIO,
            Verdict.FAIL,
            "an upheld complaint with no lesson logged",
            as_of=_ON,
            cases=[_upheld_case("L-1"), _upheld_case("L-2")],
            organisation={"name": EXAMPLE, "learning_log": [_LESSON]},
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "each upheld complaint has a dated lesson and action",
            as_of=_ON,
            cases=[_upheld_case("L-1"), _upheld_case("L-2")],
            organisation={
                "name": EXAMPLE,
                "learning_log": [_LESSON, {**_LESSON, "case": "L-2"}],
            },
        ),
        _attested(
            "9.1",
            True,
            "Each upheld complaint gets a root-cause note; changes are logged monthly.",
            "Learning log 2024/25",
        ),
        _attested(
            "9.1",
            False,
            "Complaints are closed without any review of wider lessons.",
            "Complaints file audit, December 2024",
        ),
    ],
)

# 9.2: complaints are used as intelligence to spot problems and improve services (a
# positive complaint-handling culture).
CHC24_9_2 = rule(
    "9.2",
    "Complaints used as intelligence",
    summary=(
        "The landlord treats complaints as a source of insight, using them to find problems "
        "and improve how it delivers services, as part of a positive culture towards "
        "complaints."
    ),
    explanation="""
        Portfolio: the actions the learning_log records are carried out: an action not done
        by its due date (action_due before the day judged, no action_done_on by then)
        fails, naming its entry; one due on the day judged is not yet late; an action with
        neither date needs evidence; lessons that led to no action at all fail. An entry
        naming a case not among those judged is named. No log recorded needs evidence.
        Culture and the use of insight are judged by a person: the rule also reads an
        attestation for 9.2, for example trend reports that led to named service changes.
    """,
    portfolio=lessons_acted_on,
    attestation=(
        "trend or insight reports drawn from complaints and the service changes they led to"
    ),
    examples=[
        example(
            Subject.PORTFOLIO,
            Verdict.FAIL,
            "an action from the log overdue",
            as_of=_ON,
            cases=[_upheld_case("L-1")],
            organisation={
                "name": EXAMPLE,
                "learning_log": [{**_LESSON, "action_due": "2024-12-30"}],
            },
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "an action done, another due on the day judged",
            as_of=_ON,
            cases=[_upheld_case("L-1"), _upheld_case("L-2")],
            organisation={
                "name": EXAMPLE,
                "learning_log": [
                    {**_LESSON, "action_done_on": "2024-11-30"},
                    {**_LESSON, "case": "L-2", "action_due": "2024-12-31"},
                ],
            },
        ),
        _attested(
            "9.2",
            True,
            "Quarterly insight reports led to a new damp triage and repairs follow-up calls.",
            "Insight report Q2 2024/25",
        ),
        _attested(
            "9.2",
            False,
            "Complaint data is not analysed for trends.",
            "Internal audit report, November 2024",
        ),
    ],
)

# 9.3: wider learning and improvements are reported back to stakeholders such as
# residents' panels, staff and committees.
CHC24_9_3 = rule(
    "9.3",
    "Learning reported back to stakeholders",
    summary=(
        "For accountability, the landlord tells the people with a stake in its service, "
        "such as resident panels, staff and committees, what it has learned from complaints "
        "and what it has improved."
    ),
    explanation="""
        Organisation: at least one entry in `stakeholder_reports` dated within
        `stakeholder_reports.window_months` months up to the date judged (the window's
        first day counts). The Code gives no frequency; a year is this library's floor.
        Older reports only fail; none at all needs evidence.
    """,
    organisation=_learning_reported_to_stakeholders,
    examples=[
        _org_example(
            Verdict.FAIL,
            "last reported to the residents' panel in 2023",
            stakeholder_reports=[{"on": "2023-11-14", "audience": "Residents' panel"}],
        ),
        _org_example(
            Verdict.PASS,
            "quarterly updates to the panel and staff",
            stakeholder_reports=[
                {"on": "2024-07-16", "audience": "Residents' panel"},
                {"on": "2024-10-15", "audience": "All staff briefing"},
            ],
        ),
    ],
)

# 9.4: a suitably senior lead is accountable for complaint handling and looks at themes and
# trends for systemic issues, serious risks and policies that need revising.
CHC24_9_4 = rule(
    "9.4",
    "A senior lead accountable for complaints",
    summary=(
        "A sufficiently senior person is answerable for complaint handling and studies "
        "patterns in complaints to find systemic problems, serious risks and policies or "
        "procedures that need changing."
    ),
    explanation="""
        Two parts. Organisation: `senior_lead` must name someone (unset needs evidence)
        who was in post on the date judged (an `appointed_on` after it fails). Seniority
        and the work on themes and trends need a person's word: an attestation for 9.4.
    """,
    organisation=_senior_lead_named,
    attestation=(
        "the lead's place in the organisation (for example an executive director) and "
        "papers showing them reviewing complaint themes and trends"
    ),
    examples=[
        _org_example(
            Verdict.PASS,
            "an executive director named",
            senior_lead={
                "name": "J. Mensah",
                "role": "Executive Director of Housing",
                "appointed_on": "2024-04-01",
            },
        ),
        _org_example(
            Verdict.FAIL,
            "lead not in post until next year",
            senior_lead={"name": "J. Mensah", "appointed_on": "2025-02-01"},
        ),
        _org_example(Verdict.NEEDS_EVIDENCE, "no lead recorded"),
        _attested(
            "9.4",
            False,
            "The lead is a team leader with no access to the executive.",
            "Organisation chart 2024",
        ),
        _attested(
            "9.4",
            True,
            "The lead sits on the executive team and reviews complaint themes each quarter.",
            "Organisation chart 2024",
            "Executive team minutes, Q2 2024-25",
        ),
    ],
)

# 9.5: a member of the governing body is appointed with lead responsibility for
# complaints: the Member Responsible for Complaints (MRC).
CHC24_9_5 = rule(
    "9.5",
    "A Member Responsible for Complaints",
    summary=(
        "One member of the governing body (or its equivalent) is given lead responsibility "
        "for complaints and for a positive culture around them; the Code calls this person "
        "the Member Responsible for Complaints."
    ),
    explanation="""
        Organisation: `member_responsible_for_complaints` must name someone with
        `on_governing_body: true`. Recorded as not on the governing body, or appointed
        after the date judged: fail. Unset, or membership not stated: needs evidence.
    """,
    organisation=_mrc_on_governing_body,
    examples=[
        _org_example(
            Verdict.FAIL,
            "MRC is an officer, not a board member",
            member_responsible_for_complaints={"name": "R. Shah", "on_governing_body": False},
        ),
        _org_example(
            Verdict.PASS,
            "a board member appointed MRC",
            member_responsible_for_complaints={
                "name": "C. Doyle",
                "role": "Board member",
                "on_governing_body": True,
                "appointed_on": "2024-05-16",
            },
        ),
        _org_example(
            Verdict.NEEDS_EVIDENCE,
            "board membership not stated",
            member_responsible_for_complaints={"name": "C. Doyle"},
        ),
    ],
)

# 9.6: the MRC makes sure the governing body regularly gets insight into complaint
# handling, and has the information and staff access to do it and report findings.
_MRC = {"name": "Cllr J. Shah", "on_governing_body": True}


def _paper(on: str, by: str | None) -> dict[str, Any]:
    paper: dict[str, Any] = {"on": on, "covers": ["volumes_and_performance"]}
    if by is not None:
        paper["presented_by"] = by
    return paper


CHC24_9_6 = rule(
    "9.6",
    "The MRC keeps the governing body informed",
    summary=(
        "The Member Responsible for Complaints sees that the governing body regularly gets "
        "information that shows how well complaints are handled, and can call on the "
        "information and people needed to do so and to report back."
    ),
    explanation="""
        Organisation: within the `governing_body_reports.window_months` months up to the
        date judged, at least one complaints paper to the governing body was brought by the
        MRC (governing_body_reports[].presented_by, compared with
        member_responsible_for_complaints.name without regard to case or spacing); none in
        the window, or none brought by the MRC, fails; papers that do not record who brought
        them need evidence. A paper dated after the day judged is named and left out. What
        the papers covered is checked by 9.7. The MRC's access to information and staff is
        a matter for a person to vouch for: the rule also reads an attestation for 9.6.
    """,
    organisation=member_brought_papers("governing_body_reports.window_months"),
    attestation=(
        "the MRC's role description, the schedule of complaints papers they bring to the "
        "governing body, and how they reach complaints data and staff"
    ),
    examples=[
        _org_example(
            Verdict.FAIL,
            "the papers were brought by officers, never by the MRC",
            member_responsible_for_complaints=_MRC,
            governing_body_reports=[_paper("2024-09-30", "Director of Housing")],
        ),
        _org_example(
            Verdict.PASS,
            "the MRC brought the quarterly paper",
            member_responsible_for_complaints=_MRC,
            governing_body_reports=[_paper("2024-09-30", "cllr j. shah")],
        ),
        _attested(
            "9.6",
            True,
            "The MRC attends the quarterly customer committee and reports to the Board.",
            "MRC role profile; Board minutes 2024",
        ),
        _attested(
            "9.6",
            False,
            "The MRC has no access to complaint data between annual reports.",
            "Governance review, October 2024",
        ),
    ],
)

# 9.7: at the least, the MRC and governing body get (a) regular figures on volumes,
# categories, outcomes and performance, (b) regular reviews of issues and trends, (c)
# regular updates on Ombudsman investigations and severe-maladministration orders, and
# (d) the annual complaints report.
CHC24_9_7 = rule(
    "9.7",
    "What the governing body receives",
    summary=(
        "As a minimum the MRC and governing body are kept up to date on complaint numbers, "
        "types, outcomes and handling performance, on issues and trends, on Ombudsman "
        "investigations and progress with orders after severe maladministration, and receive "
        "the annual complaints report."
    ),
    explanation="""
        Organisation: the `governing_body_reports` dated within
        `governing_body_reports.window_months` months up to the date judged (the window's
        first day counts) must together cover every kind in `governing_body_reports.kinds`
        (missing kinds are named). 'Regular' is read as at least once in the window: a
        floor, not a target. No papers at all, or papers that do not record what they
        covered, need evidence; papers all older than the window fail. A paper dated
        after the day judged is left out and named in the finding.
    """,
    organisation=_governing_body_informed,
    examples=[
        _org_example(
            Verdict.FAIL,
            "no update on Ombudsman investigations this year",
            governing_body_reports=[
                {"on": "2024-06-20", "covers": ["volumes_and_performance", "annual_report"]},
                {"on": "2024-09-19", "covers": ["volumes_and_performance", "themes_and_trends"]},
            ],
        ),
        _org_example(
            Verdict.PASS,
            "quarterly papers covering all four",
            governing_body_reports=[
                {"on": "2024-06-20", "covers": ["volumes_and_performance", "annual_report"]},
                {
                    "on": "2024-09-19",
                    "covers": [
                        "volumes_and_performance",
                        "themes_and_trends",
                        "ombudsman_investigations",
                    ],
                },
            ],
        ),
    ],
)

# 9.8: relevant staff and third parties have a standard complaint-handling objective:
# collaborate across teams, own failings collectively rather than blame, and keep to
# professional standards.
CHC24_9_8 = rule(
    "9.8",
    "A standard complaint-handling objective",
    summary=(
        "Every relevant employee, and relevant contractor or other third party, has a "
        "standard objective on complaints: work with colleagues across teams to resolve "
        "them, share responsibility for failings instead of blaming others, and follow any "
        "professional standards that apply."
    ),
    explanation="""
        Two parts. Organisation: `staff_objective.in_place` must be true and
        `covers_third_parties` true (unset needs evidence); a `share_of_relevant_staff`
        below 1 (not all relevant staff) fails. The objective's wording (the three points)
        needs a person's word: an attestation for 9.8 with the objective's text.
    """,
    organisation=_standard_objective,
    attestation=(
        "the wording of the standard objective, showing collaboration across teams, "
        "collective ownership of failings and professional standards"
    ),
    examples=[
        _org_example(
            Verdict.FAIL,
            "objective for staff only",
            staff_objective={"in_place": True, "covers_third_parties": False},
        ),
        _org_example(
            Verdict.PASS,
            "objective for all staff and contractors",
            staff_objective={
                "in_place": True,
                "covers_third_parties": True,
                "share_of_relevant_staff": 1.0,
            },
        ),
        _org_example(Verdict.NEEDS_EVIDENCE, "nothing recorded"),
        _attested(
            "9.8",
            True,
            "The standard objective covers joint working, shared ownership and standards.",
            "Appraisal objective wording 2024",
        ),
        _attested(
            "9.8",
            False,
            "The objective asks only that complaints be closed on time.",
            "Appraisal objective wording 2024",
        ),
    ],
)

RULES: tuple[Rule, ...] = (
    CHC24_9_1,
    CHC24_9_2,
    CHC24_9_3,
    CHC24_9_4,
    CHC24_9_5,
    CHC24_9_6,
    CHC24_9_7,
    CHC24_9_8,
)
