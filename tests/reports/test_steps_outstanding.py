"""The governors' report and the incident log print the steps of the flowchart still to do,
from their figures alone (no database): read back with pypdf."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader

from esafety_desktop.domain.reporting import GovernorsFigures, LogLine, OutstandingStep
from esafety_desktop.domain.school_year import Period
from esafety_desktop.reports.governors import governors_pdf
from esafety_desktop.reports.incident_log import incident_log_pdf
from esafety_desktop.reports.layout import Printing

PRINTING = Printing("Hollowbrook Primary (invented)", "Jo Bloggs", datetime(2026, 12, 1, 9))
YEAR = Period(date(2026, 9, 1), date(2027, 8, 31), "school year 2026/27")
BEFORE = Period(date(2025, 9, 1), date(2026, 8, 31), "school year 2025/26")


def _text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _figures(steps_to_do: int, steps_overdue: int) -> GovernorsFigures:
    return GovernorsFigures(
        period=YEAR,
        compared_with=BEFORE,
        threshold=3,
        total=12,
        total_before=9,
        by_type=[],
        by_category=[],
        by_month=[],
        by_year_group=[],
        by_status=[],
        illegal=5,
        unsuitable=7,
        open_actions=4,
        overdue_actions=0,
        agreements=[],
        policy_review=None,
        themes=[],
        policy_reviews_needed=0,
        steps_to_do=steps_to_do,
        steps_overdue=steps_overdue,
    )


def test_the_governors_report_prints_the_steps_still_to_do_and_hides_small_numbers() -> None:
    text = _text(governors_pdf(_figures(7, 4), PRINTING))
    assert "Flowchart steps still to do (all open cases) 7 of which overdue 4" in text
    assert "Other actions still open (all cases) 4 of which overdue 0" in text
    small = _text(governors_pdf(_figures(5, 1), PRINTING))
    assert "Flowchart steps still to do (all open cases) 5 of which overdue fewer than 3" in small


def test_the_incident_log_lists_each_case_s_steps_to_do_with_their_due_dates() -> None:
    lines = [
        LogLine(
            "OS-2026-0013",
            date(2026, 11, 24),
            None,
            "Exploitation or grooming",
            "Awaiting police",
            "Pupil 1 (target); Online person 1 (alleged perpetrator)",
            "",
            (
                OutstandingStep("Report to CEOP", date(2026, 11, 25), overdue=True),
                OutstandingStep("Debrief on the incident", date(2026, 12, 20), overdue=False),
            ),
        ),
        LogLine(
            "OS-2026-0014",
            date(2026, 11, 25),
            None,
            "Cyberbullying",
            "Open",
            "Pupil 2 (target)",
            "",
        ),
    ]
    assert (lines[0].steps_overdue, lines[1].steps_overdue) == (1, 0)
    text = _text(incident_log_pdf(YEAR, lines, False, PRINTING))
    assert "Steps of the flowchart still to do in these cases: 2, of which 1 overdue" in text
    assert "To do: Report to CEOP, due 25/11/2026 (overdue)" in text
    assert "To do: Debrief on the incident, due 20/12/2026 Pupil 1" in text
    assert text.count("To do:") == 2  # none for the second case
