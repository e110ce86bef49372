"""Section 6: the two complaint stages, their timescales, extensions and response letters.

Worked dates used by the examples (England and Wales calendar):
received Wed 2024-05-01 -> acknowledgement due Thu 2024-05-09 (Mon 6 May is a bank holiday)
-> stage 1 response due Thu 2024-05-23 (10 working days after acknowledgement).
Escalation requested Mon 2024-06-03 -> acknowledgement due Mon 2024-06-10 -> stage 2
response due Mon 2024-07-08 (20 working days after acknowledgement).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    CaseFact,
    Context,
    Obligation,
    Outcome,
    Subject,
    Timescale,
    Verdict,
    acknowledgement_due,
    applies_if,
    as_of,
    attestation_example,
    case_field,
    check_actions_tracked,
    check_extension_notices,
    check_issues_raised,
    check_points_addressed,
    different_handlers,
    example,
    failed,
    item,
    needs_evidence,
    param,
    passed,
    policy_different_handlers,
    policy_example,
    policy_response_items,
    policy_says,
    policy_stage_days,
    policy_stage_says,
    policy_stages_unread,
    response_contents_at,
    stage,
    stage_check,
    when,
)

from ._common import rule

# -- example data ----------------------------------------------------------------------

_DEFINITION = {
    "understanding": "Damp in the back bedroom has not been treated since January.",
    "outcomes_sought": "Treat the damp and redecorate.",
}
_ALL_ITEMS = dict.fromkeys(
    (
        "stage",
        "complaint_definition",
        "decision",
        "reasons",
        "remedy",
        "outstanding_actions",
        "escalation_route",
    ),
    True,
)


def _stage1(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": "2024-05-09", "definition": _DEFINITION},
        "handler": "A. Patel",
        "response": {"issued_on": "2024-05-23", "contents": _ALL_ITEMS},
    }
    stage.update(overrides)
    return stage


def _stage2(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 2,
        "requested_on": "2024-06-03",
        "acknowledged": {"on": "2024-06-10", "definition": _DEFINITION},
        "handler": "B. Okafor",
        "escalation_reasons_demanded": False,
        "response": {"issued_on": "2024-07-08", "contents": _ALL_ITEMS},
    }
    stage.update(overrides)
    return stage


def _case(*stages: dict[str, Any], **facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"reference": "EX-6", "received_on": "2024-05-01"}
    data.update(facts)
    data["stages"] = list(stages) or [_stage1()]
    return data


def _case_example(expect: Verdict, title: str, *stages: dict[str, Any], **kw: Any) -> Any:
    as_of = kw.pop("as_of", None)
    return example(Subject.CASE, expect, title, as_of=as_of, **_case(*stages, **kw))


# -- shared shapes of check --------------------------------------------------------------


def _timescale(number: int, obligation: Obligation) -> Timescale:
    """Stage ``number``'s timescale for ``obligation``, from this Code's parameters; the
    library's shared judge checks it."""
    if obligation is Obligation.ACKNOWLEDGE:
        return Timescale(
            number,
            obligation,
            days=f"stage{number}.acknowledge_working_days",
            require_definition=True,
        )
    return Timescale(
        number,
        obligation,
        days=f"stage{number}.respond_working_days",
        clock=f"stage{number}.respond_from",
        acknowledge_days=f"stage{number}.acknowledge_working_days",
        extension_cap=f"stage{number}.extension_cap_working_days",
    )


def _policy_extension(number: int) -> Callable[[LandlordPolicy, Context], Outcome]:
    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        cap: int = ctx.param(f"stage{number}.extension_cap_working_days")
        stage = policy.stage(number)
        ext = stage.extension if stage else None
        if ext is None:
            return needs_evidence(
                f"the policy's stage {number} says nothing about extensions; set "
                f"stages[{number}].extension"
            )
        facts = {
            "extension.max_working_days": ext.max_working_days,
            "extension.beyond_max_only_with_good_reason": ext.beyond_max_only_with_good_reason,
            "extension.reasons_given": ext.reasons_given,
        }
        if ext.uncapped is not None:
            facts["extension.uncapped"] = ext.uncapped
        if ext.cap_aim_only is not None:
            facts["extension.cap_aim_only"] = ext.cap_aim_only
        problems = []
        if ext.uncapped:
            problems.append(f"it sets no limit on an extension's length (Code: {cap} working days)")
        if ext.max_working_days is not None and ext.max_working_days > cap:
            problems.append(f"it allows {ext.max_working_days} working days (Code: {cap})")
        if ext.beyond_max_only_with_good_reason is False:
            problems.append("it allows longer extensions without a good reason")
        if ext.reasons_given is False:
            problems.append("it does not promise to explain the reasons")
        if problems:
            return failed(f"stage {number} extensions: " + "; ".join(problems), facts=facts)
        if None in facts.values():
            unset = [k for k, v in facts.items() if v is None]
            return needs_evidence(f"the policy does not say: {', '.join(unset)}", facts=facts)
        if ext.cap_aim_only:
            return needs_evidence(
                f"the policy only aims to keep stage {number} extensions within "
                f"{ext.max_working_days} working days, where the Code sets a firm limit of {cap}; "
                "confirm the limit is kept, or state it as a limit",
                facts=facts,
            )
        return passed(
            f"stage {number} extensions capped at {ext.max_working_days} working days, longer "
            "only with good reason, reasons explained",
            facts=facts,
        )

    return check


