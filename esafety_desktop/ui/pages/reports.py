"""Reports: the governors' report and the incident log for the local authority or trust,
made in the background (with a Cancel) and opened in the print preview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.incidents import INCIDENT_TYPE_NAMES, IncidentStatus
from esafety_desktop.domain.reporting import term_containing, terms
from esafety_desktop.domain.school_year import (
    Period,
    previous_school_year,
    school_year_containing,
)
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import reports
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements import school_year_start
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import run_in_background
from esafety_desktop.ui.dates import qdate
from esafety_desktop.ui.pdf_preview import preview_for
from esafety_desktop.ui.sizing import button_row, readable

BETWEEN = "between"


class PeriodChooser(QWidget):
    """This or last term, this or last school year, or two dates."""

    def __init__(
        self, start: tuple[int, int], today: date, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        this_year = school_year_containing(today, start)
        last_year = previous_school_year(today, start)
        this_term = term_containing(today, start)
        earlier_terms = [t for t in terms(last_year) + terms(this_year) if t.end < this_term.start]
        self.choice = QComboBox()
        self.choice.setAccessibleName(name)
        choices: list[tuple[str, Period | str]] = [
            (f"This term ({this_term.label}, so far)", this_term),
        ]
        if earlier_terms:
            choices.append((f"Last term ({earlier_terms[-1].label})", earlier_terms[-1]))
        choices += [
            (f"This school year ({this_year.label}, so far)", this_year),
            (f"Last school year ({last_year.label})", last_year),
            ("Between dates…", BETWEEN),
        ]
        for label, value in choices:
            self.choice.addItem(label, value)
        self.date_from = QDateEdit(qdate(this_year.start))
        self.date_to = QDateEdit(qdate(today))
        for edit, label in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setAccessibleName(f"{name}: {label.lower()}")
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.choice, 1)
        row.addWidget(self.date_from)
        row.addWidget(self.date_to)
        self.choice.currentIndexChanged.connect(self._show_dates)

    def _show_dates(self) -> None:
        between = self.choice.currentData() == BETWEEN
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)

    def period(self) -> Period:
        chosen = self.choice.currentData()
        if isinstance(chosen, Period):
            return chosen
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        start, end = min(start, end), max(start, end)
        return Period(start, end, f"{start:%d/%m/%Y} to {end:%d/%m/%Y}")


class ReportsPage(QWidget):
    title = "Reports"

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsPage")
        self._signed_in = signed_in
        start = school_year_start(signed_in)

        self.governors_period = PeriodChooser(
            start, signed_in.clock.today(), "Governors' report period"
        )
        self.governors_button = QPushButton("Make the &governors' report…")
        governors = QGroupBox("Report to the governors")
        g_form = QFormLayout(governors)
        g_form.addRow(
            _wrapped(
                "Counts, comparisons with the period before and charts, for the governing body "
                "and the headteacher. It names nobody and quotes nothing written about a case; "
                "small counts show as “fewer than 3” (the number is set in Settings), so it is "
                "safe to send to governors."
            )
        )
        g_form.addRow("&Period", self.governors_period)
        g_form.addRow("", button_row(self.governors_button))

        self.log_period = PeriodChooser(start, signed_in.clock.today(), "Incident log period")
        self.log_names = QCheckBox("Name the people (otherwise Pupil 1, Staff 1…)")
        self.log_type = QComboBox()
        self.log_type.setAccessibleName("Type")
        self.log_type.addItem("Every type", None)
        for key, name in INCIDENT_TYPE_NAMES.items():
            self.log_type.addItem(name, key)
        self.log_status = QComboBox()
        self.log_status.setAccessibleName("Status")
        self.log_status.addItem("Any status", None)
        for status in IncidentStatus:
            self.log_status.addItem(status.label, status.value)
        self.log_button = QPushButton("Make the &incident log…")
        log = QGroupBox("Incident log for the local authority or trust")
        l_form = QFormLayout(log)
        l_form.addRow(
            _wrapped(
                "One line per case: reference, dates, type, status, the people involved and the "
                "outcome. Choose whether people are named."
            )
        )
        l_form.addRow("P&eriod", self.log_period)
        l_form.addRow("&Type", self.log_type)
        l_form.addRow("&Status", self.log_status)
        l_form.addRow("", self.log_names)
        l_form.addRow("", button_row(self.log_button))

        for form, chooser in ((g_form, self.governors_period), (l_form, self.log_period)):
            label = form.labelForField(chooser)
            if isinstance(label, QLabel):
                label.setBuddy(chooser.choice)  # names the choice for a screen reader
        # Forms of a readable width, however wide the window.
        layout = QVBoxLayout(self)
        layout.addWidget(readable(governors))
        layout.addWidget(readable(log))
        layout.addStretch(1)
        self.governors_button.clicked.connect(self.make_governors_report)
        self.log_button.clicked.connect(self.make_incident_log)

    def make_governors_report(self) -> None:
        period = self.governors_period.period()
        me = self._signed_in
        self._make(
            lambda: reports.governors_report(me, period),
            f"Governors' report, {period.label}",
            f"governors-report-{period.start:%Y-%m-%d}.pdf",
        )

    def make_incident_log(self) -> None:
        period = self.log_period.period()
        me = self._signed_in
        names = self.log_names.isChecked()
        kind = self.log_type.currentData()
        status = self.log_status.currentData()
        self._make(
            lambda: reports.incident_log(
                me,
                period,
                names=names,
                incident_type=kind,
                status=IncidentStatus(status) if status else None,
            ),
            f"Incident log, {period.label}",
            f"incident-log-{period.start:%Y-%m-%d}.pdf",
        )

    def _make(self, work: Callable[[], bytes], title: str, file_name: str) -> None:
        """Make the PDF on the worker; Cancel stops waiting and nothing is shown."""
        self.progress = QProgressDialog(
            f"Making the {title.split(',')[0].lower()}…", "Cancel", 0, 0, self
        )
        self.progress.setWindowTitle(title)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self._cancelled = False
        self.progress.canceled.connect(self._cancel)
        self._pending = (title, file_name)
        run_in_background(work, self._made, self._failed, owner=self)

    def _cancel(self) -> None:
        self._cancelled = True

    def _made(self, pdf: bytes) -> None:
        self.progress.reset()
        if self._cancelled:
            return
        title, file_name = self._pending
        self.preview = preview_for(self, self._signed_in, pdf, title, file_name)

    def _failed(self, error: BaseException) -> None:
        self.progress.reset()
        if isinstance(error, ProblemForUser):
            dialogs.report_problem(self, error, "The report was not made")
        else:
            raise error


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
