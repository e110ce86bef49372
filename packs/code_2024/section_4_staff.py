"""Section 4: who handles complaints, and with what authority and resources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    Context,
    Outcome,
    Portfolio,
    Subject,
    Verdict,
    attestation_example,
    example,
    failed,
    named_appointment,
    needs_evidence,
    not_applicable,
    passed,
    training_recorded,
)

from ._common import rule

_complaints_officer_named = named_appointment(
    "complaints_officer",
    recorded=("name", "reports_to_governing_body"),
    missing=(
        "no complaints officer (a named person or team) is recorded; set "
        "complaints_officer in the organisation file"
    ),
    must_be="reports_to_governing_body",
    not_so="{name} is named, but the file says they do not report to the governing body",
    held="complaints officer: {name}",
)

# 4.1: a named complaints officer (person or team) owns complaint handling, Ombudsman
# liaison and reporting to the governing body.
CHC24_4_1 = rule(
    "4.1",
    "A named complaints officer",
    summary=(
        "A named person or team is accountable for handling complaints, for dealing with the "
        "Ombudsman and for reporting to the governing body; it may be one of several roles."
    ),
    explanation="""
        Checked on the organisation file: `complaints_officer` must name a person or team,
        and must not be recorded as lacking a line to the governing body.
    """,
    organisation=_complaints_officer_named,
    examples=[
        example(Subject.ORGANISATION, Verdict.FAIL, "no officer recorded", name=EXAMPLE_LANDLORD),
        example(
            Subject.ORGANISATION,
            Verdict.PASS,
            "a named team that reports to the board",
            name=EXAMPLE_LANDLORD,
            complaints_officer={
                "name": "Customer Resolution Team",
                "reports_to_governing_body": True,
            },
        ),
    ],
)

# 4.2: the officer can reach staff at every level and has the authority to settle disputes.
# The data settles one part of the authority: the complaints officer's delegated remedy
# limit against the financial remedies stage 1 actually awarded. Access to staff at every
# level stays attested.


def _stage1_awards(portfolio: Portfolio) -> list[tuple[str, Decimal]]:
    """(case reference, total financial remedy at stage 1) of each case that awarded one."""
    out = []
    for case in portfolio.cases:
        st = case.stage(1)
        if st is None:
            continue
        amounts = [r.amount for r in st.remedies if r.kind.value == "financial" and r.amount]
        if amounts:
            out.append((case.reference, sum(amounts, Decimal(0))))
    return out


def _officer_authority(portfolio: Portfolio, ctx: Context) -> Outcome:
    org = portfolio.organisation
    officer = org.complaints_officer if org is not None else None
    limit = officer.remedy_limit if officer is not None else None
    awards = _stage1_awards(portfolio)
    facts = {
        "complaints_officer.remedy_limit": str(limit) if limit is not None else None,
        "stage1_financial_remedies": {ref: str(total) for ref, total in awards},
    }
    if not awards:
        return not_applicable("no financial remedy was awarded at stage 1", facts=facts)
    if limit is None:
        return needs_evidence(
            "stage 1 awarded financial remedies, but the complaints officer's remedy limit is "
            "not recorded; set complaints_officer.remedy_limit (pounds)",
            facts=facts,
        )
    over = [f"{ref} ({total:,.2f})" for ref, total in awards if total > limit]
    if over:
        shown = ", ".join(over[:10]) + (f" and {len(over) - 10} more" if len(over) > 10 else "")
        return failed(
            f"stage 1 awarded more than the complaints officer may award ({limit:,.2f} "
            f"pounds) in {len(over)} case(s): {shown}; the officer lacks the authority to "
            "settle what stage 1 settles",
            facts=facts,
        )
    largest = max(total for _, total in awards)
    return passed(
        f"every stage 1 financial remedy (the largest {largest:,.2f} pounds) is within the "
        f"complaints officer's limit of {limit:,.2f} pounds",
        facts=facts,
    )


def _awarded(reference: str, amount: str) -> dict[str, object]:
    return {
        "reference": reference,
        "received_on": "2024-05-01",
        "stages": [
            {
                "number": 1,
                "response": {"issued_on": "2024-05-20", "outcome": "upheld"},
                "remedies": [{"kind": "financial", "amount": amount}],
            }
        ],
    }


def _officer(limit: str) -> dict[str, object]:
    return {
        "name": EXAMPLE_LANDLORD,
        "complaints_officer": {"name": "Complaints Team", "remedy_limit": limit},
    }


CHC24_4_2 = rule(
    "4.2",
    "Authority and access for the complaints officer",
    summary=(
        "The complaints officer can reach staff at every level and is empowered to settle "
        "complaints quickly and fairly."
    ),
    explanation="""
        Portfolio: the complaints officer's delegated remedy limit
        (complaints_officer.remedy_limit, pounds) must cover the financial remedies stage 1
        actually awarded (each case's total): a case above it fails, naming it, since the
        officer could not settle it alone; all within it passes; no limit recorded needs
        evidence; no stage 1 award is not applicable. Access to staff at every level is a
        matter a person must vouch for: the rule also reads an attestation for 4.2.
    """,
    portfolio=_officer_authority,
    attestation=(
        "the officer's role description or delegation of authority (for example a "
        "compensation limit they can approve) and how they reach senior staff"
    ),
    examples=[
        example(
            Subject.PORTFOLIO,
            Verdict.FAIL,
            "stage 1 awarded 400 pounds; the officer may award 250",
            as_of=date(2024, 12, 31),
            cases=[_awarded("A-1", "400"), _awarded("A-2", "100")],
            organisation=_officer("250"),
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "every stage 1 award within the officer's 500 pounds",
            as_of=date(2024, 12, 31),
            cases=[_awarded("A-1", "400"), _awarded("A-2", "100")],
            organisation=_officer("500"),
        ),
        attestation_example(
            "4.2",
            False,
            "The officer cannot approve any compensation.",
            "Scheme of delegation 2024",
            on="2024-06-01",
            by="Head of Governance",
        ),
        attestation_example(
            "4.2",
            None,
            "The officer may settle complaints up to 1,000 pounds.",
            "Scheme of delegation 2024, s.3",
            on="2024-06-01",
            by="Head of Governance",
            title="attested with the delegation scheme",
        ),
    ],
)

# 4.3: complaint handling is a resourced core service; relevant staff are trained.
CHC24_4_3 = rule(
    "4.3",
    "Complaint handling resourced and staff trained",
    summary=(
        "Complaint handling is treated and resourced as a core service with a learning "
        "culture, and the staff who need it are trained."
    ),
    explanation="""
        Two parts. Training can be read from the data: a recorded session within the
        24 months before the date judged (organisation check; the period is a parameter,
        our choice, as the Code sets none). Resourcing and culture need a person's word:
        an attestation for 4.3 with evidence.
    """,
    organisation=training_recorded,
    attestation="resourcing of the complaints team and how a learning culture is fostered",
    examples=[
        example(
            Subject.ATTESTATION, Verdict.NEEDS_EVIDENCE, "nothing attested", name=EXAMPLE_LANDLORD
        ),
        attestation_example(
            "4.3",
            False,
            "Two vacant posts; backlog of 40 cases.",
            "Board paper 2024-05",
            on="2024-06-01",
            by="Director of Customer Services",
            title="attested as under-resourced",
        ),
        attestation_example(
            "4.3",
            True,
            "The complaints team is fully staffed; lessons are shared monthly.",
            "Board paper 2024-05",
            "Learning bulletin, May 2024",
            on="2024-06-01",
            by="Director of Customer Services",
            title="attested as resourced, with a learning culture",
        ),
        example(
            Subject.ORGANISATION,
            Verdict.PASS,
            "training within the last 24 months",
            as_of=date(2024, 12, 31),
            name=EXAMPLE_LANDLORD,
            training=[{"on": "2024-05-10", "audience": "all housing staff", "topic": "the Code"}],
        ),
        example(
            Subject.ORGANISATION,
            Verdict.FAIL,
            "latest training more than 24 months ago",
            as_of=date(2024, 12, 31),
            name=EXAMPLE_LANDLORD,
            training=[{"on": "2022-11-30", "audience": "all housing staff", "topic": "the Code"}],
        ),
    ],
)

RULES = (CHC24_4_1, CHC24_4_2, CHC24_4_3)
