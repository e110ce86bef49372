"""What every command builds the same way from its options: the engine, the pack registry
(reporting plugin problems once, on stderr) and the date it judges at."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from ..calendar.clock import TODAY_SOURCE
from ..calendar.working_days import WorkingCalendar
from ..engine.budget import DEFAULT_RULE_TIME_BUDGET
from ..engine.engine import Engine
from ..law.plugins import PackRegistry
from ..model.conventions import Conventions, LateAcknowledgement, NonWorkingDayReceipt

__all__ = ["command_engine", "command_registry", "judging_date"]


def judging_date(args: argparse.Namespace, engine: Engine) -> tuple[date, str]:
    """The command's as-of date and where it came from: ``--as-of``, else today in UK time
    (so every output states a concrete date, whatever the machine's time zone)."""
    if args.as_of is not None:
        return args.as_of, "given"
    return engine.today(), TODAY_SOURCE


def command_engine(args: argparse.Namespace) -> Engine:
    conventions = Conventions(
        late_acknowledgement=LateAcknowledgement(args.late_acknowledgement),
        non_working_day_receipt=NonWorkingDayReceipt(args.non_working_day_receipt),
        cutoff=args.cutoff,
    )
    return Engine(
        registry=command_registry(args),
        calendar=WorkingCalendar(closures=args.closure),
        conventions=conventions,
        # the monitor runs no rule checks, so it has no --rule-timeout
        rule_time_budget=getattr(args, "rule_timeout", DEFAULT_RULE_TIME_BUDGET),
    )


def command_registry(args: argparse.Namespace) -> PackRegistry:
    registry = PackRegistry(autoload=False if args.no_autoload else None, blocked=args.block)
    registry.all_rules()  # asks for the extra rules now, so their problems are shown here
    for problem in registry.problems:
        kind = "error" if problem.clash else "warning"
        print(f"{kind}: plugin {problem.plugin}: {problem.problem}", file=sys.stderr)
    if registry.clashes:
        # Read by main(): the run goes on with the owners' packs, but must not look clean.
        args.plugin_clash = True
    return registry
