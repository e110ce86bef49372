"""The annual complaints report as Markdown, HTML (with SVG charts), Word and JSON.

Every format shows the same sections and tables (:meth:`AnnualReport.sections`), then the
governing body's response and the self-assessment, appended.

Charts: the HTML page draws the month-by-month trend as two inline SVG charts (complaints
received each month; the share of responses in time each month), written here, with no
chart library. The Word document shows the same two charts as pictures drawn by
matplotlib (:mod:`.charts`, part of the office extra), each followed by a caption, and
keeps the table of the figures after them, for readers who cannot see the pictures; without
matplotlib it says the charts are left out and why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from .annual import AnnualReport, MonthFigures, ReportSection, ReportTable
from .escaping import markdown_text
from .forms import render_form_markdown
from .html import month_runs

__all__ = [
    "ANNUAL_CSS",
    "render_annual_docx",
    "render_annual_html",
    "render_annual_json",
    "render_annual_markdown",
    "trend_charts",
]

_COLOURS = ("#1f6feb", "#d4631c")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# -- SVG charts ---------------------------------------------------------------------------


def _axes(
    width: int, height: int, left: int, top: int, bottom: int, top_value: float, unit: str = ""
) -> str:
    plot_h = height - top - bottom
    parts = []
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h * (1 - i / 4)
        parts.append(
            f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{"#9aa3b2" if i in (0, 4) else "#e3e7ee"}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{value:g}{unit}</text>'
        )
    return "".join(parts)


def _legend(names: Sequence[str], left: int, y: int) -> str:
    parts = []
    for i, name in enumerate(names):
        x = left + i * 220
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="14" height="8" fill="{_COLOURS[i]}"/>'
            f'<text x="{x + 20}" y="{y - 1}">{_e(name)}</text>'
        )
    return "".join(parts)


def _received_chart(months: Sequence[MonthFigures], width: int = 1080) -> str:
    """Grouped bars: stage 1 and stage 2 complaints received each month."""
    height, left, top, bottom = 300, 52, 16, 64
    plot_w, plot_h = width - left - 20, height - top - bottom
    most = max((max(m.received) for m in months), default=0)
    top_value = max(4, -(-most // 4) * 4)  # a multiple of 4, so the grid lines are whole
    slot = plot_w / max(len(months), 1)
    bar = slot * 0.35
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg" aria-label="Complaints received each month">',
        _axes(width, height, left, top, bottom, top_value),
    ]
    for i, m in enumerate(months):
        x0 = left + i * slot + slot * 0.15
        for k in (0, 1):
            h = plot_h * m.received[k] / top_value
            parts.append(
                f'<rect x="{x0 + k * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{_COLOURS[k]}"><title>{_e(m.month)}: '
                f"{m.received[k]} stage {k + 1} complaint(s) received</title></rect>"
            )
        parts.append(
            f'<text x="{left + (i + 0.5) * slot:.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{_e(m.month)}</text>'
        )
    parts.append(_legend(("Stage 1 received", "Stage 2 received"), left, height - 16))
    parts.append("</svg>")
    return "".join(parts)


def _in_time_chart(months: Sequence[MonthFigures], width: int = 1080) -> str:
    """Lines: the share of stage 1 and stage 2 responses issued in time, by month."""
    height, left, top, bottom = 300, 52, 16, 64
    plot_w, plot_h = width - left - 20, height - top - bottom
    slot = plot_w / max(len(months), 1)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg" '
        'aria-label="Share of responses within the Code\'s timescales each month">',
        _axes(width, height, left, top, bottom, 100, "%"),
    ]
    for k in (0, 1):
        points = [
            (left + (i + 0.5) * slot, top + plot_h * (1 - m.on_time[k] / m.responded[k]), m)
            for i, m in enumerate(months)
            if m.responded[k]
        ]
        # a month with no response is a gap in the line, not a line drawn through it
        for run in month_runs([m.month for _, _, m in points]):
            if len(run) > 1:
                coords = " ".join(f"{points[j][0]:.1f},{points[j][1]:.1f}" for j in run)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{_COLOURS[k]}" '
                    'stroke-width="2.5"/>'
                )
        for x, y, m in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{_COLOURS[k]}"><title>'
                f"{_e(m.month)}: {m.on_time[k]} of {m.responded[k]} stage {k + 1} responses "
                "in time</title></circle>"
            )
    for i, m in enumerate(months):
        parts.append(
            f'<text x="{left + (i + 0.5) * slot:.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{_e(m.month)}</text>'
        )
    parts.append(_legend(("Stage 1 in time (%)", "Stage 2 in time (%)"), left, height - 16))
    parts.append("</svg>")
    return "".join(parts)


def trend_charts(report: AnnualReport) -> str:
    """The two trend charts with their captions, as HTML ("" for a period of no months)."""
    if not report.months:
        return ""
    return (
        "<div class='chart-block'><figure>"
        + _received_chart(report.months)
        + "<figcaption>Complaints received each month (stage 2: escalation requests).</figcaption>"
        "</figure><figure>"
        + _in_time_chart(report.months)
        + "<figcaption>Share of the responses issued each month that were within the Code's "
        "timescales (months with no response have no point).</figcaption></figure></div>"
    )


# -- HTML ---------------------------------------------------------------------------------


def _html_table(table: ReportTable) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return (
        f"<table class='annual'><caption>{_e(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _html_section(section: ReportSection, report: AnnualReport) -> str:
    out = [f"<section id='{_e(section.key)}'><h2>{_e(section.title)}</h2>"]
    out += [f"<p>{_e(line)}</p>" for line in section.lines]
    if section.key == "trend":
        out.append(trend_charts(report))
    out += [_html_table(t) for t in section.tables]
    out.append("</section>")
    return "".join(out)


#: The report's styles, added to the form's (:data:`~.html.CSS`).
ANNUAL_CSS = """
caption { text-align: left; font-weight: 600; color: var(--head); padding: 4px 0; }
table.annual { table-layout: auto; }
.appendix { break-before: page; margin-top: 40px; border-top: 4px solid var(--head); }
"""


def render_annual_html(report: AnnualReport) -> str:
    """One self-contained HTML page: no scripts, styles inline, charts as inline SVG."""
    from .html import form_body, page

    body = [f"<header><h1>{_e(report.title)}</h1>"]
    body += [f"<p class='meta'>{_e(line)}</p>" for line in report.intro()]
    body.append("</header>")
    for section in report.sections():
        body.append(_html_section(section, report))
    body.append("<section id='governance'><h2>The governing body</h2>")
    body += [f"<p>{_e(line)}</p>" for line in report.governance_lines()]
    body.append("</section>")
    body.append("<section class='appendix' id='self-assessment'>")
    body.append("<h2>Appendix: the self-assessment against the Code</h2>")
    body.append(form_body(report.form))
    body.append("</section>")
    return page(report.title, "".join(body), ANNUAL_CSS)


# -- Markdown -----------------------------------------------------------------------------


def _md(text: str) -> str:
    return markdown_text(text)


def _md_table(table: ReportTable) -> list[str]:
    out = [f"**{_md(table.caption)}**", ""]
    out.append("| " + " | ".join(_md(c) for c in table.columns) + " |")
    out.append("|" + "---|" * len(table.columns))
    out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in table.rows]
    return [*out, ""]


def render_annual_markdown(report: AnnualReport) -> str:
    out = [f"# {_md(report.title)}", ""]
    for line in report.intro():
        out += [_md(line), ""]
    for section in report.sections():
        out += [f"## {_md(section.title)}", ""]
        for line in section.lines:
            out += [_md(line), ""]
        for table in section.tables:
            out += _md_table(table)
    out += ["## The governing body", ""]
    out += [_md(line) + "  " for line in report.governance_lines()]
    out += ["", "## Appendix: the self-assessment against the Code", ""]
    form = render_form_markdown(report.form)
    # the form's headings one level down, under the appendix
    out += [f"#{line}" if line.startswith("#") else line for line in form.split("\n")]
    return "\n".join(out).rstrip() + "\n"


# -- Word ---------------------------------------------------------------------------------


def render_annual_docx(report: AnnualReport, *, reference: str | Path | None = None) -> bytes:
    """The report as a .docx file's bytes (``reference``: a landlord's house style).

    The trend's charts are pictures (drawn by matplotlib), then the table of its figures."""
    from .docx import add_form, add_table, new_document, save_document
    from .escaping import xml_text

    document = new_document(reference)
    document.core_properties.title = xml_text(report.title)
    document.add_heading(xml_text(report.title), level=0)
    for line in report.intro():
        document.add_paragraph(xml_text(line))
    for section in report.sections():
        document.add_heading(xml_text(section.title), level=1)
        for line in section.lines:
            paragraph = document.add_paragraph(xml_text(line))
            # the trend's words stay on the page of its first chart
            paragraph.paragraph_format.keep_with_next = section.key == "trend"
        if section.key == "trend" and report.months:
            _docx_charts(document, report.months)
        for table in section.tables:
            document.add_heading(xml_text(table.caption), level=2)
            add_table(document, table.columns, table.rows)
    document.add_heading("The governing body", level=1)
    for line in report.governance_lines():
        document.add_paragraph(xml_text(line))
    document.add_page_break()
    document.add_heading("Appendix: the self-assessment against the Code", level=1)
    add_form(document, report.form, level=1)
    return save_document(document)


def _docx_charts(document: Any, months: Sequence[MonthFigures]) -> None:
    """The trend charts as pictures, each with its caption; a note when they cannot be drawn."""
    from .charts import CHART_CAPTIONS, MISSING_CHARTS, WIDTH_CM, trend_pngs
    from .docx import add_picture

    pictures = trend_pngs(months)
    if pictures is None:
        document.add_paragraph(MISSING_CHARTS)
        return
    for i, (png, caption) in enumerate(zip(pictures, CHART_CAPTIONS, strict=True)):
        # the two charts on one page
        add_picture(document, png, caption, width_cm=WIDTH_CM, keep_with_next=i == 0)


def render_annual_json(report: AnnualReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
