"""The sign-in screen: the first window most days, so it loads as little as it can."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop import APP_NAME
from esafety_desktop.errors import (
    DatabaseDamaged,
    DatabaseOlderThanLastUsed,
    DeviceSecretMissing,
    ProblemForUser,
    WrongPassword,
)
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.accessible import name_typing_box
from esafety_desktop.ui.background import close_orphaned_session, run_in_background
from esafety_desktop.ui.generated.ui_unlock import Ui_UnlockForm
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.sizing import FlowLayout, fit_to_screen

# After this many wrong passwords in a row, each further try waits longer (2, 4, 8 … 30 s).
FREE_TRIES = 3
MAX_WAIT_SECONDS = 30


class UnlockWindow(QWidget):
    """Emits ``unlocked`` with the signed-in session; ``problem`` for errors the caller shows."""

    unlocked = Signal(object)
    set_up_new_school = Signal()
    restore_requested = Signal(object)  # the backup folder to start from, or None
    review_requested = Signal(object)  # always None: the review window asks for the pack

    def __init__(
        self,
        database: Path,
        *,
        school_hint: str = "",
        demo_sign_in: tuple[str, str] | None = None,
        message: str = "",
        account: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = Path(database)
        self.setWindowTitle(f"{APP_NAME}: sign in")
        self.setObjectName("unlockWindow")
        self.card = QFrame(self)
        self.card.setObjectName("unlockCard")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        self.ui = Ui_UnlockForm()
        form = QWidget(self.card)
        self.ui.setupUi(form)
        name_typing_box(self.ui.accountCombo)
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(28, 24, 28, 24)
        card_layout.addWidget(form)
        # Centred between stretches rather than by alignment: Qt then asks the card how high
        # it is at its own width, so its wrapped text is never cut off.
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(self.card)
        middle.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)
        outer.setContentsMargins(24, 24, 24, 24)

        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.ui.schoolLabel.setFont(title_font)
        self.ui.schoolLabel.setText(school_hint or APP_NAME)
        self.ui.messageLabel.setText(message)
        self.ui.messageLabel.setStyleSheet(ERROR_STYLE if message else "")
        self.setup_button = QPushButton("Set up your own school…")
        self.setup_button.setObjectName("setUpOwnSchool")
        self.setup_button.clicked.connect(self.set_up_new_school)
        self.restore_button = QPushButton("Restore from a &backup…")
        self.restore_button.setObjectName("restoreFromBackup")
        self.restore_button.clicked.connect(self.ask_for_restore)
        self.review_button = QPushButton("Open a re&view pack…")
        self.review_button.setObjectName("openReviewPack")
        self.review_button.clicked.connect(self.ask_for_review)
        others = QWidget()
        row = FlowLayout(others)  # side by side, or one under the other with larger fonts
        row.addWidget(self.restore_button)
        row.addWidget(self.review_button)
        self.ui.mainLayout.addWidget(others)
        if demo_sign_in:
            user, password = demo_sign_in
            self.ui.demoLabel.setText(
                "This is the <b>demo school</b>: every name in it is invented. Sign in as "
                f"<b>{user}</b> with the password <b>{password}</b>. When you are ready, set "
                "up your own school's database."
            )
            self.ui.mainLayout.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self.ui.demoLabel.hide()
            self.setup_button.hide()

        self.failures = 0
        self._wait_left = 0
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(1000)
        self._wait_timer.timeout.connect(self._tick)
        self.ui.signInButton.clicked.connect(self.sign_in)
        self.ui.passwordEdit.returnPressed.connect(self.sign_in)
        self.ui.recoveryButton.clicked.connect(self.open_recovery)
        self.reload_accounts()
        if account or demo_sign_in:
            self.ui.accountCombo.setCurrentText(account or demo_sign_in[0])  # type: ignore[index]
        # 500 pixels wide, or wider when larger fonts need it; as high as its text needs at
        # that width (the window grows with it).
        self.card.setFixedWidth(max(500, self.card.minimumSizeHint().width()))
        fit_to_screen(self, 960, 640)

    def reload_accounts(self) -> None:
        from esafety_desktop.services.key_file import accounts_on_file, database_exists

        self.ui.accountCombo.clear()
        if not database_exists(self.database) and self.ui.messageLabel.text():
            self._busy(True)  # still being made (the demo school): the message says so
            return
        try:
            accounts = accounts_on_file(self.database)
        except ProblemForUser as problem:
            self._say(f"{problem.what} {problem.advice}")
            return
        self.ui.accountCombo.addItems(accounts)
        self.ui.passwordEdit.setFocus()

    def _say(self, text: str, error: bool = True) -> None:
        self.ui.messageLabel.setText(text)
        self.ui.messageLabel.setStyleSheet(ERROR_STYLE if error else "")

    def _busy(self, busy: bool) -> None:
        for widget in (
            self.ui.signInButton,
            self.ui.recoveryButton,
            self.ui.accountCombo,
            self.ui.passwordEdit,
        ):
            widget.setEnabled(not busy and not (widget is self.ui.signInButton and self._wait_left))

    def sign_in(self) -> None:
        if self._wait_left or not self.ui.signInButton.isEnabled():
            return
        account = self.ui.accountCombo.currentText().strip()
        password = self.ui.passwordEdit.text()
        if not account or not password:
            self._say("Choose your account and type your password.")
            return
        self._say("Opening the school database…", error=False)
        self._busy(True)

        def work() -> object:
            from esafety_desktop.services.access import sign_in, this_pc

            # The window can show a new recovery sheet at once, so it may upgrade an older
            # school's keys (the command line never does).
            return sign_in(self.database, account, password, this_pc(), upgrade_keys=True)

        run_in_background(
            work, self._signed_in, self._failed, owner=self, on_orphaned=close_orphaned_session
        )

    def _signed_in(self, signed_in: object) -> None:
        self.failures = 0
        self.ui.passwordEdit.clear()
        self._busy(False)
        self._say("", error=False)
        self.unlocked.emit(signed_in)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.ui.passwordEdit.clear()
        self.ui.passwordEdit.setFocus()
        if isinstance(exc, WrongPassword):
            self.failures += 1
            self._say(str(exc))
            if self.failures >= FREE_TRIES:
                self._start_wait(min(2 ** (self.failures - FREE_TRIES + 1), MAX_WAIT_SECONDS))
        elif isinstance(exc, DeviceSecretMissing):
            self._say(exc.what)
            if dialogs.ask(
                self,
                "This computer does not know this database",
                f"{exc.what}\n\n{exc.advice}",
                yes="Use the recovery key…",
            ):
                self.open_recovery()
        elif isinstance(exc, DatabaseDamaged):
            self._say(exc.what)
            self.offer_newest_backup(exc)
        elif isinstance(exc, DatabaseOlderThanLastUsed):
            self._say(exc.what)
            if dialogs.ask(
                self,
                "An older copy of the school database",
                f"{exc.what}\n\n{exc.advice}",
                yes="Restore from a backup…",
                no="Close",
            ):
                self.restore_requested.emit(None)
        elif isinstance(exc, ProblemForUser):
            self._say(exc.what)
            dialogs.report_problem(self, exc, "The school database did not open")
        else:
            raise exc

    def _start_wait(self, seconds: int) -> None:
        self._wait_left = seconds
        self.ui.signInButton.setEnabled(False)
        self._wait_timer.start()
        self._tick(count=False)

    def _tick(self, count: bool = True) -> None:
        if count:
            self._wait_left -= 1
        if self._wait_left <= 0:
            self._wait_left = 0
            self._wait_timer.stop()
            self.ui.signInButton.setEnabled(True)
            self.ui.signInButton.setText("&Sign in")
            return
        self.ui.signInButton.setText(f"Wait {self._wait_left} s")

    def ask_for_review(self) -> None:
        self.review_requested.emit(None)

    def ask_for_restore(self) -> None:
        self.restore_requested.emit(None)

    def offer_newest_backup(self, problem: DatabaseDamaged) -> None:
        """A database that failed its checks is left as it is; the newest good backup is
        offered in its place."""
        from esafety_desktop.services.backups import KIND_LABELS, newest_good_backup

        newest = newest_good_backup(self.database)
        if newest is None:
            dialogs.report_problem(self, problem, "The school database is damaged")
            return
        made = newest.made_at.astimezone()
        if dialogs.ask(
            self,
            "The school database is damaged",
            f"{problem.what}\n\nThe newest good backup was made {made:%d/%m/%Y at %H:%M} "
            f"({KIND_LABELS.get(newest.kind, newest.kind).lower()}). Restoring it keeps the "
            "damaged database, unchanged, in a folder beside it for your IT support.",
            yes="Restore that backup…",
        ):
            self.restore_requested.emit(newest.folder)

    def open_recovery(self) -> None:
        from esafety_desktop.ui.recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.database, self.ui.accountCombo.currentText(), self)
        dialog.recovered.connect(self._signed_in)
        dialog.open()

    def clear(self) -> None:
        self.ui.passwordEdit.clear()
