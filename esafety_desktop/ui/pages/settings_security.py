"""Settings › Security and My account: the lock, the recovery key, the school's key, and
one's own password (with the offer to change the school's key after it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.audit_wording import RECOVERY_KEY_KEPT
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import accounts, settings
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.exports import record_printed, recovery_sheet, save_pdf
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.account_dialogs import PasswordDialog
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.pages.settings_form import form_page, save_in_background, saved_note
from esafety_desktop.ui.sizing import button_row


class SecurityTab(QWidget):
    def __init__(self, signed_in: SignedIn) -> None:
        super().__init__()
        self._signed_in = signed_in
        current = settings.school_settings(signed_in)
        low, high = settings.AUTO_LOCK_RANGE
        self.minutes = QSpinBox()
        self.minutes.setRange(low, high)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(current.auto_lock_minutes)
        self.minutes.setAccessibleName("Auto-lock after")
        self.save_button = QPushButton("Sa&ve")
        self.note = saved_note()
        protection = (
            "Passwords alone protect the accounts on this PC (it has no system keyring). "
            "Keep the database on this PC only."
            if current.password_only
            else "Each account needs its password and this PC's secret, kept in the system "
            "keyring. A copy of the database is useless elsewhere without the recovery key."
        )
        self.protection = QLabel(protection)
        self.protection.setWordWrap(True)
        kept = current.recovery_sheet_kept
        self.sheet_state = QLabel(
            _kept_in_words(kept)
            if kept
            else "The current recovery sheet has not been confirmed as printed or stored."
        )
        self.new_key_button = QPushButton("Make a &new recovery key…")
        self.school_key_about = QLabel(SCHOOL_KEY_ABOUT)
        self.school_key_about.setWordWrap(True)
        self.school_key_button = QPushButton("Change the school's &key…")
        self.school_key_busy = QProgressBar()
        self.school_key_busy.setAccessibleName("Changing the school's key")
        self.school_key_busy.setRange(0, 0)  # no steps to count: it only shows work goes on
        self.school_key_busy.setTextVisible(False)
        self.school_key_busy.setFixedWidth(160)
        self.school_key_busy.hide()
        self.school_key_state = QLabel()
        self.school_key_state.setObjectName("schoolKeyState")
        self.school_key_state.hide()
        form = QFormLayout()
        lock_row = QHBoxLayout()
        lock_row.addWidget(self.minutes)
        lock_row.addWidget(self.save_button)
        lock_row.addWidget(self.note, 1)
        form.addRow("Lock after", lock_row)
        form.addRow("Protection", self.protection)
        key_row = QVBoxLayout()
        key_row.addWidget(self.sheet_state)
        button_row = QHBoxLayout()
        button_row.addWidget(self.new_key_button)
        button_row.addStretch(1)
        key_row.addLayout(button_row)
        form.addRow("Recovery key", key_row)
        school_key = QVBoxLayout()
        school_key.addWidget(self.school_key_about)
        school_key_buttons = QHBoxLayout()
        school_key_buttons.addWidget(self.school_key_button)
        school_key_buttons.addWidget(self.school_key_busy)
        # Beside the button, not below it: a label shown below made the form give the wrapped
        # text above too little height, cutting its last line off.
        school_key_buttons.addWidget(self.school_key_state)
        school_key_buttons.addStretch(1)
        school_key.addLayout(school_key_buttons)
        form.addRow("School's key", school_key)
        form_page(self, form)
        self.save_button.clicked.connect(self.save)
        self.new_key_button.clicked.connect(self.new_recovery_key)
        self.school_key_button.clicked.connect(self.ask_to_change_school_key)

    def save(self) -> None:
        save_in_background(
            self,
            partial(settings.set_auto_lock_minutes, self._signed_in, self.minutes.value()),
            self.note,
            "Saved. It applies from the next sign-in.",
        )

    def new_recovery_key(self) -> None:
        if not dialogs.ask(
            self,
            "Make a new recovery key?",
            "You will print a new recovery sheet for the school safe.\n\n"
            "The old sheet will no longer open the school's database, but it still opens the "
            "backups already made: keep it with those backups, or destroy it when they are "
            "deleted.\n\n"
            "The school's key is changed too: it takes a few seconds.",
            yes="Make a new key",
        ):
            return
        before = self.sheet_state.text()
        self.new_key_button.setEnabled(False)
        self.sheet_state.setText("Making a new recovery key and changing the school's key…")
        Operation(
            self,
            partial(_new_recovery_sheet, self._signed_in),
            Changes.SETTINGS,
            on_done=self._show_sheet,
            on_problem=partial(self._no_new_key, before),
        ).run()

    def _no_new_key(self, before: str, problem: ProblemForUser) -> None:
        self.new_key_button.setEnabled(True)
        self.sheet_state.setText(before)
        dialogs.report_problem(self, problem, "No new recovery key was made")

    def ask_to_change_school_key(self) -> None:
        if dialogs.ask(
            self,
            "Change the school's key?",
            "The school's records will be locked with a new key. Every account keeps its "
            "password, and the recovery sheet in the safe keeps working.\n\n"
            "Afterwards, anyone holding an old copy of the key file, an old password or a "
            "removed account can open nothing current.\n\n"
            "It takes a few seconds. Backups already made keep the old key: they still open "
            "with the passwords and recovery sheet of their day.",
            yes="Change the key",
        ):
            self.change_school_key("asked for")

    def change_school_key(self, why: str) -> None:
        """Change it now, on the worker (the person has already said yes)."""
        self.school_key_button.setEnabled(False)
        self.school_key_busy.show()
        self._say_school_key("Changing the school's key…")
        Operation(
            self,
            partial(_change_school_key, self._signed_in, why),
            Changes.SETTINGS,
            on_done=self._school_key_changed,
            on_problem=self._school_key_not_changed,
        ).run()

    def _school_key_changed(self, need_new_passwords: list[str]) -> None:
        self.school_key_button.setEnabled(True)
        self.school_key_busy.hide()
        self._say_school_key("The school's key has been changed.")
        dialogs.inform(
            self, "The school's key is changed", _key_changed_in_words(need_new_passwords)
        )

    def _school_key_not_changed(self, problem: ProblemForUser) -> None:
        self.school_key_button.setEnabled(True)
        self.school_key_busy.hide()
        self._say_school_key("")
        dialogs.report_problem(self, problem, "The school's key was not changed")

    def _say_school_key(self, text: str) -> None:
        self.school_key_state.setText(text)
        self.school_key_state.setVisible(bool(text))

    def show_sheet_for(self, recovery_key: str) -> None:
        """The sheet of a recovery key made elsewhere (signing in upgraded the school)."""
        Operation(
            self,
            partial(recovery_sheet, self._signed_in, recovery_key),
            Changes.SETTINGS,
            on_done=self._show_sheet,
            problem_title="The recovery sheet could not be made",
        ).run()

    def _show_sheet(self, pdf: bytes) -> None:
        from esafety_desktop.ui.pdf_preview import PdfPreviewDialog

        self.preview = PdfPreviewDialog(
            pdf,
            "Recovery sheet",
            suggested_file_name="recovery-sheet.pdf",
            on_printed=lambda pages: self._kept("printed", pages),
            on_save=lambda path: self._saved(pdf, path),
            parent=self,
        )
        self.new_key_button.setEnabled(True)
        self.sheet_state.setText("New recovery key made: print the sheet now.")
        self.preview.open()

    def _kept(self, how: str, pages: int) -> None:
        Operation(
            self,
            partial(_sheet_kept, self._signed_in, how, pages),
            Changes.SETTINGS,
            on_done=partial(self._sheet_state, how),
            problem_title="The recovery sheet was not recorded as kept",
        ).run()

    def _saved(self, pdf: bytes, path: str) -> None:
        Operation(
            self,
            partial(_sheet_saved, self._signed_in, pdf, Path(path)),
            Changes.SETTINGS,
            on_done=partial(self._sheet_state, "saved"),
            problem_title="The recovery sheet was not saved",
        ).run()

    def _sheet_state(self, how: str, _result: object) -> None:
        self.sheet_state.setText(_kept_in_words(how))


class MyAccountTab(QWidget):
    """One's own account. ``change_school_key(why)`` is given to those who may change the
    school's key (a DSL): it is offered after a change of password."""

    def __init__(
        self, signed_in: SignedIn, change_school_key: Callable[[str], None] | None = None
    ) -> None:
        super().__init__()
        self._signed_in = signed_in
        self._change_school_key = change_school_key
        me = signed_in.account
        self.change_button = QPushButton("&Change my password…")
        form = QFormLayout()
        form.addRow("Name", QLabel(me.display_name))
        form.addRow("Account", QLabel(me.username))
        form.addRow("Role", QLabel(me.role.label))
        form.addRow("", button_row(self.change_button))
        form_page(self, form)
        self.change_button.clicked.connect(self.change_password)

    def change_password(self) -> None:
        me = self._signed_in
        self.dialog = PasswordDialog(
            "Change my password",
            "Type your current password, then the new one twice.",
            lambda current, new: accounts.change_own_password(
                me, current_password=current, new_password=new
            ),
            ask_current=True,
            account=me.account.username,
            parent=self,
        )
        self.dialog.accepted.connect(self._password_changed)
        self.dialog.open()

    def _password_changed(self) -> None:
        if self._change_school_key is None:
            dialogs.inform(
                self,
                "Password changed",
                "Your new password works from now on.\n\n"
                "If you fear your old password was seen by someone, ask your Designated "
                "Safeguarding Lead to change the school's key: then your old password opens "
                "nothing current, even with an old copy of the key file.",
            )
            return
        if dialogs.ask(
            self,
            "Password changed",
            "Your new password works from now on.\n\n"
            "Do you fear your old password was seen by someone? Then change the school's key "
            "now: your old password will open nothing current, even with an old copy of the "
            "key file. It takes a few seconds.",
            yes="Change the school's key",
            no="No need",
        ):
            self._change_school_key("a password may have been seen")


