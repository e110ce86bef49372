"""The self-assessment form and action plan as Markdown and CSV."""

from __future__ import annotations

from collections.abc import Sequence

from .action_plan import NO_ACTION, ActionItem, ActionPlan, PlanRow, landlord_says
from .escaping import csv_text, markdown_text
from .responses import EvidenceItem
from .self_assessment import COLUMNS, NO_EQUIVALENT, Comply, FormRow, SelfAssessmentForm

__all__ = [
    "COMPUTED",
    "GUIDANCE",
    "LANDLORD",
    "PLAN_COLUMNS",
    "evidence_item_text",
    "form_intro",
    "governance_lines",
    "landlord_lines",
    "other_code_notes",
    "plan_cells",
    "render_form_csv",
    "render_form_markdown",
    "render_plan_csv",
    "render_plan_markdown",
    "response_lines",
]

PLAN_COLUMNS = (
    "Ref",
    "Requirement",
    "Commentary",
    "Actions",
    "Timescales",
    "Lead",
    "Status",
    "Completed",
)
#: The plan's columns a form row takes when the form and the plan share one CSV file.
_PLAN_IN_FORM = PLAN_COLUMNS[3:]
#: The CSV columns holding the landlord's own words (the responses file), after ours.
LANDLORD_COLUMNS = ("Landlord evidence", "Landlord commentary")
#: Labels that tell the landlord's words from what the library computed, in every format.
LANDLORD = "Landlord"
COMPUTED = "Checked by complaintrules"

#: What the form is for and how it is completed, in our own words (the Ombudsman's form
#: opens with guidance like this; the Code's own text governs).
GUIDANCE = (
    "The complaints officer fills in this form, and the governing body looks at it and signs "
    "it off at least once a year.",
    "Once signed off, it is published on the landlord's website as part of the annual "
    "complaints performance and service improvement report, together with the governing "
    "body's response to that report.",
    "Every answer is backed by evidence, with commentary where it helps. Where a requirement "
    "cannot be met as written (a landlord without a website, for example), the form says how "
    "its purpose is met another way, such as information put up where residents can see it.",
    f"Evidence and commentary marked '{LANDLORD}' are the landlord's own words; those marked "
    f"'{COMPUTED}' were worked out from the policy, the organisation file and the case "
    "records. The requirements are summarised in our own words; the Code's text governs.",
)


def form_intro(form: SelfAssessmentForm) -> list[str]:
    """The paragraphs above the form, as plain text."""
    scope = []
    if form.policy_name:
        scope.append(f"the complaints policy ({form.policy_name})")
    scope.append("the organisation's governance facts and attestations")
    if form.cases is not None:
        span = f", received {form.period[0]} to {form.period[1]}" if form.period else ""
        scope.append(f"{form.cases} complaint cases{span}")
    tally = form.tally()
    counts = ", ".join(f"{tally[c]} {c.value}" for c in Comply)
    source = f", {form.as_of_source}" if form.as_of_source not in (None, "given") else ""
    lines = [
        f"Self-assessment of {form.landlord} against the {form.pack.title} "
        f"({form.pack.name} {form.pack.version}).",
        f"Pre-filled by complaintrules from {', '.join(scope)}"
        + (f", as of {form.as_of}{source}." if form.as_of else "."),
        f"{len(form.rows)} provisions: {counts}.",
        *(form.practice.lines() if form.practice is not None else []),
        *other_code_notes(form),
        "Rows marked 'Evidence needed' need a person's attestation or facts the files did "
        "not give.",
    ]
    return lines


def governance_lines(form: SelfAssessmentForm) -> list[str]:
    """The governing body's approval, the MRC and the complaints officer, as sentences."""
    return form.governance.lines()


