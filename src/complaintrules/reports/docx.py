"""The self-assessment form (and action plan) as a Word document, with python-docx.

python-docx is an optional extra: ``pip install "complaintrules[office]"``. Without it
:func:`render_form_docx` raises :class:`MissingDependencyError` with that instruction.

The document has one table per Code section (the form), then, when a plan is given, one
table per part of the action plan. As landlords publish the form: pages are landscape and
numbered ("Page 3 of 12"), each table's column widths are fitted to what its columns hold,
its header row repeats on every page and no row is split across pages.

A landlord's own Word document can serve as the reference (``reference=``): its styles,
page size, margins, headers and footers (a logo, say) are kept and its body is replaced by
the form, so the house style needs no code.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..io.loading import InputError, InputProblem
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
from .responses import EvidenceItem
from .self_assessment import COLUMNS, Comply, FormRow, SelfAssessmentForm

__all__ = [
    "MissingDependencyError",
    "add_form",
    "add_picture",
    "add_table",
    "fit_widths",
    "new_document",
    "render_form_docx",
    "render_plan_docx",
    "require_docx",
    "save_document",
]

_COMPLY_RGB = {
    Comply.YES: (0x1B, 0x7F, 0x3B),
    Comply.NO: (0xB4, 0x23, 0x18),
    Comply.NEEDS_EVIDENCE: (0xA1, 0x5C, 0x00),
    Comply.NOT_APPLICABLE: (0x6B, 0x72, 0x80),
}
_HEADER_FILL = "16325C"
#: Width of one character of the body text (Arial 9.5 pt) and a cell's side padding, in cm.
_CHAR_CM = 0.19
_PADDING_CM = 0.45
#: Room above and below a cell's text, in twentieths of a point (1.5 pt).
_CELL_MARGIN_TWIPS = 30
#: A word longer than this may wrap inside itself rather than widen its column further.
_LONGEST_WORD = 22


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


def _lines_needed(lengths: Sequence[int], width: float) -> float:
    """About how many lines a cell's paragraphs of ``lengths`` characters take at ``width``
    cm (fractional, so that every bit of width given to a long cell counts)."""
    chars = max(1.0, (width - _PADDING_CM) / _CHAR_CM)
    return sum(max(1.0, n / chars) for n in lengths)


def fit_widths(rows: Sequence[Sequence[str]], total: float) -> list[float]:
    """Column widths (cm) summing to ``total`` for a table of ``rows`` (header first).

    Each column gets at least room for its longest word and at most room for its longest
    line. Between those, the width left goes, a step at a time, to the column where it
    shortens the table most (a row is as tall as its tallest cell), so the room goes where
    rows are tall, not simply to the column holding the most text: in the action plan a
    column of actions is not squeezed by a longer commentary beside it, and a column of
    "Yes"/"No" stays narrow. Width no column can use is shared by the text each holds.
    """
    columns = list(zip(*rows, strict=True))
    low, high, weight = [], [], []
    for cells in columns:
        lines = [line for cell in cells for line in cell.split("\n")]
        words = [len(w) for line in lines for w in line.split()] or [1]
        longest_line = max((len(line) for line in lines), default=1)
        most = longest_line * _CHAR_CM + _PADDING_CM
        high.append(most)
        low.append(min(min(max(words), _LONGEST_WORD) * _CHAR_CM + _PADDING_CM, most))
        weight.append(float(sum(len(c) for c in cells[1:]) + len(cells[0])) or 1.0)
    if sum(low) >= total:  # too many columns to fit: shrink the minimums alike
        return [total * w / sum(low) for w in low]
    body = [[[len(line) for line in cell.split("\n")] for cell in row] for row in rows]
    width = list(low)
    tall = [[_lines_needed(cell, width[j]) for j, cell in enumerate(row)] for row in body]
    left = total - sum(width)
    step = 0.1
    while left > 1e-9:
        grant = min(step, left)
        best: tuple[float, int] | None = None
        for j in range(len(columns)):
            if width[j] + grant > high[j] + 1e-9:
                continue
            gain = 0.0
            for i, row in enumerate(body):
                others = max((tall[i][k] for k in range(len(columns)) if k != j), default=0.0)
                now = max(tall[i][j], others)
                gain += now - max(_lines_needed(row[j], width[j] + grant), others)
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, j)
        if best is None:  # no row gets shorter
            break
        j = best[1]
        width[j] += grant
        left -= grant
        for i, row in enumerate(body):
            tall[i][j] = _lines_needed(row[j], width[j])
    if left > 1e-9:  # every row is as short as it gets: share out what is left
        width = [w + left * weight[j] / sum(weight) for j, w in enumerate(width)]
    return width


def _open_reference(path: str | Path) -> Any:
    """The landlord's reference document, its body emptied (styles, headers kept)."""
    docx = _docx()
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn

    p = Path(path)
    if not p.is_file():
        raise InputError(p, [InputProblem("", "no such file (the --reference-doc to use)")])
    try:
        document = docx.Document(str(p))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, PackageNotFoundError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(
            p, [InputProblem("", f"not a Word document (.docx) to use as reference: {why}")]
        ) from None
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _new_document(reference: str | Path | None = None) -> Any:
    docx = _docx()
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    if reference is not None:
        document = _open_reference(reference)
        section = document.sections[-1]
        if section.page_width < section.page_height:  # the form's tables need landscape
            section.page_width, section.page_height = section.page_height, section.page_width
        section.orientation = WD_ORIENT.LANDSCAPE
    else:
        document = docx.Document()
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.5))
        normal = document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(9.5)
    _page_numbers(section)
    return document


