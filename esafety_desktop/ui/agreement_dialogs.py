"""Dialogs of the Acceptable Use Agreement register: returned forms for a whole group, a
correction, and the agreements themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.aup import Audience, HowSigned
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services import agreements
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements import PersonCoverage, SignatureRecord
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.dates import past_date_edit, qdate
from esafety_desktop.ui.look import ERROR_STYLE
from esafety_desktop.ui.operations import Changes, save_from
from esafety_desktop.ui.person_dialogs import FormDialog
from esafety_desktop.ui.sizing import FlowLayout, fit_to_screen

PERSON = Qt.ItemDataRole.UserRole


def _problem_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


def group_of(row: PersonCoverage) -> str:
    return agreements.place(row)


class ReturnedFormsDialog(QDialog):
    """Tick who brought back a signed form, one date for all. Keyboard only: type a name to
    jump to it, Space ticks, Enter saves."""

    def __init__(
        self,
        signed_in: SignedIn,
        rows: list[PersonCoverage],
        group: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record returned agreement forms")
        self._signed_in = signed_in
        self._rows = rows
        self.group = QComboBox()
        self.group.setAccessibleName("Class or group")
        for name in dict.fromkeys(group_of(r) for r in rows):
            self.group.addItem(name)
        if group:
            self.group.setCurrentIndex(max(self.group.findText(group), 0))
        self._tick_all = len(rows) == 1  # one person's form, from their panel
        self._parents_sign = agreements.parents_sign(signed_in)
        self.people = QListWidget()
        self.people.setAccessibleName("Who returned a signed form")
        self.signed_on = past_date_edit(signed_in.clock.today(), signed_in.clock.today())
        self.signed_on.setAccessibleName("Date signed")
        self.how = QComboBox()
        for how in HowSigned:
            self.how.addItem(how.label, how.value)
        self.parent_signed = QCheckBox("A parent or carer signed the pupil's form too")
        self.parent_signed.setChecked(True)
        self.ticked = QLabel()
        self.message = _problem_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout()
        form.addRow("&Class or group", self.group)
        form.addRow("Date &signed", self.signed_on)
        form.addRow("&How", self.how)
        form.addRow("", self.parent_signed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(
                "Tick everyone whose signed form came back (type a name to find it, Space ticks):"
            )
        )
        layout.addWidget(self.people, 1)
        layout.addWidget(self.ticked)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.group.currentIndexChanged.connect(self._fill)
        self.people.itemChanged.connect(self._count)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._fill()
        fit_to_screen(self, 520, 640)

    def _fill(self) -> None:
        self.people.blockSignals(True)
        self.people.clear()
        wanted = self.group.currentText()
        shown = [r for r in self._rows if group_of(r) == wanted]
        for row in shown:
            if row.coverage.covered:
                item = QListWidgetItem(f"{row.name}: {row.coverage.reason}")
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                item = QListWidgetItem(row.name)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                )
                item.setCheckState(
                    Qt.CheckState.Checked if self._tick_all else Qt.CheckState.Unchecked
                )
                item.setData(PERSON, row.person_id)
            self.people.addItem(item)
        self.people.blockSignals(False)
        self.parent_signed.setVisible(
            any(r.kind == "pupil" for r in shown) and self._parents_sign != "none"
        )
        first = next((i for i in range(self.people.count()) if self.people.item(i).flags()), None)
        if first is not None:
            self.people.setCurrentRow(first)
        self._count()

    def chosen(self) -> list[int]:
        return [
            int(self.people.item(i).data(PERSON))
            for i in range(self.people.count())
            if self.people.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _count(self) -> None:
        waiting = sum(1 for i in range(self.people.count()) if self.people.item(i).flags())
        self.ticked.setText(f"{len(self.chosen())} ticked of {waiting} still to sign")

    def save(self) -> None:
        day = self.signed_on.date().toPython()
        assert isinstance(day, date)
        save_from(
            self,
            partial(
                agreements.record_signatures,
                self._signed_in,
                self.chosen(),
                day,
                HowSigned(self.how.currentData()),
                parent_signed=self.parent_signed.isVisible() and self.parent_signed.isChecked(),
            ),
            Changes.AGREEMENTS,
            message=self.message,
            buttons=self.buttons,
            then=self.accept,
        )


class CorrectSignatureDialog(FormDialog):
    """Correct a recorded signature, or withdraw one recorded in error; the original stays."""

    changes = Changes.AGREEMENTS

    def __init__(
        self, signed_in: SignedIn, signature: SignatureRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__("Correct a signature", parent)
        self._signed_in = signed_in
        self._signature = signature
        self.signed_on = past_date_edit(signature.signed_on, signed_in.clock.today())
        self.parent_signed = QCheckBox("A parent or carer signed too")
        self.parent_signed.setChecked(signature.parent_signed)
        self.withdraw = QCheckBox("Recorded in error: withdraw it")
        self.why = QLineEdit()
        self.why.setAccessibleName("Why")
        self.form.addRow(
            QLabel(
                f"{signature.version_label}, signed {signature.signed_on:%d/%m/%Y}, recorded by "
                f"{signature.recorded_by}. The original stays in the history."
            )
        )
        self.form.addRow("Date &signed", self.signed_on)
        self.form.addRow("", self.parent_signed)
        self.form.addRow("", self.withdraw)
        self.form.addRow("&Why", self.why)

    def save(self) -> Callable[[], object]:
        day = self.signed_on.date().toPython()
        assert isinstance(day, date)
        return partial(
            agreements.correct_signature,
            self._signed_in,
            self._signature.id,
            self.why.text(),
            signed_on=day,
            parent_signed=self.parent_signed.isChecked(),
            withdraw=self.withdraw.isChecked(),
        )


class NewVersionDialog(QDialog):
    """A new version of one audience's agreement: edit the wording, say when it takes
    effect. Everyone in that audience signs again from that day."""

    def __init__(
        self, signed_in: SignedIn, audience: Audience, text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"New version: {audience.label}")
        self._signed_in = signed_in
        self._audience = audience
        self.label = QLineEdit()
        self.label.setAccessibleName("Version label")
        self.label.setPlaceholderText("for example 2026/27, or 2026/27 (updated)")
        self.effective = QDateEdit(qdate(signed_in.clock.today()))
        self.effective.setDisplayFormat("dd/MM/yyyy")
        self.effective.setCalendarPopup(True)
        self.text = QPlainTextEdit(text)
        self.text.setAccessibleName("Agreement text")
        self.pdf: bytes | None = None
        self.pdf_name = ""
        self.import_button = QPushButton("&Import a PDF instead…")
        self.imported = QLabel()
        self.message = _problem_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout(self)
        form.addRow("&Label", self.label)
        form.addRow("Takes &effect", self.effective)
        form.addRow("&Text", self.text)
        form.addRow(
            QLabel("The first line is the form's title. Everyone in this group signs again.")
        )
        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.import_button)
        pdf_row.addWidget(self.imported, 1)
        form.addRow(pdf_row)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.import_pdf)
        fit_to_screen(self, 720, 640)

    def import_pdf(self) -> None:
        """The school's own agreement as a PDF: kept encrypted in the database."""
        from pathlib import Path

        name = dialogs.open_file_name(self, "Import the agreement", "", "PDF documents (*.pdf)")
        if not name:
            return
        try:
            content = Path(name).read_bytes()
        except OSError as exc:
            self.message.setText(f"{Path(name).name} could not be read: {exc.strerror}.")
            return
        if not content.startswith(b"%PDF"):
            self.message.setText(f"{Path(name).name} is not a PDF.")
            return
        self.pdf, self.pdf_name = content, Path(name).name
        self.imported.setText(f"{self.pdf_name} ({len(content) // 1024 + 1} KB) will be kept.")
        self.text.setPlainText(f"{self.pdf_name}")
        self.text.setReadOnly(True)
        self.message.setText("")

    def save(self) -> None:
        day = self.effective.date().toPython()
        assert isinstance(day, date)
        save_from(
            self,
            partial(
                agreements.add_version,
                self._signed_in,
                self._audience,
                self.label.text(),
                day,
                "" if self.pdf is not None else self.text.toPlainText(),
                pdf=self.pdf,
                pdf_name=self.pdf_name,
            ),
            Changes.AGREEMENTS,
            message=self.message,
            buttons=self.buttons,
            then=self.accept,
        )


