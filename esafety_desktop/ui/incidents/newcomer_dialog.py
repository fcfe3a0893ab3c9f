"""Someone involved who is not on the school's register, added from inside the incident wizard:
an unknown or online person (what is known of them), a pupil at another school, or a family
member (who may also go on the register as a parent or carer)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.incidents import PersonRole
from esafety_desktop.domain.people import CasePersonKind, Newcomer
from esafety_desktop.ui.look import error_label


class NewcomerDialog(QDialog):
    def __init__(self, roles: list[PersonRole], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone not on the register")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Who they are")
        for kind in CasePersonKind:
            self.kind.addItem(kind.label, kind.value)
        self.role_box = QComboBox()
        self.role_box.setAccessibleName("Role")
        for role in roles:
            self.role_box.addItem(role.label, role.value)
        self.forename = QLineEdit()
        self.forename.setAccessibleName("Forename")
        self.surname = QLineEdit()
        self.surname.setAccessibleName("Surname")
        self.identities = QPlainTextEdit()
        self.identities.setAccessibleName("Usernames or profile addresses")
        self.identities.setPlaceholderText("one per line, exactly as shown")
        self.identities.setMaximumHeight(70)
        self.platform = QLineEdit()
        self.platform.setAccessibleName("Platform")
        self.platform.setPlaceholderText("for example the game, app or website")
        self.age = QLineEdit()
        self.age.setAccessibleName("Approximate age")
        self.age.setPlaceholderText("for example “an adult”, “about 15”")
        self.school = QLineEdit()
        self.school.setAccessibleName("Their school")
        self.relationship = QLineEdit()
        self.relationship.setAccessibleName("Relationship")
        self.relationship.setPlaceholderText("for example “Amy's uncle”")
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setMaximumHeight(70)
        self.register = QCheckBox("Also add them to the school's register, as a parent or carer")
        self.message = error_label()
        self.form = QFormLayout()
        self.form.addRow("&Who they are", self.kind)
        self.form.addRow("&Role in this case", self.role_box)
        self.form.addRow("&Forename", self.forename)
        self.form.addRow("&Surname", self.surname)
        self.form.addRow("&Usernames or profile addresses", self.identities)
        self.form.addRow("&Platform", self.platform)
        self.form.addRow("Approximate &age", self.age)
        self.form.addRow("Their s&chool", self.school)
        self.form.addRow("Re&lationship", self.relationship)
        self.form.addRow("&Description", self.description)
        self.form.addRow(self.register)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add to the case")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._fit_the_kind)
        self._fit_the_kind()

    def _fit_the_kind(self) -> None:
        kind = CasePersonKind(self.kind.currentData())
        online = kind is CasePersonKind.ONLINE
        for widget, shown in (
            (self.identities, online),
            (self.platform, online),
            (self.age, online),
            (self.school, kind is CasePersonKind.OTHER_PUPIL),
            (self.relationship, kind is CasePersonKind.FAMILY),
            (self.register, kind is CasePersonKind.FAMILY),
        ):
            self.form.setRowVisible(widget, shown)
        self.forename.setPlaceholderText("if known" if online else "")
        self.surname.setPlaceholderText("if known" if online else "")

    def newcomer(self) -> Newcomer:
        kind = CasePersonKind(self.kind.currentData())
        online = kind is CasePersonKind.ONLINE
        return Newcomer(
            kind=kind,
            forename=self.forename.text().strip(),
            surname=self.surname.text().strip(),
            description=self.description.toPlainText().strip(),
            online_identities=self.identities.toPlainText().strip() if online else "",
            platform=self.platform.text().strip() if online else "",
            approximate_age=self.age.text().strip() if online else "",
            school=self.school.text().strip() if kind is CasePersonKind.OTHER_PUPIL else "",
            relationship=(
                self.relationship.text().strip() if kind is CasePersonKind.FAMILY else ""
            ),
            add_to_register=kind is CasePersonKind.FAMILY and self.register.isChecked(),
        )

    def role(self) -> PersonRole:
        return PersonRole(self.role_box.currentData())

    def accept(self) -> None:
        problem = self.newcomer().problem()
        if problem:
            self.message.setText(problem)
            return
        super().accept()
