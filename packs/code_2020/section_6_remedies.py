"""Section 6: putting things right."""

from __future__ import annotations

from datetime import date

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    CaseExpression,
    CaseFact,
    Context,
    Level,
    Outcome,
    Subject,
    Verdict,
    applies_if,
    as_of,
    each_fact,
    example,
    failed,
    item,
    lessons_drawn,
    needs_evidence,
    passed,
    policy_example,
    remedy_within_guidance,
    stages,
    when,
)

from ._common import rule
from ._helpers import (
    attestation_examples,
    case_data,
    case_example,
    stage1,
)

_STAGES = stages()
_OUTCOME = item("response.outcome")
_RESPONDED = item("response").not_null()
_UPHELD_HERE = _OUTCOME.eq("upheld") | _OUTCOME.eq("partly_upheld")
_NOTHING_DONE = _UPHELD_HERE & ~item("remedies").present() & ~item("actions").present()
_NO_OUTCOME = _RESPONDED & _OUTCOME.is_null()

_put_right = (
    when(
        _STAGES.any(_NOTHING_DONE),
        Verdict.FAIL,
        "stage {bare} found something went wrong but records no remedy or action to put it right",
    )
    .when(
        _STAGES.any(_UPHELD_HERE),
        Verdict.PASS,
        "each finding of fault came with remedies or actions to put things right",
    )
    .when(
        _STAGES.any(_NO_OUTCOME),
        Verdict.NEEDS_EVIDENCE,
        "the case does not record the outcome of stage {unknown} (set response.outcome)",
    )
    .otherwise(
        Verdict.NOT_APPLICABLE,
        "no fault was found",
        # the first such stage is named
        values={
            "bare": _STAGES.each("{n}", where=_NOTHING_DONE, limit=1, n=item("number")),
            "unknown": _STAGES.each("{n}", where=_NO_OUTCOME, limit=1, n=item("number")),
        },
        each_facts=[
            each_fact(
                _STAGES,
                "stage{number}",
                {
                    "outcome": _OUTCOME,
                    "remedies": item("remedies").count(),
                    "actions": item("actions").count(),
                },
                where=_RESPONDED,
                keys={"number": item("number")},
            )
        ],
    )
)


_APOLOGY = {"kind": "apology", "offered_on": "2023-05-25"}

# 6.1: where something went wrong, say so and set out what has been or will be done.
CHC20_6_1 = rule(
    "6.1",
    "Failings acknowledged and put right",
    level=Level.MUST,
    summary=(
        "When something has gone wrong, the landlord says so and explains what it has done, "
        "or will do, to put it right."
    ),
    explanation="""
        Case: a stage response with outcome upheld or partly_upheld must record at least one
        remedy or outstanding action at that stage. A response without a recorded outcome
        needs evidence.
    """,
    case=applies_if(CaseFact.ANY_RESPONSE, _put_right, otherwise="no response yet"),
    examples=[
        case_example(
            Verdict.FAIL,
            "upheld with nothing offered",
            stage1(response={"issued_on": "2023-05-25", "outcome": "upheld"}),
        ),
        case_example(
            Verdict.PASS,
            "upheld with an apology and a repair",
            stage1(
                response={"issued_on": "2023-05-25", "outcome": "upheld"},
                remedies=[_APOLOGY],
                actions=[{"description": "Treat damp", "due": "2023-06-16"}],
            ),
        ),
    ],
)

# 6.2: the remedy reflects the failure and its harm; expectations are managed and nothing
# undeliverable or unfair to others is promised.
CHC20_6_2 = rule(
    "6.2",
    "Remedies proportionate to the failure",
    level=Level.MUST,
    summary=(
        "What is offered matches how badly the service failed and how much the resident was "
        "harmed; the landlord does not promise what it cannot deliver or what would be "
        "unfair to other residents."
    ),
    explanation="""
        Case: the final response (the last of stages 1-3 answered) records the impact of
        the failing it found as one of the four steps of the Ombudsman's remedies guidance
        (response.impact: minor, adverse, considerable, severe); that stage's financial
        remedies must total at least the lowest figure the guidance gives for the step
        (parameters remedies.floor.*: 50, 100, 600 and 1,000 pounds). Less fails; as much
        or more passes; no impact recorded needs evidence, unless nothing was upheld (not
        applicable). A financial remedy with no date of its own (due, which 6.5's carrying
        out judges) is timed from the response that awarded it: paid (completed_on) more
        than remedies.paid_within_working_days (20) working days later, or unpaid when that
        many have passed by the as-of date, needs evidence: the 20 days are this pack's
        prompt, not a period the Code or the remedies guidance sets, so the date the offer
        gave (due) or the landlord's own payment period settles it. Unpaid with no as-of
        date needs evidence. Whether the impact was assessed right, and
        whether what was promised
        can be delivered and is fair to other residents, is a judgement: an attestation for
        6.2 settles that part.
    """,
    case=remedy_within_guidance(
        (1, 2, 3), "remedies.floor.{step}", paid_within="remedies.paid_within_working_days"
    ),
    attestation="the compensation policy and a review of remedies against the harm found",
    examples=[
        case_example(
            Verdict.FAIL,
            "a considerable impact recorded, 250 pounds offered",
            stage1(
                response={"issued_on": "2023-05-25", "outcome": "upheld", "impact": "considerable"},
                remedies=[{"kind": "financial", "amount": "250"}],
            ),
        ),
        case_example(
            Verdict.PASS,
            "a considerable impact recorded, 650 pounds offered",
            stage1(
                response={"issued_on": "2023-05-25", "outcome": "upheld", "impact": "considerable"},
                remedies=[{"kind": "financial", "amount": "650", "completed_on": "2023-06-08"}],
            ),
        ),
        *attestation_examples(
            "6.2",
            met="Remedies follow the compensation policy's bands; a sample was reviewed.",
            not_met="Remedies are a flat 25 pounds whatever the failure.",
        ),
    ],
)

