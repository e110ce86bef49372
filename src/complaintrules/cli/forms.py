"""The ``self-assess`` and ``action-plan`` commands.

Both evaluate the same inputs as ``check`` and write a document. They exit 0 when the
document was written, whatever it says (use ``check`` to fail a build), and 2 on a usage or
input error; they never exit 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ..io.loading import MAX_PROBLEMS, InputError, InputProblem, load_cases, load_organisation
from ..law.packs import Pack
from ..law.rules import Finding
from ..model.case import Complaint
from ..reports.output import OutputError, check_destinations, format_for_output, write_atomic
from ..reports.practice import PracticeBasis, PracticeSummary, practice_summary
from .common import command_engine, judging_date
from .read_policy import POLICY_HELP, add_document_option, policy_source, print_disagreements

if TYPE_CHECKING:  # each form's modules are loaded by its own command only
    from ..reports.action_plan import ActionPlan
    from ..reports.self_assessment import SelfAssessmentForm

__all__ = [
    "FORM_COMMANDS",
    "FORM_FORMATS",
    "add_annual_report_command",
    "add_form_commands",
    "add_submission_command",
]

FORM_FORMATS = ("markdown", "html", "csv", "docx")
EXIT_OK = 0

_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".docx": "docx",
}


def add_form_commands(
    sub: Any,
    date_type: Callable[[str], date],
    add_conventions: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``self-assess`` and ``action-plan`` on the CLI's subparsers."""
    form = sub.add_parser(
        "self-assess",
        help="the Ombudsman's self-assessment form, pre-filled from the findings",
        description=(
            "Evaluate the inputs and write the self-assessment form: one table per Code "
            "section (provision, requirement, comply, evidence, commentary). With --actions "
            "the action plan follows it. Exit 0 when written, 2 on a usage or input error."
        ),
    )
    plan = sub.add_parser(
        "action-plan",
        help="the action plan for provisions that do not comply",
        description=(
            "Evaluate the inputs and write the action plan (ref, requirement, commentary, "
            "actions, timescales, lead) for every provision that does not comply, with "
            "actions read from the landlord's actions file. Exit 0 when written, 2 on a usage "
            "or input error."
        ),
    )
    for parser, actions_required in ((form, False), (plan, True)):
        parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
        add_document_option(parser)
        parser.add_argument("--organisation", metavar="ORG", help="organisation file")
        parser.add_argument("--cases", metavar="CASES", help="cases file (YAML/JSON list)")
        parser.add_argument("--pack", help="pack to judge against (default: the newest Code)")
        parser.add_argument(
            "--as-of",
            type=date_type,
            metavar="YYYY-MM-DD",
            help="judge everything as of this date (default: today in UK time)",
        )
        parser.add_argument(
            "--actions",
            metavar="ACTIONS",
            required=actions_required,
            help="the landlord's actions file (YAML/JSON): provision, action, timescale, lead",
        )
        parser.add_argument(
            "--responses",
            metavar="RESPONSES",
            help="the landlord's own evidence (title, link) and commentary per provision, and "
            "the governing body's response (YAML/JSON; `complaintrules schema responses`)",
        )
        parser.add_argument(
            "--format",
            choices=FORM_FORMATS,
            help="markdown (default), html, csv or docx; default from --output's suffix "
            "(.md, .html, .csv, .docx; another suffix, or one for another format, is refused)",
        )
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="write here (needed for docx); else stdout"
        )
        parser.add_argument(
            "--template-dir",
            metavar="DIR",
            help="HTML and Markdown output: render with your own Jinja2 templates from DIR "
            f"({'form' if parser is form else 'plan'}.html.j2, "
            f"{'form' if parser is form else 'plan'}.md.j2; see examples/templates)",
        )
        parser.add_argument(
            "--reference-doc",
            metavar="DOCX",
            help="Word output: take styles, page setup, headers and footers (a logo) from "
            "this .docx; its body is replaced by the form",
        )
        add_conventions(parser)
    _add_practice_options(form)


