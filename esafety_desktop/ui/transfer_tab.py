"""A pupil's safeguarding file: print their chronology, record it sent to a new school, and
record the new school's confirmation that it arrived."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services import transfers
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.transfers import Transfer
from esafety_desktop.ui.dates import past_date_edit
from esafety_desktop.ui.operations import Changes
from esafety_desktop.ui.person_dialogs import FormDialog
from esafety_desktop.ui.sizing import FlowLayout

HOW = (
    "Secure electronic transfer",
    "By hand, signed for",
    "Recorded delivery",
)


class SendDialog(FormDialog):
    changes = Changes.PEOPLE

    def __init__(self, signed_in: SignedIn, person_id: int, to: str, parent: QWidget) -> None:
        super().__init__("Record the file sent", parent)
        self._signed_in, self._person_id = signed_in, person_id
        self.sent_to = QLineEdit(to)
        self.sent_to.setAccessibleName("Sent to")
        self.sent_on = past_date_edit(signed_in.clock.today(), signed_in.clock.today())
        self.how = QLineEdit(HOW[0])
        self.how.setAccessibleName("How")
        from PySide6.QtWidgets import QCompleter

        self.how.setCompleter(QCompleter(list(HOW), self.how))
        self.form.addRow("Sent &to (school)", self.sent_to)
        self.form.addRow("&Date sent", self.sent_on)
        self.form.addRow("&How", self.how)

    def save(self) -> Callable[[], object]:
        day = self.sent_on.date().toPython()
        assert isinstance(day, date)
        return partial(
            transfers.record_transfer,
            self._signed_in,
            self._person_id,
            self.sent_to.text(),
            day,
            self.how.text(),
        )


class ConfirmDialog(FormDialog):
    changes = Changes.PEOPLE

    def __init__(self, signed_in: SignedIn, transfer: Transfer, parent: QWidget) -> None:
        super().__init__("Receipt confirmed", parent)
        self._signed_in, self._transfer = signed_in, transfer
        self.confirmed_on = past_date_edit(signed_in.clock.today(), signed_in.clock.today())
        self.confirmed_by = QLineEdit()
        self.confirmed_by.setAccessibleName("Confirmed by")
        self.confirmed_by.setPlaceholderText("name and role at the new school")
        self.form.addRow(QLabel(f"Sent to {transfer.sent_to} on {transfer.sent_on:%d/%m/%Y}."))
        self.form.addRow("&Confirmed on", self.confirmed_on)
        self.form.addRow("Confirmed &by", self.confirmed_by)

    def save(self) -> Callable[[], object]:
        day = self.confirmed_on.date().toPython()
        assert isinstance(day, date)
        return partial(
            transfers.confirm_receipt,
            self._signed_in,
            self._transfer.id,
            day,
            self.confirmed_by.text(),
        )


class TransferTab(QWidget):
    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed_in = signed_in
        self.person_id: int | None = None
        self.destination = ""
        self.sent: list[Transfer] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Transfers")
        self.list.setWordWrap(True)
        self.print_button = QPushButton("&Print the safeguarding chronology…")
        self.send_button = QPushButton("Record the file &sent…")
        self.confirm_button = QPushButton("Receipt confir&med…")
        allowed = can(signed_in.account.role, Permission.RECORD_INCIDENTS)
        for button in (self.print_button, self.send_button, self.confirm_button):
            button.setVisible(allowed)
        row = QWidget()
        flow = FlowLayout(row)  # wraps in a narrow panel
        for button in (self.print_button, self.send_button, self.confirm_button):
            flow.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addWidget(row)
        self.print_button.clicked.connect(self.print_chronology)
        self.send_button.clicked.connect(self.send)
        self.confirm_button.clicked.connect(self.confirm)

    def show_person(self, person_id: int, destination: str) -> None:
        self.person_id, self.destination = person_id, destination
        self.sent = transfers.transfers(self._signed_in, person_id)
        self.list.clear()
        today = self._signed_in.clock.today()
        for t in self.sent:
            confirmed = (
                f"receipt confirmed {t.confirmed_on:%d/%m/%Y} by {t.confirmed_by}"
                if t.confirmed_on
                else (
                    f"NOT CONFIRMED: it should have been by {t.confirm_by:%d/%m/%Y}"
                    if t.overdue(today)
                    else f"awaiting confirmation (by {t.confirm_by:%d/%m/%Y})"
                )
            )
            self.list.addItem(
                f"{t.sent_on:%d/%m/%Y} to {t.sent_to} ({t.how}), sent by {t.sent_by}: {confirmed}"
            )
        waiting = [t for t in self.sent if t.confirmed_on is None]
        self.confirm_button.setEnabled(bool(waiting))
        self.status.setText(
            "The safeguarding file goes to the new school within five school days of the pupil "
            "starting there, and its receipt is confirmed."
            if not self.sent
            else f"Sent {len(self.sent)} time{'s' if len(self.sent) != 1 else ''}."
        )

    def print_chronology(self) -> None:
        from esafety_desktop.ui.pdf_preview import PreviewLater

        if self.person_id is None:
            return
        PreviewLater(
            self,
            self._signed_in,
            partial(transfers.child_chronology, self._signed_in, self.person_id),
            "Safeguarding chronology",
            "safeguarding-chronology.pdf",
            then=partial(setattr, self, "preview"),
        )

    def send(self) -> None:
        if self.person_id is None:
            return
        self.dialog: QDialog = SendDialog(self._signed_in, self.person_id, self.destination, self)
        self.dialog.accepted.connect(self._changed)
        self.dialog.open()

    def confirm(self) -> None:
        waiting = [t for t in self.sent if t.confirmed_on is None]
        if not waiting:
            return
        self.dialog = ConfirmDialog(self._signed_in, waiting[0], self)
        self.dialog.accepted.connect(self._changed)
        self.dialog.open()

    def _changed(self) -> None:
        if self.person_id is not None:
            self.show_person(self.person_id, self.destination)
