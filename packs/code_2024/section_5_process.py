"""Section 5: one two-stage process, how each complaint is handled in it, and its records.

Worked dates used by the examples (England and Wales calendar): received Wed 2024-05-01,
acknowledged Thu 2024-05-09 (Mon 6 May is a bank holiday), stage 1 response due Thu
2024-05-23 (10 working days after the acknowledgement). Escalation requested Mon
2024-06-03, acknowledged Mon 2024-06-10, stage 2 response due Mon 2024-07-08.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from complaintrules import Complaint, LandlordPolicy, Stage
from complaintrules.authoring import (
    CaseCheck,
    CaseFact,
    Context,
    Expr,
    ItemTable,
    Outcome,
    Subject,
    Verdict,
    Verdicts,
    applies_if,
    as_of,
    attestation_example,
    by_stage_number,
    case_field,
    each_fact,
    example,
    failed,
    full_record,
    handler_not_complained_about,
    item,
    item_outcomes,
    lit,
    needs_evidence,
    not_applicable,
    param,
    passed,
    policy_escalation_grounds,
    policy_stages_unread,
    policy_states,
    response_due_expressions,
    restrictions_regarded,
    stages,
    stages_within,
    when,
)
from complaintrules.authoring import stage as stage_ref

from ._common import rule

# -- example data ------------------------------------------------------------------------

_DEFINITION = {
    "understanding": "Damp in the back bedroom has not been treated since January.",
    "outcomes_sought": "Treat the damp and redecorate.",
    "responsibility_stated": True,
}


def _stage1(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": "2024-05-09", "definition": _DEFINITION},
        "handler": "A. Patel",
        "response": {"issued_on": "2024-05-23", "outcome": "not_upheld"},
    }
    stage.update(overrides)
    return stage


def _stage2(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 2,
        "requested_on": "2024-06-03",
        "acknowledged": {"on": "2024-06-10", "definition": _DEFINITION},
        "handler": "B. Okafor",
        "response": {"issued_on": "2024-07-08", "outcome": "not_upheld"},
    }
    stage.update(overrides)
    return stage


def _case(*stages: dict[str, Any], **facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"reference": "EX-5", "received_on": "2024-05-01"}
    data.update(facts)
    data["stages"] = list(stages) if stages else [_stage1()]
    return data


def _case_example(
    expect: Verdict, title: str, *stages: dict[str, Any], as_of: date | None = None, **facts: Any
) -> Any:
    return example(Subject.CASE, expect, title, as_of=as_of, **_case(*stages, **facts))


_attested = partial(attestation_example, on="2024-06-01", by="Complaints Resolution Manager")


# -- shared shapes of check ----------------------------------------------------------------


def _combine(outcomes: Sequence[Outcome], none: str) -> Outcome:
    """One outcome from the parts of a provision: the first fail, else the first that needs
    evidence, else every pass together; ``none`` (not applicable) when nothing applied."""
    for verdict in (Verdict.FAIL, Verdict.NEEDS_EVIDENCE):
        for outcome in outcomes:
            if outcome.verdict is verdict:
                return outcome
    passes = [o for o in outcomes if o.verdict is Verdict.PASS]
    if not passes:
        if outcomes:
            return outcomes[0]
        return not_applicable(none)
    facts: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    for o in passes:
        facts.update(o.facts)
        computed.update(o.computed)
    return Outcome(Verdict.PASS, "; ".join(o.message for o in passes), facts, computed)


def _code_stages(case: Complaint, ctx: Context) -> list[Stage]:
    """The case's stages that the Code's process has (1 up to stages.count)."""
    count: int = ctx.param("stages.count")
    return [s for s in case.stages if 1 <= s.number <= count]


#: The day an open obligation is judged at: the as-of date, else the day the case ended.
_JUDGED_ON = as_of().or_else(case_field("closed_on")).or_else(case_field("withdrawn_on"))


def _under_review(label: str, named: dict[str, Expr], ended_on: Expr | None) -> ItemTable:
    """Each item of a list (an adjustment, a restriction) is kept under review: a review
    done or due, and a due review not missed before the item ended or the day judged.
    ``label`` names the item (a template over ``named`` and ``{index}``)."""
    due, reviews = item("review_due"), item("reviews")
    last, judged = reviews.max(), _JUDGED_ON
    if ended_on is None:
        stop_known, before_stop = judged.not_null(), due.lt(judged)
    else:
        stop_known = ended_on.not_null() | judged.not_null()
        before_stop = (ended_on.is_null() | due.lt(ended_on)) & (judged.is_null() | due.lt(judged))
    missed = stop_known & before_stop & (last.is_null() | last.lt(due))
    values = {**named, "due": due.iso(), "last": last.iso(), "judged": judged.iso()}
    late = label + " was due for review on {due} and had not been reviewed by "
    table = when(
        due.is_null() & ~reviews.present(),
        Verdict.NEEDS_EVIDENCE,
        label + " records no review, done or due; set review_due (or reviews)",
    ).when(
        due.is_null(), Verdict.PASS, label + " was reviewed on {last} (no further review date set)"
    )
    if ended_on is not None:
        # stopped by the end of the item, where that came first
        values["ended"] = ended_on.iso()
        ended_first = ended_on.not_null() & (judged.is_null() | ended_on.le(judged))
        table = table.when(
            missed & ended_first & last.not_null(),
            Verdict.FAIL,
            late + "{ended} (last review {last})",
        ).when(missed & ended_first, Verdict.FAIL, late + "{ended} (never reviewed)")
    return (
        table.when(missed & last.not_null(), Verdict.FAIL, late + "{judged} (last review {last})")
        .when(missed, Verdict.FAIL, late + "{judged} (never reviewed)")
        .when(
            last.not_null(),
            Verdict.PASS,
            label + " is under review: next review due {due}, last reviewed {last}",
        )
        .per_item(
            Verdict.PASS,
            label + " is under review: next review due {due}",
            values=values,
            facts={label + ".review_due": due.iso(), label + ".reviews": reviews.map(item().iso())},
        )
    )


# -- 5.1 ---------------------------------------------------------------------------------

# 5.1: one policy for every complaint the Code covers; complaining does not change how a
# resident is treated.
CHC24_5_1 = rule(
    "5.1",
    "One policy; no detriment for complaining",
    summary=(
        "A single complaints policy covers every complaint within the Code, and residents "
        "who complain are treated no differently for having done so."
    ),
    explanation="""
        Policy: single_policy and no_detriment_for_complaining must both be true. That
        complainants are not treated differently in practice is for an attestation for
        5.1.
    """,
    policy=policy_states(
        (
            "single_policy",
            "one policy covers all complaints within the Code",
            "complaints within the Code are split across more than one policy",
        ),
        (
            "no_detriment_for_complaining",
            "the policy says complaining does not change how a resident is treated",
            "the policy does not protect residents from different treatment for complaining",
        ),
    ),
    attestation=(
        "how the landlord makes sure complainants are not treated differently (for example "
        "a review of services to residents with open complaints, or staff guidance)"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "a separate policy for repairs complaints",
            single_policy=False,
            no_detriment_for_complaining=True,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "one policy, no detriment",
            single_policy=True,
            no_detriment_for_complaining=True,
        ),
        _attested(
            "5.1",
            False,
            "Residents with open complaints were moved down the repairs queue.",
            "Repairs scheduling review, May 2024",
            title="complainants' repairs deprioritised",
        ),
        _attested(
            "5.1",
            True,
            "A review of services to residents with open complaints found no difference.",
            "Service review, May 2024",
            "Staff guidance on complaints, v2",
            title="no difference in treatment found",
        ),
    ],
)

# -- 5.2 ---------------------------------------------------------------------------------


def _no_extra_stage_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    if policy.stages is None:
        return needs_evidence("the policy does not describe its stages; set stages")
    facts = {
        "policy.stages": [
            {"number": s.number, "name": s.name, "informal": s.informal} for s in policy.stages
        ]
    }
    extra = [s for s in policy.stages if s.informal or s.number < 1]
    if extra:
        named = ", ".join(
            f"stage {s.number}"
            + (f" ('{s.name}')" if s.name else "")
            + (" marked informal" if s.informal else "")
            for s in extra
        )
        return failed(f"the policy has an extra named stage before stage 1: {named}", facts=facts)
    if not policy.stages:
        return failed("the policy describes no stages at all", facts=facts)
    return passed(
        "the policy's stages are numbered "
        + ", ".join(str(s.number) for s in policy.stages)
        + ", none informal and none before stage 1",
        facts=facts,
    )


_NUMBERS = stages().map(item("number"))

_no_extra_stage_case = (
    when(~_NUMBERS.present(), Verdict.NOT_APPLICABLE, "the case records no stages", evidence=False)
    .when(
        _NUMBERS.min().lt(1),
        Verdict.FAIL,
        "the case went through stage {lowest}, an extra named stage before stage 1",
    )
    .otherwise(
        Verdict.PASS,
        "the case's stages are {numbers}: none before stage 1",
        values={"lowest": _NUMBERS.min(), "numbers": _NUMBERS},
        facts={"stages": _NUMBERS},
    )
)


# 5.2: no extra named stages such as "stage 0" or "informal complaint" (early resolution is
# still encouraged within the stages).
CHC24_5_2 = rule(
    "5.2",
    "No 'stage 0' or informal stage",
    summary=(
        "Issues are settled early and locally where possible, but not through an extra "
        "named step such as a 'stage 0' or an 'informal complaint', which only confuses "
        "residents."
    ),
    explanation="""
        Policy: no entry of stages may be marked informal or numbered below 1; a policy
        with no stages fails and one that does not describe them needs evidence.
        Case: no stage may be numbered 0. Stages beyond the Code's last are judged under
        5.3.
    """,
    policy=_no_extra_stage_policy,
    case=_no_extra_stage_case,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "an 'informal resolution' stage 0",
            stages=[
                {"number": 0, "name": "Informal resolution", "informal": True},
                {"number": 1},
                {"number": 2},
            ],
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "stages 1 and 2 only",
            stages=[{"number": 1}, {"number": 2}],
        ),
        _case_example(
            Verdict.FAIL,
            "logged first as stage 0",
            {"number": 0},
            _stage1(),
        ),
        _case_example(Verdict.PASS, "stage 1 only", _stage1()),
    ],
)

# -- 5.3 ---------------------------------------------------------------------------------


def _stage_count_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    count: int = ctx.param("stages.count")
    if policy.stages is None:
        unread = policy_stages_unread(policy)
        return unread or needs_evidence("the policy does not describe its stages; set stages")
    numbers = [s.number for s in policy.stages]
    facts = {"policy.stages": numbers}
    computed = {"stages_required": count}
    beyond = [n for n in numbers if n > count]
    if len(numbers) > count:
        return failed(
            f"the policy has {len(numbers)} stage(s) (numbered {numbers}); the Code allows "
            f"exactly {count}, never more",
            facts=facts,
            **computed,
        )
    if beyond:
        return failed(
            f"the policy numbers a stage {max(beyond)} (stages {numbers}); the Code's stages "
            f"are 1 to {count}",
            facts=facts,
            **computed,
        )
    if len(numbers) < count and (unread := policy_stages_unread(policy)) is not None:
        return unread
    if len(numbers) < count:
        return failed(
            f"the policy has {len(numbers)} stage(s) (numbered {numbers}); the Code's process "
            f"has exactly {count}",
            facts=facts,
            **computed,
        )
    return passed(
        f"the policy has {len(numbers)} stages (numbered {numbers}), as the Code requires",
        facts=facts,
        **computed,
    )


_stage_count_case = stages_within(
    "stages.count",
    beyond="the case went to stage {highest}; the Code allows at most {maximum} stages",
    too_many=(
        "the case went through {count} stages ({numbers}); the Code allows at most {maximum}"
    ),
    passed="the case went through {count} stage(s) ({numbers}), within the Code's {maximum}",
    computed="stages_allowed",
)


# 5.3: never more than two stages.
CHC24_5_3 = rule(
    "5.3",
    "Exactly two stages",
    summary=(
        "A process with more than two stages is never acceptable: it drags the complaint "
        "out and keeps the resident from the Ombudsman for longer."
    ),
    explanation="""
        Policy: stages must hold exactly stages.count (2) entries, none numbered above 2;
        more fails, and so does fewer (the Code's process has two stages).
        Case: no stage may be numbered above 2, and the case may not pass through more
        than 2 stages (counting any 'stage 0').
    """,
    policy=_stage_count_policy,
    case=_stage_count_case,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "a third, review-panel stage",
            stages=[{"number": 1}, {"number": 2}, {"number": 3, "name": "Review panel"}],
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "two stages",
            stages=[{"number": 1}, {"number": 2}],
        ),
        _case_example(
            Verdict.FAIL,
            "taken to a stage 3",
            _stage1(),
            _stage2(),
            {"number": 3, "requested_on": "2024-07-15"},
        ),
        _case_example(Verdict.PASS, "stages 1 and 2", _stage1(), _stage2()),
    ],
)

# -- 5.4 ---------------------------------------------------------------------------------


_ORGANISATION = item("handler_organisation")
_HANDLED = _ORGANISATION.present()
_OUTSIDE = _HANDLED & (item("number").lt(1) | item("number").gt(param("stages.count")))

_third_party_stages = when(stages().any(_OUTSIDE), Verdict.FAIL, "{outside}").otherwise(
    Verdict.PASS,
    "{inside}",
    values={
        "outside": stages().each(
            "{organisation} handled a stage {number}, outside the Code's stages 1 to {count}",
            where=_OUTSIDE,
            sep="; ",
            organisation=_ORGANISATION,
            number=item("number"),
            count=param("stages.count"),
        ),
        "inside": stages().each(
            "stage {number} was handled by {organisation} within the two-stage process",
            where=_HANDLED,
            sep="; ",
            organisation=_ORGANISATION,
            number=item("number"),
        ),
    },
    each_facts=[
        each_fact(
            stages(),
            "stage{number}.handler_organisation",
            _ORGANISATION,
            where=_HANDLED,
            keys={"number": item("number")},
        )
    ],
)


# 5.4: a third party answering a complaint does so within the same two stages; the resident
# never goes through two processes.
CHC24_5_4 = rule(
    "5.4",
    "Third parties work inside the two stages",
    summary=(
        "When a contractor, independent adjudicator or other third party responds to a "
        "complaint at any stage, that response is part of the Code's two-stage process; "
        "residents are never put through a second process."
    ),
    explanation="""
        Policy: third_parties.handled_within_same_stages must be true.
        Case: a stage whose handler_organisation is recorded must be one of stages 1 to
        stages.count (2); a third party running a stage of its own outside them fails.
        A separate complaint record kept by a contractor cannot be seen in one case: that
        part rests on the policy.
    """,
    policy=policy_states(
        (
            "third_parties.handled_within_same_stages",
            "third parties respond within the same two stages",
            "the policy lets third parties run their own complaints process",
        ),
    ),
    case=applies_if(
        CaseFact.THIRD_PARTY,
        _third_party_stages,
        otherwise="no stage records a handler_organisation (a third party)",
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "the repairs contractor runs its own process first",
            third_parties={"handled_within_same_stages": False},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "the contractor answers within our two stages",
            third_parties={"handled_within_same_stages": True},
        ),
        _case_example(
            Verdict.FAIL,
            "the contractor's own review as a stage 0",
            {"number": 0, "handler_organisation": "FixIt Contractors Ltd"},
            _stage1(),
        ),
        _case_example(
            Verdict.PASS,
            "the contractor answered stage 1",
            _stage1(handler_organisation="FixIt Contractors Ltd"),
        ),
    ],
)

# -- 5.5 ---------------------------------------------------------------------------------

# 5.5: the landlord answers for third parties handling complaints in line with the Code.
CHC24_5_5 = rule(
    "5.5",
    "Landlord responsible for third parties",
    summary=(
        "The landlord remains answerable for any third party that handles complaints for it "
        "doing so in line with the Code."
    ),
    explanation="""
        Policy: third_parties.landlord_responsible_for_compliance must be true. How the
        landlord makes sure of it (contract terms, monitoring) is for an attestation for
        5.5.
    """,
    policy=policy_states(
        (
            "third_parties.landlord_responsible_for_compliance",
            "the landlord takes responsibility for third parties following the Code",
            "the policy leaves third parties' complaint handling to them",
        ),
    ),
    attestation=(
        "contract clauses requiring third parties to follow the Code, and how their "
        "complaint handling is monitored"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "left to the contractor",
            third_parties={"landlord_responsible_for_compliance": False},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "the landlord answers for them",
            third_parties={"landlord_responsible_for_compliance": True},
        ),
        _attested(
            "5.5",
            False,
            "Contractor complaint handling is not monitored.",
            "Repairs contract 2023, no complaints clause",
            title="contractors left unmonitored",
        ),
        _attested(
            "5.5",
            True,
            "Contracts require the Code and contractor complaints are reviewed quarterly.",
            "Repairs contract 2024, clause 14",
            "Contract monitoring report Q1 2024-25",
            title="Code in contracts, handling monitored",
        ),
    ],
)

# -- 5.6 ---------------------------------------------------------------------------------


#: A stage of the Code's process (1 to stages.count) that has been acknowledged: the
#: stages 5.6 and 5.7 judge; each gives one outcome, the first failing one decides.
_ACKNOWLEDGED = (
    item("number").ge(1)
    & item("number").le(param("stages.count"))
    & item("acknowledged").not_null()
)
_DEF = "acknowledged.definition"
_NOTHING_ACKNOWLEDGED = Verdicts(()).otherwise(
    Verdict.NOT_APPLICABLE, "no stage has been acknowledged yet", evidence=False
)
_UNDERSTOOD = item(f"{_DEF}.understanding").present()
_SOUGHT = item(f"{_DEF}.outcomes_sought").present()
_LEAVES_OUT = "the stage {number} complaint definition leaves out "

_definitions_recorded = item_outcomes(
    stages(),
    when(~_ACKNOWLEDGED, Verdict.NOT_APPLICABLE, "")
    .when(
        item(_DEF).is_null(),
        Verdict.FAIL,
        "stage {number} was acknowledged on {on} with no complaint definition recorded",
    )
    .when(
        ~_UNDERSTOOD & ~_SOUGHT,
        Verdict.FAIL,
        _LEAVES_OUT
        + "the landlord's understanding of the complaint and the outcome the resident seeks",
    )
    .when(~_UNDERSTOOD, Verdict.FAIL, _LEAVES_OUT + "the landlord's understanding of the complaint")
    .when(~_SOUGHT, Verdict.FAIL, _LEAVES_OUT + "the outcome the resident seeks")
    .per_item(
        Verdict.PASS,
        "stage {number}: the complaint definition records the landlord's understanding and "
        "the outcome sought",
        values={"number": item("number"), "on": item("acknowledged.on").iso()},
        facts={
            "stage{number}.acknowledged.on": item("acknowledged.on").iso(),
            "stage{number}.definition.understanding": item(f"{_DEF}.understanding"),
            "stage{number}.definition.outcomes_sought": item(f"{_DEF}.outcomes_sought"),
        },
    ),
    none=_NOTHING_ACKNOWLEDGED,
)


# 5.6: at stage 1 logging and stage 2 escalation, record the landlord's understanding of the
# complaint and the outcome sought ("the complaint definition"); ask if unclear.
CHC24_5_6 = rule(
    "5.6",
    "The complaint definition recorded at each stage",
    summary=(
        "When a complaint is logged at stage 1, and again when it is escalated, the landlord "
        "writes down what it understands the complaint to be and what the resident wants; "
        "anything unclear is checked with the resident."
    ),
    explanation="""
        Case: every acknowledged stage (1 and 2) must record a definition with both
        understanding and outcomes_sought; a missing definition or part fails. Stages not
        yet acknowledged are left to 6.2 and 6.11. Whether clarification was needed
        cannot be read from the data. Policy: records_complaint_definition must be true.
    """,
    case=_definitions_recorded,
    policy=policy_states(
        (
            "records_complaint_definition",
            "the policy records a complaint definition at each stage",
            "the policy does not record a complaint definition",
        ),
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "stage 2 acknowledged without the outcome sought",
            _stage1(),
            _stage2(
                acknowledged={
                    "on": "2024-06-10",
                    "definition": {"understanding": "The damp came back after treatment."},
                }
            ),
        ),
        _case_example(Verdict.PASS, "definitions at both stages", _stage1(), _stage2()),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "no complaint definition kept",
            records_complaint_definition=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "a complaint definition at each stage",
            records_complaint_definition=True,
        ),
    ],
)

# -- 5.7 ---------------------------------------------------------------------------------


_STATED = item(f"{_DEF}.responsibility_stated")

_responsibility_stated = item_outcomes(
    stages(),
    when(~_ACKNOWLEDGED, Verdict.NOT_APPLICABLE, "")
    .when(
        _STATED.is_false(),
        Verdict.FAIL,
        "the stage {number} acknowledgement did not say which parts of the complaint the "
        "landlord is and is not responsible for",
    )
    .when(
        _STATED.is_true()
        | item(f"{_DEF}.responsible_for").present()
        | item(f"{_DEF}.not_responsible_for").present(),
        Verdict.PASS,
        "the stage {number} acknowledgement said which parts the landlord is and is not "
        "responsible for",
    )
    .per_item(
        Verdict.NEEDS_EVIDENCE,
        "the case does not record whether the stage {number} acknowledgement said what the "
        "landlord is and is not responsible for; set "
        "acknowledged.definition.responsibility_stated (or responsible_for)",
        values={"number": item("number")},
        facts={
            "stage{number}.definition.responsibility_stated": _STATED,
            "stage{number}.definition.responsible_for": item(f"{_DEF}.responsible_for"),
            "stage{number}.definition.not_responsible_for": item(f"{_DEF}.not_responsible_for"),
        },
    ),
    none=_NOTHING_ACKNOWLEDGED,
)


# 5.7: each acknowledgement says which parts of the complaint the landlord is, and is not,
# responsible for.
CHC24_5_7 = rule(
    "5.7",
    "What the landlord is and is not responsible for",
    summary=(
        "Acknowledging a complaint at either stage, the landlord makes plain which parts it "
        "is answerable for and which it is not, and clears up any part where that is "
        "uncertain."
    ),
    explanation="""
        Case: each acknowledged stage's definition must show the split:
        responsibility_stated true, or responsible_for / not_responsible_for written down.
        responsibility_stated false fails; nothing recorded needs evidence.
    """,
    case=_responsibility_stated,
    examples=[
        _case_example(
            Verdict.FAIL,
            "acknowledged without saying who answers for the fence",
            _stage1(
                acknowledged={
                    "on": "2024-05-09",
                    "definition": {**_DEFINITION, "responsibility_stated": False},
                }
            ),
        ),
        _case_example(
            Verdict.PASS,
            "the boundary fence is the council's, the damp is ours",
            _stage1(
                acknowledged={
                    "on": "2024-05-09",
                    "definition": {
                        "understanding": "Damp in the back bedroom; a broken boundary fence.",
                        "outcomes_sought": "Treat the damp; mend the fence.",
                        "responsible_for": "the damp treatment",
                        "not_responsible_for": "the boundary fence (the council's)",
                    },
                }
            ),
        ),
    ],
)

# -- 5.8 ---------------------------------------------------------------------------------

# 5.8: at every stage handlers decide on the merits, independently and with an open mind,
# give the resident a fair hearing, deal with conflicts of interest and weigh all evidence.
# The data settles one part, the plainest conflict of interest: a stage handled by a member
# of staff the complaint is about. The rest (an open mind, a fair hearing, the evidence
# weighed) stays a person's judgement, attested.
_handler_not_complained_about = handler_not_complained_about((1, 2))

CHC24_5_8 = rule(
    "5.8",
    "Fair, independent and open-minded handling",
    summary=(
        "At each stage the person handling the complaint judges it on its merits, "
        "independently and without prejudging it; lets the resident put their side; deals "
        "with any real or apparent conflict of interest; and weighs all the relevant "
        "information."
    ),
    explanation="""
        Case: where the case records the staff the complaint is about
        (staff_complained_about, by the names the handler fields use, compared without
        regard to case or spacing), a stage 1 or stage 2 handler among them fails; none
        among them passes; a stage whose handler is not recorded needs evidence; a case
        that does not record the staff, or names none, is not applicable. Independence,
        an open mind, a fair hearing and the weighing of evidence need a person's
        judgement: an attestation for 5.8 with evidence such as handler training, a
        conflict-of-interest procedure and a quality review of a sample of cases. (A
        different handler at stage 2 is checked under 6.13.)
    """,
    case=_handler_not_complained_about,
    attestation=(
        "handler training, the conflict-of-interest procedure, and a quality review of a "
        "sample of cases showing each resident was heard and the evidence weighed"
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "the stage 1 handler is the officer the complaint is about",
            _stage1(handler="A. Patel"),
            staff_complained_about=["a. patel", "C. Reid"],
        ),
        _case_example(
            Verdict.FAIL,
            "the stage 2 handler is named in the complaint",
            _stage1(),
            _stage2(handler="C.  Reid"),
            staff_complained_about=["C. Reid"],
        ),
        _case_example(
            Verdict.PASS,
            "neither handler is among the staff the complaint is about",
            _stage1(),
            _stage2(),
            staff_complained_about=["C. Reid"],
        ),
        _case_example(
            Verdict.NEEDS_EVIDENCE,
            "staff named but the stage 1 handler not recorded",
            _stage1(handler=None),
            staff_complained_about=["C. Reid"],
        ),
        _case_example(
            Verdict.NOT_APPLICABLE,
            "the complaint names no member of staff",
            _stage1(),
            staff_complained_about=[],
        ),
        _attested(
            "5.8",
            False,
            "Stage 1 complaints are answered by the manager of the team complained about.",
            "Case audit, May 2024",
            title="handlers review their own team's decisions",
        ),
        _attested(
            "5.8",
            True,
            "Handlers are trained, declare conflicts, and 20 cases a quarter are reviewed.",
            "Quality review Q1 2024-25",
            title="trained handlers, conflicts declared, sample reviewed",
        ),
    ],
)

# -- 5.9 ---------------------------------------------------------------------------------


def _by_stage(name: str) -> Expr:
    """The judged stage's own parameter ``stage{n}.<name>`` (this Code's two stages)."""
    return by_stage_number({n: param(f"stage{n}.{name}") for n in (1, 2)})


def _update_interval_table() -> ItemTable:
    """5.9 for one stage of the Code's process: judged only where it ran late."""
    _, deadline = response_due_expressions(
        item(),
        days=_by_stage("respond_working_days"),
        respond_from=_by_stage("respond_from"),
        ack_days=_by_stage("acknowledge_working_days"),
    )
    due = deadline.due
    # the day the stage stopped: its response, else the case's withdrawal or the as-of date
    end = item("response.issued_on").or_else(case_field("withdrawn_on")).or_else(as_of())
    agreed, interval = item("update_interval_agreed"), item("update_interval_working_days")
    gap = due.widest_gap(item("updates_sent"), end, after_start=True)
    late = "stage {number} ran past the Code's timescale (due {due}, {state} {end})"
    return (
        when(
            due.is_null(),
            Verdict.NEEDS_EVIDENCE,
            "stage {number} has no escalation request date (requested_on)",
            evidence=False,
        )
        .when(end.is_null() | end.le(due), Verdict.NOT_APPLICABLE, "")
        .when(
            agreed.is_false(),
            Verdict.FAIL,
            late + " and no update interval was agreed with the resident",
            computed=False,
        )
        .when(
            interval.is_null() & agreed.is_true(),
            Verdict.PASS,
            late + "; an update interval was agreed",
        )
        .when(
            interval.is_null(),
            Verdict.NEEDS_EVIDENCE,
            late + "; the case does not say whether an update interval was agreed; "
            "set update_interval_agreed or update_interval_working_days",
        )
        .when(
            gap.get("days").gt(interval),
            Verdict.FAIL,
            late + "; updates every {interval} working days were agreed, but {days} working "
            "days passed between {first} and {then} without one",
        )
        .per_item(
            Verdict.PASS,
            late + "; updates every {interval} working days were agreed and kept",
            values={
                "number": item("number"),
                "due": due.iso(),
                "state": item("response").not_null().choose("answered", "still open"),
                "end": end.iso(),
                "interval": interval,
                "days": gap.get("days"),
                "first": gap.get("from").iso(),
                "then": gap.get("to").iso(),
            },
            facts={
                "stage{number}.update_interval_agreed": agreed,
                "stage{number}.update_interval_working_days": interval,
                "stage{number}.updates_sent": item("updates_sent").map(item().iso()),
            },
            computed=deadline.evidence,
            omit_empty=("clock_note",),
        )
    )