# -- stage 1 -----------------------------------------------------------------------------


def _triage(policy: LandlordPolicy, ctx: Context) -> Outcome:
    return policy_says(
        policy.triage,
        "triage",
        yes="the policy describes how complaints are triaged by complexity and risk",
        no="the policy has no triage of complaints by complexity, vulnerability or risk",
    )


# 6.1: triage by complexity and by the resident's vulnerability or risk.
CHC24_6_1 = rule(
    "6.1",
    "Triage of stage 1 complaints",
    summary=(
        "Sort complaints into those that can be put right quickly and those that need "
        "investigating, weighing complexity and whether the resident is vulnerable or at risk."
    ),
    explanation="Checked on the policy: `triage` must be true.",
    policy=_triage,
    examples=[
        policy_example(Verdict.FAIL, "no triage", triage=False),
        policy_example(Verdict.PASS, "triage described", triage=True),
    ],
)


# 6.2: acknowledge, define and log a stage 1 complaint within 5 working days of receipt.
CHC24_6_2 = rule(
    "6.2",
    "Stage 1 acknowledged, defined and logged in time",
    summary=(
        "A stage 1 complaint is acknowledged, with the landlord's understanding of it and the "
        "outcome sought recorded, within 5 working days after the day it arrived."
    ),
    explanation="""
        Case: the acknowledgement date must be no later than the 5th working day after
        receipt (receipt day itself not counted; see the evaluation's conventions for
        weekend and after-hours receipt), and the acknowledgement must record the
        complaint definition (understanding and outcome sought).
        Policy: the stage 1 acknowledgement timescale must not exceed 5 working days.
    """,
    timescale=_timescale(1, Obligation.ACKNOWLEDGE),
    policy=policy_stage_days(
        1,
        "acknowledge_working_days",
        "stage1.acknowledge_working_days",
        "acknowledgement",
        unlisted_stages_fail=True,
    ),
    examples=[
        _case_example(
            Verdict.PASS,
            "acknowledged on the 5th working day, across the May bank holiday",
            _stage1(),
        ),
        _case_example(
            Verdict.FAIL,
            "acknowledged on the 6th working day",
            _stage1(acknowledged={"on": "2024-05-10", "definition": _DEFINITION}),
        ),
        _case_example(
            Verdict.FAIL,
            "acknowledged in time without a complaint definition",
            _stage1(acknowledged={"on": "2024-05-03"}),
        ),
        policy_example(
            Verdict.FAIL,
            "policy allows 7 days",
            stages=[{"number": 1, "acknowledge_working_days": 7}],
        ),
        policy_example(
            Verdict.PASS,
            "policy allows 5 working days",
            stages=[{"number": 1, "acknowledge_working_days": 5}, {"number": 2}],
        ),
    ],
)


# 6.3: full stage 1 response within 10 working days of acknowledgement.
CHC24_6_3 = rule(
    "6.3",
    "Stage 1 response in time",
    summary=(
        "The full stage 1 response goes out within 10 working days after the complaint was "
        "acknowledged, or by the date of a valid extension."
    ),
    explanation="""
        Case: the deadline is the 10th working day after acknowledgement. By default the
        clock starts at the actual acknowledgement, late or not, as the Code counts it (the
        'literal' convention); with no acknowledgement it starts at the acknowledgement
        deadline. The 'capped' convention starts it at the acknowledgement deadline when
        the acknowledgement was late, so acknowledging late buys no time; the convention
        used is shown in the evidence. A valid extension (rule 6.4) moves the deadline. An
        open case with no response is judged only with an as-of date.
        Policy: the stage 1 response timescale must not exceed 10 working days.
    """,
    timescale=_timescale(1, Obligation.RESPOND),
    policy=policy_stage_days(
        1,
        "respond_working_days",
        "stage1.respond_working_days",
        "response",
        unlisted_stages_fail=True,
        clock="stage1.respond_from",
    ),
    examples=[
        _case_example(Verdict.PASS, "responded on the 10th working day", _stage1()),
        _case_example(
            Verdict.FAIL,
            "responded on the 11th working day",
            _stage1(response={"issued_on": "2024-05-24", "contents": _ALL_ITEMS}),
        ),
        _case_example(
            Verdict.PASS,
            "responded within a 10-day extension notified in time",
            _stage1(
                extensions=[
                    {
                        "notified_on": "2024-05-20",
                        "new_due": "2024-06-07",
                        "reason": "Surveyor's report awaited",
                        "ombudsman_details_given": True,
                    }
                ],
                response={"issued_on": "2024-06-07", "contents": _ALL_ITEMS},
            ),
        ),
        _case_example(
            Verdict.FAIL,
            "open case, no response by the as-of date",
            _stage1(response=None),
            as_of=date(2024, 5, 24),
        ),
        policy_example(
            Verdict.FAIL,
            "policy allows 15 working days",
            stages=[{"number": 1, "respond_working_days": 15}],
        ),
        policy_example(
            Verdict.PASS,
            "policy allows 10 working days",
            stages=[{"number": 1, "respond_working_days": 10}, {"number": 2}],
        ),
    ],
)


