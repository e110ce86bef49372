"""The forms in a landlord's own house style: HTML and Markdown from Jinja2 templates.

``complaintrules self-assess ... --template-dir DIR`` renders the self-assessment with
``DIR/form.html.j2`` (or ``form.md.j2``), and ``action-plan`` with ``plan.html.j2`` (or
``plan.md.j2``), instead of the built-in layout. Jinja2 is an optional extra:
``pip install "complaintrules[templates]"``. Starting points are in ``examples/templates``.

Templates run in Jinja2's sandbox, with every name they use required to exist (a typo is an
error naming the template and line, not an empty space on the form). In HTML templates every
value is escaped unless it is already HTML (``css``, ``chart``); Markdown templates escape
text with the ``md`` filter (``{{ row.requirement | md }}``), and ``md_link`` writes a
landlord's evidence item as a link.

What a template is given (see docs/policy-writers.md for the list with examples):
``form`` (the :class:`~.self_assessment.SelfAssessmentForm`: ``title``, ``landlord``,
``pack``, ``as_of``, ``all_sections`` with their ``rows``), ``plan`` (the
:class:`~.action_plan.ActionPlan`, or none), ``plan_tables`` (each part of the plan as a
heading and rows of cells, one per ``plan_columns``), ``guidance``, ``governance``,
``response``, ``intro`` (lists of sentences), ``tally`` (number of rows per Comply
value), ``columns``, ``plan_columns``, ``landlord_label``, ``computed_label``, and for HTML
``css`` (the built-in stylesheet) and ``chart`` (the monthly on-time chart).

``annual-report ... --template-dir DIR`` renders ``annual.html.j2`` (or ``annual.md.j2``)
with, besides ``form`` (the appended self-assessment) and the names above: ``report``
(the :class:`~.annual.AnnualReport`), ``sections`` (each with ``key``, ``title``,
``lines`` and ``tables``, each table with ``caption``, ``columns`` and ``rows``),
``report_intro``, ``report_governance`` (lists of sentences) and, for HTML,
``trend_charts`` (the SVG charts) and ``form_html`` (the self-assessment as HTML).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..io.loading import InputError, InputProblem
from .action_plan import ActionPlan
from .annual import AnnualReport
from .annual_render import ANNUAL_CSS, trend_charts
from .docx import MissingDependencyError
from .escaping import markdown_text
from .forms import (
    COMPUTED,
    GUIDANCE,
    LANDLORD,
    PLAN_COLUMNS,
    form_intro,
    governance_lines,
    plan_cells,
    response_lines,
)
from .html import CSS, chart_block, form_body
from .responses import EvidenceItem
from .self_assessment import COLUMNS, SelfAssessmentForm

__all__ = ["TEMPLATE_NAMES", "render_with_template", "require_jinja2"]

#: The template each command and format reads from --template-dir.
TEMPLATE_NAMES = {
    ("self-assess", "html"): "form.html.j2",
    ("self-assess", "markdown"): "form.md.j2",
    ("action-plan", "html"): "plan.html.j2",
    ("action-plan", "markdown"): "plan.md.j2",
    ("annual-report", "html"): "annual.html.j2",
    ("annual-report", "markdown"): "annual.md.j2",
}


def _jinja2() -> Any:
    try:
        import jinja2
        import jinja2.sandbox
    except ImportError:
        raise MissingDependencyError(
            'rendering with --template-dir needs Jinja2: pip install "complaintrules[templates]"'
        ) from None
    return jinja2


def require_jinja2() -> None:
    """Raise :class:`MissingDependencyError` (with the install command) without Jinja2."""
    _jinja2()


def _md_link(item: EvidenceItem) -> str:
    title = markdown_text(item.title).replace("[", "\\[").replace("]", "\\]")
    if item.link is None:
        return title
    url = str(item.link).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{title}]({markdown_text(url)})"


def _context(
    form: SelfAssessmentForm | None,
    plan: ActionPlan | None,
    html: bool,
    annual: AnnualReport | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "form": form,
        "plan": plan,
        "plan_tables": [
            (title, [dict(zip(PLAN_COLUMNS, plan_cells(row), strict=True)) for row in rows])
            for title, rows in plan.tables
        ]
        if plan is not None
        else [],
        "guidance": list(GUIDANCE),
        "columns": list(COLUMNS),
        "plan_columns": list(PLAN_COLUMNS),
        "landlord_label": LANDLORD,
        "computed_label": COMPUTED,
    }
    if form is not None:
        context |= {
            "governance": governance_lines(form),
            "response": response_lines(form),
            "intro": form_intro(form),
            "tally": {c.value: n for c, n in form.tally().items()},
        }
    if annual is not None:
        context |= {
            "report": annual,
            "sections": annual.sections(),
            "report_governance": annual.governance_lines(),
            "report_intro": annual.intro(),
        }
    if html:
        from markupsafe import Markup  # Jinja2's own dependency: already HTML, not escaped

        context["css"] = Markup(CSS + (ANNUAL_CSS if annual is not None else ""))
        context["chart"] = Markup(chart_block(form) if form is not None else "")
        if annual is not None:
            context["trend_charts"] = Markup(trend_charts(annual))
            context["form_html"] = Markup(form_body(annual.form))
    return context


def render_with_template(
    template_dir: str | Path,
    name: str,
    *,
    form: SelfAssessmentForm | None = None,
    plan: ActionPlan | None = None,
    annual: AnnualReport | None = None,
) -> str:
    """Render ``template_dir/name`` with the form and plan (or the annual report); errors
    name the file and line."""
    jinja2 = _jinja2()
    folder = Path(template_dir)
    path = folder / name
    if not folder.is_dir():
        raise InputError(folder, [InputProblem("", "no such folder (--template-dir)")])
    if not path.is_file():
        raise InputError(
            path, [InputProblem("", f"no template {name} in the --template-dir; add one")]
        )
    html = name.endswith(".html.j2")
    environment = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = lambda text: markdown_text(str(text))
    environment.filters["md_link"] = _md_link
    try:
        template = environment.get_template(name)
        return str(template.render(**_context(form, plan, html, annual)))
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else path
        raise InputError(where, [InputProblem("", exc.message or str(exc), exc.lineno)]) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(path, [InputProblem("", f"the template failed: {exc}")]) from None
