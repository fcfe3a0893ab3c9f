"""The DSL's side of the offline review: export a pack (then show its passphrase once), and
import a returned pack after seeing what the reviewer added."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.mis_import import counted
from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import review_packs
from esafety_desktop.services.access import AccountInfo, SignedIn
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.models import RecordTableModel, TickableRecordModel
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.person_dialogs import FormDialog
from esafety_desktop.ui.sizing import fit_to_screen, size_columns


class ExportPackDialog(FormDialog):
    """Choose the cases and the reviewer; Save writes the pack and shows the passphrase.

    The cases are listed open and recently changed first; those not yet signed off that are
    open or changed since the last pack are ticked (``review_packs.review_choice``)."""

    changes = Changes.INCIDENTS

    def __init__(self, signed_in: SignedIn, parent: QWidget | None) -> None:
        super().__init__("Review pack for the headteacher", parent)
        self.setObjectName("exportPackDialog")
        self._signed_in = signed_in
        self.exported: review_packs.ExportedPack | None = None
        choice = review_packs.review_choice(signed_in)
        self.choice = choice
        self.cases_model: TickableRecordModel[review_packs.CaseForReview] = TickableRecordModel(
            _CASE_COLUMNS, key=_case_id
        )
        self.cases_model.set_rows(choice.cases, in_order=True)
        self.cases_model.set_ticked(c.incident_id for c in choice.cases if c.suggested)
        self.cases = QTableView()
        self.cases.setObjectName("packCases")
        self.cases.setAccessibleName("Cases to put in the pack")
        self.cases.setAccessibleDescription(
            f"Open cases first, then cases closed in the last {review_packs.RECENT_DAYS} days, "
            "then older closed cases. Space ticks or unticks the selected case."
        )
        self.cases.setModel(self.cases_model)
        self.cases.verticalHeader().hide()
        self.cases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases.setAlternatingRowColors(True)
        size_columns(self.cases)
        self.cases.setMinimumHeight(200)

        heads = [a.display_name for a in _accounts(signed_in) if a.role is Role.HEADTEACHER]
        since = (
            f"changed since the last pack ({choice.last_pack:%d/%m/%Y}) or in it"
            if choice.last_pack is not None
            else f"changed in the last {review_packs.RECENT_DAYS} days"
        )
        explain = QLabel(
            "Open cases are listed first, then cases closed in the last "
            f"{review_packs.RECENT_DAYS} days, then older closed cases. Ticked: the cases not "
            f"yet signed off that are open or {since}. The pack is one encrypted "
            "file with its own passphrase, shown once when it is saved: pass the passphrase on "
            "separately (by telephone or on paper), never with the file. Evidence files "
            "(screenshots) stay in school unless you tick the box below; without them the pack "
            "holds only their descriptions."
        )
        explain.setWordWrap(True)
        explain.setObjectName("aboutThePack")
        explain.setAccessibleDescription("About the review pack")
        self.form.addRow(explain)

        self.tick_all = self._tick_button("Tick &all", self._tick_all)
        self.tick_none = self._tick_button("Tick &none", self._tick_none)
        needing = sum(1 for c in choice.cases if c.needs_review)
        self.tick_unreviewed = self._tick_button(
            f"Not yet re&viewed ({needing})", self._tick_unreviewed
        )
        self.tick_unreviewed.setToolTip(
            "Tick every case never signed off, or changed since its sign-off, however old."
        )
        self.count = QLabel()
        self.count.setObjectName("chosenCount")
        self.count.setAccessibleDescription("Cases chosen")  # read as its text: "3 of 9…"
        row = QHBoxLayout()
        for button in (self.tick_all, self.tick_none, self.tick_unreviewed):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.count)
        cases = QVBoxLayout()
        cases.setContentsMargins(0, 0, 0, 0)
        cases.addWidget(self.cases, 1)
        cases.addLayout(row)
        self.form.addRow(cases)
        self.left_out = QLabel(_left_out_words(choice.left_out, choice.restricted_left_out))
        self.left_out.setObjectName("leftOut")
        self.left_out.setWordWrap(True)
        self.left_out.setAccessibleDescription("Cases left out")
        self.left_out.setVisible(choice.left_out + choice.restricted_left_out > 0)
        self.form.addRow(self.left_out)

        self.reviewer = self.line("&Reviewer", heads[0] if heads else "", "e.g. the headteacher")
        self.with_files = QCheckBox("Include the evidence &files (screenshots) as well")
        self.with_files.setToolTip(
            "Without them, only each file's description goes; the files stay in school."
        )
        self.with_files.setAccessibleName("Include the evidence files (screenshots) as well")
        self.form.addRow("", self.with_files)
        self.message.setAccessibleDescription("Problem")  # read as the problem itself
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("&Save the pack…")
        self.save_button.setAccessibleName("Save the pack")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.cases_model.dataChanged.connect(self._count_chosen)
        self.cases_model.modelReset.connect(self._count_chosen)
        self._count_chosen()
        fit_to_screen(self, 940, 640)

    def _tick_button(self, text: str, clicked: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", ""))
        button.setAutoDefault(False)  # Return still saves the pack
        button.clicked.connect(clicked)
        return button

    def _tick_all(self) -> None:
        self.cases_model.set_ticked(c.incident_id for c in self.choice.cases)

    def _tick_none(self) -> None:
        self.cases_model.set_ticked(())

    def _tick_unreviewed(self) -> None:
        self.cases_model.set_ticked(c.incident_id for c in self.choice.cases if c.needs_review)

    def _count_chosen(self) -> None:
        """The live count; Save is refused (greyed, with the reason) while nothing is ticked."""
        chosen, shown = len(self.chosen()), self.cases_model.rowCount()
        words = f"{chosen} of {shown} case{'s' if shown != 1 else ''} chosen"
        reason = "" if chosen else "Tick at least one case to save a pack."
        self.count.setText(f"{words}. {reason}" if reason else words)
        self.save_button.setEnabled(chosen > 0)
        self.save_button.setToolTip(reason)
        self.save_button.setAccessibleDescription(reason)

    def chosen(self) -> list[int]:
        return [case.incident_id for case in self.cases_model.ticked()]

    def save(self) -> Callable[[], object]:
        chosen = self.chosen()
        if not chosen:
            raise ProblemForUser("Tick at least one case.")
        path = dialogs.save_file_name(
            self,
            "Save the review pack",
            str(
                Path.home()
                / f"review-pack-{self._signed_in.clock.today():%Y-%m-%d}{review_packs.PACK_SUFFIX}"
            ),
            f"Review packs (*{review_packs.PACK_SUFFIX})",
        )
        if not path:
            raise ProblemForUser("Choose where to save the pack (a USB stick, for example).")
        if not path.endswith(review_packs.PACK_SUFFIX):
            path += review_packs.PACK_SUFFIX
        return partial(
            review_packs.export_review_pack,
            self._signed_in,
            chosen,
            self.reviewer.text(),
            Path(path),
            with_files=self.with_files.isChecked(),
        )

    def _saved(self, exported: object) -> None:
        assert isinstance(exported, review_packs.ExportedPack)
        self.exported = exported
        PassphraseDialog(exported, self.parentWidget()).open()
        super()._saved(exported)


def _case_id(case: review_packs.CaseForReview) -> int:
    return case.incident_id


_CASE_COLUMNS: list[
    tuple[
        str,
        Callable[[review_packs.CaseForReview], str],
        Callable[[review_packs.CaseForReview], object],
    ]
] = [
    ("Case", lambda c: c.reference, lambda c: c.reference),
    ("Type", lambda c: c.incident_type, lambda c: c.incident_type),
    ("Status", lambda c: c.status, lambda c: c.status),
    ("Reported", lambda c: f"{c.reported_at:%d/%m/%Y}", lambda c: c.reported_at),
    ("Reviewed", lambda c: c.reviewed, lambda c: c.reviewed),
    ("Last changed", lambda c: f"{c.last_changed:%d/%m/%Y}", lambda c: c.last_changed),
]


def _left_out_words(count: int, restricted: int = 0) -> str:
    said = []
    if count:
        said.append(
            f"{count} allegation{'s' if count != 1 else ''} about the headteacher "
            f"{'are' if count != 1 else 'is'} left out: a case about the headteacher is never "
            "put in a pack for them (such a case goes to the chair of governors and the LADO)."
        )
    if restricted:
        said.append(
            f"{restricted} other restricted case{'s' if restricted != 1 else ''} "
            f"{'are' if restricted != 1 else 'is'} left out: kept from the headteacher, or not "
            "open to your account."
        )
    return " ".join(said)


def _accounts(signed_in: SignedIn) -> list[AccountInfo]:
    from esafety_desktop.services.accounts import list_accounts

    return list(list_accounts(signed_in))


class PassphraseDialog(QDialog):
    """The one-time passphrase, shown once; it is never stored as it is. It can be copied (to
    paste into a message to oneself) or printed (to hand over on paper); closing it without
    "I have noted it" asks first, since it cannot be shown again."""

    def __init__(self, exported: review_packs.ExportedPack, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle("The pack's passphrase")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setFamily("monospace")
        self.passphrase = QLabel(exported.passphrase)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setFont(big)
        self.passphrase.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase.setAccessibleDescription("Passphrase")  # read as the passphrase
        left_out = f" {exported.left_out_words()}" if exported.left_out_words() else ""
        about = QLabel(
            f"Saved {counted(len(exported.references), 'case')} in {exported.path}.{left_out}\n\n"
            "Give the reviewer this passphrase separately from the file: read it out over the "
            "telephone or hand it over on paper. It is shown only now; eSafety Desktop keeps "
            "the pack's key itself, so you will not need it to import the review."
        )
        about.setWordWrap(True)
        self._exported = exported
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Copy the passphrase, to paste where you will keep it")
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print the passphrase on its own page, to hand over")
        self.copy_button.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_passphrase)
        self.note = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("I have &noted it")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.passphrase, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 280)

    def copy(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self._exported.passphrase)
        self.note.setText("Copied. Paste it somewhere only you can read, then clear it.")

    def print_passphrase(self) -> None:
        """On its own page, with nothing else: the pack itself travels separately."""
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Review pack passphrase")
        if not dialogs.choose_printer(self, printer):
            return
        from esafety_desktop.ui.pdf_preview import chosen_printer

        chosen = chosen_printer(printer)
        if chosen.writes_a_file():  # a passphrase in a file could travel with the pack
            dialogs.warn(
                self,
                "The passphrase was not printed",
                f"{chosen.why_a_file()} The passphrase would be kept in that file, "
                "unencrypted, where it could travel with the pack. Choose a printer that "
                "prints on paper, or read the passphrase out over the telephone.",
            )
            return
        page = QTextDocument()
        page.setHtml(
            "<h2>Review pack passphrase</h2>"
            f"<p style='font-size:20pt; font-family:monospace'>{self._exported.passphrase}</p>"
            f"<p>For the pack {self._exported.path.name}. Keep this paper apart from the "
            "file; destroy it once the review is done.</p>"
        )
        page.print_(printer)
        self.note.setText("Printed.")

    def reject(self) -> None:  # Qt names it: Esc and the window's close button
        """The passphrase is shown only now: closing without noting it asks first."""
        if dialogs.ask(
            self,
            "Close without noting the passphrase?",
            "It cannot be shown again: without it the reviewer cannot open the pack, and a new "
            "pack would have to be exported.",
            yes="Close anyway",
            no="Go back to it",
        ):
            super().reject()


@dataclass(frozen=True)
class ReturnedEntry:
    """One entry the reviewer added, with the case it joins."""

    incident_id: int
    reference: str
    entry: review_packs.PackEntry


def _recorded(row: ReturnedEntry) -> str:
    return f"{datetime.fromisoformat(row.entry.recorded_at).astimezone():%d/%m/%Y %H:%M}"


def returned_entries_model() -> RecordTableModel[ReturnedEntry]:
    return RecordTableModel[ReturnedEntry](
        [
            ("Case", lambda r: r.reference, lambda r: r.reference),
            (
                "Entry",
                lambda r: review_packs.entry_title(r.entry),
                lambda r: review_packs.entry_title(r.entry),
            ),
            ("Text", lambda r: r.entry.text, lambda r: r.entry.text),
            ("Recorded", _recorded, lambda r: r.entry.recorded_at),
        ]
    )


class ImportReviewDialog(QDialog):
    """What the reviewer added, case by case; Add puts it into each case's chronology."""

    def __init__(
        self, signed_in: SignedIn, returned: review_packs.ReturnedReview, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importReviewDialog")
        self.setWindowTitle("Import the review")
        self._signed_in = signed_in
        self.returned = returned
        self.imported: review_packs.ImportedReview | None = None
        self.about = about = QLabel(_what_comes_back(returned))
        about.setWordWrap(True)
        self.entries_model = returned_entries_model()
        self.entries_model.set_rows(
            [
                ReturnedEntry(case.incident_id, case.reference, entry)
                for case in returned.cases
                for entry in case.entries
            ]
        )
        self.table = QTableView()
        self.table.setObjectName("reviewEntries")
        self.table.setAccessibleName("What the reviewer added")
        self.table.setModel(self.entries_model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("&Add to the cases")
        self.add_button.setEnabled(returned.entry_count > 0)
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_to_screen(self, 820, 420)

    @property
    def added(self) -> int:
        return self.imported.total if self.imported is not None else 0

    def add(self) -> None:
        """Saved on the worker; the dialog stays (Add greyed) until it is known to be in."""
        self.add_button.setEnabled(False)
        Operation(
            self,
            partial(review_packs.import_review, self._signed_in, self.returned),
            Changes.INCIDENTS | Changes.AUDIT,
            on_done=self._imported,
            on_problem=self._not_imported,
        ).run()

    def _imported(self, imported: review_packs.ImportedReview) -> None:
        self.imported = imported
        dialogs.inform(self, "The review was imported", imported.sentence())
        self.accept()

    def _not_imported(self, problem: ProblemForUser) -> None:
        self.add_button.setEnabled(True)
        self.message.setText(str(problem))


def _what_comes_back(returned: review_packs.ReturnedReview) -> str:
    """The import dialog's first words: whose review, and what of it is new."""
    said = (
        f"{returned.reviewer} reviewed the pack exported on "
        f"{returned.exported_at.astimezone():%d/%m/%Y}. It is this school's and unaltered."
    )
    if returned.last_imported is not None:
        said += (
            f" It was imported before, on {returned.last_imported:%d/%m/%Y at %H:%M}; "
            f"{returned.already_imported} of its entries came in then and are not added again."
        )
    count = returned.entry_count
    if count == 0:
        return said + " There is nothing new in this copy: nothing will be added."
    entries = f"{count} new entr{'y' if count == 1 else 'ies'}"
    return (
        f"{said} {entries} will be added: comments, reviews and sign-offs to each case's "
        "chronology; what was printed or saved in review mode to the audit log."
    )


def import_returned_pack(parent: QWidget, signed_in: SignedIn) -> ImportReviewDialog | None:
    """Choose a returned pack, check it, and show what it adds."""
    path = dialogs.open_file_name(
        parent,
        "Import a returned review pack",
        str(Path.home()),
        f"Review packs (*{review_packs.PACK_SUFFIX})",
    )
    if not path:
        return None
    try:
        returned = review_packs.read_returned_pack(signed_in, Path(path))
    except ProblemForUser as problem:
        dialogs.report_problem(parent, problem, "The review was not imported")
        return None
    dialog = ImportReviewDialog(signed_in, returned, parent)
    dialog.open()
    return dialog
