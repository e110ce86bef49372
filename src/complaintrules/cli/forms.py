"""The ``self-assess`` and ``action-plan`` commands.

Both evaluate the same inputs as ``check`` and write a document. They exit 0 when the
document was written, whatever it says (use ``check`` to fail a build), and 2 on a usage or
input error; they never exit 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from ..io.loading import load_cases, load_organisation
from ..reports.action_plan import ActionPlan, build_action_plan, load_actions
from ..reports.docx import (
    render_form_docx,
    render_plan_docx,
    require_docx,
)
from ..reports.forms import (
    render_form_csv,
    render_form_markdown,
    render_plan_csv,
    render_plan_markdown,
)
from ..reports.html import render_form_html, render_plan_html
from ..reports.output import OutputError, check_destinations, format_for_output, write_atomic
from ..reports.responses import load_responses
from ..reports.self_assessment import SelfAssessmentForm, build_self_assessment
from ..reports.submission import (
    build_submission,
    render_submission_csv,
    render_submission_xlsx,
    require_openpyxl,
)
from ..reports.templates import TEMPLATE_NAMES, render_with_template, require_jinja2
from .common import command_engine, judging_date
from .read_policy import POLICY_HELP, add_document_option, policy_source, print_disagreements

__all__ = ["FORM_COMMANDS", "FORM_FORMATS", "add_form_commands", "add_submission_command"]

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
    fmt = format_for_output("--output", args.output, args.format, _SUFFIX, "markdown")
    if fmt == "docx":
        require_docx()  # before the run: a missing extra is a usage error, found first
    return fmt


def _form(args: argparse.Namespace) -> tuple[SelfAssessmentForm, ActionPlan | None]:
    given = policy_source(args)
    print_disagreements(given, args, sys.stderr)
    policy = given.policy
    organisation = load_organisation(args.organisation) if args.organisation else None
    cases = load_cases(args.cases) if args.cases else None
    actions = load_actions(args.actions) if args.actions else None
    responses = load_responses(args.responses) if args.responses else None
    engine = command_engine(args)
    as_of, source = judging_date(args, engine)
    # Cases are judged by the Code in force on their own dates unless --pack names one.
    report = engine.evaluate(
        policy=policy, organisation=organisation, cases=cases, pack=args.pack, as_of=as_of
    )
    report = dataclasses.replace(report, as_of_source=source)
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
            ("--actions", args.actions),
            ("--responses", args.responses),
            ("--reference-doc", args.reference_doc),
        ],
    )


def _output_format(args: argparse.Namespace) -> str:
    """Everything about the output checked before the run: the destination (never an
    input, in a writable folder), the format, and a Word file's need of --output."""
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


FORM_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "action-plan": _cmd_action_plan,
    "self-assess": _cmd_self_assess,
    "submission": _cmd_submission,
}
