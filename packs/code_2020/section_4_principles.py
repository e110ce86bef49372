"""Section 4: the principles every complaint is handled by, whatever its stage.

4.1 holds this Code's stage 1 acknowledgement timescale (5 days from receipt); the response
timescales are in section 5.
"""

from __future__ import annotations

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    CaseExpression,
    CaseFact,
    Context,
    Expr,
    ItemTable,
    Level,
    Obligation,
    Outcome,
    Timescale,
    Verdict,
    Verdicts,
    applies_if,
    as_of,
    by_stage_number,
    case_field,
    each_fact,
    failed,
    full_record,
    handler_not_complained_about,
    item,
    item_outcomes,
    lit,
    needs_evidence,
    param,
    passed,
    policy_escalation_grounds,
    policy_example,
    policy_stage_days,
    policy_states,
    response_due_expressions,
    restrictions_regarded,
    stages,
    when,
)
from complaintrules.authoring import stage as stage_ref

from ._common import ID_PREFIX, rule
from ._helpers import (
    DEFINITION,
    attestation_examples,
    case_example,
    stage1,
    stage2,
    stage3,
)

# The Complaint model accepts stage numbers up to 9; stages beyond the Code's third are
# judged by 5.17, so 4.1 looks only for a stage before stage 1.
_MODEL_MAX_STAGE = 9


# 4.1's own precondition, as an expression (so the timescale is judged over columns too):
# a stage before stage 1 fails whatever the timing; a case it passes goes on to the timing.
# Its failure reads as check_stage_numbers(minimum=1, maximum=_MODEL_MAX_STAGE) words it.
_NO_STAGE_BEFORE_THE_FIRST = when(
    stage_ref(0).reached(), Verdict.FAIL, "stage 0 comes before stage 1, an extra named stage"
).otherwise(
    Verdict.PASS,
    "no stage before stage 1",
    facts={"stages": case_field("stage_numbers")},
    computed={"maximum_stages": lit(_MODEL_MAX_STAGE)},
)


def _no_extra_stages_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    if policy.stages is None:
        return needs_evidence("the policy does not describe its stages; set stages")
    extra = [s.name or f"stage {s.number}" for s in policy.stages if s.number == 0 or s.informal]
    if extra:
        return failed(
            f"the policy has an extra named stage before stage 1: {', '.join(extra)}",
            facts={"informal_stages": extra},
        )
    return policy_stage_days(
        1, "acknowledge_working_days", "stage1.acknowledge_working_days", "acknowledgement"
    )(policy, ctx)


# 4.1: settling a concern informally is agreed with the resident and never blocks or delays
# the complaints process; no "stage 0"; a complaint is acknowledged and logged at stage 1
# within five days of receipt.
CHC20_4_1 = rule(
    "4.1",
    "No pre-complaint stage; acknowledged and logged within 5 days",
    level=Level.MUST,
    summary=(
        "Trying to sort a concern out informally must be agreed with the resident and must "
        "not hold up or block a complaint; there is no 'stage 0'; a complaint is "
        "acknowledged and logged at stage 1 within five days of arriving."
    ),
    explanation="""
        Case: a stage numbered 0 fails. Otherwise the stage 1 acknowledgement must be no
        later than the 5th working day after receipt (the Code says "five days"; this pack
        counts working days, like the Code's other timescales), and a logged_on date, if
        recorded, must be no later either.
        Policy: no stage numbered 0 or marked informal, and a stage 1 acknowledgement
        timescale of at most 5 working days. That informal resolution was agreed with the
        resident is for an attestation.
    """,
    # The acknowledgement's definition is 4.2's to judge (the monitor alerts under it).
    timescale=Timescale(
        1,
        Obligation.ACKNOWLEDGE,
        days="stage1.acknowledge_working_days",
        require_logging=True,
        definition_by=f"{ID_PREFIX}-4.2",
        precondition=_NO_STAGE_BEFORE_THE_FIRST,
    ),
    policy=_no_extra_stages_policy,
    attestation="records showing residents agreed to any attempt at informal resolution",
    examples=[
        case_example(
            Verdict.PASS,
            "acknowledged and logged on the 5th working day, across the Coronation holiday",
            stage1(),
        ),
        case_example(
            Verdict.FAIL,
            "acknowledged on the 6th working day",
            stage1(
                logged_on="2023-05-12", acknowledged={"on": "2023-05-12", "definition": DEFINITION}
            ),
        ),
        case_example(
            Verdict.FAIL,
            "a 'stage 0' before stage 1",
            {"number": 0, "handler": "Area officer"},
            stage1(),
        ),
        policy_example(
            Verdict.FAIL,
            "an informal pre-complaint stage",
            stages=[{"number": 0, "name": "pre-complaint", "informal": True}, {"number": 1}],
        ),
        policy_example(
            Verdict.PASS,
            "stage 1 acknowledged in 5 working days",
            stages=[{"number": 1, "acknowledge_working_days": 5}, {"number": 2}],
        ),
        *attestation_examples(
            "4.1",
            met="Residents' agreement to try informal resolution is noted on each file.",
            not_met="Concerns were held as informal without asking the resident.",
        ),
    ],
)


