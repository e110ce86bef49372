"""Section 3: the people who handle complaints."""

from __future__ import annotations

from datetime import date

from complaintrules.authoring import (
    Level,
    Verdict,
    handler_not_complained_about,
    named_appointment,
    organisation_example,
    training_recorded,
)

from ._common import rule
from ._helpers import (
    attestation_examples,
    case_example,
    stage1,
    stage2,
)

_complaints_officer = named_appointment(
    "complaints_officer",
    recorded=("name", "reports_to_governing_body"),
    missing=(
        "no person or team is recorded as responsible for complaint handling; set "
        "complaints_officer in the organisation file"
    ),
    must_be="reports_to_governing_body",
    not_so="{name} is responsible for complaints but does not report them to the governing body",
    unknown=(
        "{name} is named; the file does not say whether complaints are reported to the "
        "governing body (set complaints_officer.reports_to_governing_body)"
    ),
    held="{name} is responsible for complaints and reports them to the governing body",
)

# 3.1: a named person or team (the "complaints officer") owns complaint handling and
# reporting to the governing body.
CHC20_3_1 = rule(
    "3.1",
    "A complaints officer who reports to the governing body",
    level=Level.MUST,
    summary=(
        "A named person or team is responsible for complaints getting the attention they "
        "need and for reporting them to the governing body."
    ),
    explanation="""
        Organisation: complaints_officer must name a person or team, and
        reports_to_governing_body must be true.
    """,
    organisation=_complaints_officer,
    examples=[
        organisation_example(Verdict.FAIL, "nobody named"),
        organisation_example(
            Verdict.PASS,
            "Head of Housing, reporting to the board",
            complaints_officer={"name": "Head of Housing", "reports_to_governing_body": True},
        ),
    ],
)

# 3.2: handlers have the right skills and no conflict of interest.
CHC20_3_2 = rule(
    "3.2",
    "Skilled handlers without conflicts of interest",
    level=Level.MUST,
    summary=(
        "Whoever is appointed to handle a complaint has the skills to do it and no conflict "
        "of interest in it."
    ),
    explanation="""
        Case: where the case records the staff the complaint is about
        (staff_complained_about), a stage 1, 2 or 3 handler among them (names compared
        without regard to case or spacing) is the plainest conflict of interest and fails;
        none among them passes; a reached stage whose handler is not recorded needs
        evidence; a case that does not record the staff, or names none, is not applicable.
        Skills, and conflicts the data cannot show, are matters a person must vouch for: an
        attestation for 3.2 (how handlers are chosen, and what happens when one is
        conflicted) settles them.
    """,
    case=handler_not_complained_about((1, 2, 3)),
    attestation=(
        "how handlers are chosen for their skills, and how a handler with a conflict of "
        "interest (named in the complaint, living on the estate) is replaced"
    ),
    examples=[
        case_example(
            Verdict.FAIL,
            "the stage 1 handler is the officer complained about",
            stage1(),
            staff_complained_about=["A. Patel"],
        ),
        case_example(
            Verdict.PASS,
            "no handler is among the staff complained about",
            stage1(),
            stage2(),
            staff_complained_about=["C. Reid"],
        ),
        *attestation_examples(
            "3.2",
            met=(
                "A manager not involved in the matter handles each complaint; conflicts are logged."
            ),
            not_met="Complaints go to the manager of the team complained about.",
        ),
    ],
)


# 3.3: handlers are fair and sensitive, trained (including for distressed residents), can
# reach staff at all levels and have authority to resolve disputes.
CHC20_3_3 = rule(
    "3.3",
    "Handlers trained, sensitive, with access and authority",
    level=Level.SHOULD,
    summary=(
        "Complaint handlers act with sensitivity and fairness, are trained to handle "
        "complaints and upset residents, can reach staff at every level, and are empowered "
        "to settle disputes quickly and fairly."
    ),
    explanation="""
        Organisation: complaint-handling training must be recorded within the 24 months
        before the date judged (none recorded needs evidence; the period is our choice).
        Sensitivity, access to staff and authority to settle are for an
        attestation for 3.3.
    """,
    organisation=training_recorded,
    attestation="handlers' delegated authority (for example a compensation limit) and access",
    examples=[
        *attestation_examples(
            "3.3",
            met="Handlers may offer up to 500 pounds and call on any director.",
            not_met="Handlers must refer every offer of redress to the executive team.",
        ),
        organisation_example(
            Verdict.PASS,
            "trained in 2023",
            as_of=date(2024, 3, 31),
            training=[{"on": "2023-02-14", "audience": "service managers", "topic": "the Code"}],
        ),
        organisation_example(
            Verdict.FAIL,
            "last trained more than 24 months before",
            as_of=date(2024, 3, 31),
            training=[{"on": "2022-03-30", "audience": "service managers", "topic": "the Code"}],
        ),
    ],
)

RULES = (CHC20_3_1, CHC20_3_2, CHC20_3_3)