_STAGES_COUNTED = param("stages.count")
_updates_agreed = item_outcomes(
    stages().filter(item("number").ge(1) & item("number").le(_STAGES_COUNTED)),
    _update_interval_table(),
    none=Verdicts(()).otherwise(
        Verdict.NOT_APPLICABLE, "no stage ran past the Code's timescale", evidence=False
    ),
    # a stage's parameters are named where the case has that stage in the Code's process
    parameters_where={
        f"stage{n}.{name}": stage_ref(n).reached() & lit(n).le(_STAGES_COUNTED)
        for n in (1, 2)
        for name in ("respond_working_days", "respond_from", "acknowledge_working_days")
    },
)


# 5.9: when a response will miss the Code's timescale, agree with the resident how often
# they will be kept informed.
CHC24_5_9 = rule(
    "5.9",
    "Update intervals agreed when a response runs late",
    summary=(
        "If a response is going to come later than the Code's timescale, the landlord and "
        "the resident agree how often the resident will hear about progress."
    ),
    explanation="""
        Case: for each stage answered (or, with an as-of date, still open) after its
        original deadline (stage 1: 10 working days after acknowledgement; stage 2: 20),
        an extension included, update_interval_agreed must not be false, and one of it or
        update_interval_working_days must be recorded. Where the interval is recorded, no
        more than that many working days may pass between the original deadline, each
        update (updates_sent) and the response. Stages answered in time are not
        applicable. Policy: update_frequency_agreed_when_late must be true.
    """,
    case=_updates_agreed,
    # Judges only stages that ran late: bulk evaluation counts on-time cases without a call.
    only_when_late=True,
    policy=policy_states(
        (
            "update_frequency_agreed_when_late",
            "update intervals are agreed when a response will be late",
            "the policy does not agree update intervals when a response will be late",
        ),
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "weekly updates agreed, none sent for three weeks",
            _stage1(
                update_interval_working_days=5,
                response={"issued_on": "2024-06-14", "outcome": "upheld"},
            ),
        ),
        _case_example(
            Verdict.PASS,
            "weekly updates agreed and kept",
            _stage1(
                update_interval_working_days=5,
                updates_sent=["2024-05-30", "2024-06-06", "2024-06-13"],
                response={"issued_on": "2024-06-14", "outcome": "upheld"},
            ),
        ),
        _case_example(
            Verdict.NEEDS_EVIDENCE,
            "late, nothing recorded about updates",
            _stage1(response={"issued_on": "2024-06-14", "outcome": "upheld"}),
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "no update arrangement for late responses",
            update_frequency_agreed_when_late=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "update intervals agreed when late",
            update_frequency_agreed_when_late=True,
        ),
    ],
)

