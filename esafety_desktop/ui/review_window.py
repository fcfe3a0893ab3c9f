"""Review mode: a pack of cases opened with its passphrase on any PC (no school database, no
keyring). The cases are read-only; the reviewer's comments, "reviewed" marks and sign-offs are
saved into the pack at once, each on the case it was written on: the comment box belongs to
one case, and what is typed on another case is kept for that case. Nothing typed is dropped
without asking; printing and saving a record are recorded in the pack (a printer that makes a
file is a save). After the main app's idle minutes, or with Ctrl+L, review mode locks: the pack
is closed and its passphrase asked for again; what was typed and not added waits in the pack."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import partial
from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop import APP_NAME
from esafety_desktop.domain.mis_import import counted
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import review_packs
from esafety_desktop.services.review_packs import OpenPack
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.autolock import InactivityTimer
from esafety_desktop.ui.dates import qdate
from esafety_desktop.ui.look import ERROR_STYLE, error_label
from esafety_desktop.ui.models import RecordTableModel
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.review_files import EvidenceFilesDialog as EvidenceFilesDialog
from esafety_desktop.ui.review_lock import (
    CHECK_EVERY_MS,
    LOCK_MINUTES,
    LockedPanel,
    close_dialogs_of,
)
from esafety_desktop.ui.review_open import ReviewOpenWindow as ReviewOpenWindow
from esafety_desktop.ui.sizing import FlowLayout, fit_to_screen


@dataclass(frozen=True)
class CaseInPack:
    """A case in review mode's list, with how far the review of it has got."""

    incident_id: int
    reference: str
    incident_type: str
    progress: str  # to review, reviewed or signed off


def _progress(entries: list[review_packs.PackEntry]) -> str:
    kinds = {e.kind for e in entries}
    if review_packs.SIGNED_OFF in kinds:
        return "signed off"
    return "reviewed" if review_packs.REVIEWED in kinds else "to review"


def _in_the_list(case: review_packs.PackCase, entries: list[review_packs.PackEntry]) -> CaseInPack:
    return CaseInPack(
        case.incident_id, case.reference, case.record["incident_type"], _progress(entries)
    )


def _case_line(case: CaseInPack) -> str:
    return f"{case.reference} · {case.incident_type} · {case.progress}"


def pack_cases_model() -> RecordTableModel[CaseInPack]:
    return RecordTableModel[CaseInPack]([("Case", _case_line, lambda case: case.reference)])


def _marked(action: str) -> str:
    """An action line for the screen, an overdue one in red."""
    shown = escape(action)
    if "(OVERDUE)" in action:
        shown = shown.replace("(OVERDUE)", "<b style='color:#c62828'>(overdue)</b>")
    return shown


