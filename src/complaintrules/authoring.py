"""Building blocks for pack authors: the built-in packs use exactly these.

A check is a plain function ``(subject, ctx) -> Outcome``; these helpers make the common
shapes short and keep their messages consistent. A case check can instead be written as an
expression (:func:`when` ... :meth:`~Verdicts.otherwise` over :func:`case_field`,
:func:`stage`, :func:`item`, :func:`param`): the library then judges it on one case and,
with the same expression, over a table of cases (see ``docs/expressions.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal, Protocol, overload

from .law.context import Context, Portfolio
from .law.data_checks import (
    handler_not_complained_about,
    lessons_acted_on,
    lessons_drawn,
    member_brought_papers,
    remedy_within_guidance,
)
from .law.expressions import (
    CaseExpression,
    EachFact,
    Expr,
    FieldFacts,
    ItemOutcomes,
    ItemTable,
    StageRef,
    Verdicts,
    as_of,
    case_field,
    each_fact,
    field_facts,
    item,
    item_outcomes,
    lit,
    param,
    response_clock,
    stage,
    stages,
    text,
    when,
)
from .law.gates import CaseFact, GatedCheck, applies_at_stage, applies_if, case_facts
from .law.record_checks import full_record, restrictions_regarded
from .law.rules import (
    CaseCheck,
    Example,
    Level,
    OrganisationCheck,
    Outcome,
    PolicyCheck,
    Rule,
    Subject,
    Verdict,
)
from .law.stage_checks import (
    RESPONSE_ITEMS,
    TimescaleCheck,
    acknowledgement_deadline,
    acknowledgement_due,
    actions_tracked_at_every_stage,
    by_stage_number,
    check_acknowledged_in_time,
    check_actions_tracked,
    check_different_handlers,
    check_extension_notices,
    check_extensions_within_cap,
    check_issues_raised,
    check_out_of_time_refusals,
    check_points_addressed,
    check_responded_in_time,
    check_response_contents,
    check_stage_numbers,
    different_handlers,
    first_not_passing,
    judge_timescale,
    months_after,
    out_of_time_refusals,
    points_addressed_at_every_stage,
    refusals_explained,
    response_contents_at,
    response_deadline,
    response_due,
    response_due_expressions,
    stage_check,
    stage_start,
    stages_within,
)
from .law.timeliness import (
    Deadline,
    ExtensionReview,
    deadline_after,
    escalation_day0,
    judge_deadline,
    receipt_day0,
    response_clock_from_acknowledgement,
    review_extensions,
)
from .law.timescale import Obligation, Precondition, Timescale
from .model.organisation import Appointment, Organisation
from .model.policy import (
    LINKED_FIELDS,
    ClockStart,
    LandlordPolicy,
    PolicyClockStart,
    PolicyStage,
)

__all__ = [
    "DEFINITION_ELEMENTS",
    "DEFINITION_NARROWING",
    "EXAMPLE_LANDLORD",
    "RESPONSE_ITEMS",
    "CaseCheck",
    "CaseExpression",
    "CaseFact",
    "ClockStart",
    "Context",
    "Deadline",
    "EachFact",
    "Example",
    "Expr",
    "ExtensionReview",
    "FieldFacts",
    "GatedCheck",
    "ItemOutcomes",
    "ItemTable",
    "Level",
    "LevelledRuleMaker",
    "Obligation",
    "OrganisationCheck",
    "Outcome",
    "PolicyCheck",
    "PolicyStage",
    "Portfolio",
    "Precondition",
    "Rule",
    "RuleMaker",
    "StageRef",
    "Subject",
    "Timescale",
    "TimescaleCheck",
    "Verdict",
    "Verdicts",
    "acknowledgement_deadline",
    "acknowledgement_due",
    "actions_tracked_at_every_stage",
    "applies_at_stage",
    "applies_if",
    "as_of",
    "attestation_example",
    "by_stage_number",
    "case_facts",
    "case_field",
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
    "deadline_after",
    "different_handlers",
    "each_fact",
    "escalation_day0",
    "example",
    "failed",
    "field_facts",
    "first_not_passing",
    "full_record",
    "handler_not_complained_about",
    "item",
    "item_outcomes",
    "judge_deadline",
    "judge_timescale",
    "lessons_acted_on",
    "lessons_drawn",
    "lit",
    "member_brought_papers",
    "months_after",
    "named_appointment",
    "needs_evidence",
    "not_applicable",
    "organisation_example",
    "out_of_time_refusals",
    "param",
    "passed",
    "points_addressed_at_every_stage",
    "policy_definition_keeps",
    "policy_definition_means",
    "policy_different_handlers",
    "policy_escalation_grounds",
    "policy_example",
    "policy_response_items",
    "policy_says",
    "policy_stage_days",
    "policy_stage_says",
    "policy_stages_unread",
    "policy_states",
    "receipt_day0",
    "refusals_explained",
    "remedy_within_guidance",
    "response_clock",
    "response_clock_from_acknowledgement",
    "response_contents_at",
    "response_deadline",
    "response_due",
    "response_due_expressions",
    "restrictions_regarded",
    "review_extensions",
    "rule_factory",
    "stage",
    "stage_check",
    "stage_start",
    "stages",
    "stages_within",
    "text",
    "training_recorded",
    "when",
]


class RuleMaker(Protocol):
    """Makes a pack's rule for one provision; ``level`` may be left to the pack's default."""

    def __call__(
        self,
        provision: str,
        title: str,
        *,
        summary: str,
        explanation: str,
        examples: Sequence[Example],
        level: Level = ...,
        **checks: Any,
    ) -> Rule: ...


class LevelledRuleMaker(Protocol):
    """Makes a pack's rule for one provision; every rule must state its ``level``."""

    def __call__(
        self,
        provision: str,
        title: str,
        *,
        summary: str,
        explanation: str,
        examples: Sequence[Example],
        level: Level,
        **checks: Any,
    ) -> Rule: ...


