"""Section 1: what a complaint is, and (in this Code) when one may be refused."""

from __future__ import annotations

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    CaseFact,
    Context,
    Level,
    Outcome,
    Verdict,
    applies_if,
    case_field,
    each_fact,
    failed,
    item,
    needs_evidence,
    out_of_time_refusals,
    param,
    passed,
    policy_definition_means,
    policy_example,
    policy_states,
    refusals_explained,
    when,
)

from ._common import rule
from ._helpers import (
    attestation_examples,
    case_example,
)

# A policy's own words that keep every key part of the Ombudsman's definition.
_POLICY_DEFINITION = (
    "Any expression of dissatisfaction, however made, with the standard of service we give, "
    "or with any action or lack of action by us, our staff or anyone acting on our behalf, "
    "that affects one or more residents."
)

# 1.2: the policy uses the Ombudsman's single definition of a complaint.
CHC20_1_2 = rule(
    "1.2",
    "The Ombudsman's definition of a complaint",
    level=Level.MUST,
    summary=(
        "The complaints policy adopts the Ombudsman's wide definition: any dissatisfaction, "
        "however voiced, with the landlord's service, action or inaction, or that of its "
        "staff or agents, affecting one or more residents."
    ),
    explanation="""
        Policy: uses_ombudsman_definition must not be false. A definition given in
        complaint_definition is compared by meaning, not by words: it must have each part
        of the Ombudsman's (dissatisfaction; however it is made; the standard of service;
        lack of action; those acting on the landlord's behalf; the residents affected), each
        under any of its accepted phrasings (residents, tenants, customers or leaseholders
        for the parties), and no qualifier narrowing it ('formal', 'made in writing', 'on our
        form', a first report excluded), named with the words found. Where the policy also
        says the wording is the Ombudsman's definition (uses_ombudsman_definition: true),
        a part left out of that restatement is named but does not fail; a narrowing
        qualifier still does. Either fact settles it; neither needs evidence.
    """,
    policy=policy_definition_means(),
    examples=[
        policy_example(
            Verdict.FAIL,
            "a narrower definition that leaves out inaction and agents",
            complaint_definition="A complaint is a formal statement that our service was poor.",
        ),
        policy_example(
            Verdict.FAIL,
            "every part kept, but only complaints on the landlord's form count",
            complaint_definition=_POLICY_DEFINITION.replace(
                "however made,", "however made on our complaints form,"
            ),
        ),
        policy_example(
            Verdict.PASS,
            "a definition with every key part",
            complaint_definition=_POLICY_DEFINITION,
        ),
        policy_example(
            Verdict.PASS,
            "the same definition written for tenants",
            complaint_definition=_POLICY_DEFINITION.replace("residents", "tenants"),
        ),
        policy_example(
            Verdict.PASS,
            "the Ombudsman's definition adopted and restated in short",
            uses_ombudsman_definition=True,
            complaint_definition="An expression of dissatisfaction with our service.",
        ),
    ],
)

# 1.3: the word "complaint" is not needed; complaints through a representative follow the
# same policy.
CHC20_1_3 = rule(
    "1.3",
    "No magic words; representatives' complaints handled the same way",
    level=Level.MUST,
    summary=(
        "A resident need not call it a complaint for it to be treated as one, and a complaint "
        "brought by a representative or other third party goes through the same policy."
    ),
    explanation="""
        Policy: word_complaint_not_required and representatives_allowed must both be true.
    """,
    policy=policy_states(
        (
            "word_complaint_not_required",
            "the word 'complaint' is not required",
            "the policy requires residents to use the word 'complaint'",
        ),
        (
            "representatives_allowed",
            "complaints through a representative follow the policy",
            "the policy does not take complaints made through a representative",
        ),
    ),
    examples=[
        policy_example(
            Verdict.FAIL,
            "the word 'complaint' required",
            word_complaint_not_required=False,
            representatives_allowed=True,
        ),
        policy_example(
            Verdict.PASS,
            "both stated",
            word_complaint_not_required=True,
            representatives_allowed=True,
        ),
    ],
)

