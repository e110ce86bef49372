"""Case checks both Codes make of the case's record, written once as expressions.

Each takes the Code's own messages (the words differ between the Codes; what is judged does
not), as :func:`complaintrules.law.stage_checks.refusals_explained` does.
"""

from __future__ import annotations

from .expressions import CaseExpression, Expr, case_field, each_fact, item, stages, when
from .rules import Verdict

__all__ = ["full_record", "restrictions_regarded"]


def restrictions_regarded(*, not_regarded: str, not_recorded: str, passed: str) -> CaseExpression:
    """Every restriction on the resident's contact records that the Equality Act was
    considered (2024 Code 5.15, 2020 Code 4.19), for a case with at least one (the rule's
    gate). Messages: ``not_regarded`` names the restrictions recorded as not considering it
    (``{missing}``), ``not_recorded`` those not saying (``{unknown}``); ``passed`` may count
    the restrictions (``{count}``)."""
    restrictions = case_field("contact_restrictions")
    considered = item("equality_act_considered")
    key = "contact_restrictions[{index}].equality_act_considered"
    values: dict[str, Expr] = {
        "missing": restrictions.each(key, where=considered.is_false()),
        "unknown": restrictions.each(key, where=considered.is_null()),
    }
    if "{count}" in passed:
        values["count"] = restrictions.count()
    return (
        when(restrictions.any(considered.is_false()), Verdict.FAIL, not_regarded)
        .when(restrictions.any(considered.is_null()), Verdict.NEEDS_EVIDENCE, not_recorded)
        .otherwise(
            Verdict.PASS,
            passed,
            values=values,
            each_facts=[each_fact(restrictions, key, considered)],
        )
    )


def full_record(
    *,
    no_stage: str,
    no_date: str,
    no_response: str,
    incomplete: str,
    passed: str,
    no_handler: str | None = None,
    no_outcome: str | None = None,
    stage_needed_unless_refused: bool = False,
    received_in_evidence: bool = False,
) -> CaseExpression:
    """The case's record holds each stage of the complaint (2024 Code 5.12, 2020 Code 4.15).

    For every stage the record keeps (a stage refused and never answered aside): once the
    stage has moved on (answered, followed by another stage, or the case closed rather than
    withdrawn) it holds a date the stage was logged or acknowledged (``no_date``); once the
    case is closed, the stage's response (``no_response``); with ``no_handler``, its
    handler. These clauses name the stage as ``{number}`` and are joined into
    ``incomplete`` as ``{problems}``. A record with no stage fails (``no_stage``; with
    ``stage_needed_unless_refused``, only where nothing was refused either). With
    ``no_outcome``, a response with no outcome needs evidence (``{unset}`` names the
    fields). ``passed`` may name the stages counted (``{count}``) and the receipt date
    (``{received}``). The evidence holds the stage numbers and the closing date, and the
    receipt date first with ``received_in_evidence``.

    An open stage still waiting to be logged has nothing to record yet: whether it is late
    is for the acknowledgement rules.
    """
    all_stages = stages()
    number = item("number")
    response = item("response")
    ended = case_field("closed_on").not_null() & case_field("withdrawn_on").is_null()
    kept = ~(response.is_null() & case_field("refusals").map(item("stage")).contains(number))
    last = all_stages.map(item("number")).max()
    moved_on = response.not_null() | ended | number.lt(last)
    clauses: list[tuple[Expr, str]] = []
    if no_handler is not None:
        clauses.append((item("handler").is_null(), no_handler))
    clauses += [
        (item("logged_on").is_null() & item("acknowledged").is_null() & moved_on, no_date),
        (response.is_null() & ended, no_response),
    ]
    lacking = clauses[0][0]
    for condition, _ in clauses[1:]:
        lacking = lacking | condition
    empty = ~all_stages.present()
    if stage_needed_unless_refused:
        empty = empty & ~case_field("refusals").present()
    values: dict[str, Expr] = {"problems": all_stages.each_of(*clauses, where=kept, number=number)}
    if "{count}" in passed:
        values["count"] = all_stages.count()
    if "{received}" in passed:
        values["received"] = case_field("received_on").iso()
    facts: dict[str, Expr] = {}
    if received_in_evidence:
        facts["received_on"] = case_field("received_on").iso()
    facts["stages"] = all_stages.map(number)
    facts["closed_on"] = case_field("closed_on").iso()
    verdicts = when(empty, Verdict.FAIL, no_stage).when(
        all_stages.any(kept & lacking), Verdict.FAIL, incomplete
    )
    if no_outcome is not None:
        unanswered = kept & response.not_null() & item("response.outcome").is_null()
        values["unset"] = all_stages.each("stages[{index}].response.outcome", where=unanswered)
        verdicts = verdicts.when(all_stages.any(unanswered), Verdict.NEEDS_EVIDENCE, no_outcome)
    return verdicts.otherwise(Verdict.PASS, passed, values=values, facts=facts)
