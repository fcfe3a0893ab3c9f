"""Logging evidence on a case: a web address, a device held (with custody), a description, or
a screenshot (never for nudes or indecent images)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from esafety_desktop.domain.evidence import EvidenceKind, image_refusal
from esafety_desktop.errors import InvalidInput
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.operations import Changes
from esafety_desktop.ui.person_dialogs import FormDialog
from esafety_desktop.ui.sizing import fit_to_screen

Save = Callable[[EvidenceKind, str, str, str, str, str, bytes | None], None]


class EvidenceDialog(FormDialog):
    changes = Changes.INCIDENTS

    def __init__(
        self, reference: str, incident_type: str | None, save: Save, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Add evidence to {reference}", parent)
        self.setObjectName("evidenceDialog")
        self._save = save
        self.refusal = image_refusal(incident_type)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of evidence")
        for kind in EvidenceKind:
            if kind is EvidenceKind.SCREENSHOT and self.refusal:
                continue
            self.kind.addItem(kind.label, kind.value)
        self.form.addRow("&Kind", self.kind)
        if self.refusal:
            warning = QLabel(self.refusal)
            warning.setWordWrap(True)
            warning.setStyleSheet("font-weight: bold")
            self.form.addRow(warning)
        self.description = self.line("&Description")
        self.url = self.line("&Web address", placeholder="https://…")
        self.held_where = self.line("Kept &where", placeholder="for example the school safe")
        self.held_by = self.line("Held &by")
        self.file_label = QLabel("No file chosen")
        self.choose = QPushButton("&Choose the screenshot…")
        self.file_row = QHBoxLayout()
        self.file_row.addWidget(self.file_label, 1)
        self.file_row.addWidget(self.choose)
        self.form.addRow("Screenshot", self.file_row)
        self.file: Path | None = None
        self.choose.clicked.connect(self._choose)
        self.kind.currentIndexChanged.connect(self._show_rows)
        self._show_rows()
        fit_to_screen(self, 560, 0)

    def current(self) -> EvidenceKind:
        return EvidenceKind(self.kind.currentData())

    def _show_rows(self) -> None:
        kind = self.current()
        self.form.setRowVisible(self.url, kind is EvidenceKind.URL)
        self.form.setRowVisible(self.held_where, kind is EvidenceKind.DEVICE)
        self.form.setRowVisible(self.held_by, kind is EvidenceKind.DEVICE)
        self.form.setRowVisible(self.file_row, kind is EvidenceKind.SCREENSHOT)

    def _choose(self) -> None:
        chosen = dialogs.open_file_name(
            self, "Choose the screenshot", str(Path.home()), "Images (*.png *.jpg *.jpeg)"
        )
        if chosen:
            self.file = Path(chosen)
            self.file_label.setText(self.file.name)

    def save(self) -> Callable[[], object]:
        content = None
        if self.current() is EvidenceKind.SCREENSHOT:
            if self.file is None:
                raise InvalidInput("Choose the screenshot to attach.")
            try:
                content = self.file.read_bytes()
            except OSError as exc:
                raise InvalidInput(f"The file cannot be read ({exc.strerror}).") from None
        return partial(
            self._save,
            self.current(),
            self.description.text(),
            self.url.text(),
            self.held_where.text(),
            self.held_by.text(),
            self.file.name if self.file else "",
            content,
        )