@overload
def rule_factory(
    pack: str,
    id_prefix: str,
    sections: Mapping[str, str],
    code_title: str,
    *,
    default_level: Level,
) -> RuleMaker: ...


@overload
def rule_factory(
    pack: str,
    id_prefix: str,
    sections: Mapping[str, str],
    code_title: str,
    *,
    default_level: None = None,
) -> LevelledRuleMaker: ...


def rule_factory(
    pack: str,
    id_prefix: str,
    sections: Mapping[str, str],
    code_title: str,
    *,
    default_level: Level | None = None,
) -> RuleMaker | LevelledRuleMaker:
    """The ``rule(provision, title, ...)`` function of one pack.

    Each rule gets the id ``<id_prefix>-<provision>``, the section its provision's first
    number names in ``sections``, and ``code_title`` with the provision as its source.
    ``checks`` are case=, policy=, organisation=, portfolio= and attestation= as on
    :class:`Rule`. Without a ``default_level`` every rule must give its own ``level``
    (type checkers hold callers to it).
    """

    def make(
        provision: str,
        title: str,
        *,
        summary: str,
        explanation: str,
        examples: Sequence[Example],
        level: Level | None = None,
        **checks: Any,
    ) -> Rule:
        chosen = level if level is not None else default_level
        if chosen is None:
            raise TypeError(f"{id_prefix}-{provision}: the {pack} pack needs a level per rule")
        return Rule(
            id=f"{id_prefix}-{provision}",
            pack=pack,
            provision=provision,
            section=sections[provision.split(".")[0]],
            title=title,
            summary=summary,
            explanation=explanation,
            source=f"{code_title}, provision {provision}",
            level=chosen,
            examples=tuple(examples),
            **checks,
        )

    return make


def _outcome(
    verdict: Verdict, message: str, facts: Mapping[str, Any] | None, computed: dict[str, Any]
) -> Outcome:
    return Outcome(verdict, message, dict(facts or {}), computed)


def passed(message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any) -> Outcome:
    return Outcome(Verdict.PASS, message, dict(facts) if facts else {}, computed)


def failed(message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any) -> Outcome:
    return Outcome(Verdict.FAIL, message, dict(facts) if facts else {}, computed)


def not_applicable(
    message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any
) -> Outcome:
    return Outcome(Verdict.NOT_APPLICABLE, message, dict(facts) if facts else {}, computed)


def needs_evidence(
    message: str, *, facts: Mapping[str, Any] | None = None, **computed: Any
) -> Outcome:
    """The facts to decide are missing: ``message`` must say what would settle it."""
    return _outcome(Verdict.NEEDS_EVIDENCE, message, facts, computed)


