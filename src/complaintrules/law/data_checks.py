"""Checks that judge from a landlord's data what a person's attestation alone used to
settle, shared by the packs whose Codes ask the same thing (each pack names its own stages
and parameters; nothing here names a pack's rules or parameters).

- :func:`handler_not_complained_about`: no stage handled by a member of staff the complaint
  is about (a case expression);
- :func:`remedy_within_guidance`: the final response's financial remedies against the
  lowest figure the Ombudsman's remedies guidance gives for the impact recorded, and (where
  a pack names its limit) a payment not made within that many working days of the response
  that awarded it flagged for evidence (a case expression);
- :func:`lessons_drawn` and :func:`lessons_acted_on`: a learning log keyed to case
  references (portfolio checks);
- :func:`member_brought_papers`: complaints papers to the governing body brought by the
  member who leads on complaints (an organisation check).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..model.case import Impact
from ..model.facts import CaseFact
from .expressions import Expr, as_of, case_field, item, param, stage, stages, when
from .gates import GatedCheck, applies_if
from .rules import Outcome, Verdict
from .stage_checks import months_after

if TYPE_CHECKING:
    from ..model.case import Complaint
    from ..model.organisation import Organisation
    from .context import Context, Portfolio
    from .rules import OrganisationCheck

__all__ = [
    "handler_not_complained_about",
    "lessons_acted_on",
    "lessons_drawn",
    "member_brought_papers",
    "remedy_within_guidance",
]


def handler_not_complained_about(stages: Sequence[int]) -> GatedCheck:
    """A case check: where the case records the staff the complaint is about
    (``staff_complained_about``), a stage among ``stages`` handled by one of them fails,
    names compared case-folded with runs of white space made single; none among them
    passes; a reached stage whose handler is not recorded needs evidence; a case that does
    not record the staff, or names none, is not applicable."""
    staff = case_field("staff_complained_about")
    handlers = {n: stage(n).field("handler") for n in stages}
    table = when(
        staff.is_null(),
        Verdict.NOT_APPLICABLE,
        "the case does not record which staff the complaint is about; set "
        "staff_complained_about (an empty list if it names none)",
    ).when(
        staff.count().eq(0),
        Verdict.NOT_APPLICABLE,
        "the complaint is about no named member of staff",
    )
    for n in stages:
        table = table.when(
            handlers[n].among(staff),
            Verdict.FAIL,
            f"stage {n} was handled by {{handler{n}}}, a member of staff the complaint is "
            "about (staff_complained_about)",
        )
    unrecorded: Expr | None = None
    for n in stages:
        missing = (
            handlers[n].is_null()
            if n == stages[0]
            else (stage(n).reached() & handlers[n].is_null())
        )
        unrecorded = missing if unrecorded is None else unrecorded | missing
    assert unrecorded is not None
    first, *rest = stages
    also = "".join(f" (and stage{n}.handler at stage {n})" for n in rest)
    shown = "; ".join(f"stage {n}: {{handler{n}}}" for n in stages)
    values: dict[str, Expr] = {f"handler{first}": handlers[first]}
    values.update({f"handler{n}": handlers[n].or_else("not reached") for n in rest})
    facts: dict[str, Expr] = {"staff_complained_about": staff}
    facts.update({f"stage{n}.handler": handlers[n] for n in stages})
    check = table.when(
        unrecorded,
        Verdict.NEEDS_EVIDENCE,
        f"the complaint names staff, but a stage's handler is not recorded; set "
        f"stage{first}.handler{also} to compare them",
    ).otherwise(
        Verdict.PASS,
        f"no stage was handled by a member of staff the complaint is about ({shown})",
        values=values,
        facts=facts,
    )
    return applies_if(
        CaseFact.at_stage("", first),
        check,
        otherwise="the complaint was not accepted, so no stage was handled",
    )


def remedy_within_guidance(
    stages: Sequence[int], floor: str, paid_within: str | None = None
) -> GatedCheck:
    """A case check: the final response (the last of ``stages`` answered) records the impact
    of the failing it found (``response.impact``, one of the Ombudsman's remedies guidance's
    steps), and that stage's financial remedies must total at least the lowest figure the
    guidance gives for the step: the pack's parameter ``floor.format(step=...)``. Less
    fails; as much or more passes; no impact recorded needs evidence, unless the response
    upheld nothing (not applicable).

    With ``paid_within`` (the name of a pack parameter, in working days), every financial
    remedy of an answered stage that records no date of its own (``due``, which the check of
    remedies carried out by their date judges) is also timed from that stage's response:
    paid (``completed_on``) more than that many working days later, or unpaid when as many
    have passed by the as-of date, needs evidence, naming the remedy and what would settle
    it (the date the offer gave, or the landlord's own payment period). It is not a fail:
    neither Code nor the Ombudsman's remedies guidance, as far as checked, sets a period for
    paying a landlord's own award, so the limit is a pack's trigger for a look, not a rule.
    Unpaid with no as-of date needs evidence, naming the date that would settle it."""
    steps = [i.value for i in Impact]
    delay = _payment_delay(paid_within) if paid_within is not None else None
    answered = {n: stage(n).field("response.issued_on").not_null() for n in stages}
    impact = {n: stage(n).field("response.impact") for n in stages}
    outcome = {n: stage(n).field("response.outcome") for n in stages}
    total = {
        n: stage(n).field("remedies").sum(item("amount"), where=item("kind").eq("financial"))
        for n in stages
    }
    final: dict[int, Expr] = {}
    for i, n in enumerate(stages):
        later = stages[i + 1 :]
        condition = answered[n]
        for m in later:
            condition = condition & ~answered[m]
        final[n] = condition
    nothing = None
    for n in stages:
        nothing = ~answered[n] if nothing is None else nothing & ~answered[n]
    assert nothing is not None
    names = " or ".join(f"stage {n}" for n in stages)
    table = when(nothing, Verdict.NOT_APPLICABLE, f"no {names} response yet", evidence=False)
    for n in reversed(stages):
        for step in steps:
            table = table.when(
                final[n] & impact[n].eq(step) & total[n].lt(param(floor.format(step=step))),
                Verdict.FAIL,
                f"the stage {n} response assessed the failing's impact as {step}, but its "
                f"financial remedies total £{{total{n}}}, below the £{{floor_{step}}} the "
                "Ombudsman's remedies guidance gives at least for that step",
            )
    if delay is not None:
        table = table.when(
            delay["late"],
            Verdict.NEEDS_EVIDENCE,
            "{late}: later than the {limit} working days after which this pack asks "
            f"({paid_within}), a prompt for a look, not a period the Code or the Ombudsman's "
            "remedies guidance sets; show the payment kept to what was promised: set the "
            "remedy's due to the date the offer gave (judged with the other remedies "
            "carried out by their date), or show the period the landlord's compensation "
            "policy sets",
        )
    not_upheld: Expr | None = None
    no_impact: Expr | None = None
    for n in reversed(stages):
        a = final[n] & outcome[n].eq("not_upheld")
        b = final[n] & impact[n].is_null()
        not_upheld = a if not_upheld is None else not_upheld | a
        no_impact = b if no_impact is None else no_impact | b
    assert not_upheld is not None and no_impact is not None
    table = table.when(
        no_impact & not_upheld,
        Verdict.NOT_APPLICABLE,
        "the final response found no failing to put right",
    ).when(
        no_impact,
        Verdict.NEEDS_EVIDENCE,
        "the final response does not record the impact of the failing it found; set "
        "response.impact (minor, adverse, considerable or severe) to compare its "
        "financial remedies with the Ombudsman's remedies guidance",
    )
    # A pack gives no figure (null) from the date the guidance it encodes was replaced;
    # a fail above needs a known figure, so such a case comes here, never to a pass.
    table = table.when(
        param(floor.format(step=steps[0])).is_null(),
        Verdict.NEEDS_EVIDENCE,
        "no remedies guidance figures are encoded for complaints received on this date (the "
        "guidance they came from was replaced); compare the financial remedies with the "
        "Ombudsman's guidance in force by hand",
    )

    if delay is not None:
        table = table.when(
            delay["unknown"],
            Verdict.NEEDS_EVIDENCE,
            "a financial remedy awarded is not recorded as paid, and no as-of date is given "
            "to time it by; set {unknown} to the day it was paid, or judge as of a date",
        )
    paid = (
        ""
        if delay is None
        else "; each payment with no date of its own made within {limit} working days of "
        "the response awarding it"
    )

    def passing(n: int) -> str:
        return (
            f"the stage {n} response's financial remedies total £{{total{n}}}, at or above "
            "the lowest figure the Ombudsman's remedies guidance gives for the "
            f"{{impact{n}}} impact it recorded" + paid
        )

    *earlier, first = list(reversed(stages))
    for n in earlier:
        table = table.when(final[n], Verdict.PASS, passing(n))
    values: dict[str, Expr] = {}
    for n in stages:
        values[f"total{n}"] = total[n].formatted(".2f")
    for n in stages:
        values[f"impact{n}"] = impact[n]
    values.update({f"floor_{step}": param(floor.format(step=step)) for step in steps})
    if delay is not None:
        assert paid_within is not None
        values["late"] = delay["late_text"]
        values["unknown"] = delay["unknown_text"]
        values["limit"] = param(paid_within)
    facts: dict[str, Expr] = {}
    for n in stages:
        facts[f"stage{n}.response.impact"] = impact[n]
        facts[f"stage{n}.response.outcome"] = outcome[n]
    check = table.otherwise(
        Verdict.PASS,
        passing(first),
        values=values,
        facts=facts,
        computed={f"stage{n}.financial_remedies_total": total[n] for n in stages},
    )
    return applies_if(CaseFact.ANY_RESPONSE, check, otherwise="no response yet")


def _payment_delay(paid_within: str) -> dict[str, Expr]:
    """The conditions and texts of the payment-delay part of :func:`remedy_within_guidance`:
    ``late`` (some payment late, or unpaid past the limit by the as-of date), ``unknown``
    (some payment unrecorded with no as-of date) and their texts for messages."""
    remedies = stages().flat("remedies")
    financial = item("item.kind").eq("financial")
    awarded = item("outer.response.issued_on")
    paid = item("item.completed_on")
    judged = as_of()
    limit = param(paid_within)
    # a remedy dated by its offer is judged against that date, not this pack's limit
    due = financial & awarded.not_null() & item("item.due").is_null()
    paid_late = due & paid.not_null() & awarded.working_days_to(paid).gt(limit)
    still_unpaid = due & paid.is_null() & awarded.working_days_to(judged).gt(limit)
    untimed = due & paid.is_null() & judged.is_null()
    label = "stage {number} remedies[{i}] (financial)"
    # (the limit is named once in the message; each_of's own option is called ``limit``,
    # so no template value can be)
    late_text = remedies.each_of(
        (
            paid_late,
            label + " was paid on {paid}, {days} working days after the response of "
            "{awarded} that awarded it",
        ),
        (
            still_unpaid,
            label + " is not paid on {judged}, {waited} working days after the response of "
            "{awarded} that awarded it",
        ),
        paid=paid,
        days=awarded.working_days_to(paid),
        waited=awarded.working_days_to(judged),
        awarded=awarded,
        judged=judged,
        number=item("outer.number"),
        i=item("index"),
    )
    unknown_text = remedies.each(
        "stages[{k}].remedies[{i}].completed_on",
        where=untimed,
        k=item("outer_index"),
        i=item("index"),
    )
    return {
        "late": remedies.any(paid_late | still_unpaid),
        "unknown": remedies.any(untimed),
        "late_text": late_text,
        "unknown_text": unknown_text,
    }


# -- the learning log ------------------------------------------------------------------------

_SHOWN = 10  # case references listed in a message before "and N more"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _upheld(case: Complaint) -> bool:
    """The case's last response upheld it, in whole or part."""
    answered = [s for s in case.stages if s.response is not None]
    if not answered or answered[-1].response is None:
        return False
    outcome = answered[-1].response.outcome
    return outcome is not None and outcome.value in ("upheld", "partly_upheld")


def _judged_day(ctx: Context) -> date:
    return ctx.as_of or ctx.on


def _log_entries(
    portfolio: Portfolio, ctx: Context
) -> tuple[list[tuple[int, Any]] | None, list[str]]:
    """The learning log's entries recorded by the day judged (with their places in the log),
    or None where the log is not recorded; and each entry naming a case not judged."""
    org = portfolio.organisation
    log = org.learning_log if org is not None else None
    if log is None:
        return None, []
    day = _judged_day(ctx)
    kept = [(i, e) for i, e in enumerate(log) if e.lesson_on is None or e.lesson_on <= day]
    known = {c.reference for c in portfolio.cases}
    unknown = [f"learning_log[{i}] (case {e.case})" for i, e in kept if e.case not in known]
    return kept, unknown


def _unknown_cases(unknown: list[str]) -> str:
    return (
        f"; entries naming a case not among the cases judged: {_listed(unknown)} (check the "
        "reference, or judge the log with the cases it names)"
        if unknown
        else ""
    )


def _outcome(verdict: Verdict, message: str, facts: Any, **computed: Any) -> Outcome:
    return Outcome(verdict, message, facts, computed)


def lessons_drawn(portfolio: Portfolio, ctx: Context) -> Outcome:
    """A portfolio check: every upheld complaint among the cases judged (its last response
    upheld or partly upheld) has an entry in the organisation's ``learning_log``, keyed to
    its case reference, with a lesson and its date and an action with a due or done date.
    Entries recorded after the day judged are left out; an entry naming a case not judged
    is named. No log recorded needs evidence; no upheld complaint is not applicable."""
    upheld = [c.reference for c in portfolio.cases if _upheld(c)]
    entries, unknown = _log_entries(portfolio, ctx)
    facts: dict[str, Any] = {"upheld_cases": upheld}
    if entries is not None:
        facts["learning_log"] = [e.model_dump(mode="json") for _, e in entries]
    if entries is None:
        if not upheld:
            return _outcome(Verdict.NOT_APPLICABLE, "no complaint judged was upheld", facts)
        return _outcome(
            Verdict.NEEDS_EVIDENCE,
            f"{len(upheld)} upheld complaint(s) but no learning log is recorded; list "
            "learning_log entries (case, lesson, lesson_on, action, action_due)",
            facts,
        )
    by_case: dict[str, list[Any]] = {}
    for _, e in entries:
        by_case.setdefault(e.case, []).append(e)
    missing = [ref for ref in upheld if ref not in by_case]
    incomplete = [
        ref
        for ref in upheld
        if ref in by_case
        and not any(
            e.lesson and e.lesson_on and e.action and (e.action_due or e.action_done_on)
            for e in by_case[ref]
        )
    ]
    problems = []
    if missing:
        problems.append(f"no lesson logged for upheld complaint(s) {_listed(missing)}")
    if incomplete:
        problems.append(
            "a lesson logged without its date, an action or the action's date for "
            + _listed(incomplete)
        )
    if problems:
        return _outcome(Verdict.FAIL, "; ".join(problems) + _unknown_cases(unknown), facts)
    if unknown:
        return _outcome(
            Verdict.NEEDS_EVIDENCE,
            "the learning log cannot be matched to the cases judged" + _unknown_cases(unknown),
            facts,
        )
    if not upheld:
        return _outcome(Verdict.NOT_APPLICABLE, "no complaint judged was upheld", facts)
    return _outcome(
        Verdict.PASS,
        f"each of the {len(upheld)} upheld complaint(s) has a dated lesson and an action "
        "with a date in the learning log",
        facts,
    )


def lessons_acted_on(portfolio: Portfolio, ctx: Context) -> Outcome:
    """A portfolio check: the actions the ``learning_log`` records are carried out. An
    action not done by its due date (due before the day judged, not done by then) fails,
    naming its entry; one due on the day judged is not yet late; an action with neither
    date needs evidence; lessons that led to no action fail. An entry naming a case not
    judged is named. No log recorded needs evidence; an empty log is not applicable."""
    entries, unknown = _log_entries(portfolio, ctx)
    day = _judged_day(ctx)
    computed: dict[str, Any] = {"judged_on": day.isoformat()}
    if entries is None:
        return _outcome(
            Verdict.NEEDS_EVIDENCE,
            "no learning log is recorded; list learning_log entries (case, lesson, action, "
            "action_due, action_done_on) to show what complaints changed",
            {},
            **computed,
        )
    actions = [(i, e) for i, e in entries if e.action]
    facts = {"learning_log": [e.model_dump(mode="json") for _, e in entries]}
    overdue = [
        f"learning_log[{i}] (case {e.case}, due {e.action_due.isoformat()})"
        for i, e in actions
        if e.action_due is not None
        and e.action_due < day
        and (e.action_done_on is None or e.action_done_on > day)
    ]
    undated = [
        f"learning_log[{i}] (case {e.case})"
        for i, e in actions
        if e.action_due is None and e.action_done_on is None
    ]
    if overdue:
        return _outcome(
            Verdict.FAIL,
            f"action(s) from the learning log not done by their due date: {_listed(overdue)}"
            + _unknown_cases(unknown),
            facts,
            **computed,
        )
    if undated or unknown:
        what = f"action(s) with neither a due date nor a done date: {_listed(undated)}"
        return _outcome(
            Verdict.NEEDS_EVIDENCE,
            (what if undated else "the learning log cannot be matched to the cases judged")
            + _unknown_cases(unknown),
            facts,
            **computed,
        )
    if not actions:
        if not entries:
            return _outcome(
                Verdict.NOT_APPLICABLE, "the learning log has no entries", facts, **computed
            )
        return _outcome(
            Verdict.FAIL,
            f"the learning log's {len(entries)} lesson(s) led to no action to change the service",
            facts,
            **computed,
        )
    done = sum(1 for _, e in actions if e.action_done_on is not None and e.action_done_on <= day)
    return _outcome(
        Verdict.PASS,
        f"{len(actions)} action(s) came of the learning log, {done} done and none overdue",
        facts,
        **computed,
    )


def member_brought_papers(window_months: str) -> OrganisationCheck:
    """An organisation check: within the pack's ``window_months`` parameter of months up to
    the day judged, at least one complaints paper reached the governing body brought by the
    Member Responsible for Complaints (``governing_body_reports[].presented_by`` against
    ``member_responsible_for_complaints.name``, ignoring case and spacing). No such member
    or papers that do not say who brought them need evidence; no paper in the window, or
    none brought by the member, fails; a paper dated after the day judged is named and left
    out."""

    def check(org: Organisation, ctx: Context) -> Outcome:
        months: int = ctx.param(window_months)
        since = months_after(ctx.on, -months)
        mrc = org.member_responsible_for_complaints
        papers = list(enumerate(org.governing_body_reports))
        future = [
            f"governing_body_reports[{i}] is dated {r.on.isoformat()}, after the day judged "
            f"({ctx.on.isoformat()}), and is left out"
            for i, r in papers
            if r.on > ctx.on
        ]
        recent = [(i, r) for i, r in papers if since <= r.on <= ctx.on]
        facts = {
            "member_responsible_for_complaints": mrc.name if mrc is not None else None,
            "governing_body_reports": [
                {"on": r.on.isoformat(), "presented_by": r.presented_by} for _, r in papers
            ],
        }
        computed = {"judged_on": ctx.on.isoformat(), "window_starts": since.isoformat()}
        later = ("; " + "; ".join(future)) if future else ""
        if mrc is None:
            return _outcome(
                Verdict.NEEDS_EVIDENCE,
                "no Member Responsible for Complaints is recorded; set "
                "member_responsible_for_complaints" + later,
                facts,
                **computed,
            )
        if not recent:
            return _outcome(
                Verdict.FAIL,
                f"no complaints paper reached the governing body in the {months} months since "
                f"{since.isoformat()}, so the MRC brought it no insight" + later,
                facts,
                **computed,
            )
        presented = [(r, r.presented_by) for _, r in recent if r.presented_by is not None]
        if not presented:
            return _outcome(
                Verdict.NEEDS_EVIDENCE,
                f"{len(recent)} paper(s) since {since.isoformat()} do not record who brought "
                "them; set governing_body_reports[].presented_by" + later,
                facts,
                **computed,
            )
        key = " ".join(mrc.name.casefold().split())
        by_mrc = [r for r, by in presented if " ".join(by.casefold().split()) == key]
        if not by_mrc:
            return _outcome(
                Verdict.FAIL,
                f"none of the {len(presented)} complaints paper(s) since {since.isoformat()} "
                f"was brought by the MRC, {mrc.name}" + later,
                facts,
                **computed,
            )
        latest = max(r.on for r in by_mrc).isoformat()
        return _outcome(
            Verdict.PASS,
            f"the MRC, {mrc.name}, brought {len(by_mrc)} complaints paper(s) to the governing "
            f"body since {since.isoformat()} (latest {latest})" + later,
            facts,
            **computed,
        )

    return check
