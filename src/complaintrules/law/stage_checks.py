"""Checks every Code applies to a complaint's stages, parameterised by the pack's numbers.

Both built-in packs (and any third-party pack) call these with values read from their own
dated parameters, so the logic of "acknowledged in time", "responded in time", "extension
within the cap" exists once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from string import Formatter
from typing import Any

from dateutil.relativedelta import relativedelta

from ..model.case import Complaint, ComplaintDefinition, RefusalGround, Stage
from ..model.policy import ClockStart
from .context import Context
from .expressions import (
    CaseExpression,
    Expr,
    ItemOutcomes,
    Verdicts,
    as_of,
    case_field,
    each_fact,
    field_facts,
    item_outcomes,
    lit,
    response_clock,
    stage,
    stages,
    text,
    when,
)
from .expressions import item as list_item
from .expressions import param as param_value
from .gates import GatedCheck, applies_at_stage
from .rules import CaseCheck, Outcome, Verdict
from .timeliness import (
    CLOCK_LABELS,
    Deadline,
    ExtensionReview,
    deadline_after,
    escalation_day0,
    judge_deadline,
    receipt_day0,
    response_clock_note,
    response_clock_one_case,
    review_extensions,
)
from .timeliness import response_clock as stage_response_clock
from .timescale import Obligation, Timescale

__all__ = [
    "RESPONSE_ITEMS",
    "DeadlineExpressions",
    "TimescaleCheck",
    "acknowledgement_deadline",
    "acknowledgement_due",
    "actions_tracked",
    "actions_tracked_at_every_stage",
    "by_stage_number",
    "check_acknowledged_in_time",
    "check_actions_tracked",
    "check_different_handlers",
    "check_extension_notices",
    "check_extensions_within_cap",
    "check_issues_raised",
    "check_out_of_time_refusals",
    "check_points_addressed",
    "check_responded_in_time",
    "check_response_contents",
    "check_stage_numbers",
    "different_handlers",
    "extension_notices",
    "first_not_passing",
    "handler_stages",
    "handlers_differ",
    "issues_raised",
    "judge_timescale",
    "months_after",
    "out_of_time_refusals",
    "points_addressed",
    "points_addressed_at_every_stage",
    "refusals_explained",
    "response_clock_start",
    "response_contents",
    "response_contents_at",
    "response_deadline",
    "response_due",
    "response_due_expressions",
    "stage_check",
    "stage_start",
    "stages_within",
    "timescale_arguments",
]

#: Items a response letter can be required to state, in the Code's (a)-(g) order.
RESPONSE_ITEMS: tuple[str, ...] = (
    "stage",
    "complaint_definition",
    "decision",
    "reasons",
    "remedy",
    "outstanding_actions",
    "escalation_route",
)


# Where a case lacks what a shared stage check judges: (the fact, the message for stage n).
_NO_EXTENSION = ("extension", "no extension at stage {}")
_NO_ACTIONS = ("actions", "no outstanding actions recorded at stage {}")
_NO_RESPONSE = ("response", "no stage {} response")
_NO_ISSUES = ("issues", "no new issues raised during stage {}")
_NO_STAGES = "the case records no stages"
_NO_CONTENTS = ("response", "no stage {} response to check")
_NOT_REACHED = ("", "the case did not reach stage {}")


def _gate(check: CaseCheck, number: int, lacks: tuple[str, str]) -> CaseCheck:
    """``check`` gated on what it judges at stage ``number`` (facts exist for stages 1-2)."""
    what, message = lacks
    return applies_at_stage(what, number, check, otherwise=message.format(number))


def _na(message: str) -> Outcome:
    return Outcome(Verdict.NOT_APPLICABLE, message)


def _no_start(stage_number: int) -> Outcome:
    """A later stage whose clock cannot start: the escalation request is not dated."""
    return Outcome(
        Verdict.NEEDS_EVIDENCE,
        f"stage {stage_number} has no escalation request date (requested_on) to count from",
    )


def stage_start(ctx: Context, case: Complaint, stage: Stage) -> tuple[date, str, str] | None:
    """Day 0 of a stage (receipt for stage 1, the escalation request after): day, label, note."""
    if stage.number <= 1:
        day, note = receipt_day0(ctx, case)
        return day, "receipt", note
    found = escalation_day0(ctx, stage)
    if found is None:
        return None
    return found[0], "escalation request", found[1]


def acknowledgement_deadline(
    ctx: Context, case: Complaint, stage: Stage, ack_days: int
) -> Deadline | None:
    start = stage_start(ctx, case, stage)
    if start is None:
        return None
    day, label, note = start
    return deadline_after(ctx, day, ack_days, label, note)


@dataclass(frozen=True, slots=True)
class DeadlineExpressions:
    """A deadline as expressions: its date, and the evidence :meth:`Deadline.evidence`
    gives for it, entry by entry."""

    due: Expr
    evidence: dict[str, Expr]


def acknowledgement_due(number: int, days: Expr) -> DeadlineExpressions:
    """:func:`acknowledgement_deadline` as expressions: ``days`` (usually the pack's
    parameter) working days after stage ``number``'s start (receipt at stage 1, the
    escalation request after), day 0 placed by the evaluation's conventions; unknown where
    the start is not recorded."""
    if number <= 1:
        start, at = case_field("received_on"), case_field("received_at")
        day0, note, label = start.clock_start(at), start.clock_note(at), "receipt"
    else:
        start = stage(number).field("requested_on")
        day0 = start.clock_start()
        note = start.clock_note(received="escalation requested")
        label = "escalation request"
    due = day0.add_working_days(days)
    return DeadlineExpressions(
        due,
        {
            "trigger": text(_literal(label) + " on {day}", day=day0.iso()),
            "trigger_date": day0.iso(),
            "working_days_allowed": days,
            "deadline": due.iso(),
            "non_working_weekdays_skipped": day0.days_skipped_to(due),
            # the conventions always say how day 0 was placed, so the note is never empty
            "clock_note": note,
        },
    )


def response_due_expressions(
    of: int | Expr, *, days: Expr, respond_from: Expr, ack_days: Expr
) -> tuple[Expr, DeadlineExpressions]:
    """:func:`response_deadline` as expressions, for stage ``of`` (a number, or ``item()``
    inside :func:`stages`): the response clock's record (:func:`response_clock`: ``day``,
    ``label``, ``note``) and the deadline ``days`` working days after its day 0, with the
    evidence :meth:`Deadline.evidence` gives (``clock_note`` empty where the deadline has
    no note: an item table leaves it out with ``omit_empty``). Unknown where the stage's
    start is not recorded."""
    clock = response_clock(of, respond_from=respond_from, ack_days=ack_days)
    day = clock.get("day")
    due = day.add_working_days(days)
    return clock, DeadlineExpressions(
        due,
        {
            "trigger": text("{label} on {day}", label=clock.get("label"), day=day.iso()),
            "trigger_date": day.iso(),
            "working_days_allowed": days,
            "deadline": due.iso(),
            "non_working_weekdays_skipped": day.days_skipped_to(due),
            "clock_note": clock.get("note"),
        },
    )


def by_stage_number(values: Mapping[int, Expr]) -> Expr:
    """Inside :func:`stages`, the value for the stage being judged, by its number (a stage's
    own parameter: ``{1: param("stage1.x"), 2: param("stage2.x")}``); missing for a stage
    ``values`` does not name."""
    number = list_item("number")
    found: Expr = lit(None)
    for n, value in reversed(list(values.items())):
        found = number.eq(n).choose(value, found)
    return found


def check_acknowledged_in_time(
    case: Complaint, ctx: Context, *, stage_number: int, ack_days: int, require_definition: bool
) -> Outcome:
    """The stage was acknowledged within ``ack_days`` working days of its start.

    With ``require_definition`` the acknowledgement must also record the complaint
    definition (our understanding and the outcome sought).
    """
    stage = case.stage(stage_number)
    if stage is None:
        return _na(f"the case has no stage {stage_number}")
    deadline = acknowledgement_deadline(ctx, case, stage, ack_days)
    if deadline is None:
        return _no_start(stage_number)
    ack = stage.acknowledged
    outcome = judge_deadline(
        ctx,
        what=f"stage {stage_number} acknowledgement",
        done_on=ack.on if ack else None,
        deadline=deadline,
        stopped_on=case.withdrawn_on,
        ended_on=case.closed_on or case.withdrawn_on,
    )
    if outcome.verdict is not Verdict.PASS or not require_definition:
        return outcome
    definition = ack.definition if ack else None
    if definition is None or not definition.is_complete:
        words = partial(_definition_words, stage_number, definition, outcome)
        return Outcome.later(Verdict.FAIL, words)
    return outcome


def _definition_words(
    number: int, definition: ComplaintDefinition | None, timing: Outcome
) -> tuple[str, dict[str, Any], Mapping[str, Any]]:
    """The message and evidence of an acknowledgement in time whose complaint definition
    is missing or incomplete (the evidence of its ``timing``)."""
    missing = (
        "no complaint definition"
        if definition is None
        else "a definition without "
        + " and ".join(
            n
            for n, v in (
                ("our understanding", definition.understanding),
                ("the outcome sought", definition.outcomes_sought),
            )
            if not v
        )
    )
    message = f"stage {number} was acknowledged in time but recorded {missing}"
    return message, {}, timing.computed


def response_deadline(
    ctx: Context,
    case: Complaint,
    stage: Stage,
    *,
    respond_days: int,
    respond_from: ClockStart,
    ack_days: int,
) -> Deadline | None:
    """The original (unextended) deadline for a stage's response, or None if unknowable."""
    ack = stage.acknowledged
    facts = (
        stage.number,
        case.received_on,
        case.received_at,
        stage.requested_on,
        ack.on if ack else None,
        stage.logged_on,
    )
    trigger, rule, start = response_clock_one_case(
        ctx.calendar, ctx.conventions, *facts, respond_from, ack_days
    )
    if trigger is None:
        return None
    # the note is for the evidence alone: worded when the deadline's evidence is read
    note = partial(response_clock_note, rule, trigger, start, facts[0], *facts[4:], ack_days)
    return deadline_after(ctx, trigger, respond_days, CLOCK_LABELS[rule], note)


