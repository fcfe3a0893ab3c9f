"""Dialogs that set a password: a new account, a reset by the DSL, changing one's own."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.ui.generated.ui_account import Ui_AccountDialog
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.passwords import mismatch_message, show_strength
from esafety_desktop.ui.sizing import fit_to_screen
from esafety_desktop.ui.typed_work import AsksBeforeDiscarding, TypedWork


class AccountDialog(AsksBeforeDiscarding, QDialog):
    """Add an account. ``save(username, display_name, role, password)`` calls the service."""

    def __init__(
        self, save: Callable[[str, str, Role, str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.typed = TypedWork(self)
        self.ui = Ui_AccountDialog()
        self.ui.setupUi(self)
        self.setObjectName("accountDialog")
        self._save = save
        for role in Role:
            self.ui.roleCombo.addItem(role.label, role)
        self.ui.roleCombo.setCurrentIndex(self.ui.roleCombo.findData(Role.DEPUTY_DSL))
        for edit in (self.ui.passwordEdit, self.ui.repeatEdit, self.ui.usernameEdit):
            edit.textChanged.connect(self._feedback)
        self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok).setText("Add account")
        self.ui.buttonBox.accepted.connect(self.submit)
        self.ui.buttonBox.rejected.connect(self.reject)

    def _feedback(self) -> None:
        show_strength(
            self.ui.passwordEdit.text(), self.ui.strengthLabel, account=self.ui.usernameEdit.text()
        )
        self._say(mismatch_message(self.ui.passwordEdit.text(), self.ui.repeatEdit.text()))

    def _say(self, text: str) -> None:
        self.ui.messageLabel.setText(text)
        self.ui.messageLabel.setStyleSheet(ERROR_STYLE)

    def submit(self) -> None:
        if self.ui.passwordEdit.text() != self.ui.repeatEdit.text():
            self._say("The two passwords are different.")
            return
        values = (
            self.ui.usernameEdit.text(),
            self.ui.nameEdit.text(),
            Role(self.ui.roleCombo.currentData()),
            self.ui.passwordEdit.text(),
        )
        self.ui.buttonBox.setEnabled(False)
        self._say("")
        Operation(
            self,
            partial(self._save, *values),
            Changes.ACCOUNTS,
            on_done=self._done,
            on_problem=self._failed,
        ).run()

    def _done(self, _result: object) -> None:
        self.accept()

    def _failed(self, problem: ProblemForUser) -> None:
        self.ui.buttonBox.setEnabled(True)
        self._say(str(problem))


class PasswordDialog(AsksBeforeDiscarding, QDialog):
    """A new password typed twice, and the current one when changing one's own."""

    def __init__(
        self,
        title: str,
        intro: str,
        save: Callable[[str, str], None],
        *,
        ask_current: bool,
        account: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.typed = TypedWork(self)
        self.setWindowTitle(title)
        self.setObjectName("passwordDialog")
        self._save = save
        self._account = account
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        self.strength = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        if ask_current:
            form.addRow("&Current password", self.current)
        else:
            self.current.hide()
        form.addRow("&New password", self.new)
        form.addRow("&Type it again", self.repeat)
        form.addRow("", self.strength)
        for edit, name in (
            (self.current, "Current password"),
            (self.new, "New password"),
            (self.repeat, "Repeat new password"),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.new.textChanged.connect(self._feedback)
        self.repeat.textChanged.connect(self._feedback)
        self.buttons = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set password")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_to_screen(self, 460, 0)

    def _feedback(self) -> None:
        show_strength(self.new.text(), self.strength, account=self._account)
        self.message.setText(mismatch_message(self.new.text(), self.repeat.text()))

    def submit(self) -> None:
        if self.new.text() != self.repeat.text():
            self.message.setText("The two passwords are different.")
            return
        current, new = self.current.text(), self.new.text()
        self.buttons.setEnabled(False)
        self.message.setText("")
        Operation(
            self,
            partial(self._save, current, new),
            Changes.ACCOUNTS,
            on_done=self._done,
            on_problem=self._failed,
        ).run()

    def _done(self, _result: object) -> None:
        self.accept()

    def _failed(self, problem: ProblemForUser) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(str(problem))