# -- 5.10 --------------------------------------------------------------------------------


_DISCLOSED = case_field("resident.disclosed_disability")

_adjustments_reviewed = item_outcomes(
    case_field("resident.reasonable_adjustments"),
    _under_review(
        "resident.reasonable_adjustments[{index}] ({description})",
        {"description": item("description")},
        None,
    ),
    none=when(
        _DISCLOSED.is_true(),
        Verdict.NOT_APPLICABLE,
        "no reasonable adjustment is recorded (a disability was disclosed)",
    ).otherwise(
        Verdict.NOT_APPLICABLE,
        "no reasonable adjustment is recorded",
        facts={"resident.disclosed_disability": _DISCLOSED},
    ),
)


# 5.10: make reasonable adjustments under the Equality Act; record agreed adjustments and
# disclosed disabilities; keep adjustments under active review.
CHC24_5_10 = rule(
    "5.10",
    "Reasonable adjustments recorded and reviewed",
    summary=(
        "Where the Equality Act 2010 calls for it, the landlord makes reasonable "
        "adjustments for residents, records those agreed and any disability disclosed, and "
        "keeps the adjustments under active review."
    ),
    explanation="""
        Case: each of resident.reasonable_adjustments must have a review done (reviews) or
        due (review_due); with neither it needs evidence. A review_due earlier than the
        day the case is judged at (the as-of date, else the day it closed) with no review
        on or after it fails. Policy: reasonable_adjustments and
        adjustments_recorded_and_reviewed must be true.
    """,
    case=_adjustments_reviewed,
    policy=policy_states(
        (
            "reasonable_adjustments",
            "the policy makes reasonable adjustments",
            "the policy makes no reasonable adjustments",
        ),
        (
            "adjustments_recorded_and_reviewed",
            "adjustments and disclosed disabilities are recorded and adjustments reviewed",
            "the policy does not record and review adjustments",
        ),
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "large-print letters agreed, review missed",
            closed_on="2024-07-08",
            resident={
                "disclosed_disability": True,
                "reasonable_adjustments": [
                    {
                        "description": "letters in large print",
                        "agreed_on": "2024-05-02",
                        "review_due": "2024-06-03",
                    }
                ],
            },
        ),
        _case_example(
            Verdict.PASS,
            "large-print letters agreed and reviewed",
            closed_on="2024-07-08",
            resident={
                "disclosed_disability": True,
                "reasonable_adjustments": [
                    {
                        "description": "letters in large print",
                        "agreed_on": "2024-05-02",
                        "reviews": ["2024-06-03"],
                        "review_due": "2024-09-03",
                    }
                ],
            },
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "adjustments made but never reviewed",
            reasonable_adjustments=True,
            adjustments_recorded_and_reviewed=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "adjustments made, recorded and reviewed",
            reasonable_adjustments=True,
            adjustments_recorded_and_reviewed=True,
        ),
    ],
)