def policy_says(value: bool | None, field: str, *, yes: str, no: str) -> Outcome:
    """Judge a yes/no statement the policy must make.

    ``None`` (the policy file does not say) is ``needs_evidence``, naming the field to set.
    """
    facts = {f"policy.{field}": value}
    if value is None:
        return needs_evidence(
            f"the policy does not say; set '{field}' to record whether it does: {yes}",
            facts=facts,
        )
    return passed(yes, facts=facts) if value else failed(no, facts=facts)


def _field_at(obj: Any, path: str) -> Any:
    """The value at a dotted ``path`` below ``obj``; None as soon as a step is missing."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def policy_states(*statements: tuple[str, str, str]) -> PolicyCheck:
    """A policy check that several yes/no statements all hold.

    Each statement is ``(dotted field path, message when true, message when false)``.
    Any field that is false fails, with every such message joined; otherwise any field
    that is unset needs evidence, naming each one to set; otherwise the check passes with
    every "true" message joined. Facts record each field as ``policy.<path>``.
    """

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        facts: dict[str, Any] = {
            f"policy.{path}": _field_at(policy, path) for path, _, _ in statements
        }
        # a field left unset is answered by the document the policy links for it
        linked = {
            path: doc
            for path, _, _ in statements
            if facts[f"policy.{path}"] is None
            and path in LINKED_FIELDS
            and (doc := policy.linked(LINKED_FIELDS[path])) is not None
        }
        for path in linked:
            facts[f"policy.{path}"] = True
            facts["policy.linked_documents"] = [d.title for d in policy.linked_documents or []]
        noes = [no for path, _, no in statements if facts[f"policy.{path}"] is False]
        unset = [path for path, _, _ in statements if facts[f"policy.{path}"] is None]
        if noes:
            return failed("; ".join(noes), facts=facts)
        if unset:
            return needs_evidence(
                "the policy does not say; set " + ", ".join(f"'{p}'" for p in unset),
                facts=facts,
            )
        return passed(
            "; ".join(
                yes + (f" (its {linked[path].title})" if path in linked else "")
                for path, yes, _ in statements
            ),
            facts=facts,
        )

    return check


#: The order of the events a response clock may start from: a policy clock that starts
#: no later than the Code's gives the landlord no extra time. Allocation has no place: a
#: policy does not bound when a complaint is allocated.
_CLOCK_ORDER = {
    PolicyClockStart.RECEIPT: 0,
    PolicyClockStart.ESCALATION_REQUEST: 0,
    PolicyClockStart.LOGGING: 1,
    PolicyClockStart.ACKNOWLEDGEMENT: 2,
}


def _event(clock: str) -> str:
    return {"allocation": "allocation of the complaint to an officer"}.get(
        clock, clock.replace("_", " ")
    )


def _logged_after(
    stage: PolicyStage, kind: Literal["acknowledge", "respond"], facts: dict[str, Any]
) -> tuple[int, str]:
    """The working days a stage's acknowledgement waits for the complaint to be logged (a
    first attempt to resolve it), with the words saying so; (0, "") where none."""
    delay = stage.logged_after if kind == "acknowledge" else None
    own = stage.period(kind)
    if delay is None or own is None:
        return 0, ""
    facts[f"stages[{stage.number}].logged_after"] = delay.written
    total = delay.most_working_days + own.most_working_days
    return delay.most_working_days, (
        f" after up to {delay.as_working_days()} before the complaint is logged: "
        f"{total} working days in all"
    )


def policy_stages_unread(policy: LandlordPolicy) -> Outcome | None:
    """Where a policy read from its document times how complaints are acknowledged or
    answered but a stage could not be told apart (``stages_unread``), a provision that
    would fail for want of that stage asks for evidence instead: the document is not
    silent, its stages were not read. ``None`` where nothing went unread."""
    if not policy.stages_unread:
        return None
    return needs_evidence(
        "the document times how complaints are acknowledged or answered, but its stages "
        "could not be read from it (set stages from the cited words): "
        + "; ".join(policy.stages_unread[:3]),
        facts={"stages_unread": policy.stages_unread},
    )


def policy_stage_days(
    number: int,
    field: str,
    param: str,
    what: str,
    *,
    unlisted_stages_fail: bool = False,
    clock: str | None = None,
) -> PolicyCheck:
    """A policy check that stage ``number`` allows no more working days for ``what`` than
    the pack's parameter ``param``.

    ``field`` is the stage's own field (such as ``respond_working_days``); a period the
    policy gives in another unit (``respond_within``) is compared by the most working days
    it can hold (:class:`~.model.policy.PolicyPeriod`). A policy whose stage is missing
    fails; one that lists no stages at all needs evidence, unless ``unlisted_stages_fail``,
    when it fails like a missing stage.

    With ``clock``, the pack's parameter naming the event the Code counts the period from,
    the stage's ``respond_from`` is honoured: a clock that starts no later than the Code's
    is compared as it stands; one that starts later (acknowledgement where the Code counts
    from receipt) adds the policy's own acknowledgement period to the time it allows; one
    that starts at allocation, which no policy bounds, fails.

    A stage's ``logged_after`` (a first attempt to resolve the complaint before it is
    logged at the stage) comes before its acknowledgement: the acknowledgement period is
    added to it, and where the policy gives none the check fails, as nothing bounds it.
    """
    kind: Literal["acknowledge", "respond"] = (
        "acknowledge" if field.startswith("acknowledge") else "respond"
    )

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        limit: int = ctx.param(param)
        stage = policy.stage(number)
        period = stage.period(kind) if stage else None
        plain = stage is None or getattr(stage, f"{kind}_within") is None
        value = period.most_working_days if period else None
        facts: dict[str, Any]
        if plain:
            facts = {f"stages[{number}].{field}": value}
        else:
            assert period is not None
            facts = {f"stages[{number}].{kind}_within": period.written}
        if stage is None and (unread := policy_stages_unread(policy)) is not None:
            return unread
        if policy.stages is None and not unlisted_stages_fail:
            return needs_evidence("the policy does not describe its stages; set stages")
        if stage is None:
            return failed(f"the policy describes no stage {number}", facts=facts)
        delay = stage.logged_after if kind == "acknowledge" else None
        if delay is not None and (period is None or value is None):
            facts[f"stages[{number}].logged_after"] = delay.written
            return failed(
                f"the policy logs a complaint at stage {number} only after up to "
                f"{delay.as_working_days()} (a first attempt to resolve it) and sets no limit "
                f"on the {what} that follows; the Code allows at most {limit} working days "
                "in all",
                facts=facts,
            )
        if period is None or value is None:
            return needs_evidence(
                f"the policy's stage {number} does not say its {what}; set "
                f"stages[{number}].{field}",
                facts=facts,
            )
        allowed = period.as_working_days()
        hedge = " (stated only as an aim)" if period.aim_only else ""
        extra, counted = _logged_after(stage, kind, facts)
        own_clock = stage.respond_from
        # the Code's clock is read (and shown in the evidence) only where the policy names one
        code_clock = (
            ClockStart(ctx.param(clock)) if clock and kind == "respond" and own_clock else None
        )
        if code_clock is not None and own_clock is not None and own_clock != code_clock.value:
            facts[f"stages[{number}].respond_from"] = own_clock.value
            code_event, own_event = _event(code_clock.value), _event(own_clock.value)
            if own_clock is PolicyClockStart.ALLOCATION and value <= limit:
                return failed(
                    f"the policy counts the stage {number} {what} time ({allowed}) from the "
                    f"{own_event}, which it sets no limit on; the Code counts at most {limit} "
                    f"working days from the {code_event}, and the policy's time can run past it",
                    facts=facts,
                )
            order = _CLOCK_ORDER.get(own_clock)
            if order is not None and order <= _CLOCK_ORDER[PolicyClockStart(code_clock.value)]:
                counted = (
                    f" counted from the {own_event}, no later than the {code_event} the Code "
                    "counts from"
                )
            elif order is not None:
                ack = stage.period("acknowledge")
                if ack is None:
                    return needs_evidence(
                        f"the policy counts the stage {number} {what} time from the "
                        f"{own_event}, after the {code_event} the Code counts from, and does "
                        "not say how long that may take; set "
                        f"stages[{number}].acknowledge_working_days",
                        facts=facts,
                    )
                extra = ack.most_working_days
                facts[f"stages[{number}].acknowledge_working_days"] = extra
                counted = (
                    f" counted from the {own_event}, which the policy allows up to {extra} "
                    f"working days after the {code_event} the Code counts from: "
                    f"{value + extra} working days in all"
                )
        if plain and not counted:
            if value > limit:
                return failed(
                    f"the policy allows {value} working days for the stage {number} {what}; "
                    f"the Code allows at most {limit}",
                    facts=facts,
                )
            return passed(
                f"the policy allows {value} working days for the stage {number} {what} "
                f"(Code: at most {limit})",
                facts=facts,
            )
        if value + extra > limit:
            return failed(
                f"the policy allows {allowed}{hedge} for the stage {number} {what}{counted}; "
                f"the Code allows at most {limit} working days",
                facts=facts,
            )
        return passed(
            f"the policy allows {allowed}{hedge} for the stage {number} {what}{counted} "
            f"(Code: at most {limit} working days)",
            facts=facts,
        )

    return check


def policy_response_items(number: int, param: str) -> PolicyCheck:
    """A policy check that stage ``number``'s response template lists every item the
    pack's parameter ``param`` requires."""

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        required: list[str] = ctx.param(param)
        stage = policy.stage(number)
        listed = stage.response_contents if stage else None
        if listed is None:
            return needs_evidence(
                f"the policy does not list what its stage {number} response states; set "
                f"stages[{number}].response_contents"
            )
        missing = [item for item in required if item not in listed]
        facts = {f"stages[{number}].response_contents": listed}
        if missing:
            return failed(
                f"the stage {number} response template leaves out: {', '.join(missing)}",
                facts=facts,
            )
        return passed(f"the stage {number} response states all {len(required)} items", facts=facts)

    return check


