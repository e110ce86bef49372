"""Complaints policies written for these tests, in our own words (no landlord's text)."""

from __future__ import annotations

from .builders import Spec

#: Two stages, Code timescales, a 12-month limit counted from awareness, the Ombudsman's
#: definition and details: a policy that says what the Code asks.
COMPLIANT: Spec = [
    ("h1", "Brookfield Homes Complaints Policy"),
    ("h2", "1 What a complaint is"),
    (
        "p",
        "1.1 We define a complaint as an expression of dissatisfaction, however made, about "
        "the standard of service, actions or lack of action by Brookfield Homes, our staff, or "
        "anyone acting on our behalf, affecting a resident or a group of residents.",
    ),
    (
        "p",
        "1.2 A service request is a resident asking us to provide or put right a service, for "
        "example reporting a broken boiler. Service requests are not treated as complaints.",
    ),
    ("p", "1.3 You do not need to use the word complaint for us to treat it as one."),
    ("h2", "2 Time limits"),
    (
        "p",
        "2.1 We will accept a complaint made within twelve months of the problem happening, or "
        "of when you first became aware of it. We may use our discretion to look at older "
        "matters where there is good reason.",
    ),
    ("h2", "3 Making a complaint"),
    (
        "p",
        "3.1 You can complain by phone, by email, in writing or through the form on our "
        "website. Any member of staff will take your complaint. We will make reasonable "
        "adjustments for anyone who needs them.",
    ),
    ("h2", "4 Stage 1"),
    ("p", "4.1 We will acknowledge your complaint within five working days of receiving it."),
    (
        "p",
        "4.2 We will send our full response within 10 working days of acknowledging your "
        "complaint.",
    ),
    (
        "p",
        "4.3 If we need longer, we will write to you before the deadline, explain why, and "
        "extend by no more than a further ten working days. Our letter will include the "
        "Housing Ombudsman's contact details.",
    ),
    ("h2", "5 Stage 2"),
    (
        "p",
        "5.1 If you remain unhappy you can ask us to escalate your complaint. You do not need "
        "to give reasons for asking.",
    ),
    ("p", "5.2 A manager who was not involved at stage 1 will handle the review."),
    (
        "p",
        "5.3 We will acknowledge the escalation within 5 working days, and respond within 20 "
        "working days of the escalation request.",
    ),
    (
        "p",
        "5.4 Where we need more time we will extend by up to 20 working days, tell you the "
        "reasons and give you the Housing Ombudsman's details.",
    ),
    ("h2", "6 The Housing Ombudsman"),
    (
        "p",
        "6.1 You can refer your complaint to the Housing Ombudsman at any time. Call 0300 111 "
        "3000 or visit www.housing-ombudsman.org.uk.",
    ),
]

#: The mistakes the Code's reviews keep finding: an informal step before stage 1, a
#: six-month limit from the incident only, a response clock that starts at allocation,
#: a cap that is only an aim, calendar days and weeks, reasons demanded to escalate, a
#: stage 2 the landlord may refuse, and a third stage.
FAULTY: Spec = [
    ("h1", "Ashdown Living Customer Feedback Procedure"),
    ("h2", "1 Purpose"),
    (
        "p",
        "1.1 A complaint is when a customer tells us they are unhappy with a service we have "
        "provided.",
    ),
    (
        "p",
        "1.2 Complaints must be raised within six months of the incident taking place.",
    ),
    ("h2", "2 Informal resolution"),
    (
        "p",
        "2.1 Front-line staff will try to sort out your concern on the spot. We aim to do this "
        "within 3 working days.",
    ),
    ("h2", "3 Stage one"),
    ("p", "3.1 We will acknowledge your complaint within two working days."),
    (
        "p",
        "3.2 We will reply within 15 calendar days of the complaint being allocated to an "
        "investigating officer.",
    ),
    (
        "p",
        "3.3 Where the matter is complex we will let you know and aim to extend by no more "
        "than ten working days.",
    ),
    ("h2", "4 Stage two"),
    (
        "p",
        "4.1 To escalate, you must explain in writing why you are still dissatisfied. We may "
        "decide not to escalate a complaint where we consider it has been fully answered.",
    ),
    ("p", "4.2 We will respond within four weeks of receiving your escalation request."),
    (
        "p",
        "4.3 If the investigation takes longer, we will extend the timescale and keep you "
        "informed.",
    ),
    ("h2", "5 Stage three"),
    (
        "p",
        "5.1 A panel of board members and residents will review the case and respond within "
        "20 days.",
    ),
]

#: A short policy that says little: most facts silent.
SPARSE: Spec = [
    ("h1", "Millbeck Housing Co-operative: raising a concern"),
    (
        "p",
        "Members can raise complaints with the secretary at any meeting. The committee reads "
        "every complaint and decides what to do.",
    ),
]

#: The example Word document of the policy writers' guide (examples/draft-policy.docx):
#: the same five mistakes as examples/draft-noncompliant-policy.yaml, as a document says
#: them. Rebuild it with ``python -m tests.documents.policies``.
NORTHFIELD_DRAFT: Spec = [
    ("h1", "Northfield Housing Complaints Policy (draft for consultation)"),
    ("h2", "1 What we mean by a complaint"),
    (
        "p",
        "1.1 We define a complaint as an expression of dissatisfaction, however made, about "
        "the standard of service, actions or lack of action by Northfield Housing, its own "
        "staff, or those acting on its behalf, affecting a resident or group of residents.",
    ),
    ("p", "1.2 You do not need to use the word complaint for us to treat it as one."),
    ("h2", "2 When we cannot accept a complaint"),
    (
        "p",
        "2.1 Complaints should be made within six months of the issue. We may use our "
        "discretion to accept an older complaint where there is good reason.",
    ),
    ("h2", "3 How to complain"),
    (
        "p",
        "3.1 You can complain by phone, by email, by letter or through the form on our "
        "website. We will make reasonable adjustments if you need them.",
    ),
    ("h2", "4 Stage 0: informal resolution"),
    (
        "p",
        "4.1 Where we can, the officer you first speak to will put things right informally "
        "within 5 working days.",
    ),
    ("h2", "5 Stage 1: formal investigation"),
    ("p", "5.1 We will acknowledge your complaint within five working days of receiving it."),
    (
        "p",
        "5.2 We will respond in full within fifteen working days of the acknowledgement.",
    ),
    (
        "p",
        "5.3 If we need more time we will write to you before the deadline, explain the "
        "reasons and extend by no more than a further 10 working days.",
    ),
    ("h2", "6 Stage 2: review"),
    (
        "p",
        "6.1 If you are still unhappy you can ask for a review. You do not need to tell us why.",
    ),
    ("p", "6.2 A senior manager who was not involved at stage 1 will carry out the review."),
    (
        "p",
        "6.3 We will acknowledge your request within 5 working days and respond within 20 "
        "working days of the acknowledgement.",
    ),
    (
        "p",
        "6.4 If we need longer we will tell you why and extend by up to 20 working days; "
        "our letter will give the Housing Ombudsman's contact details.",
    ),
    ("h2", "7 The Housing Ombudsman"),
    (
        "p",
        "7.1 You can contact the Housing Ombudsman at any stage of your complaint for advice "
        "(0300 111 3000).",
    ),
]


if __name__ == "__main__":  # pragma: no cover - rebuilds the guide's example document
    from pathlib import Path

    from .builders import write_docx

    write_docx(NORTHFIELD_DRAFT, Path("examples/draft-policy.docx"))