def _acknowledgement_defines() -> CaseExpression:
    """4.2: the stage 1 acknowledgement set out the complaint as understood and the outcome
    sought (a definition with both); the definition recorded is the evidence."""
    definition = stage_ref(1).field("acknowledged.definition")
    understood = stage_ref(1).field("acknowledged.definition.understanding").present()
    sought = stage_ref(1).field("acknowledged.definition.outcomes_sought").present()
    not_set_out = "the stage 1 acknowledgement did not set out "
    return (
        when(
            stage_ref(1).field("acknowledged").is_null(),
            Verdict.NOT_APPLICABLE,
            "stage 1 not yet acknowledged (its timing is judged under 4.1)",
            evidence=False,
        )
        .when(
            ~understood & ~sought,
            Verdict.FAIL,
            not_set_out + "our understanding of the complaint or the outcome the resident wants",
        )
        .when(~understood, Verdict.FAIL, not_set_out + "our understanding of the complaint")
        .when(~sought, Verdict.FAIL, not_set_out + "the outcome the resident wants")
        .otherwise(
            Verdict.PASS,
            "the acknowledgement set out the complaint as understood and the outcome sought",
            facts={"stage1.acknowledged.definition": definition.dump()},
        )
    )


# 4.2: the acknowledgement sets out the landlord's understanding of the complaint and the
# outcome sought, with clarification sought where anything is unclear.
CHC20_4_2 = rule(
    "4.2",
    "Acknowledgement sets out the complaint and the outcome sought",
    level=Level.MUST,
    summary=(
        "The acknowledgement says how the landlord understands the complaint and what the "
        "resident wants to happen; anything unclear is checked with the resident so both "
        "agree what the complaint is."
    ),
    explanation="""
        Case: the stage 1 acknowledgement must record a definition with both understanding
        and outcomes_sought. Policy: records_complaint_definition must be true.
    """,
    case=applies_if(
        CaseFact.STAGE1, _acknowledgement_defines(), otherwise="the case has no stage 1"
    ),
    policy=policy_states(
        (
            "records_complaint_definition",
            "acknowledgements set out the complaint and the outcome sought",
            "the policy does not have acknowledgements set out the complaint",
        )
    ),
    examples=[
        case_example(Verdict.PASS, "definition recorded", stage1()),
        case_example(
            Verdict.FAIL,
            "acknowledged without the outcome sought",
            stage1(
                acknowledged={
                    "on": "2023-05-11",
                    "definition": {"understanding": DEFINITION["understanding"]},
                }
            ),
        ),
        policy_example(
            Verdict.FAIL, "acknowledgements need not restate it", records_complaint_definition=False
        ),
        policy_example(
            Verdict.PASS, "acknowledgements restate it", records_complaint_definition=True
        ),
    ],
)

# 4.3: be clear from the start where what the resident wants is unreasonable or unrealistic.
CHC20_4_3 = rule(
    "4.3",
    "Expectations managed from the outset",
    level=Level.SHOULD,
    summary=(
        "From the first contact the landlord is honest about what it can do, saying so "
        "when an outcome the resident hopes for is unrealistic."
    ),
    explanation="""
        Attested only. Whether the landlord was honest from the first contact about what it
        could do turns on what was said in letters and calls, and whether an outcome hoped
        for was realistic: no field a landlord records settles either, so an attestation for
        4.3 (from a review of first contacts) does.
    """,
    attestation="a sample of acknowledgements that address unrealistic outcomes plainly",
    examples=attestation_examples(
        "4.3",
        met="Acknowledgements say when an outcome sought cannot be offered, and why.",
        not_met="Handlers promise the outcome sought before investigating.",
    ),
)

# 4.4: resolve at the earliest chance, having worked out the evidence needed, the outcome
# that would settle it and any urgent action.
CHC20_4_4 = rule(
    "4.4",
    "Resolved at the earliest opportunity",
    level=Level.SHOULD,
    summary=(
        "Each complaint is settled as early as it can be, after weighing what evidence is "
        "needed, what would put things right for the resident and whether anything is "
        "urgent."
    ),
    explanation="""
        Policy: triage (an early assessment of evidence, outcome and urgency) must be true.
        How it works in practice is for an attestation.
    """,
    policy=policy_states(
        (
            "triage",
            "complaints are assessed early for evidence needed, outcome and urgency",
            "the policy has no early assessment of complaints",
        )
    ),
    attestation="a triage checklist and a sample of cases where urgent actions were spotted",
    examples=[
        policy_example(Verdict.FAIL, "no early assessment", triage=False),
        policy_example(Verdict.PASS, "early assessment", triage=True),
        *attestation_examples(
            "4.4",
            met="A triage checklist is completed for each new complaint.",
            not_met="Urgent repairs were missed because nobody assessed the complaints early.",
        ),
    ],
)