class VersionsDialog(QDialog):
    """Each audience's agreement: its versions, the wording of the chosen one, a new version,
    and corrections to wording nobody has signed yet."""

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreements and versions")
        self._signed_in = signed_in
        self.audience = QComboBox()
        self.audience.setAccessibleName("Who signs it")
        for audience in Audience:
            self.audience.addItem(audience.label, audience.value)
        self.versions = QListWidget()
        self.versions.setAccessibleName("Versions")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Wording")
        self.text.setReadOnly(True)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.new_button = QPushButton("&New version…")
        self.save_button = QPushButton("&Save the corrected wording")
        self.pdf_button = QPushButton("&Print the imported PDF…")
        self.pdf_button.setVisible(False)
        self.save_button.setEnabled(False)
        self.message = _problem_label()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.save_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("&Who signs it", self.audience)
        form.addRow("&Versions", self.versions)
        layout.addLayout(form)
        layout.addWidget(self.about)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.audience.currentIndexChanged.connect(self._fill)
        self.versions.currentRowChanged.connect(self._show)
        self.new_button.clicked.connect(self.new_version)
        self.save_button.clicked.connect(self.save_wording)
        self.pdf_button.clicked.connect(self.show_pdf)
        close.rejected.connect(self.reject)
        self._fill()
        fit_to_screen(self, 760, 680)

    def _chosen_audience(self) -> Audience:
        return Audience(self.audience.currentData())

    def _fill(self) -> None:
        self._all = [
            v
            for v in agreements.list_versions(self._signed_in)
            if v.audience is self._chosen_audience()
        ]
        self.versions.blockSignals(True)
        self.versions.clear()
        for version in self._all:
            self.versions.addItem(
                f"{version.label}: in force from {version.effective_from:%d/%m/%Y}, "
                f"{version.signatures} signature{'s' if version.signatures != 1 else ''}"
            )
        self.versions.blockSignals(False)
        self.versions.setCurrentRow(len(self._all) - 1)
        self._show(len(self._all) - 1)

    def _show(self, row: int) -> None:
        self.message.setText("")
        if not 0 <= row < len(self._all):
            self.text.setPlainText("")
            self.about.setText("No version yet: add one with New version.")
            self.save_button.setEnabled(False)
            self.text.setReadOnly(True)
            return
        version = self._all[row]
        self.pdf_button.setVisible(version.pdf_name is not None)
        self.text.setPlainText(
            version.text
            if version.pdf_name is None
            else f"This version is the imported document {version.pdf_name}."
        )
        editable = version.signatures == 0 and version.pdf_name is None
        self.text.setReadOnly(not editable)
        self.save_button.setEnabled(editable)
        self.about.setText(
            f"SHA-256 {version.sha256[:16]}…  "
            + (
                "Nobody has signed it yet: you can still correct its wording."
                if editable
                else "It has been signed, so its wording is fixed: make a new version to change it."
            )
        )

    def show_pdf(self) -> None:
        from esafety_desktop.ui.pdf_preview import preview_for

        version = self._all[self.versions.currentRow()]
        pdf = agreements.version_pdf(self._signed_in, version.id)
        if pdf is not None:
            self.preview = preview_for(
                self, self._signed_in, pdf, f"Agreement {version.label}", version.pdf_name or ""
            )

    def new_version(self) -> None:
        audience = self._chosen_audience()
        text = self._all[-1].text if self._all else agreements.starter_text(audience)
        self.dialog: QDialog = NewVersionDialog(self._signed_in, audience, text, self)
        self.dialog.accepted.connect(self._fill)
        self.dialog.open()

    def save_wording(self) -> None:
        row = self.versions.currentRow()
        if not 0 <= row < len(self._all):
            return
        save_from(
            self,
            partial(
                agreements.change_version_text,
                self._signed_in,
                self._all[row].id,
                self.text.toPlainText(),
            ),
            Changes.AGREEMENTS,
            message=self.message,
            buttons=self.save_button,
            then=partial(self._wording_saved, row),
        )

    def _wording_saved(self, row: int) -> None:
        self._fill()
        self.versions.setCurrentRow(row)


