"""Moving a case on: a new status with the reasons, and the closing questions when closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPlainTextEdit, QWidget

from esafety_desktop.domain.device_review import (
    ACTIONS,
    DeviceSiteReview,
    Reviewer,
    ReviewProblem,
    parse_items,
)
from esafety_desktop.domain.incidents import IncidentStatus
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.incidents import Closing
from esafety_desktop.ui.dates import add_calendar
from esafety_desktop.ui.operations import Changes
from esafety_desktop.ui.person_dialogs import FormDialog, read_date
from esafety_desktop.ui.sizing import fit_to_screen


class StatusDialog(FormDialog):
    changes = Changes.INCIDENTS

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
        fit_to_screen(self, 520, 0)

    def chosen(self) -> IncidentStatus:
        return IncidentStatus(self.status.currentData())

    def _show_closing(self) -> None:
        closing = self.chosen() is IncidentStatus.CLOSED
        for widget in (self.outcome, self.debrief, self.lessons, self.policy_review):
            self.form.setRowVisible(widget, closing)

    def save(self) -> Callable[[], object]:
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
        return partial(self._save, status, self.reasons.toPlainText(), closing)


class ActionDialog(FormDialog):
    """Something someone must do for a case, and by when."""

    changes = Changes.INCIDENTS

    def __init__(
        self,
        reference: str,
        save: Callable[[str, str, date], None],
        default_owner: str,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Add an action to {reference}", parent)
        self.setObjectName("actionDialog")
        self._save = save
        self.what = self.line("&What must be done")
        self.owner = self.line("W&ho will do it", default_owner)
        self.due = self.line("&Due by", f"{today + timedelta(days=5):%d/%m/%Y}", "dd/mm/yyyy")
        add_calendar(self.due)

    def save(self) -> Callable[[], object]:
        due = read_date(self.due, "due date", required=True)
        assert due is not None
        return partial(self._save, self.what.text(), self.owner.text(), due)


class DeviceReviewDialog(FormDialog):
    """The two-senior-staff review of devices or sites."""

    changes = Changes.INCIDENTS

    def __init__(
        self,
        reference: str,
        save: Callable[[DeviceSiteReview], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Review devices or sites for {reference}", parent)
        self.setObjectName("deviceReviewDialog")
        self._save = save
        intro = QLabel(
            "Two senior members of staff review together, on one designated computer that pupils "
            "do not use, the same one throughout. If child abuse images appear: stop, isolate "
            "the computer and call the police."
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.reason = self.line("&Reason for the review")
        self.first_name = self.line("First reviewer's &name")
        self.first_position = self.line("First reviewer's &position")
        self.second_name = self.line("Second reviewer's n&ame")
        self.second_position = self.line("Second reviewer's p&osition")
        self.computer = self.line("&Computer used and where it is")
        self.items = QPlainTextEdit()
        self.items.setAccessibleName("Sites and devices")
        self.items.setPlaceholderText("One per line: address or device | reason for concern")
        self.items.setMaximumHeight(100)
        self.form.addRow("&Sites and devices", self.items)
        self.found = QCheckBox("Child abuse images were found (the review stopped)")
        self.form.addRow("", self.found)
        self.conclusion = self.line("Conc&lusion")
        self.action = QComboBox()
        self.action.setAccessibleName("Action")
        self.action.addItems(list(ACTIONS))
        self.form.addRow("Ac&tion", self.action)
        self.action_detail = self.line("Action &details")
        self.found.toggled.connect(self._images_found)
        fit_to_screen(self, 620, 0)

    def _images_found(self, found: bool) -> None:
        """Child abuse images found: the action is the police."""
        if found:
            self.action.setCurrentText("Police")

    def save(self) -> Callable[[], object]:
        try:
            items = parse_items(self.items.toPlainText())
        except ReviewProblem as exc:
            raise InvalidInput(str(exc)) from None
        return partial(
            self._save,
            DeviceSiteReview(
                reason=self.reason.text(),
                first_reviewer=Reviewer(self.first_name.text(), self.first_position.text()),
                second_reviewer=Reviewer(self.second_name.text(), self.second_position.text()),
                computer=self.computer.text(),
                items=items,
                child_abuse_images_found=self.found.isChecked(),
                conclusion=self.conclusion.text(),
                action=self.action.currentText(),
                action_detail=self.action_detail.text(),
            ),
        )