def _period(text: str) -> Any:
    from ..reports.annual import parse_period

    try:
        return parse_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_practice_options(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """--period and --practice-basis: which cases the practice figures count (issue 15)."""
    parser.add_argument(
        "--period",
        type=_period,
        required=required,
        metavar="PERIOD",
        help="the reporting period: 2025 (April 2025 to March 2026), 2025-Q1, or "
        "2025-04-01:2026-03-31 (whole months)"
        + ("" if required else "; the practice figures count only its cases"),
    )
    parser.add_argument(
        "--practice-basis",
        choices=[b.value for b in PracticeBasis],
        default=PracticeBasis.RECEIVED.value,
        help="practice figures for cases received (default) or resolved (closed, else last "
        "response issued) in the period; stated on the form",
    )


_SUBMISSION_SUFFIX = {".csv": "csv", ".xlsx": "xlsx"}


def add_submission_command(
    sub: Any,
    date_type: Callable[[str], date],
    add_conventions: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``submission``: the Ombudsman's annual submission as CSV or .xlsx."""
    parser = sub.add_parser(
        "submission",
        help="the Ombudsman's annual submission: organisation details and comply per provision",
        description=(
            "Evaluate the inputs as self-assess does and write the annual submission: the "
            "organisation's details and Yes/No/N/A per provision ('Evidence needed' is "
            "submitted as No, noted), as CSV or an Excel workbook (.xlsx). Exit 0 when "
            "written, 2 on a usage or input error."
        ),
    )
    parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    add_document_option(parser)
    parser.add_argument(
        "--organisation", metavar="ORG", required=True, help="organisation file (YAML/JSON)"
    )
    parser.add_argument("--cases", metavar="CASES", help="cases file (YAML/JSON list)")
    parser.add_argument("--pack", help="pack to judge against (default: the newest Code)")
    parser.add_argument(
        "--as-of",
        type=date_type,
        metavar="YYYY-MM-DD",
        help="judge everything as of this date (default: today in UK time)",
    )
    parser.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help="csv (default) or xlsx; default from --output's suffix (.csv, .xlsx)",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write here (needed for xlsx); else stdout"
    )
    parser.set_defaults(actions=None, responses=None, reference_doc=None, template_dir=None)
    add_conventions(parser)


def _cmd_submission(args: argparse.Namespace) -> int:
    from ..reports.submission import (
        build_submission,
        render_submission_csv,
        render_submission_xlsx,
        require_openpyxl,
    )

    _check_output(args)
    fmt = format_for_output("--output", args.output, args.format, _SUBMISSION_SUFFIX, "csv")
    if fmt == "xlsx":
        require_openpyxl()  # before the run: a missing extra is a usage error, found first
        if not args.output:
            raise OutputError("--format xlsx needs --output FILE.xlsx")
    form, _ = _form(args)
    organisation = load_organisation(args.organisation)
    submission = build_submission(form, organisation)
    content: str | bytes
    if fmt == "xlsx":
        content = render_submission_xlsx(submission)
    else:
        content = render_submission_csv(submission)
    return _write(args, fmt, content)


def _format(args: argparse.Namespace) -> str:
    """--format, else --output's suffix; a suffix that is not the format's is refused."""
    from ..reports.docx import require_docx

    fmt = format_for_output("--output", args.output, args.format, _SUFFIX, "markdown")
    if fmt == "docx":
        require_docx()  # before the run: a missing extra is a usage error, found first
    return fmt


def _form(args: argparse.Namespace) -> tuple[SelfAssessmentForm, ActionPlan | None]:
    from ..reports.action_plan import build_action_plan, load_actions
    from ..reports.responses import load_responses
    from ..reports.self_assessment import build_self_assessment

    given = policy_source(args)
    print_disagreements(given, args, sys.stderr)
    policy = given.policy
    organisation = load_organisation(args.organisation) if args.organisation else None
    cases = _cases(args) if args.cases else None
    actions = load_actions(args.actions) if args.actions else None
    responses = load_responses(args.responses) if args.responses else None
    engine = command_engine(args)
    as_of, source = judging_date(args, engine)
    # Cases are judged by the Code in force on their own dates unless --pack names one.
    report = engine.evaluate(
        policy=policy, organisation=organisation, cases=cases, pack=args.pack, as_of=as_of
    )
    report = dataclasses.replace(report, as_of_source=source)
    practice = _practice(args, report.findings, report.packs, cases, as_of)
    args.evaluated = (engine, cases, organisation, as_of, practice)  # for annual-report
    pack = report.packs[0]  # the pack the policy and organisation were judged against
    form = build_self_assessment(
        report,
        engine.registry.rules_for(pack),
        pack=pack,
        policy=policy,
        organisation=organisation,
        cases=cases,
        generated_on=engine.today(),
        citations=given.citations,
        responses=responses,
        responses_path=args.responses,
        practice=practice,
    )
    plan = build_action_plan(form, actions, path=args.actions) if actions is not None else None
    return form, plan


def _write(args: argparse.Namespace, fmt: str, content: str | bytes) -> int:
    if args.output:
        write_atomic(args.output, content)
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
        return EXIT_OK
    assert isinstance(content, str)  # a Word file always has --output (_output_format)
    sys.stdout.write(content)
    return EXIT_OK


def _check_output(args: argparse.Namespace) -> None:
    """Before the run: the output must not be an input, and its folder must be writable."""
    check_destinations(
        [("--output", args.output)],
        [
            ("POLICY", args.policy),
            ("--document", args.document),
            ("--organisation", args.organisation),
            ("--cases", args.cases),
            ("--mapping", getattr(args, "mapping", None)),  # annual-report only
            ("--actions", args.actions),
            ("--responses", args.responses),
            ("--reference-doc", args.reference_doc),
        ],
    )


def _output_format(args: argparse.Namespace) -> str:
    """Everything about the output checked before the run: the destination (never an
    input, in a writable folder), the format, and a Word file's need of --output."""
    from ..reports.templates import require_jinja2

    _check_output(args)
    fmt = _format(args)
    if fmt == "docx" and not args.output:
        raise OutputError("--format docx needs --output FILE.docx")
    if args.reference_doc and fmt != "docx":
        raise OutputError(f"--reference-doc is for Word output; the format is {fmt}")
    if args.template_dir:
        if fmt not in ("html", "markdown"):
            raise OutputError(
                f"--template-dir is for HTML and Markdown output; the format is {fmt}"
            )
        require_jinja2()
    return fmt


def _cmd_self_assess(args: argparse.Namespace) -> int:
    from ..reports.docx import render_form_docx
    from ..reports.forms import render_form_csv, render_form_markdown
    from ..reports.html import render_form_html
    from ..reports.templates import TEMPLATE_NAMES, render_with_template

    fmt = _output_format(args)
    form, plan = _form(args)
    content: str | bytes
    if args.template_dir:
        name = TEMPLATE_NAMES["self-assess", fmt]
        content = render_with_template(args.template_dir, name, form=form, plan=plan)
    elif fmt == "html":
        content = render_form_html(form, plan)
    elif fmt == "csv":
        content = render_form_csv(form, plan)
    elif fmt == "docx":
        content = render_form_docx(form, plan, reference=args.reference_doc)
    else:
        content = render_form_markdown(form, plan)
    return _write(args, fmt, content)


def _cmd_action_plan(args: argparse.Namespace) -> int:
    from ..reports.docx import render_plan_docx
    from ..reports.forms import render_plan_csv, render_plan_markdown
    from ..reports.html import render_plan_html
    from ..reports.templates import TEMPLATE_NAMES, render_with_template

    fmt = _output_format(args)
    form, plan = _form(args)
    assert plan is not None  # --actions is required
    content: str | bytes
    if args.template_dir:
        name = TEMPLATE_NAMES["action-plan", fmt]
        content = render_with_template(args.template_dir, name, form=form, plan=plan)
    elif fmt == "html":
        content = render_plan_html(plan)
    elif fmt == "csv":
        content = render_plan_csv(plan)
    elif fmt == "docx":
        content = render_plan_docx(plan, reference=args.reference_doc)
    else:
        content = render_plan_markdown(plan)
    return _write(args, fmt, content)


# -- the annual complaints report (issue 15 items 5 and 6) ---------------------------------

_ANNUAL_FORMATS = ("markdown", "html", "docx", "json")
_ANNUAL_SUFFIX = {**{k: v for k, v in _SUFFIX.items() if v != "csv"}, ".json": "json"}
#: Case files read as a CRM export (with --mapping), not as a YAML/JSON list of cases.
_EXPORTS = (".csv", ".jsonl", ".ndjson", ".parquet")


def _cases(args: argparse.Namespace) -> list[Complaint]:
    """The cases file: a YAML/JSON list, or for annual-report a CRM export read with
    --mapping (a row that does not validate is an error naming its row and column)."""
    from ..io.tabular import read_cases

    mapping = getattr(args, "mapping", None)
    if args.command != "annual-report" or (
        mapping is None and not args.cases.lower().endswith(_EXPORTS)
    ):
        return load_cases(args.cases)
    cases, problems = [], []
    for row in read_cases(args.cases, mapping):
        if row.case is not None:
            cases.append(row.case)
        problems += [InputProblem(f"row {p.row}", f"{p.column}: {p.reason}") for p in row.problems]
    if problems:
        raise InputError(args.cases, problems[:MAX_PROBLEMS])
    return cases


def _practice(
    args: argparse.Namespace,
    findings: Sequence[Finding],
    packs: Sequence[Pack],
    cases: Sequence[Complaint] | None,
    as_of: date,
) -> PracticeSummary | None:
    if cases is None:
        return None
    period = getattr(args, "period", None)
    now = [s.case for s in (c.as_of(as_of) for c in cases) if s.case is not None]
    return practice_summary(
        findings,
        packs,
        now,
        basis=getattr(args, "practice_basis", PracticeBasis.RECEIVED.value),
        period=(period.start, period.end) if period is not None else None,
    )


def add_annual_report_command(
    sub: Any,
    date_type: Callable[[str], date],
    add_conventions: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``annual-report``: the Code's annual complaints report (section 8)."""
    parser = sub.add_parser(
        "annual-report",
        help="the annual complaints performance and service improvement report (Code 8.1)",
        description=(
            "Evaluate the inputs as self-assess does and write the annual complaints "
            "performance and service improvement report for --period: TSM CH01 and CH02 by "
            "tenure, outcomes, escalation, complaints by service area, refusals, the "
            "Ombudsman's determinations, learning, timeliness, month-by-month charts, the "
            "governing body's response and the self-assessment appended. Exit 0 when "
            "written, 2 on a usage or input error."
        ),
    )
    parser.add_argument("policy", metavar="POLICY", help=POLICY_HELP)
    add_document_option(parser)
    parser.add_argument(
        "--organisation", metavar="ORG", required=True, help="organisation file (YAML/JSON)"
    )
    parser.add_argument(
        "--cases",
        metavar="CASES",
        required=True,
        help="cases: a YAML/JSON list, or a CRM export (.csv, .jsonl, .parquet) with --mapping",
    )
    parser.add_argument("--mapping", metavar="MAP", help="column mapping for a CRM export")
    _add_practice_options(parser, required=True)
    parser.add_argument("--pack", help="pack to judge against (default: the newest Code)")
    parser.add_argument(
        "--as-of",
        type=date_type,
        metavar="YYYY-MM-DD",
        help="take the case records as they stood on this date (default: today in UK time)",
    )
    parser.add_argument(
        "--responses",
        metavar="RESPONSES",
        help="the landlord's own evidence and commentary, and the governing body's response",
    )
    parser.add_argument(
        "--format",
        choices=_ANNUAL_FORMATS,
        help="markdown (default), html, docx or json; default from --output's suffix",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write here (needed for docx); else stdout"
    )
    parser.add_argument(
        "--template-dir",
        metavar="DIR",
        help="HTML and Markdown output: render with annual.html.j2 or annual.md.j2 from DIR",
    )
    parser.add_argument(
        "--reference-doc", metavar="DOCX", help="Word output: take the house style from this .docx"
    )
    parser.set_defaults(actions=None)
    add_conventions(parser)


def _cmd_annual_report(args: argparse.Namespace) -> int:
    from ..reports.annual import build_annual_report
    from ..reports.annual_render import (
        render_annual_docx,
        render_annual_html,
        render_annual_json,
        render_annual_markdown,
    )
    from ..reports.docx import require_docx
    from ..reports.templates import TEMPLATE_NAMES, render_with_template, require_jinja2

    _check_output(args)
    fmt = format_for_output("--output", args.output, args.format, _ANNUAL_SUFFIX, "markdown")
    if fmt == "docx":
        require_docx()
        if not args.output:
            raise OutputError("--format docx needs --output FILE.docx")
    if args.reference_doc and fmt != "docx":
        raise OutputError(f"--reference-doc is for Word output; the format is {fmt}")
    if args.template_dir:
        if fmt not in ("html", "markdown"):
            raise OutputError(
                f"--template-dir is for HTML and Markdown output; the format is {fmt}"
            )
        require_jinja2()
    form, _ = _form(args)
    engine, cases, organisation, as_of, practice = args.evaluated
    annual = build_annual_report(
        cases,
        period=args.period,
        form=form,
        practice=practice,
        engine=engine,
        organisation=organisation,
        as_of=as_of,
        pack=args.pack,
        generated_on=engine.today(),
    )
    content: str | bytes
    if args.template_dir:
        name = TEMPLATE_NAMES["annual-report", fmt]
        content = render_with_template(args.template_dir, name, form=form, annual=annual)
    elif fmt == "html":
        content = render_annual_html(annual)
    elif fmt == "docx":
        content = render_annual_docx(annual, reference=args.reference_doc)
    elif fmt == "json":
        content = render_annual_json(annual)
    else:
        content = render_annual_markdown(annual)
    return _write(args, fmt, content)


FORM_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "action-plan": _cmd_action_plan,
    "annual-report": _cmd_annual_report,
    "self-assess": _cmd_self_assess,
    "submission": _cmd_submission,
}