# -- 5.11 --------------------------------------------------------------------------------


_REFUSALS = case_field("refusals")
_AT_STAGE2 = item("stage").eq(2)
_UNNAMED = item("ground").eq("other") & ~item("detail").present()
_UNEXPLAINED = item("explanation_given").is_false()
_NO_ROUTE = item("ombudsman_right_given").is_false()

_escalation_refusals = (
    when(
        _REFUSALS.any(_AT_STAGE2 & (_UNNAMED | _UNEXPLAINED | _NO_ROUTE)),
        Verdict.FAIL,
        "{problems}",
    )
    .when(
        _REFUSALS.any(
            _AT_STAGE2
            & (item("explanation_given").is_null() | item("ombudsman_right_given").is_null())
        ),
        Verdict.NEEDS_EVIDENCE,
        "the case does not record: set {unset}",
    )
    .otherwise(
        Verdict.PASS,
        "escalation was declined on a stated ground ({grounds}), with reasons and the "
        "Ombudsman route given",
        values={
            "problems": _REFUSALS.each_of(
                (
                    _UNNAMED,
                    "refusals[{index}] declined escalation on an unnamed ground with no detail",
                ),
                (
                    _UNEXPLAINED,
                    "refusals[{index}] did not set out the reasons for declining escalation",
                ),
                (
                    _NO_ROUTE,
                    "refusals[{index}] did not give the right to go to the Ombudsman (2.4)",
                ),
                where=_AT_STAGE2,
            ),
            "unset": _REFUSALS.each_of(
                (item("explanation_given").is_null(), "refusals[{index}].explanation_given"),
                (
                    item("ombudsman_right_given").is_null(),
                    "refusals[{index}].ombudsman_right_given",
                ),
                where=_AT_STAGE2,
                sep=", ",
            ),
            "grounds": _REFUSALS.each(
                "{ground}", where=_AT_STAGE2, ground=item("detail").or_else(item("ground"))
            ),
        },
        each_facts=[
            each_fact(
                _REFUSALS,
                "refusals[{index}]",
                {
                    "ground": item("ground"),
                    "detail": item("detail"),
                    "explanation_given": item("explanation_given"),
                    "ombudsman_right_given": item("ombudsman_right_given"),
                },
                where=_AT_STAGE2,
            )
        ],
    )
)