# 4.5: residents may have a representative act for them and be accompanied at meetings.
CHC20_4_5 = rule(
    "4.5",
    "Representatives and companions",
    level=Level.SHOULD,
    summary=(
        "A resident can have someone deal with the complaint for them, and can bring a "
        "representative or companion to meetings where that is reasonable."
    ),
    explanation="Policy: representatives_allowed must be true.",
    policy=policy_states(
        (
            "representatives_allowed",
            "residents may be represented or accompanied",
            "the policy does not let residents be represented",
        )
    ),
    examples=[
        policy_example(Verdict.FAIL, "no representatives", representatives_allowed=False),
        policy_example(Verdict.PASS, "representatives allowed", representatives_allowed=True),
    ],
)

# 4.6: investigations are impartial.
CHC20_4_6 = rule(
    "4.6",
    "Impartial investigation",
    level=Level.MUST,
    summary="Every complaint is investigated without bias towards the landlord or its staff.",
    explanation="""
        Case: a stage handled by one of the staff the complaint is about
        (staff_complained_about) is investigated by the person it is about, so it fails;
        none among them passes (as 3.2 judges it). Impartiality beyond that needs a
        person's judgement: an attestation for 4.6 settles it.
    """,
    case=handler_not_complained_about((1, 2, 3)),
    attestation="how investigators are kept independent of the service complained about",
    examples=[
        case_example(
            Verdict.FAIL,
            "the officer complained about investigated at stage 2",
            stage1(),
            stage2(handler="C. Reid"),
            staff_complained_about=["C. Reid"],
        ),
        case_example(
            Verdict.PASS,
            "investigated by staff not complained about",
            stage1(),
            staff_complained_about=["C. Reid"],
        ),
        *attestation_examples(
            "4.6",
            met="Investigations are led by a manager from another service.",
            not_met="The officer complained about investigates their own case.",
        ),
    ],
)

# 4.7: handlers decide on the merits, independently and with an open mind, deal with
# conflicts of interest, weigh all the evidence and keep the complaint confidential.
CHC20_4_7 = rule(
    "4.7",
    "How complaint handlers conduct themselves",
    level=Level.MUST,
    summary=(
        "A handler judges each complaint on its merits with an open mind and independently, "
        "deals with real or apparent conflicts of interest, weighs all the information, and "
        "shares details only as far as the investigation needs."
    ),
    explanation="""
        Case: the plainest conflict of interest, a stage handled by one of the staff the
        complaint is about (staff_complained_about), fails; none among them passes (as 3.2
        judges it). The rest of a handler's conduct is a matter a person must vouch for: an
        attestation for 4.7, with audit evidence, settles it.
    """,
    case=handler_not_complained_about((1, 2, 3)),
    attestation="file audits or quality checks covering merits, conflicts and confidentiality",
    examples=[
        case_example(
            Verdict.FAIL,
            "the stage 3 panel chaired by the manager complained about",
            stage1(),
            stage2(),
            stage3(handler="D. Moss"),
            staff_complained_about=["D. Moss"],
        ),
        case_example(
            Verdict.PASS,
            "no handler complained about",
            stage1(),
            stage2(),
            stage3(),
            staff_complained_about=["D. Moss"],
        ),
        *attestation_examples(
            "4.7",
            met="Quarterly file audits check independence, evidence and confidentiality.",
            not_met="Audit found case details shared with a contractor beyond what was needed.",
        ),
    ],
)

# 4.8: where the parties' legal obligations are central, set out how the landlord sees
# both sides' obligations.
CHC20_4_8 = rule(
    "4.8",
    "Legal obligations of both parties set out",
    level=Level.SHOULD,
    summary=(
        "When the complaint turns on what the law requires of landlord and resident, the "
        "response explains the landlord's understanding of each side's obligations."
    ),
    explanation="""
        Attested only. Whether a complaint turned on the law's duties of landlord and
        resident, and whether the response explained them rightly, is a legal reading of
        each case that no recorded fact settles: an attestation for 4.8 (from a review of
        such responses) does.
    """,
    attestation="a sample of responses on repairing or tenancy duties explaining both sides'",
    examples=attestation_examples(
        "4.8",
        met="Responses on repairs quote the tenancy agreement and the landlord's duties.",
        not_met="Responses do not explain the parties' obligations.",
    ),
)

