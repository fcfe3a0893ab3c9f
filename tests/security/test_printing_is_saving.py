"""Printing to a file is saving (issue 19, item 1).

Found in review: the print dialog's "Print to File (PDF)" wrote an unencrypted copy with no
warning, audited only as "printed"; so did any printer whose driver writes a file (Microsoft
Print to PDF, CUPS-PDF, OneNote…). A safe app does not offer print-to-file, and treats a
printer that writes a file as "Save as PDF…": the same warning, and ``document.saved_unencrypted``
in the audit log (in review mode: a "saved" entry in the pack), never ``document.printed``.

The printer the print dialog "chooses" is faked at Qt's level (its name, its driver's make and
model, no file of Qt's own) and painting is replaced, so nothing is sent anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from esafety_desktop.services import review_packs
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.exports import recovery_sheet
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.pdf_preview import PdfPreviewDialog, preview_for
from tests.conftest import School, new_pc
from tests.services.test_review_packs import exported  # noqa: F401 - a fixture
from tests.ui.conftest import (  # noqa: F401 - the UI tests' rules: every dialog answered
    answered_dialogs,
    collect_on_the_ui_thread,
    no_modal_dialogs,
)
from tests.ui.printing import print_to_file
from tests.ui.waiting import settle

PDF_PRINTERS = [
    ("Microsoft Print to PDF", "Microsoft Print To PDF"),
    ("Microsoft Print to PDF (redirected 2)", ""),
    ("Microsoft XPS Document Writer", "Microsoft XPS Document Writer v4"),
    ("CUPS-PDF", "Generic CUPS-PDF Printer"),
    ("PDF", ""),
    ("Office", "Generic CUPS-PDF Printer (no options)"),
    ("Print to File", ""),
    ("OneNote for Windows 10", "Microsoft Software Printer Driver"),
    ("Send To OneNote 2016", "Send to Microsoft OneNote 16 Driver"),
    ("Save as PDF", ""),
    ("Adobe PDF", "Adobe PDF Converter"),
    ("PDFCreator", "PDFCreator"),
    ("Foxit PDF Editor Printer", "Foxit PDF Editor Printer Driver"),
    ("CutePDF Writer", "CutePDF Writer"),
    ("Bullzip PDF Printer", ""),
    ("Fax", "Microsoft Shared Fax Driver"),
    ("Snagit 2024", "Snagit 24 Printer"),
]
PAPER_PRINTERS = [
    ("Office HP LaserJet", "HP LaserJet Pro M404-M405 PCL 6 (V3)"),
    ("Brother_HL_L2350DW", "Brother HL-L2350DW series"),
    ("Staffroom copier", "RICOH IM C3000 PCL 6"),
    ("KYOCERA ECOSYS P2040dn", "Kyocera ECOSYS P2040dn KX"),
    ("Canon iR-ADV C5535", "Canon Generic Plus UFR II"),
    ("EPSON ET-2810 Series", "EPSON ET-2810 Series"),
    ("Year 6 printer", "HP Color LaserJet, driverless, cups-filters 1.28.17"),
]


@pytest.mark.parametrize(("name", "model"), PDF_PRINTERS)
def test_a_printer_that_writes_a_file_is_known(name: str, model: str) -> None:
    from esafety_desktop.ui.pdf_preview import writes_a_file

    assert writes_a_file(name, model)


@pytest.mark.parametrize(("name", "model"), PAPER_PRINTERS)
def test_a_paper_printer_is_not_taken_for_one(name: str, model: str) -> None:
    from esafety_desktop.ui.pdf_preview import writes_a_file

    assert not writes_a_file(name, model)


# -- the print dialog as the app opens it -----------------------------------------------------


def test_the_print_dialog_does_not_offer_print_to_file(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[QPrintDialog] = []

    def look(dialog: QPrintDialog) -> int:  # instead of waiting for a person
        dialog.show()
        seen.append(dialog)
        combos = dialog.findChildren(QComboBox)
        offered = [combo.itemText(i) for combo in combos for i in range(combo.count())]
        assert not dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile)
        assert not any("file" in item.lower() for item in offered), offered
        dialog.hide()
        return int(QPrintDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(QPrintDialog, "exec", look)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert dialogs.choose_printer(parent, QPrinter()) is False
    assert len(seen) == 1


# -- faking the printer chosen ------------------------------------------------------------------


class _Info:
    def __init__(self, model: str) -> None:
        self._model = model

    def makeAndModel(self) -> str:
        return self._model

    def isNull(self) -> bool:
        return False


def _choose_a_printer(monkeypatch: pytest.MonkeyPatch, name: str, model: str) -> None:
    """The print dialog comes back with ``name`` (its driver: ``model``) chosen, and no file
    of Qt's own: as Windows' print dialog does with "Microsoft Print to PDF"."""
    monkeypatch.setattr(QPrinter, "printerName", lambda _self: name)
    monkeypatch.setattr(QPrinter, "outputFormat", lambda _self: QPrinter.OutputFormat.NativeFormat)
    monkeypatch.setattr(QPrinter, "outputFileName", lambda _self: "")
    monkeypatch.setattr(QPrinterInfo, "printerInfo", staticmethod(lambda _name: _Info(model)))


@pytest.fixture
def painted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Pages "sent to the printer": painting is replaced, so nothing goes anywhere."""
    sent: list[int] = []

    def paint(dialog: PdfPreviewDialog, _printer: QPrinter) -> int:
        sent.append(dialog.document.pageCount())
        return dialog.document.pageCount()

    monkeypatch.setattr(PdfPreviewDialog, "_paint", paint)
    yield sent


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """The window the preview is opened from."""
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    return window


