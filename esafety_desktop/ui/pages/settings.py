"""Settings: the school, its contacts, accounts and security (DSL), and one's own password."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.audit_wording import RECOVERY_KEY_KEPT
from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import accounts, settings
from esafety_desktop.services.access import AccountInfo, SignedIn
from esafety_desktop.services.exports import record_printed, recovery_sheet, save_pdf
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.account_dialogs import AccountDialog, PasswordDialog
from esafety_desktop.ui.backup_tab import BackupsTab
from esafety_desktop.ui.contacts_editor import ContactsEditor
from esafety_desktop.ui.dates import qdate
from esafety_desktop.ui.focus import FirstFieldOnTabChange
from esafety_desktop.ui.models import (
    RecordTableModel,
    SortingInSource,
    account_model,
    select_where,
)
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import button_row, readable, size_columns

CONTACTS_WIDTH = 1000


class SettingsPage(QWidget):
    title = "Settings"
    listens_to = Changes.SETTINGS | Changes.ACCOUNTS | Changes.BACKUPS

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self._signed_in = signed_in
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setAccessibleName("Settings")
        role = signed_in.account.role
        self.school_tab: SchoolTab | None = None
        self.contacts_tab: ContactsTab | None = None
        self.accounts_tab: AccountsTab | None = None
        self.security_tab: SecurityTab | None = None
        if can(role, Permission.CHANGE_SETTINGS):
            self.school_tab = SchoolTab(signed_in)
            self.contacts_tab = ContactsTab(signed_in)
            self.tabs.addTab(self.school_tab, "&School")
            self.tabs.addTab(self.contacts_tab, "C&ontacts")
        if can(role, Permission.MANAGE_ACCOUNTS):
            self.accounts_tab = AccountsTab(signed_in)
            self.security_tab = SecurityTab(signed_in)
            self.tabs.addTab(self.accounts_tab, "&Accounts")
            self.tabs.addTab(self.security_tab, "Securit&y")
        self.backups_tab = BackupsTab(signed_in)
        self.tabs.addTab(self.backups_tab, "&Backups")
        self.my_account_tab = MyAccountTab(
            signed_in,
            change_school_key=self._change_school_key if self.security_tab is not None else None,
        )
        self.tabs.addTab(self.my_account_tab, "&My account")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        FirstFieldOnTabChange(self.tabs)

    def show_tab(self, tab: QWidget | None) -> None:
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    def _change_school_key(self, why: str) -> None:
        """From My account, after a password that may have been seen: the Security tab shows
        the change under way."""
        if self.security_tab is not None:
            self.show_tab(self.security_tab)
            self.security_tab.change_school_key(why)


def _saved_note() -> QLabel:
    label = QLabel()
    label.setObjectName("savedNote")
    return label


class SchoolTab(QWidget):
    def __init__(self, signed_in: SignedIn) -> None:
        super().__init__()
        self._signed_in = signed_in
        current = settings.school_settings(signed_in)
        self.name = QLineEdit(current.school_name)
        self.name.setAccessibleName("School name")
        self.name.setMaxLength(200)
        self.word = QComboBox()
        self.word.setAccessibleName("Word for children")
        self.word.addItems(list(settings.PUPIL_WORDS))
        self.word.setCurrentText(current.pupil_word)
        month, day = settings.school_year_start(signed_in)
        self.year_start = QDateEdit(QDate(2023, month, day))
        self.year_start.setAccessibleName("School year starts on")
        self.year_start.setDisplayFormat("d MMMM")
        self.save_button = QPushButton("Sa&ve")
        self.note = _saved_note()
        form = QFormLayout()
        form.addRow("School &name", self.name)
        form.addRow("We call children", self.word)
        form.addRow("School year s&tarts on", self.year_start)
        self.parents_sign = QComboBox()
        self.parents_sign.setAccessibleName("A parent or carer signs the pupil's agreement")
        for key, label in settings.PARENTS_SIGN.items():
            self.parents_sign.addItem(label, key)
        self.parents_sign.setCurrentIndex(
            self.parents_sign.findData(settings.parents_sign(signed_in))
        )
        form.addRow("A parent or carer signs the\npupil's agreement", self.parents_sign)
        from esafety_desktop.services.reports import policy_review_date, report_threshold

        self.threshold = QSpinBox()
        self.threshold.setAccessibleName("Reports hide counts below")
        self.threshold.setRange(2, 20)
        self.threshold.setValue(report_threshold(signed_in))
        form.addRow("Reports to governors hide\ncounts below", self.threshold)
        review = policy_review_date(signed_in)
        self.policy_review = QDateEdit()
        self.policy_review.setAccessibleName("Online safety policy: next review")
        self.policy_review.setDisplayFormat("dd/MM/yyyy")
        self.policy_review.setCalendarPopup(True)
        self.policy_review.setMinimumDate(QDate(2000, 1, 1))
        self.policy_review.setSpecialValueText("Not set")  # shown at the minimum date
        self.policy_review.setDate(qdate(review) if review else QDate(2000, 1, 1))
        form.addRow("Online safety policy:\nnext review", self.policy_review)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.note, 1)
        _form_page(self, form, row)
        self.save_button.clicked.connect(self.save)

    def save(self) -> None:
        start, review = self.year_start.date(), self.policy_review.date()
        chosen = SchoolChoices(
            name=self.name.text(),
            pupil_word=self.word.currentText(),
            year_start=(start.month(), start.day()),
            parents_sign=str(self.parents_sign.currentData()),
            threshold=self.threshold.value(),
            policy_review=None if review == self.policy_review.minimumDate() else review.toPython(),  # type: ignore[arg-type]
        )
        _save_in_background(self, partial(_save_school, self._signed_in, chosen), self.note)


class ContactsTab(QWidget):
    def __init__(self, signed_in: SignedIn) -> None:
        super().__init__()
        self._signed_in = signed_in
        self.editor = ContactsEditor()
        self.editor.set_contacts(settings.school_settings(signed_in).contacts)
        self.save_button = QPushButton("Sa&ve contacts")
        self.note = _saved_note()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.note, 1)
        readable(self.editor, CONTACTS_WIDTH)  # three boxes a row: wider than a form
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)

    def save(self) -> None:
        _save_in_background(
            self,
            partial(settings.set_contacts, self._signed_in, self.editor.contacts()),
            self.note,
        )


class AccountsTab(QWidget):
    def __init__(self, signed_in: SignedIn) -> None:
        super().__init__()
        self._signed_in = signed_in
        self.model: RecordTableModel[AccountInfo] = account_model()
        self.proxy = SortingInSource(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("accountsTable")
        self.table.setAccessibleName("Accounts list")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        size_columns(self.table)
        self.add_button = QPushButton("A&dd…")
        self.reset_button = QPushButton("&Reset password…")
        self.role_button = QPushButton("Change ro&le…")
        self.remove_button = QPushButton("Remo&ve…")
        buttons = QVBoxLayout()
        for button in (self.add_button, self.reset_button, self.role_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        holder = readable(QWidget())  # the buttons stay beside the accounts on a wide screen
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(holder, 1)
        self.add_button.clicked.connect(self.add)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.remove_button.clicked.connect(self.remove)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(accounts.list_accounts(self._signed_in))
        self._enable()

    def selected(self) -> AccountInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_username(self, username: str) -> None:
        select_where(self.table, self.model, lambda row: row.username == username)

    def _enable(self) -> None:
        chosen = self.selected()
        for button in (self.reset_button, self.role_button, self.remove_button):
            button.setEnabled(chosen is not None)

    def add(self) -> None:
        me = self._signed_in

        def save(username: str, name: str, role: Role, password: str) -> None:
            accounts.add_account(
                me, username=username, display_name=name, role=role, password=password
            )

        self.dialog: QDialog = AccountDialog(save, self)
        self.dialog.accepted.connect(self._changed)
        self.dialog.open()

    def reset_password(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        me = self._signed_in
        self.dialog = PasswordDialog(
            f"Reset the password of {chosen.display_name}",
            f"{chosen.display_name}'s old password will no longer let them sign in. Give them "
            "the new one in person. If you fear someone else knows the old password, change "
            "the school's key afterwards (Settings › Security).",
            lambda _current, new: accounts.reset_password(
                me, username=chosen.username, new_password=new
            ),
            ask_current=False,
            account=chosen.username,
            parent=self,
        )
        self.dialog.open()

    def change_role(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        labels = [role.label for role in Role]
        picked = dialogs.choose(
            self, "Change role", f"Role of {chosen.display_name}", labels, chosen.role.label
        )
        if picked is None:
            return
        Operation(
            self,
            partial(
                accounts.change_role,
                self._signed_in,
                username=chosen.username,
                role=Role.from_text(picked),
            ),
            Changes.ACCOUNTS,
            on_done=self._changed,
            problem_title="The role was not changed",
        ).run()

    def _changed(self, _result: object = None) -> None:
        self.refresh()

    def remove(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if not dialogs.ask(
            self,
            f"Remove {chosen.display_name}?",
            f"{chosen.display_name} will no longer be able to sign in. Their name stays on "
            "everything they recorded and in the audit log.\n\n"
            "The school's key is changed too (it takes a few seconds), so their password opens "
            "nothing current, even with an old copy of the key file. Backups already made "
            "still open with the passwords of their day.",
            yes="Remove account",
        ):
            return
        Operation(
            self,
            partial(accounts.remove_account, self._signed_in, username=chosen.username),
            Changes.ACCOUNTS,
            on_done=self._changed,
            problem_title="The account was not removed",
        ).run()


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
        self.note = _saved_note()
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
        _form_page(self, form)
        self.save_button.clicked.connect(self.save)
        self.new_key_button.clicked.connect(self.new_recovery_key)
        self.school_key_button.clicked.connect(self.ask_to_change_school_key)

    def save(self) -> None:
        _save_in_background(
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
        _form_page(self, form)
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


@dataclass(frozen=True)
class SchoolChoices:
    """What the School tab saves, read from its fields on the UI thread."""

    name: str
    pupil_word: str
    year_start: tuple[int, int]  # month, day
    parents_sign: str
    threshold: int
    policy_review: date | None


def _save_school(signed_in: SignedIn, chosen: SchoolChoices) -> None:
    """On the worker: each setting as the School tab's Save does."""
    from esafety_desktop.services.reports import set_policy_review_date, set_report_threshold

    settings.rename_school(signed_in, chosen.name)
    settings.set_pupil_word(signed_in, chosen.pupil_word)
    settings.set_school_year_start(signed_in, *chosen.year_start)
    settings.set_parents_sign(signed_in, chosen.parents_sign)
    set_report_threshold(signed_in, chosen.threshold)
    set_policy_review_date(signed_in, chosen.policy_review)


def _save_in_background(
    tab: QWidget, work: Callable[[], object], note: QLabel, saved: str = "Saved."
) -> None:
    """A tab's Save: the note says "Saving…", then "Saved." or why not."""
    note.setText("Saving…")
    Operation(
        tab,
        work,
        Changes.SETTINGS,
        on_done=partial(_say, note, saved),
        on_problem=partial(_say_problem, note),
    ).run()


def _form_page(tab: QWidget, *parts: QLayout) -> None:
    """A tab's form at a readable width, at the top left however large the window."""
    holder = readable(QWidget())
    inner = QVBoxLayout(holder)
    inner.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        inner.addLayout(part)
    layout = QVBoxLayout(tab)
    layout.addWidget(holder)
    layout.addStretch(1)


def _say(note: QLabel, text: str, _result: object) -> None:
    note.setText(text)


def _say_problem(note: QLabel, problem: ProblemForUser) -> None:
    note.setText(str(problem))


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