# 5.11: escalation through every stage is refused only for valid reasons, set out clearly
# and in line with section 2.
CHC24_5_11 = rule(
    "5.11",
    "Escalation refused only for valid, stated reasons",
    summary=(
        "A complaint is taken through every stage unless there is a sound reason not to; "
        "the reason is clearly given and is one section 2 allows."
    ),
    explanation="""
        Case: each refusal to escalate (refusals with stage 2) must name its ground (an
        'other' ground needs detail) and record explanation_given and
        ombudsman_right_given as true (false fails, unset needs evidence).
        Policy: every entry of escalation_refusal_grounds must also be one of
        exclusions.grounds (compared ignoring case).
    """,
    case=applies_if(
        CaseFact.STAGE2_REFUSAL, _escalation_refusals, otherwise="escalation was not refused"
    ),
    policy=policy_escalation_grounds,
    examples=[
        _case_example(
            Verdict.FAIL,
            "escalation declined without reasons",
            _stage1(),
            refusals=[
                {
                    "on": "2024-06-04",
                    "stage": 2,
                    "ground": "other",
                    "detail": "Stage 1 outcome considered fair",
                    "explanation_given": False,
                    "ombudsman_right_given": True,
                }
            ],
        ),
        _case_example(
            Verdict.PASS,
            "escalation declined: court claim filed, reasons and Ombudsman route given",
            _stage1(),
            refusals=[
                {
                    "on": "2024-06-04",
                    "stage": 2,
                    "ground": "legal_proceedings",
                    "claim_filed_on": "2024-05-28",
                    "explanation_given": True,
                    "ombudsman_right_given": True,
                }
            ],
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "an extra ground for declining escalation",
            escalation_refusal_grounds=["resident unhappy with the outcome only"],
            exclusions={"grounds": ["legal proceedings have started"]},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "escalation declined only on the exclusion grounds",
            escalation_refusal_grounds=["Legal proceedings have started"],
            exclusions={
                "grounds": [
                    "legal proceedings have started",
                    "the matter has already been considered",
                ]
            },
        ),
    ],
)