def _field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"  # shown until the reader updates the field
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_numbers(section: Any) -> None:
    """ "Page N of M" in the footer, unless the reference document's footer numbers pages."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = section.footer
    if "PAGE" in footer._element.xml:
        return
    paragraph = footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _field(paragraph, " PAGE ")
    paragraph.add_run(" of ")
    _field(paragraph, " NUMPAGES ")


def _usable_width_cm(document: Any) -> float:
    from docx.shared import Emu

    section = document.sections[-1]
    width = section.page_width - (section.left_margin or 0) - (section.right_margin or 0)
    return float(Emu(width).cm)


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


def _keep_whole(row: Any) -> None:
    """A row is never split across two pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    split = OxmlElement("w:cantSplit")
    split.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(split)


def _cell_margins(table: Any) -> None:
    """A little room above and below each cell's text (Word's default is none, and the
    text then touches the row's lines); the left and right margins stay Word's."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "bottom"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(_CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = properties.find(qn("w:tblLook"))
    if look is not None:  # the schema wants the margins before tblLook
        look.addprevious(margins)
    else:
        properties.append(margins)


def _table(document: Any, columns: Sequence[str], widths: Sequence[float]) -> Any:
    from docx.shared import Cm, RGBColor

    table = document.add_table(rows=1, cols=len(columns))
    table.style = _style(document, "Table Grid")
    table.autofit = False
    _cell_margins(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    header = table.rows[0]
    _repeat_header(header)
    _keep_whole(header)
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

    _keep_whole(row)
    for cell, text, width in zip(row.cells, texts, widths, strict=True):
        cell.width = Cm(width)
        lines = _x(text).split("\n")
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def _hyperlink(paragraph: Any, text: str, address: str) -> None:
    """``text`` as a link to ``address`` (blue, underlined), at the paragraph's end."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    relation = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    run.append(properties)
    words = OxmlElement("w:t")
    words.set(qn("xml:space"), "preserve")
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def _evidence_paragraph(cell: Any, item: EvidenceItem | str) -> None:
    """A landlord's evidence item: its title a link to its address, which follows in
    brackets too, for a printed copy; a line of plain text as written."""
    if isinstance(item, str) or item.link is None:
        cell.add_paragraph(_x(item if isinstance(item, str) else item.title))
        return
    paragraph = cell.add_paragraph()
    _hyperlink(paragraph, _x(item.title), str(item.link))
    paragraph.add_run(_x(f" ({item.link})"))


def _labelled(cell: Any, landlord: Sequence[EvidenceItem | str], ours: str) -> None:
    """A cell holding the landlord's words under its label, then ours under our label."""
    from docx.shared import RGBColor

    if not landlord:
        return
    cell.text = ""
    first = cell.paragraphs[0]
    label = first.add_run(f"{LANDLORD}:")
    label.bold = True
    for item in landlord:
        _evidence_paragraph(cell, item)
    if ours:
        run = cell.add_paragraph().add_run(f"{COMPUTED}:")
        run.bold = True
        for line in _x(ours).split("\n"):
            text = cell.add_paragraph().add_run(line)
            text.font.color.rgb = RGBColor(0x5B, 0x64, 0x75)