# 1.4: tell a service request apart from a complaint about the service given.
CHC20_1_4 = rule(
    "1.4",
    "Service requests told apart from complaints",
    level=Level.SHOULD,
    summary=(
        "The landlord can tell a request to put something right from a complaint about the "
        "service the resident has, or has not, received."
    ),
    explanation="Policy: service_requests.distinguished_from_complaints must be true.",
    policy=policy_states(
        (
            "service_requests.distinguished_from_complaints",
            "the policy distinguishes service requests from complaints",
            "the policy does not distinguish service requests from complaints",
        )
    ),
    examples=[
        policy_example(
            Verdict.FAIL,
            "no distinction drawn",
            service_requests={"distinguished_from_complaints": False},
        ),
        policy_example(
            Verdict.PASS,
            "distinction drawn",
            service_requests={"distinguished_from_complaints": True},
        ),
    ],
)

# 1.5: survey feedback need not be a complaint, but the resident learns how to complain.
CHC20_1_5 = rule(
    "1.5",
    "Survey feedback signposts the complaints route",
    level=Level.SHOULD,
    summary=(
        "Dissatisfaction given in a survey need not be logged as a complaint, but where it "
        "can be done the resident is told how to complain if they want to."
    ),
    explanation="Policy: survey_feedback_signposts_complaints must be true.",
    policy=policy_states(
        (
            "survey_feedback_signposts_complaints",
            "survey respondents are told how to complain",
            "survey respondents are not told how to complain",
        )
    ),
    examples=[
        policy_example(
            Verdict.FAIL, "surveys say nothing", survey_feedback_signposts_complaints=False
        ),
        policy_example(Verdict.PASS, "surveys signpost", survey_feedback_signposts_complaints=True),
    ],
)

# 1.6: log it as a complaint when the resident asks, or when resolving it needs enquiries.
CHC20_1_6 = rule(
    "1.6",
    "Logged as a complaint on request or when enquiries are needed",
    level=Level.MUST,
    summary=(
        "A matter becomes a logged complaint as soon as the resident asks for that, or as "
        "soon as it cannot be put right without looking into it further."
    ),
    explanation="""
        Policy: logs_complaint_when_requested must be true. Whether contacts were in fact
        logged when they should have been is for an attestation backed by a sample of
        contact records.
    """,
    policy=policy_states(
        (
            "logs_complaint_when_requested",
            "matters are logged as complaints on request or when enquiries are needed",
            "the policy does not log a matter as a complaint when asked or when enquiries "
            "are needed",
        )
    ),
    attestation=(
        "a sample of contacts where the resident asked to complain, or where enquiries were "
        "needed, each logged as a complaint"
    ),
    examples=[
        policy_example(Verdict.FAIL, "not logged on request", logs_complaint_when_requested=False),
        policy_example(Verdict.PASS, "logged on request", logs_complaint_when_requested=True),
        *attestation_examples(
            "1.6",
            met="A sample of contacts shows each request to complain was logged as one.",
            not_met="Several sampled requests to complain were handled as service requests.",
        ),
    ],
)


_REFUSALS = case_field("refusals")
_AT_STAGE1 = item("stage").eq(1)
_BARE = _AT_STAGE1 & item("ground").eq("other") & ~item("detail").present()
_refused_with_reason = when(
    _REFUSALS.any(_BARE),
    Verdict.FAIL,
    "{bare} refused the complaint on an unnamed 'other' ground with no reason recorded",
).otherwise(
    Verdict.PASS,
    "each refusal names its reason: {reasons}",
    values={
        "bare": _REFUSALS.each("refusals[{index}]", where=_BARE),
        "reasons": _REFUSALS.each(
            "{reason}", where=_AT_STAGE1, reason=item("detail").or_else(item("ground"))
        ),
    },
    each_facts=[
        each_fact(
            _REFUSALS,
            "refusals[{index}]",
            {"ground": item("ground"), "detail": item("detail")},
            where=_AT_STAGE1,
        )
    ],
)


