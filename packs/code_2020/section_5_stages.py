"""Section 5: the complaint stages, their timescales, extensions and response letters.

The 2022 Code lists stage 1 (5.1-5.8), stage 2 (5.9-5.16) and an optional stage 3
(5.17-5.20). The self-assessment this pack is numbered from (shared/seeds/002) lost the
numbers of the six mandatory stage 2 provisions in its scan; they are 5.9 to 5.13 and 5.16
by their order on the form and by elimination (5.14 and 5.15 are numbered there). Worked
dates for the examples are in ``_helpers``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    CaseCheck,
    CaseFact,
    ClockStart,
    Context,
    Example,
    Level,
    Obligation,
    Outcome,
    PolicyCheck,
    Precondition,
    Rule,
    Timescale,
    Verdict,
    actions_tracked_at_every_stage,
    applies_at_stage,
    applies_if,
    as_of,
    case_field,
    check_issues_raised,
    different_handlers,
    each_fact,
    failed,
    first_not_passing,
    item,
    lit,
    needs_evidence,
    param,
    passed,
    points_addressed_at_every_stage,
    policy_different_handlers,
    policy_example,
    policy_response_items,
    policy_stage_days,
    policy_stage_says,
    policy_stages_unread,
    policy_states,
    response_contents_at,
    response_due_expressions,
    stage,
    stage_check,
    stages_within,
    text,
    when,
)

from ._common import rule
from ._helpers import (
    ALL_ITEMS,
    STAGE1_ITEMS,
    attestation_examples,
    case_example,
    optional_stage,
    stage1,
    stage2,
    stage3,
)

# -- shapes of check used at more than one stage -----------------------------------------------


def _respond(number: int, precondition: Precondition | None = None) -> Timescale:
    """The stage's response timescale, for the library's shared judge: the response in
    time, and any extension explained, in time and within the cap (or with a good reason),
    judged together as this Code states them in one provision. Only stage 1 has an
    acknowledgement timescale (4.1); later stages count from the escalation request."""
    return Timescale(
        number,
        Obligation.RESPOND,
        days=f"stage{number}.respond_working_days",
        clock=f"stage{number}.respond_from",
        acknowledge_days="stage1.acknowledge_working_days" if number == 1 else None,
        extension_cap=f"stage{number}.extension_cap_working_days",
        with_extensions=True,
        precondition=precondition,
        # a stage not reached is not applicable, citing no parameter (stage 3's
        # precondition says so in its own words)
        only_if_reached=precondition is None,
    )


def _policy_timing(number: int, allowed_from: Collection[ClockStart] | None) -> PolicyCheck:
    """The policy's response time, clock start and extension cap for the stage are no more
    generous than the Code's.

    With ``allowed_from`` the policy's clock must be one of those events. Without it (the
    stages counted from the escalation request) the shared check weighs the policy's own
    clock as code_2024 does: one starting later than the Code's adds the policy's
    acknowledgement allowance to its days, so that only a total over the Code's fails."""
    clock = None if allowed_from is not None else f"stage{number}.respond_from"
    days = policy_stage_days(
        number,
        "respond_working_days",
        f"stage{number}.respond_working_days",
        "response",
        clock=clock,
    )

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        outcomes = [days(policy, ctx)]
        stage = policy.stage(number)
        if (
            allowed_from is not None
            and stage is not None
            and stage.respond_from is not None
            and stage.respond_from.value not in {c.value for c in allowed_from}
        ):
            expected = ClockStart(ctx.param(f"stage{number}.respond_from")).value
            given = stage.respond_from.value
            outcomes.append(
                failed(
                    f"the policy counts the stage {number} response time from the "
                    f"{given.replace('_', ' ')}; the Code counts it from the "
                    f"{expected.replace('_', ' ')}",
                    facts={f"stages[{number}].respond_from": stage.respond_from.value},
                )
            )
        ext = stage.extension if stage else None
        if ext is not None:
            cap: int = ctx.param(f"stage{number}.extension_cap_working_days")
            facts = {
                f"stages[{number}].extension.max_working_days": ext.max_working_days,
                f"stages[{number}].extension.beyond_max_only_with_good_reason": (
                    ext.beyond_max_only_with_good_reason
                ),
            }
            if ext.uncapped:
                facts[f"stages[{number}].extension.uncapped"] = True
                outcomes.append(
                    failed(
                        f"the policy sets no limit on how long a stage {number} extension may "
                        f"be; without good reason the Code allows {cap} working days",
                        facts=facts,
                    )
                )
            elif ext.cap_aim_only and (ext.max_working_days or 0) <= cap:
                facts[f"stages[{number}].extension.cap_aim_only"] = True
                outcomes.append(
                    needs_evidence(
                        f"the policy only aims to keep stage {number} extensions within "
                        f"{ext.max_working_days} working days, where the Code's {cap} is a "
                        "firm limit; confirm the limit is kept, or state it as a limit",
                        facts=facts,
                    )
                )
            if ext.max_working_days is not None and ext.max_working_days > cap:
                outcomes.append(
                    failed(
                        f"the policy allows stage {number} extensions of "
                        f"{ext.max_working_days} working days; without good reason the Code "
                        f"allows {cap}",
                        facts=facts,
                    )
                )
            elif ext.beyond_max_only_with_good_reason is False:
                outcomes.append(
                    failed(
                        f"the policy allows longer stage {number} extensions without good reason",
                        facts=facts,
                    )
                )
        return first_not_passing(outcomes)

    return check