def _add_governance(document: Any, form: SelfAssessmentForm, level: int = 1) -> None:
    for line in GUIDANCE:
        document.add_paragraph(_x(line))
    document.add_heading("Governance", level=level)
    for line in governance_lines(form):
        document.add_paragraph(_x(line), style=_style(document, "List Bullet"))
    document.add_heading("The governing body's response", level=level + 1)
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
    texts = [plan_cells(r) for _, rows in plan.tables for r in rows]
    widths = fit_widths([PLAN_COLUMNS, *texts], _usable_width_cm(document))
    for heading, rows in plan.tables:
        document.add_heading(_x(heading), level=2)
        table = _table(document, PLAN_COLUMNS, widths)
        for plan_row in rows:
            _fill(table.add_row(), plan_cells(plan_row), widths)


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _form_cells(row: FormRow) -> tuple[str, str, str, str, str]:
    landlord = [evidence_item_text(e) for e in row.landlord_evidence]
    commentary = [row.landlord_commentary] if row.landlord_commentary else []
    return (
        f"{row.provision}\n{row.rule_id}",
        row.requirement,
        row.comply.value,
        "\n".join([*landlord, *row.evidence]),
        "\n".join([*commentary, row.commentary]),
    )


def render_form_docx(
    form: SelfAssessmentForm,
    plan: ActionPlan | None = None,
    *,
    reference: str | Path | None = None,
) -> bytes:
    """The form as a .docx file's bytes: one table per Code section. ``reference`` is a
    Word document whose styles, page setup, headers and footers the form takes."""
    # first: it says how to install python-docx when it is missing
    document = _new_document(reference)
    document.core_properties.title = _x(form.title)
    document.core_properties.subject = _x(form.pack.title)
    add_form(document, form, level=0)
    if plan is not None:
        document.add_page_break()
        _add_plan(document, plan)
    return _save(document)


def _add_monthly(document: Any, form: SelfAssessmentForm, level: int) -> None:
    """The on-time rates by month as a chart (as in HTML; months after the form's date
    are not plotted); without matplotlib, each provision's total and a note saying why."""
    from .charts import MISSING_MONTHLY, WIDTH_CM, monthly_plotted, monthly_png

    plotted, caption = monthly_plotted(form)
    png = monthly_png(plotted)
    heading = document.add_heading("On-time rates by month", level=level)
    heading.paragraph_format.keep_with_next = True  # with its chart
    if png is not None:
        add_picture(document, png, caption, width_cm=WIDTH_CM)
        return
    document.add_paragraph(MISSING_MONTHLY)
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


def add_form(document: Any, form: SelfAssessmentForm, *, level: int = 0) -> None:
    """The form added to ``document``, its title a heading of ``level`` (0: the title; 1:
    appended to another document) and its sections one level below."""
    from docx.shared import RGBColor

    sub = level + 1
    document.add_heading(_x(form.title), level=level)
    _add_governance(document, form, level=sub)
    document.add_heading("About this form", level=sub)
    for line in form_intro(form):
        document.add_paragraph(_x(line))
    if form.monthly:
        _add_monthly(document, form, sub + 1)
    # one set of widths for every section's table, fitted to all their rows
    widths = fit_widths(
        [COLUMNS, *(_form_cells(r) for s in form.all_sections for r in s.rows)],
        _usable_width_cm(document),
    )
    for section in form.all_sections:
        document.add_heading(_x(section.title), level=sub)
        table = _table(document, COLUMNS, widths)
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
                widths,
            )
            _labelled(
                cells.cells[3],
                row.landlord_evidence,
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


def new_document(reference: str | Path | None = None) -> Any:
    """A landscape Word document with numbered pages (``reference``'s styles and page
    setup when given); raises :class:`MissingDependencyError` without python-docx."""
    return _new_document(reference)


def add_table(document: Any, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A table as the form's: widths fitted to its text, header repeated on each page,
    no row split across pages."""
    widths = fit_widths([columns, *rows], _usable_width_cm(document))
    table = _table(document, columns, widths)
    for row in rows:
        _fill(table.add_row(), row, widths)
    return table


def add_picture(
    document: Any, png: bytes, caption: str, *, width_cm: float, keep_with_next: bool = False
) -> None:
    """A picture ``width_cm`` wide (at most the page's text width), its caption below and
    on the same page; ``keep_with_next`` keeps the caption on the page of what follows."""
    from docx.shared import Cm

    width = Cm(min(width_cm, _usable_width_cm(document)))
    picture = document.add_paragraph()
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(png), width=width)
    below = document.add_paragraph(_x(caption), style=_style(document, "Caption"))
    below.paragraph_format.keep_with_next = keep_with_next


def save_document(document: Any) -> bytes:
    return _save(document)


def render_plan_docx(plan: ActionPlan, *, reference: str | Path | None = None) -> bytes:
    """The action plan alone as a .docx file's bytes (``reference`` as for the form)."""
    document = _new_document(reference)
    document.core_properties.title = _x(plan.name or f"Action plan: {plan.landlord}")
    _add_plan(document, plan)
    return _save(document)