# 4.9: letters generally do not name individual staff or contractors.
_ANSWERED = {n: stage_ref(n).field("response.issued_on").not_null() for n in (1, 2, 3)}
_NAMES = {n: stage_ref(n).field("response.names_staff") for n in (1, 2, 3)}
_names_nobody = (
    when(
        ~_ANSWERED[1] & ~_ANSWERED[2] & ~_ANSWERED[3],
        Verdict.NOT_APPLICABLE,
        "no stage 1, 2 or 3 response yet",
        evidence=False,
    )
    .when(
        _NAMES[1].is_true(),
        Verdict.FAIL,
        "the stage 1 response names individual staff or contractors rather than their roles",
    )
    .when(
        _NAMES[2].is_true(),
        Verdict.FAIL,
        "the stage 2 response names individual staff or contractors rather than their roles",
    )
    .when(
        _NAMES[3].is_true(),
        Verdict.FAIL,
        "the stage 3 response names individual staff or contractors rather than their roles",
    )
    .when(
        (_ANSWERED[1] & _NAMES[1].is_null())
        | (_ANSWERED[2] & _NAMES[2].is_null())
        | (_ANSWERED[3] & _NAMES[3].is_null()),
        Verdict.NEEDS_EVIDENCE,
        "a response does not record whether it names individual staff; set its "
        "response.names_staff",
    )
    .otherwise(
        Verdict.PASS,
        "no response names individual staff or contractors",
        facts={f"stage{n}.response.names_staff": _NAMES[n] for n in (1, 2, 3)},
    )
)
CHC20_4_9 = rule(
    "4.9",
    "Individual staff and contractors not named",
    level=Level.SHOULD,
    summary=(
        "What the landlord writes to the resident generally refers to roles rather than "
        "naming individual members of staff or contractors."
    ),
    explanation="""
        Case: each stage 1-3 response records whether it names individual staff or
        contractors (response.names_staff); one that does fails, all recorded as not
        naming anyone passes, an answered stage that does not record it needs evidence.
        Whether naming someone was warranted in a particular letter ("generally") is a
        judgement: an attestation for 4.9 from a review of letters settles that part.
    """,
    case=applies_if(CaseFact.ANY_RESPONSE, _names_nobody, otherwise="no response yet"),
    attestation="a review of response letters showing roles used rather than names",
    examples=[
        case_example(
            Verdict.FAIL,
            "the stage 1 letter names the operative",
            stage1(response={"issued_on": "2023-05-25", "names_staff": True}),
        ),
        case_example(
            Verdict.PASS,
            "both letters refer to roles",
            stage1(response={"issued_on": "2023-05-25", "names_staff": False}),
            stage2(response={"issued_on": "2023-06-29", "names_staff": False}),
        ),
        *attestation_examples(
            "4.9",
            met="Templates use job titles; a sample of 20 letters named nobody.",
            not_met="Letters routinely name the operative blamed for the failure.",
        ),
    ],
)


def _by_stage(name: str) -> Expr:
    """The judged stage's own parameter ``stage{n}.<name>`` (stages 1 to 3)."""
    return by_stage_number({n: param(f"stage{n}.{name}") for n in (1, 2, 3)})


_STAGE = item("number")
_IN_CODE = _STAGE.ge(1) & _STAGE.le(3)
_, _DEADLINE = response_due_expressions(
    item(),
    days=_by_stage("respond_working_days"),
    respond_from=_by_stage("respond_from"),
    # only stage 1 has an acknowledgement timescale in this Code (4.1)
    ack_days=_STAGE.eq(1).choose(param("stage1.acknowledge_working_days"), 0),
)
_DUE = _DEADLINE.due
# the day a stage's updates are judged at: its response, else the as-of date
_ENDED = item("response.issued_on").or_else(as_of())
_UPDATED = item("updates_sent").max_upto(_DUE)
_NOTIFIED = item("extensions").map(item("notified_on")).max_upto(_DUE)
_last_update = _UPDATED.greatest(_NOTIFIED)
_updated_table = (
    when(
        _DUE.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "stage {number} has no escalation request date; set its requested_on",
        evidence=False,
    )
    .when(
        _ENDED.is_null(),
        Verdict.NOT_APPLICABLE,
        "stage {number} is open; give an as-of date to judge",
        evidence=False,
    )
    .when(
        _ENDED.le(_DUE),
        Verdict.NOT_APPLICABLE,
        "stage {number} was answered within its usual time (by {due})",
        evidence=False,
    )
    .when(
        _last_update.is_null(),
        Verdict.FAIL,
        "stage {number} ran past its usual deadline {due} (to {end}) and the resident had "
        "no update by then",
    )
    .per_item(
        Verdict.PASS,
        "stage {number} ran past {due}; the resident was updated on {last}",
        values={
            "number": _STAGE,
            "due": _DUE.iso(),
            "end": _ENDED.iso(),
            "last": _last_update.iso(),
        },
        facts={
            "stage{number}.updates_sent": item("updates_sent").map(item().iso()),
            "stage{number}.extensions.notified_on": item("extensions").map(
                item("notified_on").iso()
            ),
        },
        computed=_DEADLINE.evidence,
        omit_empty=("clock_note",),
    )
)
_kept_updated = item_outcomes(
    stages().filter(_IN_CODE),
    _updated_table,
    none=Verdicts(()).otherwise(Verdict.NOT_APPLICABLE, "no stage to judge", evidence=False),
    join_failures=True,
    # where no stage reports anything else, the first stage open or answered in time
    keep_not_applicable=True,
    # a stage's parameters are named where the case has that stage, as the shared stage
    # checks read them (its extension cap among them)
    parameters_where={
        **{
            f"stage{n}.{name}": stage_ref(n).reached()
            for n in (1, 2, 3)
            for name in ("respond_working_days", "respond_from", "extension_cap_working_days")
        },
        "stage1.acknowledge_working_days": stage_ref(1).reached(),
    },
)