_EXT_OK = {
    "notified_on": "2024-05-20",
    "new_due": "2024-06-07",
    "reason": "Surveyor's report awaited",
    "ombudsman_details_given": True,
}

# 6.4: extension decided on complexity, told to the resident with reasons; at most 10
# working days without good reason.
CHC24_6_4 = rule(
    "6.4",
    "Stage 1 extensions: notice, reasons and cap",
    summary=(
        "If stage 1 needs longer, tell the resident the new date and why, before the original "
        "deadline; an extension beyond 10 working days needs a good reason."
    ),
    explanation="""
        Case: each extension must be notified on or before the deadline it moves, give a
        reason, and end no more than 10 working days after the original deadline unless a
        good reason is recorded. Beyond the cap without good reason, only the capped date
        counts for rule 6.3.
        Policy: the stage 1 extension cap must not exceed 10 working days, longer only with
        good reason, and reasons must be given.
    """,
    timescale=_timescale(1, Obligation.EXTEND),
    policy=_policy_extension(1),
    examples=[
        _case_example(
            Verdict.PASS, "10 working days, notified in time", _stage1(extensions=[_EXT_OK])
        ),
        _case_example(
            Verdict.FAIL,
            "11 working days without good reason",
            _stage1(extensions=[{**_EXT_OK, "new_due": "2024-06-10"}]),
        ),
        _case_example(
            Verdict.FAIL,
            "notified the day after the original deadline",
            _stage1(extensions=[{**_EXT_OK, "notified_on": "2024-05-24"}]),
        ),
        policy_example(
            Verdict.FAIL,
            "policy allows 15-day extensions",
            stages=[{"number": 1, "extension": {"max_working_days": 15}}],
        ),
        policy_example(
            Verdict.PASS,
            "10-day extensions, longer only with good reason, reasons given",
            stages=[
                {
                    "number": 1,
                    "extension": {
                        "max_working_days": 10,
                        "beyond_max_only_with_good_reason": True,
                        "reasons_given": True,
                    },
                }
            ],
        ),
    ],
)


# 6.5: every extension notice gives the Ombudsman's contact details.
CHC24_6_5 = rule(
    "6.5",
    "Ombudsman details in stage 1 extension notices",
    summary=(
        "Whenever the resident is told of an extension, they also get the Ombudsman's "
        "contact details."
    ),
    explanation="""
        Case: every stage 1 extension must record ombudsman_details_given: true.
        Policy: the policy must say extension notices give the Ombudsman's details.
    """,
    case=stage_check(check_extension_notices, 1),
    policy=policy_stage_says(
        1,
        "extension.ombudsman_details_given",
        yes="stage 1 extension notices give the Ombudsman's contact details",
        no="stage 1 extension notices do not give the Ombudsman's contact details",
    ),
    examples=[
        _case_example(Verdict.PASS, "details given", _stage1(extensions=[_EXT_OK])),
        _case_example(
            Verdict.FAIL,
            "no Ombudsman details",
            _stage1(extensions=[{**_EXT_OK, "ombudsman_details_given": False}]),
        ),
        policy_example(
            Verdict.FAIL,
            "template omits the Ombudsman",
            stages=[{"number": 1, "extension": {"ombudsman_details_given": False}}],
        ),
        policy_example(
            Verdict.PASS,
            "template gives the Ombudsman's details",
            stages=[{"number": 1, "extension": {"ombudsman_details_given": True}}],
        ),
    ],
)


def _answer_known(policy: LandlordPolicy, ctx: Context) -> Outcome:
    return policy_says(
        policy.respond_when_answer_known,
        "respond_when_answer_known",
        yes="responses go out when the answer is known; open actions are tracked after",
        no="the policy waits for all actions to finish before responding",
    )


_ACTION_DONE = {"description": "Damp treatment", "due": "2024-06-14", "completed_on": "2024-06-12"}

# 6.6: respond when the answer is known; track outstanding actions and keep the resident
# updated.
CHC24_6_6 = rule(
    "6.6",
    "Stage 1 response not held back; actions tracked",
    summary=(
        "Send the stage 1 response once the answer is known rather than when every follow-up "
        "is done, then track the open actions and keep the resident informed."
    ),
    explanation="""
        Case: every outstanding action after the stage 1 response must have a due date
        (tracked) and be completed by it; with an as-of date, an open action past its due
        date fails, and fails again if the resident had no update.
        Policy: respond_when_answer_known must be true.
    """,
    case=stage_check(check_actions_tracked, 1),
    policy=_answer_known,
    examples=[
        _case_example(Verdict.PASS, "action done before due", _stage1(actions=[_ACTION_DONE])),
        _case_example(
            Verdict.FAIL,
            "action with no due date",
            _stage1(actions=[{"description": "Replace window"}]),
        ),
        _case_example(
            Verdict.FAIL,
            "action overdue at the as-of date",
            _stage1(actions=[{"description": "Damp treatment", "due": "2024-06-14"}]),
            as_of=date(2024, 7, 1),
        ),
        policy_example(
            Verdict.FAIL, "responses wait for the repairs", respond_when_answer_known=False
        ),
        policy_example(
            Verdict.PASS, "responses sent once the answer is known", respond_when_answer_known=True
        ),
    ],
)

# 6.7 and 6.18 speak of the points of the complaint definition.
_POINTS = "every point of the complaint definition"


