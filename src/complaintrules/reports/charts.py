"""The annual report's trend charts as PNG images, for Word (issue 15, item 5).

The HTML page draws its charts as inline SVG (:mod:`.annual_render`); Word needs an image,
so the same two charts are drawn here with matplotlib, an optional package of the office
extra (``pip install "complaintrules[office]"``). :func:`trend_pngs` returns ``None``
without it, and the Word document then says the charts are left out and why.

matplotlib is used through its object API and the Agg canvas only (no ``pyplot``): no
window, no global figure state shared between threads (the HTTP service renders reports
in worker threads).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from .annual import MonthFigures
from .self_assessment import MonthlyRate, SelfAssessmentForm

__all__ = [
    "CHART_CAPTIONS",
    "MISSING_CHARTS",
    "MISSING_MONTHLY",
    "WIDTH_CM",
    "monthly_plotted",
    "monthly_png",
    "trend_pngs",
]

#: The same colours as the HTML charts: stage 1, stage 2 (and then the form's other lines).
_COLOURS = ("#1f6feb", "#d4631c", "#2e9e5b", "#8b3fc9", "#c43d6b", "#4b7f8c")
#: What each chart shows, written under it (the table after them holds every figure).
CHART_CAPTIONS = (
    "Complaints received each month (stage 2: escalation requests).",
    "Share of the responses issued each month that were within the Code's timescales "
    "(months with no response have no point).",
)
#: Each chart's size: two of them, with their captions, fit one landscape A4 page.
_SIZE_INCHES = (8.0, 2.5)
#: The width to show them at in a document: their own size, so the text is 8 point.
WIDTH_CM = _SIZE_INCHES[0] * 2.54
MISSING_MONTHLY = (
    "The chart of on-time rates by month is not drawn in this document: drawing it needs "
    'matplotlib (pip install "complaintrules[office]"). Each provision\'s total follows.'
)
MISSING_CHARTS = (
    "The charts of these figures are not drawn in this document: drawing them needs "
    'matplotlib (pip install "complaintrules[office]"). The table below holds every figure.'
)


def _matplotlib() -> tuple[Any, Any] | None:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure, FigureCanvasAgg


def _png(figure: Any, canvas_type: Any) -> bytes:
    canvas_type(figure)
    buffer = io.BytesIO()
    # no "Software" entry: the same figures give the same bytes whatever the version
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def _axes(figure: Any, months: Sequence[str]) -> Any:
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e3e7ee", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.set_xticks(range(len(months)), list(months), fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    return axes


def _received(months: Sequence[MonthFigures], figure_type: Any, canvas_type: Any) -> bytes:
    figure = figure_type(figsize=_SIZE_INCHES, layout="constrained")
    axes = _axes(figure, [m.month for m in months])
    width = 0.38
    for k in (0, 1):
        axes.bar(
            [i + (k - 0.5) * width for i in range(len(months))],
            [m.received[k] for m in months],
            width,
            color=_COLOURS[k],
            label=f"Stage {k + 1} received",
        )
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("Complaints", fontsize=8)
    figure.legend(fontsize=8, frameon=False, loc="outside lower left", ncols=2)
    return _png(figure, canvas_type)


def _in_time(months: Sequence[MonthFigures], figure_type: Any, canvas_type: Any) -> bytes:
    figure = figure_type(figsize=_SIZE_INCHES, layout="constrained")
    axes = _axes(figure, [m.month for m in months])
    for k in (0, 1):
        # NaN for a month with no response: a gap in the line, as in the HTML chart
        shares = [
            100 * m.on_time[k] / m.responded[k] if m.responded[k] else math.nan for m in months
        ]
        axes.plot(
            range(len(months)),
            shares,
            color=_COLOURS[k],
            marker="o",
            markersize=4,
            linewidth=2,
            label=f"Stage {k + 1} in time (%)",
        )
    axes.set_ylim(-3, 103)
    axes.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_xlim(-0.5, len(months) - 0.5)
    figure.legend(fontsize=8, frameon=False, loc="outside lower left", ncols=2)
    return _png(figure, canvas_type)


def trend_pngs(months: Sequence[MonthFigures]) -> tuple[bytes, bytes] | None:
    """The two trend charts (received; share in time) as PNG bytes, in the order of
    :data:`CHART_CAPTIONS`; ``None`` when matplotlib is not installed."""
    found = _matplotlib()
    if found is None:
        return None
    figure_type, canvas_type = found
    return (
        _received(months, figure_type, canvas_type),
        _in_time(months, figure_type, canvas_type),
    )


def monthly_plotted(form: SelfAssessmentForm) -> tuple[list[MonthlyRate], str]:
    """The form's monthly rates to plot (none after the form's date: their months had not
    run) and the chart's caption, which counts what was left out."""
    last = form.as_of.strftime("%Y-%m") if form.as_of else None
    monthly = [m for m in form.monthly if last is None or m.month <= last]
    early = sum(m.judged for m in form.monthly if m not in monthly)
    caption = (
        "Share of obligations met within the Code's timescale, by the month each fell due "
        "(cases still open and not yet due are left out)."
    )
    if early:
        caption += (
            f" {early} obligation(s) falling due after {form.as_of}, already met, count in the "
            "provisions' figures but are not plotted: their months had not run."
        )
    return monthly, caption


def monthly_png(monthly: Sequence[MonthlyRate]) -> bytes | None:
    """The self-assessment's on-time rates by month as a PNG: one line per timeliness
    provision, a gap where a month has no figure (as the HTML chart); ``None`` when
    matplotlib is not installed or there is nothing to plot."""
    found = _matplotlib()
    if found is None or not monthly:
        return None
    figure_type, canvas_type = found
    months = sorted({m.month for m in monthly})
    series: dict[str, dict[str, float]] = {}
    for m in monthly:
        series.setdefault(f"{m.rule_id}: {m.measure}", {})[m.month] = 100 * m.rate
    figure = figure_type(figsize=(_SIZE_INCHES[0], 3.0), layout="constrained")
    axes = _axes(figure, months)
    for i, (name, rates) in enumerate(series.items()):
        axes.plot(
            range(len(months)),
            [rates.get(month, math.nan) for month in months],
            color=_COLOURS[i % len(_COLOURS)],
            marker="o",
            markersize=4,
            linewidth=2,
            label=name,
        )
    axes.set_ylim(-3, 103)
    axes.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_xlim(-0.5, len(months) - 0.5)
    figure.legend(fontsize=8, frameon=False, loc="outside lower left", ncols=2)
    return _png(figure, canvas_type)
