"""The ``complaintrules`` command line.

Exit codes (fixed; never reused for anything else):
  0  nothing failed
  1  at least one must-level failure (or, with --strict, a should-level warning)
  2  usage or input error (including a plugin claiming a pack name or rule id that another
     distribution owns: the command still runs with the owner's pack, then exits 2)
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import sys
import textwrap
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..calendar.working_days import CalendarRangeError
from ..engine.budget import DEFAULT_RULE_TIME_BUDGET
from ..io.loading import InputError, load_cases, load_organisation
from ..law.plugins import NoPackError
from ..model.case import Complaint
from ..model.conventions import LateAcknowledgement, NonWorkingDayReceipt
from ..model.organisation import Organisation
from ..model.policy import LandlordPolicy
from ..reports.ci_formats import render_json
from ..reports.formats import FORMATS, Sources, render_report
from ..reports.output import OutputError, write_atomic
from ..reports.responses import ResponsesFile
from ..reports.rule_docs import DocsPathError, write_docs
from ..reports.summary import render_text
from ..reports.waivers import run_fails
from .cases import add_cases_command, run_cases
from .ci import add_ci_options, check_output, check_waivers
from .common import command_engine, command_registry, judging_date
from .forms import (
    FORM_COMMANDS,
    add_annual_report_command,
    add_form_commands,
    add_submission_command,
)
from .monitor import add_monitor_command, run_monitor
from .read_policy import (
    POLICY_HELP,
    add_document_option,
    add_read_policy_command,
    policy_source,
    print_disagreements,
    run_read_policy,
)
from .serve import add_serve_command, run_serve

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: Not a verdict: the program writing to a closed pipe (128 + SIGPIPE, as shells report).
EXIT_BROKEN_PIPE = 141

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "case": Complaint,
    "policy": LandlordPolicy,
    "organisation": Organisation,
    "responses": ResponsesFile,
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors, as we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="complaintrules",
        description="The Housing Ombudsman's Complaint Handling Code as executable rules.",
        epilog="Exit codes: 0 nothing failed, 1 a rule failed, 2 usage or input error.",
    )
    parser.add_argument(
        "--block",
        action="append",
        default=[],
        metavar="PLUGIN",
        help="do not load this plugin or pack (repeatable)",
    )
    parser.add_argument(
        "--no-autoload",
        action="store_true",
        help="load no plugins from entry points (built-in packs included)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("packs", help="list installed packs, versions and in-force dates")

    rules = sub.add_parser("rules", help="list rules")
    rules.add_argument("--pack", help="only this pack's rules")
    rules.add_argument("--format", choices=["text", "json"], default="text")

    rule = sub.add_parser("rule", help="explain one rule")
    rule.add_argument("rule_id", metavar="ID")

    schema = sub.add_parser("schema", help="print the JSON Schema of an input model")
    schema.add_argument("model", choices=sorted(SCHEMA_MODELS))

    docs = sub.add_parser("docs", help="write the reference page of every rule (Markdown)")
    docs.add_argument("--out", default="docs/rules", help="output folder (default: docs/rules)")
    docs.add_argument("--pack", action="append", help="only these packs (repeatable)")

    check = sub.add_parser(
        "check",
        help="evaluate a policy (with organisation facts and cases) against a pack",
        description=(
            "Evaluate a landlord's policy, and optionally its organisation file and cases, "
            "provision by provision. Exit 0 if nothing failed, 1 if a must-level provision "
            "failed (or, with --strict, a should-level one), 2 on a usage or input error."
        ),
    )
    check.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    add_document_option(check)
    check.add_argument("--organisation", metavar="ORG", help="organisation file (YAML/JSON)")
    check.add_argument("--cases", metavar="CASES", help="cases file (YAML/JSON list)")
    check.add_argument("--pack", help="pack to judge against (default: the newest Code)")
    check.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="judge everything as of this date (default: today in UK time, stated in the report)",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        help=(
            "text (default), json (docs/report-schema.json), junit, sarif, github, markdown, "
            "tap (TAP 14), azure (Azure Pipelines logging commands)"
        ),
    )
    add_ci_options(check)
    check.add_argument("--verbose", "-v", action="store_true", help="show every finding")
    strictness = check.add_mutually_exclusive_group()
    strictness.add_argument(
        "--strict", action="store_true", help="also exit 1 on should-level warnings"
    )
    strictness.add_argument(
        "--no-fail", action="store_true", help="report only; exit 0 even when rules fail"
    )
    _add_convention_options(check)
    add_monitor_command(sub, _add_working_day_options)  # the monitor runs no rule checks
    add_form_commands(sub, _date, _add_convention_options)
    add_submission_command(sub, _date, _add_convention_options)
    add_annual_report_command(sub, _date, _add_convention_options)
    add_cases_command(sub, _date, _add_convention_options)
    add_read_policy_command(sub)
    add_serve_command(sub, _add_convention_options)
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a time as HH:MM, got {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _add_convention_options(parser: argparse.ArgumentParser) -> None:
    """The options of a command that runs rule checks: their time budget, then the
    working-day conventions."""
    parser.add_argument(
        "--rule-timeout",
        type=_seconds,
        default=DEFAULT_RULE_TIME_BUDGET,
        metavar="SECONDS",
        help=(
            "stop a rule check that runs longer than this and report it as an error "
            f"(default: {DEFAULT_RULE_TIME_BUDGET:g}; 0: no limit)"
        ),
    )
    _add_working_day_options(parser)


def _add_working_day_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("working-day conventions (shown in every report)")
    group.add_argument(
        "--late-acknowledgement",
        choices=[c.value for c in LateAcknowledgement],
        default=LateAcknowledgement.LITERAL.value,
        help="how a late acknowledgement moves a response deadline (default: literal)",
    )
    group.add_argument(
        "--non-working-day-receipt",
        choices=[c.value for c in NonWorkingDayReceipt],
        default=NonWorkingDayReceipt.COUNT_FROM_RECEIPT.value,
        help="receipt on a weekend or holiday (default: count_from_receipt)",
    )
    group.add_argument(
        "--cutoff",
        type=_time,
        metavar="HH:MM",
        help="treat receipt at or after this time as receipt on the next working day",
    )
    group.add_argument(
        "--closure",
        type=_date,
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="a landlord closure day (repeatable)",
    )


def _cmd_packs(args: argparse.Namespace) -> int:
    registry = command_registry(args)
    if not registry.packs:
        print("no packs installed")
    for pack in registry.packs:
        until = pack.in_force_until.isoformat() if pack.in_force_until else "(still in force)"
        print(
            f"{pack.name} {pack.version}: {pack.title}\n"
            f"    in force {pack.in_force_from.isoformat()} to {until}; "
            f"{len(registry.rules_for(pack))} rules"
        )
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    registry = command_registry(args)
    packs = [registry.get(args.pack)] if args.pack else registry.packs
    rules = [r for p in packs for r in registry.rules_for(p)]
    if args.format == "json":
        json.dump([r.describe() for r in rules], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for r in rules:
            subjects = ",".join(s.value for s in r.subjects)
            print(f"{r.id:<14} {r.level.value:<6} [{subjects}] {r.summary}")
    return EXIT_OK


def _cmd_rule(args: argparse.Namespace) -> int:
    registry = command_registry(args)
    for r in registry.all_rules():
        if r.id == args.rule_id:
            print(f"{r.id}: {r.title}")
            print(f"pack {r.pack}, provision {r.provision} ({r.section}); level: {r.level.value}")
            print(f"subjects: {', '.join(s.value for s in r.subjects)}")
            print(f"source: {r.source}\n")
            print(textwrap.fill(r.summary, 88) + "\n")
            print(textwrap.dedent(r.explanation).strip())
            if r.attestation:
                print(f"\nWhat a person must attest: {r.attestation}")
            for ex in r.examples:
                print(f"\nExample ({ex.subject.value}, expect {ex.expect.value}): {ex.title}")
            return EXIT_OK
    print(f"complaintrules: no rule {args.rule_id!r}; see `complaintrules rules`", file=sys.stderr)
    return EXIT_USAGE


def _cmd_schema(args: argparse.Namespace) -> int:
    model = SCHEMA_MODELS[args.model]
    json.dump(model.model_json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def _cmd_docs(args: argparse.Namespace) -> int:
    registry = command_registry(args)
    packs = [registry.get(name) for name in args.pack] if args.pack else registry.packs
    try:
        written = write_docs(packs, Path(args.out))
    except DocsPathError as exc:
        print(f"complaintrules: docs --out {args.out}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(written)} pages under {args.out}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    check_output(args)  # before any input is read: a bad --output is exit 2 at once
    given = policy_source(args)
    policy = given.policy
    organisation = load_organisation(args.organisation) if args.organisation else None
    cases = load_cases(args.cases) if args.cases else None
    engine = command_engine(args)
    as_of, source = judging_date(args, engine)
    waivers = check_waivers(args, engine, as_of)  # expiry judged at the run's as-of date
    # Cases are judged by the Code in force on their own dates unless --pack names one.
    report = engine.evaluate(
        policy=policy, organisation=organisation, cases=cases, pack=args.pack, as_of=as_of
    )
    report = dataclasses.replace(report, as_of_source=source)
    pack = report.packs[0]  # the pack the policy and organisation were judged against
    rules = engine.registry.rules_for(pack)
    out = io.StringIO() if args.output else sys.stdout
    shown = {"waivers": waivers, "failures_only": args.failures_only}
    if args.format == "json":
        print(render_json(report, citations=given.citations, **shown), file=out)
    elif args.format == "text":
        text = render_text(report, rules, verbose=args.verbose, citations=given.citations, **shown)
        print(text, file=out)
        print_disagreements(given, args, out)
    else:
        sources = Sources(
            policy=args.policy,
            organisation=args.organisation,
            cases=args.cases,
            citations=given.citations,
        )
        print(
            render_report(
                args.format,
                report,
                rules,
                sources,
                strict=args.strict,
                no_fail=args.no_fail,
                **shown,
            ),
            file=out,
        )
    if args.format != "text":  # the machine-readable output stays as its schema says
        print_disagreements(given, args, sys.stderr)
    if args.output and isinstance(out, io.StringIO):
        write_atomic(args.output, out.getvalue())
    if args.no_fail:
        return EXIT_OK
    if run_fails(report, waivers, strict=args.strict):
        return EXIT_FAILED
    return EXIT_OK


COMMANDS = {
    "check": _cmd_check,
    "docs": _cmd_docs,
    "packs": _cmd_packs,
    "rules": _cmd_rules,
    "rule": _cmd_rule,
    "schema": _cmd_schema,
    "monitor": lambda args: run_monitor(args, command_engine(args)),
    "cases": lambda args: run_cases(args, command_engine(args)),
    "read-policy": run_read_policy,
    "serve": run_serve,
    **FORM_COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
        if getattr(args, "plugin_clash", False):
            print(
                "complaintrules: a plugin claimed a pack name or rule id that another "
                "distribution owns (see the errors above); remove it or --block its entry "
                "point",
                file=sys.stderr,
            )
            return EXIT_USAGE
        return code
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as shell tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        if not isinstance(exc, _usage_errors()):
            raise
        print(f"complaintrules: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _usage_errors() -> tuple[type[Exception], ...]:
    """The errors a command reports as a usage or input error (exit 2)."""
    found: tuple[type[Exception], ...] = (InputError, NoPackError, CalendarRangeError, OutputError)
    # a missing optional extra (python-docx, openpyxl, jinja2) is raised only by the
    # modules that need it, loaded only by the commands that write such files
    docx = sys.modules.get("complaintrules.reports.docx")
    if docx is not None:
        found += (docx.MissingDependencyError,)
    return found


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