_REASONS_ATTESTATION = (
    "a quality review of a sample of response letters showing every point answered with "
    "reasons that cite policy, law or good practice"
)

# 6.7: answer every point of the definition with clear reasons.
CHC24_6_7 = rule(
    "6.7",
    "Stage 1 response answers every point with reasons",
    summary=(
        "The stage 1 response deals with each point in the complaint definition and explains "
        "its decisions, citing policy, law or good practice where they apply."
    ),
    explanation="""
        Case: the response must record all_points_addressed: true. How good the reasons are
        is a matter of judgement: an attestation for 6.7 settles it.
    """,
    case=stage_check(check_points_addressed, 1, points=_POINTS),
    attestation=_REASONS_ATTESTATION,
    examples=[
        _case_example(
            Verdict.PASS,
            "all points addressed",
            _stage1(response={"issued_on": "2024-05-23", "all_points_addressed": True}),
        ),
        _case_example(
            Verdict.FAIL,
            "a point left unanswered",
            _stage1(response={"issued_on": "2024-05-23", "all_points_addressed": False}),
        ),
        attestation_example(
            "6.7",
            None,
            "A review of 20 stage 1 letters found each point answered with reasons.",
            "Stage 1 quality review, Q1 2024-25",
            on="2024-06-01",
            by="Complaints Manager",
            title="attested with a quality review",
        ),
        attestation_example(
            "6.7",
            False,
            "Sampled stage 1 letters give decisions without reasons.",
            "Stage 1 quality review, Q1 2024-25",
            on="2024-06-01",
            by="Complaints Manager",
        ),
    ],
)


# 6.8: issues raised during stage 1 go in the response if related and in time, otherwise
# become a new complaint.
CHC24_6_8 = rule(
    "6.8",
    "New issues raised during stage 1",
    summary=(
        "A related issue raised before the stage 1 response is answered in it; an unrelated "
        "one, or one raised after the response (or that would unduly delay it), is logged as "
        "a new complaint."
    ),
    explanation="""
        Case: each of stage 1's issues_raised is checked against where it was handled
        (in_response or new_complaint, with the new reference). Whether including an issue
        would have delayed the response unreasonably is the landlord's call: record it as
        handled: new_complaint.
    """,
    case=stage_check(check_issues_raised, 1),
    examples=[
        _case_example(
            Verdict.PASS,
            "related issue folded into the response",
            _stage1(
                issues_raised=[
                    {"raised_on": "2024-05-15", "related": True, "handled": "in_response"}
                ]
            ),
        ),
        _case_example(
            Verdict.FAIL,
            "unrelated issue answered in the response instead of a new complaint",
            _stage1(
                issues_raised=[
                    {"raised_on": "2024-05-15", "related": False, "handled": "in_response"}
                ]
            ),
        ),
        _case_example(
            Verdict.PASS,
            "related issue logged as a new complaint, as folding it in would delay the response",
            _stage1(
                issues_raised=[
                    {
                        "raised_on": "2024-05-15",
                        "related": True,
                        "handled": "new_complaint",
                        "new_reference": "EX-6B",
                    }
                ]
            ),
        ),
    ],
)