_UPHELD_RESPONSE = {"issued_on": "2023-05-25", "outcome": "upheld"}
_LESSON = {
    "case": "EX-20",
    "lesson": "Damp reports were closed without an inspection.",
    "lesson_on": "2023-06-01",
    "action": "Inspect every damp report.",
    "action_due": "2023-09-30",
}

# 6.3: look beyond the individual complaint for process or system changes that help all.
CHC20_6_3 = rule(
    "6.3",
    "Wider fixes beyond the single complaint",
    level=Level.SHOULD,
    summary=(
        "The landlord should ask whether a process or system needs changing for everyone, "
        "not just whether this resident's complaint is put right."
    ),
    explanation="""
        Portfolio: every upheld complaint among the cases judged has an entry in the
        organisation's learning_log, keyed to its case reference, with a dated lesson and
        an action with a due or done date (as the 2024 Code's 9.1 is judged); entries
        naming a case not judged are named. Whether the changes reach processes and
        systems is a judgement: an attestation for 6.3 settles that part.
    """,
    portfolio=lessons_drawn,
    attestation="a learning log of process or system changes that came from complaints",
    examples=[
        example(
            Subject.PORTFOLIO,
            Verdict.FAIL,
            "an upheld complaint with no lesson logged",
            as_of=date(2023, 12, 31),
            cases=[case_data(stage1(response=_UPHELD_RESPONSE))],
            organisation={"name": EXAMPLE_LANDLORD, "learning_log": []},
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "the upheld complaint's lesson and action logged",
            as_of=date(2023, 12, 31),
            cases=[case_data(stage1(response=_UPHELD_RESPONSE))],
            organisation={"name": EXAMPLE_LANDLORD, "learning_log": [_LESSON]},
        ),
        *attestation_examples(
            "6.3",
            met="Quarterly review of trends led to a new repairs triage.",
            not_met="No review looks beyond individual complaints.",
        ),
    ],
)


def _remedy_range(policy: LandlordPolicy, ctx: Context) -> Outcome:
    kinds: list[str] = ctx.param("remedies.kinds")
    offered = policy.remedy_types
    if offered is None:
        return needs_evidence("the policy does not list the remedies it offers; set remedy_types")
    facts = {"policy.remedy_types": offered}
    missing = [k for k in kinds if k not in offered]
    if missing:
        return failed(
            "the policy does not offer these kinds of remedy: " + ", ".join(missing), facts=facts
        )
    return passed(f"the policy offers all {len(kinds)} kinds of remedy", facts=facts)


_KINDS = [
    "apology",
    "acknowledgement",
    "explanation",
    "action",
    "reconsidered_decision",
    "record_corrected",
    "financial",
    "policy_change",
]

# 6.4: the range of remedies: apology, acknowledgement, explanation, action on delay,
# reconsidering a decision, correcting records, money, changing policy or practice.
CHC20_6_4 = rule(
    "6.4",
    "The range of remedies",
    level=Level.SHOULD,
    summary=(
        "Putting things right can take many forms: an apology, admitting the fault, an "
        "explanation or help, acting on a delay, reconsidering a decision, correcting a "
        "record, money, or changing a policy or practice."
    ),
    explanation="""
        Policy: remedy_types should include each kind in the parameter remedies.kinds. 6.4
        is not reproduced in the July 2023 self-assessment this pack follows: its content
        is taken to be the list the 2024 Code keeps in 7.1, and because it is a list of
        options rather than a duty it is treated as best practice ('should').
    """,
    policy=_remedy_range,
    examples=[
        policy_example(Verdict.FAIL, "money only", remedy_types=["financial"]),
        policy_example(Verdict.PASS, "the full range", remedy_types=_KINDS),
    ],
)


