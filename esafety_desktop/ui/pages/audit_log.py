"""The audit log: who did what and when, filtered; and the database check."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.audit_wording import ACTION_GROUPS
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.audit_log import AuditRecord, account_names, audit_entries
from esafety_desktop.services.checks import VerificationReport, verify_open_database
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import run_in_background
from esafety_desktop.ui.dates import qdate
from esafety_desktop.ui.models import RecordTableModel, SortingInSource, audit_model
from esafety_desktop.ui.operations import Changes
from esafety_desktop.ui.sizing import FlowLayout, labelled, size_columns

EVERYONE, ALL_ACTIONS = "Everyone", "Everything"


class AuditLogPage(QWidget):
    title = "Audit log"
    listens_to = Changes.AUDIT

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditLogPage")
        self._signed_in = signed_in
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        self.action = QComboBox()
        self.action.setAccessibleName("Action")
        self.action.addItem(ALL_ACTIONS, None)
        for label, prefix in ACTION_GROUPS.items():
            self.action.addItem(label, prefix)
        today = qdate(signed_in.clock.today())
        self.use_from, self.use_to = QCheckBox("Fro&m"), QCheckBox("&To")
        self.date_from = self._date_edit(today.addMonths(-1), "From date")
        self.date_to = self._date_edit(today, "To date")
        self.show_button = QPushButton("&Show")
        self.verify_button = QPushButton("&Check the database")
        self.verify_button.setToolTip(
            "Checks every page's checksum, the database structure and the audit chain."
        )
        self.count_label = QLabel()

        self.model: RecordTableModel[AuditRecord] = audit_model()
        self.proxy = SortingInSource(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName("Audit log entries")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        size_columns(self.table, stretch=4)  # the details take the room left

        filters = QWidget()
        flow = FlowLayout(filters)  # wraps on a laptop
        for widget in (
            labelled("Who", self.person),
            labelled("What", self.action),
            _together(self.use_from, self.date_from),
            _together(self.use_to, self.date_to),
            self.show_button,
        ):
            flow.addWidget(widget)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label, 1)
        footer.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

        self.show_button.clicked.connect(self.refresh)
        self.person.activated.connect(self.refresh)
        self.action.activated.connect(self.refresh)
        self.use_from.toggled.connect(self.refresh)
        self.use_to.toggled.connect(self.refresh)
        self.date_from.dateChanged.connect(self._date_changed)
        self.date_to.dateChanged.connect(self._date_changed)
        self.verify_button.clicked.connect(self.verify)
        self._load_people()
        self.refresh()

    def _date_edit(self, start: QDate, name: str) -> QDateEdit:
        edit = QDateEdit(start)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setAccessibleName(name)
        return edit

    def _load_people(self) -> None:
        chosen = self.person.currentText()
        self.person.clear()
        self.person.addItem(EVERYONE, None)
        for account in account_names(self._signed_in):
            self.person.addItem(account.display_name, account.display_name)
        self.person.setCurrentIndex(max(self.person.findText(chosen), 0))

    def showEvent(self, event: QShowEvent) -> None:  # Qt names it
        self._load_people()
        self.refresh()
        super().showEvent(event)

    def _date_changed(self) -> None:
        if self.use_from.isChecked() or self.use_to.isChecked():
            self.refresh()

    def show_group(self, prefix: str) -> None:
        """Open the log filtered to one kind of entry (used by the Dashboard)."""
        self.action.setCurrentIndex(max(self.action.findData(prefix), 0))
        self.person.setCurrentIndex(0)
        self.use_from.setChecked(False)
        self.use_to.setChecked(False)
        self.refresh()

    def refresh(self) -> None:
        records = audit_entries(
            self._signed_in,
            actor_name=self.person.currentData(),
            action=self.action.currentData(),
            on_or_after=_day(self.date_from) if self.use_from.isChecked() else None,
            on_or_before=_day(self.date_to) if self.use_to.isChecked() else None,
        )
        self.model.set_rows(records)
        n = len(records)
        self.count_label.setText(f"{n} entr{'y' if n == 1 else 'ies'}")

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_button.setText("Checking…")
        signed_in = self._signed_in
        run_in_background(
            partial(verify_open_database, signed_in), self._verified, self._failed, owner=self
        )

    def _restore_button(self) -> None:
        self.verify_button.setEnabled(True)
        self.verify_button.setText("&Check the database")

    def _verified(self, report: VerificationReport) -> None:
        self._restore_button()
        if report.sound:
            dialogs.inform(
                self, "The database is sound", "\n\n".join([report.summary(), *report.notes])
            )
        else:
            dialogs.warn(
                self,
                "The database check found problems",
                "\n".join([report.summary(), *(f"• {p}" for p in report.problems)])
                + "\n\nDo not delete anything. Restore the newest backup or contact your IT "
                "support, and keep this database file for them.",
            )
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._restore_button()
        if not isinstance(exc, ProblemForUser):
            raise exc
        dialogs.report_problem(self, exc, "The check could not run")


def _day(edit: QDateEdit) -> date:
    qdate = edit.date()
    return date(qdate.year(), qdate.month(), qdate.day())


def _together(*widgets: QWidget) -> QWidget:
    """A tick box and the date it turns on, kept on one line."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return holder
