"""The online safety report to the governors: counts and charts only.

Everything printed comes from ``GovernorsFigures`` (numbers and fixed labels), and every count
goes through ``shown_count`` / ``chart_count``, so a small group of children never shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from esafety_desktop.domain.reporting import (
    Counted,
    change,
    chart_count,
    incidents_chart,
    shown_count,
)
from esafety_desktop.reports.incident_log import restricted_left_out
from esafety_desktop.reports.incident_record import facts_table
from esafety_desktop.reports.layout import FONT, Printing, render, styles

if TYPE_CHECKING:
    from esafety_desktop.domain.reporting import GovernorsFigures
    from esafety_desktop.domain.school_year import Period

BAR = colors.HexColor("#1565c0")
WIDTH = 170 * mm


def governors_pdf(f: GovernorsFigures, printing: Printing, *, left_out: int = 0) -> bytes:
    """``left_out``: the restricted cases the account that made the report cannot open (not
    counted in it; the report says how many)."""
    s = styles()
    n = f.threshold

    def c(count: int) -> str:
        return shown_count(count, n)

    chart = incidents_chart(f.by_month, f.by_term, n)
    story: list[Flowable] = [
        Paragraph("Online safety: report to the governors", s["title"]),
        Paragraph(
            f"Period: {_period(f.period)}. Compared with {_period(f.compared_with)}.",
            s["body"],
        ),
        Paragraph(
            "This report is made from counts only: it names no child or adult and quotes "
            f"nothing written about a case. Any count from 1 to {n - 1} is shown as "
            f"“fewer than {n}” and left out of the charts, so that no child can be identified.",
            s["small"],
        ),
        *([Paragraph(restricted_left_out(left_out), s["body"])] if left_out else []),
        Paragraph("Summary", s["heading"]),
        facts_table(
            [
                ["", "This period", "Period before", "Change"],
                [
                    "Incidents recorded",
                    c(f.total),
                    c(f.total_before),
                    change(f.total, f.total_before, n),
                ],
                ["Illegal (police or other agencies involved)", c(f.illegal), "", ""],
                ["Unsuitable (handled in school)", c(f.unsuitable), "", ""],
                ["Flowchart steps still to do (all open cases)", c(f.steps_to_do), "", ""],
                ["of which overdue", c(f.steps_overdue), "", ""],
                ["Other actions still open (all cases)", c(f.open_actions), "", ""],
                ["of which overdue", c(f.overdue_actions), "", ""],
                ["Closed cases that asked for a policy review", c(f.policy_reviews_needed), "", ""],
                [
                    "Online safety policy: next review",
                    f"{f.policy_review:%d/%m/%Y}" if f.policy_review else "not set",
                    "",
                    "",
                ],
            ],
            [62 * mm, 28 * mm, 32 * mm, 48 * mm],  # "Change" may be in words
            header=True,
        ),
        *([Paragraph(chart.heading, s["heading"])] if chart.heading else []),
        *([_bars(chart.rows, n, vertical=True)] if chart.rows else []),
        *([Paragraph(chart.note, s["small" if chart.rows else "body"])] if chart.note else []),
        Paragraph("By type of incident", s["heading"]),
        _counts_table(f.by_type, n, with_before=True),
        Paragraph("By kind of risk", s["heading"]),
        _counts_table(f.by_category, n),
        Paragraph("By year group of the pupils involved (at the time)", s["heading"]),
        _counts_table(f.by_year_group, n)
        if f.by_year_group
        else Paragraph("No pupils were involved.", s["body"]),
        Paragraph("Where the cases stand now", s["heading"]),
        _counts_table(f.by_status, n),
        Paragraph("Acceptable Use Agreements (today)", s["heading"]),
        facts_table(
            [
                ["Who signs", "Signed", "Of", "Covered"],
                *[
                    [group, c(signed), c(total), _percent(signed, total, n)]
                    for group, signed, total in f.agreements
                ],
            ],
            [78 * mm, 30 * mm, 30 * mm, 32 * mm],
            header=True,
        )
        if f.agreements
        else Paragraph("No agreements issued.", s["body"]),
        Paragraph("Lessons learned: themes", s["heading"]),
        _counts_table(f.themes, n)
        if f.themes
        else Paragraph("No case closed in this period recorded lessons learned.", s["body"]),
        Spacer(1, 4 * mm),
    ]
    return render(
        story,
        printing.document(
            f"Governors' report, {f.period.label}",
            f"Online safety report to the governors: {_period(f.period)}",
        ),
    )


def _period(period: Period) -> str:
    """The period in words, its dates once: "2025/26 (01/09/2025 to 31/08/2026)", or only the
    dates when they are its name."""
    dates = f"{period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}"
    return dates if period.label == dates else f"{period.label} ({dates})"


def _percent(signed: int, total: int, threshold: int) -> str:
    if total < threshold or (0 < total - signed < threshold) or (0 < signed < threshold):
        return "not shown (small numbers)"
    return f"{round(100 * signed / total)}%"


def _counts_table(rows: list[Counted], threshold: int, with_before: bool = False) -> Flowable:
    header = ["", "This period", "Period before"] if with_before else ["", "Number"]
    body = [
        [r.label, shown_count(r.count, threshold)]
        + ([shown_count(r.before or 0, threshold)] if with_before else [])
        for r in rows
    ]
    widths = [100 * mm, 35 * mm, 35 * mm] if with_before else [120 * mm, 50 * mm]
    return facts_table([header, *body], widths, header=True)


def _bars(rows: list[Counted], threshold: int, vertical: bool) -> Drawing:
    """A bar chart of the counts; small ones are not drawn."""
    height = 60 * mm
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName = FONT  # else the drawing names Helvetica, a font not embedded
    chart = VerticalBarChart() if vertical else HorizontalBarChart()
    chart.x, chart.y = 12 * mm, 12 * mm
    chart.width, chart.height = WIDTH - 16 * mm, height - 18 * mm
    values = [chart_count(r.count, threshold) for r in rows] or [0]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [r.label for r in rows] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(rows) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 6 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values), 1) + 1
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing
