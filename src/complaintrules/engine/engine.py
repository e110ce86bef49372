"""The evaluator: runs rules over subjects and gathers findings into a report.

Evaluation is plain, deterministic Python: the same input gives the same report. A check
that raises (anything, ``SystemExit`` included, but ``KeyboardInterrupt``) or overruns its
time budget becomes an ``error`` finding and the run carries on: rule code cannot end the
process.
"""

from __future__ import annotations

import functools
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

from ..calendar import clock as _clock
from ..calendar.working_days import WorkingCalendar
from ..law.context import Context, Portfolio
from ..law.gates import GatedCheck, case_facts
from ..law.packs import DEFAULT_ATTESTATION_VALIDITY_MONTHS, Pack
from ..law.plugins import PackRegistry, PluginProblem
from ..law.rules import Evidence, Finding, Outcome, Rule, Subject, Verdict
from ..law.stage_checks import months_after
from ..model.case import CaseSnapshot, Complaint
from ..model.conventions import Conventions
from ..model.organisation import Organisation
from ..model.policy import LandlordPolicy
from .budget import DEFAULT_RULE_TIME_BUDGET, RuleOvertime, RuleWatch

__all__ = ["REPORT_SCHEMA_VERSION", "Engine", "Report", "SnapshotAccount"]

#: Version of the JSON report layout (``Report.to_dict``): the major part is bumped on a
#: breaking change, the minor part when fields are added (1.1: ``snapshot``,
#: ``as_of_source``, ``judged_on``, ``judged_on_source``; 1.2: waivers and failures-only
#: mode of ``check``, see ``reports.ci_formats.render_json``;
#: a finding's ``citations`` where the policy was read from its document).
REPORT_SCHEMA_VERSION = "1.2"

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


def _armed(method: Callable[Concatenate[Engine, P], R]) -> Callable[Concatenate[Engine, P], R]:
    """Run ``method`` with the rule timer armed: once per subject run (or per batch, when
    an armed method calls another), never once per rule call."""

    @functools.wraps(method)
    def armed(self: Engine, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._watch.armed():
            return method(self, *args, **kwargs)

    return armed


@dataclass(frozen=True, slots=True)
class SnapshotAccount:
    """What judging as of a date left out: cases not yet received, events not yet happened."""

    #: References of cases received after the as-of date (not judged).
    not_yet_received: tuple[str, ...] = ()
    #: (reference, the events after the as-of date left out of it), per case with any.
    ignored: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, snapshots: Iterable[CaseSnapshot]) -> SnapshotAccount:
        later, ignored = [], []
        for snap in snapshots:
            if snap.case is None:
                later.append(snap.reference)
            elif snap.ignored:
                ignored.append((snap.reference, snap.ignored))
        return cls(tuple(later), tuple(ignored))

    @property
    def events_ignored(self) -> int:
        return sum(len(events) for _, events in self.ignored)

    def describe(self) -> str:
        """One line for a human-readable report."""
        return (
            f"{len(self.not_yet_received)} case(s) received after the as-of date (not "
            f"judged); {self.events_ignored} event(s) after it ignored in "
            f"{len(self.ignored)} case(s)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases_not_yet_received": len(self.not_yet_received),
            "events_ignored": self.events_ignored,
            "cases_with_events_ignored": len(self.ignored),
            "not_yet_received": list(self.not_yet_received),
            "ignored": [{"reference": r, "events": list(e)} for r, e in self.ignored],
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Findings of one evaluation, with everything needed to reproduce it."""

    packs: tuple[Pack, ...]
    calendar: str
    conventions: Conventions
    as_of: date | None
    findings: tuple[Finding, ...]
    problems: tuple[PluginProblem, ...] = ()
    subjects: tuple[str, ...] = field(default=())
    #: With an as-of date, the cases and events it left out (see :meth:`Complaint.as_of`).
    snapshot: SnapshotAccount = SnapshotAccount()
    #: Where :attr:`as_of` came from: "given", or how it was defaulted (the CLI's
    #: "today (Europe/London)"); None without an as-of date.
    as_of_source: str | None = None
    #: The date the policy and organisation were judged at (their parameters read at), and
    #: where it came from; None when neither was judged.
    judged_on: date | None = None
    judged_on_source: str | None = None

    def dates_line(self) -> str:
        """The dates the verdicts were judged at, and where each came from, in words."""
        parts = []
        if self.as_of is not None:
            source = f", {self.as_of_source}" if self.as_of_source not in (None, "given") else ""
            parts.append(f"as of {self.as_of.isoformat()}{source}")
        else:
            parts.append("no as-of date (open cases not judged overdue)")
        if self.judged_on is not None and self.judged_on != self.as_of:
            source = f", {self.judged_on_source}" if self.judged_on_source != "given" else ""
            parts.append(f"policy and organisation judged on {self.judged_on.isoformat()}{source}")
        return "; ".join(parts)

    def counts(self) -> dict[str, int]:
        """Findings per verdict, plus must-level failures and should-level warnings."""
        tally = Counter(f.verdict.value for f in self.findings)
        out = {v.value: tally.get(v.value, 0) for v in Verdict}
        out["failures"] = sum(f.is_failure for f in self.findings)
        out["warnings"] = sum(f.is_warning for f in self.findings)
        return out

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.is_failure]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.is_warning]

    def for_rule(self, rule_id: str) -> list[Finding]:
        return [f for f in self.findings if f.rule_id == rule_id]

    def verdicts(self, rule_id: str) -> set[Verdict]:
        return {f.verdict for f in self.for_rule(rule_id)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "packs": [{"name": p.name, "version": p.version} for p in self.packs],
            "calendar": self.calendar,
            "conventions": self.conventions.describe(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "as_of_source": self.as_of_source,
            "judged_on": self.judged_on.isoformat() if self.judged_on else None,
            "judged_on_source": self.judged_on_source,
            "subjects": list(self.subjects),
            "snapshot": self.snapshot.to_dict(),
            "counts": self.counts(),
            "problems": [{"plugin": p.plugin, "problem": p.problem} for p in self.problems],
            "findings": [f.to_dict() for f in self.findings],
        }


class Engine:
    """Evaluates cases, policies, organisations and portfolios against rule packs.

    ``Engine()`` loads installed packs through their entry points, counts working days in
    England and Wales and uses the default conventions (see :class:`Conventions`).
    ``rule_time_budget`` is how many seconds one rule check may run before it is stopped
    and reported as an ``error`` finding (0 or None: no limit); it is enforced on Unix in
    the main thread (see docs/plugins.md).
    ``today`` gives the date a policy or organisation is judged at when no date is given
    (default: today in UK time, Europe/London, whatever the machine's time zone).
    """

    def __init__(
        self,
        *,
        registry: PackRegistry | None = None,
        calendar: WorkingCalendar | None = None,
        conventions: Conventions | None = None,
        rule_time_budget: float | None = DEFAULT_RULE_TIME_BUDGET,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.registry = registry if registry is not None else PackRegistry()
        self.calendar = calendar if calendar is not None else WorkingCalendar()
        self.conventions = conventions if conventions is not None else Conventions()
        self.rule_time_budget = rule_time_budget or None
        # _judge_case makes its case rules' calls itself (see there)
        callers = (Engine._run.__code__, Engine._judge_case.__code__)
        self._watch = RuleWatch(rule_time_budget, callers=callers)
        #: per pack name, the pack and its case rules as called (see _case_plan)
        self._plans: dict[str, tuple[Pack, tuple[_Step, ...]]] = {}
        self.today: Callable[[], date] = today if today is not None else _clock.uk_today

    # -- choosing a pack ------------------------------------------------------------------

    def pack(self, pack: str | Pack | None = None, *, on: date | None = None) -> Pack:
        """A pack by name; else the pack in force on ``on``; else the newest Code's pack."""
        if isinstance(pack, Pack):
            return self.registry.extended(pack)  # with the parameters plugins bring for it
        if pack is not None:
            return self.registry.get(pack)
        if on is not None:
            return self.registry.in_force_on(on)
        return self.registry.latest()

    def _judging_date(self, pack: Pack, on: date | None) -> date:
        """The date parameters are read at for a policy or organisation."""
        return self.judging_date(pack, on)[0]

    def judging_date(self, pack: Pack, on: date | None = None) -> tuple[date, str]:
        """The date a policy or organisation is judged at against ``pack``, and why: ``on``
        if given; else the last day of a pack no longer in force; else today (UK time)."""
        if on is not None:
            return on, "given"
        if pack.in_force_until is not None:
            return pack.in_force_until, f"the last day {pack.name} was in force"
        return self.today(), _clock.TODAY_SOURCE

    # -- running checks -------------------------------------------------------------------

    def _run(
        self,
        rule: Rule,
        subject: Subject,
        subject_ref: str,
        check: Callable[[T, Context], Outcome],
        value: T,
        ctx: Context,
    ) -> Finding:
        watch = self._watch
        try:
            watch.running = watch.calls = watch.calls + 1
            outcome = check(value, ctx)
            watch.running = 0
            if not isinstance(outcome, Outcome):
                raise _not_an_outcome(outcome)
        except KeyboardInterrupt:
            watch.running = 0
            raise
        except BaseException as exc:  # a broken rule is reported, never fatal; nor is exit()
            watch.running = 0
            return _failed(rule, subject, subject_ref, exc, ctx)
        # Worded when first read: a caller after verdicts alone never words it. Positional:
        # run once per rule per case, and keywords cost a third more here.
        return Finding.later(
            rule.id,
            rule.provision,
            rule.pack,
            subject,
            subject_ref,
            outcome.verdict,
            rule.level,
            partial(_worded, outcome, ctx),
        )

    def _without_organisation(self, rule: Rule, ref: str, ctx: Context) -> Finding:
        return Finding(
            rule_id=rule.id,
            provision=rule.provision,
            pack=rule.pack,
            subject=Subject.ORGANISATION,
            subject_ref=ref,
            verdict=Verdict.NEEDS_EVIDENCE,
            level=rule.level,
            message=(
                f"no organisation file given; provision {rule.provision} is judged on the "
                "organisation's governance facts (see `complaintrules schema organisation`)"
            ),
            evidence=Evidence(parameters=ctx.parameters_evidence()),
        )

    def _context(
        self, pack: Pack, on: date, as_of: date | None, organisation: Organisation | None
    ) -> Context:
        return Context(pack, self.calendar, self.conventions, on, as_of, organisation)

    def _rules(self, pack: Pack, rules: Iterable[str] | None) -> Sequence[Rule]:
        every = self.registry.rules_for(pack)
        if rules is None:
            return every
        wanted = set(rules)
        return [r for r in every if r.id in wanted]

    @_armed
    def case_findings(
        self,
        case: Complaint,
        *,
        pack: str | Pack | None = None,
        as_of: date | None = None,
        organisation: Organisation | None = None,
        rules: Iterable[str] | None = None,
    ) -> list[Finding]:
        """Findings of every case rule on one case (pack chosen by the case's receipt date).

        With ``as_of`` the case is judged as it stood that day (:meth:`Complaint.as_of`):
        later events are ignored, and a case received after it has no findings.
        """
        if as_of is not None:
            snapped = case.as_of(as_of).case
            if snapped is None:
                return []  # not received yet: nothing to judge
            case = snapped
        return self._judge_case(
            case, self.pack(pack, on=case.received_on), as_of, organisation, rules
        )

    def _case_plan(self, pack: Pack) -> tuple[_Step, ...]:
        """The case rules of ``pack`` as the engine calls them, worked out once per pack:
        each rule, the check to call, and for a gated rule the facts its gate requires, its
        message otherwise and the gate itself (called where a case's facts cannot be read)."""
        found = self._plans.get(pack.name)
        if found is not None and found[0] is pack:
            return found[1]
        steps = []
        for rule in self.registry.rules_for(pack):
            check = rule.case
            if check is None:
                continue
            if type(check) is GatedCheck:
                steps.append(_Step(rule, check.check, check.requires, check.otherwise, check))
            else:
                steps.append(_Step(rule, check, 0, "", check))
        plan = tuple(steps)
        self._plans[pack.name] = (pack, plan)
        return plan

    def _judge_case(
        self,
        case: Complaint,
        chosen: Pack,
        as_of: date | None,
        organisation: Organisation | None,
        rules: Iterable[str] | None = None,
    ) -> list[Finding]:
        """Every case rule of ``chosen`` on ``case`` as given (already as of ``as_of``).

        A gated rule is judged here as :class:`GatedCheck` judges it, with the case's facts
        read once for all of them rather than once per rule: a rule the case cannot meet is
        not applicable without a call, and any other calls the check behind the gate.
        Each call goes through :meth:`_run`, the one place a broken rule is isolated and
        reported.
        """
        out: list[Finding] = []
        plan = self._case_plan(chosen)
        if rules is not None:
            wanted = set(rules)
            plan = tuple(step for step in plan if step.rule.id in wanted)
        facts: int | None = None
        received_on, reference = case.received_on, case.reference
        calendar, conventions, version = self.calendar, self.conventions, chosen.version
        subject = Subject.CASE
        append = out.append
        for rule, check, requires, otherwise, whole in plan:
            if requires:
                if facts is None:
                    facts = _facts(case)
                if facts < 0:
                    check = whole  # the gate itself reports what went wrong
                elif facts & requires != requires:
                    # read no parameter, so no context is needed
                    append(
                        Finding.later(
                            rule.id,
                            rule.provision,
                            rule.pack,
                            subject,
                            reference,
                            Verdict.NOT_APPLICABLE,
                            rule.level,
                            partial(_not_met, otherwise, version),
                        )
                    )
                    continue
            ctx = Context(chosen, calendar, conventions, received_on, as_of, organisation)
            append(self._run(rule, subject, reference, check, case, ctx))
        return out

    def iter_case_findings(
        self,
        cases: Iterable[Complaint],
        *,
        pack: str | Pack | None = None,
        as_of: date | None = None,
        organisation: Organisation | None = None,
        rules: Iterable[str] | None = None,
    ) -> Iterator[Finding]:
        """Findings for many cases, one case at a time, holding none of them."""
        wanted = None if rules is None else list(rules)
        for case in cases:
            yield from self.case_findings(
                case, pack=pack, as_of=as_of, organisation=organisation, rules=wanted
            )

    @_armed
    def policy_findings(
        self,
        policy: LandlordPolicy,
        *,
        pack: str | Pack | None = None,
        on: date | None = None,
        organisation: Organisation | None = None,
    ) -> list[Finding]:
        chosen = self.pack(pack, on=on)
        when = self._judging_date(chosen, on)
        ref = policy.name or "policy"
        out = []
        for rule in self._rules(chosen, None):
            if rule.policy is not None:
                ctx = self._context(chosen, when, None, organisation)
                out.append(self._run(rule, Subject.POLICY, ref, rule.policy, policy, ctx))
        return out

    @_armed
    def organisation_findings(
        self,
        organisation: Organisation | None,
        *,
        pack: str | Pack | None = None,
        on: date | None = None,
    ) -> list[Finding]:
        """Organisation checks and attestations; without an organisation, attestation rules
        report what evidence is needed."""
        chosen = self.pack(pack, on=on)
        when = self._judging_date(chosen, on)
        ref = organisation.name if organisation else "organisation (not given)"
        out = []
        for rule in self._rules(chosen, None):
            if rule.organisation is not None:
                ctx = self._context(chosen, when, None, organisation)
                if organisation is None:
                    out.append(self._without_organisation(rule, ref, ctx))
                else:
                    out.append(
                        self._run(
                            rule,
                            Subject.ORGANISATION,
                            ref,
                            rule.organisation,
                            organisation,
                            ctx,
                        )
                    )
            if rule.attestation is not None:
                ctx = self._context(chosen, when, None, organisation)
                out.append(
                    self._run(rule, Subject.ATTESTATION, ref, _attested(rule), organisation, ctx)
                )
        return out

    @_armed
    def portfolio_findings(
        self,
        portfolio: Portfolio,
        *,
        pack: str | Pack | None = None,
        on: date | None = None,
        as_of: date | None = None,
    ) -> list[Finding]:
        """Portfolio-wide rules; with ``as_of``, over the cases as they stood that day."""
        chosen = self.pack(pack, on=on or portfolio.period_end)
        when = self._judging_date(chosen, on or portfolio.period_end)
        if as_of is not None:
            portfolio = replace(portfolio, cases=self._as_of(portfolio.cases, as_of)[0])
        out = []
        for rule in self._rules(chosen, None):
            if rule.portfolio is not None:
                ctx = self._context(chosen, when, as_of, portfolio.organisation)
                out.append(
                    self._run(rule, Subject.PORTFOLIO, "portfolio", rule.portfolio, portfolio, ctx)
                )
        return out

    # -- whole evaluations ----------------------------------------------------------------

    @_armed
    def evaluate(
        self,
        *,
        policy: LandlordPolicy | None = None,
        organisation: Organisation | None = None,
        cases: Sequence[Complaint] | None = None,
        pack: str | Pack | None = None,
        on: date | None = None,
        as_of: date | None = None,
    ) -> Report:
        """Evaluate whatever is given against one pack (named; else the one in force on
        ``on`` or ``as_of``; else the newest).

        Cases are judged by the pack in force on their own receipt date unless ``pack``
        is named. Organisation and attestation rules always run, so every provision of the
        pack gets at least one finding. The policy and organisation are judged on ``on``,
        else on ``as_of`` (so "is the annual report overdue?" is asked of the date the whole
        evaluation is as of, not of the day it happens to run), else as the pack decides.
        """
        given = on if on is not None else as_of
        chosen = self.pack(pack, on=given)
        judged_on, judged_source = self.judging_date(chosen, given)
        findings: list[Finding] = []
        subjects: list[str] = []
        used = {chosen.name: chosen}
        if policy is not None:
            subjects.append("policy")
            findings += self.policy_findings(
                policy, pack=chosen, on=judged_on, organisation=organisation
            )
        subjects.append("organisation")
        findings += self.organisation_findings(organisation, pack=chosen, on=judged_on)
        account = SnapshotAccount()
        if cases is not None:
            subjects += ["cases", "portfolio"]
            cases, account = self._as_of(cases, as_of)
            findings += self._cases_and_portfolio(
                cases, organisation, chosen, pack is not None, on, as_of, used
            )
        report = self._report(used.values(), findings, as_of, subjects, account)
        return replace(report, judged_on=judged_on, judged_on_source=judged_source)

    def evaluate_case(
        self, case: Complaint, *, pack: str | Pack | None = None, as_of: date | None = None
    ) -> Report:
        chosen = self.pack(pack, on=case.received_on)
        snapped, account = self._as_of([case], as_of)
        with self._watch.armed():
            # the snapshot is taken once, above; case_findings would take it again
            findings = [f for c in snapped for f in self._judge_case(c, chosen, as_of, None)]
        return self._report([chosen], findings, as_of, ["case"], account)

    def evaluate_policy(
        self, policy: LandlordPolicy, *, pack: str | Pack | None = None, on: date | None = None
    ) -> Report:
        chosen = self.pack(pack, on=on)
        when, source = self.judging_date(chosen, on)
        report = self._report(
            [chosen], self.policy_findings(policy, pack=chosen, on=when), None, ["policy"]
        )
        return replace(report, judged_on=when, judged_on_source=source)

    def evaluate_organisation(
        self, organisation: Organisation, *, pack: str | Pack | None = None, on: date | None = None
    ) -> Report:
        chosen = self.pack(pack, on=on)
        when, source = self.judging_date(chosen, on)
        findings = self.organisation_findings(organisation, pack=chosen, on=when)
        report = self._report([chosen], findings, None, ["organisation"])
        return replace(report, judged_on=when, judged_on_source=source)

    @_armed
    def evaluate_portfolio(
        self,
        cases: Sequence[Complaint],
        organisation: Organisation | None = None,
        *,
        pack: str | Pack | None = None,
        as_of: date | None = None,
    ) -> Report:
        """Every case (each by the pack in force on its date unless ``pack`` is named) and
        the portfolio-wide rules (volumes, measures) over all of them."""
        chosen = self.pack(pack)
        used = {chosen.name: chosen}
        snapped, account = self._as_of(cases, as_of)
        findings = self._cases_and_portfolio(
            snapped, organisation, chosen, pack is not None, None, as_of, used
        )
        return self._report(used.values(), findings, as_of, ["cases", "portfolio"], account)

    @staticmethod
    def _as_of(
        cases: Iterable[Complaint], as_of: date | None
    ) -> tuple[list[Complaint], SnapshotAccount]:
        """The cases as they stood on ``as_of`` (those received by then), and what was left
        out; without an as-of date, the cases as given."""
        if as_of is None:
            return list(cases), SnapshotAccount()
        snapshots = [case.as_of(as_of) for case in cases]
        kept = [snap.case for snap in snapshots if snap.case is not None]
        return kept, SnapshotAccount.of(snapshots)

    def _cases_and_portfolio(
        self,
        cases: Sequence[Complaint],
        organisation: Organisation | None,
        chosen: Pack,
        pack_named: bool,
        on: date | None,
        as_of: date | None,
        used: dict[str, Pack],
    ) -> list[Finding]:
        """Each case by its own pack (unless one was named), then the portfolio rules."""
        findings: list[Finding] = []
        for case in cases:
            case_pack = chosen if pack_named else self.pack(on=case.received_on)
            used.setdefault(case_pack.name, case_pack)
            findings += self.case_findings(
                case, pack=case_pack, as_of=as_of, organisation=organisation
            )
        findings += self.portfolio_findings(
            Portfolio(cases, organisation), pack=chosen, on=on, as_of=as_of
        )
        return findings

    def _report(
        self,
        packs: Iterable[Pack],
        findings: Sequence[Finding],
        as_of: date | None,
        subjects: Sequence[str],
        snapshot: SnapshotAccount | None = None,
    ) -> Report:
        return Report(
            packs=tuple(packs),
            calendar=self.calendar.describe(),
            conventions=self.conventions,
            as_of=as_of,
            findings=tuple(findings),
            problems=tuple(self.registry.problems),
            subjects=tuple(subjects),
            snapshot=snapshot or SnapshotAccount(),
            as_of_source=None if as_of is None else "given",
        )


class _Step(NamedTuple):
    """One case rule as the engine calls it (see :meth:`Engine._case_plan`)."""

    rule: Rule
    #: the check to call (behind its gate, for a gated rule)
    check: Callable[[Complaint, Context], Outcome]
    #: the CaseFact flags the gate requires (0: not gated)
    requires: int
    #: the message where the case lacks them
    otherwise: str
    #: the rule's case check as declared (the gate itself, for a gated rule)
    whole: Callable[[Complaint, Context], Outcome]


def _not_an_outcome(returned: object) -> TypeError:
    return TypeError(f"check returned {type(returned).__name__}, not an Outcome")


def _worded(outcome: Outcome, ctx: Context) -> tuple[str, Evidence]:
    """The message and evidence of a finding from its check's ``outcome`` and context."""
    # the outcome first: its wording reads no parameter, but the evidence lists them all
    message, facts, computed = outcome.message, outcome.facts, outcome.computed
    return message, Evidence(facts, ctx.parameters_evidence(), computed)


def _not_met(otherwise: str, version: str) -> tuple[str, Evidence]:
    """The message and evidence of a gated rule the case cannot meet (no parameter read)."""
    return otherwise, Evidence({}, {"pack_version": version}, {})


def _failed(
    rule: Rule, subject: Subject, subject_ref: str, exc: BaseException, ctx: Context
) -> Finding:
    """The ``error`` finding of a check that raised ``exc`` (called while it is handled:
    the evidence gives its traceback)."""
    if isinstance(exc, RuleOvertime):
        message = f"rule {rule.id} {exc}; stopped"
    else:
        message = f"rule raised {type(exc).__name__}: {exc}"
    return Finding(
        rule_id=rule.id,
        provision=rule.provision,
        pack=rule.pack,
        subject=subject,
        subject_ref=subject_ref,
        verdict=Verdict.ERROR,
        level=rule.level,
        message=message,
        evidence=Evidence(
            parameters=ctx.parameters_evidence(),
            computed={"traceback": traceback.format_exc(limit=4)},
        ),
    )


def _facts(case: Complaint) -> int:
    """The case's :class:`CaseFact` flags, or -1 when they cannot be read (each gated check
    is then called, and reports what went wrong as its own error finding)."""
    try:
        return case_facts(case)
    except Exception:
        return -1


def _attestation_validity(ctx: Context) -> tuple[int, str]:
    """Months an attestation stays valid on ``ctx.on``, and where that number comes from:
    the pack's own dated parameter when it names one, else the default."""
    name = ctx.pack.attestation_validity
    if name is None:
        return DEFAULT_ATTESTATION_VALIDITY_MONTHS, "default"
    months = ctx.param(name)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"parameter {name!r} must be a whole number of months, got {months!r}")
    return months, name


def _attested(rule: Rule) -> Callable[[Organisation | None, Context], Outcome]:
    """The attestation check of ``rule``: what a person has signed, with its evidence.

    One check for every attestation rule of every pack. An attestation counts only on the
    dates it is valid for: from the day it was signed to the same day ``months`` later
    (inclusive), ``months`` being the pack's validity parameter. One signed after the date
    judged, or whose validity ended before it, needs evidence, with the reason.
    """
    need = rule.attestation or ""

    def check(organisation: Organisation | None, ctx: Context) -> Outcome:
        settle = f"An attestation for provision {rule.provision} would settle it: {need}"
        if organisation is None:
            return Outcome(Verdict.NEEDS_EVIDENCE, f"no organisation file given. {settle}")
        judged = ctx.on.isoformat()
        found = organisation.attestation_for(rule.provision, rule.pack, on=ctx.on)
        if found is None:
            future = organisation.attestation_for(rule.provision, rule.pack)
            if future is not None:
                return Outcome(
                    Verdict.NEEDS_EVIDENCE,
                    f"the attestation for provision {rule.provision} by {future.by} is dated "
                    f"{future.on.isoformat()}, in the future (judged as of {judged}). {settle}",
                    {"attestation.by": future.by, "attestation.on": future.on.isoformat()},
                    {"judged_on": judged},
                )
            return Outcome(
                Verdict.NEEDS_EVIDENCE,
                f"no attestation for provision {rule.provision}. {settle}",
            )
        months, source = _attestation_validity(ctx)
        valid_until = months_after(found.on, months)
        facts = {
            "attestation.statement": found.statement,
            "attestation.evidence": [
                e if isinstance(e, str) else e.model_dump(mode="json", exclude_none=True)
                for e in found.evidence
            ],
            "attestation.by": found.by,
            "attestation.on": found.on.isoformat(),
        }
        computed: dict[str, Any] = {
            "judged_on": judged,
            "valid_months": months,
            "valid_until": valid_until.isoformat(),
        }
        if source == "default":
            computed["valid_months_source"] = "default (the pack names no validity parameter)"
        if valid_until < ctx.on:
            return Outcome(
                Verdict.NEEDS_EVIDENCE,
                f"the attestation for provision {rule.provision} by {found.by} has expired: "
                f"dated {found.on.isoformat()}, valid {months} months to "
                f"{valid_until.isoformat()}, judged as of {judged}. {settle}",
                facts,
                computed,
            )
        if found.complies:
            return Outcome(
                Verdict.PASS,
                f"attested by {found.by} on {found.on.isoformat()}: {found.statement}",
                facts,
                computed,
            )
        return Outcome(
            Verdict.FAIL,
            f"{found.by} attested on {found.on.isoformat()} that this is not met: "
            f"{found.statement}",
            facts,
            computed,
        )

    return check
