"""The self-assessment form (and action plan) as one self-contained, printable HTML page.

No scripts, no external files: the styles are inline and the chart of monthly on-time
rates is an inline SVG, so the page can be published, e-mailed or printed to PDF as is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from html import escape

from .action_plan import ActionPlan
from .charts import monthly_plotted
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
from .responses import EvidenceItem
from .self_assessment import COLUMNS, Comply, FormRow, MonthlyRate, SelfAssessmentForm

__all__ = [
    "CSS",
    "chart_block",
    "form_body",
    "page",
    "render_form_html",
    "render_monthly_chart",
    "render_plan_html",
]

CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #d5dae3; --head: #16325c;
        --yes: #1b7f3b; --no: #b42318; --needs: #a15c00; --na: #6b7280; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Segoe UI", Arial, Helvetica, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 28px 32px 48px; background: #fff; }
header { border-bottom: 4px solid var(--head); padding-bottom: 12px; margin-bottom: 18px; }
h1 { font-size: 26px; margin: 0 0 4px; color: var(--head); }
h2 { font-size: 19px; margin: 30px 0 10px; color: var(--head);
     border-bottom: 1px solid var(--line); padding-bottom: 4px; break-after: avoid; }
h3 { font-size: 16px; margin: 22px 0 8px; color: var(--head); break-after: avoid; }
p.meta { color: var(--muted); margin: 2px 0; }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 14px 0 6px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.tile b { display: block; font-size: 24px; }
.tile.yes b { color: var(--yes); } .tile.no b { color: var(--no); }
.tile.needs b { color: var(--needs); } .tile.na b { color: var(--na); }
table { width: 100%; border-collapse: collapse; margin: 6px 0 14px; table-layout: fixed; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top;
         text-align: left; overflow-wrap: anywhere; }
th { background: var(--head); color: #fff; font-weight: 600; font-size: 13px;
     overflow-wrap: normal; hyphens: manual; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
tbody tr:nth-child(even) td { background: #f6f8fb; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
col.ref { width: 9%; } col.req { width: 26%; } col.comply { width: 9%; }
col.evidence { width: 22%; } col.comment { width: 34%; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff;
        font-weight: 600; font-size: 12px; white-space: nowrap; }
.pill.yes { background: var(--yes); } .pill.no { background: var(--no); }
.pill.needs { background: var(--needs); } .pill.na { background: var(--na); }
td ul { margin: 0; padding-left: 16px; }
.rule { color: var(--muted); font-size: 11px; display: block; }
.missing { color: var(--no); font-weight: 600; }
td.date { white-space: nowrap; }
.who { display: block; font-size: 11px; font-weight: 600; text-transform: uppercase;
       letter-spacing: .03em; color: var(--muted); margin-top: 4px; }
.landlord { border-left: 3px solid var(--head); padding-left: 6px; margin-bottom: 6px; }
.guidance { background: #f6f8fb; border: 1px solid var(--line); border-radius: 6px;
            padding: 6px 14px; }
.governance li { margin: 2px 0; }
figure { margin: 10px 0 18px; }
figcaption { color: var(--muted); font-size: 12px; }
.chart text { font: 11px Arial, Helvetica, sans-serif; fill: var(--ink); }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  h2 { break-before: auto; }
  .chart-block { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

_PILL = {
    Comply.YES: "yes",
    Comply.NO: "no",
    Comply.NEEDS_EVIDENCE: "needs",
    Comply.NOT_APPLICABLE: "na",
}
_COLOURS = ("#1f6feb", "#d4631c", "#2e9e5b", "#8b3fc9", "#c43d6b", "#4b7f8c")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _lines(text: str) -> str:
    return "<br>".join(_e(part) for part in text.split("\n"))


def month_runs(months: Sequence[str]) -> list[list[int]]:
    """The positions of ``months`` (``YYYY-MM``, in order) in runs of calendar months one
    after another: a chart joins the points of a run with a line and leaves a month with
    no figure as a gap, rather than drawing a line through it."""

    def number(month: str) -> int:
        year, mon = month.split("-")
        return int(year) * 12 + int(mon)

    runs: list[list[int]] = []
    for i, month in enumerate(months):
        if runs and number(month) == number(months[runs[-1][-1]]) + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def render_monthly_chart(monthly: Sequence[MonthlyRate], *, width: int = 1080) -> str:
    """An inline SVG line chart: one line per timeliness provision, one point per month."""
    if not monthly:
        return ""
    months = sorted({m.month for m in monthly})
    series: dict[str, list[MonthlyRate]] = defaultdict(list)
    for m in monthly:
        series[f"{m.rule_id}: {m.measure}"].append(m)
    height, left, right, top, bottom = 320, 52, 40, 16, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(months) - 1, 1)

    def x(month: str) -> float:
        return left + months.index(month) * step if len(months) > 1 else left + plot_w / 2

    def y(rate: float) -> float:
        return top + plot_h * (1 - rate)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="Monthly on-time rates">'
    ]
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{"#9aa3b2" if pct in (0, 100) else "#e3e7ee"}" stroke-width="1"/>'
        )
        parts.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" text-anchor="end">{pct}%</text>')
    for month in months:
        parts.append(
            f'<text x="{x(month):.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
            f"{_e(month)}</text>"
        )
    for i, (name, points) in enumerate(series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        points = sorted(points, key=lambda p: p.month)
        for run in month_runs([p.month for p in points]):
            if len(run) > 1:
                coords = " ".join(f"{x(points[k].month):.1f},{y(points[k].rate):.1f}" for k in run)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    'stroke-width="2.5"/>'
                )
        for p in points:
            parts.append(
                f'<circle cx="{x(p.month):.1f}" cy="{y(p.rate):.1f}" r="3.5" fill="{colour}">'
                f"<title>{_e(name)}, {_e(p.month)}: {p.met} of {p.judged} on time "
                f"({100 * p.rate:.0f}%)</title></circle>"
            )
        lx = left + (i % 3) * (plot_w / 3)
        ly = height - 30 + (i // 3) * 16
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{lx + 20:.1f}" y="{ly - 4}">{_e(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _monthly_table(monthly: Sequence[MonthlyRate]) -> str:
    months = sorted({m.month for m in monthly})
    names: dict[str, dict[str, MonthlyRate]] = defaultdict(dict)
    for m in monthly:
        names[f"{m.rule_id}: {m.measure}"][m.month] = m
    head = "".join(f"<th>{_e(month)}</th>" for month in months)
    body = []
    for name, by_month in names.items():
        cells = "".join(
            f"<td>{100 * by_month[mo].rate:.0f}% <span class='rule'>{by_month[mo].met}/"
            f"{by_month[mo].judged}</span></td>"
            if mo in by_month
            else "<td>-</td>"
            for mo in months
        )
        body.append(f"<tr><th scope='row'>{_e(name)}</th>{cells}</tr>")
    return (
        "<details><summary>Monthly figures</summary><table class='monthly'>"
        f"<thead><tr><th>Provision</th>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
        "</table></details>"
    )


def _plan_section(plan: ActionPlan) -> str:
    title = plan.name or f"Action plan: {plan.landlord}"
    out = [f"<h2>{_e(title)}</h2>"]
    missing = plan.without_action
    if missing:
        out.append(
            f"<p class='missing'>{len(missing)} non-compliant provision(s) without an action yet: "
            f"{_e(', '.join(r.ref for r in missing))}.</p>"
        )
    if not plan.tables:
        out.append("<p>Every provision complies and no improvement actions are recorded.</p>")
    for heading, rows in plan.tables:
        out.append(f"<h3>{_e(heading)}</h3>")
        out.append(
            "<table class='plan'><colgroup><col style='width:6%'><col style='width:20%'>"
            "<col style='width:20%'><col style='width:21%'><col style='width:9%'>"
            "<col style='width:9%'><col style='width:6%'><col style='width:9%'></colgroup>"
            "<thead><tr>"
            + "".join(f"<th>{_e(c)}</th>" for c in PLAN_COLUMNS)
            + "</tr></thead><tbody>"
        )
        for row in rows:
            cells = [_lines(c) for c in plan_cells(row)]
            if not row.has_action:
                cells[3] = f"<span class='missing'>{cells[3]}</span>"
            # the Completed column holds dates: a date is not broken over two lines
            out.append(
                "<tr>"
                + "".join(f"<td>{c}</td>" for c in cells[:-1])
                + f"<td class='date'>{cells[-1]}</td></tr>"
            )
        out.append("</tbody></table>")
    return "".join(out)


def page(title: str, body: str, extra_css: str = "") -> str:
    """A complete, self-contained HTML page: the stylesheet inline, no scripts."""
    return _page(title, body, extra_css)


def _page(title: str, body: str, extra_css: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en-GB'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{CSS}{extra_css}</style></head><body>{body}"
        "<footer>Produced with complaintrules. Requirements are summarised in our own "
        "words; the Housing Ombudsman's Complaint Handling Code governs.</footer>"
        "</body></html>\n"
    )


def _link(item: EvidenceItem) -> str:
    if item.link is None:
        return _e(item.title)
    return f"<a href='{_e(item.link)}'>{_e(item.title)}</a>"


def _evidence_cell(row: FormRow) -> str:
    ours = (
        "<ul>" + "".join(f"<li>{_e(e)}</li>" for e in row.evidence) + "</ul>"
        if row.evidence
        else ""
    )
    if not row.landlord_evidence:
        return ours
    theirs = "<ul>" + "".join(f"<li>{_link(e)}</li>" for e in row.landlord_evidence) + "</ul>"
    out = f"<div class='landlord'><span class='who'>{_e(LANDLORD)}</span>{theirs}</div>"
    return out + (f"<span class='who'>{_e(COMPUTED)}</span>{ours}" if ours else "")


def _commentary_cell(row: FormRow) -> str:
    if row.landlord_commentary is None:
        return _e(row.commentary)
    out = (
        f"<div class='landlord'><span class='who'>{_e(LANDLORD)}</span>"
        f"{_lines(row.landlord_commentary)}</div>"
    )
    if row.commentary:
        out += f"<span class='who'>{_e(COMPUTED)}</span>{_e(row.commentary)}"
    return out


def _governance_html(form: SelfAssessmentForm) -> str:
    items = "".join(f"<li>{_e(line)}</li>" for line in governance_lines(form))
    response = "".join(f"<p>{_e(line)}</p>" for line in response_lines(form))
    return (
        f"<h2>Governance</h2><ul class='governance'>{items}</ul>"
        f"<h3>The governing body's response</h3>{response}"
    )


def chart_block(form: SelfAssessmentForm) -> str:
    """The monthly on-time chart with its caption and figures, as HTML ("" without cases)."""
    body: list[str] = []
    # A month after the as-of date has not happened yet: its only obligations are ones met
    # early, so a point for it would be a rate of a month that has not run.
    monthly, caption = monthly_plotted(form)
    if monthly:
        body.append(
            "<div class='chart-block'><h2>On-time rates by month</h2><figure>"
            + render_monthly_chart(monthly)
            + f"<figcaption>{_e(caption)}</figcaption></figure>"
            + _monthly_table(monthly)
            + "</div>"
        )
    return "".join(body)


def render_form_html(form: SelfAssessmentForm, plan: ActionPlan | None = None) -> str:
    return _page(form.title, form_body(form, plan))


def form_body(form: SelfAssessmentForm, plan: ActionPlan | None = None) -> str:
    """The form (and plan) as HTML without the page around it: for a page of its own, or
    appended to the annual report."""
    intro = form_intro(form)
    tally = form.tally()
    title = form.title
    body = [f"<header><h1>{_e(title)}</h1>"]
    body += [f"<p class='meta'>{_e(line)}</p>" for line in intro[:2]]
    body.append("</header><div class='guidance'>")
    body += [f"<p>{_e(line)}</p>" for line in GUIDANCE]
    body.append("</div>")
    body.append(_governance_html(form))
    body.append("<div class='summary'>")
    for comply in Comply:
        body.append(
            f"<div class='tile {_PILL[comply]}'><b>{tally[comply]}</b>{_e(comply.value)}</div>"
        )
    body.append("</div>")
    body += [f"<p>{_e(line)}</p>" for line in intro[3:]]
    body.append(chart_block(form))
    for section in form.all_sections:
        body.append(f"<h2>{_e(section.title)}</h2>")
        body.append(
            "<table class='form'><colgroup><col class='ref'><col class='req'>"
            "<col class='comply'><col class='evidence'><col class='comment'></colgroup>"
            "<thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in COLUMNS) + "</tr></thead><tbody>"
        )
        for row in section.rows:
            body.append(
                f"<tr id='{_e(row.rule_id)}'><td><b>{_e(row.provision)}</b>"
                f"<span class='rule'>{_e(row.rule_id)}</span></td>"
                f"<td>{_e(row.requirement)}</td>"
                f"<td><span class='pill {_PILL[row.comply]}'>{_e(row.comply.value)}</span></td>"
                f"<td>{_evidence_cell(row)}</td><td>{_commentary_cell(row)}</td></tr>"
            )
        body.append("</tbody></table>")
    if plan is not None:
        body.append(_plan_section(plan))
    return "".join(body)


def render_plan_html(plan: ActionPlan) -> str:
    title = plan.name or f"Action plan: {plan.landlord}"
    return _page(title, _plan_section(plan))