def _kept_in_words(how: str) -> str:
    return f"The current recovery key is kept safe: {RECOVERY_KEY_KEPT.get(how, how)}."


SCHOOL_KEY_ABOUT = (
    "The key that locks all the school's records. Change it after someone changes a password "
    "they fear was seen: an old password, a removed account or an old copy of the key file "
    "then opens nothing current. Removing an account or making a new recovery key changes it "
    "by itself."
)


def _change_school_key(signed_in: SignedIn, why: str) -> list[str]:
    """On the worker: a new key for the school; the accounts that now need a new password
    from a DSL, by name."""
    changed = accounts.change_school_key(signed_in, why)
    if not changed.need_new_passwords:
        return []
    names = {a.username: a.display_name for a in accounts.list_accounts(signed_in)}
    return [
        f"{names[username]} ({username})" if username in names else username
        for username in changed.need_new_passwords
    ]


def _key_changed_in_words(need_new_passwords: list[str]) -> str:
    after = (
        "An old copy of the key file, an old password or a removed account now opens nothing "
        "current.\n\n"
        "Backups made before this change keep the old key: they still open with the passwords "
        "and recovery sheet of their day. Keep old recovery sheets with those backups, or "
        "destroy them when the backups are deleted."
    )
    if not need_new_passwords:
        return f"Every account signs in with its password as before. {after}"
    listed = "\n".join(f"• {name}" for name in need_new_passwords)
    return (
        "These accounts cannot sign in until a Designated Safeguarding Lead gives them a new "
        f"password (Settings › Accounts › Reset password):\n{listed}\n\n"
        f"Every other account signs in with its password as before. {after}"
    )


def _new_recovery_sheet(signed_in: SignedIn) -> bytes:
    """On the worker: a new recovery key, and its sheet to print."""
    return recovery_sheet(signed_in, accounts.replace_recovery_key(signed_in))


def _sheet_kept(signed_in: SignedIn, how: str, pages: int) -> None:
    record_printed(signed_in, "Recovery sheet", pages)
    settings.confirm_recovery_sheet(signed_in, how)


def _sheet_saved(signed_in: SignedIn, pdf: bytes, path: Path) -> None:
    save_pdf(signed_in, "Recovery sheet", pdf, path)
    settings.confirm_recovery_sheet(signed_in, "saved")