def policy_stage_says(number: int, path: str, *, yes: str, no: str) -> PolicyCheck:
    """A policy check of one yes/no that stage ``number`` of the policy must state, at the
    dotted ``path`` below the stage (``different_handler``,
    ``extension.ombudsman_details_given``), judged as :func:`policy_says` does."""

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        value = _field_at(policy.stage(number), path)
        return policy_says(value, f"stages[{number}].{path}", yes=yes, no=no)

    return check


def policy_different_handlers(earlier: int, later: int) -> PolicyCheck:
    """A policy check that stage ``later`` is handled by someone other than the handler of
    stage ``earlier`` (``stages[later].different_handler``). Where the policy does not say
    so but names each stage's handler, different roles pass; the same role needs evidence
    (two people may hold it)."""
    says = policy_stage_says(
        later,
        "different_handler",
        yes=f"stage {later} is handled by someone other than the stage {earlier} handler",
        no=f"the policy lets the stage {earlier} handler also decide stage {later}",
    )

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        first, second = policy.stage(earlier), policy.stage(later)
        if second is None or second.different_handler is not None:
            return says(policy, ctx)
        roles = (first.handler if first else None, second.handler)
        if roles[0] is None or roles[1] is None:
            return says(policy, ctx)
        facts = {f"stages[{earlier}].handler": roles[0], f"stages[{later}].handler": roles[1]}
        if roles[0].casefold() != roles[1].casefold():
            return passed(
                f"stage {earlier} is handled by the {roles[0]} and stage {later} by the {roles[1]}",
                facts=facts,
            )
        return needs_evidence(
            f"the policy names the {roles[0]} for both stage {earlier} and stage {later} and "
            f"does not say they must be different people; set stages[{later}].different_handler",
            facts=facts,
        )

    return check


