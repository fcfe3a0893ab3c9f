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
    QHeaderView,
    QLabel,
    QListView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.incidents import incident_type_name
from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import incidents, review_packs
from esafety_desktop.services.access import AccountInfo, SignedIn
from esafety_desktop.services.incidents import IncidentSummary
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.models import RecordTableModel, TickableRecordModel
from esafety_desktop.ui.operations import Changes
from esafety_desktop.ui.person_dialogs import FormDialog


class ExportPackDialog(FormDialog):
    """Choose the cases and the reviewer; Save writes the pack and shows the passphrase."""

    changes = Changes.INCIDENTS

    def __init__(self, signed_in: SignedIn, parent: QWidget | None) -> None:
        super().__init__("Review pack for the headteacher", parent)
        self.setObjectName("exportPackDialog")
        self._signed_in = signed_in
        self.exported: review_packs.ExportedPack | None = None
        suggested = set(review_packs.cases_for_review(signed_in))
        excluded = review_packs.head_allegations(signed_in)
        self.cases_model: TickableRecordModel[IncidentSummary] = TickableRecordModel(
            [("Case", _case_line, _case_id)], key=_case_id
        )
        self.cases_model.tick(suggested)
        self.cases_model.set_rows(
            [c for c in incidents.list_incidents(signed_in) if c.id not in excluded]
        )
        self.cases = QListView()
        self.cases.setAccessibleName("Cases to review")
        self.cases.setModel(self.cases_model)
        heads = [a.display_name for a in _accounts(signed_in) if a.role is Role.HEADTEACHER]
        explain = QLabel(
            "Ticked: the cases opened or changed since the last pack. The pack is one encrypted "
            "file with its own passphrase, shown once when it is saved: pass the passphrase on "
            "separately (by telephone or on paper), never with the file. Evidence files are "
            "not included, only their descriptions."
            + (
                f" {len(excluded)} allegation{'s' if len(excluded) != 1 else ''} about the "
                f"headteacher {'are' if len(excluded) != 1 else 'is'} never put in a pack."
                if excluded
                else ""
            )
        )
        explain.setWordWrap(True)
        self.form.addRow(explain)
        self.form.addRow("Cases", self.cases)
        self.reviewer = self.line("&Reviewer", heads[0] if heads else "", "e.g. the headteacher")
        self.with_files = QCheckBox("Include the evidence &files (screenshots) as well")
        self.with_files.setToolTip("Without them, only each file's description and SHA-256 go.")
        self.form.addRow("", self.with_files)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Save the pack…")
        self.resize(760, 520)

    def chosen(self) -> list[int]:
        return [case.id for case in self.cases_model.ticked()]

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


def _case_line(case: IncidentSummary) -> str:
    return (
        f"{case.reference}  {incident_type_name(case.incident_type)} · "
        f"{case.status.label} · {case.summary.splitlines()[0][:70]}"
    )


def _case_id(case: IncidentSummary) -> int:
    return case.id


def _accounts(signed_in: SignedIn) -> list[AccountInfo]:
    from esafety_desktop.services.accounts import list_accounts

    return list(list_accounts(signed_in))


class PassphraseDialog(QDialog):
    """The one-time passphrase, shown once; it is never stored as it is."""

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
        self.passphrase.setAccessibleName("Passphrase")
        left_out = (
            f" {len(exported.left_out)} allegation(s) about the headteacher were left out."
            if exported.left_out
            else ""
        )
        about = QLabel(
            f"Saved {len(exported.references)} case(s) in {exported.path}.{left_out}\n\n"
            "Give the reviewer this passphrase separately from the file: read it out over the "
            "telephone or hand it over on paper. It is shown only now; eSafety Desktop keeps "
            "the pack's key itself, so you will not need it to import the review."
        )
        about.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("I have &noted it")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.passphrase, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(buttons)
        self.resize(640, 260)


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
        self.added = 0
        about = QLabel(
            f"{returned.reviewer} reviewed the pack exported on "
            f"{returned.exported_at.astimezone():%d/%m/%Y}. It is this school's, unaltered, and "
            f"not imported before. {returned.entry_count} entr"
            f"{'y' if returned.entry_count == 1 else 'ies'} will join the cases' chronologies:"
        )
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
        self.resize(820, 420)

    def add(self) -> None:
        try:
            self.added = review_packs.import_review(self._signed_in, self.returned)
        except ProblemForUser as problem:
            self.message.setText(str(problem))
            return
        self.accept()


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