def response_lines(form: SelfAssessmentForm) -> list[str]:
    """The governing body's response (from the responses file), or that none is recorded."""
    response = form.governance.response
    if response is None:
        return ["No response from the governing body is recorded yet (see --responses)."]
    by = response.by or "The governing body"
    on = f" on {response.on}" if response.on else ""
    return [f"{by}{on}:", *response.text.split("\n")]


def evidence_item_text(item: EvidenceItem) -> str:
    """A landlord's evidence item as plain text: its title, then its link if it has one."""
    return f"{item.title} ({item.link})" if item.link else item.title


def landlord_lines(row: FormRow) -> tuple[list[str], str | None]:
    """The landlord's evidence items (plain text) and commentary on ``row``."""
    return [evidence_item_text(e) for e in row.landlord_evidence], row.landlord_commentary


def _md_link(item: EvidenceItem) -> str:
    """A Markdown link; the title's brackets and the address's parentheses escaped."""
    title = _md(item.title)
    if item.link is None:
        return title
    title = title.replace("[", "\\[").replace("]", "\\]")
    url = str(item.link).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{title}]({_md(url)})"


def _md_evidence(row: FormRow) -> str:
    ours = "<br>".join(_md(e) for e in row.evidence)
    if not row.landlord_evidence:
        return ours
    theirs = "<br>".join(_md_link(e) for e in row.landlord_evidence)
    return f"**{LANDLORD}:** {theirs}" + (f"<br>**{COMPUTED}:** {ours}" if ours else "")


def _md_commentary(row: FormRow) -> str:
    ours = _md(row.commentary)
    if row.landlord_commentary is None:
        return ours
    theirs = _md(row.landlord_commentary)
    return f"**{LANDLORD}:** {theirs}" + (f"<br>**{COMPUTED}:** {ours}" if ours else "")


def other_code_notes(form: SelfAssessmentForm) -> list[str]:
    """What the form says when some cases were judged under another Code."""
    lines = []
    for name, title, count in form.other_codes:
        lines.append(
            f"Note: {count} case{'s' if count != 1 else ''} in this period "
            f"{'were' if count != 1 else 'was'} judged under the {title} ({name}), the Code in "
            f"force when {'they were' if count != 1 else 'it was'} received, and "
            f"{'are' if count != 1 else 'is'} shown on the rows of the equivalent provisions "
            f"of the {form.pack.title}; each such row says so."
        )
    if form.no_equivalent:
        refs = ", ".join(row.rule_id for row in form.no_equivalent)
        lines.append(
            f"{len(form.no_equivalent)} provision(s) of another Code have findings but no "
            f"equivalent on this form ({refs}); they are listed under '{NO_EQUIVALENT}'."
        )
    return lines


def _md(text: str) -> str:
    return markdown_text(text)  # names, references and actions come from input files