class PersonAgreementTab(QWidget):
    """A person's Acceptable Use Agreement: covered or why not, every signature (corrections
    included), and buttons to record a signed form or correct one."""

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed_in = signed_in
        self.person_id: int | None = None
        self.history: list[SignatureRecord] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.signatures = QListWidget()
        self.signatures.setAccessibleName("Signatures")
        self.signatures.setWordWrap(True)
        self.record_button = QPushButton("&Record a signed form…")
        self.correct_button = QPushButton("C&orrect the chosen signature…")
        keeps = can(signed_in.account.role, Permission.KEEP_AGREEMENTS)
        for button in (self.record_button, self.correct_button):
            button.setVisible(keeps)
        row = QWidget()
        flow = FlowLayout(row)  # wraps in a narrow panel
        flow.addWidget(self.record_button)
        flow.addWidget(self.correct_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.signatures, 1)
        layout.addWidget(row)
        self.record_button.clicked.connect(self.record)
        self.correct_button.clicked.connect(self.correct)

    def show_person(self, person_id: int) -> bool:
        """Fill in for ``person_id``; False when they do not sign an agreement."""
        self.person_id = person_id
        if not agreements.list_versions(self._signed_in):
            return False  # no agreement issued yet: nothing to show
        row = self._row()
        if row is None:
            return False
        covered = "Covered" if row.coverage.covered else "<b>Not covered</b>"
        self.status.setText(f"{covered}: {row.coverage.reason}")
        self.history = agreements.signature_history(self._signed_in, person_id)
        self.signatures.clear()
        for signature in reversed(self.history):
            parts = [
                f"{signature.signed_on:%d/%m/%Y}",
                f"{signature.audience.label}, {signature.version_label}",
                signature.how.label,
            ]
            if signature.parent_signed:
                parts.append("parent or carer signed")
            if signature.laptop:
                parts.append(f"laptop {signature.laptop}")
            parts.append(f"recorded by {signature.recorded_by}")
            if signature.withdrawn:
                parts = [f"Withdrawn by {signature.recorded_by}"]
            if signature.why:
                parts.append(f"why: {signature.why}")
            if signature.replaced:
                parts.append("(corrected later; kept)")
            self.signatures.addItem(" · ".join(parts))
        return True

    def _row(self) -> PersonCoverage | None:
        return next(
            (r for r in agreements.register(self._signed_in) if r.person_id == self.person_id),
            None,
        )

    def record(self) -> None:
        row = self._row()
        if row is None:
            return
        self.dialog: QDialog = ReturnedFormsDialog(self._signed_in, [row], None, self)
        self.dialog.accepted.connect(self._changed)
        self.dialog.open()

    def correct(self) -> None:
        chosen = self.signatures.currentRow()
        if chosen < 0:
            dialogs.inform(self, "Correct a signature", "Choose the signature to correct.")
            return
        signature = list(reversed(self.history))[chosen]
        if signature.replaced or signature.withdrawn:
            dialogs.inform(
                self,
                "Correct a signature",
                "That line has been corrected already (or is a withdrawal): choose the latest.",
            )
            return
        self.dialog = CorrectSignatureDialog(self._signed_in, signature, self)
        self.dialog.accepted.connect(self._changed)
        self.dialog.open()

    def _changed(self) -> None:
        if self.person_id is not None:
            self.show_person(self.person_id)