# -- 5.12 --------------------------------------------------------------------------------


_full_record = full_record(
    no_stage="the record holds no stage of the complaint and no refusal",
    stage_needed_unless_refused=True,
    no_date="stage {number} records no date it was logged or acknowledged",
    no_response="stage {number} was closed with no response on record",
    incomplete="the record is incomplete: {problems}",
    no_outcome="the record does not hold each stage's outcome; set {unset}",
    passed="the record holds the date received ({received}) and, for {count} stage(s), when "
    "each was logged and its outcome so far",
    received_in_evidence=True,
)


# 5.12: keep a full record of each complaint and each stage's outcome: the original
# complaint and date received, all correspondence, and supporting documents.
CHC24_5_12 = rule(
    "5.12",
    "A full record of the complaint",
    summary=(
        "Each complaint has a complete file: what was originally raised and when, the "
        "outcome of every stage, all correspondence with the resident and with others, and "
        "supporting papers such as reports or surveys."
    ),
    explanation="""
        Case: for each stage that has moved on (answered, followed by another stage, or
        the case closed; a refused stage never answered aside) the record must
        hold a logging or acknowledgement date; a closed case must hold each stage's
        response; a response without its outcome (response.outcome) needs evidence. That
        correspondence and supporting documents are kept is for an attestation for 5.12.
    """,
    case=_full_record,
    attestation=(
        "a records audit of a sample of closed complaints showing the original complaint, "
        "all correspondence and supporting reports or surveys on file"
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "closed with no stage 1 response on file",
            _stage1(response=None),
            closed_on="2024-06-01",
        ),
        _case_example(Verdict.PASS, "complete", _stage1(), closed_on="2024-06-01"),
        _attested(
            "5.12",
            False,
            "Surveyors' reports were missing from 6 of 20 files audited.",
            "Records audit, May 2024",
            title="reports missing from the files",
        ),
        _attested(
            "5.12",
            True,
            "A sample of 20 closed files held the complaint, letters and reports.",
            "Records audit, May 2024",
            title="sampled files complete",
        ),
    ],
)

