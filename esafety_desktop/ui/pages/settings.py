"""Settings: the school, its contacts, accounts and security (DSL), and one's own password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.roles import Permission, Role, can
from esafety_desktop.services import accounts, settings
from esafety_desktop.services.access import AccountInfo, SignedIn
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
from esafety_desktop.ui.pages.settings_form import form_page, save_in_background, saved_note
from esafety_desktop.ui.pages.settings_security import MyAccountTab, SecurityTab
from esafety_desktop.ui.sizing import readable, size_columns

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
        self.note = saved_note()
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
        form_page(self, form, row)
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
        save_in_background(self, partial(_save_school, self._signed_in, chosen), self.note)


class ContactsTab(QWidget):
    def __init__(self, signed_in: SignedIn) -> None:
        super().__init__()
        self._signed_in = signed_in
        self.editor = ContactsEditor()
        self.editor.set_contacts(settings.school_settings(signed_in).contacts)
        self.save_button = QPushButton("Sa&ve contacts")
        self.note = saved_note()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.note, 1)
        readable(self.editor, CONTACTS_WIDTH)  # three boxes a row: wider than a form
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)

    def save(self) -> None:
        save_in_background(
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
