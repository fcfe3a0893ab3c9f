"""Which window is on screen: setup, sign-in or the main window, and locking between them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.app_config import AppConfig
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import (
    busy,
    request_stop,
    run_in_background,
    stop_requested,
    take_orphaned_failures,
)
from esafety_desktop.ui.unlock_window import UnlockWindow

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn
    from esafety_desktop.services.backups import BackupRun
    from esafety_desktop.services.restoring import Restored
    from esafety_desktop.services.review_packs import OpenPack
    from esafety_desktop.services.sessions import SessionEnd
    from esafety_desktop.ui.autolock import InactivityTimer
    from esafety_desktop.ui.restore_wizard import RestoreChoice, RestoreWizard


@dataclass(frozen=True)
class StartOptions:
    database: Path | None = None
    demo: bool = False
    demo_folder: Path | None = None
    review: Path | None = None  # a review pack to open in review mode


def default_database_path() -> Path:
    from esafety_desktop.paths import user_data_dir

    return user_data_dir() / "school.db"


DAILY_CHECK_FIRST_MS = 60_000
DAILY_CHECK_EVERY_MS = 3_600_000


# Raised whenever the demo school gains content: a newer app then builds a fresh demo beside
# the old one instead of opening a demo without the new features' records.
DEMO_EDITION = 6  # 6: a restricted case about the headteacher, sealed from the head


def demo_database_path(folder: Path | None = None) -> Path:
    from esafety_desktop.paths import user_data_dir

    return (folder or user_data_dir() / "demo") / f"demo-school-{DEMO_EDITION}.db"


class AppController(QObject):
    """Owns the signed-in session; nothing else keeps it after a lock."""

    window_changed = Signal(object)

    def __init__(self, options: StartOptions, config: AppConfig | None = None) -> None:
        super().__init__()
        self.options = options
        self.config = config if config is not None else AppConfig.load()
        self.window: QWidget | None = None
        self.signed_in: SignedIn | None = None
        self.database: Path | None = None
        self.inactivity: InactivityTimer | None = None
        self._page_to_return_to: str | None = None
        self._demo_sign_in: tuple[str, str] | None = None
        self.restore_wizard: RestoreWizard | None = None
        self._restore_choice: RestoreChoice | None = None
        self._restore_target = Path()
        self.backup_timer = QTimer(self)
        self.backup_timer.setSingleShot(True)
        self.backup_timer.timeout.connect(self.daily_backup)

    # -- start ---------------------------------------------------------------------------

    def start(self) -> None:
        if self.options.review is not None:
            self.show_review_open(self.options.review)
            return
        if self.options.demo:
            self.start_demo()
            return
        database = self.options.database or self.config.database
        if database is not None and _exists(database):
            self.show_unlock(database)
        else:
            self.show_setup()

    def start_demo(self) -> None:
        from esafety_desktop.services.demo import (
            DEMO_PASSWORD,
            DEMO_SCHOOL_NAME,
            DEMO_USERNAME,
            demo_ready_marker,
            discard_unfinished_demo,
        )

        path = demo_database_path(self.options.demo_folder)
        ready = demo_ready_marker(path)
        self._demo_sign_in = (DEMO_USERNAME, DEMO_PASSWORD)
        if _exists(path) and not ready.exists():
            discard_unfinished_demo(path)  # stopped while it was being made: made again
        if _exists(path):
            self.show_unlock(path, school_hint=DEMO_SCHOOL_NAME)
            return
        self.show_unlock(path, school_hint=DEMO_SCHOOL_NAME, message="Preparing the demo school…")

        def build() -> object:
            from esafety_desktop.demo import build_demo_school

            path.parent.mkdir(parents=True, exist_ok=True)
            made = build_demo_school(path)
            ready.write_text("The demo school was completely made.\n", encoding="utf-8")
            return made

        run_in_background(
            build, lambda _demo: self.show_unlock(path, DEMO_SCHOOL_NAME), self._problem
        )

    def leave_demo_for_setup(self) -> None:
        """From the demo school's sign-in: set up the school's own database."""
        self._demo_sign_in = None
        self.options = StartOptions()
        self.show_setup()

    def show_setup(self) -> None:
        from esafety_desktop.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(self.options.database or default_database_path())
        wizard.created.connect(self._school_created)
        wizard.open_existing.connect(self.show_unlock)
        wizard.restore_instead.connect(self.show_restore)
        wizard.review_instead.connect(self.show_review_open)
        self._replace_window(wizard)

    def _school_created(self, signed_in: SignedIn) -> None:
        self.config.database = signed_in.path
        self._save_config()
        self.show_main(signed_in)

    # -- sign-in -------------------------------------------------------------------------

    def show_unlock(
        self, database: Path, school_hint: str = "", message: str = "", account: str = ""
    ) -> None:
        self.database = Path(database)
        window = UnlockWindow(
            self.database,
            school_hint=school_hint,
            demo_sign_in=self._demo_sign_in,
            message=message,
            account=account,
        )
        window.unlocked.connect(self.show_main)
        window.set_up_new_school.connect(self.leave_demo_for_setup)
        window.restore_requested.connect(self.show_restore)
        window.review_requested.connect(self.show_review_open)
        self._replace_window(window)

    def show_main(self, signed_in: SignedIn) -> None:
        from esafety_desktop.services.settings import school_settings
        from esafety_desktop.ui.autolock import InactivityTimer
        from esafety_desktop.ui.main_window import MainWindow

        self.signed_in = signed_in
        self.database = signed_in.path
        if not self.options.demo and self.config.database != signed_in.path:
            self.config.database = signed_in.path
            self._save_config()
        window = MainWindow(
            signed_in,
            on_lock=self.lock,
            on_sign_out=self.sign_out,
            on_close=self.quit,
            on_restore=self.show_restore,
            start_page=self._page_to_return_to,
        )
        self._page_to_return_to = None
        self._replace_window(window)
        self.inactivity = InactivityTimer(school_settings(signed_in).auto_lock_minutes, parent=self)
        self.inactivity.idle.connect(self.lock)
        self.inactivity.start()
        self.backup_timer.start(DAILY_CHECK_FIRST_MS)
        self._say_what_was_not_saved()
        if signed_in.recovery_key_to_print:
            window.print_upgrade_recovery_sheet(
                signed_in.recovery_key_to_print, signed_in.accounts_needing_passwords
            )
            signed_in.recovery_key_to_print = None

    def _say_what_was_not_saved(self) -> None:
        """Work that failed after its window had gone (the program was locked while a save
        ran) is said now, never dropped."""
        import sys

        for exc in take_orphaned_failures():
            if isinstance(exc, ProblemForUser):
                dialogs.report_problem(
                    self.window, exc, "While eSafety Desktop was locked, this was not saved"
                )
            else:
                sys.excepthook(type(exc), exc, exc.__traceback__)

    # -- review mode ---------------------------------------------------------------------

    def show_review_open(self, pack: Path | None = None) -> None:
        """Open a headteacher's review pack: no school database, no keyring."""
        from esafety_desktop.ui.review_window import ReviewOpenWindow

        school = (
            self.database
            or self.options.database
            or self.config.database
            or default_database_path()
        )
        window = ReviewOpenWindow(pack, no_school_here=not _exists(school))
        window.opened.connect(self.show_review)
        self._replace_window(window)

    def show_review(self, pack: OpenPack) -> None:
        from esafety_desktop.ui.review_window import ReviewWindow

        self._replace_window(ReviewWindow(pack))

    # -- backups and restoring -----------------------------------------------------------

    def daily_backup(self) -> None:
        """Every hour while signed in (the first a minute after signing in): a backup when
        the newest is a day old. It runs on the worker; a failure shows in the status bar and
        the Dashboard, never as a dialog in the middle of someone's work."""
        from esafety_desktop.services import backups

        self.backup_timer.start(DAILY_CHECK_EVERY_MS)
        signed_in = self.signed_in
        restoring = self.restore_wizard is not None and self.restore_wizard.isVisible()
        if signed_in is None or busy() or restoring:  # thinning could take the chosen backup
            return
        try:
            if not backups.backup_status(signed_in).daily_due(signed_in.clock.now()):
                return
        except ProblemForUser:
            return

        def work() -> object:
            return backups.back_up(signed_in, backups.DAILY, stop=stop_requested)

        run_in_background(work, self._daily_done, self._daily_failed, owner=self.window)

    def _daily_done(self, run: BackupRun) -> None:
        self._status_message(
            f"Daily backup made and checked ({run.backup.folder.name})"
            + (
                f"; not copied to the second location: {run.second_problem}"
                if run.second_problem
                else ""
            )
        )

    def _daily_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ProblemForUser):
            raise exc
        self._status_message(f"The daily backup was not made: {exc.what}")

    def _status_message(self, text: str) -> None:
        window = self.window
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 60_000)

    def show_restore(self, preselect: Path | None = None) -> None:
        from esafety_desktop.services import backups
        from esafety_desktop.ui.restore_wizard import RestoreWizard

        target = self.database or self.options.database or self.config.database
        target = Path(target) if target else default_database_path()
        places = [backups.local_root(target)]
        database_id = None
        account = ""
        if self.signed_in is not None:
            account = self.signed_in.account.username
            database_id = self.signed_in.database.database_id
            location = backups.backup_status(self.signed_in).second_location
            if location is not None:
                places.append(location)
        else:
            database_id = backups.database_id_of(target)
            if isinstance(self.window, UnlockWindow):
                account = self.window.ui.accountCombo.currentText()
        self.restore_wizard = RestoreWizard(
            target,
            places=places,
            database_id=database_id,
            preselect=preselect,
            replaces_existing=_exists(target),
            account=account,
            parent=self.window,
        )
        self.restore_wizard.chosen.connect(self._restore_chosen)
        self.restore_wizard.open()

    def _restore_chosen(self, choice: RestoreChoice) -> None:
        # Out of the wizard's own call first: signing out closes the window it belongs to.
        assert self.restore_wizard is not None
        self._restore_choice = choice
        self._restore_target = self.restore_wizard.target
        QTimer.singleShot(0, self._switch_to_backup)

    def _switch_to_backup(self) -> None:
        """Sign out (backing up first, thinning out nothing so the chosen backup stays), then
        put the backup in place: both on the worker, behind a progress dialog."""
        from esafety_desktop.services.access import this_pc
        from esafety_desktop.services.sessions import restore_in_place_of

        choice, target = self._restore_choice, self._restore_target
        assert choice is not None
        self._restore_choice = None
        signed_in = self.signed_in
        if signed_in is not None:
            self._leave_windows()
            self.show_unlock(self.database or target)
        progress = _progress_dialog(self.window, "Restoring the backup…")

        def work() -> object:
            try:
                return restore_in_place_of(
                    signed_in,
                    choice.opened,
                    target,
                    username=choice.username,
                    new_password=choice.new_password,
                    device_secrets=this_pc(),
                )
            finally:
                choice.opened.close()

        def done(outcome: tuple[Restored, SessionEnd | None]) -> None:
            progress.close()
            restored, ended = outcome
            if ended is not None:
                self._session_closed(ended, None, None)
            self._restored(restored, choice, target)

        def failed(exc: BaseException) -> None:
            progress.close()
            if not isinstance(exc, ProblemForUser):
                raise exc
            dialogs.report_problem(self.window, exc, "The backup was not restored")
            if _exists(target):
                self.show_unlock(target)
            else:
                self.show_setup()

        run_in_background(work, done, failed)

    def _restored(self, restored: Restored, choice: RestoreChoice, target: Path) -> None:
        self.config.database = target
        self._save_config()
        self.show_main(restored.signed_in)
        kept = (
            f" The database that was in use is kept, unchanged, in {restored.set_aside}."
            if restored.set_aside
            else ""
        )
        dialogs.inform(
            self.window,
            "Restored",
            f"The backup made {choice.opened.backup.made_at.astimezone():%d/%m/%Y %H:%M} is now "
            f"the school database.{kept}",
        )

    # -- lock, sign out, quit ------------------------------------------------------------

    def lock(self) -> None:
        """Hide and clear every window at once; unlocking returns to the same page and account.

        Only dropping the key waits for work already running on the worker, which is asked
        to stop at its next safe point; the windows never wait."""
        window = self.window
        if self.signed_in is None:
            return
        if window is not None and hasattr(window, "current_page_title"):
            self._page_to_return_to = window.current_page_title()
        signed_in = self.signed_in
        account = signed_in.account.username
        self._leave_windows()
        self.show_unlock(
            self.database or Path(), message="Locked. Sign in to carry on.", account=account
        )
        self._close_database(signed_in, "session.locked")

    def sign_out(self) -> None:
        """Clear the window at once; the sign-out backup runs on the worker behind a progress
        dialog over the sign-in window."""
        signed_in = self.signed_in
        if signed_in is None:
            return
        self._leave_windows()
        self.show_unlock(self.database or Path())
        self._close_database(signed_in, "sign_out", backup=True)

    def quit(self) -> None:
        signed_in = self.signed_in
        if signed_in is None:
            _quit_application()
            return
        progress = _progress_dialog(None, BACKING_UP_BEFORE_QUITTING)  # shown first: the
        self._leave_windows()  # last window closing must not end the program
        self._close_database(
            signed_in, "sign_out", backup=True, progress=progress, then=_quit_application
        )

    def _leave_windows(self) -> None:
        """Stop the timers and close every window and dialog of the session, now."""
        self.backup_timer.stop()
        if self.inactivity is not None:
            self.inactivity.stop()
            self.inactivity = None
        window = self.window
        self.window = None
        if window is not None and hasattr(window, "close_quietly"):
            window.close_quietly()
        self.signed_in = None

    def _close_database(
        self,
        signed_in: SignedIn,
        action: str,
        *,
        backup: bool = False,
        progress: QProgressDialog | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Record ``action``, close the database and wipe the key (after a backup when signing
        out). At once when the worker is free; otherwise after the job it is running, which is
        told to stop where it safely can."""
        from esafety_desktop.services.sessions import end_session

        def work() -> SessionEnd:
            return end_session(signed_in, action, backup=backup)

        if not backup and not busy():
            self._session_closed(work(), progress, then)
            return
        request_stop()
        if progress is None and backup:
            progress = _progress_dialog(self.window, BACKING_UP_BEFORE_SIGNING_OUT)

        def done(ended: SessionEnd) -> None:
            self._session_closed(ended, progress, then)

        def failed(exc: BaseException) -> None:
            if progress is not None:
                progress.close()
            if isinstance(exc, ProblemForUser):
                dialogs.report_problem(self.window, exc)
            if then is not None:
                then()  # quitting still quits
            if not isinstance(exc, ProblemForUser):
                raise exc

        run_in_background(work, done, failed)

    def _session_closed(
        self,
        ended: SessionEnd,
        progress: QProgressDialog | None,
        then: Callable[[], None] | None,
    ) -> None:
        if progress is not None:
            progress.close()
            progress.deleteLater()
        if ended.backup_problem is not None:
            dialogs.report_problem(
                self.window, ended.backup_problem, "No backup was made on signing out"
            )
        elif ended.second_location_problem:
            dialogs.warn(
                self.window,
                "The backup did not reach the second location",
                f"A backup was made on this PC, but not copied to the second location: "
                f"{ended.second_location_problem}.",
            )
        if ended.closing_problem is not None:
            dialogs.report_problem(self.window, ended.closing_problem)
        if then is not None:
            then()

    def wake(self) -> None:
        """Another launch asked this copy to come forward."""
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    # -- helpers -------------------------------------------------------------------------

    def _replace_window(self, window: QWidget) -> None:
        old, self.window = self.window, window
        window.show()
        if old is not None and old is not window:
            leave = getattr(old, "close_without_asking", None)  # the setup wizard's typing
            leave() if leave is not None else old.close()
            old.deleteLater()
        self.window_changed.emit(window)

    def _save_config(self) -> None:
        # If this fails the database still works; it is only asked for again next time.
        with contextlib.suppress(OSError, ProblemForUser):
            self.config.save()

    def _problem(self, exc: BaseException) -> None:
        if not isinstance(exc, ProblemForUser):
            raise exc
        dialogs.report_problem(self.window, exc)


BACKING_UP_BEFORE_SIGNING_OUT = "Making a backup before signing out…"
BACKING_UP_BEFORE_QUITTING = "Making a backup before closing eSafety Desktop…"


def _progress_dialog(parent: QWidget | None, text: str) -> QProgressDialog:
    """A busy bar with no Cancel (a backup half-made helps nobody); the records are already
    off the screen."""
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setCancelButton(None)  # Qt takes None: no button
    dialog.setWindowTitle("eSafety Desktop")
    dialog.setAccessibleName(text)
    dialog.setMinimumDuration(0)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)  # nobody signs in meanwhile
    dialog.setAutoClose(False)
    dialog.show()
    return dialog


def _quit_application() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()


def _exists(path: Path) -> bool:
    from esafety_desktop.services.key_file import database_exists

    return database_exists(path)
