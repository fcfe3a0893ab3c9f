"""First run: where the database goes, the school, its contacts, the first DSL, the recovery
sheet. The database is made when the account page is accepted; the last page then shows the
recovery key once and will not finish until the sheet is printed or stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPushButton, QWidget, QWizard, QWizardPage

from esafety_desktop import APP_NAME
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.access import KeyringState
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import close_orphaned_session, run_in_background
from esafety_desktop.ui.contacts_editor import ContactsEditor
from esafety_desktop.ui.generated.ui_setup_account import Ui_SetupAccountPage
from esafety_desktop.ui.generated.ui_setup_contacts import Ui_SetupContactsPage
from esafety_desktop.ui.generated.ui_setup_location import Ui_SetupLocationPage
from esafety_desktop.ui.generated.ui_setup_recovery import Ui_SetupRecoveryPage
from esafety_desktop.ui.generated.ui_setup_school import Ui_SetupSchoolPage
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.passwords import mismatch_message, show_strength
from esafety_desktop.ui.sizing import fit_to_screen
from esafety_desktop.ui.typed_work import TypedWork, may_discard

PUPIL_WORDS = ("pupil", "learner", "student")

NO_KEYRING = (
    "This computer has no secure password store (a system keyring), so eSafety Desktop "
    "cannot tie the school's records to this PC. With a keyring, each account needs its "
    "password and a secret that only this computer holds, so a copy of the database is "
    "useless anywhere else. Without one, the password alone opens an account: anyone who "
    "copies the database file and learns or guesses a password can read it.\n\n"
    "If this PC should have a keyring (on Linux, a desktop session with GNOME Keyring or "
    "KWallet), set it up and check again. If it cannot have one, tick the box below: "
    "the choice is recorded in the school's audit log, and the recovery key still works."
)
LOCKED_KEYRING = (
    "This computer's keyring is locked, so eSafety Desktop cannot keep its secret in it yet. "
    "Unlock it, then choose Check the keyring again: sign in to the desktop session as "
    "yourself (the login keyring opens with your computer password), or unlock the Login "
    "keyring in Passwords and Keys or KWallet. Nothing else needs changing."
)
SAY_CHOOSE = (
    "This PC has no keyring: tick \u201cProtect the accounts on this PC by their passwords "
    "alone\u201d to go on without one, or set a keyring up and check again."
)
SAY_UNLOCK = "Unlock this computer's keyring first, then choose Check the keyring again."


class LocationPage(QWizardPage):
    def __init__(self, default_path: Path, wizard: SetupWizard) -> None:
        super().__init__()
        self.ui = Ui_SetupLocationPage()
        self.ui.setupUi(self)
        self._wizard = wizard
        self.ui.pathEdit.setText(str(default_path))
        self.ui.browseButton.clicked.connect(self._browse)
        self.restore_button = QPushButton("&Restore from a backup instead (a new PC)…")
        self.restore_button.setObjectName("restoreInstead")
        self.restore_button.clicked.connect(self._restore_instead)
        layout = self.layout()
        assert layout is not None  # the form's own
        layout.addWidget(self.restore_button)
        self.review_button = QPushButton("Open a &headteacher's review pack instead…")
        self.review_button.setObjectName("reviewInstead")
        self.review_button.clicked.connect(self._review_instead)
        layout.addWidget(self.review_button)
        self.registerField("database", self.ui.pathEdit)
        self.keyring: KeyringState | None = None
        self.ui.checkAgainButton.clicked.connect(self.check_keyring)
        self.ui.passwordOnlyCheck.toggled.connect(self._password_only_toggled)

    def initializePage(self) -> None:  # Qt names it
        self.check_keyring()
        self.ui.pathEdit.setFocus()

    def check_keyring(self) -> None:
        """Whether this PC's keyring can keep the device secret, said before anything else
        is asked: missing (passwords alone is offered), locked (unlock it) or ready."""
        from esafety_desktop.services.access import keyring_state

        self.keyring = keyring_state()
        ui = self.ui
        ui.keyringBox.setVisible(self.keyring is not KeyringState.READY)
        missing = self.keyring is KeyringState.MISSING
        ui.passwordOnlyCheck.setVisible(missing)
        if not missing:
            ui.passwordOnlyCheck.setChecked(False)
        if self.keyring is KeyringState.MISSING:
            ui.keyringLabel.setText(NO_KEYRING)
        elif self.keyring is KeyringState.LOCKED:
            ui.keyringLabel.setText(LOCKED_KEYRING)
        else:
            ui.keyringLabel.setText("")
            if ui.messageLabel.text() in (SAY_CHOOSE, SAY_UNLOCK):
                self._say("")

    def _password_only_toggled(self, on: bool) -> None:
        if on and self.ui.messageLabel.text() == SAY_CHOOSE:
            self._say("")

    def password_only(self) -> bool:
        return self.keyring is KeyringState.MISSING and self.ui.passwordOnlyCheck.isChecked()

    def _keyring_allows_going_on(self) -> bool:
        if self.keyring is not KeyringState.READY:
            self.check_keyring()  # unlocked or set up meanwhile?
        if self.keyring is KeyringState.LOCKED:
            self._say(SAY_UNLOCK)
            return False
        if self.keyring is KeyringState.MISSING and not self.ui.passwordOnlyCheck.isChecked():
            self._say(SAY_CHOOSE)
            self.ui.passwordOnlyCheck.setFocus()
            return False
        return True

    def _review_instead(self) -> None:
        self._wizard.review_instead.emit(None)

    def _restore_instead(self) -> None:
        self._wizard.restore_instead.emit(None)

    def _browse(self) -> None:
        chosen = dialogs.save_file_name(
            self,
            "Where to keep the school database",
            self.ui.pathEdit.text(),
            "eSafety database (*.db)",
        )
        if chosen:
            self.ui.pathEdit.setText(chosen if chosen.endswith(".db") else chosen + ".db")

    def validatePage(self) -> bool:  # Qt names it
        from esafety_desktop.services.key_file import database_exists, network_drive_reason

        if not self._keyring_allows_going_on():
            return False
        typed = self.ui.pathEdit.text().strip()
        if not typed:
            self._say("Choose where to keep the school database.")
            return False
        path = Path(typed).expanduser()
        reason = network_drive_reason(path)
        if reason:
            self._say(
                f"This cannot be used because {reason}. SQLite databases are damaged when "
                "written over a network. Choose a folder on this computer; backups can go to "
                "other drives later."
            )
            return False
        if database_exists(path):
            if dialogs.ask(
                self,
                "There is already a school database here",
                f"{path} already holds a school database. eSafety Desktop never overwrites "
                "one. Open it instead of making a new one?",
                yes="Open it",
            ):
                self._wizard.open_existing.emit(path)
                self._wizard.close_without_asking()
            return False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._say(f"The folder {path.parent} cannot be made ({exc.strerror}).")
            return False
        self._wizard.draft["database"] = path
        self._wizard.draft["password_only"] = self.password_only()
        self._say("")
        return True

    def _say(self, text: str) -> None:
        self.ui.messageLabel.setText(text)
        self.ui.messageLabel.setStyleSheet(ERROR_STYLE)


class SchoolPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.ui = Ui_SetupSchoolPage()
        self.ui.setupUi(self)
        self._wizard = wizard
        self.ui.wordCombo.addItems(list(PUPIL_WORDS))
        self.ui.wordLabel.setText("We call children")
        self.registerField("school*", self.ui.schoolNameEdit)

    def validatePage(self) -> bool:
        name = self.ui.schoolNameEdit.text().strip()
        if not name:
            self.ui.messageLabel.setText("Type the school's name.")
            return False
        self._wizard.draft["school_name"] = name
        self._wizard.draft["pupil_word"] = self.ui.wordCombo.currentText()
        return True


class ContactsPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.ui = Ui_SetupContactsPage()
        self.ui.setupUi(self)
        self._wizard = wizard
        self.editor = ContactsEditor()
        self.ui.contactsLayout.addWidget(self.editor)

    def validatePage(self) -> bool:
        self._wizard.draft["contacts"] = self.editor.contacts()
        return True


class AccountPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.ui = Ui_SetupAccountPage()
        self.ui.setupUi(self)
        self._wizard = wizard
        for edit in (self.ui.passwordEdit, self.ui.repeatEdit, self.ui.usernameEdit):
            edit.textChanged.connect(self._feedback)
        self.registerField("fullName*", self.ui.nameEdit)
        self.registerField("username*", self.ui.usernameEdit)
        self.registerField("password*", self.ui.passwordEdit)
        self.registerField("repeat*", self.ui.repeatEdit)

    def _feedback(self) -> None:
        show_strength(
            self.ui.passwordEdit.text(),
            self.ui.strengthLabel,
            self.ui.strengthBar,
            account=self.ui.usernameEdit.text(),
        )
        self._say(mismatch_message(self.ui.passwordEdit.text(), self.ui.repeatEdit.text()))

    def _say(self, text: str) -> None:
        self.ui.messageLabel.setText(text)
        self.ui.messageLabel.setStyleSheet(ERROR_STYLE)

    def validatePage(self) -> bool:
        wizard = self._wizard
        if wizard.signed_in is not None:
            return True  # made by the background job below; now move on
        if wizard.creating:
            return False
        password = self.ui.passwordEdit.text()
        if password != self.ui.repeatEdit.text():
            self._say("The two passwords are different.")
            return False
        from esafety_desktop.services.passwords import judge_password

        verdict = judge_password(password, self.ui.usernameEdit.text())
        if not verdict.acceptable:
            self._say(verdict.reason)
            return False
        self._say("")
        self.ui.messageLabel.setStyleSheet("")
        self.ui.messageLabel.setText("Making the encrypted school database…")
        wizard.create_school(
            username=self.ui.usernameEdit.text(),
            display_name=self.ui.nameEdit.text(),
            password=password,
        )
        return False


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.ui = Ui_SetupRecoveryPage()
        self.ui.setupUi(self)
        self._wizard = wizard
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.ui.keyLabel.setFont(font)
        self.ui.previewButton.clicked.connect(self.preview)
        self.ui.confirmCheck.toggled.connect(self.completeChanged)
        self.kept = "written"

    def initializePage(self) -> None:
        self.ui.keyLabel.setText(self._wizard.recovery_key.replace("-", "  "))
        self.setCommitPage(True)

    def isComplete(self) -> bool:
        return self.ui.confirmCheck.isChecked()

    def preview(self) -> None:
        from esafety_desktop.services.exports import record_printed, recovery_sheet, save_pdf
        from esafety_desktop.ui.pdf_preview import PdfPreviewDialog

        me = self._wizard.signed_in
        assert me is not None
        pdf = recovery_sheet(me, self._wizard.recovery_key)

        def printed(pages: int) -> None:
            record_printed(me, "Recovery sheet", pages)
            self.kept = "printed"
            self.ui.confirmCheck.setChecked(True)

        def saved(path: str) -> None:
            save_pdf(me, "Recovery sheet", pdf, Path(path))
            self.kept = "saved"

        self.preview_dialog = PdfPreviewDialog(
            pdf,
            "Recovery sheet",
            suggested_file_name="recovery-sheet.pdf",
            on_printed=printed,
            on_save=saved,
            parent=self,
        )
        self.preview_dialog.open()

    def validatePage(self) -> bool:
        from esafety_desktop.services.settings import confirm_recovery_sheet

        me = self._wizard.signed_in
        assert me is not None
        try:
            confirm_recovery_sheet(me, self.kept)
        except ProblemForUser as problem:
            dialogs.report_problem(self, problem, "The recovery sheet was not recorded as kept")
            return False
        return True


class SetupWizard(QWizard):
    """``created`` carries the signed-in DSL when the school exists (finished or not);
    ``open_existing`` a path the user chose to open instead."""

    created = Signal(object)
    open_existing = Signal(object)
    restore_instead = Signal(object)  # always None: the restore wizard finds the backups
    review_instead = Signal(object)  # always None: the review window asks for the pack

    def __init__(self, default_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Set up {APP_NAME}")
        self.setObjectName("setupWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.draft: dict[str, Any] = {}
        self.signed_in: Any = None
        self.recovery_key = ""
        self.creating = False
        self._finished = False
        self.location_page = LocationPage(default_path, self)
        self.school_page = SchoolPage(self)
        self.contacts_page = ContactsPage(self)
        self.account_page = AccountPage(self)
        self.recovery_page = RecoveryPage(self)
        for page in (
            self.location_page,
            self.school_page,
            self.contacts_page,
            self.account_page,
            self.recovery_page,
        ):
            self.addPage(page)
        fit_to_screen(self, 900, 680)
        self._discarding = False  # closed on purpose: another window takes over
        self.typed = TypedWork(self)
        self.typed.start()

    def create_school(self, *, username: str, display_name: str, password: str) -> None:
        self.creating = True
        self.button(QWizard.WizardButton.NextButton).setEnabled(False)
        draft = dict(self.draft)

        def work() -> object:
            from esafety_desktop.domain.contacts import to_saved
            from esafety_desktop.services.access import create_school, this_pc

            return create_school(
                draft["database"],
                school_name=draft["school_name"],
                username=username,
                display_name=display_name,
                password=password,
                device_secrets=this_pc(),
                password_only=draft.get("password_only", False),
                first_settings={
                    "pupil_word": draft.get("pupil_word", "pupil"),
                    "contacts": to_saved(draft.get("contacts", [])),
                },
            )

        run_in_background(work, self._made, self._not_made, owner=self, on_orphaned=_close_new)

    def _made(self, new: Any) -> None:
        self.creating = False
        self.signed_in = new.signed_in
        self.recovery_key = new.recovery_key
        self.account_page.ui.messageLabel.setText("")
        for edit in (self.account_page.ui.passwordEdit, self.account_page.ui.repeatEdit):
            edit.clear()
        self.account_page.setCommitPage(True)
        self.next()

    def _not_made(self, exc: BaseException) -> None:
        self.creating = False
        self.button(QWizard.WizardButton.NextButton).setEnabled(True)
        self.account_page.ui.messageLabel.setText("")
        if not isinstance(exc, ProblemForUser):
            raise exc
        dialogs.report_problem(self, exc, "The school database was not made")

    def done(self, result: int) -> None:
        if self._finished:
            super().done(result)
            return
        rejected = result != QWizard.DialogCode.Accepted
        nothing_made = self.signed_in is None and not self.creating
        if (
            rejected
            and nothing_made
            and not self._discarding
            and not may_discard(self, self.typed, "Nothing has been set up yet, and what you typed")
        ):
            return
        unconfirmed = self.signed_in is not None and rejected
        if unconfirmed and not dialogs.ask(
            self,
            "Close without the recovery sheet?",
            "The school database is made, but you have not confirmed that the recovery "
            "sheet is printed or stored. The Dashboard will remind you, and you can print "
            "a sheet with a new recovery key from there.",
            yes="Close anyway",
            no="Go back",
        ):
            return
        self._finished = True
        super().done(result)
        if self.isVisible():  # the last page refused to finish (QWizard.done validates it)
            self._finished = False
            return
        if self.signed_in is not None:
            self.created.emit(self.signed_in)

    def close_without_asking(self) -> None:
        """Another window takes over (the sign-in, a restore, a review pack): what was typed
        here is not wanted."""
        self._discarding = True
        self.close()

    def closeEvent(self, event: Any) -> None:  # Qt names it
        if self.creating:
            event.ignore()
            return
        super().closeEvent(event)


def _close_new(new: Any) -> None:
    """A school made after its wizard had gone: its session is closed (it can be opened
    from the sign-in window)."""
    close_orphaned_session(new.signed_in)