def _followed_through() -> CaseExpression:
    """6.5: every remedy, at whichever stage it was offered, says when it will happen (or
    is done) and was done by then; with an as-of date, one still open past it fails."""
    remedies = stages().flat("remedies")
    due, done, today = item("item.due"), item("item.completed_on"), as_of()
    undated = due.is_null() & done.is_null()
    late = done.gt(due)
    overdue = done.is_null() & today.gt(due)
    label = "stage {number} remedies[{i}] ({kind}) "
    problems = remedies.each_of(
        (undated, label + "says nothing about when it will happen"),
        (late, label + "was done on {done}, after its date {due}"),
        (overdue, label + "was due {due} and not done by {today}"),
        number=item("outer.number"),
        i=item("index"),
        kind=item("item.kind"),
        done=done,
        due=due,
        today=today,
    )
    return when(remedies.any(undated | late | overdue), Verdict.FAIL, "{problems}").otherwise(
        Verdict.PASS,
        "{count} remedy(ies) dated and carried out on time",
        values={"problems": problems, "count": remedies.count()},
        each_facts=[
            each_fact(
                remedies,
                "stage{number}.remedies[{i}]",
                item("item").dump(exclude_none=True),
                keys={"number": item("outer.number"), "i": item("index")},
            )
        ],
    )


# 6.5: the remedy offer says what will happen and when, agreed where appropriate, and is
# carried through.
CHC20_6_5 = rule(
    "6.5",
    "Remedies dated and followed through",
    level=Level.MUST,
    summary=(
        "A remedy offer makes clear what will happen and by when, agreed with the resident "
        "where that fits, and is then carried through to the end."
    ),
    explanation="""
        Case: each remedy not already done must have a due date; one completed after its due
        date fails, and with an as-of date so does one still open past it.
    """,
    case=applies_if(CaseFact.REMEDY, _followed_through(), otherwise="no remedy offered"),
    examples=[
        case_example(
            Verdict.FAIL,
            "payment promised with no date",
            stage1(remedies=[{"kind": "financial", "amount": "150"}]),
        ),
        case_example(
            Verdict.PASS,
            "payment made by its date",
            stage1(
                remedies=[
                    {
                        "kind": "financial",
                        "amount": "150",
                        "due": "2023-06-09",
                        "completed_on": "2023-06-02",
                    }
                ]
            ),
        ),
    ],
)

# 6.6: compensation weighs statutory payments, quantifiable loss, time and trouble, and
# distress and inconvenience.
CHC20_6_6 = rule(
    "6.6",
    "What compensation takes into account",
    level=Level.MUST,
    summary=(
        "When deciding on compensation the landlord considers any payment the law requires, "
        "any loss that can be measured, the time and trouble the resident was put to, and "
        "the distress and inconvenience caused."
    ),
    explanation="""
        Case: compensation that leaves out time, trouble, distress and inconvenience shows
        in its amount: the final response's financial remedies must total at least the
        lowest figure the Ombudsman's remedies guidance gives for the impact the response
        recorded (response.impact; parameters remedies.floor.*), as 6.2 judges them: less
        fails, as much or more passes. A payment with no date of its own made later than
        remedies.paid_within_working_days (20) working days after that response needs
        evidence, as 6.2 times it (the period is this pack's prompt, not the Code's).
        Which heads of award were weighed, and how, is a
        judgement: an attestation for 6.6 settles that part.
    """,
    case=remedy_within_guidance(
        (1, 2, 3), "remedies.floor.{step}", paid_within="remedies.paid_within_working_days"
    ),
    attestation="the compensation policy's heads of award and a sample of award reasoning",
    examples=[
        case_example(
            Verdict.FAIL,
            "an adverse impact recorded; only the 40 pounds of measurable loss paid",
            stage1(
                response={"issued_on": "2023-05-25", "outcome": "upheld", "impact": "adverse"},
                remedies=[{"kind": "financial", "amount": "40", "description": "Spoilt food"}],
            ),
        ),
        case_example(
            Verdict.PASS,
            "measurable loss and distress paid together",
            stage1(
                response={"issued_on": "2023-05-25", "outcome": "upheld", "impact": "adverse"},
                remedies=[
                    {
                        "kind": "financial",
                        "amount": "40",
                        "description": "Spoilt food",
                        "completed_on": "2023-06-01",
                    },
                    {
                        "kind": "financial",
                        "amount": "150",
                        "description": "Distress",
                        "completed_on": "2023-06-01",
                    },
                ],
            ),
        ),
        *attestation_examples(
            "6.6",
            met="The compensation policy sets out each head of award; awards cite them.",
            not_met="Awards cover measurable loss only.",
        ),
    ],
)

# 6.7: where the resident may have a legal right to redress, still offer a resolution, with
# legal advice on its wording.
CHC20_6_7 = rule(
    "6.7",
    "Resolution offered despite a legal entitlement",
    level=Level.SHOULD,
    summary=(
        "Even where the resident may be entitled to redress in law, the landlord should "
        "still try to offer a resolution, taking legal advice on how to word it."
    ),
    explanation="""
        Attested only. Whether a resident may have a legal right to redress, and whether
        legal advice shaped the offer's wording, are legal judgements on each case that no
        recorded fact settles: an attestation for 6.7 does.
    """,
    attestation="cases with a possible legal claim where a resolution was still offered",
    examples=attestation_examples(
        "6.7",
        met="Disrepair complaints still receive an offer, worded with legal advice.",
        not_met="Any complaint mentioning a claim is closed without an offer.",
    ),
)

RULES = (CHC20_6_1, CHC20_6_2, CHC20_6_3, CHC20_6_4, CHC20_6_5, CHC20_6_6, CHC20_6_7)
