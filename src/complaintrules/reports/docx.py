"""The self-assessment form (and action plan) as a Word document, with python-docx.

python-docx is an optional extra: ``pip install "complaintrules[office]"``. Without it
:func:`render_form_docx` raises :class:`MissingDependencyError` with that instruction.

The document has one table per Code section (the form), then, when a plan is given, one
table per part of the action plan. Pages are A4 landscape, as landlords publish the form.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from .action_plan import ActionPlan
from .escaping import xml_text as _x  # every text from input: Word rejects what XML forbids
from .forms import (
    COMPUTED,
    GUIDANCE,
    LANDLORD,
    PLAN_COLUMNS,
    evidence_item_text,
    form_intro,
    governance_lines,
    plan_cells,
    response_lines,
)
from .self_assessment import COLUMNS, Comply, SelfAssessmentForm

__all__ = ["MissingDependencyError", "render_form_docx", "render_plan_docx", "require_docx"]

_COMPLY_RGB = {
    Comply.YES: (0x1B, 0x7F, 0x3B),
    Comply.NO: (0xB4, 0x23, 0x18),
    Comply.NEEDS_EVIDENCE: (0xA1, 0x5C, 0x00),
    Comply.NOT_APPLICABLE: (0x6B, 0x72, 0x80),
}
_FORM_WIDTHS_CM = (2.0, 7.0, 2.3, 5.8, 9.6)
_PLAN_WIDTHS_CM = (1.6, 5.2, 5.6, 5.6, 2.6, 2.6, 1.9, 1.8)
_HEADER_FILL = "16325C"


class MissingDependencyError(RuntimeError):
    """An optional package needed for this output is not installed."""


def _docx() -> Any:
    try:
        import docx
        import docx.shared  # a broken or partial install fails here, not half-way through
    except ImportError:
        raise MissingDependencyError(
            'writing a Word document needs python-docx: pip install "complaintrules[office]"'
        ) from None
    return docx


def require_docx() -> None:
    """Raise :class:`MissingDependencyError` (with the install command) without python-docx."""
    _docx()


def _new_document() -> Any:
    docx = _docx()
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9.5)
    return document


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document: Any, columns: Sequence[str], widths: Sequence[float]) -> Any:
    from docx.shared import Cm, RGBColor

    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    _repeat_header(header)
    for cell, text, width in zip(header.cells, columns, widths, strict=True):
        cell.width = Cm(width)
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, _HEADER_FILL)
    return table


def _fill(row: Any, texts: Sequence[str], widths: Sequence[float]) -> None:
    from docx.shared import Cm

    for cell, text, width in zip(row.cells, texts, widths, strict=True):
        cell.width = Cm(width)
        lines = _x(text).split("\n")
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def _labelled(cell: Any, landlord: Sequence[str], ours: str) -> None:
    """A cell holding the landlord's words under its label, then ours under our label."""
    from docx.shared import RGBColor

    if not landlord:
        return
    cell.text = ""
    first = cell.paragraphs[0]
    label = first.add_run(f"{LANDLORD}:")
    label.bold = True
    for line in landlord:
        cell.add_paragraph(_x(line))
    if ours:
        run = cell.add_paragraph().add_run(f"{COMPUTED}:")
        run.bold = True
        for line in _x(ours).split("\n"):
            text = cell.add_paragraph().add_run(line)
            text.font.color.rgb = RGBColor(0x5B, 0x64, 0x75)


def _add_governance(document: Any, form: SelfAssessmentForm) -> None:
    for line in GUIDANCE:
        document.add_paragraph(_x(line))
    document.add_heading("Governance", level=1)
    for line in governance_lines(form):
        document.add_paragraph(_x(line), style=_style(document, "List Bullet"))
    document.add_heading("The governing body's response", level=2)
    for line in response_lines(form):
        document.add_paragraph(_x(line))


def _style(document: Any, name: str) -> str | None:
    """``name`` if the document (perhaps a landlord's reference document) has that style."""
    return name if any(s.name == name for s in document.styles) else None


def _add_plan(document: Any, plan: ActionPlan) -> None:
    from docx.shared import RGBColor

    document.add_heading(_x(plan.name or f"Action plan: {plan.landlord}"), level=1)
    missing = plan.without_action
    if missing:
        para = document.add_paragraph()
        run = para.add_run(
            _x(
                f"{len(missing)} non-compliant provision(s) without an action yet: "
                f"{', '.join(r.ref for r in missing)}."
            )
        )
        run.bold = True
        run.font.color.rgb = RGBColor(0xB4, 0x23, 0x18)
    if not plan.tables:
        document.add_paragraph("Every provision complies and no improvement actions are recorded.")
    for heading, rows in plan.tables:
        document.add_heading(_x(heading), level=2)
        table = _table(document, PLAN_COLUMNS, _PLAN_WIDTHS_CM)
        for plan_row in rows:
            _fill(table.add_row(), plan_cells(plan_row), _PLAN_WIDTHS_CM)


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_form_docx(form: SelfAssessmentForm, plan: ActionPlan | None = None) -> bytes:
    """The form as a .docx file's bytes: one table per Code section."""
    document = _new_document()  # first: it says how to install python-docx when it is missing
    from docx.shared import RGBColor

    document.core_properties.title = _x(form.title)
    document.core_properties.subject = _x(form.pack.title)
    document.add_heading(_x(form.title), level=0)
    _add_governance(document, form)
    document.add_heading("About this form", level=1)
    for line in form_intro(form):
        document.add_paragraph(_x(line))
    if form.monthly:
        document.add_heading("On-time rates", level=2)
        by_rule: dict[str, tuple[str, int, int]] = {}
        for m in form.monthly:
            measure, met, judged = by_rule.get(m.rule_id, (m.measure, 0, 0))
            by_rule[m.rule_id] = (measure, met + m.met, judged + m.judged)
        for rule_id, (measure, met, judged) in by_rule.items():
            document.add_paragraph(
                _x(
                    f"{rule_id}: {met} of {judged} {measure} within the Code's timescale "
                    f"({100 * met / judged:.1f}%)"
                ),
                style=_style(document, "List Bullet"),
            )
    for section in form.all_sections:
        document.add_heading(_x(section.title), level=1)
        table = _table(document, COLUMNS, _FORM_WIDTHS_CM)
        for row in section.rows:
            cells = table.add_row()
            _fill(
                cells,
                (
                    f"{row.provision}\n{row.rule_id}",
                    row.requirement,
                    row.comply.value,
                    "\n".join(row.evidence),
                    row.commentary,
                ),
                _FORM_WIDTHS_CM,
            )
            _labelled(
                cells.cells[3],
                [evidence_item_text(e) for e in row.landlord_evidence],
                "\n".join(row.evidence),
            )
            _labelled(
                cells.cells[4],
                [row.landlord_commentary] if row.landlord_commentary else [],
                row.commentary,
            )
            comply_run = cells.cells[2].paragraphs[0].runs[0]
            comply_run.bold = True
            comply_run.font.color.rgb = RGBColor(*_COMPLY_RGB[row.comply])
    if plan is not None:
        document.add_page_break()
        _add_plan(document, plan)
    return _save(document)


def render_plan_docx(plan: ActionPlan) -> bytes:
    """The action plan alone as a .docx file's bytes."""
    document = _new_document()
    document.core_properties.title = _x(plan.name or f"Action plan: {plan.landlord}")
    _add_plan(document, plan)
    return _save(document)
