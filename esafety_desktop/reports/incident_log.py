"""The incident log for the local authority or trust: one line per case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from esafety_desktop.domain.school_year import Period
from esafety_desktop.reports.incident_record import facts_table
from esafety_desktop.reports.layout import Printing, render, styles

if TYPE_CHECKING:
    from esafety_desktop.domain.reporting import LogLine


def incident_log_pdf(
    period: Period,
    lines: list[LogLine],
    names: bool,
    printing: Printing,
    *,
    left_out: int = 0,
) -> bytes:
    """``left_out``: the restricted cases the account that printed the log cannot open (they
    are not in it, and the log says how many)."""
    s = styles()
    who = (
        "People are named."
        if names
        else "People are given pseudonyms (Pupil 1, Staff 1…); the school holds the key."
    )
    to_do = sum(len(line.steps_to_do) for line in lines)
    overdue = sum(line.steps_overdue for line in lines)
    story: list[Flowable] = [
        Paragraph("Online safety incident log", s["title"]),
        Paragraph(
            f"Cases reported from {period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}: "
            f"{len(lines)}. {who}",
            s["body"],
        ),
        Paragraph(
            f"Steps of the flowchart still to do in these cases: {to_do}, of which {overdue} "
            "overdue (listed under each case's status).",
            s["body"],
        ),
        *([Paragraph(restricted_left_out(left_out), s["body"])] if left_out else []),
    ]
    rows = [
        [
            f"{line.reference}\nReported {line.reported:%d/%m/%Y}"
            + (f"\nClosed {line.closed:%d/%m/%Y}" if line.closed else ""),
            f"{line.incident_type}\n{line.status}" + _steps(line),
            line.people,
            line.outcome,
        ]
        for line in lines
    ]
    story.append(
        facts_table(
            [["Case", "Type and status", "People", "Outcome"], *rows],
            [38 * mm, 40 * mm, 47 * mm, 45 * mm],
            header=True,
        )
        if rows
        else Paragraph("No cases in this period.", s["body"])
    )
    subject = f"Online safety incident log, {period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}"
    return render(story, printing.document("Incident log", subject))


def _steps(line: LogLine) -> str:
    """The case's steps still to do, each with its due date: "To do: Report to CEOP, due
    25/11/2026 (overdue)"."""
    return "".join(
        f"\nTo do: {step.title}, due {step.due:%d/%m/%Y}" + (" (overdue)" if step.overdue else "")
        for step in line.steps_to_do
    )


def restricted_left_out(count: int) -> str:
    """What a printed report says of the restricted cases the account cannot open: "2
    restricted cases are left out of this report: this account cannot open them."."""
    if count == 1:
        return "1 restricted case is left out of this report: this account cannot open it."
    return f"{count} restricted cases are left out of this report: this account cannot open them."