# 6.9: the stage 1 letter states (a) stage, (b) definition, (c) decision, (d) reasons,
# (e) remedy, (f) outstanding actions, (g) how to escalate to stage 2.
CHC24_6_9 = rule(
    "6.9",
    "Stage 1 response letter contents",
    summary=(
        "The stage 1 response, in plain language, states the stage, the complaint definition, "
        "the decision and its reasons, any remedy, outstanding actions, and how to escalate."
    ),
    explanation="""
        Case: response.contents must record true for each of the seven items (a) to (g).
        Policy: the stage 1 response template (stages[].response_contents) must list them.
    """,
    case=response_contents_at(1, "stage1.response_items"),
    policy=policy_response_items(1, "stage1.response_items"),
    examples=[
        _case_example(Verdict.PASS, "all seven items", _stage1()),
        _case_example(
            Verdict.FAIL,
            "no escalation route",
            _stage1(
                response={
                    "issued_on": "2024-05-23",
                    "contents": {**_ALL_ITEMS, "escalation_route": False},
                }
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "template without the complaint definition",
            stages=[
                {
                    "number": 1,
                    "response_contents": [i for i in _ALL_ITEMS if i != "complaint_definition"],
                }
            ],
        ),
        policy_example(
            Verdict.PASS,
            "template lists all seven items",
            stages=[{"number": 1, "response_contents": list(_ALL_ITEMS)}],
        ),
    ],
)

# -- stage 2 -----------------------------------------------------------------------------


_S2 = stage(2)
_ACK_DUE = acknowledgement_due(2, param("stage2.acknowledge_working_days"))
_OPEN = case_field("closed_on").is_null() & case_field("withdrawn_on").is_null()
_REFUSED_AT_2 = case_field("refusals").count(item("stage").eq(2))
_NEITHER = "the escalation request was neither taken into stage 2 nor refused"
# Only an open escalation judged as of a date reads the acknowledgement timescale (6.11:
# it has until its acknowledgement deadline to be taken in); the other branches name none.
_progressed = (
    when(
        _S2.field("acknowledged").not_null() | _S2.field("response").not_null(),
        Verdict.PASS,
        "the escalation was taken into stage 2",
        computed=False,
        parameters=False,
    )
    .when(
        _REFUSED_AT_2.gt(0),
        Verdict.PASS,
        "escalation was refused and recorded (judged under 5.11 and 2.4)",
        computed=False,
        parameters=False,
    )
    .when(
        as_of().is_null() & _OPEN,
        Verdict.NOT_APPLICABLE,
        "escalation requested but not yet progressed; give an as-of date to judge",
        computed=False,
        parameters=False,
    )
    .when(~_OPEN, Verdict.FAIL, _NEITHER, computed=False, parameters=False)
    .when(~as_of().le(_ACK_DUE.due).is_true(), Verdict.FAIL, _NEITHER, computed=False)
    .otherwise(
        Verdict.NOT_APPLICABLE,
        "escalation requested; as of {as_of} stage 2 is not yet due to be taken in "
        "(acknowledgement due by {due})",
        values={"as_of": as_of().iso(), "due": _ACK_DUE.due.iso()},
        facts={
            "stage2.requested_on": _S2.field("requested_on").iso(),
            "stage2.acknowledged": _S2.field("acknowledged").not_null(),
            "stage2.response": _S2.field("response").not_null(),
            "refusals_at_stage2": _REFUSED_AT_2,
        },
        computed=_ACK_DUE.evidence,
    )
)


def _two_stage_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    stage2 = policy.stage(2)
    if stage2 is None and (unread := policy_stages_unread(policy)) is not None:
        return unread
    if policy.stages is None:
        return needs_evidence("the policy does not describe its stages; set stages")
    if stage2 is None:
        return failed("the policy has no stage 2 to escalate to")
    if stage2.discretionary:
        return failed(
            "the policy lets the landlord refuse stage 2 at its own discretion; what is "
            "unresolved after stage 1 goes to stage 2 when the resident asks, unless an "
            "exclusion ground applies",
            facts={"stages[2].discretionary": True},
        )
    return passed("the policy provides a stage 2, the landlord's final response")


# 6.10: anything not resolved at stage 1 moves to stage 2, the final response.
CHC24_6_10 = rule(
    "6.10",
    "Unresolved complaints progress to stage 2",
    summary=(
        "Whatever the resident is still unhappy with after stage 1 goes on to stage 2, which "
        "is the landlord's final answer."
    ),
    explanation="""
        Case: once escalation is requested, stage 2 must be acknowledged or answered, or a
        refusal recorded (judged under 5.11), by the stage 2 acknowledgement deadline; an
        open escalation not yet due is not judged. Policy: the policy must have a stage 2.
    """,
    case=applies_if(CaseFact.STAGE2, _progressed, otherwise="the resident did not ask to escalate"),
    policy=_two_stage_policy,
    examples=[
        _case_example(Verdict.PASS, "escalated and handled", _stage1(), _stage2()),
        _case_example(
            Verdict.FAIL,
            "escalation requested, closed without stage 2",
            _stage1(),
            {"number": 2, "requested_on": "2024-06-03"},
            closed_on="2024-06-20",
        ),
        policy_example(Verdict.FAIL, "a single-stage policy", stages=[{"number": 1}]),
        policy_example(
            Verdict.PASS, "a stage 2 to escalate to", stages=[{"number": 1}, {"number": 2}]
        ),
    ],
)


# 6.11: acknowledge, define and log a stage 2 request within 5 working days of receiving it.
CHC24_6_11 = rule(
    "6.11",
    "Stage 2 acknowledged, defined and logged in time",
    summary=(
        "A request to escalate is acknowledged, with the complaint definition recorded, "
        "within 5 working days after the request arrived."
    ),
    explanation="""
        Case: stage 2 acknowledgement no later than the 5th working day after
        requested_on, recording the definition. Policy: stage 2 acknowledgement timescale
        at most 5 working days.
    """,
    timescale=_timescale(2, Obligation.ACKNOWLEDGE),
    policy=policy_stage_days(
        2,
        "acknowledge_working_days",
        "stage2.acknowledge_working_days",
        "acknowledgement",
        unlisted_stages_fail=True,
    ),
    examples=[
        _case_example(Verdict.PASS, "acknowledged on the 5th working day", _stage1(), _stage2()),
        _case_example(
            Verdict.FAIL,
            "acknowledged on the 6th working day",
            _stage1(),
            _stage2(acknowledged={"on": "2024-06-11", "definition": _DEFINITION}),
        ),
        policy_example(
            Verdict.FAIL,
            "policy allows 10 days to acknowledge an escalation",
            stages=[{"number": 1}, {"number": 2, "acknowledge_working_days": 10}],
        ),
        policy_example(
            Verdict.PASS,
            "policy allows 5 working days",
            stages=[{"number": 1}, {"number": 2, "acknowledge_working_days": 5}],
        ),
    ],
)


_REASONS_DEMANDED = stage(2).field("escalation_reasons_demanded")
_no_reasons_demanded = (
    when(
        _REASONS_DEMANDED.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "the case does not record whether the resident was made to justify escalating "
        "(set escalation_reasons_demanded)",
    )
    .when(
        _REASONS_DEMANDED.is_true(),
        Verdict.FAIL,
        "the resident was required to explain why they escalated",
    )
    .otherwise(
        Verdict.PASS,
        "the resident was not asked to justify escalating",
        facts={"stage2.escalation_reasons_demanded": _REASONS_DEMANDED},
    )
)


def _no_reasons_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    stage = policy.stage(2)
    value = stage.escalation_reasons_required if stage else None
    facts = {"stages[2].escalation_reasons_required": value}
    if value is None:
        return needs_evidence(
            "the policy does not say whether residents must give reasons to escalate; set "
            "stages[2].escalation_reasons_required",
            facts=facts,
        )
    if value:
        return failed("the policy makes residents give reasons to escalate", facts=facts)
    return passed("the policy does not ask residents to justify escalating", facts=facts)


# 6.12: residents are not made to explain why they escalate.
CHC24_6_12 = rule(
    "6.12",
    "No reasons demanded for escalation",
    summary=(
        "A resident need not justify asking for stage 2; the landlord makes reasonable efforts "
        "to understand what still troubles them."
    ),
    explanation="""
        Case: escalation_reasons_demanded must be false. Policy: escalation_reasons_required
        must be false. Whether reasonable efforts were made to understand the resident is
        for an attestation.
    """,
    case=applies_if(CaseFact.STAGE2, _no_reasons_demanded, otherwise="no stage 2"),
    policy=_no_reasons_policy,
    attestation="how stage 2 handlers find out why residents remain unhappy (call notes, scripts)",
    examples=[
        _case_example(Verdict.PASS, "no reasons demanded", _stage1(), _stage2()),
        _case_example(
            Verdict.FAIL,
            "resident made to give reasons",
            _stage1(),
            _stage2(escalation_reasons_demanded=True),
        ),
        policy_example(
            Verdict.FAIL,
            "escalation form demands reasons",
            stages=[{"number": 1}, {"number": 2, "escalation_reasons_required": True}],
        ),
        policy_example(
            Verdict.PASS,
            "escalation on request, no reasons needed",
            stages=[{"number": 1}, {"number": 2, "escalation_reasons_required": False}],
        ),
        attestation_example(
            "6.12",
            None,
            "Stage 2 handlers call each resident to hear what still troubles them.",
            "Stage 2 call script",
            "Sample of call notes, May 2024",
            on="2024-06-01",
            by="Complaints Manager",
            title="attested with call notes",
        ),
        attestation_example(
            "6.12",
            False,
            "Stage 2 handlers work from the escalation form alone.",
            "Stage 2 file sample, May 2024",
            on="2024-06-01",
            by="Complaints Manager",
        ),
    ],
)


# 6.13: the stage 2 handler is not the stage 1 handler.
CHC24_6_13 = rule(
    "6.13",
    "A different person at stage 2",
    summary="Whoever considered the complaint at stage 1 does not consider it at stage 2.",
    explanation="Case: stage 2 handler differs from stage 1 handler. Policy: different_handler.",
    case=different_handlers(1, 2),
    policy=policy_different_handlers(1, 2),
    examples=[
        _case_example(Verdict.PASS, "different handlers", _stage1(), _stage2()),
        _case_example(
            Verdict.FAIL, "same handler at both stages", _stage1(), _stage2(handler="A. Patel")
        ),
        policy_example(
            Verdict.FAIL,
            "the stage 1 handler may decide stage 2",
            stages=[{"number": 1}, {"number": 2, "different_handler": False}],
        ),
        policy_example(
            Verdict.PASS,
            "a new handler at stage 2",
            stages=[{"number": 1}, {"number": 2, "different_handler": True}],
        ),
    ],
)


# 6.14: stage 2 final response within 20 working days of acknowledging the escalation.
CHC24_6_14 = rule(
    "6.14",
    "Stage 2 response in time",
    summary=(
        "The stage 2 final response goes out within 20 working days after the escalation was "
        "acknowledged, or by the date of a valid extension."
    ),
    explanation="""
        Case: as 6.3, at stage 2, counting 20 working days from acknowledgement of the
        escalation (from the acknowledgement deadline where there was none, or under the
        'capped' convention where it was late). Policy: at most 20.
    """,
    timescale=_timescale(2, Obligation.RESPOND),
    policy=policy_stage_days(
        2,
        "respond_working_days",
        "stage2.respond_working_days",
        "response",
        unlisted_stages_fail=True,
        clock="stage2.respond_from",
    ),
    examples=[
        _case_example(Verdict.PASS, "20th working day", _stage1(), _stage2()),
        _case_example(
            Verdict.FAIL,
            "21st working day",
            _stage1(),
            _stage2(response={"issued_on": "2024-07-09", "contents": _ALL_ITEMS}),
        ),
        policy_example(
            Verdict.FAIL,
            "policy allows 25 working days",
            stages=[{"number": 1}, {"number": 2, "respond_working_days": 25}],
        ),
        policy_example(
            Verdict.PASS,
            "policy allows 20 working days",
            stages=[{"number": 1}, {"number": 2, "respond_working_days": 20}],
        ),
    ],
)


_EXT2_OK = {
    "notified_on": "2024-07-01",
    "new_due": "2024-08-05",
    "reason": "Independent surveyor booked",
    "ombudsman_details_given": True,
}

# 6.15: stage 2 extension at most 20 working days without good reason, reasons explained.
CHC24_6_15 = rule(
    "6.15",
    "Stage 2 extensions: notice, reasons and cap",
    summary=(
        "If stage 2 needs longer, tell the resident the new date and why before the deadline; "
        "more than 20 extra working days needs a good reason."
    ),
    explanation="As 6.4, at stage 2, with a 20 working day cap.",
    timescale=_timescale(2, Obligation.EXTEND),
    policy=_policy_extension(2),
    examples=[
        _case_example(
            Verdict.PASS, "20 working days, in time", _stage1(), _stage2(extensions=[_EXT2_OK])
        ),
        _case_example(
            Verdict.FAIL,
            "21 working days without good reason",
            _stage1(),
            _stage2(extensions=[{**_EXT2_OK, "new_due": "2024-08-06"}]),
        ),
        policy_example(
            Verdict.FAIL,
            "longer stage 2 extensions without good reason",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "extension": {
                        "max_working_days": 20,
                        "beyond_max_only_with_good_reason": False,
                        "reasons_given": True,
                    },
                },
            ],
        ),
        policy_example(
            Verdict.PASS,
            "20-day extensions, longer only with good reason, reasons given",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "extension": {
                        "max_working_days": 20,
                        "beyond_max_only_with_good_reason": True,
                        "reasons_given": True,
                    },
                },
            ],
        ),
    ],
)


# 6.16: stage 2 extension notices give the Ombudsman's contact details.
CHC24_6_16 = rule(
    "6.16",
    "Ombudsman details in stage 2 extension notices",
    summary="Every stage 2 extension notice gives the resident the Ombudsman's contact details.",
    explanation="As 6.5, at stage 2.",
    case=stage_check(check_extension_notices, 2),
    policy=policy_stage_says(
        2,
        "extension.ombudsman_details_given",
        yes="stage 2 extension notices give the Ombudsman's contact details",
        no="stage 2 extension notices do not give the Ombudsman's contact details",
    ),
    examples=[
        _case_example(Verdict.PASS, "details given", _stage1(), _stage2(extensions=[_EXT2_OK])),
        _case_example(
            Verdict.FAIL,
            "details missing",
            _stage1(),
            _stage2(extensions=[{**_EXT2_OK, "ombudsman_details_given": False}]),
        ),
        policy_example(
            Verdict.FAIL,
            "stage 2 notices omit the Ombudsman",
            stages=[{"number": 1}, {"number": 2, "extension": {"ombudsman_details_given": False}}],
        ),
        policy_example(
            Verdict.PASS,
            "stage 2 notices give the Ombudsman's details",
            stages=[{"number": 1}, {"number": 2, "extension": {"ombudsman_details_given": True}}],
        ),
    ],
)

