"""Section 7: putting things right.

Worked dates used by the examples: complaint received Wed 2024-05-01, acknowledged Thu
2024-05-09, stage 1 response issued Thu 2024-05-23.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    CaseExpression,
    CaseFact,
    Context,
    Example,
    Expr,
    Outcome,
    Subject,
    Verdict,
    applies_if,
    as_of,
    attestation_example,
    case_field,
    each_fact,
    example,
    item,
    policy_says,
    remedy_within_guidance,
    stages,
    when,
)

from ._common import rule

# -- example data ----------------------------------------------------------------------


def _stage1(**overrides: Any) -> dict[str, Any]:
    stage: dict[str, Any] = {
        "number": 1,
        "acknowledged": {"on": "2024-05-09"},
        "handler": "A. Patel",
        "response": {"issued_on": "2024-05-23", "outcome": "upheld"},
    }
    stage.update(overrides)
    return stage


def _case_example(expect: Verdict, title: str, *stages: dict[str, Any], **kw: Any) -> Example:
    as_of = kw.pop("as_of", None)
    data: dict[str, Any] = {"reference": "EX-7", "received_on": "2024-05-01", **kw}
    data["stages"] = list(stages) or [_stage1()]
    return example(Subject.CASE, expect, title, as_of=as_of, **data)


_attested = partial(attestation_example, on="2024-09-30", by="Head of Customer Experience")


# -- checks ----------------------------------------------------------------------------


_STAGES = stages()
_OUTCOME = item("response.outcome")
_RESPONDED = item("response").not_null()
_UPHELD_HERE = _OUTCOME.eq("upheld") | _OUTCOME.eq("partly_upheld")
_NO_REMEDY = _UPHELD_HERE & ~item("remedies").present()
_NO_OUTCOME = _RESPONDED & _OUTCOME.is_null()


def _stage_numbers(where: Expr) -> Expr:
    return _STAGES.each("{n}", where=where, n=item("number"))


_fault_put_right = (
    when(
        _STAGES.any(_NO_REMEDY),
        Verdict.FAIL,
        "stage {bare} upheld the complaint (in whole or part) but records no remedy at that "
        "stage; expected at least one entry under stages[].remedies (an apology, an action, a "
        "payment ...)",
    )
    .when(
        _STAGES.any(_NO_OUTCOME),
        Verdict.NEEDS_EVIDENCE,
        "the outcome of the stage {unknown} response is not recorded; set "
        "stages[].response.outcome (upheld, partly_upheld or not_upheld)",
    )
    .when(
        _STAGES.any(_UPHELD_HERE),
        Verdict.PASS,
        "every stage that upheld the complaint records at least one remedy (stage {upheld})",
    )
    .otherwise(
        Verdict.NOT_APPLICABLE,
        "no stage upheld the complaint, so nothing needed putting right",
        values={
            "bare": _stage_numbers(_NO_REMEDY),
            "unknown": _stage_numbers(_NO_OUTCOME),
            "upheld": _stage_numbers(_UPHELD_HERE),
        },
        each_facts=[
            each_fact(
                _STAGES,
                "stage{number}",
                {"response.outcome": _OUTCOME, "remedies": item("remedies").map(item("kind"))},
                where=_RESPONDED,
                keys={"number": item("number")},
            )
        ],
    )
)


def _remedies_dated_and_done() -> CaseExpression:
    """7.3: every remedy, at whichever stage it was offered, was completed by the date
    offered; one still open is judged against the as-of date, or against the case's
    closing, and one with no date recorded needs evidence."""
    remedies = stages().flat("remedies")
    due, done, judged = item("item.due"), item("item.completed_on"), as_of()
    closed = case_field("closed_on").or_else(case_field("withdrawn_on"))
    late = done.not_null() & done.gt(due)
    overdue = done.is_null() & due.lt(judged)
    closed_open = done.is_null() & closed.not_null() & (judged.is_null() | due.is_null())
    undated = done.is_null() & due.is_null() & closed.is_null()
    # open, dated, and not yet due on the as-of date (or, without one, on a case still open)
    pending = (
        done.is_null()
        & due.not_null()
        & ((judged.not_null() & due.ge(judged).is_true()) | (judged.is_null() & closed.is_null()))
    )
    label = "stage {number} remedies[{i}] ({kind})"
    number, i, kind = item("outer.number"), item("index"), item("item.kind")
    problems = remedies.each_of(
        (late, label + " was completed on {done}, after the date offered ({due})"),
        (overdue, label + " was due {due} and is not completed on {judged}"),
        (closed_open, label + " is not recorded as completed, yet the case closed on {closed}"),
        number=number,
        i=i,
        kind=kind,
        done=done,
        due=due,
        judged=judged,
        closed=closed,
    )
    done_by_date = "{settled} of {count} remedy(ies) completed by the date offered"
    return (
        when(remedies.any(late | overdue | closed_open), Verdict.FAIL, "{problems}")
        .when(
            remedies.any(undated),
            Verdict.NEEDS_EVIDENCE,
            "no date is recorded for an open remedy; set {missing} to the date the offer gave "
            "(an offer that gave no date does not meet 7.3)",
        )
        .when(remedies.any(pending), Verdict.PASS, done_by_date + "; not yet due: {waiting}")
        .otherwise(
            Verdict.PASS,
            done_by_date,
            values={
                "problems": problems,
                "missing": remedies.each(
                    "stages[{k}].remedies[{i}].due ({kind})",
                    where=undated,
                    k=item("outer_index"),
                    i=i,
                    kind=kind,
                ),
                "waiting": remedies.each(
                    label + " due {due}", where=pending, number=number, i=i, kind=kind, due=due
                ),
                "settled": remedies.count(~pending),
                "count": remedies.count(),
            },
            each_facts=[
                each_fact(
                    remedies,
                    "stage{number}.remedies[{i}]",
                    item("item").dump(exclude_none=True),
                    keys={"number": number, "i": i},
                )
            ],
            computed={"judged_as_of": judged.iso(), "case_closed_on": closed.iso()},
        )
    )


def _guidance_in_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    return policy_says(
        policy.remedies_guidance_considered,
        "remedies_guidance_considered",
        yes="the policy says remedies are decided with the Ombudsman's remedies guidance in mind",
        no="the policy says remedies are not decided with the Ombudsman's remedies guidance",
    )


# 7.1: when something has gone wrong, the landlord owns up and sets out what it has done or
# will do to put it right (apology, explanation, action, a changed decision, a corrected
# record, money, a change of policy ...).
CHC24_7_1 = rule(
    "7.1",
    "Fault acknowledged and put right",
    summary=(
        "When a complaint finds the landlord at fault, the landlord admits it and says what "
        "it has done, or will do, to put matters right; the Code lists the usual forms, from "
        "an apology to money or a change of practice."
    ),
    explanation="""
        Case: every stage whose response records outcome `upheld` or `partly_upheld` must
        record at least one remedy at that same stage (`stages[].remedies`; a repair or
        other action is a remedy of kind `action`). Outstanding actions alone
        (`stages[].actions`) do not count: 7.1 asks for the putting-right to be set out,
        and remedies are where the case records it. A response without an outcome needs
        evidence; a case where no stage upheld the complaint is not applicable.
    """,
    case=applies_if(
        CaseFact.ANY_RESPONSE,
        _fault_put_right,
        otherwise="no stage has a response yet, so no finding of fault to act on",
    ),
    examples=[
        _case_example(Verdict.FAIL, "upheld with nothing offered"),
        _case_example(
            Verdict.PASS,
            "partly upheld with an apology and a repair",
            _stage1(
                response={"issued_on": "2024-05-23", "outcome": "partly_upheld"},
                remedies=[
                    {"kind": "apology", "offered_on": "2024-05-23", "completed_on": "2024-05-23"},
                    {"kind": "action", "description": "Treat damp", "due": "2024-06-14"},
                ],
            ),
        ),
        _case_example(
            Verdict.NEEDS_EVIDENCE,
            "outcome not recorded",
            _stage1(response={"issued_on": "2024-05-23"}),
        ),
    ],
)

# 7.2: what is offered must match the impact the failing had on the resident.
# The data settles the plainest shortfall: a financial offer below the lowest figure the
# Ombudsman's remedies guidance gives for the impact the landlord itself recorded (its
# response's impact, one of the guidance's four steps). Whether that impact was assessed
# right, and whether the remedy as a whole fits, stays a person's judgement, attested.
CHC24_7_2 = rule(
    "7.2",
    "Remedy proportionate to the impact",
    summary=(
        "What the landlord offers reflects how much the fault it found affected the "
        "resident; a token gesture for serious harm, or a standard sum whatever happened, "
        "does not meet it."
    ),
    explanation="""
        Case: the final response (stage 2's, else stage 1's) records the impact of the
        failing it found as one of the four steps of the Ombudsman's remedies guidance
        (response.impact: minor, adverse, considerable, severe). The financial remedies of
        that stage (kind financial, amounts in pounds) must total at least the lowest
        figure the guidance gives for that step (parameters remedies.floor.minor,
        .adverse, .considerable and .severe: 50, 100, 600 and 1,000 pounds); less fails,
        as much or more passes. No impact recorded needs evidence, unless the response
        upheld nothing (not applicable). A financial remedy with no date of its own (due,
        which 7.3 judges) is also timed from the response that awarded it: paid
        (completed_on) more than remedies.paid_within_working_days (20) working days later,
        or unpaid when that many have passed by the as-of date, needs evidence, naming it:
        the 20 days are this pack's prompt, not a period the Code or the remedies guidance
        sets, so the date the offer gave (due) or the landlord's own payment period
        settles it. Unpaid with no as-of date needs evidence (its completed_on). The four
        figures are read from the Ombudsman's own decisions quoting the guidance (see the
        parameters' sources); the guidance's table itself was not seen. Whether the
        impact was assessed right, and
        whether the remedy as a whole fits the harm, is a judgement: the rule also reads
        an attestation for 7.2, resting on a review of a sample of remedies against the
        impact recorded in each case.
    """,
    case=remedy_within_guidance(
        (1, 2), "remedies.floor.{step}", paid_within="remedies.paid_within_working_days"
    ),
    attestation=(
        "a review of a sample of remedies against the impact on each resident (for example a "
        "quality audit), and the compensation policy or bands the awards follow"
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "an adverse impact recorded, 50 pounds offered",
            _stage1(
                response={"issued_on": "2024-05-23", "outcome": "upheld", "impact": "adverse"},
                remedies=[{"kind": "apology"}, {"kind": "financial", "amount": "50.00"}],
            ),
        ),
        _case_example(
            Verdict.PASS,
            "an adverse impact recorded, 75 and 50 pounds offered and paid in time",
            _stage1(
                response={"issued_on": "2024-05-23", "outcome": "upheld", "impact": "adverse"},
                remedies=[
                    {"kind": "financial", "amount": "75.00", "completed_on": "2024-05-30"},
                    {"kind": "financial", "amount": "£50", "completed_on": "2024-06-20"},
                ],
            ),
        ),
        _case_example(
            Verdict.NEEDS_EVIDENCE,
            "upheld, impact not recorded",
            _stage1(remedies=[{"kind": "financial", "amount": "50"}]),
        ),
        _attested(
            "7.2",
            True,
            "A quarterly audit of 20 upheld cases found awards in line with the impact.",
            "Remedies audit Q2 2024/25",
        ),
        _attested(
            "7.2",
            False,
            "Every upheld complaint receives the same 25 pound payment.",
            "Compensation ledger 2024/25",
        ),
    ],
)

# 7.3: a remedy offer says what will happen and when (agreed with the resident where that
# fits), and whatever is offered is carried through to completion.
CHC24_7_3 = rule(
    "7.3",
    "Remedies dated and carried through",
    summary=(
        "An offer to put things right spells out what will happen and by when, agreed with "
        "the resident where sensible, and the landlord then sees every part of it through."
    ),
    explanation="""
        Case, for every remedy on every stage:
        - completed (`completed_on` set): it fails if completed after its `due` date;
        - not completed, with an as-of date: it fails if `due` is before the as-of date
          (a remedy due on the as-of date itself is not yet late); a dated remedy due later
          is reported as not yet due;
        - not completed, without an as-of date: if the case is closed (or withdrawn) it
          fails, since nothing then shows it was carried out; on an open case a remedy with
          a due date is tracked and passes;
        - not completed and no `due`: on an open case this needs evidence (record the date
          the offer gave). A remedy completed with no due date (an apology in the response
          letter, say) is fine: nothing was left to schedule.
        `agreed_with_resident` is shown in the evidence but not judged: whether agreement
        was appropriate is a matter of judgement.
    """,
    case=applies_if(
        CaseFact.REMEDY, _remedies_dated_and_done(), otherwise="no remedy is recorded on this case"
    ),
    examples=[
        _case_example(
            Verdict.FAIL,
            "repair due 14 June, still not done on 1 July",
            _stage1(
                remedies=[{"kind": "action", "description": "Treat damp", "due": "2024-06-14"}]
            ),
            as_of=date(2024, 7, 1),
        ),
        _case_example(
            Verdict.PASS,
            "payment made before its date",
            _stage1(
                remedies=[
                    {
                        "kind": "financial",
                        "amount": "150",
                        "offered_on": "2024-05-23",
                        "due": "2024-06-06",
                        "completed_on": "2024-06-03",
                        "agreed_with_resident": True,
                    }
                ]
            ),
        ),
        _case_example(
            Verdict.NEEDS_EVIDENCE,
            "payment offered with no date recorded",
            _stage1(remedies=[{"kind": "financial", "amount": "150"}]),
        ),
    ],
)

# 7.4: the Ombudsman's guidance on remedies is taken into account when deciding remedies.
CHC24_7_4 = rule(
    "7.4",
    "The Ombudsman's remedies guidance taken into account",
    summary=(
        "In deciding what remedy to offer, the landlord has regard to the guidance the "
        "Ombudsman publishes on remedies."
    ),
    explanation="""
        Two parts. Policy: `remedies_guidance_considered` must be true (unset needs
        evidence). Practice: an attestation for 7.4 that decisions actually follow it, for
        example a compensation policy or staff guidance that cites the Ombudsman's guidance.
    """,
    policy=_guidance_in_policy,
    attestation=(
        "the compensation policy or staff guidance that refers to the Ombudsman's remedies "
        "guidance, and how decision makers are pointed to it"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "policy says the guidance is not used",
            remedies_guidance_considered=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "policy refers to the guidance",
            remedies_guidance_considered=True,
        ),
        example(Subject.POLICY, Verdict.NEEDS_EVIDENCE, "policy silent"),
        _attested(
            "7.4",
            True,
            "Our compensation policy follows the Ombudsman's remedies guidance.",
            "Compensation policy 2024, section 2",
        ),
        _attested(
            "7.4",
            False,
            "Compensation is set by a fixed tariff that does not refer to the guidance.",
            "Compensation tariff 2023",
        ),
    ],
)

RULES = (CHC24_7_1, CHC24_7_2, CHC24_7_3, CHC24_7_4)