# 4.10: keep the resident regularly informed of progress.
CHC20_4_10 = rule(
    "4.10",
    "Resident kept updated",
    level=Level.SHOULD,
    summary="The resident hears regularly how the investigation is going.",
    explanation="""
        Case: the Code sets no interval, so this pack checks the plainest shortfall: a stage
        that runs past its usual deadline (10 working days from logging at stage 1, 20 from
        the escalation request at stages 2 and 3) must have an update (updates_sent) or an
        extension notice on or before that deadline. A stage answered in time needs no
        update. Agreed intervals are judged under 4.11.
    """,
    case=_kept_updated,
    examples=[
        case_example(
            Verdict.FAIL,
            "answered late with no word in between",
            stage1(
                response={
                    "issued_on": "2023-06-02",
                    "contents": {"stage": True},
                    "all_points_addressed": True,
                }
            ),
        ),
        case_example(
            Verdict.PASS,
            "answered late after an update",
            stage1(
                updates_sent=["2023-05-24"],
                response={
                    "issued_on": "2023-06-02",
                    "contents": {"stage": True},
                    "all_points_addressed": True,
                },
            ),
        ),
    ],
)


_INTERVAL = item("update_interval_working_days")
# the day a stage's updates are counted to: its response, else the as-of date
_UNTIL = item("response.issued_on").or_else(as_of())
_STAGE_STARTS = (
    # day 0 of the stage (receipt at stage 1, the escalation request after), as placed
    # by the evaluation's conventions
    (item("number").le(1), case_field("received_on").clock_start(case_field("received_at"))),
    (item("number").gt(1), item("requested_on").clock_start()),
)


def _interval_kept(applies: Expr, start: Expr) -> ItemTable:
    """4.11 for one stage of the stages ``applies`` selects, counting from ``start``."""
    gap = start.widest_gap(item("updates_sent"), _UNTIL)
    return (
        when(~applies, Verdict.NOT_APPLICABLE, "")
        .when(
            _INTERVAL.is_null() & item("update_interval_agreed").is_true(),
            Verdict.NEEDS_EVIDENCE,
            "stage {number} records an agreed update interval but not its length; set "
            "update_interval_working_days",
            evidence=False,
        )
        .when(_INTERVAL.is_null(), Verdict.NOT_APPLICABLE, "")
        .when(
            start.is_null(),
            Verdict.NEEDS_EVIDENCE,
            "stage {number} has no escalation request date; set its requested_on",
            evidence=False,
        )
        .when(_UNTIL.is_null(), Verdict.NOT_APPLICABLE, "")
        .when(
            gap.get("days").gt(_INTERVAL),
            Verdict.FAIL,
            "stage {number}: {days} working days passed between {first} and {then} without "
            "an update; {interval} were agreed",
        )
        .per_item(
            Verdict.PASS,
            "stage {number}: updates kept to the agreed {interval} working days",
            values={
                "number": item("number"),
                "interval": _INTERVAL,
                "days": gap.get("days"),
                "first": gap.get("from").iso(),
                "then": gap.get("to").iso(),
            },
            facts={
                "stage{number}.update_interval_working_days": _INTERVAL,
                "stage{number}.updates_sent": item("updates_sent").map(item().iso()),
            },
        )
    )


# an open stage with an agreed interval, and no as-of date to judge it at
_OPEN = (
    _INTERVAL.not_null()
    & (item("number").le(1) | item("requested_on").not_null())
    & _UNTIL.is_null()
)
_agreed_interval = item_outcomes(
    stages(),
    *(_interval_kept(applies, start) for applies, start in _STAGE_STARTS),
    none=when(
        stages().any(_OPEN),
        Verdict.NOT_APPLICABLE,
        "stage {number} is open; give an as-of date to judge",
        evidence=False,
    ).otherwise(
        Verdict.NOT_APPLICABLE,
        "no arrangement about updates is recorded",
        evidence=False,
        values={"number": stages().each("{n}", where=_OPEN, limit=1, n=item("number"))},
    ),
    join_failures=True,
)