def _agreed_beyond(number: int) -> CaseCheck:
    """Extensions that run past the Code's point of agreement were agreed with the resident.

    At stage 1 that point is counted from the start of the response clock (5.2: "beyond 20
    working days"); at stage 2 from the original deadline (5.14: "beyond 10 working days").
    """
    at = f"stage{number}."
    clock, deadline = response_due_expressions(
        number,
        days=param(at + "respond_working_days"),
        respond_from=param(at + "respond_from"),
        ack_days=param("stage1.acknowledge_working_days") if number == 1 else lit(0),
    )
    beyond = param(at + "agree_extension_beyond_working_days")
    if number == 1:
        start = clock.get("day")
        point = start.add_working_days(beyond)
        basis = text(
            "{days} working days after {label} on {day}",
            days=beyond,
            label=clock.get("label"),
            day=start.iso(),
        )
    else:
        point = deadline.due.add_working_days(beyond)
        basis = text(
            "{days} working days after the original deadline {due}",
            days=beyond,
            due=deadline.due.iso(),
        )
    extensions = stage(number).field("extensions")
    agreed = item("agreed_with_resident")
    long = item("new_due").gt(point)
    key = "extensions[{index}].agreed_with_resident"
    check = (
        when(
            clock.is_null(),
            Verdict.NEEDS_EVIDENCE,
            f"stage {number} has no escalation request date; set its requested_on",
            evidence=False,
        )
        .when(
            ~extensions.any(long),
            Verdict.NOT_APPLICABLE,
            f"no stage {number} extension ran past {{point}} ({{basis}})",
        )
        .when(
            extensions.any(long & agreed.is_false()),
            Verdict.FAIL,
            f"stage {number} was extended past {{point}} ({{basis}}) without the resident's "
            "agreement: {refused}",
        )
        .when(
            extensions.any(long & agreed.is_null()),
            Verdict.NEEDS_EVIDENCE,
            "the case does not record whether the resident agreed: {unknown}",
        )
        .otherwise(
            Verdict.PASS,
            f"the resident agreed each stage {number} extension past {{point}}",
            values={
                "point": point.iso(),
                "basis": basis,
                "refused": extensions.each(key, where=long & agreed.is_false()),
                "unknown": extensions.each(key, where=long & agreed.is_null()),
            },
            each_facts=[each_fact(extensions, key, agreed, where=long)],
            computed={"agreement_needed_after": point.iso(), "counted_as": basis},
            # read as the shared stage checks read a stage's parameters; the point of
            # agreement only where the deadline is known
            parameters_where={
                at + "respond_working_days": lit(True),
                at + "extension_cap_working_days": lit(True),
                at + "agree_extension_beyond_working_days": clock.not_null(),
            },
        )
    )
    return applies_at_stage("extension", number, check, otherwise=f"no extension at stage {number}")


def _ombudsman_when_not_agreed(number: int) -> CaseCheck:
    """Where the resident did not agree an extension, they were given the Ombudsman's
    contact details so they could challenge it."""
    extensions = stage(number).field("extensions")
    agreed, given = item("agreed_with_resident"), item("ombudsman_details_given")
    disputed = extensions.any(agreed.is_false())
    check = (
        when(
            ~extensions.present(),
            Verdict.NOT_APPLICABLE,
            f"no extension at stage {number}",
            evidence=False,
        )
        .when(
            extensions.any(agreed.is_false() & given.is_false()),
            Verdict.FAIL,
            f"no agreement on a stage {number} extension, and the resident was not given "
            "the Ombudsman's contact details: {missing}",
        )
        .when(
            extensions.any(agreed.is_false() & given.is_null()),
            Verdict.NEEDS_EVIDENCE,
            "the case does not record: {unknown}",
        )
        .when(
            disputed,
            Verdict.PASS,
            "where the extension was not agreed, the Ombudsman's details were given",
        )
        .when(
            extensions.any(agreed.is_null()),
            Verdict.NEEDS_EVIDENCE,
            "the case does not record whether the resident agreed each extension "
            "(set agreed_with_resident)",
        )
        .otherwise(
            Verdict.NOT_APPLICABLE,
            f"the resident agreed every stage {number} extension",
            values={
                "missing": extensions.each(
                    "extensions[{index}].ombudsman_details_given",
                    where=agreed.is_false() & given.is_false(),
                ),
                "unknown": extensions.each(
                    "extensions[{index}].ombudsman_details_given",
                    where=agreed.is_false() & given.is_null(),
                ),
            },
            each_facts=[
                # the details given where an extension is disputed; else whether each
                # extension was agreed
                each_fact(
                    extensions,
                    "extensions[{index}].ombudsman_details_given",
                    given,
                    where=agreed.is_false(),
                ),
                each_fact(
                    extensions,
                    "extensions[{index}].agreed_with_resident",
                    agreed,
                    where=~disputed,
                ),
            ],
        )
    )
    return applies_at_stage("extension", number, check, otherwise=f"no extension at stage {number}")


def _extension_pair(
    number: int,
    extension: dict[str, Any],
    field: str,
    titles: tuple[str, str],
    **overrides: Any,
) -> list[Example]:
    """A failing and a passing case example: the case reaches stage ``number``, which has
    one ``extension`` with ``field`` false (the first title), then true (the second);
    ``overrides`` are further fields of that stage."""

    def one(expect: Verdict, title: str, value: bool) -> Example:
        *earlier, last = (stage1, stage2, stage3)[:number]
        extended = last(extensions=[{**extension, field: value}], **overrides)
        return case_example(expect, title, *(s() for s in earlier), extended)

    return [one(Verdict.FAIL, titles[0], False), one(Verdict.PASS, titles[1], True)]


def _for_policy(number: int, check: PolicyCheck, *, optional: bool) -> PolicyCheck:
    return optional_stage(number, check) if optional else check


def _agreement_rule(
    provision: str,
    number: int,
    *,
    summary: str,
    explanation: str,
    no: str,
    examples: Sequence[Example],
) -> Rule:
    """Stage ``number`` extensions past the Code's point of agreement were agreed with the
    resident, and the policy says they will be (5.2, 5.14)."""
    return rule(
        provision,
        f"Long stage {number} extensions agreed with the resident",
        level=Level.SHOULD,
        summary=summary,
        explanation=explanation,
        case=_agreed_beyond(number),
        policy=policy_stage_says(
            number,
            "extension.agreed_with_resident_beyond_max",
            yes=f"longer stage {number} extensions are agreed with the resident",
            no=no,
        ),
        examples=examples,
    )


def _disputed_extension_rule(
    provision: str,
    number: int,
    *,
    summary: str,
    explanation: str,
    examples: Sequence[Example],
    optional: bool = False,
) -> Rule:
    """A resident who did not agree a stage ``number`` extension got the Ombudsman's
    details, and the policy says so (5.3, 5.15, 5.19); ``optional`` for a stage the policy
    need not have."""
    policy = policy_stage_says(
        number,
        "extension.ombudsman_details_given",
        yes=f"the Ombudsman's details are given when a stage {number} extension is disputed",
        no="the policy does not give the Ombudsman's details when an extension is disputed",
    )
    return rule(
        provision,
        f"Ombudsman details when a stage {number} extension is not agreed",
        level=Level.SHOULD,
        summary=summary,
        explanation=explanation,
        case=_ombudsman_when_not_agreed(number),
        policy=_for_policy(number, policy, optional=optional),
        examples=examples,
    )


def _letter_rule(
    provision: str,
    number: int,
    *,
    summary: str,
    explanation: str,
    examples: Sequence[Example],
    optional: bool = False,
) -> Rule:
    """The stage ``number`` response letter stated every item the Code lists for it, and
    the policy's template lists them (5.8, 5.16, 5.20)."""
    items = f"stage{number}.response_items"
    case = response_contents_at(number, items)  # gated on the stage's response at stages 1-2
    if number not in (1, 2):
        # Case facts know no stage 3, but a case with no response at any stage has none at
        # this stage either: the message is the check's own.
        case = applies_if(
            CaseFact.ANY_RESPONSE, case, otherwise=f"no stage {number} response to check"
        )
    return rule(
        provision,
        f"Stage {number} response letter contents",
        level=Level.MUST,
        summary=summary,
        explanation=explanation,
        case=case,
        policy=_for_policy(number, policy_response_items(number, items), optional=optional),
        examples=examples,
    )


