"""The local contacts as a form (setup wizard and Settings), with the national ones listed."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from esafety_desktop.domain.contacts import LOCAL_CONTACTS, NATIONAL_CONTACTS, Contact


class ContactsEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edits: dict[str, tuple[QLineEdit, QLineEdit, QLineEdit]] = {}
        local = QGroupBox("Local contacts")
        grid = QGridLayout(local)
        for column, heading in enumerate(("", "Name or team", "Phone", "Email")):
            if heading:
                grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        for row, contact in enumerate(LOCAL_CONTACTS, start=1):
            label = QLabel(contact.label)
            label.setWordWrap(True)
            edits = (QLineEdit(), QLineEdit(), QLineEdit())
            for column, (edit, what) in enumerate(
                zip(edits, ("name", "phone", "email"), strict=True), start=1
            ):
                edit.setObjectName(f"{contact.key}_{what}")
                edit.setAccessibleName(f"{contact.label}: {what}")
                grid.addWidget(edit, row, column)
            label.setBuddy(edits[0])
            grid.addWidget(label, row, 0)
            self._edits[contact.key] = edits
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 3)

        national = QGroupBox("National (always the same)")
        national_layout = QVBoxLayout(national)
        for contact in NATIONAL_CONTACTS:
            reach = contact.phone or contact.web
            national_layout.addWidget(QLabel(f"{contact.label}: <b>{reach}</b>"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(local)
        layout.addWidget(national)
        layout.addStretch(1)

    def set_contacts(self, contacts: list[Contact]) -> None:
        for contact in contacts:
            if contact.key in self._edits:
                name, phone, email = self._edits[contact.key]
                name.setText(contact.name)
                phone.setText(contact.phone)
                email.setText(contact.email)

    def contacts(self) -> list[Contact]:
        result = []
        for contact in LOCAL_CONTACTS:
            name, phone, email = self._edits[contact.key]
            result.append(contact.updated(name=name.text(), phone=phone.text(), email=email.text()))
        return result + list(NATIONAL_CONTACTS)

    def clear(self) -> None:
        for edits in self._edits.values():
            for edit in edits:
                edit.clear()
