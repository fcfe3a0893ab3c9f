"""Moving a case on: a new status with the reasons, and the closing questions when closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit, QWidget

from esafety_desktop.domain.incidents import IncidentStatus
from esafety_desktop.services.incidents import Closing
from esafety_desktop.ui.person_dialogs import FormDialog, read_date


class StatusDialog(FormDialog):
    def __init__(
        self,
        reference: str,
        current: IncidentStatus,
        save: Callable[[IncidentStatus, str, Closing | None], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Change the status of {reference}", parent)
        self.setObjectName("statusDialog")
        self._save = save
        self.status = QComboBox()
        self.status.setAccessibleName("New status")
        for status in IncidentStatus:
            if status is not current:
                self.status.addItem(status.label, status.value)
        self.form.addRow("New &status", self.status)
        self.reasons = QPlainTextEdit()
        self.reasons.setAccessibleName("Reasons")
        self.reasons.setMaximumHeight(80)
        self.form.addRow("&Why", self.reasons)
        self.outcome = QPlainTextEdit()
        self.outcome.setAccessibleName("Outcome")
        self.outcome.setMaximumHeight(80)
        self.debrief = QCheckBox("A debrief has been held")
        self.lessons = QPlainTextEdit()
        self.lessons.setAccessibleName("Lessons learned")
        self.lessons.setMaximumHeight(80)
        self.policy_review = QCheckBox("The online safety policy needs reviewing")
        self.form.addRow("&Outcome", self.outcome)
        self.form.addRow("", self.debrief)
        self.form.addRow("&Lessons learned", self.lessons)
        self.form.addRow("", self.policy_review)
        self.status.currentIndexChanged.connect(self._show_closing)
        self._show_closing()
        self.resize(520, 0)

    def chosen(self) -> IncidentStatus:
        return IncidentStatus(self.status.currentData())

    def _show_closing(self) -> None:
        closing = self.chosen() is IncidentStatus.CLOSED
        for widget in (self.outcome, self.debrief, self.lessons, self.policy_review):
            self.form.setRowVisible(widget, closing)

    def save(self) -> None:
        status = self.chosen()
        closing = (
            Closing(
                outcome=self.outcome.toPlainText(),
                debrief_held=self.debrief.isChecked(),
                lessons_learned=self.lessons.toPlainText(),
                policy_review_needed=self.policy_review.isChecked(),
            )
            if status is IncidentStatus.CLOSED
            else None
        )
        self._save(status, self.reasons.toPlainText(), closing)


class ActionDialog(FormDialog):
    """Something someone must do for a case, and by when."""

    def __init__(
        self,
        reference: str,
        save: Callable[[str, str, date], None],
        default_owner: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Add an action to {reference}", parent)
        self.setObjectName("actionDialog")
        self._save = save
        self.what = self.line("&What must be done")
        self.owner = self.line("&Who will do it", default_owner)
        self.due = self.line(
            "&Due by", f"{date.today() + timedelta(days=5):%d/%m/%Y}", "dd/mm/yyyy"
        )

    def save(self) -> None:
        due = read_date(self.due, "due date", required=True)
        assert due is not None
        self._save(self.what.text(), self.owner.text(), due)
