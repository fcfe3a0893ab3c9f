"""The Reports page: a report made in the background and opened in the print preview."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.ui.pages.reports import ReportsPage
from tests.conftest import School


def _shown(page: ReportsPage) -> str:
    data = bytes(page.preview._bytes.data())
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_governors_report_is_one_click(qtbot: QtBot, school: School) -> None:
    page = ReportsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    assert page.governors_period.choice.currentText().startswith("This term")
    page.governors_period.choice.setCurrentIndex(
        page.governors_period.choice.findText("Between dates…", Qt.MatchFlag.MatchStartsWith)
    )
    assert page.governors_period.date_from.isVisible()
    page.governors_period.date_from.setDate(date(2025, 9, 1))
    page.governors_period.date_to.setDate(date(2026, 8, 31))
    qtbot.mouseClick(page.governors_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(page, "preview", None) is not None, timeout=10000)
    assert page.preview.title == "Governors' report, 01/09/2025 to 31/08/2026"
    text = _shown(page)
    assert "Online safety: report to the governors" in text
    assert "01/09/2025 to 31/08/2026" in text
    assert "report.governors_made" in {e.action for e in audit_entries(school.signed_in)}


def test_the_incident_log_asks_whether_to_name_people(qtbot: QtBot, school: School) -> None:
    page = ReportsPage(school.signed_in)
    qtbot.addWidget(page)
    page.show()
    assert not page.log_names.isChecked()  # pseudonyms unless the DSL asks for names
    qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(page, "preview", None) is not None, timeout=10000)
    assert "pseudonyms" in _shown(page)
