"""Settings › Backups: when the last good backup was made and where, the second location,
"Back up now" and "Restore from a backup…"."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.backup_schedule import age_in_words
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import backups
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.backups import Backup
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import button_row, readable


def describe(backup: Backup | None, now: datetime) -> str:
    if backup is None:
        return "None yet."
    made = backup.made_at.astimezone()
    counts = backup.counts
    return (
        f"{made:%d/%m/%Y %H:%M} ({age_in_words(made, now.astimezone())}; "
        f"{backups.KIND_LABELS.get(backup.kind, backup.kind).lower()}): "
        f"{counts.get('cases', 0)} cases, {counts.get('people', 0)} people. Checked after "
        "writing."
    )


class BackupsTab(QWidget):
    restore_requested = Signal()

    def __init__(self, signed_in: SignedIn) -> None:
        super().__init__()
        self.setObjectName("backupsTab")
        self._signed_in = signed_in
        role = signed_in.account.role
        self.last_here = QLabel()
        self.last_here.setObjectName("lastBackupHere")
        self.last_here.setWordWrap(True)
        self.here_folder = QLabel()
        self.here_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.here_folder.setWordWrap(True)  # a long path wraps rather than widen the window
        self.open_here = QPushButton("Open the fo&lder")
        self.second_place = QLabel()
        self.second_place.setObjectName("secondLocation")
        self.second_place.setWordWrap(True)
        self.last_there = QLabel()
        self.last_there.setObjectName("lastBackupThere")
        self.last_there.setWordWrap(True)
        self.choose_button = QPushButton("&Choose…")
        self.stop_button = QPushButton("S&top using it")
        self.back_up_button = QPushButton("Back &up now")
        self.restore_button = QPushButton("&Restore from a backup…")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        schedule = QLabel(
            "Backups are made when anyone signs out, once a day while eSafety Desktop is open, "
            "and before an upgrade; each is checked after it is written. Kept: one a day for "
            "7 days, one a week for 4 weeks, one a month for 12 months. They are encrypted like "
            "the database: opening one needs a DSL's password on this PC, or the recovery key.\n"
            "For a backup when nobody signs in, Windows Task Scheduler can run: "
            f'esafety-desktop backup --db "{signed_in.path}" --user {signed_in.account.username}'
        )
        schedule.setWordWrap(True)
        schedule.setObjectName("scheduleNote")
        form = QFormLayout()
        here_row = QVBoxLayout()
        here_row.addWidget(self.last_here)
        here_row.addWidget(self.here_folder)
        here_row.addLayout(button_row(self.open_here))
        form.addRow("Last good backup", here_row)
        there_row = QVBoxLayout()
        there_row.addWidget(self.second_place)
        there_row.addWidget(self.last_there)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        there_row.addLayout(buttons)
        form.addRow("Second location", there_row)
        actions = QHBoxLayout()
        actions.addWidget(self.back_up_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)
        holder = readable(QWidget())
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addLayout(actions)
        inner.addWidget(self.message)
        inner.addWidget(schedule)
        layout = QVBoxLayout(self)
        layout.addWidget(holder)
        layout.addStretch(1)
        may_change = can(role, Permission.CHANGE_SETTINGS)
        self.choose_button.setVisible(may_change)
        self.stop_button.setVisible(may_change)
        self.restore_button.setVisible(can(role, Permission.RESTORE_BACKUPS))
        self.open_here.clicked.connect(self.open_folder)
        self.choose_button.clicked.connect(self.choose_location)
        self.stop_button.clicked.connect(self.stop_using_location)
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_requested)
        self.refresh()

    def refresh(self) -> None:
        now = self._signed_in.clock.now()
        status = backups.backup_status(self._signed_in)
        self.status = status
        self.last_here.setText(describe(status.newest_here, now))
        self.here_folder.setText(f"In {status.here} ({status.count_here} kept)")
        self.open_here.setEnabled(status.here.is_dir())
        if status.second_location is None:
            self.second_place.setText("Not chosen.")
            self.last_there.setText("")
        else:
            self.second_place.setText(str(status.second_location))
            self.last_there.setText(f"Newest copy there: {describe(status.newest_there, now)}")
        warning = status.second_location_warning(now)
        self.last_there.setStyleSheet(ERROR_STYLE if warning else "")
        if warning and status.second_location is not None:
            self.last_there.setText(warning)
        self.stop_button.setEnabled(status.second_location is not None)
        self.last_there.setVisible(bool(self.last_there.text()))

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.status.here)))

    def choose_location(self) -> None:
        chosen = dialogs.choose_folder(
            self, "Choose the second backup location (a USB stick or another drive)", ""
        )
        if not chosen:
            return
        self._say(f"Checking {chosen}…", error=False)
        Operation(
            self,
            partial(backups.set_second_location, self._signed_in, Path(chosen)),
            Changes.BACKUPS,
            on_done=partial(self._location_chosen, chosen),
            on_problem=self._location_refused,
        ).run()

    def _location_chosen(self, chosen: str, note: str | None) -> None:
        self._say(
            f"Backups will also be copied to {chosen}. Make one now to start it off."
            + (f" {note}" if note else ""),
            error=bool(note),
        )
        self.refresh()

    def _location_refused(self, problem: ProblemForUser) -> None:
        self._say(str(problem), error=True)

    def stop_using_location(self) -> None:
        if not dialogs.ask(
            self,
            "Stop copying backups to the second location?",
            "Backups will then be kept on this PC only, and a dead or stolen PC would take "
            "them with it. The copies already there are left as they are.",
            yes="Stop using it",
        ):
            return
        Operation(
            self,
            partial(backups.set_second_location, self._signed_in, None),
            Changes.BACKUPS,
            on_done=self._location_stopped,
            problem_title="The second location is still in use",
        ).run()

    def _location_stopped(self, _result: object) -> None:
        self._say("Backups are kept on this PC only.", error=True)
        self.refresh()

    def back_up_now(self) -> None:
        self.back_up_button.setEnabled(False)
        self._say("Making a backup and checking it…", error=False)
        Operation(
            self,
            partial(backups.back_up, self._signed_in, backups.BY_HAND),
            Changes.BACKUPS,
            on_done=self._backed_up,
            on_problem=self._failed,
        ).run()

    def _backed_up(self, run: backups.BackupRun) -> None:
        self.back_up_button.setEnabled(True)
        text = f"Backup made and checked: {run.backup.folder}."
        if run.second is not None:
            text += f" Copied to {run.second.folder.parent}."
        if run.second_problem:
            text += f" Not copied to the second location: {run.second_problem}."
        self._say(text, error=bool(run.second_problem))
        self.refresh()

    def _failed(self, problem: ProblemForUser) -> None:
        self.back_up_button.setEnabled(True)
        self._say(f"No backup was made: {problem}", error=True)

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")