# 1.7: accept a complaint unless there is a valid reason not to.
CHC20_1_7 = rule(
    "1.7",
    "Complaints accepted unless there is a valid reason",
    level=Level.MUST,
    summary="Every complaint is taken on unless the landlord has a sound reason to refuse it.",
    explanation="""
        Case: each refusal at stage 1 must name its ground; a refusal on an 'other' ground
        with no detail recorded fails. Whether a named ground fits the policy is judged under
        1.8. Policy: exclusions.each_case_on_merits must be true.
    """,
    case=applies_if(
        CaseFact.STAGE1_REFUSAL, _refused_with_reason, otherwise="the complaint was not refused"
    ),
    policy=policy_states(
        (
            "exclusions.each_case_on_merits",
            "each complaint is considered on its merits before any refusal",
            "the policy refuses complaints without considering each on its merits",
        )
    ),
    examples=[
        case_example(
            Verdict.FAIL,
            "refused with no reason",
            {"number": 1},
            refusals=[{"on": "2023-05-05", "ground": "other"}],
        ),
        case_example(
            Verdict.PASS,
            "refused: legal proceedings begun",
            {"number": 1},
            refusals=[
                {"on": "2023-05-05", "ground": "legal_proceedings", "detail": "Claim issued"}
            ],
        ),
        policy_example(
            Verdict.FAIL,
            "refusals made without weighing each complaint",
            exclusions={"each_case_on_merits": False},
        ),
        policy_example(
            Verdict.PASS,
            "each complaint weighed before any refusal",
            exclusions={"each_case_on_merits": True},
        ),
    ],
)


def _exclusions_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    months: int = ctx.param("exclusions.time_limit_months")
    ex = policy.exclusions
    if ex is None or ex.grounds is None:
        return needs_evidence(
            "the policy does not set out when a complaint is not accepted; set exclusions.grounds"
        )
    facts = {
        "exclusions.grounds": ex.grounds,
        "exclusions.time_limit_months": ex.time_limit_months,
        "exclusions.blanket_exclusions": ex.blanket_exclusions,
    }
    problems = []
    if not ex.grounds:
        problems.append("it lists no circumstances in which a complaint is not accepted")
    if ex.time_limit_months is not None and ex.time_limit_months < months:
        problems.append(
            f"its time limit of {ex.time_limit_months} months is shorter than the {months} "
            "months the Code treats as fair"
        )
    if ex.blanket_exclusions:
        problems.append(
            "it excludes whole categories without looking at the circumstances: "
            + ", ".join(ex.blanket_exclusions)
        )
    if problems:
        return failed("the policy's exclusions are not fair: " + "; ".join(problems), facts=facts)
    return passed(
        f"the policy sets out {len(ex.grounds)} ground(s) for not accepting a complaint",
        facts=facts,
    )


# 1.9's case check: counted from the issue alone (the 2020 Code says nothing of awareness).
_out_of_time = out_of_time_refusals(param("exclusions.time_limit_months"))


_GROUNDS = ["issue over six months old", "legal proceedings started", "already considered"]