# 4.11: keep to reasonable arrangements agreed with the resident on how often and how they
# are contacted.
CHC20_4_11 = rule(
    "4.11",
    "Agreed contact arrangements kept",
    level=Level.MUST,
    summary=(
        "Where the landlord and resident have agreed how often, and by what means, the "
        "resident will hear from it, the landlord sticks to that."
    ),
    explanation="""
        Case: where a stage records update_interval_working_days, no more than that many
        working days may pass between the start of the stage, each update (updates_sent)
        and the response (or the as-of date for an open stage). The agreed method of
        contact is for an attestation.
    """,
    case=_agreed_interval,
    attestation="how agreed contact methods are recorded and followed (a sample of cases)",
    examples=[
        case_example(
            Verdict.FAIL,
            "weekly updates agreed, two weeks' silence",
            stage1(update_interval_working_days=5, updates_sent=["2023-05-10"]),
        ),
        case_example(
            Verdict.PASS,
            "weekly updates agreed and kept",
            stage1(
                update_interval_working_days=5,
                updates_sent=["2023-05-10", "2023-05-17", "2023-05-24"],
            ),
        ),
        *attestation_examples(
            "4.11",
            met="Agreed contact methods are recorded on each file and used.",
            not_met="Residents who asked for phone calls were sent only letters.",
        ),
    ],
)

# 4.12: the resident, and any member of staff complained about, can state their case and
# answer adverse findings before a final decision.
CHC20_4_12 = rule(
    "4.12",
    "A fair chance to be heard before the decision",
    level=Level.MUST,
    summary=(
        "Before a final decision, the resident and any member of staff complained about "
        "each get a fair opportunity to give their side and to respond to findings against "
        "them."
    ),
    explanation="""
        Attested only. A fair chance to be heard is about the quality of what the resident
        and the staff complained about were told and could answer before the decision; no
        date or yes/no in a CRM records that it was fair, only that a step happened.
        An attestation for 4.12 (from a review of case files) settles it.
    """,
    attestation="a sample of files showing both sides invited to comment on adverse findings",
    examples=attestation_examples(
        "4.12",
        met="Draft findings go to the resident and staff member for comment before sign-off.",
        not_met="Findings are issued without giving anyone a chance to comment.",
    ),
)


def _escalation_timescale(policy: LandlordPolicy, ctx: Context) -> Outcome:
    text = policy.escalation_request_timescale
    facts = {"policy.escalation_request_timescale": text}
    if text is None:
        return needs_evidence(
            "set escalation_request_timescale to the time the policy gives residents to ask "
            "for escalation (or 'none' if it gives none)",
            facts=facts,
        )
    if not text or text.casefold() in {"none", "not stated", "no limit"}:
        return failed(
            "the policy does not say how long a resident has to ask for escalation",
            facts=facts,
        )
    return passed(f"residents may ask for escalation {text}", facts=facts)


# 4.13: the policy states how long a resident has to ask for escalation.
CHC20_4_13 = rule(
    "4.13",
    "Time to ask for escalation stated in the policy",
    level=Level.MUST,
    summary="The policy tells residents how long they have to ask for their complaint to go on.",
    explanation="""
        Policy: escalation_request_timescale must state it ('none' records that the policy
        states no time).
    """,
    policy=_escalation_timescale,
    examples=[
        policy_example(Verdict.FAIL, "no time stated", escalation_request_timescale="none"),
        policy_example(
            Verdict.PASS,
            "20 working days",
            escalation_request_timescale="within 20 working days of the stage 1 response",
        ),
    ],
)


_REFUSALS = case_field("refusals")
_AT_STAGE2 = item("stage").eq(2)
_BARE_AT_STAGE2 = _AT_STAGE2 & item("ground").eq("other") & ~item("detail").present()
_escalation_refusals = when(
    _REFUSALS.any(_BARE_AT_STAGE2),
    Verdict.FAIL,
    "{bare} declined escalation with no reason recorded",
).otherwise(
    Verdict.PASS,
    "escalation was declined on a named ground",
    values={"bare": _REFUSALS.each("refusals[{index}]", where=_BARE_AT_STAGE2)},
    each_facts=[
        each_fact(
            _REFUSALS,
            "refusals[{index}]",
            {"ground": item("ground"), "detail": item("detail")},
            where=_AT_STAGE2,
        )
    ],
)