def response_due(
    ctx: Context,
    case: Complaint,
    stage: Stage,
    *,
    respond_days: int,
    respond_from: ClockStart,
    ack_days: int,
) -> date | None:
    """``response_deadline(...).due`` without the deadline's evidence (None if unknowable).

    The same calendar arithmetic, so the same errors; for checks that need the evidence
    only when the deadline was missed.
    """
    ack = stage.acknowledged
    trigger, _, _ = response_clock_one_case(
        ctx.calendar,
        ctx.conventions,
        stage.number,
        case.received_on,
        case.received_at,
        stage.requested_on,
        ack.on if ack else None,
        stage.logged_on,
        respond_from,
        ack_days,
    )
    return None if trigger is None else ctx.calendar.add_working_days(trigger, respond_days)


def response_clock_start(
    ctx: Context, case: Complaint, stage: Stage, *, respond_from: ClockStart, ack_days: int
) -> tuple[date, str, str, str, str] | None:
    """Day 0 of a stage's response clock, or None if unknowable.

    (day 0, its label, a note on how the clock started, the stage start's label, the note
    on the stage start); see :func:`~complaintrules.law.timeliness.response_clock`.
    """
    ack = stage.acknowledged
    return stage_response_clock(
        ctx.calendar,
        ctx.conventions,
        number=stage.number,
        received_on=case.received_on,
        received_at=case.received_at,
        requested_on=stage.requested_on,
        acknowledged_on=ack.on if ack else None,
        logged_on=stage.logged_on,
        respond_from=respond_from,
        ack_days=ack_days,
    )