def policy_definition_keeps(terms: Sequence[str]) -> PolicyCheck:
    """A policy check that the policy defines a complaint in the Ombudsman's terms.

    ``uses_ombudsman_definition`` false fails. A definition given in ``complaint_definition``
    must contain every one of ``terms`` (compared folded to lower case, runs of white space
    made single). With only the flag set true the check passes; with neither, it needs
    evidence.
    """

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        text = policy.complaint_definition
        flag = policy.uses_ombudsman_definition
        facts = {"policy.complaint_definition": text, "policy.uses_ombudsman_definition": flag}
        if flag is False:
            return failed(
                "the policy says it does not use the Ombudsman's definition of a complaint",
                facts=facts,
            )
        if text:
            folded = " ".join(text.casefold().split())
            missing = [term for term in terms if term not in folded]
            looked_for = ", ".join(f"'{t}'" for t in terms)
            if missing:
                return failed(
                    f"the policy's definition leaves out parts of the Ombudsman's; looked for "
                    f"{looked_for} and did not find " + ", ".join(f"'{m}'" for m in missing),
                    facts=facts,
                )
            return passed(
                "the policy's definition contains every key part of the Ombudsman's: " + looked_for,
                facts=facts,
            )
        if flag:
            return passed(
                "the policy says it uses the Ombudsman's definition (its text is not given)",
                facts=facts,
            )
        return needs_evidence(
            "the policy gives no definition; set complaint_definition (its wording) or "
            "uses_ombudsman_definition",
            facts=facts,
        )

    return check