# -- 5.13 --------------------------------------------------------------------------------


_OUTCOME1 = stage_ref(1).field("response.outcome")
_REMEDIED_AT_1 = (
    stage_ref(1).field("remedies").present()
    | stage_ref(1).field("response.contents.remedy").is_true()
)
_UPHELD = _OUTCOME1.eq("upheld") | _OUTCOME1.eq("partly_upheld")

_remedied_without_escalation = (
    when(
        _UPHELD & _REMEDIED_AT_1,
        Verdict.PASS,
        "stage 1 found the complaint {outcome} and put it right there, without escalation",
    )
    .when(
        ~stage_ref(2).field("remedies").present() | _REMEDIED_AT_1,
        Verdict.NOT_APPLICABLE,
        "no remedy was held back for stage 2 (none offered at stage 2, or one was already "
        "offered at stage 1)",
    )
    .when(
        _OUTCOME1.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "a remedy came only at stage 2; the case does not say whether stage 1 upheld the "
        "complaint; set the stage 1 response.outcome",
    )
    .when(
        _UPHELD,
        Verdict.FAIL,
        "stage 1 found the complaint {outcome} but offered no remedy; one came only after "
        "escalation to stage 2",
    )
    .otherwise(
        Verdict.NOT_APPLICABLE,
        "stage 1 did not uphold the complaint; the stage 2 remedy followed stage 2's own finding",
        values={"outcome": _OUTCOME1},
        facts={
            "stage1.response.outcome": _OUTCOME1,
            "stage1.remedies": stage_ref(1).field("remedies").length(),
            "stage1.response.contents.remedy": stage_ref(1).field("response.contents.remedy"),
            "stage2.remedies": stage_ref(2).field("remedies").length(),
        },
    )
)


# 5.13: remedies are available at any stage; the resident need not escalate to get one.
CHC24_5_13 = rule(
    "5.13",
    "Remedies available at every stage",
    summary=(
        "A complaint can be put right at whatever stage it is upheld; the resident should "
        "not have to escalate to get a suitable remedy."
    ),
    explanation="""
        Policy: remedies_at_any_stage must be true.
        Case: a stage 1 response that upheld or partly upheld the complaint with a remedy
        (stage 1 remedies, or contents.remedy true) passes. One that upheld it with no
        remedy, where a remedy then came at stage 2, fails. Other cases are not
        applicable; a stage 2 remedy after a stage 1 with no recorded outcome needs
        evidence.
    """,
    policy=policy_states(
        (
            "remedies_at_any_stage",
            "remedies can be offered at any stage",
            "the policy keeps remedies for a later stage",
        ),
    ),
    case=applies_if(
        CaseFact.STAGE1_RESPONSE, _remedied_without_escalation, otherwise="no stage 1 response"
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "upheld at stage 1, compensation only at stage 2",
            _stage1(response={"issued_on": "2024-05-23", "outcome": "upheld"}),
            _stage2(remedies=[{"kind": "financial", "amount": "150"}]),
        ),
        _case_example(
            Verdict.PASS,
            "upheld and put right at stage 1",
            _stage1(
                response={"issued_on": "2024-05-23", "outcome": "upheld"},
                remedies=[{"kind": "apology"}, {"kind": "action", "description": "damp treatment"}],
            ),
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "compensation only at stage 2",
            remedies_at_any_stage=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "remedies at either stage",
            remedies_at_any_stage=True,
        ),
    ],
)

# -- 5.14 --------------------------------------------------------------------------------


def _if_restricted(check: CaseCheck) -> CaseCheck:
    """``check`` judges contact restrictions; a case without one is not applicable."""
    return applies_if(
        CaseFact.CONTACT_RESTRICTION, check, otherwise="no restriction on the resident's contact"
    )