def _stage_review(
    ctx: Context,
    case: Complaint,
    stage: Stage,
    *,
    respond_days: int,
    respond_from: ClockStart,
    ack_days: int,
    extension_cap: int,
) -> tuple[Deadline, ExtensionReview] | Outcome:
    """The stage's original deadline and its extensions reviewed, or why there is none."""
    deadline = response_deadline(
        ctx, case, stage, respond_days=respond_days, respond_from=respond_from, ack_days=ack_days
    )
    if deadline is None:
        return _no_start(stage.number)
    return deadline, review_extensions(ctx, stage, deadline, extension_cap)


def response_stopped_on(case: Complaint, stage: Stage) -> date | None:
    """When the case stopped owing this stage's response: withdrawn, or closed without it
    and without going on to a later stage (escalating does not excuse a missing answer)."""
    if case.withdrawn_on is not None or stage.response is not None:
        return case.withdrawn_on
    later = any(s.number > stage.number for s in case.stages)
    return None if later else case.closed_on


def check_responded_in_time(
    case: Complaint,
    ctx: Context,
    *,
    stage_number: int,
    respond_days: int,
    respond_from: ClockStart,
    ack_days: int,
    extension_cap: int,
) -> Outcome:
    """The stage's response went out by its deadline, moved by any valid extension."""
    stage = case.stage(stage_number)
    if stage is None:
        return _na(f"the case has no stage {stage_number}")
    reviewed = _stage_review(
        ctx,
        case,
        stage,
        respond_days=respond_days,
        respond_from=respond_from,
        ack_days=ack_days,
        extension_cap=extension_cap,
    )
    if isinstance(reviewed, Outcome):
        return reviewed
    deadline, review = reviewed
    stopped = response_stopped_on(case, stage)
    return judge_deadline(
        ctx,
        what=f"stage {stage_number} response",
        done_on=stage.response.issued_on if stage.response else None,
        deadline=deadline,
        review=review if stage.extensions else None,
        stopped_on=stopped,
        ended_on=case.closed_on or case.withdrawn_on,
    )


def check_extensions_within_cap(
    case: Complaint,
    ctx: Context,
    *,
    stage_number: int,
    respond_days: int,
    respond_from: ClockStart,
    ack_days: int,
    extension_cap: int,
) -> Outcome:
    """Every extension was notified before the deadline it moved, gave a reason, and stayed
    within ``extension_cap`` working days of the original deadline unless a good reason is
    recorded."""
    stage = case.stage(stage_number)
    if stage is None:
        return _na(f"the case has no stage {stage_number}")
    if not stage.extensions:
        return _na(f"no extension at stage {stage_number}")
    reviewed = _stage_review(
        ctx,
        case,
        stage,
        respond_days=respond_days,
        respond_from=respond_from,
        ack_days=ack_days,
        extension_cap=extension_cap,
    )
    if isinstance(reviewed, Outcome):
        return reviewed
    deadline, review = reviewed
    unexplained = [i for i, ext in enumerate(stage.extensions) if not ext.reason]
    verdict = Verdict.FAIL if review.problems or unexplained else Verdict.PASS
    words = partial(_extension_words, deadline, review, unexplained, len(stage.extensions))
    return Outcome.later(verdict, words)


