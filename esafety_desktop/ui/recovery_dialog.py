"""The recovery-key dialog: a new PC, a rebuilt profile, or a forgotten password."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.ui.accessible import name_typing_box
from esafety_desktop.ui.background import close_orphaned_session, run_in_background
from esafety_desktop.ui.generated.ui_recovery import Ui_RecoveryDialog
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.passwords import mismatch_message, show_strength


class RecoveryDialog(QDialog):
    recovered = Signal(object)

    def __init__(self, database: Path, account: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.ui = Ui_RecoveryDialog()
        self.ui.setupUi(self)
        name_typing_box(self.ui.accountCombo)
        self.setObjectName("recoveryDialog")
        from esafety_desktop.services.key_file import accounts_on_file

        with contextlib.suppress(ProblemForUser):  # the sign-in screen already said why
            self.ui.accountCombo.addItems(accounts_on_file(database))
        if account:
            self.ui.accountCombo.setCurrentText(account)
        ok = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Open and set the new password")
        self.ui.passwordEdit.textChanged.connect(self._feedback)
        self.ui.repeatEdit.textChanged.connect(self._feedback)
        self.ui.buttonBox.accepted.connect(self.recover)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.keyEdit.setFont(QFont("monospace"))

    def _feedback(self) -> None:
        show_strength(
            self.ui.passwordEdit.text(),
            self.ui.strengthLabel,
            account=self.ui.accountCombo.currentText(),
        )
        self._say(mismatch_message(self.ui.passwordEdit.text(), self.ui.repeatEdit.text()))

    def _say(self, text: str) -> None:
        self.ui.messageLabel.setText(text)
        self.ui.messageLabel.setStyleSheet(ERROR_STYLE)

    def recover(self) -> None:
        account = self.ui.accountCombo.currentText().strip()
        key = self.ui.keyEdit.text()
        password, repeated = self.ui.passwordEdit.text(), self.ui.repeatEdit.text()
        if not account or not key.strip():
            self._say("Choose the account and type the recovery key.")
            return
        if password != repeated:
            self._say("The two passwords are different.")
            return
        self.ui.buttonBox.setEnabled(False)
        self._say("")

        def work() -> object:
            from esafety_desktop.services.access import sign_in_with_recovery_key, this_pc

            return sign_in_with_recovery_key(
                self.database,
                recovery_key=key,
                username=account,
                new_password=password,
                device_secrets=this_pc(),
            )

        run_in_background(
            work, self._done, self._failed, owner=self, on_orphaned=close_orphaned_session
        )

    def _done(self, signed_in: object) -> None:
        self.accept()
        self.recovered.emit(signed_in)

    def _failed(self, exc: BaseException) -> None:
        self.ui.buttonBox.setEnabled(True)
        if not isinstance(exc, ProblemForUser):
            raise exc
        self._say(str(exc))
