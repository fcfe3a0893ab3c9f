"""Restore from a backup: choose one, unlock it, see it checked, then switch to it.

Nothing is replaced until the last page's Restore button: the backup is unlocked and checked
read-only, and the database in use is then moved aside (kept whole), never overwritten. The
controller does the switch, because it must first sign the current session out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import backups, restoring
from esafety_desktop.services.access import this_pc
from esafety_desktop.services.backups import Backup
from esafety_desktop.services.restoring import OpenedBackup
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import run_in_background
from esafety_desktop.ui.look import ERROR_STYLE, error_label
from esafety_desktop.ui.models import RecordTableModel
from esafety_desktop.ui.passwords import mismatch_message, show_strength
from esafety_desktop.ui.sizing import fit_to_screen

CHOOSE, UNLOCK, SWITCH = range(3)


@dataclass(frozen=True)
class RestoreChoice:
    """What the wizard hands the controller: the checked backup and who signs in."""

    opened: OpenedBackup
    username: str
    new_password: str | None


def _made(backup: Backup) -> str:
    return f"{backup.made_at.astimezone():%d/%m/%Y %H:%M}"


def _why(backup: Backup) -> str:
    """Why it was made; a backup from before manifests were signed says so (its label can be
    trusted less: it is never preferred to a signed one)."""
    why = backups.KIND_LABELS.get(backup.kind, backup.kind)
    return why if backup.signed else f"{why} (made before backups were signed)"


def backup_model() -> RecordTableModel[Backup]:
    return RecordTableModel[Backup](
        [
            ("Made", _made, lambda b: b.made_at),
            ("Why", _why, lambda b: b.kind),
            ("Cases", lambda b: str(b.counts.get("cases", 0)), lambda b: b.counts.get("cases", 0)),
            (
                "People",
                lambda b: str(b.counts.get("people", 0)),
                lambda b: b.counts.get("people", 0),
            ),
            ("On PC", lambda b: b.made_on, lambda b: b.made_on),
            ("Where", lambda b: str(b.folder.parent), lambda b: str(b.folder.parent)),
        ]
    )


class ChoosePage(QWizardPage):
    def __init__(self, wizard: RestoreWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose a backup")
        self.setSubTitle(
            "Backups are made when anyone signs out, once a day while eSafety Desktop is open, "
            "and before an upgrade. The newest is at the top."
        )
        self.model = backup_model()
        self.table = QTableView()
        self.table.setObjectName("backupTable")
        self.table.setAccessibleName("Backups")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.looked_in = QLabel()
        self.looked_in.setWordWrap(True)
        self.browse = QPushButton("Look in &another folder…")
        self.browse.clicked.connect(self.look_elsewhere)
        self.message = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.looked_in, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.table.selectionModel().selectionChanged.connect(self.completeChanged)
        self.table.doubleClicked.connect(wizard.next)

    def show_backups(self, places: list[Path], preselect: Path | None) -> None:
        found = backups.backups_in(*places, database_id=self._wizard.database_id)
        self.model.set_rows(found)
        where = ", ".join(str(p) for p in places) or "nowhere yet"
        self.looked_in.setText(f"Looked in {where}.")
        self.message.setText(
            ""
            if found
            else "No backups there. Use “Look in another folder…” to find a USB stick "
            "or drive that holds the folder “eSafety Desktop backups”."
        )
        wanted = preselect.resolve() if preselect else None
        row = self.model.row_where(lambda b: b.folder.resolve() == wanted) if wanted else None
        if row is None and found:
            row = self.model.row_where(lambda b: b is self.model.in_order(found)[0])
        if row is not None:
            self.table.selectRow(row)

    def look_elsewhere(self) -> None:
        chosen = dialogs.choose_folder(self, "Where are the backups?", str(Path.home()))
        if chosen:
            self._wizard.places.append(Path(chosen))
            self.show_backups(self._wizard.places, None)

    def chosen(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def isComplete(self) -> bool:  # Qt names it
        return self.chosen() is not None


class UnlockPage(QWizardPage):
    """Unlock with a DSL's password (the PC the backup was made on) or the recovery key; the
    check runs in the background and the page moves on by itself when it passes."""

    def __init__(self, wizard: RestoreWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Unlock and check the backup")
        self.opened: OpenedBackup | None = None
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.by_password = QRadioButton("&Password of a DSL account (the PC it was made on)")
        self.by_key = QRadioButton("The &recovery key (any PC, for example a new one)")
        self.account = QComboBox()
        self.account.setAccessibleName("Account")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.recovery_key = QLineEdit()
        self.recovery_key.setAccessibleName("Recovery key")
        self.recovery_key.setPlaceholderText("The 40 characters on the recovery sheet")
        self.message = error_label()
        form = QFormLayout()
        form.addRow(self.by_password)
        form.addRow("Account", self.account)
        form.addRow("Password", self.password)
        form.addRow(self.by_key)
        form.addRow("Recovery key", self.recovery_key)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.by_password.toggled.connect(self._method_changed)
        self.password.returnPressed.connect(wizard.next)
        self.recovery_key.returnPressed.connect(wizard.next)

    def initializePage(self) -> None:  # Qt names it
        from esafety_desktop.services.key_file import accounts_on_file

        self._forget()
        backup = self._wizard.choose.chosen()
        assert backup is not None
        self.about.setText(
            f"The backup made {_made(backup)} "
            f"({backups.KIND_LABELS.get(backup.kind, backup.kind).lower()}"
            f"{', on ' + backup.made_on if backup.made_on else ''}). It is checked page by page "
            "before anything is changed. If a new recovery key was made since, use the sheet "
            "that was current when the backup was made."
        )
        self.account.clear()
        self.message.setText("")
        try:
            self.account.addItems(accounts_on_file(backup.database))
        except ProblemForUser as problem:
            self.message.setText(str(problem))
        if self._wizard.account:
            self.account.setCurrentText(self._wizard.account)
        self.by_password.setChecked(not self._wizard.new_pc)
        self.by_key.setChecked(self._wizard.new_pc)
        self._method_changed()

    def _method_changed(self) -> None:
        password = self.by_password.isChecked()
        self.account.setEnabled(password)
        self.password.setEnabled(password)
        self.recovery_key.setEnabled(not password)
        (self.password if password else self.recovery_key).setFocus()

    def _forget(self) -> None:
        if self.opened is not None:
            self.opened.close()
            self.opened = None

    def validatePage(self) -> bool:  # Qt names it
        if self.opened is not None:
            return True
        backup = self._wizard.choose.chosen()
        assert backup is not None
        password = self.by_password.isChecked()
        account = self.account.currentText()
        secret = self.password.text() if password else self.recovery_key.text()
        if not secret.strip():
            self.message.setText(
                "Type the password." if password else "Type the recovery key from the sheet."
            )
            return False
        self.message.setStyleSheet("")
        self.message.setText("Unlocking and checking every page of the backup…")
        self.setEnabled(False)

        def work() -> OpenedBackup:
            if password:
                return restoring.open_backup(
                    backup, username=account, password=secret, device_secrets=this_pc()
                )
            return restoring.open_backup(backup, recovery_key=secret, device_secrets=this_pc())

        run_in_background(work, self._opened, self._failed, owner=self, on_orphaned=_close_opened)
        return False

    def _opened(self, opened: OpenedBackup) -> None:
        self.setEnabled(True)
        self.message.setText("")
        self.opened = opened
        self._wizard.next()

    def _failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        if not isinstance(exc, ProblemForUser):
            raise exc
        self.message.setText(str(exc))
        self.password.clear()


class SwitchPage(QWizardPage):
    def __init__(self, wizard: RestoreWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Switch to the backup")
        self.setFinalPage(True)
        self.checked = QLabel()
        self.checked.setObjectName("checkedSummary")
        self.checked.setWordWrap(True)
        self.what_happens = QLabel()
        self.what_happens.setWordWrap(True)
        self.account = QComboBox()
        self.account.setAccessibleName("Sign in as")
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setAccessibleName("New password")
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("New password again")
        self.strength = QLabel()
        self.password_note = QLabel()
        self.password_note.setWordWrap(True)
        self.message = error_label()
        self.form = QFormLayout()
        self.form.addRow("Sign in as", self.account)
        self.form.addRow("New password", self.new_password)
        self.form.addRow("", self.strength)
        self.form.addRow("Type it again", self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(self.checked)
        layout.addWidget(self.what_happens)
        layout.addWidget(self.password_note)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.new_password.textChanged.connect(self._typed)
        self.again.textChanged.connect(self._typed)

    def initializePage(self) -> None:  # Qt names it
        opened = self._wizard.unlock.opened
        assert opened is not None
        counts = opened.check.counts
        self.checked.setText(
            f"<b>The backup passed its checks.</b> Made {_made(opened.backup)}: "
            f"{counts.get('cases', 0)} cases, {counts.get('people', 0)} people, "
            f"{counts.get('accounts', 0)} accounts and {opened.check.audit_entries} audit log "
            "entries; every page, the structure and the audit chain are sound."
        )
        target = self._wizard.target
        if self._wizard.replaces_existing:
            self.what_happens.setText(
                f"Pressing Restore moves the database now at {target} – unchanged – "
                f"into a new folder “{backups.SET_ASIDE_PREFIX} …” beside it, and puts the "
                "backup in its place. Anything saved after the backup was made is not in the "
                "backup; it stays in the database set aside, which can still be opened."
            )
        else:
            self.what_happens.setText(f"Pressing Restore puts the backup at {target}.")
        self.account.clear()
        self.account.addItems(opened.accounts)
        if opened.unlocked_by:
            self.account.setCurrentText(opened.unlocked_by)
        self.account.setEnabled(opened.by_recovery_key)
        needs_password = opened.by_recovery_key
        for widget in (self.new_password, self.again, self.strength):
            widget.setVisible(needs_password)
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(needs_password)
        self.password_note.setText(
            "Choose a new password for this PC: the recovery key does not carry one."
            if needs_password
            else f"You will be signed in as {opened.unlocked_by} with the password you typed."
        )
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Restore")

    def cleanupPage(self) -> None:  # Qt names it: Back from here unlocks afresh
        self._wizard.unlock._forget()

    def _typed(self) -> None:
        show_strength(self.new_password.text(), self.strength, account=self.account.currentText())
        self.message.setText(mismatch_message(self.new_password.text(), self.again.text()))

    def validatePage(self) -> bool:  # Qt names it
        opened = self._wizard.unlock.opened
        assert opened is not None
        new_password: str | None = None
        if opened.by_recovery_key:
            new_password = self.new_password.text()
            if not new_password or new_password != self.again.text():
                self.message.setText("Type the new password twice, the same both times.")
                return False
            from esafety_desktop.services.passwords import judge_password

            verdict = judge_password(new_password, self.account.currentText())
            if not verdict.acceptable:
                self.message.setText(verdict.reason)
                return False
        self._wizard.chosen.emit(RestoreChoice(opened, self.account.currentText(), new_password))
        self._wizard.unlock.opened = None  # the controller closes it after the switch
        return True


class RestoreWizard(QWizard):
    """Emits ``chosen`` with a :class:`RestoreChoice` when the user presses Restore."""

    chosen = Signal(object)

    def __init__(
        self,
        target: Path,
        *,
        places: list[Path],
        database_id: str | None,
        preselect: Path | None = None,
        replaces_existing: bool = True,
        account: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("restoreWizard")
        self.setWindowTitle("Restore from a backup")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.target = Path(target)
        self.places = list(places)
        self.database_id = database_id
        self.replaces_existing = replaces_existing
        self.account = account  # offered first on the unlock page
        # No database here yet: most likely a new PC, so the recovery key is offered first.
        self.new_pc = not replaces_existing
        self.choose = ChoosePage(self)
        self.unlock = UnlockPage(self)
        self.switch = SwitchPage(self)
        self.setPage(CHOOSE, self.choose)
        self.setPage(UNLOCK, self.unlock)
        self.setPage(SWITCH, self.switch)
        self.choose.show_backups(self.places, preselect)
        fit_to_screen(self, 860, 560)
        self.finished.connect(self._closed)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def _closed(self, _result: int) -> None:
        self.unlock._forget()  # a backup unlocked but not restored: wipe its key


def _close_opened(opened: OpenedBackup) -> None:
    """A backup unlocked after its wizard had gone: its copy of the key is wiped."""
    opened.close()