_EXT1 = {
    "notified_on": "2023-05-22",
    "new_due": "2023-06-09",
    "reason": "Surveyor's report awaited",
}
_EXT2 = {
    "notified_on": "2023-06-26",
    "new_due": "2023-07-13",
    "reason": "Independent surveyor booked",
}
_FROM_LOGGING = (ClockStart.RECEIPT, ClockStart.LOGGING, ClockStart.ACKNOWLEDGEMENT)

# -- stage 1 -----------------------------------------------------------------------------------

# 5.1: stage 1 response within 10 working days of logging; exceptionally a later date may be
# given with an explanation, not more than a further 10 days without good reason.
CHC20_5_1 = rule(
    "5.1",
    "Stage 1 response within 10 working days of logging",
    level=Level.MUST,
    summary=(
        "The stage 1 response goes out within 10 working days after the complaint was "
        "logged; only exceptionally may the resident be given a later date, with reasons, "
        "and that should add no more than 10 days unless there is good reason."
    ),
    explanation="""
        Case: the clock starts at logged_on (or, if none is recorded, the acknowledgement);
        logging late buys no time, as the clock then starts at the 5-day logging deadline.
        The response must be on or before the 10th working day after that. An extension
        moves the deadline if notified before the deadline it moves, with a reason; beyond
        10 working days after the original deadline only with a recorded good_reason. An
        extension notified late or without a reason fails.
        Policy: stage 1 respond_working_days at most 10, counted from logging (or earlier),
        and extension.max_working_days at most 10.
    """,
    timescale=_respond(1),
    policy=_policy_timing(1, _FROM_LOGGING),
    examples=[
        case_example(Verdict.PASS, "on the 10th working day after logging", stage1()),
        case_example(
            Verdict.FAIL,
            "on the 11th working day",
            stage1(response={"issued_on": "2023-05-26", "contents": STAGE1_ITEMS}),
        ),
        case_example(
            Verdict.PASS,
            "within a 10-day extension explained in time",
            stage1(
                extensions=[_EXT1],
                response={"issued_on": "2023-06-09", "contents": STAGE1_ITEMS},
            ),
        ),
        case_example(
            Verdict.FAIL,
            "an 11-day extension without good reason",
            stage1(
                extensions=[{**_EXT1, "new_due": "2023-06-12"}],
                response={"issued_on": "2023-06-12", "contents": STAGE1_ITEMS},
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "15 working days",
            stages=[{"number": 1, "respond_working_days": 15}],
        ),
        policy_example(
            Verdict.PASS,
            "10 working days from logging, extensions up to 10",
            stages=[
                {
                    "number": 1,
                    "respond_working_days": 10,
                    "respond_from": "logging",
                    "extension": {"max_working_days": 10},
                }
            ],
        ),
    ],
)

# 5.2: an extension taking stage 1 beyond 20 working days is agreed by both parties.
CHC20_5_2 = _agreement_rule(
    "5.2",
    1,
    summary=(
        "If the landlord needs longer than 20 working days in all to answer at stage 1, the "
        "new timescale should be agreed with the resident."
    ),
    explanation="""
        Case: any stage 1 extension whose new_due is later than 20 working days after the
        start of the response clock (logging) should record agreed_with_resident: true.
        Policy: stages[1].extension.agreed_with_resident_beyond_max should be true.
    """,
    no="the policy extends stage 1 beyond 20 working days without the resident's agreement",
    examples=[
        *_extension_pair(
            1,
            {**_EXT1, "new_due": "2023-06-12", "good_reason": "Specialist survey"},
            "agreed_with_resident",
            (
                "extended to the 21st working day, not agreed",
                "extended to the 21st working day, agreed",
            ),
            response={"issued_on": "2023-06-12", "contents": STAGE1_ITEMS},
        ),
        policy_example(
            Verdict.FAIL,
            "long stage 1 extensions set without the resident",
            stages=[{"number": 1, "extension": {"agreed_with_resident_beyond_max": False}}],
        ),
        policy_example(
            Verdict.PASS,
            "long stage 1 extensions agreed with the resident",
            stages=[{"number": 1, "extension": {"agreed_with_resident_beyond_max": True}}],
        ),
    ],
)

# 5.3: if the extension cannot be agreed, give the Ombudsman's details so the resident can
# challenge it.
CHC20_5_3 = _disputed_extension_rule(
    "5.3",
    1,
    summary=(
        "Where landlord and resident cannot agree a stage 1 extension, the resident should "
        "be given the Ombudsman's contact details to challenge the plan or its timing."
    ),
    explanation="""
        Case: each stage 1 extension with agreed_with_resident: false should record
        ombudsman_details_given: true. Policy: stages[1].extension.ombudsman_details_given.
    """,
    examples=[
        *_extension_pair(
            1,
            {**_EXT1, "agreed_with_resident": False},
            "ombudsman_details_given",
            (
                "extension disputed, no Ombudsman details",
                "extension disputed, Ombudsman details given",
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "no Ombudsman details for a disputed stage 1 extension",
            stages=[{"number": 1, "extension": {"ombudsman_details_given": False}}],
        ),
        policy_example(
            Verdict.PASS,
            "Ombudsman details for a disputed stage 1 extension",
            stages=[{"number": 1, "extension": {"ombudsman_details_given": True}}],
        ),
    ],
)

# 5.4: for a recurring problem, older reports are part of the background.
_EARLIER = case_field("earlier_complaints")
_CONSIDERED = case_field("earlier_complaints_considered")
_earlier_considered = (
    when(
        _EARLIER.is_null(),
        Verdict.NOT_APPLICABLE,
        "the case does not link earlier complaints about the same issue; set "
        "earlier_complaints (an empty list if there were none)",
    )
    .when(
        _EARLIER.count().eq(0),
        Verdict.NOT_APPLICABLE,
        "no earlier complaint about the same issue",
    )
    .when(
        _CONSIDERED.is_false(),
        Verdict.FAIL,
        "{count} earlier complaint(s) about the same issue were linked but not considered "
        "(earlier_complaints_considered: false)",
    )
    .when(
        _CONSIDERED.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "{count} earlier complaint(s) about the same issue are linked; set "
        "earlier_complaints_considered",
    )
    .otherwise(
        Verdict.PASS,
        "{count} earlier complaint(s) about the same issue were considered as background",
        values={"count": _EARLIER.count()},
        facts={
            "earlier_complaints": _EARLIER,
            "earlier_complaints_considered": _CONSIDERED,
        },
    )
)
CHC20_5_4 = rule(
    "5.4",
    "Earlier reports of a recurring issue considered",
    level=Level.SHOULD,
    summary=(
        "When the problem keeps coming back, the landlord should look at earlier reports of "
        "it as background, where that helps resolve it for the resident."
    ),
    explanation="""
        Case: where the case links earlier complaints about the same issue
        (earlier_complaints, their references), it must record that they were considered
        (earlier_complaints_considered): no fails, yes passes, unrecorded needs evidence. A
        case that links none, or does not record the links, is not applicable. Whether
        earlier reports that were never linked exist is a matter for case-file review: an
        attestation for 5.4 settles that part.
    """,
    case=_earlier_considered,
    attestation="how previous reports and complaints are linked to a new complaint",
    examples=[
        case_example(
            Verdict.FAIL,
            "two earlier damp complaints linked, not considered",
            earlier_complaints=["EX-11", "EX-14"],
            earlier_complaints_considered=False,
        ),
        case_example(
            Verdict.PASS,
            "the earlier complaint read as background",
            earlier_complaints=["EX-11"],
            earlier_complaints_considered=True,
        ),
        *attestation_examples(
            "5.4",
            met="Cases are linked to earlier reports on the housing system and reviewed.",
            not_met="Handlers see only the current complaint.",
        ),
    ],
)

_ACTION_DONE = {"description": "Damp treatment", "due": "2023-06-16", "completed_on": "2023-06-14"}

# 5.5: respond when the answer is known, not when the follow-up work is finished; track the
# outstanding actions and keep the resident updated.
CHC20_5_5 = rule(
    "5.5",
    "Response sent when the answer is known; actions tracked",
    level=Level.MUST,
    summary=(
        "The response goes out as soon as the answer is known rather than after every "
        "follow-up job is done; the jobs still open are then tracked, done promptly, and the "
        "resident kept informed."
    ),
    explanation="""
        Case: at every stage, each outstanding action after the response must have a due
        date and be completed by it; with an as-of date, an open action past its due date
        fails. Policy: respond_when_answer_known must be true.
    """,
    case=actions_tracked_at_every_stage(),
    policy=policy_states(
        (
            "respond_when_answer_known",
            "responses go out when the answer is known, with open actions tracked",
            "the policy holds responses back until all actions are finished",
        )
    ),
    examples=[
        case_example(Verdict.PASS, "action done by its date", stage1(actions=[_ACTION_DONE])),
        case_example(
            Verdict.FAIL,
            "action with no date",
            stage1(actions=[{"description": "Replace window"}]),
        ),
        policy_example(
            Verdict.FAIL,
            "responses wait for every repair to finish",
            respond_when_answer_known=False,
        ),
        policy_example(
            Verdict.PASS,
            "responses sent once the answer is known",
            respond_when_answer_known=True,
        ),
    ],
)

# 5.6: address every point raised and give clear reasons, citing policy, law and good
# practice where relevant.
CHC20_5_6 = rule(
    "5.6",
    "Every point addressed, with reasons",
    level=Level.MUST,
    summary=(
        "The response deals with every point the resident raised and explains each decision, "
        "referring to the relevant policy, law and good practice where it helps."
    ),
    explanation="""
        Case: every stage response must record all_points_addressed: true. The quality of
        the reasons is for an attestation (a review of a sample of letters).
    """,
    case=points_addressed_at_every_stage(),
    attestation="a quality review of response letters for reasons citing policy or law",
    examples=[
        case_example(Verdict.PASS, "all points addressed", stage1()),
        case_example(
            Verdict.FAIL,
            "a point left unanswered",
            stage1(response={"issued_on": "2023-05-25", "all_points_addressed": False}),
        ),
        *attestation_examples(
            "5.6",
            met="A review of sampled letters found reasons given, citing policy where relevant.",
            not_met="Sampled letters state decisions with no reasons.",
        ),
    ],
)


# 5.7: further complaints raised during stage 1 go into its response when relevant and in
# time; otherwise they are logged as new complaints.
CHC20_5_7 = rule(
    "5.7",
    "Further complaints raised during stage 1",
    level=Level.SHOULD,
    summary=(
        "A relevant new complaint raised before the stage 1 response should be answered in "
        "it; one raised after the response, or that would hold it up unreasonably, should be "
        "logged as a new complaint."
    ),
    explanation="""
        Case: each of stage 1's issues_raised is checked against how it was handled
        (in_response, or new_complaint with its new reference). Logging a related issue as
        a new complaint is accepted: that is the choice the Code allows when folding it in
        would delay the response.
    """,
    case=stage_check(check_issues_raised, 1),
    examples=[
        case_example(
            Verdict.PASS,
            "related issue answered in the response",
            stage1(
                issues_raised=[
                    {"raised_on": "2023-05-15", "related": True, "handled": "in_response"}
                ]
            ),
        ),
        case_example(
            Verdict.FAIL,
            "issue raised after the response, never logged",
            stage1(
                issues_raised=[
                    {"raised_on": "2023-05-30", "related": True, "handled": "in_response"}
                ]
            ),
        ),
    ],
)

# 5.8: the stage 1 letter states the stage, decision, reasons, remedy, outstanding actions
# and how to escalate (six items; no complaint definition in this Code).
CHC20_5_8 = _letter_rule(
    "5.8",
    1,
    summary=(
        "At the end of stage 1 the resident gets, in writing and plain language, the stage, "
        "the decision and its reasons, any remedy, what is still to be done, and how to take "
        "the complaint to stage 2."
    ),
    explanation="""
        Case: response.contents must be true for each of the six items (stage, decision,
        reasons, remedy, outstanding_actions, escalation_route). Policy: the stage 1
        template (stages[1].response_contents) must list them.
    """,
    examples=[
        case_example(Verdict.PASS, "all six items", stage1()),
        case_example(
            Verdict.FAIL,
            "no escalation route",
            stage1(
                response={
                    "issued_on": "2023-05-25",
                    "contents": {**STAGE1_ITEMS, "escalation_route": False},
                }
            ),
        ),
        policy_example(
            Verdict.PASS,
            "template lists the six items",
            stages=[{"number": 1, "response_contents": list(STAGE1_ITEMS)}],
        ),
        policy_example(
            Verdict.FAIL,
            "template without the remedy",
            stages=[{"number": 1, "response_contents": [i for i in STAGE1_ITEMS if i != "remedy"]}],
        ),
    ],
)

# -- stage 2 -----------------------------------------------------------------------------------


_S2 = stage(2)
_REFUSALS = case_field("refusals")
_AT_2 = item("stage").eq(2)
_EXPLAINED, _RIGHT_GIVEN = item("explanation_given"), item("ombudsman_right_given")
_OPEN = case_field("closed_on").is_null() & case_field("withdrawn_on").is_null()
_DECLINED = _REFUSALS.any(_AT_2)  # read once per case: the usual case has no refusal
_, _S2_DUE = response_due_expressions(
    2,
    days=param("stage2.respond_working_days"),
    respond_from=param("stage2.respond_from"),
    ack_days=lit(0),  # only stage 1 has an acknowledgement timescale in this Code
)
# A refusal to escalate is judged on its own facts (facts=False: the stage's facts are for
# the other branches); a case with none at stage 2 has no per-refusal facts.
_progressed = (
    when(
        _DECLINED & _REFUSALS.any(_AT_2 & (_EXPLAINED.is_false() | _RIGHT_GIVEN.is_false())),
        Verdict.FAIL,
        "escalation was declined without written reasons and the right to go to the Ombudsman",
        facts=False,
        computed=False,
        parameters=False,
    )
    .when(
        _DECLINED & _REFUSALS.any(_AT_2 & (_EXPLAINED.is_null() | _RIGHT_GIVEN.is_null())),
        Verdict.NEEDS_EVIDENCE,
        "the case does not record: {unset}",
        facts=False,
        computed=False,
        parameters=False,
    )
    .when(
        _DECLINED,
        Verdict.PASS,
        "escalation was declined in writing with reasons and the Ombudsman route",
        facts=False,
        computed=False,
        parameters=False,
    )
    .when(
        _S2.field("acknowledged").not_null() | _S2.field("response").not_null(),
        Verdict.PASS,
        "the escalation was taken into stage 2",
        computed=False,
        parameters=False,
    )
    .when(
        as_of().is_null() & _OPEN,
        Verdict.NOT_APPLICABLE,
        "escalation requested, not yet progressed; give an as-of date to judge",
        computed=False,
        parameters=False,
    )
    # This Code sets no stage 2 acknowledgement timescale: an open escalation has until its
    # stage 2 response is due (5.13) to be taken in, so it is not failed before then.
    .when(
        _OPEN & as_of().le(_S2_DUE.due).is_true(),
        Verdict.NOT_APPLICABLE,
        "escalation requested; as of {as_of} stage 2 is not yet due to be taken in "
        "(its response is due by {due})",
    )
    .otherwise(
        Verdict.FAIL,
        "the escalation request was neither taken into stage 2 nor declined in writing",
        values={
            "as_of": as_of().iso(),
            "due": _S2_DUE.due.iso(),
            "unset": _REFUSALS.each_of(
                (_EXPLAINED.is_null(), "refusals[{index}].explanation_given"),
                (_RIGHT_GIVEN.is_null(), "refusals[{index}].ombudsman_right_given"),
                where=_AT_2,
                sep=", ",
            ),
        },
        facts={
            "stage2.requested_on": _S2.field("requested_on").iso(),
            "stage2.acknowledged": _S2.field("acknowledged").not_null(),
            "stage2.response": _S2.field("response").not_null(),
        },
        computed=_S2_DUE.evidence,
        each_facts=[
            each_fact(
                _REFUSALS,
                "refusals[{index}].{name}",
                {"explanation_given": _EXPLAINED, "ombudsman_right_given": _RIGHT_GIVEN},
                where=_AT_2,
            )
        ],
    )
)


def _policy_has_stage2(policy: LandlordPolicy, ctx: Context) -> Outcome:
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
    return passed("the policy provides a stage 2")


# 5.9: what is unresolved after stage 1 goes to stage 2 unless an exclusion now applies; a
# refusal to escalate is explained in writing with the right to go to the Ombudsman.
CHC20_5_9 = rule(
    "5.9",
    "Unresolved complaints progress to stage 2",
    level=Level.MUST,
    summary=(
        "Whatever is still unresolved for the resident after stage 1 goes on to stage 2 "
        "unless an exclusion ground now applies; a refusal to escalate is explained in "
        "writing, with the resident's right to go to the Ombudsman about it."
    ),
    explanation="""
        Case: once escalation is requested, stage 2 must be acknowledged or answered, or a
        stage 2 refusal recorded with explanation_given and ombudsman_right_given true. An
        open case is judged only with an as-of date, and fails only once its stage 2
        response is due (this Code sets no stage 2 acknowledgement timescale, so the
        escalation has until then to be taken in). Policy: the policy must have a stage 2.
    """,
    case=applies_if(CaseFact.STAGE2, _progressed, otherwise="the resident did not ask to escalate"),
    policy=_policy_has_stage2,
    examples=[
        case_example(Verdict.PASS, "escalated and handled", stage1(), stage2()),
        case_example(
            Verdict.FAIL,
            "escalation requested, closed without stage 2",
            stage1(),
            {"number": 2, "requested_on": "2023-06-01"},
            closed_on="2023-06-20",
        ),
        case_example(
            Verdict.FAIL,
            "escalation declined without the Ombudsman route",
            stage1(),
            {"number": 2, "requested_on": "2023-06-01"},
            refusals=[
                {
                    "on": "2023-06-05",
                    "stage": 2,
                    "ground": "already_considered",
                    "explanation_given": True,
                    "ombudsman_right_given": False,
                }
            ],
        ),
        policy_example(Verdict.FAIL, "a single-stage policy", stages=[{"number": 1}]),
        policy_example(
            Verdict.PASS, "a stage 2 to escalate to", stages=[{"number": 1}, {"number": 2}]
        ),
    ],
)


_ACK2 = stage(2).field("acknowledged")
_DEFINITION2 = stage(2).field("acknowledged.definition")

_stage2_defined = (
    when(
        _ACK2.is_null() & stage(2).field("response").not_null(),
        Verdict.FAIL,
        "stage 2 was answered without first setting out the outstanding issues and the "
        "outcome sought",
        evidence=False,
    )
    .when(_ACK2.is_null(), Verdict.NOT_APPLICABLE, "stage 2 not yet acknowledged", evidence=False)
    .when(
        ~(
            stage(2).field("acknowledged.definition.understanding").present()
            & stage(2).field("acknowledged.definition.outcomes_sought").present()
        ),
        Verdict.FAIL,
        "on receiving the escalation the landlord did not set out both the issues still "
        "outstanding and the outcome the resident seeks",
    )
    .otherwise(
        Verdict.PASS,
        "the outstanding issues and outcome sought were set out",
        facts={"stage2.acknowledged.definition": _DEFINITION2.dump()},
    )
)


# 5.10: on an escalation request, set out the issues outstanding and the outcome sought;
# clarify anything unclear and agree the definition.
CHC20_5_10 = rule(
    "5.10",
    "Escalation: outstanding issues and outcome set out",
    level=Level.MUST,
    summary=(
        "On receiving a request to escalate, the landlord sets out what it understands is "
        "still in dispute and what the resident wants, checking anything unclear so both "
        "agree the complaint."
    ),
    explanation="""
        Case: the stage 2 acknowledgement must record a definition with understanding and
        outcomes_sought; a stage 2 response with no acknowledgement fails. Policy:
        records_complaint_definition must be true.
    """,
    case=applies_if(CaseFact.STAGE2, _stage2_defined, otherwise="no stage 2"),
    policy=policy_states(
        (
            "records_complaint_definition",
            "escalations are acknowledged with the issues and outcome set out",
            "the policy does not set out the complaint on escalation",
        )
    ),
    examples=[
        case_example(Verdict.PASS, "defined on escalation", stage1(), stage2()),
        case_example(
            Verdict.FAIL,
            "acknowledged without a definition",
            stage1(),
            stage2(acknowledged={"on": "2023-06-05"}),
        ),
        policy_example(
            Verdict.FAIL, "escalations not restated", records_complaint_definition=False
        ),
        policy_example(Verdict.PASS, "escalations restated", records_complaint_definition=True),
    ],
)


_ANSWERED1 = stage(1).field("response.issued_on")
_REQUESTED2 = stage(2).field("requested_on")

_after_stage1_on_request = (
    when(
        _ANSWERED1.is_null(),
        Verdict.FAIL,
        "the complaint went to stage 2 with no stage 1 response",
    )
    .when(
        _REQUESTED2.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "stage 2 records no escalation request (requested_on)",
    )
    # refused by the case model; reached only without validation
    .when(
        _REQUESTED2.lt(_ANSWERED1),
        Verdict.FAIL,
        "escalation to stage 2 is dated {requested}, before stage 1 was completed on {answered}",
    )
    .otherwise(
        Verdict.PASS,
        "stage 1 completed on {answered}; the resident asked to escalate on {requested}",
        values={"answered": _ANSWERED1.iso(), "requested": _REQUESTED2.iso()},
        facts={
            "stage1.response.issued_on": _ANSWERED1.iso(),
            "stage2.requested_on": _REQUESTED2.iso(),
        },
    )
)


# 5.11: escalate only after stage 1 is complete and only when the resident asks.
CHC20_5_11 = rule(
    "5.11",
    "Escalation only after stage 1, at the resident's request",
    level=Level.MUST,
    summary=(
        "A complaint moves to stage 2 only once stage 1 has finished and only because the "
        "resident asked for it."
    ),
    explanation="""
        Case: a case with stage 2 must have a stage 1 response, and stage 2's requested_on
        (the resident's request) must not be earlier than it. A case file giving a stage 2
        request dated before the stage 1 response is refused as inconsistent when it is
        read, so through the command line this fails only a stage 2 with no stage 1
        response.
    """,
    case=applies_if(CaseFact.STAGE2, _after_stage1_on_request, otherwise="no stage 2"),
    examples=[
        case_example(Verdict.PASS, "requested after the stage 1 response", stage1(), stage2()),
        case_example(
            Verdict.FAIL,
            "moved to stage 2 before stage 1 ended",
            stage1(response=None),
            stage2(requested_on="2023-05-20", response=None),
        ),
    ],
)


# 5.12: someone other than the stage 1 handler considers stage 2.
CHC20_5_12 = rule(
    "5.12",
    "A different person at stage 2",
    level=Level.MUST,
    summary="Whoever considered the complaint at stage 1 does not consider it at stage 2.",
    explanation="Case: the stage 2 handler differs from stage 1's. Policy: different_handler.",
    case=different_handlers(1, 2),
    policy=policy_different_handlers(1, 2),
    examples=[
        case_example(Verdict.PASS, "different handlers", stage1(), stage2()),
        case_example(
            Verdict.FAIL, "same handler at both stages", stage1(), stage2(handler="A. Patel")
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

# 5.13: stage 2 response within 20 working days of the escalation request; exceptionally a
# later date with an explanation, a further 10 days at most without good reason.
CHC20_5_13 = rule(
    "5.13",
    "Stage 2 response within 20 working days of escalation",
    level=Level.MUST,
    summary=(
        "The stage 2 response goes out within 20 working days after the resident asked to "
        "escalate; only exceptionally may a later date be given, with reasons, adding no "
        "more than 10 days unless there is good reason."
    ),
    explanation="""
        Case: the deadline is the 20th working day after requested_on; extensions as for
        5.1, capped at 10 working days after the original deadline without good reason.
        Policy: stage 2 respond_working_days at most 20, counted from the escalation
        request, and extension.max_working_days at most 10. A policy that starts its clock
        later (at acknowledgement of the escalation, say) is judged by its days plus the
        stage 2 acknowledgement time it allows (stages[2].acknowledge_working_days): at
        most 20 in all passes, more fails, and no acknowledgement time stated needs
        evidence; a clock from allocation, which no policy bounds, fails.
    """,
    timescale=_respond(2),
    policy=_policy_timing(2, None),
    examples=[
        case_example(Verdict.PASS, "on the 20th working day", stage1(), stage2()),
        case_example(
            Verdict.FAIL,
            "on the 21st working day",
            stage1(),
            stage2(response={"issued_on": "2023-06-30", "contents": ALL_ITEMS}),
        ),
        case_example(
            Verdict.PASS,
            "within a 10-day extension",
            stage1(),
            stage2(extensions=[_EXT2], response={"issued_on": "2023-07-13", "contents": ALL_ITEMS}),
        ),
        policy_example(
            Verdict.FAIL,
            "20 days counted from an acknowledgement allowed 5 days",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "acknowledge_working_days": 5,
                    "respond_working_days": 20,
                    "respond_from": "acknowledgement",
                },
            ],
        ),
        policy_example(
            Verdict.PASS,
            "15 days counted from an acknowledgement allowed 5 days",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "acknowledge_working_days": 5,
                    "respond_working_days": 15,
                    "respond_from": "acknowledgement",
                },
            ],
        ),
        policy_example(
            Verdict.PASS,
            "20 working days from the request, extensions up to 10",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "respond_working_days": 20,
                    "respond_from": "escalation_request",
                    "extension": {"max_working_days": 10},
                },
            ],
        ),
    ],
)

