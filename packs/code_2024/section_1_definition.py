"""Section 1: what counts as a complaint, and how it differs from a service request."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

from complaintrules import Organisation
from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    CaseFact,
    Context,
    Outcome,
    Subject,
    Verdict,
    applies_if,
    attestation_example,
    case_field,
    example,
    failed,
    months_after,
    needs_evidence,
    passed,
    policy_definition_means,
    policy_states,
    when,
)

from ._common import rule


def _case(**facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "EX-1",
        "received_on": "2024-05-01",
        "stages": [{"number": 1, "acknowledged": {"on": "2024-05-09"}}],
    }
    data.update(facts)
    return data


# -- 1.2 ---------------------------------------------------------------------------------


_GOOD_DEFINITION = (
    "An expression of dissatisfaction, however made, about the standard of service, actions "
    "or lack of action by us, our own staff, or those acting on our behalf, affecting a "
    "resident or group of residents."
)

# 1.2: the policy defines a complaint in the Ombudsman's terms.
CHC24_1_2 = rule(
    "1.2",
    "The Ombudsman's definition of a complaint",
    summary=(
        "The policy uses the Ombudsman's broad definition: any dissatisfaction, voiced in "
        "any way, with the landlord's service, what it did or failed to do, or what its staff "
        "or agents did, where one or more residents are affected."
    ),
    explanation="""
        Policy: uses_ombudsman_definition must not be false. Where complaint_definition
        gives the policy's wording, it is compared by meaning, not by words: it must have
        each part of the Ombudsman's definition (dissatisfaction; however it is made; the
        standard of service; lack of action; those acting for the landlord; the residents
        affected), each found under any of its accepted phrasings (the parties may be
        residents, tenants, customers or leaseholders), and nothing narrowing it: a
        qualifier such as 'formal', 'made in writing', 'on our form' or a first report
        excluded fails, named with the words that narrow it. Where the policy also says
        the wording is the Ombudsman's definition (uses_ombudsman_definition: true), a
        part left out of that restatement is named but does not fail; a narrowing
        qualifier still does. With neither field set the rule needs evidence.
    """,
    policy=policy_definition_means(),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "a narrow definition: formal complaints about poor service only",
            complaint_definition="A formal statement by a tenant that our service was poor.",
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "every part kept, but only complaints made in writing count",
            complaint_definition=_GOOD_DEFINITION.replace(
                "however made,", "however made, provided it is made in writing,"
            ),
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "a definition with every key part",
            complaint_definition=_GOOD_DEFINITION,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "the Ombudsman's definition adopted and restated in short",
            uses_ombudsman_definition=True,
            complaint_definition="An expression of dissatisfaction with our service.",
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "the Ombudsman's definition adopted, but restated for formal complaints only",
            uses_ombudsman_definition=True,
            complaint_definition="A formal expression of dissatisfaction with our service.",
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "the same definition written for customers",
            complaint_definition=_GOOD_DEFINITION.replace(
                "a resident or group of residents", "a customer or group of customers"
            ),
        ),
    ],
)

# -- 1.3 ---------------------------------------------------------------------------------


_ASKED = case_field("resident_asked_to_complain")
_OFFERED = case_field("offered_choice_to_complain")
_choice_offered = (
    when(
        _OFFERED.is_false(),
        Verdict.FAIL,
        "the resident expressed dissatisfaction and the case records that they were not "
        "offered the choice to make a complaint (offered_choice_to_complain: false)",
    )
    .when(
        _OFFERED.present(), Verdict.PASS, "the resident was offered the choice to make a complaint"
    )
    .when(
        _ASKED.present(),
        Verdict.NOT_APPLICABLE,
        "the resident asked to complain, so there was no choice to offer",
    )
    .otherwise(
        Verdict.NEEDS_EVIDENCE,
        "the case does not say whether the resident was offered the choice to complain; set "
        "offered_choice_to_complain (or resident_asked_to_complain: true if they asked to "
        "complain)",
        facts={"resident_asked_to_complain": _ASKED, "offered_choice_to_complain": _OFFERED},
    )
)


# 1.3: no need to say "complaint"; dissatisfaction brings the offer to complain; complaints
# through a representative follow the same policy.
CHC24_1_3 = rule(
    "1.3",
    "No magic word; the choice to complain offered",
    summary=(
        "Residents need not use the word 'complaint'. Whenever they voice dissatisfaction "
        "they are given the option of complaining, and a complaint brought by a "
        "representative or other third party goes through the same policy."
    ),
    explanation="""
        Policy: word_complaint_not_required, offers_choice_to_complain and
        representatives_allowed must all be true (false fails, unset needs evidence).
        Case: offered_choice_to_complain false fails and true passes. A case where the
        resident asked to complain (resident_asked_to_complain: true) had no choice to
        offer and is not applicable; with neither fact recorded the rule needs evidence.
    """,
    policy=policy_states(
        (
            "word_complaint_not_required",
            "residents need not use the word 'complaint'",
            "the policy requires residents to use the word 'complaint'",
        ),
        (
            "offers_choice_to_complain",
            "dissatisfied residents are offered the choice to complain",
            "the policy does not offer dissatisfied residents the choice to complain",
        ),
        (
            "representatives_allowed",
            "complaints made through a representative follow the policy",
            "the policy does not handle complaints made through a representative",
        ),
    ),
    case=_choice_offered,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "the word 'complaint' is required",
            word_complaint_not_required=False,
            offers_choice_to_complain=True,
            representatives_allowed=True,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "all three stated",
            word_complaint_not_required=True,
            offers_choice_to_complain=True,
            representatives_allowed=True,
        ),
        example(
            Subject.CASE,
            Verdict.FAIL,
            "dissatisfaction with no offer to complain",
            **_case(offered_choice_to_complain=False),
        ),
        example(
            Subject.CASE,
            Verdict.PASS,
            "the choice was offered",
            **_case(offered_choice_to_complain=True),
        ),
        example(
            Subject.CASE,
            Verdict.NEEDS_EVIDENCE,
            "nothing recorded",
            **_case(),
        ),
    ],
)

# -- 1.4 ---------------------------------------------------------------------------------


def _service_requests_reviewed(org: Organisation, ctx: Context) -> Outcome:
    months: int = ctx.param("service_requests.review_interval_months")
    reviews = sorted(org.service_request_reviews)
    facts = {"service_request_reviews": [d.isoformat() for d in reviews]}
    if not reviews:
        return needs_evidence(
            "no review of service requests is recorded; list the dates under "
            "service_request_reviews",
            facts=facts,
        )
    gaps = [(a, b) for a, b in pairwise(reviews) if b > months_after(a, months)]
    latest = reviews[-1]
    next_due = months_after(latest, months)
    computed = {
        "review_interval_months": months,
        "latest_review": latest.isoformat(),
        "next_review_due_by": next_due.isoformat(),
        "judged_on": ctx.on.isoformat(),
    }
    if gaps:
        a, b = gaps[0]
        return failed(
            f"service requests went unreviewed from {a.isoformat()} to {b.isoformat()}, "
            f"more than {months} months",
            facts=facts,
            **computed,
        )
    if ctx.on > next_due:
        return failed(
            f"the latest review of service requests was on {latest.isoformat()}; by "
            f"{ctx.on.isoformat()} more than {months} months had passed (next was due by "
            f"{next_due.isoformat()})",
            facts=facts,
            **computed,
        )
    return passed(
        f"{len(reviews)} review(s) of service requests recorded, none more than {months} "
        f"months apart; the latest on {latest.isoformat()} (next due by "
        f"{next_due.isoformat()})",
        facts=facts,
        **computed,
    )


# 1.4: service requests are not complaints, the policy says how they differ, and they are
# recorded, monitored and reviewed regularly.
CHC24_1_4 = rule(
    "1.4",
    "Service requests told apart from complaints",
    summary=(
        "The policy explains how a request to put something right (a service request) "
        "differs from a complaint; service requests are not complaints but are still "
        "logged, tracked and looked at regularly."
    ),
    explanation="""
        Policy: service_requests.distinguished_from_complaints and
        service_requests.recorded_monitored_reviewed must be true.
        Organisation: service_request_reviews must list the review dates; no two may be
        more than service_requests.review_interval_months apart, nor may the latest be
        that long before the date judged on. The Code says only "regularly": the
        interval is this pack's reading (12 months), kept as a dated parameter.
    """,
    policy=policy_states(
        (
            "service_requests.distinguished_from_complaints",
            "the policy explains how service requests differ from complaints",
            "the policy does not distinguish service requests from complaints",
        ),
        (
            "service_requests.recorded_monitored_reviewed",
            "service requests are recorded, monitored and reviewed",
            "the policy does not have service requests recorded, monitored and reviewed",
        ),
    ),
    organisation=_service_requests_reviewed,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "no distinction drawn",
            service_requests={
                "distinguished_from_complaints": False,
                "recorded_monitored_reviewed": True,
            },
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "distinction drawn, requests reviewed",
            service_requests={
                "distinguished_from_complaints": True,
                "recorded_monitored_reviewed": True,
            },
        ),
        example(
            Subject.ORGANISATION,
            Verdict.FAIL,
            "reviews 14 months apart",
            name=EXAMPLE_LANDLORD,
            service_request_reviews=["2024-04-30", "2025-06-30"],
        ),
        example(
            Subject.ORGANISATION,
            Verdict.PASS,
            "quarterly reviews, judged at the end of 2024",
            as_of=date(2024, 12, 31),
            name=EXAMPLE_LANDLORD,
            service_request_reviews=["2024-06-30", "2024-09-30", "2024-12-31"],
        ),
        example(
            Subject.ORGANISATION,
            Verdict.FAIL,
            "last reviewed more than 12 months before the date judged",
            as_of=date(2025, 8, 1),
            name=EXAMPLE_LANDLORD,
            service_request_reviews=["2024-06-30"],
        ),
        example(
            Subject.ORGANISATION,
            Verdict.NEEDS_EVIDENCE,
            "no reviews recorded",
            name=EXAMPLE_LANDLORD,
        ),
    ],
)

# -- 1.5 ---------------------------------------------------------------------------------


_REQUEST = case_field("service_request")
_CONTINUED = case_field("service_request_work_continued")
_service_request_continued = (
    when(
        _CONTINUED.is_false(),
        Verdict.FAIL,
        "work on service request {request} stopped when the resident complained "
        "(service_request_work_continued: false)",
    )
    .when(
        _CONTINUED.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "the complaint is about service request {request}; the case does not say "
        "whether work on it carried on; set service_request_work_continued",
    )
    .otherwise(
        Verdict.PASS,
        "the complaint about service request {request} was taken while the request was "
        "open, and work on it carried on",
        values={"request": _REQUEST},
        facts={"service_request": _REQUEST, "service_request_work_continued": _CONTINUED},
    )
)


# 1.5: dissatisfaction with the handling of an open service request is a complaint, and the
# request carries on.
CHC24_1_5 = rule(
    "1.5",
    "Complaints about open service requests",
    summary=(
        "A resident unhappy with how a service request is going can complain while the "
        "request is still open, and complaining does not pause the work on the request."
    ),
    explanation="""
        Policy: service_requests.complaint_while_request_open must be true.
        Case: where the complaint names a service_request, service_request_work_continued
        must be true (false fails; unset needs evidence). A complaint about no service
        request is not applicable.
    """,
    policy=policy_states(
        (
            "service_requests.complaint_while_request_open",
            "a complaint can be made while a service request is open",
            "the policy makes residents wait for a service request to close before complaining",
        ),
    ),
    case=applies_if(
        CaseFact.SERVICE_REQUEST,
        _service_request_continued,
        otherwise="the complaint is not about an open service request",
    ),
    examples=[
        example(
            Subject.CASE,
            Verdict.FAIL,
            "repair order put on hold once the resident complained",
            **_case(service_request="SR-3310", service_request_work_continued=False),
        ),
        example(
            Subject.CASE,
            Verdict.PASS,
            "repair carried on alongside the complaint",
            **_case(service_request="SR-3310", service_request_work_continued=True),
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "complaints wait for the request to close",
            service_requests={"complaint_while_request_open": False},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "complaints taken while the request is open",
            service_requests={"complaint_while_request_open": True},
        ),
    ],
)

# -- 1.6 ---------------------------------------------------------------------------------

# 1.6: survey dissatisfaction need not be a complaint, but residents are told how to
# complain; wider feedback exercises give complaint details too.
CHC24_1_6 = rule(
    "1.6",
    "Surveys tell residents how to complain",
    summary=(
        "Unhappiness expressed in a survey is not by itself a complaint, but respondents "
        "are told how to complain if they want to, and any wider request for feedback "
        "says how to make a complaint."
    ),
    explanation="""
        Policy: survey_feedback_signposts_complaints must be true. That the survey forms
        in use really carry the information is for an attestation for 1.6, with the
        forms (or screenshots) as evidence.
    """,
    policy=policy_states(
        (
            "survey_feedback_signposts_complaints",
            "surveys tell residents how to complain",
            "the policy does not say surveys tell residents how to complain",
        ),
    ),
    attestation=(
        "the survey and feedback forms in use (transactional and wider surveys), each "
        "showing how to make a complaint"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "surveys say nothing about complaining",
            survey_feedback_signposts_complaints=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "surveys signpost the complaints route",
            survey_feedback_signposts_complaints=True,
        ),
        attestation_example(
            "1.6",
            None,
            "Every survey ends with how to make a complaint.",
            "Repairs survey form v3",
            "TSM survey 2024 screenshot",
            on="2024-06-01",
            by="Head of Customer Insight",
            title="attested with the survey forms",
        ),
        attestation_example(
            "1.6",
            False,
            "The annual survey does not say how to complain.",
            "STAR survey 2024 form",
            on="2024-06-01",
            by="Head of Customer Insight",
            title="attested that one survey is silent",
        ),
    ],
)

RULES = (CHC24_1_2, CHC24_1_3, CHC24_1_4, CHC24_1_5, CHC24_1_6)