# 4.14: escalation is not refused unreasonably; the grounds for declining it are in the
# policy and are the same as those for not accepting a complaint.
CHC20_4_14 = rule(
    "4.14",
    "Escalation declined only on the exclusion grounds",
    level=Level.MUST,
    summary=(
        "A complaint goes on through the stages unless there is a clear and valid reason to "
        "stop it; the grounds the policy gives for declining escalation must be ones it also "
        "uses for declining a complaint in the first place."
    ),
    explanation="""
        Policy: every entry of escalation_refusal_grounds must also be in exclusions.grounds.
        Case: a refusal to escalate (refusals with stage 2) must name its reason.
    """,
    policy=policy_escalation_grounds,
    case=applies_if(
        CaseFact.STAGE2_REFUSAL, _escalation_refusals, otherwise="escalation was not refused"
    ),
    examples=[
        policy_example(
            Verdict.FAIL,
            "an extra ground for declining escalation",
            escalation_refusal_grounds=["already considered", "resident not co-operating"],
            exclusions={"grounds": ["already considered", "legal proceedings started"]},
        ),
        policy_example(
            Verdict.PASS,
            "the same grounds",
            escalation_refusal_grounds=["already considered"],
            exclusions={"grounds": ["already considered", "legal proceedings started"]},
        ),
        case_example(
            Verdict.FAIL,
            "escalation declined with no reason",
            stage1(),
            refusals=[{"on": "2023-06-02", "stage": 2, "ground": "other"}],
        ),
        case_example(
            Verdict.PASS,
            "escalation declined: already considered",
            stage1(),
            refusals=[{"on": "2023-06-02", "stage": 2, "ground": "already_considered"}],
        ),
    ],
)


_full_record = full_record(
    no_stage="the record holds no stage of the complaint",
    no_handler="stage {number} records no handler",
    no_date="stage {number} records no logging or acknowledgement date",
    no_response="stage {number} was closed with no response on record",
    incomplete="the record is incomplete: {problems}",
    passed="the record holds who handled, when logged and the outcome of {count} stage(s)",
)


# 4.15: keep a full record of the complaint, reviews and outcomes at each stage, with all
# correspondence and reports.
CHC20_4_15 = rule(
    "4.15",
    "A full record of the complaint",
    level=Level.MUST,
    summary=(
        "The landlord keeps a complete record of each complaint: what was said and when it "
        "arrived, every stage and its outcome, and the letters, reports and surveys involved."
    ),
    explanation="""
        Case: for each stage (other than one refused), the record must hold the handler,
        a logging or acknowledgement date once the stage has moved on (answered, followed
        by another stage, or the case closed) and, once the case is closed, the response. That
        correspondence and reports are kept is for an attestation.
    """,
    case=_full_record,
    attestation="a records audit showing correspondence, reports and surveys on file",
    examples=[
        case_example(
            Verdict.FAIL,
            "closed with no response recorded",
            stage1(response=None),
            closed_on="2023-06-01",
        ),
        case_example(Verdict.PASS, "complete", stage1(), closed_on="2023-06-01"),
        *attestation_examples(
            "4.15",
            met="A records audit found letters, reports and surveys on every file.",
            not_met="Inspection reports were missing from half the files audited.",
        ),
    ],
)

# 4.16: ask residents what they thought of the complaint handling.
_CLOSED = case_field("closed_on")
_SOUGHT = case_field("feedback_sought")
_feedback_sought = (
    when(_CLOSED.is_null(), Verdict.NOT_APPLICABLE, "the complaint is not closed yet")
    .when(
        _SOUGHT.is_false(),
        Verdict.FAIL,
        "the complaint was closed without asking the resident how it was handled "
        "(feedback_sought: false)",
    )
    .when(
        _SOUGHT.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "the case does not record whether the resident was asked, after closure, how the "
        "complaint was handled; set feedback_sought",
    )
    .otherwise(
        Verdict.PASS,
        "the resident was asked how the complaint was handled after it closed on {closed}",
        values={"closed": _CLOSED.iso()},
        facts={"closed_on": _CLOSED.iso(), "feedback_sought": _SOUGHT},
    )
)
CHC20_4_16 = rule(
    "4.16",
    "Feedback sought on complaint handling",
    level=Level.SHOULD,
    summary=(
        "Residents are asked for their views on how their complaint was handled, to build a "
        "culture that welcomes complaints and learns from them."
    ),
    explanation="""
        Case: a closed complaint records whether the resident was asked afterwards how it
        was handled (feedback_sought): no fails, yes passes, unrecorded needs evidence; an
        open complaint is not applicable. What is done with the answers, towards a culture
        that welcomes complaints, is attested: an attestation for 4.16 with the survey and
        its results settles that part.
    """,
    case=_feedback_sought,
    attestation="the post-complaint survey and a summary of its results",
    examples=[
        case_example(
            Verdict.FAIL,
            "closed without asking the resident",
            closed_on="2023-06-30",
            feedback_sought=False,
        ),
        case_example(
            Verdict.PASS,
            "a survey sent after closure",
            closed_on="2023-06-30",
            feedback_sought=True,
        ),
        *attestation_examples(
            "4.16",
            met="A survey goes to every complainant 28 days after closure.",
            not_met="Complainants are never asked about the handling.",
        ),
    ],
)

