"""Section 4: who handles complaints, and with what authority and resources."""

from __future__ import annotations

from datetime import date

from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    Subject,
    Verdict,
    attestation_example,
    example,
    named_appointment,
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
CHC24_4_2 = rule(
    "4.2",
    "Authority and access for the complaints officer",
    summary=(
        "The complaints officer can reach staff at every level and is empowered to settle "
        "complaints quickly and fairly."
    ),
    explanation="""
        Authority and access are matters of fact a person must vouch for: the rule reads
        an attestation for 4.2 from the organisation file.
    """,
    attestation=(
        "the officer's role description or delegation of authority (for example a "
        "compensation limit they can approve) and how they reach senior staff"
    ),
    examples=[
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