def _preview(parent: QWidget, school: School) -> PdfPreviewDialog:
    pdf = recovery_sheet(school.signed_in, school.recovery_key)
    return preview_for(parent, school.signed_in, pdf, "Report to the governors", "report.pdf")


def _actions(school: School) -> list[str]:
    return [e.action for e in audit_entries(school.signed_in)]


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("CUPS-PDF", "Generic CUPS-PDF Printer"),
        ("Microsoft Print to PDF", "Microsoft Print To PDF"),
    ],
)
def test_a_pdf_printer_is_a_save_warned_and_audited_as_one(
    qtbot: QtBot,
    school: School,
    parent: QWidget,
    monkeypatch: pytest.MonkeyPatch,
    painted: list[int],
    tmp_path: Path,
    name: str,
    model: str,
) -> None:
    preview = _preview(parent, school)
    _choose_a_printer(monkeypatch, name, model)
    # changed their mind at the warning: nothing printed, nothing saved
    dialogs.set_next_answer(True)  # the print dialog: OK
    dialogs.set_next_answer(False)  # "Save an unencrypted copy?" no
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    title, text = dialogs.shown[-1]
    assert title == "Save an unencrypted copy?" and "not encrypted" in text and name in text
    assert painted == [] and "document.printed" not in _actions(school)

    copy = tmp_path / "report.pdf"
    dialogs.set_next_answer(True)  # the print dialog: OK
    dialogs.set_next_answer(True)  # "Save anyway"
    dialogs.set_next_answer(str(copy))  # where
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert painted == []  # the copy is the app's own PDF, written where the user chose
    assert copy.read_bytes() == bytes(preview._bytes.data())
    actions = _actions(school)
    assert "document.saved_unencrypted" in actions and "document.printed" not in actions
    saved = next(e for e in audit_entries(school.signed_in) if e.action.endswith("unencrypted"))
    assert saved.details["file"] == str(copy) and saved.details["printer"] == name
    preview.reject()


def test_print_to_file_that_slipped_through_is_a_save_too(
    qtbot: QtBot, school: School, parent: QWidget, tmp_path: Path
) -> None:
    """A print dialog that still set a file (an old platform dialog, a driver's own option):
    Qt would write the PDF there. It is the save's warning and record instead."""
    preview = _preview(parent, school)
    out = tmp_path / "printed.pdf"
    dialogs.set_next_answer(print_to_file(out))
    dialogs.set_next_answer(True)  # "Save anyway"
    dialogs.set_next_answer(str(out))  # the file the dialog had chosen, offered first
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialogs.shown[-2][0] == "Save an unencrypted copy?"
    assert dialogs.shown[-1][1] == str(out)  # the save dialog starts at that file
    actions = _actions(school)
    assert "document.saved_unencrypted" in actions and "document.printed" not in actions
    preview.reject()


def test_a_paper_printer_still_prints_and_is_audited_as_printed(
    qtbot: QtBot,
    school: School,
    parent: QWidget,
    monkeypatch: pytest.MonkeyPatch,
    painted: list[int],
) -> None:
    preview = _preview(parent, school)
    _choose_a_printer(monkeypatch, "Office HP LaserJet", "HP LaserJet Pro M404-M405 PCL 6 (V3)")
    dialogs.set_next_answer(True)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert painted == [1]
    assert "document.printed" in _actions(school)
    assert "document.saved_unencrypted" not in _actions(school)
    preview.reject()


# -- review mode: recorded in the pack ----------------------------------------------------------


def test_in_review_mode_a_pdf_printer_is_recorded_in_the_pack_as_a_save(
    qtbot: QtBot,
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    painted: list[int],
    tmp_path: Path,
) -> None:
    from esafety_desktop.ui.review_window import ReviewWindow

    new_pc()
    window = ReviewWindow(review_packs.open_for_review(exported.path, exported.passphrase))
    qtbot.addWidget(window)
    window.show()
    case = window.current_case()
    assert case is not None
    qtbot.mouseClick(window.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    _choose_a_printer(monkeypatch, "CUPS-PDF", "Generic CUPS-PDF Printer")
    copy = tmp_path / "record.pdf"
    dialogs.set_next_answer(True)  # the print dialog: OK
    dialogs.set_next_answer(True)  # "Save anyway"
    dialogs.set_next_answer(str(copy))
    qtbot.mouseClick(window.preview.print_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert "in this pack" in dialogs.shown[-2][1] and "CUPS-PDF" in dialogs.shown[-2][1]
    assert painted == [] and copy.exists()
    kinds = [e.kind for e in window.pack.entries(case.incident_id)]
    assert kinds == [review_packs.SAVED]
    window.preview.reject()
    dialogs.set_next_answer(None)  # "Return this pack to your DSL"
    window.close()


# -- the passphrase never goes to a file --------------------------------------------------------


def test_the_pack_passphrase_is_never_printed_to_a_file(
    qtbot: QtBot,
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from esafety_desktop.ui.review_pack_dialogs import PassphraseDialog

    printed: list[str] = []
    monkeypatch.setattr(
        QTextDocument, "print_", lambda document, _printer: printed.append(document.toPlainText())
    )
    dialog = PassphraseDialog(exported, None)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose_a_printer(monkeypatch, "Microsoft Print to PDF", "Microsoft Print To PDF")
    dialogs.set_next_answer(True)  # the print dialog: OK
    dialogs.set_next_answer(None)  # the refusal, acknowledged
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert printed == []
    assert "Microsoft Print to PDF" in dialogs.shown[-1][1]
    assert dialog.note.text() != "Printed."
    # on paper it prints
    _choose_a_printer(monkeypatch, "Office HP LaserJet", "HP LaserJet Pro M404-M405 PCL 6 (V3)")
    dialogs.set_next_answer(True)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(printed) == 1 and exported.passphrase in printed[0]
    dialog.done(0)