# 1.8: the policy sets out, fairly, when a matter will not be taken on; the Code's example
# of a fair time limit was six months.
CHC20_1_8 = rule(
    "1.8",
    "Fair grounds for not accepting a complaint",
    level=Level.MUST,
    summary=(
        "The policy says plainly when a matter will not be taken on as a complaint, and "
        "those grounds are fair to residents: a complaint made within six months of the "
        "issue is not turned away as too old."
    ),
    explanation="""
        Policy: exclusions.grounds must list the circumstances; a time limit
        (exclusions.time_limit_months) shorter than 6 months fails, and so do blanket
        exclusions of whole categories.
        Case: a complaint refused as out of time fails if it was received within 6 calendar
        months of issue_occurred_on (the last day in time is the same date 6 months on, or
        the month's last day); received later, the refusal passes. Without
        issue_occurred_on it needs evidence.
    """,
    policy=_exclusions_policy,
    case=applies_if(
        CaseFact.STAGE1_REFUSAL, _out_of_time, otherwise="no complaint refused as out of time"
    ),
    examples=[
        policy_example(
            Verdict.FAIL,
            "a 3-month time limit",
            exclusions={"grounds": _GROUNDS, "time_limit_months": 3},
        ),
        policy_example(
            Verdict.PASS,
            "the usual grounds and a 6-month limit",
            exclusions={"grounds": _GROUNDS, "time_limit_months": 6},
        ),
        case_example(
            Verdict.FAIL,
            "refused as out of time on the last day of the 6 months",
            {"number": 1},
            received_on="2023-05-03",
            issue_occurred_on="2022-11-03",
            refusals=[{"on": "2023-05-05", "ground": "out_of_time"}],
        ),
        case_example(
            Verdict.PASS,
            "refused as out of time the day after the 6 months",
            {"number": 1},
            received_on="2023-05-03",
            issue_occurred_on="2022-11-02",
            refusals=[{"on": "2023-05-05", "ground": "out_of_time"}],
        ),
    ],
)


_refusal_explained = refusals_explained(
    unsuitable="refusals[{index}] did not explain why the matter is unsuitable",
    no_ombudsman_right="refusals[{index}] did not tell the resident they can go to the Ombudsman",
    not_recorded="the case does not record: {unset}",
    passed="each refusal explained its reasons and the right to go to the Ombudsman",
)


# 1.9: a refusal comes with a full explanation and the right to take it to the Ombudsman.
CHC20_1_9 = rule(
    "1.9",
    "Refusals explained, with the Ombudsman route",
    level=Level.MUST,
    summary=(
        "When a complaint is not taken on, the resident gets a detailed explanation of why "
        "it does not fit the complaints process, and is told they can put that decision to "
        "the Ombudsman."
    ),
    explanation="""
        Case: each stage 1 refusal must record explanation_given and ombudsman_right_given
        as true. Policy: exclusions.refusal_explained_with_ombudsman_right must be true.
    """,
    case=applies_if(
        CaseFact.STAGE1_REFUSAL, _refusal_explained, otherwise="the complaint was not refused"
    ),
    policy=policy_states(
        (
            "exclusions.refusal_explained_with_ombudsman_right",
            "refusals are explained, with the right to go to the Ombudsman",
            "the policy does not promise an explanation and the Ombudsman route on refusal",
        )
    ),
    examples=[
        case_example(
            Verdict.FAIL,
            "refusal without the Ombudsman route",
            {"number": 1},
            refusals=[
                {
                    "on": "2023-05-05",
                    "ground": "already_considered",
                    "explanation_given": True,
                    "ombudsman_right_given": False,
                }
            ],
        ),
        case_example(
            Verdict.PASS,
            "refusal explained with the Ombudsman route",
            {"number": 1},
            refusals=[
                {
                    "on": "2023-05-05",
                    "ground": "already_considered",
                    "explanation_given": True,
                    "ombudsman_right_given": True,
                }
            ],
        ),
        policy_example(
            Verdict.FAIL,
            "no promise to explain a refusal",
            exclusions={"refusal_explained_with_ombudsman_right": False},
        ),
        policy_example(
            Verdict.PASS,
            "refusals explained, Ombudsman route given",
            exclusions={"refusal_explained_with_ombudsman_right": True},
        ),
    ],
)

RULES = (
    CHC20_1_2,
    CHC20_1_3,
    CHC20_1_4,
    CHC20_1_5,
    CHC20_1_6,
    CHC20_1_7,
    CHC20_1_8,
    CHC20_1_9,
)