# 6.17: as 6.6 at stage 2.
CHC24_6_17 = rule(
    "6.17",
    "Stage 2 response not held back; actions tracked",
    summary=(
        "The stage 2 response goes out once the answer is known; open actions are then "
        "tracked, done promptly and the resident kept up to date."
    ),
    explanation="As 6.6, at stage 2.",
    case=stage_check(check_actions_tracked, 2),
    policy=_answer_known,
    examples=[
        _case_example(Verdict.PASS, "action done", _stage1(), _stage2(actions=[_ACTION_DONE])),
        _case_example(
            Verdict.FAIL,
            "action done late",
            _stage1(),
            _stage2(actions=[{**_ACTION_DONE, "completed_on": "2024-06-20"}]),
        ),
        policy_example(
            Verdict.FAIL, "final responses wait for the repairs", respond_when_answer_known=False
        ),
        policy_example(
            Verdict.PASS,
            "final responses sent once the answer is known",
            respond_when_answer_known=True,
        ),
    ],
)

# 6.18: as 6.7 at stage 2.
CHC24_6_18 = rule(
    "6.18",
    "Stage 2 response answers every point with reasons",
    summary=(
        "The stage 2 response deals with each point of the complaint definition and gives "
        "clear reasons, citing policy, law or good practice where relevant."
    ),
    explanation="As 6.7, at stage 2.",
    case=stage_check(check_points_addressed, 2, points=_POINTS),
    attestation=_REASONS_ATTESTATION,
    examples=[
        _case_example(
            Verdict.PASS,
            "all points addressed",
            _stage1(),
            _stage2(response={"issued_on": "2024-07-08", "all_points_addressed": True}),
        ),
        _case_example(
            Verdict.FAIL,
            "points missed",
            _stage1(),
            _stage2(response={"issued_on": "2024-07-08", "all_points_addressed": False}),
        ),
        attestation_example(
            "6.18",
            None,
            "A review of 10 stage 2 letters found each point answered, citing policy.",
            "Stage 2 quality review, Q1 2024-25",
            on="2024-06-01",
            by="Complaints Manager",
            title="attested with a quality review",
        ),
        attestation_example(
            "6.18",
            False,
            "Sampled final responses skip points raised at escalation.",
            "Stage 2 quality review, Q1 2024-25",
            on="2024-06-01",
            by="Complaints Manager",
        ),
    ],
)