# 4.17: recognise the effect on staff of being complained about; support and involve them.
CHC20_4_17 = rule(
    "4.17",
    "Staff supported through complaints",
    level=Level.SHOULD,
    summary=(
        "The landlord recognises how being complained about can affect staff and their work, "
        "and supports and involves them in the process and its lessons."
    ),
    explanation="""
        Attested only. How staff are supported and involved when they are complained about
        is a matter of management practice and care that no case or organisation field
        records: an attestation for 4.17 (for example the support offered and staff
        feedback) settles it.
    """,
    attestation="how staff named in complaints are supported and the learning shared with them",
    examples=attestation_examples(
        "4.17",
        met="Staff named in complaints meet their manager and see the learning.",
        not_met="Staff learn of complaints about them only from the outcome letter.",
    ),
)

# 4.18: a policy and procedure for unacceptable behaviour by complainants.
CHC20_4_18 = rule(
    "4.18",
    "A policy on unacceptable behaviour",
    level=Level.MUST,
    summary=(
        "The landlord has a policy and procedure for handling unacceptable behaviour by "
        "residents or their representatives while they pursue a complaint."
    ),
    explanation="Policy: unacceptable_behaviour.exists must be true.",
    policy=policy_states(
        (
            "unacceptable_behaviour.exists",
            "there is an unacceptable behaviour policy",
            "there is no policy on unacceptable behaviour",
        )
    ),
    examples=[
        policy_example(Verdict.FAIL, "none", unacceptable_behaviour={"exists": False}),
        policy_example(Verdict.PASS, "in place", unacceptable_behaviour={"exists": True}),
    ],
)


_restrictions = restrictions_regarded(
    not_regarded="contact was restricted without regard to the resident's needs under the "
    "Equality Act: {missing}",
    not_recorded="the case does not record: {unknown}",
    passed="each restriction considered the Equality Act",
)


# 4.19: restrictions for unacceptable behaviour suit the resident's needs and have regard to
# the Equality Act.
CHC20_4_19 = rule(
    "4.19",
    "Restrictions proportionate, with regard to the Equality Act",
    level=Level.SHOULD,
    summary=(
        "Any limit put on a resident's contact because of their behaviour fits their needs "
        "and shows the landlord has had regard to the Equality Act."
    ),
    explanation="""
        Case: each contact restriction must record equality_act_considered: true. Policy:
        unacceptable_behaviour.restrictions_proportionate and equality_act_regard must be
        true.
    """,
    case=applies_if(
        CaseFact.CONTACT_RESTRICTION,
        _restrictions,
        otherwise="no restriction on the resident's contact",
    ),
    policy=policy_states(
        (
            "unacceptable_behaviour.restrictions_proportionate",
            "restrictions are proportionate",
            "the policy does not limit restrictions to what is proportionate",
        ),
        (
            "unacceptable_behaviour.equality_act_regard",
            "they have regard to the Equality Act",
            "the policy does not require regard to the Equality Act",
        ),
    ),
    examples=[
        case_example(
            Verdict.FAIL,
            "restriction without an equality check",
            stage1(),
            contact_restrictions=[{"imposed_on": "2023-05-15", "equality_act_considered": False}],
        ),
        case_example(
            Verdict.PASS,
            "restriction with an equality check",
            stage1(),
            contact_restrictions=[{"imposed_on": "2023-05-15", "equality_act_considered": True}],
        ),
        policy_example(
            Verdict.FAIL,
            "restrictions with no equality duty",
            unacceptable_behaviour={
                "restrictions_proportionate": True,
                "equality_act_regard": False,
            },
        ),
        policy_example(
            Verdict.PASS,
            "proportionate, with regard to the Equality Act",
            unacceptable_behaviour={
                "restrictions_proportionate": True,
                "equality_act_regard": True,
            },
        ),
    ],
)

RULES = (
    CHC20_4_1,
    CHC20_4_2,
    CHC20_4_3,
    CHC20_4_4,
    CHC20_4_5,
    CHC20_4_6,
    CHC20_4_7,
    CHC20_4_8,
    CHC20_4_9,
    CHC20_4_10,
    CHC20_4_11,
    CHC20_4_12,
    CHC20_4_13,
    CHC20_4_14,
    CHC20_4_15,
    CHC20_4_16,
    CHC20_4_17,
    CHC20_4_18,
    CHC20_4_19,
)