# 5.14: a stage 2 extension beyond 10 working days is agreed by both parties.
CHC20_5_14 = _agreement_rule(
    "5.14",
    2,
    summary=(
        "If stage 2 needs more than 10 extra working days, the new timescale should be "
        "agreed with the resident."
    ),
    explanation="""
        Case: any stage 2 extension ending more than 10 working days after the original
        deadline should record agreed_with_resident: true. Policy:
        stages[2].extension.agreed_with_resident_beyond_max should be true.
    """,
    no="the policy extends stage 2 by more than 10 days without the resident's agreement",
    examples=[
        *_extension_pair(
            2,
            {**_EXT2, "new_due": "2023-07-14", "good_reason": "Expert report"},
            "agreed_with_resident",
            ("11 extra working days, not agreed", "11 extra working days, agreed"),
            response=None,
        ),
        policy_example(
            Verdict.FAIL,
            "long stage 2 extensions set without the resident",
            stages=[
                {"number": 1},
                {"number": 2, "extension": {"agreed_with_resident_beyond_max": False}},
            ],
        ),
        policy_example(
            Verdict.PASS,
            "long stage 2 extensions agreed with the resident",
            stages=[
                {"number": 1},
                {"number": 2, "extension": {"agreed_with_resident_beyond_max": True}},
            ],
        ),
    ],
)