# The parts of the Ombudsman's definition of a complaint (worded alike in both Codes' 1.2)
# a policy's own wording must have, each with the
# phrasings accepted for it (whole words, case-blind): landlords write "customer" or
# "tenant" for "resident", and mean the same.
DEFINITION_ELEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dissatisfaction", ("dissatisfaction", "dissatisfied", "unhappy")),
    (
        "however it is made",
        ("however made", "however it is made", "however expressed", "any way", "any means"),
    ),
    (
        "the standard of service",
        ("standard of service", "service standard", "quality of service", "level of service"),
    ),
    (
        "lack of action",
        ("lack of action", "failure to act", "failing to act", "inaction", "not acting"),
    ),
    ("those acting for the landlord", ("behalf", "acting for us", "agents", "contractors")),
    (
        "the residents affected",
        (
            "resident",
            "residents",
            "tenant",
            "tenants",
            "customer",
            "customers",
            "leaseholder",
            "leaseholders",
        ),
    ),
)

# Qualifiers that narrow the definition (regular expressions over the case-folded text):
# each is named with the words found. "informal", or "in writing" among ways of
# complaining ("in person, by phone or in writing"), is not a narrowing.
DEFINITION_NARROWING: tuple[tuple[str, str], ...] = (
    (r"\bformal(?:ly)?\b", "only formal complaints would count"),
    (
        r"\b(?:made|submitted|received|put|sent|set out|given)(?: only)? in writing\b"
        r"|\bonly in writing\b|\bwritten (?:complaint|statement|notice)s?\b",
        "only written complaints would count",
    ),
    (
        r"\b(?:on|using|via|through|by completing) (?:our|the|a|an) (?:online )?"
        r"(?:complaints? )?form\b",
        "a complaint would have to be made on a form",
    ),
    (
        r"\bfirst[- ]time\b|\bfirst (?:report|request|contact)s?\b",
        "a first report or request would be excluded",
    ),
)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` as whole words, case-blind, any run of white space or a hyphen between
    its words."""
    words = [re.escape(w) for w in phrase.casefold().split()]
    return re.compile(r"\b" + r"[\s-]+".join(words) + r"\b")


def policy_definition_means(
    elements: Sequence[tuple[str, Sequence[str]]] = DEFINITION_ELEMENTS,
    narrowing: Sequence[tuple[str, str]] = DEFINITION_NARROWING,
) -> PolicyCheck:
    """A policy check that the policy's definition of a complaint means what the
    Ombudsman's does, whatever words it uses.

    ``elements`` (by default :data:`DEFINITION_ELEMENTS`, the parts both Codes' definitions
    share) are the parts the definition must have, each ``(what it is, accepted
    phrasings)``: a part is present when any of its phrasings is found as whole words
    (case-blind; a hyphen and white space alike), so a definition written with "customer"
    or "tenant" for "resident" keeps the parties. ``narrowing`` are ``(pattern, what it
    does)`` pairs, regular expressions over the case-folded text for qualifiers that
    narrow the definition ("formal", "in writing", "on our form" ...); each one found is
    named in the message with the words that matched. A missing part or a narrowing
    qualifier fails. ``uses_ombudsman_definition`` false fails; with only that flag set
    true the check passes; with neither, it needs evidence. With the flag true and a
    wording given, the policy says the wording is the Ombudsman's definition: a part it
    leaves out is read as an abridged restatement (named, not failed), but a narrowing
    qualifier still fails, since it says the policy applies less than it claims.
    """
    parts = [(what, [_phrase_pattern(p) for p in phrasings]) for what, phrasings in elements]
    limits = [(re.compile(pattern), why) for pattern, why in narrowing]
    shown = "; ".join(
        f"{what} ({' / '.join(repr(p) for p in phrasings)})" for what, phrasings in elements
    )

    def check(policy: LandlordPolicy, ctx: Context) -> Outcome:
        text = policy.complaint_definition
        flag = policy.uses_ombudsman_definition
        facts: dict[str, Any] = {
            "policy.complaint_definition": text,
            "policy.uses_ombudsman_definition": flag,
        }
        if flag is False:
            return failed(
                "the policy says it does not use the Ombudsman's definition of a complaint",
                facts=facts,
            )
        if text:
            folded = " ".join(text.casefold().split())
            missing = [what for what, found in parts if not any(f.search(folded) for f in found)]
            found = [(pattern.search(folded), why) for pattern, why in limits]
            narrowed = [f"'{m.group(0)}' ({why})" for m, why in found if m]
            problems = []
            if missing and not flag:
                problems.append("leaves out " + ", ".join(missing))
            if narrowed:
                problems.append("narrows it: " + ", ".join(narrowed))
            if problems:
                return failed(
                    "the policy's definition does not mean what the Ombudsman's does: "
                    + "; ".join(problems)
                    + f" (looked for {shown})",
                    facts=facts,
                )
            if missing:
                # the policy names the Ombudsman's definition as its own: a shorter
                # restatement beside that claim is read as the Ombudsman's, not as a
                # narrower definition of the landlord's
                return passed(
                    "the policy says it uses the Ombudsman's definition; its restatement "
                    "leaves out " + ", ".join(missing) + " but nothing in it narrows the "
                    f"definition (looked for {shown})",
                    facts=facts,
                )
            return passed(
                "the policy's definition has every part of the Ombudsman's and nothing "
                f"narrowing it (looked for {shown})",
                facts=facts,
            )
        if flag:
            return passed(
                "the policy says it uses the Ombudsman's definition (its text is not given)",
                facts=facts,
            )
        return needs_evidence(
            "the policy gives no definition; set complaint_definition (its wording) or "
            "uses_ombudsman_definition",
            facts=facts,
        )

    return check


def policy_escalation_grounds(policy: LandlordPolicy, ctx: Context) -> Outcome:
    """A policy check that escalation is declined only on grounds the policy also uses to
    refuse a complaint (``escalation_refusal_grounds`` within ``exclusions.grounds``,
    compared case-blind); a later stage the landlord may refuse at its discretion
    (``stages[].discretionary``) fails."""
    declining = policy.escalation_refusal_grounds
    accepting = policy.exclusions.grounds if policy.exclusions else None
    facts: dict[str, Any] = {
        "policy.escalation_refusal_grounds": declining,
        "policy.exclusions.grounds": accepting,
    }
    at_will = [st.number for st in policy.stages or [] if st.number >= 2 and st.discretionary]
    if at_will:
        facts.update({f"stages[{n}].discretionary": True for n in at_will})
        return failed(
            "the policy lets the landlord refuse "
            + " or ".join(f"stage {n}" for n in at_will)
            + " at its own discretion, not only on the grounds it uses to refuse complaints",
            facts=facts,
        )
    if declining is None or accepting is None:
        return needs_evidence(
            "set escalation_refusal_grounds and exclusions.grounds to compare them", facts=facts
        )
    known = {g.casefold() for g in accepting}
    extra = [g for g in declining if g.casefold() not in known]
    if extra:
        return failed(
            "the policy declines escalation on grounds it does not use to refuse complaints: "
            + "; ".join(extra),
            facts=facts,
        )
    return passed(
        f"escalation is declined only on the grounds used to refuse complaints "
        f"({len(declining)} of {len(accepting)})",
        facts=facts,
    )


def named_appointment(
    field: str,
    *,
    recorded: Sequence[str],
    missing: str,
    held: str,
    missing_verdict: Verdict = Verdict.FAIL,
    must_be: str | None = None,
    not_so: str = "",
    unknown: str | None = None,
    in_post_by: str | None = None,
) -> OrganisationCheck:
    """An organisation check that ``field`` (an :class:`Appointment`) names who holds a role.

    In this order: nobody recorded gives ``missing_verdict`` with ``missing``; with
    ``must_be`` (a yes/no of the appointment, such as ``on_governing_body``), false fails
    with ``not_so``; with ``in_post_by``, an appointment dated after the date judged fails
    with that message; ``must_be`` unset needs evidence with ``unknown`` (passes where
    ``unknown`` is None); otherwise the check passes with ``held``. Messages may use
    ``{name}``, ``{role_note}`` (" (role)" or nothing), ``{appointed_on}`` and ``{on}`` (the
    date judged). The facts are the ``recorded`` fields of the appointment, in that order.
    """

    def check(org: Organisation, ctx: Context) -> Outcome:
        held_by: Appointment | None = getattr(org, field)
        if held_by is None:
            return _outcome(missing_verdict, missing, {field: None}, {})
        facts: dict[str, Any] = {}
        for name in recorded:
            value = getattr(held_by, name)
            facts[f"{field}.{name}"] = value.isoformat() if isinstance(value, date) else value
        words = {
            "name": held_by.name,
            "role_note": f" ({held_by.role})" if held_by.role else "",
            "appointed_on": held_by.appointed_on,
            "on": ctx.on,
        }
        flag = getattr(held_by, must_be) if must_be else True
        if flag is False:
            return failed(not_so.format(**words), facts=facts)
        if in_post_by and held_by.appointed_on is not None and held_by.appointed_on > ctx.on:
            return failed(in_post_by.format(**words), facts=facts)
        if flag is None and unknown is not None:
            return needs_evidence(unknown.format(**words), facts=facts)
        return passed(held.format(**words), facts=facts)

    return check


def training_recorded(org: Organisation, ctx: Context) -> Outcome:
    """An organisation check that complaint-handling training is on record and recent.

    Sessions dated after the day judged do not count; the latest one must fall within the
    pack's ``training.max_months_since_last`` months before it.
    """
    months: int = ctx.param("training.max_months_since_last")
    held = [t.on for t in org.training if t.on <= ctx.on]
    facts = {
        "training.count": len(held),
        "training.latest": max(held).isoformat() if held else None,
        "judged_on": ctx.on.isoformat(),
    }
    if not held:
        later = " (only sessions after that date are listed)" if org.training else ""
        return needs_evidence(
            f"no complaint-handling training is recorded on or before {ctx.on.isoformat()}"
            f"{later}; list sessions under 'training' (date, audience, topic)",
            facts=facts,
        )
    latest = max(held)
    if months_after(latest, months) < ctx.on:
        return failed(
            f"the latest complaint-handling training was on {latest.isoformat()}, more than "
            f"{months} months before {ctx.on.isoformat()}",
            facts=facts,
        )
    return passed(
        f"{len(held)} training session(s) recorded, the latest on {latest.isoformat()} "
        f"(within {months} months of {ctx.on.isoformat()})",
        facts=facts,
    )


def example(
    subject: Subject, expect: Verdict, title: str, *, as_of: date | None = None, **data: Any
) -> Example:
    """A worked example: ``data`` is the subject as it would be written in YAML."""
    return Example(subject=subject, expect=expect, title=title, data=data, as_of=as_of)


#: The landlord the built-in packs' worked examples are about.
EXAMPLE_LANDLORD = "Example Homes"


def policy_example(expect: Verdict, title: str, **policy: Any) -> Example:
    """A worked example of a policy file: ``policy`` is its fields as written in YAML."""
    return example(Subject.POLICY, expect, title, **policy)


def organisation_example(
    expect: Verdict, title: str, *, as_of: date | None = None, **data: Any
) -> Example:
    """A worked example of the example landlord's organisation file, judged ``as_of``."""
    return example(Subject.ORGANISATION, expect, title, as_of=as_of, name=EXAMPLE_LANDLORD, **data)


def attestation_example(
    provision: str,
    complies: bool | None,
    statement: str,
    *evidence: str,
    on: str,
    by: str,
    title: str | None = None,
    as_of: date | None = None,
) -> Example:
    """A worked example of one attestation for ``provision`` by the example landlord.

    ``complies`` None leaves the field out (an attestation complies unless it says not).
    The example expects a pass for a complying attestation and a fail otherwise; ``title``
    defaults to "attested as met" or "attested as not met". It is judged ``as_of`` (by
    default the day it was signed), since an attestation is valid only for a while.
    """
    met = complies is not False
    entry: dict[str, Any] = {"provision": provision}
    if complies is not None:
        entry["complies"] = complies
    entry.update(statement=statement, evidence=list(evidence), on=on, by=by)
    return example(
        Subject.ATTESTATION,
        Verdict.PASS if met else Verdict.FAIL,
        title or ("attested as met" if met else "attested as not met"),
        as_of=as_of or date.fromisoformat(on),
        name=EXAMPLE_LANDLORD,
        attestations=[entry],
    )