class ReviewWindow(QMainWindow):
    """One pack's cases, read-only, and the reviewer's entries."""

    closed = Signal()

    def __init__(self, pack: OpenPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.pack = pack
        self.setWindowTitle(f"Review pack: {pack.school_name} – {APP_NAME} (review mode)")
        banner = QLabel(
            f"<b>Review mode.</b> {counted(len(pack.cases()), 'case')} from "
            f"{escape(pack.school_name)}, "
            f"handed over by {escape(pack.exported_by)} on "
            f"{pack.exported_at.astimezone():%d/%m/%Y}. What you add is saved in this pack at "
            "once; it reaches the school's records when the DSL imports the pack."
        )
        banner.setWordWrap(True)
        self.cases_model = pack_cases_model()
        self.cases_model.set_rows(
            [_in_the_list(case, pack.entries(case.incident_id)) for case in pack.cases()]
        )
        self.cases = QListView()
        self.cases.setAccessibleName("Cases")
        self.cases.setModel(self.cases_model)
        self.cases.setMinimumWidth(260)
        self.record = QTextBrowser()
        self.record.setObjectName("caseRecord")
        self.record.setAccessibleName("The case")
        self.reviewer = QLineEdit(pack.reviewer)
        self.reviewer.setAccessibleName("Your name")
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment")
        self.comment.setPlaceholderText("Your comment on this case (also used with a sign-off)")
        self.comment.setMaximumHeight(90)
        self.signed_on = QDateEdit(qdate(pack.clock.today()))
        self.signed_on.setMaximumDate(qdate(pack.clock.today()))  # never a date to come
        self.signed_on.setDisplayFormat("dd/MM/yyyy")
        self.signed_on.setCalendarPopup(True)
        self.signed_on.setAccessibleName("Date of the sign-off")
        self.comment_button = QPushButton("Add the &comment")
        self.reviewed_button = QPushButton("Mark &reviewed")
        self.sign_off_button = QPushButton("&Sign off…")
        self.correct_button = QPushButton("Correct the si&gn-off")
        self.correct_button.setToolTip(
            "A sign-off is given once; a correction to it is added with your comment"
        )
        self.print_button = QPushButton("&Print the case…")
        self.files_button = QPushButton("&View the evidence files…")
        self.message = error_label()
        buttons = QWidget()
        flow = FlowLayout(buttons)  # wraps on a laptop's screen
        for button in (
            self.comment_button,
            self.reviewed_button,
            self.sign_off_button,
            self.correct_button,
            self.print_button,
            self.files_button,
        ):
            flow.addWidget(button)
        form = QFormLayout()
        form.addRow("Your name", self.reviewer)
        form.addRow("Comment", self.comment)
        form.addRow("Sign-off date", self.signed_on)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.record, 1)
        right_layout.addLayout(form)
        right_layout.addWidget(buttons)
        right_layout.addWidget(self.message)
        splitter = QSplitter()
        splitter.addWidget(self.cases)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.cases.sizeHintForColumn(0) + 24, 800])  # each case whole
        self.review_page = QWidget()
        layout = QVBoxLayout(self.review_page)
        layout.addWidget(banner)
        layout.addWidget(splitter, 1)
        self.locked_panel = LockedPanel()
        self.locked_panel.unlock.connect(self.unlock)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.review_page)
        self.stack.addWidget(self.locked_panel)
        self.setCentralWidget(self.stack)
        self.statusBar().showMessage(str(pack.path))
        self.statusBar().addPermanentWidget(QLabel("Ctrl+L locks"))
        # What is typed in the comment box, for each case it was typed on (the box holds the
        # case on screen's; what was typed before a lock comes back from the pack); and how
        # many entries this window added to the pack.
        self.comment_case: int | None = None
        self.typed: dict[int, str] = pack.take_drafts()
        self.added_here = 0
        self.locked = False
        self._held: dict[int, str] = {}  # typed, when the pack could not keep it at the lock
        self._case_before_lock: int | None = None
        lock_action = QAction("&Lock", self, shortcut=QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(self._lock_now)
        self.addAction(lock_action)
        self.inactivity = InactivityTimer(LOCK_MINUTES, check_every_ms=CHECK_EVERY_MS, parent=self)
        self.inactivity.idle.connect(self._idle)
        self.inactivity.start()
        self.cases.selectionModel().currentRowChanged.connect(self._switch_comment)
        self.cases.selectionModel().currentRowChanged.connect(self.show_case)
        self.comment_button.clicked.connect(self.add_comment)
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.sign_off_button.clicked.connect(self.sign_off)
        self.correct_button.clicked.connect(self.correct_sign_off)
        self.print_button.clicked.connect(self.print_case)
        self.files_button.clicked.connect(self.view_files)
        self.cases.setCurrentIndex(self.cases_model.index(0, 0))
        fit_to_screen(self, 1180, 760)

    # -- showing -------------------------------------------------------------------------

    def current_case(self) -> CaseInPack | None:
        index = self.cases.currentIndex()
        return self.cases_model.row_at(index.row()) if index.isValid() else None

    def show_case(self, *_current_and_previous: object) -> None:
        case = self.current_case()
        if case is None or self.locked:
            self.record.clear()
            return
        case_id = case.incident_id
        from esafety_desktop.domain.evidence import for_the_screen, names_a_file

        record = self.pack.record(case_id, printed_by="")
        files = self.pack.evidence_files(case_id)
        self.files_button.setEnabled(bool(files))
        self.files_button.setToolTip(
            "" if files else "This pack has no evidence files for this case: they stayed in school."
        )
        parts = [
            f"<h2>{escape(record.reference)}: {escape(record.incident_type)}</h2>",
            f"<p><b>Status:</b> {escape(record.status)} · <b>Reported</b> "
            f"{record.reported_at:%d/%m/%Y %H:%M} by {escape(record.reported_by)}"
            + (f" · <b>Where:</b> {escape(record.location)}" if record.location else "")
            + "</p>",
            f"<p><b>What happened:</b> {escape(record.summary)}</p>",
        ]
        if record.child_words:
            parts.append(f"<p><b>The child's words:</b> “{escape(record.child_words)}”</p>")
        if record.people:
            people = "".join(
                f"<li>{escape(p.name)} ({escape(p.role)}"
                + (f", {escape(p.detail)}" if p.detail else "")
                + ")</li>"
                for p in record.people
            )
            parts.append(f"<p><b>People involved</b></p><ul>{people}</ul>")
        if record.where_it_stands:
            parts.append(f"<h3>Where the case stands</h3><p>{escape(record.where_it_stands)}</p>")
        if record.actions:
            items = "".join(f"<li>{_marked(line)}</li>" for line in record.actions)
            parts.append(f"<h3>Actions</h3><ul>{items}</ul>")
        parts.append("<h3>Chronology</h3>")
        for entry in record.entries:
            lines = "<br>".join(escape(for_the_screen(line)) for line in entry.lines)
            parts.append(
                f"<p><b>{entry.when:%d/%m/%Y %H:%M} {escape(entry.title)}</b> "
                f"({escape(entry.author)})" + (f"<br>{lines}" if lines else "") + "</p>"
            )
        if record.evidence:
            # What came with the pack, said plainly; no SHA-256 on screen (the printout has it).
            items = "".join(f"<li>{escape(for_the_screen(e))}</li>" for e in record.evidence)
            parts.append(f"<h3>Evidence</h3><ul>{items}</ul>")
            if files:
                parts.append(
                    f"<p>The screenshots came with this pack ({len(files)} "
                    f"file{'s' if len(files) != 1 else ''}): press <b>View the evidence "
                    "files…</b> to see them.</p>"
                )
            elif any(names_a_file(e) for e in record.evidence):
                parts.append(
                    "<p>Descriptions only: the files stayed in school. Ask the DSL if you "
                    "need to see them.</p>"
                )
        added = self.pack.entries(case_id)
        parts.append("<h3>Your review</h3>")
        if not added:
            parts.append("<p>Nothing added yet.</p>")
        for mine in added:
            when = f"{review_packs.entry_when(mine):%d/%m/%Y %H:%M}"
            parts.append(
                f"<p><b>{when}</b> · <b>{escape(review_packs.entry_title(mine))}</b>"
                + (f"<br>{escape(mine.text)}" if mine.text else "")
                + "</p>"
            )
        self.record.setHtml("".join(parts))

    # -- the comment box belongs to one case -----------------------------------------------

    def _switch_comment(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Keep what was typed with the case it was typed on; show the new case's own."""
        if self.locked:
            return
        if self.comment_case is not None:
            text = self.comment.toPlainText()
            if text.strip():
                self.typed[self.comment_case] = text
            else:
                self.typed.pop(self.comment_case, None)
        case = self.cases_model.row_at(current.row()) if current.isValid() else None
        self.comment_case = case.incident_id if case is not None else None
        self.comment.setPlainText(self.typed.pop(case.incident_id, "") if case else "")
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        """A case is signed off once; after that, only a correction to the sign-off."""
        signed = self.comment_case is not None and self.pack.signed_off(self.comment_case)
        self.sign_off_button.setEnabled(not signed)
        self.correct_button.setEnabled(bool(signed))

    def unsaved(self) -> list[str]:
        """The cases with typed text not yet added to the pack."""
        if self.locked:
            return []  # kept in the pack (or held) at the lock
        typed = self._typed_now()
        return [c.reference for c in self.pack.cases() if c.incident_id in typed]

    def _typed_now(self) -> dict[int, str]:
        typed = dict(self.typed)
        if self.comment_case is not None and self.comment.toPlainText().strip():
            typed[self.comment_case] = self.comment.toPlainText()
        return typed

    # -- locking ---------------------------------------------------------------------------

    def _idle(self) -> None:
        self.lock(f"Review mode locked after {LOCK_MINUTES} minutes without use.")

    def _lock_now(self) -> None:
        self.lock("Review mode was locked with Ctrl+L.")

    def lock(self, why: str = "Review mode was locked.") -> None:
        """Close every dialog, keep what was typed in the pack, close the pack (SQLCipher wipes
        its key) and clear the window; the passphrase opens it again (:meth:`unlock`)."""
        if self.locked:
            return
        self.inactivity.stop()
        close_dialogs_of(self)
        typed = self._typed_now()
        case = self.current_case()
        self._case_before_lock = case.incident_id if case is not None else None
        kept = [c.reference for c in self.pack.cases() if c.incident_id in typed]
        not_kept = ""
        try:
            self.pack.keep_drafts(typed)
        except ProblemForUser as problem:
            self._held = typed  # said on the panel: lost only if the program closes first
            not_kept = (
                f"{problem.what} It is kept until you open the pack again, but is lost if "
                "eSafety Desktop closes first."
            )
        self.locked = True
        self.pack.close()
        self.comment_case = None
        self.typed = {}
        self.comment.clear()
        self.cases_model.set_rows([])
        self.record.clear()
        self.message.clear()
        self.locked_panel.show_locked(self.pack.path, why, kept, not_kept)
        self.stack.setCurrentWidget(self.locked_panel)
        self.locked_panel.passphrase.setFocus()

    def unlock(self, passphrase: str) -> None:
        """The pack again, with its passphrase: the same case, and what was typed back."""
        try:
            pack = review_packs.open_for_review(self.pack.path, passphrase, clock=self.pack.clock)
        except ProblemForUser as problem:
            self.locked_panel.message.setText(str(problem))
            return
        self.locked_panel.passphrase.clear()
        self.pack = pack
        self.typed = {**pack.take_drafts(), **self._held}
        self._held = {}
        self.cases_model.set_rows(
            [_in_the_list(case, pack.entries(case.incident_id)) for case in pack.cases()]
        )
        before = self._case_before_lock
        row = self.cases_model.row_where(lambda case: case.incident_id == before) or 0
        self.locked = False
        self.stack.setCurrentWidget(self.review_page)
        self.cases.setCurrentIndex(self.cases_model.index(row, 0))
        self.inactivity.start()

    # -- adding --------------------------------------------------------------------------

    def add_comment(self) -> None:
        self._add(review_packs.COMMENT, self.comment.toPlainText())

    def mark_reviewed(self) -> None:
        self._add(review_packs.REVIEWED, self.comment.toPlainText())

    def sign_off(self) -> None:
        day = self.signed_on.date().toPython()
        assert isinstance(day, date)
        case = self.current_case()
        if case is None:
            return
        name = self.reviewer.text().strip() or "(type your name first)"
        if not dialogs.ask(
            self,
            f"Sign off {case.reference}?",
            f"You are signing off {case.reference} as {name}, dated {day:%d/%m/%Y}"
            + (" with your comment." if self.comment.toPlainText().strip() else ".")
            + " A sign-off is given once: afterwards only a correction to it can be added.",
            yes="Sign off",
            no="Not yet",
        ):
            return
        self._add(review_packs.SIGNED_OFF, self.comment.toPlainText(), day)

    def correct_sign_off(self) -> None:
        self._add(review_packs.CORRECTION, self.comment.toPlainText())

    def _add(self, kind: str, text: str, signed_on: date | None = None) -> None:
        case = self.current_case()
        if case is None or case.incident_id != self.comment_case:
            return
        try:
            self.pack.add(
                case.incident_id,
                kind,
                reviewer=self.reviewer.text(),
                text=text,
                signed_on=signed_on,
            )
        except ProblemForUser as problem:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(str(problem))
            return
        self.comment.clear()
        self.added_here += 1
        self.message.setStyleSheet("")
        self.message.setText(f"Saved in the pack: {review_packs.ENTRY_LABELS[kind].lower()}.")
        self.cases_model.replace_row(
            self.cases.currentIndex().row(),
            dataclasses.replace(case, progress=_progress(self.pack.entries(case.incident_id))),
        )
        self._fit_buttons()
        self.show_case()

    def print_case(self) -> None:
        """The record is made on the worker, then shown in the print preview."""
        case = self.current_case()
        if case is None:
            return
        record = self.pack.record_with_review(  # the pack is read on this thread
            case.incident_id, printed_by=self.reviewer.text().strip() or "Reviewer"
        )
        Operation(
            self,
            partial(OpenPack.pdf_of, record),
            Changes.NOTHING,
            on_done=partial(self._show_record, case),
            problem_title="The record could not be made",
        ).run()

    def _show_record(self, case: CaseInPack, pdf: bytes) -> None:
        from esafety_desktop.ui.pdf_preview import PdfPreviewDialog

        if self.locked:
            return  # made while it locked: not shown

        self.preview = PdfPreviewDialog(
            pdf,
            f"Incident record {case.reference}",
            suggested_file_name=f"{case.reference}.pdf",
            on_printed=partial(self._printed, case.incident_id),
            on_save=partial(self._save_copy, case.incident_id, pdf),
            parent=self,
            kept_in="this pack (the school's audit log has it once the DSL imports the pack)",
        )
        self.preview.open()

    def _save_copy(self, incident_id: int, pdf: bytes, path: str) -> None:
        """Written where the reviewer chose, recorded in the pack, and the place shown."""
        if self.locked:
            return  # chosen in a dialog that stayed open while it locked: nothing written
        self.pack.save_printout(incident_id, pdf, Path(path), self.reviewer.text())
        self.added_here += 1
        self.preview.show_saved(path)
        self.statusBar().showMessage(f"Saved an unencrypted copy to {path}", 15_000)

    def view_files(self) -> None:
        case = self.current_case()
        if case is not None:
            self.files = EvidenceFilesDialog(self.pack.evidence_files(case.incident_id), self)
            self.files.open()

    def _printed(self, incident_id: int, pages: int) -> None:
        if self.locked:
            return
        try:
            self.pack.printed(incident_id, pages, self.reviewer.text())
        except ProblemForUser as problem:
            dialogs.report_problem(self, problem, "The printing was not recorded in the pack")
        else:
            self.added_here += 1
        self.statusBar().showMessage(
            f"Printed {pages} page{'s' if pages != 1 else ''}; recorded in the pack.", 10_000
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt names it
        """Typed text not yet added is not lost without asking; a pack with new entries must
        go back to the DSL, so the reviewer is told where it is and to whom. Closed while
        locked, what was typed stays in the pack for the next time it is opened."""
        waiting = self.unsaved()
        if waiting and not dialogs.ask(
            self,
            "Close without adding what you typed?",
            f"What you typed on {', '.join(waiting)} is not in the pack yet: press “Add the "
            "comment” (or Mark reviewed, Sign off) first, or it is lost when the window closes.",
            yes="Close and lose it",
            no="Keep it open",
        ):
            event.ignore()
            return
        if self.added_here:
            dialogs.inform(
                self,
                "Return this pack to your DSL",
                f"What you added is saved in {self.pack.path}. Give that file back to "
                f"{self.pack.exported_by or 'the DSL'} (for example on the school's encrypted "
                "USB stick): your review reaches the school's records only when they import "
                "it. Keep the passphrase apart from the file, as before.",
            )
        self.inactivity.stop()
        if not self.locked:
            self.pack.close()
        self.closed.emit()
        event.accept()