# 5.15: if a stage 2 extension cannot be agreed, give the Ombudsman's details.
CHC20_5_15 = _disputed_extension_rule(
    "5.15",
    2,
    summary=(
        "Where a stage 2 extension cannot be agreed, the resident should get the "
        "Ombudsman's contact details to challenge it."
    ),
    explanation="As 5.3, at stage 2.",
    examples=[
        *_extension_pair(
            2,
            {**_EXT2, "agreed_with_resident": False},
            "ombudsman_details_given",
            ("disputed, no details", "disputed, details given"),
            response=None,
        ),
        policy_example(
            Verdict.FAIL,
            "no Ombudsman details for a disputed stage 2 extension",
            stages=[{"number": 1}, {"number": 2, "extension": {"ombudsman_details_given": False}}],
        ),
        policy_example(
            Verdict.PASS,
            "Ombudsman details for a disputed stage 2 extension",
            stages=[{"number": 1}, {"number": 2, "extension": {"ombudsman_details_given": True}}],
        ),
    ],
)

# 5.16: the stage 2 letter states the stage, definition, decision, remedy, outstanding
# actions, and how to go to stage 3 (if there is one) or to the Ombudsman.
CHC20_5_16 = _letter_rule(
    "5.16",
    2,
    summary=(
        "At the end of stage 2 the resident gets, in writing and plain language, the stage, "
        "the complaint as defined, the decision and why, any remedy, what is still to be "
        "done, and how to go on: to stage 3 where there is one, otherwise to the Ombudsman."
    ),
    explanation="""
        Case: response.contents must be true for stage, complaint_definition, decision,
        reasons, remedy, outstanding_actions and escalation_route (to stage 3 or the
        Ombudsman). The July 2023 self-assessment breaks off after the decision item at a
        page break; reasons is included as in the stage 1 and stage 3 lists around it.
        Policy: the stage 2 template must list them.
    """,
    examples=[
        case_example(Verdict.PASS, "all items", stage1(), stage2()),
        case_example(
            Verdict.FAIL,
            "no route onward",
            stage1(),
            stage2(
                response={
                    "issued_on": "2023-06-29",
                    "contents": {**ALL_ITEMS, "escalation_route": False},
                }
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "stage 2 template without the route onward",
            stages=[
                {"number": 1},
                {
                    "number": 2,
                    "response_contents": [i for i in ALL_ITEMS if i != "escalation_route"],
                },
            ],
        ),
        policy_example(
            Verdict.PASS,
            "stage 2 template lists all seven items",
            stages=[{"number": 1}, {"number": 2, "response_contents": list(ALL_ITEMS)}],
        ),
    ],
)

# -- stage 3 -----------------------------------------------------------------------------------


_stage_count = stages_within(
    "stages.maximum",
    beyond="the case went to stage {highest}; the Code allows at most {maximum}",
    passed="the case's stages are {numbers}: none beyond stage {maximum}",
    computed="maximum_stages",
)


def _stage_count_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    if policy.stages is None:
        return needs_evidence("the policy does not describe its stages; set stages")
    maximum: int = ctx.param("stages.maximum")
    plain: int = ctx.param("stages.without_reasons")
    # An informal "stage 0" is judged under 4.1; here only the formal stages count.
    formal = [s.number for s in policy.stages if s.number >= 1 and not s.informal]
    count = len(formal)
    facts: dict[str, object] = {"policy.stages": [s.number for s in policy.stages]}
    if count > maximum:
        return failed(
            f"the policy has {count} stages; more than {maximum} is never acceptable", facts=facts
        )
    if count <= plain:
        return passed(f"the policy has {count} stage(s)", facts=facts)
    org = ctx.organisation
    if org is None:
        return needs_evidence(
            f"the policy has {count} stages; a third stage needs the landlord's reasons in its "
            "self-assessment: give the organisation file with self_assessments[]."
            "third_stage_reasons",
            facts=facts,
        )
    latest = max(org.self_assessments, key=lambda s: s.completed_on, default=None)
    reasons = latest.third_stage_reasons if latest else None
    facts["self_assessment.completed_on"] = latest.completed_on.isoformat() if latest else None
    facts["self_assessment.third_stage_reasons"] = reasons
    if not reasons:
        return failed(
            f"the policy has {count} stages but the latest self-assessment gives no reasons "
            "for the third",
            facts=facts,
        )
    return passed(
        f"{count} stages; the self-assessment of {facts['self_assessment.completed_on']} "
        f"explains the third: {reasons}",
        facts=facts,
    )


# 5.17: two stages are ideal; a landlord that keeps a third must give its reasons in its
# self-assessment; more than three stages is never acceptable.
CHC20_5_17 = rule(
    "5.17",
    "At most three stages; a third explained",
    level=Level.MUST,
    summary=(
        "Two stages are best, so that complaints are not drawn out; a landlord convinced it "
        "needs a third must explain why in its self-assessment, and more than three stages "
        "is never acceptable."
    ),
    explanation="""
        Case: no stage numbered above 3. Policy: at most 3 formal stages (an informal
        "stage 0" is judged under 4.1); with 3, the organisation's latest self-assessment
        must give third_stage_reasons (without an organisation file that needs evidence).
    """,
    case=_stage_count,
    policy=_stage_count_policy,
    examples=[
        case_example(Verdict.PASS, "three stages", stage1(), stage2(), stage3()),
        case_example(
            Verdict.FAIL,
            "a fourth stage",
            stage1(),
            stage2(),
            stage3(),
            {"number": 4, "requested_on": "2023-08-14"},
        ),
        policy_example(
            Verdict.FAIL,
            "four stages",
            stages=[{"number": 1}, {"number": 2}, {"number": 3}, {"number": 4}],
        ),
        policy_example(Verdict.PASS, "two stages", stages=[{"number": 1}, {"number": 2}]),
    ],
)


# 5.18's precondition, as an expression: a third stage only at the resident's request
# after stage 2; a case it passes goes on to the timing.
_STAGE2_ANSWERED = stage(2).field("response.issued_on")
_STAGE3_REQUESTED = stage(3).field("requested_on")
_STAGE3_ON_REQUEST = (
    when(
        ~stage(3).reached(),
        Verdict.NOT_APPLICABLE,
        "the complaint did not go to a third stage",
        evidence=False,
    )
    .when(
        _STAGE2_ANSWERED.is_null()
        | _STAGE3_REQUESTED.is_null()
        | _STAGE3_REQUESTED.lt(_STAGE2_ANSWERED),
        Verdict.FAIL,
        "the complaint went to stage 3 without the resident asking for it after the stage 2 "
        "response",
    )
    .otherwise(
        Verdict.PASS,
        "stage 3 was requested after the stage 2 response",
        facts={
            "stage2.response.issued_on": _STAGE2_ANSWERED.iso(),
            "stage3.requested_on": _STAGE3_REQUESTED.iso(),
        },
    )
)


# 5.18: a third stage only at the resident's request; its response within 20 working days
# of escalation; more time only to convene a panel, with an explanation and a date.
CHC20_5_18 = rule(
    "5.18",
    "Stage 3 on request, answered within 20 working days",
    level=Level.SHOULD,
    summary=(
        "A complaint should reach a third stage only when the resident actively asks; the "
        "stage 3 response then goes out within 20 working days of that request, and more "
        "time is justified only to convene a panel, with the resident told why and when."
    ),
    explanation="""
        Case: stage 3's requested_on must be on or after the stage 2 response; the stage 3
        response is due by the 20th working day after requested_on. The Code allows extra
        time only for convening a panel and sets no number, so every stage 3 extension must
        give a reason and record it as good_reason (the parameter
        stage3.extension_cap_working_days is 0). Policy: a stage 3, if any, allows at most
        20 working days from the request (a later clock counted with the acknowledgement
        time the policy allows, as for 5.13). The form lists 5.18 among the best-practice
        provisions although its timescale is worded as a must; the form's level is used.
    """,
    timescale=_respond(3, _STAGE3_ON_REQUEST),
    policy=optional_stage(3, _policy_timing(3, None)),
    examples=[
        case_example(Verdict.PASS, "20th working day", stage1(), stage2(), stage3()),
        case_example(
            Verdict.FAIL,
            "21st working day",
            stage1(),
            stage2(),
            stage3(response={"issued_on": "2023-08-08", "contents": ALL_ITEMS}),
        ),
        case_example(
            Verdict.PASS,
            "extended to convene the panel",
            stage1(),
            stage2(),
            stage3(
                extensions=[
                    {
                        "notified_on": "2023-08-01",
                        "new_due": "2023-08-21",
                        "reason": "Panel date",
                        "good_reason": "Convening the residents' panel",
                    }
                ],
                response={"issued_on": "2023-08-21", "contents": ALL_ITEMS},
            ),
        ),
        case_example(
            Verdict.FAIL,
            "extended with no good reason",
            stage1(),
            stage2(),
            stage3(
                extensions=[
                    {"notified_on": "2023-08-01", "new_due": "2023-08-21", "reason": "Busy"}
                ],
                response={"issued_on": "2023-08-21", "contents": ALL_ITEMS},
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "30 working days at stage 3",
            stages=[{"number": 1}, {"number": 2}, {"number": 3, "respond_working_days": 30}],
        ),
        policy_example(
            Verdict.PASS,
            "20 working days from the stage 3 request",
            stages=[
                {"number": 1},
                {"number": 2},
                {"number": 3, "respond_working_days": 20, "respond_from": "escalation_request"},
            ],
        ),
    ],
)

# 5.19: if a stage 3 extension cannot be agreed, give the Ombudsman's details.
CHC20_5_19 = _disputed_extension_rule(
    "5.19",
    3,
    summary=(
        "Where a stage 3 extension cannot be agreed, the resident should get the "
        "Ombudsman's contact details to challenge it."
    ),
    explanation="As 5.3, at stage 3.",
    optional=True,
    examples=[
        *_extension_pair(
            3,
            {
                "notified_on": "2023-08-01",
                "new_due": "2023-08-21",
                "reason": "Panel date",
                "good_reason": "Convening the panel",
                "agreed_with_resident": False,
            },
            "ombudsman_details_given",
            ("disputed, no details", "disputed, details given"),
            response=None,
        ),
        policy_example(
            Verdict.FAIL,
            "no Ombudsman details for a disputed stage 3 extension",
            stages=[
                {"number": 1},
                {"number": 2},
                {"number": 3, "extension": {"ombudsman_details_given": False}},
            ],
        ),
        policy_example(
            Verdict.PASS,
            "Ombudsman details for a disputed stage 3 extension",
            stages=[
                {"number": 1},
                {"number": 2},
                {"number": 3, "extension": {"ombudsman_details_given": True}},
            ],
        ),
    ],
)

# 5.20: the stage 3 letter states the stage, definition, decision, reasons, remedy,
# outstanding actions and how to go to the Ombudsman.
CHC20_5_20 = _letter_rule(
    "5.20",
    3,
    summary=(
        "At the end of stage 3 the resident gets, in writing and plain language, the stage, "
        "the complaint as defined, the decision and its reasons, any remedy, what is still "
        "to be done, and how to take the complaint to the Ombudsman."
    ),
    explanation="""
        Case: response.contents must be true for all seven items; escalation_route here is
        the route to the Ombudsman. Policy: a stage 3 template, if any, must list them.
    """,
    optional=True,
    examples=[
        case_example(Verdict.PASS, "all seven items", stage1(), stage2(), stage3()),
        case_example(
            Verdict.FAIL,
            "no reasons given",
            stage1(),
            stage2(),
            stage3(
                response={"issued_on": "2023-08-07", "contents": {**ALL_ITEMS, "reasons": False}}
            ),
        ),
        policy_example(
            Verdict.FAIL,
            "stage 3 template without reasons",
            stages=[
                {"number": 1},
                {"number": 2},
                {"number": 3, "response_contents": [i for i in ALL_ITEMS if i != "reasons"]},
            ],
        ),
        policy_example(
            Verdict.PASS,
            "stage 3 template lists all seven items",
            stages=[
                {"number": 1},
                {"number": 2},
                {"number": 3, "response_contents": list(ALL_ITEMS)},
            ],
        ),
    ],
)

RULES = (
    CHC20_5_1,
    CHC20_5_2,
    CHC20_5_3,
    CHC20_5_4,
    CHC20_5_5,
    CHC20_5_6,
    CHC20_5_7,
    CHC20_5_8,
    CHC20_5_9,
    CHC20_5_10,
    CHC20_5_11,
    CHC20_5_12,
    CHC20_5_13,
    CHC20_5_14,
    CHC20_5_15,
    CHC20_5_16,
    CHC20_5_17,
    CHC20_5_18,
    CHC20_5_19,
    CHC20_5_20,
)