def _extension_words(
    deadline: Deadline, review: ExtensionReview, unexplained: list[int], extensions: int
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The message, facts and computed values of :func:`check_extensions_within_cap`."""
    problems = list(review.problems)
    problems += [f"extensions[{i}] gives the resident no reason" for i in unexplained]
    computed = {**deadline.evidence(), **review.evidence()}
    if problems:
        return "; ".join(problems), {}, computed
    message = (
        f"{extensions} extension(s) notified in time with reasons; the deadline "
        f"moved from {review.original_due.isoformat()} to {review.effective_due.isoformat()} "
        f"(cap without good reason: {review.cap_due.isoformat()})"
    )
    return message, {}, computed


def timescale_arguments(timescale: Timescale, ctx: Context) -> dict[str, Any]:
    """The arguments of the response and extension checks, read from the parameters a
    declaration names (in its order, so the evidence lists them in that order)."""
    ack_days: int = ctx.param(timescale.acknowledge_days) if timescale.acknowledge_days else 0
    respond_days: int = ctx.param(timescale.days)
    clock = timescale.clock_parameter
    respond_from = ClockStart(ctx.param(clock) if clock else str(timescale.clock))
    if timescale.needs_acknowledge_days(respond_from):  # refused when the pack loads
        raise ValueError(
            f"the stage {timescale.stage} response clock starts at {respond_from.value}, but "
            "its timescale names no acknowledge_days to count that from"
        )
    cap: int = ctx.param(timescale.extension_cap) if timescale.extension_cap else 0
    return {
        "ack_days": ack_days,
        "respond_days": respond_days,
        "respond_from": respond_from,
        "extension_cap": cap,
    }


def first_not_passing(outcomes: Sequence[Outcome]) -> Outcome:
    """The parts of one provision judged together: every failure joined, else the first
    error or need for evidence, else every pass joined, else the first (not applicable)."""
    fails = [o for o in outcomes if o.verdict is Verdict.FAIL]
    if fails:
        return _joined(Verdict.FAIL, fails)
    for verdict in (Verdict.ERROR, Verdict.NEEDS_EVIDENCE):
        for outcome in outcomes:
            if outcome.verdict is verdict:
                return outcome
    passes = [o for o in outcomes if o.verdict is Verdict.PASS]
    return _joined(Verdict.PASS, passes) if passes else outcomes[0]


def _joined(verdict: Verdict, outcomes: Sequence[Outcome]) -> Outcome:
    if len(outcomes) == 1:
        return outcomes[0]
    return Outcome.later(verdict, partial(_joined_words, outcomes))


def _joined_words(outcomes: Sequence[Outcome]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    facts: dict[str, Any] = {}
    computed: dict[str, Any] = {}
    for o in outcomes:
        facts.update(o.facts)
        computed.update(o.computed)
    return "; ".join(o.message for o in outcomes), facts, computed


def _logged_in_time(
    outcome: Outcome, case: Complaint, ctx: Context, stage_number: int, ack_days: int
) -> Outcome:
    """An acknowledgement judged in time, further judged on the stage's logging date: a
    logging date recorded after the acknowledgement deadline fails."""
    stage = case.stage(stage_number)
    if stage is None or stage.logged_on is None or outcome.verdict is not Verdict.PASS:
        return outcome
    deadline = acknowledgement_deadline(ctx, case, stage, ack_days)
    if deadline is not None and stage.logged_on > deadline.due:
        return Outcome.later(
            Verdict.FAIL, partial(_logged_late_words, stage_number, stage, deadline)
        )
    return outcome


def _logged_late_words(
    stage_number: int, stage: Stage, deadline: Deadline
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    assert stage.logged_on is not None
    return (
        f"acknowledged in time but logged at stage {stage_number} only on "
        f"{stage.logged_on.isoformat()}, after {deadline.due.isoformat()}",
        {f"stage{stage_number}.logged_on": stage.logged_on.isoformat()},
        deadline.evidence(),
    )


def judge_timescale(timescale: Timescale, case: Complaint, ctx: Context) -> Outcome:
    """The one judge of every declared timescale, whichever pack declares it."""
    if timescale.only_if_reached and case.stage(timescale.stage) is None:
        return _na(f"the case has no stage {timescale.stage}")
    if timescale.precondition is not None:
        found = timescale.precondition(case, ctx)
        # an expression says "go on" by passing the case
        if found is not None and not (
            found.verdict is Verdict.PASS and isinstance(timescale.precondition, CaseExpression)
        ):
            return found
    n = timescale.stage
    if timescale.obligation is Obligation.ACKNOWLEDGE:
        ack_days: int = ctx.param(timescale.days)
        outcome = check_acknowledged_in_time(
            case,
            ctx,
            stage_number=n,
            ack_days=ack_days,
            require_definition=timescale.require_definition,
        )
        if timescale.require_logging:
            outcome = _logged_in_time(outcome, case, ctx, n, ack_days)
        return outcome
    arguments = timescale_arguments(timescale, ctx)
    if timescale.obligation is Obligation.EXTEND:
        return check_extensions_within_cap(case, ctx, stage_number=n, **arguments)
    timing = check_responded_in_time(case, ctx, stage_number=n, **arguments)
    stage = case.stage(n) if timescale.with_extensions else None
    if stage is None or not stage.extensions:
        return timing
    extensions = check_extensions_within_cap(case, ctx, stage_number=n, **arguments)
    return first_not_passing([timing, extensions])


@dataclass(frozen=True, slots=True)
class TimescaleCheck:
    """The case check of a rule that declares a :class:`Timescale` (see :class:`Rule`)."""

    timescale: Timescale

    def __call__(self, case: Complaint, ctx: Context) -> Outcome:
        return judge_timescale(self.timescale, case, ctx)


@cache
def extension_notices(number: int) -> CaseExpression:
    """Every extension notice at stage ``number`` gave the Ombudsman's contact details, as
    an expression (judged on one case or a table of cases)."""
    extensions = stage(number).field("extensions")
    given = list_item("ombudsman_details_given")
    return (
        when(
            ~extensions.present(),
            Verdict.NOT_APPLICABLE,
            _NO_EXTENSION[1].format(number),
            evidence=False,
        )
        .when(
            extensions.any(given.is_false()),
            Verdict.FAIL,
            f"extension notice(s) [{{missing}}] at stage {number} did not give the "
            "Ombudsman's contact details",
        )
        .when(
            extensions.any(given.is_null()),
            Verdict.NEEDS_EVIDENCE,
            "the case does not record whether extension notice(s) [{unknown}] gave the "
            "Ombudsman's contact details (set ombudsman_details_given)",
        )
        .otherwise(
            Verdict.PASS,
            "all {count} extension notice(s) gave the Ombudsman's details",
            values={
                "missing": extensions.each("{index}", where=given.is_false()),
                "unknown": extensions.each("{index}", where=given.is_null()),
                "count": extensions.count(),
            },
            each_facts=[
                each_fact(extensions, "extensions[{index}].ombudsman_details_given", given)
            ],
        )
    )


def check_extension_notices(case: Complaint, ctx: Context, *, stage_number: int) -> Outcome:
    """Every extension notice at the stage gave the Ombudsman's contact details (see
    :func:`extension_notices`, the expression this judges)."""
    return extension_notices(stage_number)(case, ctx)


def check_response_contents(
    case: Complaint, ctx: Context, *, stage_number: int, required: Sequence[str]
) -> Outcome:
    """The stage's response letter stated each required item (see
    :func:`response_contents`, the expression this judges)."""
    return response_contents(stage_number, tuple(required))(case, ctx)


def _response_contents(number: int, items: Expr) -> CaseExpression:
    """Stage ``number``'s response stated each field of its contents that ``items`` (a
    list-valued parameter, or a constant) names."""
    response = stage(number).field("response")
    contents = stage(number).field("response.contents")
    missing = contents.fields_that(items, "false")
    unknown = contents.fields_that(items, "null")
    return (
        when(
            response.is_null(),
            Verdict.NOT_APPLICABLE,
            _NO_CONTENTS[1].format(number),
            evidence=False,
        )
        .when(
            missing.present(),
            Verdict.FAIL,
            f"the stage {number} response did not state: {{missing}}",
        )
        .when(
            unknown.present(),
            Verdict.NEEDS_EVIDENCE,
            f"the case does not record whether the stage {number} response stated: {{unknown}}",
        )
        .otherwise(
            Verdict.PASS,
            f"the stage {number} response stated all {{count}} items",
            values={"missing": missing, "unknown": unknown, "count": items.count()},
            each_facts=[field_facts(contents, items, "response.contents.{name}")],
        )
    )


@cache
def response_contents(number: int, required: tuple[str, ...]) -> CaseExpression:
    """Stage ``number``'s response stated each of the ``required`` items, as an
    expression."""
    return _response_contents(number, lit(list(required)))


def response_contents_at(number: int, param: str) -> CaseCheck:
    """A case check that stage ``number``'s response stated every item the pack's parameter
    ``param`` lists, as an expression (see :func:`check_response_contents`)."""
    return _gate(_response_contents(number, param_value(param)), number, _NO_CONTENTS)


def different_handlers(earlier: int, later: int) -> CaseCheck:
    """A case check that stage ``later`` had another handler than stage ``earlier``, as an
    expression (names compared with Unicode case-folding)."""
    return _gate(handlers_differ(earlier, later), later, _NOT_REACHED)


#: The tag of a different-handlers expression, before its two stage numbers.
_HANDLERS_TAG = "different_handlers"


@cache
def handlers_differ(earlier: int, later: int) -> CaseExpression:
    """Stage ``later`` had another handler than stage ``earlier``, as an expression."""
    first, second = stage(earlier).field("handler"), stage(later).field("handler")
    return (
        when(
            ~(stage(earlier).reached() & stage(later).reached()),
            Verdict.NOT_APPLICABLE,
            _NOT_REACHED[1].format(later),
            evidence=False,
        )
        .when(
            first.is_null(),
            Verdict.NEEDS_EVIDENCE,
            f"the handler of stage {earlier} is not recorded",
        )
        .when(
            second.is_null(),
            Verdict.NEEDS_EVIDENCE,
            f"the handler of stage {later} is not recorded",
        )
        .when(
            first.casefold().eq(second.casefold()),
            Verdict.FAIL,
            f"{{second}} handled both stage {earlier} and stage {later}",
        )
        .otherwise(
            Verdict.PASS,
            f"stage {later} handled by {{second}}, stage {earlier} by {{first}}",
            values={"first": first, "second": second},
            facts={f"stage{earlier}.handler": first, f"stage{later}.handler": second},
            tag=(_HANDLERS_TAG, earlier, later),
        )
    )


def handler_stages(check: object) -> tuple[int, int] | None:
    """(earlier, later) when ``check`` is a :func:`different_handlers` check, else None: how
    the monitor finds the rule its same-handler alerts belong to, without its id."""
    if isinstance(check, GatedCheck):
        check = check.check
    if isinstance(check, CaseExpression):
        tag = check.tag
        if len(tag) == 3 and tag[0] == _HANDLERS_TAG:
            return int(tag[1]), int(tag[2])
        return None
    if isinstance(check, partial) and check.func is check_different_handlers:
        earlier, later = check.keywords.get("earlier"), check.keywords.get("later")
        if isinstance(earlier, int) and isinstance(later, int):
            return earlier, later
    return None


def stage_check(check: Callable[..., Outcome], number: int, **options: Any) -> CaseCheck:
    """One of the shared per-stage checks (extension notices, actions tracked, points
    addressed, issues raised) bound to stage ``number``, not applicable without what it
    judges."""
    gates: dict[Callable[..., Outcome], tuple[str, str]] = {
        check_extension_notices: _NO_EXTENSION,
        check_actions_tracked: _NO_ACTIONS,
        check_points_addressed: _NO_RESPONSE,
        check_issues_raised: _NO_ISSUES,
    }
    lacks = gates.get(check)
    if lacks is None:
        raise ValueError(f"{check!r} is not a shared per-stage check")
    # The checks written as expressions are gated as expressions, so a table is judged
    # over its columns.
    if check is check_extension_notices:
        return _gate(extension_notices(number, **options), number, lacks)
    if check is check_points_addressed:
        return _gate(points_addressed(number, **options), number, lacks)
    if check is check_actions_tracked:
        return _gate(actions_tracked(number, **options), number, lacks)
    if check is check_issues_raised:
        return _gate(issues_raised(number, **options), number, lacks)
    return _gate(partial(check, stage_number=number, **options), number, lacks)


def check_different_handlers(case: Complaint, ctx: Context, *, earlier: int, later: int) -> Outcome:
    """The later stage was handled by someone other than the earlier stage's handler (see
    :func:`handlers_differ`, the expression this judges)."""
    return handlers_differ(earlier, later)(case, ctx)


def check_actions_tracked(case: Complaint, ctx: Context, *, stage_number: int) -> Outcome:
    """Actions left open by a stage's response are tracked and done on time (see
    :func:`actions_tracked`, the expression this judges)."""
    return actions_tracked(stage_number)(case, ctx)


@cache
def actions_tracked(number: int) -> CaseExpression:
    """Actions left open by stage ``number``'s response are tracked (have a due date) and
    done on time, as an expression.

    With an as-of date, an open action past its due date fails (and the message says when
    the resident was given no update about it); without one, an action with no completion
    date needs evidence rather than passing.
    """
    table, message, values, facts = _actions_table(stage(number).field, str(number))
    return table.otherwise(Verdict.PASS, message, values=values, facts=facts)


@cache
def actions_tracked_at_every_stage() -> ItemOutcomes:
    """:func:`actions_tracked` at every stage the case reached, the stages judged together
    as :func:`first_not_passing` judges them (every failure, else the first need for
    evidence, else every pass; with nothing to report, the first stage's own reason)."""
    table, message, values, facts = _actions_table(list_item, "{number}")
    first = stages().map(list_item("number")).min()
    none = (
        when(~stages().present(), Verdict.NOT_APPLICABLE, _NO_STAGES, evidence=False)
        .when(
            stages().any(list_item("number").eq(first) & list_item("actions").present()),
            Verdict.NOT_APPLICABLE,
            _NO_RESPONSE[1].format("{first}"),
            evidence=False,
        )
        .otherwise(
            Verdict.NOT_APPLICABLE,
            _NO_ACTIONS[1].format("{first}"),
            evidence=False,
            values={"first": first},
        )
    )
    per_stage = table.per_item(
        Verdict.PASS, message, values={**values, "number": list_item("number")}, facts=facts
    )
    return item_outcomes(stages(), per_stage, none=none, join_failures=True)


def _actions_table(
    at: Callable[[str], Expr], n: str
) -> tuple[Verdicts, str, dict[str, Expr], dict[str, Expr]]:
    """The actions-tracked table over a stage's facts read by ``at`` (a stage of the case,
    or the stage being judged in a list of stages), its stage number written ``n`` in the
    messages: the branches, the passing message, its values and facts."""
    actions = at("actions")
    due, done = list_item("due"), list_item("completed_on")
    today = as_of()
    overdue = done.is_null() & today.gt(due)
    problems = actions.each_of(
        (due.is_null(), "actions[{index}] ({what}) has no due date, so it is not being tracked"),
        (done.gt(due), "actions[{index}] ({what}) was done on {done}, after its due {due}"),
        (
            overdue & list_item("updates").present(),
            "actions[{index}] ({what}) was due {due} and is still open on {today}",
        ),
        (
            overdue & ~list_item("updates").present(),
            "actions[{index}] ({what}) was due {due} and is still open on {today}, with no "
            "update to the resident",
        ),
        what=list_item("description"),
        done=done,
        due=due,
        today=today,
    )
    still_open = done.is_null()
    table = (
        when(
            ~actions.present(),
            Verdict.NOT_APPLICABLE,
            _NO_ACTIONS[1].format(n),
            evidence=False,
        )
        .when(
            at("response").is_null(),
            Verdict.NOT_APPLICABLE,
            _NO_RESPONSE[1].format(n),
            evidence=False,
        )
        .when(actions.any(due.is_null() | done.gt(due) | overdue), Verdict.FAIL, "{problems}")
        .when(
            actions.any(still_open) & today.is_null(),
            Verdict.NEEDS_EVIDENCE,
            f"actions [{{still_open}}] at stage {n} have no completion date; record "
            "completed_on, or give an as-of date to judge whether they are overdue",
        )
        .when(
            actions.any(still_open),
            Verdict.PASS,
            f"{{count}} outstanding action(s) at stage {n} tracked with due dates; "
            "{open_count} still open on {today}, none past its due date",
        )
    )
    message = (
        f"{{count}} outstanding action(s) at stage {n} tracked with due dates and completed by them"
    )
    values = {
        "problems": problems,
        "still_open": actions.each("{index}", where=still_open),
        "count": actions.count(),
        "open_count": actions.count(still_open),
        "today": today,
    }
    return table, message, values, {"actions": actions.dump()}


@cache
def points_addressed(number: int, points: str = "every point raised") -> CaseExpression:
    """Stage ``number``'s response is recorded as answering every point raised, as an
    expression; ``points`` names those points in the message asking for evidence, in the
    Code's words (the 2024 Code speaks of the points of the complaint definition)."""
    table, message, facts = _points_table(stage(number).field, str(number), points)
    return table.otherwise(Verdict.PASS, message, facts=facts)


@cache
def points_addressed_at_every_stage(points: str = "every point raised") -> ItemOutcomes:
    """:func:`points_addressed` at every stage the case reached, the stages judged together
    as :func:`first_not_passing` judges them (every failure, else the first need for
    evidence, else every pass; with nothing to report, the first stage's own reason)."""
    table, message, facts = _points_table(list_item, "{number}", points)
    first = stages().map(list_item("number")).min()
    none = when(~stages().present(), Verdict.NOT_APPLICABLE, _NO_STAGES, evidence=False).otherwise(
        Verdict.NOT_APPLICABLE,
        _NO_RESPONSE[1].format("{first}"),
        evidence=False,
        values={"first": first},
    )
    per_stage = table.per_item(
        Verdict.PASS, message, values={"number": list_item("number")}, facts=facts
    )
    return item_outcomes(stages(), per_stage, none=none, join_failures=True)


def _points_table(
    at: Callable[[str], Expr], n: str, points: str
) -> tuple[Verdicts, str, dict[str, Expr]]:
    """The points-addressed table over a stage's facts read by ``at``, its stage number
    written ``n`` in the messages: the branches, the passing message and its facts."""
    answered = at("response.all_points_addressed")
    table = (
        when(
            at("response").is_null(),
            Verdict.NOT_APPLICABLE,
            _NO_RESPONSE[1].format(n),
            evidence=False,
        )
        .when(
            answered.is_null(),
            Verdict.NEEDS_EVIDENCE,
            f"the case does not record whether the stage {n} response addressed "
            + _literal(f"{points} (set response.all_points_addressed)"),
        )
        .when(
            answered.is_false(),
            Verdict.FAIL,
            f"the stage {n} response left points unanswered",
        )
    )
    message = f"the stage {n} response addressed every point (as recorded)"
    return table, message, {"response.all_points_addressed": answered}


def refusals_explained(
    *, unsuitable: str, no_ombudsman_right: str, not_recorded: str, passed: str
) -> CaseExpression:
    """Every refusal at stage 1 explained why the matter is unsuitable and told the resident
    of their right to go to the Ombudsman, as an expression both Codes share (2024 Code 2.4,
    2020 Code 1.9). The messages are each Code's own words: ``unsuitable`` and
    ``no_ombudsman_right`` one clause per refusal (``{index}``), ``not_recorded`` around the
    fields left unset (``{unset}``), ``passed`` (may count the refusals, ``{count}``)."""
    refusals = case_field("refusals")
    at_stage1 = list_item("stage").eq(1)
    explained = list_item("explanation_given")
    right_given = list_item("ombudsman_right_given")
    values: dict[str, Expr] = {
        "problems": refusals.each_of(
            (explained.is_false(), unsuitable),
            (right_given.is_false(), no_ombudsman_right),
            where=at_stage1,
        ),
        "unset": refusals.each_of(
            (explained.is_null(), "refusals[{index}].explanation_given"),
            (right_given.is_null(), "refusals[{index}].ombudsman_right_given"),
            where=at_stage1,
            sep=", ",
        ),
    }
    if "{count}" in passed:
        values["count"] = refusals.count(at_stage1)
    return (
        when(
            refusals.any(at_stage1 & (explained.is_false() | right_given.is_false())),
            Verdict.FAIL,
            "{problems}",
        )
        .when(
            refusals.any(at_stage1 & (explained.is_null() | right_given.is_null())),
            Verdict.NEEDS_EVIDENCE,
            not_recorded,
        )
        .otherwise(
            Verdict.PASS,
            passed,
            values=values,
            each_facts=[
                each_fact(
                    refusals,
                    "refusals[{index}].{name}",
                    {"explanation_given": explained, "ombudsman_right_given": right_given},
                    where=at_stage1,
                )
            ],
        )
    )


def _literal(text: str) -> str:
    """``text`` as a message template that formats to itself."""
    return text.replace("{", "{{").replace("}", "}}")


def check_points_addressed(
    case: Complaint, ctx: Context, *, stage_number: int, points: str = "every point raised"
) -> Outcome:
    """The stage's response is recorded as answering every point raised (see
    :func:`points_addressed`, the expression this judges)."""
    return points_addressed(stage_number, points)(case, ctx)


def check_issues_raised(case: Complaint, ctx: Context, *, stage_number: int = 1) -> Outcome:
    """New issues raised while a stage was open were handled as required (see
    :func:`issues_raised`, the expression this judges)."""
    return issues_raised(stage_number)(case, ctx)


@cache
def issues_raised(number: int) -> CaseExpression:
    """New issues raised while stage ``number`` was open, as an expression: a related one
    raised before the response belongs in it; an unrelated one, or one raised after the
    response, is a new complaint (with its reference). Whether folding one in would
    unreasonably delay the response is the landlord's call, recorded as ``handled:
    new_complaint``."""
    issues = stage(number).field("issues_raised")
    response_on = stage(number).field("response.issued_on")
    handled, related = list_item("handled"), list_item("related")
    in_response = handled.ne("not_yet") & handled.ne("new_complaint")
    unanswered = handled.eq("not_yet") & response_on.not_null()
    no_reference = handled.eq("new_complaint") & ~list_item("new_reference").present()
    unrelated = in_response & ~related.is_true()
    # a related issue in the response, but raised on or after the response's day
    too_late = in_response & related.is_true() & ~list_item("raised_on").lt(response_on)
    label = "issues_raised[{index}] (raised {raised}) was "
    problems = issues.each_of(
        (unanswered, label + "neither answered nor logged as a new complaint"),
        (no_reference, label + "logged as a new complaint with no reference"),
        (unrelated, label + "unrelated, so it needed a new complaint"),
        (too_late, label + "raised after the response, so it needed a new complaint"),
        raised=list_item("raised_on"),
    )
    return (
        when(
            ~issues.present(), Verdict.NOT_APPLICABLE, _NO_ISSUES[1].format(number), evidence=False
        )
        .when(
            issues.any(unanswered | no_reference | unrelated | too_late), Verdict.FAIL, "{problems}"
        )
        .otherwise(
            Verdict.PASS,
            "{count} new issue(s) handled as required",
            values={"problems": problems, "count": issues.count()},
            facts={"issues_raised": issues.dump()},
        )
    )


def months_after(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if it is shorter)."""
    result: date = day + relativedelta(months=months)
    return result


def check_out_of_time_refusals(
    case: Complaint,
    ctx: Context,
    *,
    months: int,
    from_awareness: bool,
    discretion_required: bool = False,
) -> Outcome:
    """No complaint made within the time limit was refused as out of time.

    The window runs ``months`` calendar months from the issue (or, with ``from_awareness``,
    from the later of the issue and the resident becoming aware of it) and includes its last
    day. With ``discretion_required``, a refusal of an older complaint must record that
    discretion to accept it was considered.
    """
    refusals = [
        (i, r)
        for i, r in enumerate(case.refusals)
        if r.stage == 1 and r.ground is RefusalGround.OUT_OF_TIME
    ]
    if not refusals:
        return _na("no complaint refused as out of time")
    known = [case.issue_occurred_on] + ([case.became_aware_on] if from_awareness else [])
    dates = [d for d in known if d is not None]
    facts: dict[str, object] = {
        "issue_occurred_on": case.issue_occurred_on.isoformat() if case.issue_occurred_on else None,
        "received_on": case.received_on.isoformat(),
    }
    if from_awareness:
        facts["became_aware_on"] = (
            case.became_aware_on.isoformat() if case.became_aware_on else None
        )
    if not dates:
        fields = "issue_occurred_on" + (" or became_aware_on" if from_awareness else "")
        return Outcome(
            Verdict.NEEDS_EVIDENCE,
            f"refused as out of time, but the case does not say when the issue arose; set {fields}",
            facts,
        )
    start = max(dates)
    last_day = months_after(start, months)
    computed = {
        "time_limit_months": months,
        "window_from": start.isoformat(),
        "last_day_in_time": last_day.isoformat(),
    }
    if case.received_on <= last_day:
        return Outcome(
            Verdict.FAIL,
            f"refused as out of time, but it was received on {case.received_on.isoformat()}, "
            f"within {months} months of {start.isoformat()} (in time up to "
            f"{last_day.isoformat()})",
            facts,
            computed,
        )
    if discretion_required:
        considered = [r.discretion_considered for _, r in refusals]
        facts["refusals.discretion_considered"] = considered
        if False in considered:
            return Outcome(
                Verdict.FAIL,
                "refused as out of time without considering discretion to accept it",
                facts,
                computed,
            )
        if None in considered:
            return Outcome(
                Verdict.NEEDS_EVIDENCE,
                "the case does not record whether discretion to accept the late complaint "
                "was considered (set discretion_considered on the refusal)",
                facts,
                computed,
            )
    return Outcome(
        Verdict.PASS,
        f"received on {case.received_on.isoformat()}, after the last day in time "
        f"({last_day.isoformat()}, {months} months from {start.isoformat()}); refusing it as "
        "out of time was open to the landlord",
        facts,
        computed,
    )


def out_of_time_refusals(months: Expr) -> CaseExpression:
    """No complaint made within ``months`` calendar months of the issue (the window
    includes its last day) was refused as out of time, as an expression: the form of
    :func:`check_out_of_time_refusals` counting from the issue alone, with no discretion
    to record. ``months`` is usually the pack's parameter."""
    late = case_field("refusals").any(
        list_item("stage").eq(1) & list_item("ground").eq(RefusalGround.OUT_OF_TIME)
    )
    issue, received = case_field("issue_occurred_on"), case_field("received_on")
    last = issue.months_after(months)
    return (
        when(~late, Verdict.NOT_APPLICABLE, "no complaint refused as out of time", evidence=False)
        .when(
            issue.is_null(),
            Verdict.NEEDS_EVIDENCE,
            "refused as out of time, but the case does not say when the issue arose; set "
            "issue_occurred_on",
            computed=False,
        )
        .when(
            received.le(last),
            Verdict.FAIL,
            "refused as out of time, but it was received on {received}, within {months} "
            "months of {start} (in time up to {last})",
        )
        .otherwise(
            Verdict.PASS,
            "received on {received}, after the last day in time ({last}, {months} months "
            "from {start}); refusing it as out of time was open to the landlord",
            values={
                "received": received.iso(),
                "months": months,
                "start": issue.iso(),
                "last": last.iso(),
            },
            facts={"issue_occurred_on": issue.iso(), "received_on": received.iso()},
            computed={
                "time_limit_months": months,
                "window_from": issue.iso(),
                "last_day_in_time": last.iso(),
            },
        )
    )


def stages_within(
    maximum: str,
    *,
    beyond: str,
    passed: str,
    computed: str,
    too_many: str | None = None,
    none: str = "the case records no stages",
) -> CaseExpression:
    """The case went through no stage numbered beyond the Code's last (the pack's parameter
    named ``maximum``) and, given ``too_many``, through no more stages than that: one
    expression for both Codes (2024 Code 5.3, 2020 Code 5.17), each with its own words.

    The messages are templates over ``{numbers}`` (the case's stage numbers, a list),
    ``{count}`` (how many), ``{highest}`` (the highest number) and ``{maximum}``:
    ``beyond`` fails a stage numbered too high, ``too_many`` too many stages, ``passed``
    passes; a case with no stage is not applicable (``none``, no evidence). The evidence
    records the stage numbers as ``stages`` and the maximum as ``computed``."""
    numbers = stages().map(list_item("number"))
    most = param_value(maximum)
    known = {
        "numbers": numbers,
        "count": numbers.count(),
        "highest": numbers.max(),
        "maximum": most,
    }
    named = {
        n for t in (beyond, passed, too_many or "") for _, n, _, _ in Formatter().parse(t) if n
    }
    table = when(~numbers.present(), Verdict.NOT_APPLICABLE, _literal(none), evidence=False).when(
        numbers.max().gt(most), Verdict.FAIL, beyond
    )
    if too_many is not None:
        table = table.when(numbers.count().gt(most), Verdict.FAIL, too_many)
    return table.otherwise(
        Verdict.PASS,
        passed,
        values={k: v for k, v in known.items() if k in named},
        facts={"stages": numbers},
        computed={computed: most},
    )


def check_stage_numbers(
    case: Complaint, ctx: Context, *, maximum: int, minimum: int = 1
) -> Outcome:
    """The case's stages are numbered from ``minimum`` to ``maximum``: no informal stage
    before stage 1 (a "stage 0") when ``minimum`` is 1, and none beyond the Code's last."""
    numbers = [s.number for s in case.stages]
    facts = {"stages": numbers}
    below = [n for n in numbers if n < minimum]
    above = [n for n in numbers if n > maximum]
    problems = []
    if below:
        problems.append(f"stage {below[0]} comes before stage {minimum}, an extra named stage")
    if above:
        problems.append(f"the case went to stage {max(above)}; the Code allows at most {maximum}")
    if problems:
        return Outcome(Verdict.FAIL, "; ".join(problems), facts, {"maximum_stages": maximum})
    if not numbers:
        return _na("the case records no stages")
    bounds = f"none beyond stage {maximum}"
    if minimum >= 1:
        bounds = f"none before stage {minimum} and {bounds}"
    return Outcome(
        Verdict.PASS,
        f"the case's stages are {numbers}: {bounds}",
        facts,
        {"maximum_stages": maximum},
    )