def render_form_markdown(form: SelfAssessmentForm, plan: ActionPlan | None = None) -> str:
    """One Markdown table per Code section, then the action plan if given."""
    out = [f"# {_md(form.title)}", ""]
    for line in GUIDANCE:
        out += [_md(line), ""]
    out += ["## Governance", ""]
    out += [f"- {_md(line)}" for line in governance_lines(form)]
    out += ["", "### The governing body's response", ""]
    out += [_md(line) + "  " for line in response_lines(form)]
    out += ["", "## About this form", ""]
    for line in form_intro(form):
        out += [_md(line), ""]
    for section in form.all_sections:
        out += [f"## {_md(section.title)}", ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for row in section.rows:
            comply = f"**{row.comply.value}**" if row.comply is Comply.NO else row.comply.value
            out.append(
                f"| {_md(row.provision)} | {_md(row.requirement)} | {comply} | "
                f"{_md_evidence(row)} | {_md_commentary(row)} |"
            )
        out.append("")
    if plan is not None:
        out.append(render_plan_markdown(plan, heading_level=2))
    return "\n".join(out).rstrip() + "\n"


def plan_cells(row: PlanRow) -> tuple[str, ...]:
    """The cells of a plan row, one per :data:`PLAN_COLUMNS`, as plain text (an action a
    line; the landlord's own commentary on its actions follows ours, labelled)."""
    commentary = "\n".join(
        [row.commentary, *(landlord_says(a.commentary) for a in row.actions if a.commentary)]
    )
    return (row.ref, row.requirement, commentary, *_action_cells(row))


def _action_cells(row: PlanRow) -> tuple[str, str, str, str, str]:
    """Actions, timescales, leads, statuses and completion dates: a line per action."""
    if not row.actions:
        return (NO_ACTION, "-", "-", "-", "-")
    shown = set(row.provisions)

    def action(a: ActionItem) -> str:
        # An action shared with provisions outside this row says which.
        return a.action + (f" (for {a.provision})" if set(a.provisions) - shown else "")

    return (
        "\n".join(action(a) for a in row.actions),
        "\n".join(a.timescale or "-" for a in row.actions),
        "\n".join(a.lead or "-" for a in row.actions),
        "\n".join(a.status_text for a in row.actions),
        "\n".join(a.completed_on.isoformat() if a.completed_on else "-" for a in row.actions),
    )


def _plan_table(rows: Sequence[PlanRow]) -> list[str]:
    out = ["| " + " | ".join(PLAN_COLUMNS) + " |", "|" + "---|" * len(PLAN_COLUMNS)]
    for row in rows:
        cells = [_md(c) for c in plan_cells(row)]
        if not row.has_action:
            cells[3] = f"**{cells[3]}**"
        out.append("| " + " | ".join(cells) + " |")
    return out


def render_plan_markdown(plan: ActionPlan, *, heading_level: int = 1) -> str:
    h = "#" * heading_level
    title = plan.name or f"Action plan: {plan.landlord}"
    out = [f"{h} {_md(title)}", ""]
    missing = plan.without_action
    if missing:
        refs = _md(", ".join(r.ref for r in missing))
        out += [f"{len(missing)} non-compliant provision(s) without an action yet: {refs}.", ""]
    if not plan.tables:
        out += ["Every provision complies and no improvement actions are recorded.", ""]
    for title, rows in plan.tables:
        out += [f"{h}# {_md(title)}", "", *_plan_table(rows), ""]
    return "\n".join(out)


def render_form_csv(form: SelfAssessmentForm, plan: ActionPlan | None = None) -> str:
    """One row per provision; the section is a column (spreadsheets have no sub-tables).

    With ``plan``, each row also carries its provision's actions, timescales, leads,
    statuses and completion dates, so one file holds the form and the plan."""
    header: tuple[str, ...] = ("Section", "Rule", *COLUMNS, *LANDLORD_COLUMNS)
    planned: dict[str, tuple[str, ...]] = {}
    if plan is not None:
        header += _PLAN_IN_FORM
        for _, plan_rows in plan.tables:
            for plan_row in plan_rows:
                for provision in plan_row.provisions:
                    planned[provision] = _action_cells(plan_row)
    rows: list[Sequence[str]] = [header]
    no_plan = ("-",) * len(_PLAN_IN_FORM)
    for section in form.all_sections:
        for row in section.rows:
            cells: tuple[str, ...] = (
                section.title,
                row.rule_id,
                row.provision,
                row.requirement,
                row.comply.value,
                "\n".join(row.evidence),
                row.commentary,
                "\n".join(landlord_lines(row)[0]),
                row.landlord_commentary or "",
            )
            if plan is not None:
                cells += planned.get(row.provision, no_plan)
            rows.append(cells)
    return csv_text(rows)


def render_plan_csv(plan: ActionPlan) -> str:
    rows: list[Sequence[str]] = [("Table", *PLAN_COLUMNS, "Comply")]
    for title, plan_rows in plan.tables:
        for row in plan_rows:
            rows.append((title, *plan_cells(row), row.comply.value))
    return csv_text(rows)