_RESTRICTION = "contact_restrictions[{index}] (from {imposed})"
_IMPOSED = {"imposed": item("imposed_on").iso()}
_REASON = item("reason")

_restrictions_reasoned_and_reviewed = item_outcomes(
    case_field("contact_restrictions"),
    when(
        _REASON.is_null(),
        Verdict.NEEDS_EVIDENCE,
        _RESTRICTION + " records no reason; set contact_restrictions[{index}].reason",
    )
    .when(
        _REASON.eq(""),
        Verdict.FAIL,
        _RESTRICTION + " has an empty reason: the restriction is not evidenced",
    )
    .per_item(
        Verdict.NOT_APPLICABLE,  # a reason given: nothing to report
        "",
        values=_IMPOSED,
        facts={"contact_restrictions[{index}].reason": _REASON},
    ),
    _under_review(_RESTRICTION, _IMPOSED, item("ended_on")),
    none=Verdicts(()).otherwise(
        Verdict.NOT_APPLICABLE, "no restriction on the resident's contact", evidence=False
    ),
)


# 5.14: a policy for unacceptable behaviour; reasons for restrictions evidenced; restrictions
# kept under review.
CHC24_5_14 = rule(
    "5.14",
    "Unacceptable behaviour: a policy, reasons and reviews",
    summary=(
        "The landlord has a policy and procedure for handling unacceptable behaviour by "
        "residents or their representatives; it can show why any restriction was imposed "
        "and keeps each restriction under regular review."
    ),
    explanation="""
        Policy: unacceptable_behaviour.exists and unacceptable_behaviour.restrictions_reviewed
        must be true.
        Case: each contact restriction must record its reason (unset needs evidence) and a
        review done or due; a review_due earlier than the day judged at (the as-of date,
        else the day the case closed) with no review since, while the restriction was still
        in place, fails.
    """,
    policy=policy_states(
        (
            "unacceptable_behaviour.exists",
            "there is a policy on unacceptable behaviour",
            "there is no policy on unacceptable behaviour",
        ),
        (
            "unacceptable_behaviour.restrictions_reviewed",
            "restrictions are kept under review",
            "the policy does not review restrictions",
        ),
    ),
    case=_if_restricted(_restrictions_reasoned_and_reviewed),
    examples=[
        example(
            Subject.POLICY, Verdict.FAIL, "no policy", unacceptable_behaviour={"exists": False}
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "a policy with reviews",
            unacceptable_behaviour={"exists": True, "restrictions_reviewed": True},
        ),
        _case_example(
            Verdict.FAIL,
            "single point of contact imposed, review missed",
            closed_on="2024-07-08",
            contact_restrictions=[
                {
                    "imposed_on": "2024-05-13",
                    "reason": "abusive calls to staff",
                    "review_due": "2024-06-13",
                }
            ],
        ),
        _case_example(
            Verdict.PASS,
            "single point of contact, reason recorded and reviewed on time",
            closed_on="2024-07-08",
            contact_restrictions=[
                {
                    "imposed_on": "2024-05-13",
                    "reason": "abusive calls to staff",
                    "review_due": "2024-09-13",
                    "reviews": ["2024-06-13"],
                }
            ],
        ),
    ],
)

# -- 5.15 --------------------------------------------------------------------------------


_restrictions_proportionate = restrictions_regarded(
    not_regarded="contact was restricted without regard to the Equality Act: {missing}",
    not_recorded="the case does not record: set {unknown}",
    passed="each of {count} restriction(s) records regard to the Equality Act",
)


# 5.15: contact restrictions are proportionate and show regard for the Equality Act.
CHC24_5_15 = rule(
    "5.15",
    "Restrictions proportionate, with regard to the Equality Act",
    summary=(
        "Any limit on a resident's contact because of their behaviour goes no further than "
        "needed and shows that the Equality Act 2010 was taken into account."
    ),
    explanation="""
        Case: each contact restriction must record equality_act_considered: true (false
        fails, unset needs evidence). Policy: unacceptable_behaviour.restrictions_proportionate
        and unacceptable_behaviour.equality_act_regard must be true. Whether a given
        restriction was proportionate is for an attestation for 5.15.
    """,
    case=_if_restricted(_restrictions_proportionate),
    policy=policy_states(
        (
            "unacceptable_behaviour.restrictions_proportionate",
            "restrictions are kept proportionate",
            "the policy does not limit restrictions to what is proportionate",
        ),
        (
            "unacceptable_behaviour.equality_act_regard",
            "they have regard to the Equality Act",
            "the policy does not require regard to the Equality Act",
        ),
    ),
    attestation=(
        "a review of the restrictions imposed in the period, showing each was proportionate "
        "to the behaviour and took the resident's needs under the Equality Act into account"
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "restricted without considering the resident's disability",
            contact_restrictions=[
                {
                    "imposed_on": "2024-05-13",
                    "reason": "repeated calls",
                    "review_due": "2024-08-13",
                    "equality_act_considered": False,
                }
            ],
        ),
        _case_example(
            Verdict.PASS,
            "restriction weighed against the Equality Act",
            contact_restrictions=[
                {
                    "imposed_on": "2024-05-13",
                    "reason": "repeated calls",
                    "review_due": "2024-08-13",
                    "equality_act_considered": True,
                }
            ],
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "restrictions with no equality duty",
            unacceptable_behaviour={
                "restrictions_proportionate": True,
                "equality_act_regard": False,
            },
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "proportionate, with regard to the Equality Act",
            unacceptable_behaviour={
                "restrictions_proportionate": True,
                "equality_act_regard": True,
            },
        ),
        _attested(
            "5.15",
            False,
            "Two restrictions this year were wider than the behaviour called for.",
            "Restrictions review 2024-25",
            title="restrictions went further than needed",
        ),
        _attested(
            "5.15",
            True,
            "Each restriction this year was reviewed as proportionate, with needs considered.",
            "Restrictions review 2024-25",
            title="each restriction proportionate",
        ),
    ],
)

RULES = (
    CHC24_5_1,
    CHC24_5_2,
    CHC24_5_3,
    CHC24_5_4,
    CHC24_5_5,
    CHC24_5_6,
    CHC24_5_7,
    CHC24_5_8,
    CHC24_5_9,
    CHC24_5_10,
    CHC24_5_11,
    CHC24_5_12,
    CHC24_5_13,
    CHC24_5_14,
    CHC24_5_15,
)
