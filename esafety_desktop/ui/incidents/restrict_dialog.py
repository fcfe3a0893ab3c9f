"""Restricting a case: the accounts it is sealed away from, ticked one by one, and what a
seal cannot reach said plainly before anything is done.

The seal is made on the worker (an :class:`Operation`); the dialog closes once it is made, or
stays open with the reason it was refused, the ticks as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.incidents import AccountHolder
from esafety_desktop.ui.focus import focus_first_field
from esafety_desktop.ui.look import WARNING_STYLE, error_label
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import fit_to_screen

TITLE = "Restrict this case"
EXPLANATION = (
    "A restricted case is sealed: only the accounts you do not tick below, and the school's "
    "recovery key, can open it. The accounts you tick will not see it in any list, search, "
    "report or printout, and cannot read it from the database file either."
)
LIMIT = (
    "Backups made before now still hold the case as it is today, under the school's key. "
    "Audit entries already written keep its reference and what was done, never what it says."
)
ROWS_SHOWN = 8  # more accounts than this: the list scrolls


class RestrictDialog(QDialog):
    """Tick the accounts ``reference`` is kept from; ``restrict(ids)`` seals it (on the worker)
    and returns the case's new id, kept in :attr:`new_id`."""

    def __init__(
        self,
        reference: str,
        holders: list[AccountHolder],
        restrict: Callable[[list[int]], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("restrictDialog")
        self._restrict = restrict
        self.new_id: int | None = None
        self.case = QLabel(f"Case {reference}")
        self.case.setStyleSheet("font-weight: bold")
        self.explanation = _paragraph(EXPLANATION)
        self.limit = _paragraph(LIMIT)
        self.limit.setStyleSheet(WARNING_STYLE)

        self.boxes: dict[int, QCheckBox] = {}
        accounts = QWidget()
        ticks = QVBoxLayout(accounts)
        ticks.setContentsMargins(0, 0, 0, 0)
        for holder in holders:
            box = QCheckBox(f"{holder.name} ({holder.role.label})")
            box.setAccessibleName(box.text())
            box.setAccessibleDescription(f"Keep the case from {holder.name}")
            box.toggled.connect(self._ticked)
            ticks.addWidget(box)
            self.boxes[holder.id] = box
        ticks.addStretch(1)
        self.account_list = QScrollArea()
        self.account_list.setWidget(accounts)
        self.account_list.setWidgetResizable(True)
        self.account_list.setFrameShape(QFrame.Shape.NoFrame)
        self.account_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the ticks take the keyboard
        for plain in (self.account_list.viewport(), accounts):  # no panel of another shade
            plain.setAutoFillBackground(False)
        row = max((box.sizeHint().height() for box in self.boxes.values()), default=0)
        spacing = max(ticks.spacing(), 0)
        shown = min(len(self.boxes), ROWS_SHOWN)
        self.account_list.setMinimumHeight(shown * row + max(shown - 1, 0) * spacing)
        if len(self.boxes) <= ROWS_SHOWN:  # all in sight: no empty room under them
            self.account_list.setMaximumHeight(accounts.sizeHint().height())
        self.accounts = QGroupBox("&Keep the case from these accounts")
        self.accounts.setAccessibleName("Keep the case from these accounts")
        group = QVBoxLayout(self.accounts)
        group.addWidget(self.account_list)

        self.message = error_label()
        self.buttons = QDialogButtonBox()
        self.restrict_button = QPushButton("&Restrict the case")
        self.restrict_button.setAccessibleName("Restrict the case")
        self.restrict_button.setEnabled(False)
        self.buttons.addButton(self.restrict_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.case)
        layout.addWidget(self.explanation)
        layout.addWidget(self.limit)
        layout.addWidget(self.accounts, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        chain = [*self.boxes.values(), self.restrict_button, self.cancel_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        fit_to_screen(self, 560, 0)

    def kept_from(self) -> list[int]:
        """The accounts ticked."""
        return [account for account, box in self.boxes.items() if box.isChecked()]

    def _ticked(self, _checked: bool) -> None:
        self.restrict_button.setEnabled(bool(self.kept_from()))

    def showEvent(self, event: QShowEvent) -> None:  # Qt names it
        super().showEvent(event)
        if not event.spontaneous():
            focus_first_field(self)

    def submit(self) -> None:
        chosen = self.kept_from()
        if not chosen:
            return
        self.message.setText("")
        self.buttons.setEnabled(False)
        Operation(
            self,
            partial(self._restrict, chosen),
            Changes.INCIDENTS,
            on_done=self._restricted,
            on_problem=self._refused,
        ).run()

    def _restricted(self, new_id: int) -> None:
        self.buttons.setEnabled(True)
        self.new_id = new_id
        self.accept()

    def _refused(self, problem: ProblemForUser) -> None:
        """Said in the dialog; the ticks stay as they were."""
        self.buttons.setEnabled(True)
        self.message.setText(str(problem))

    def reject(self) -> None:  # Qt names it: Cancel, Esc and the close button
        """While the seal is being made the dialog stays until it is known whether it was."""
        if self.buttons.isEnabled():
            super().reject()

    def close_quietly(self) -> None:
        """For locking: close at once; a seal still being made reports after sign-in."""
        super().reject()


def _paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