# 6.19: the stage 2 letter states (a)-(f) as at stage 1, and (g) how to go to the Ombudsman.
CHC24_6_19 = rule(
    "6.19",
    "Stage 2 response letter contents",
    summary=(
        "The stage 2 response states the stage, the definition, the decision and reasons, any "
        "remedy, outstanding actions, and how to take the complaint to the Ombudsman."
    ),
    explanation="""
        Case: response.contents true for each item; escalation_route here means the route to
        the Ombudsman. Policy: the stage 2 template lists all seven items.
    """,
    case=response_contents_at(2, "stage2.response_items"),
    policy=policy_response_items(2, "stage2.response_items"),
    examples=[
        _case_example(Verdict.PASS, "all items", _stage1(), _stage2()),
        _case_example(
            Verdict.FAIL,
            "no route to the Ombudsman",
            _stage1(),
            _stage2(
                response={
                    "issued_on": "2024-07-08",
                    "contents": {**_ALL_ITEMS, "escalation_route": False},
                }
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "stage 2 template without the route to the Ombudsman",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "response_contents": [i for i in _ALL_ITEMS if i != "escalation_route"],
                },
            ],
        ),
        policy_example(
            Verdict.PASS,
            "stage 2 template lists all seven items",
            stages=[{"number": 1}, {"number": 2, "response_contents": list(_ALL_ITEMS)}],
        ),
    ],
)

# 6.20: stage 2 is the final response and involves all the staff needed to give it.
# The data shows who was involved: the final response's record of its contributors and of
# who signed it off. Whether they were everyone needed stays a person's judgement, attested.
_CONTRIBUTORS = stage(2).field("response.contributors")
_SIGNED_OFF_BY = stage(2).field("response.signed_off_by")
_final_response_involvement = applies_if(
    CaseFact.STAGE2_RESPONSE,
    when(
        _CONTRIBUTORS.is_null() & _SIGNED_OFF_BY.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "the final (stage 2) response does not record who contributed to it or who signed "
        "it off; set its contributors and signed_off_by",
    )
    .when(
        _CONTRIBUTORS.not_null() & _CONTRIBUTORS.count().eq(0),
        Verdict.FAIL,
        "the final (stage 2) response records that no one contributed to it besides its "
        "author (contributors: none)",
    )
    .when(
        _SIGNED_OFF_BY.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "the final (stage 2) response does not record who signed it off; set signed_off_by",
    )
    .when(
        _CONTRIBUTORS.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "the final (stage 2) response does not record who contributed to it; set contributors",
    )
    .otherwise(
        Verdict.PASS,
        "the final (stage 2) response was signed off by {signed_off_by}, with {count} "
        "contributor(s) recorded",
        values={"signed_off_by": _SIGNED_OFF_BY, "count": _CONTRIBUTORS.count()},
        facts={
            "stage2.response.contributors": _CONTRIBUTORS,
            "stage2.response.signed_off_by": _SIGNED_OFF_BY,
        },
    ),
    otherwise="no stage 2 response yet",
)

CHC24_6_20 = rule(
    "6.20",
    "Final response involves the right staff",
    summary="The stage 2 final response draws in every member of staff needed to give it properly.",
    explanation="""
        Case: the stage 2 response records who contributed to it (response.contributors)
        and who signed it off (response.signed_off_by). A record that no one contributed
        besides its author (an empty list) fails; both recorded passes; either missing
        needs evidence; a case with no stage 2 response is not applicable. Whether those
        involved were everyone the response needed is a judgement: an attestation for
        6.20 settles that part.
    """,
    case=_final_response_involvement,
    attestation="sign-off records or a sample of stage 2 files showing who contributed",
    examples=[
        _case_example(
            Verdict.FAIL,
            "the final response records no contributor",
            _stage1(),
            _stage2(
                response={
                    "issued_on": "2024-07-08",
                    "contributors": [],
                    "signed_off_by": "Head of Repairs",
                }
            ),
        ),
        _case_example(
            Verdict.PASS,
            "repairs and the contractor contributed; the head of service signed it off",
            _stage1(),
            _stage2(
                response={
                    "issued_on": "2024-07-08",
                    "contributors": ["Repairs Manager", "Damp contractor"],
                    "signed_off_by": "Head of Repairs",
                }
            ),
        ),
        _case_example(
            Verdict.NEEDS_EVIDENCE,
            "contributors recorded, sign-off not",
            _stage1(),
            _stage2(response={"issued_on": "2024-07-08", "contributors": ["Repairs Manager"]}),
        ),
        attestation_example(
            "6.20",
            None,
            "Stage 2 responses are signed off by the service head.",
            "Stage 2 sign-off log 2024",
            on="2024-06-01",
            by="Complaints Manager",
            title="attested with sign-off records",
        ),
        attestation_example(
            "6.20",
            False,
            "Repairs staff are not consulted at stage 2.",
            "Audit 2024-Q1",
            on="2024-06-01",
            by="Complaints Manager",
        ),
    ],
)

RULES = (
    CHC24_6_1,
    CHC24_6_2,
    CHC24_6_3,
    CHC24_6_4,
    CHC24_6_5,
    CHC24_6_6,
    CHC24_6_7,
    CHC24_6_8,
    CHC24_6_9,
    CHC24_6_10,
    CHC24_6_11,
    CHC24_6_12,
    CHC24_6_13,
    CHC24_6_14,
    CHC24_6_15,
    CHC24_6_16,
    CHC24_6_17,
    CHC24_6_18,
    CHC24_6_19,
    CHC24_6_20,
)
