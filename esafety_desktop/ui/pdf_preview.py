"""Print preview for any PDF the app makes: rendered from memory (QtPdf), printed through the
system print dialog. "Save as PDF…" warns that the copy is not encrypted. Nothing is written to
a temporary folder.

Printing to a file is saving: the print dialog does not offer "Print to File", and a printer
that writes a file (Microsoft Print to PDF, CUPS-PDF, OneNote…) takes the "Save as PDF…" way
instead: the same warning, the same file dialog, the same record (``document.saved_unencrypted``,
or a "saved" entry in a review pack), never "printed"."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import fit_to_screen

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn


# Printers that make a file rather than paper, by their name or their driver's make and model:
# PDF writers of every make, Windows' XPS and "Office Document Image" writers, OneNote,
# Evernote and Snagit, Windows Fax (which keeps every fax in its Sent Items) and "to file".
_WRITES_A_FILE = re.compile(
    r"pdf|xps document writer|oxps|document image writer|image writer|document converter"
    r"|onenote|evernote|snagit|microsoft shared fax|\bfile\b|^fax$",
    re.IGNORECASE,
)


def writes_a_file(printer_name: str, make_and_model: str) -> bool:
    """Whether a printer makes a file (a PDF, an XPS, a note) instead of paper: printing to
    it is saving an unencrypted copy."""
    return any(_WRITES_A_FILE.search(text.strip()) for text in (printer_name, make_and_model))


@dataclass(frozen=True)
class ChosenPrinter:
    """What the print dialog chose, as far as telling paper from a file goes."""

    name: str
    make_and_model: str = ""
    output_file: str = ""  # the file Qt itself would write (print to file), if any
    qt_pdf: bool = False  # Qt's own PDF writer: no printer at all

    def writes_a_file(self) -> bool:
        return (
            bool(self.output_file) or self.qt_pdf or writes_a_file(self.name, self.make_and_model)
        )

    def why_a_file(self) -> str:
        """A sentence saying that printing there writes a file."""
        if self.output_file:
            return f"The print dialog chose a file ({Path(self.output_file).name}), not paper."
        if self.qt_pdf or not self.name:
            return "No printer was chosen (this PC may have none): printing would write a file."
        return f"The printer “{self.name}” does not print on paper: it writes a file."


def chosen_printer(printer: QPrinter) -> ChosenPrinter:
    """The printer ``printer`` was set to by the print dialog."""
    from PySide6.QtPrintSupport import QPrinterInfo

    name = printer.printerName()
    model = QPrinterInfo.printerInfo(name).makeAndModel() if name else ""
    return ChosenPrinter(
        name,
        model,
        printer.outputFileName(),
        printer.outputFormat() == QPrinter.OutputFormat.PdfFormat,
    )


class PdfPreviewDialog(QDialog):
    """``on_printed(pages)`` and ``on_save(path)`` let the caller audit through a service.
    A printer that writes a file is a save: ``on_save`` is called (never ``on_printed``), with
    :attr:`saving_through` naming the printer meanwhile."""

    def __init__(
        self,
        pdf: bytes,
        title: str,
        *,
        suggested_file_name: str,
        on_printed: Callable[[int], None],
        on_save: Callable[[str], None],
        parent: QWidget | None = None,
        kept_in: str = "the audit log",
    ) -> None:
        """``kept_in`` says where printing and saving are recorded (review mode: the pack)."""
        super().__init__(parent)
        self.setWindowTitle(f"Print preview: {title}")
        self.setObjectName("pdfPreview")
        self.title = title
        self._suggested = suggested_file_name
        self._on_printed = on_printed
        self._on_save = on_save
        self._kept_in = kept_in
        self.printed_pages = 0
        self.saving_through = ""  # the printer a save came through, while it is saved

        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Document preview")

        self.print_button = QPushButton("&Print…")
        self.print_button.setDefault(True)
        self.save_button = QPushButton("Save as PDF…")
        self.pages_label = QLabel(self._pages_text())
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_copy)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        self.save_button.setToolTip(
            "A saved copy is not encrypted; a printer that makes a PDF saves one too"
        )

        bar = QHBoxLayout()
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addStretch(1)
        bar.addWidget(self.pages_label)
        bar.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.saved_label)
        layout.addLayout(bar)
        fit_to_screen(self, 820, 900)

    def _pages_text(self) -> str:
        n = self.document.pageCount()
        return f"{n} page{'s' if n != 1 else ''}"

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setFromTo(1, self.document.pageCount())
        if not dialogs.choose_printer(self, printer) or self._closed_meanwhile():
            return
        chosen = chosen_printer(printer)
        if chosen.writes_a_file():
            self.save_copy(through=chosen)
            return
        pages = self._paint(printer)
        self.printed_pages = pages
        if pages:
            self._on_printed(pages)

    def _paint(self, printer: QPrinter) -> int:
        count = self.document.pageCount()
        first, last = printer.fromPage() or 1, printer.toPage() or count
        painter = QPainter()
        if not painter.begin(printer):
            dialogs.warn(self, "Printing", "The printer could not be started. Nothing was printed.")
            return 0
        printed = 0
        try:
            # 300 dpi is sharp on paper; a 1200 dpi printer would need 140-megapixel pages.
            dpi = min(printer.resolution(), 300)
            for index in range(first - 1, min(last, count)):
                if printed:
                    printer.newPage()
                points = self.document.pagePointSize(index)
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = self.document.render(index, size)
                target = painter.viewport()
                scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                # the painter works in printer pixels; the image is drawn scaled to fit
                painter.drawImage(
                    QRectF(QPointF(0, 0), scaled.toSizeF()), image, QRectF(image.rect())
                )
                printed += 1
        finally:
            painter.end()
        return printed

    def save_copy(self, *, through: ChosenPrinter | None = None) -> None:
        """Save as PDF…, after the warning; ``through``: the printer chosen to print, which
        writes a file (printing to it is this save, said as one)."""
        printer = f"{through.why_a_file()} " if through is not None else ""
        if not dialogs.ask(
            self,
            "Save an unencrypted copy?",
            f"{printer}A saved PDF is not encrypted: anyone who can open the folder can read it. "
            "Save it only where the school keeps confidential files, and delete it when it is "
            f"no longer needed. Saving is recorded in {self._kept_in}.",
            yes="Save anyway",
        ):
            return
        if self._closed_meanwhile():
            return
        start = (through.output_file if through is not None else "") or str(
            Path(documents_folder()) / self._suggested
        )
        path = dialogs.save_file_name(self, "Save as PDF", start, "PDF files (*.pdf)")
        if not path or self._closed_meanwhile():
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.saving_through = through.name if through is not None else ""
        try:
            self._on_save(path)
        except ProblemForUser as problem:
            dialogs.report_problem(self, problem, "The PDF was not saved")
        finally:
            self.saving_through = ""

    def _closed_meanwhile(self) -> bool:
        """The preview was closed while a dialog over it was open (the program locked):
        nothing is printed or saved."""
        return not self.isVisible()

    def show_saved(self, path: str, _result: object = None) -> None:
        """Where the copy went, said under the preview (and recorded by the caller)."""
        self.saved_label.setText(f"Saved an unencrypted copy to {path}")


def documents_folder() -> str:
    """Where a saved copy goes unless the user chooses elsewhere: their Documents folder."""
    from PySide6.QtCore import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return found or str(Path.home())


def preview_for(
    parent: QWidget,
    signed_in: SignedIn,
    pdf: bytes,
    title: str,
    file_name: str,
    *,
    incident_id: int | None = None,
) -> PdfPreviewDialog:
    """Open the preview of a document made from the records: printing and saving it are
    written to the audit log (as operations, on the worker). ``incident_id``: the case the
    document is the record (or a form) of, so a restricted case's is audited in its seal."""
    from pathlib import Path

    from esafety_desktop.services.exports import record_printed, save_pdf

    def printed(pages: int) -> None:
        Operation(
            dialog, partial(record_printed, signed_in, title, pages, incident_id), Changes.AUDIT
        ).run()

    def save(path: str) -> None:
        Operation(
            dialog,
            partial(
                save_pdf,
                signed_in,
                title,
                pdf,
                Path(path),
                incident_id,
                printer=dialog.saving_through,
            ),
            Changes.AUDIT,
            on_done=partial(dialog.show_saved, path),
            problem_title="The PDF was not saved",
        ).run()

    dialog = PdfPreviewDialog(
        pdf, title, suggested_file_name=file_name, on_printed=printed, on_save=save, parent=parent
    )
    dialog.open()
    return dialog


class PreviewLater:
    """Make a document on the worker (a class's forms, a case record: seconds for a big
    school), then open its preview. The caller keeps this object to reach the preview."""

    def __init__(
        self,
        parent: QWidget,
        signed_in: SignedIn,
        make: Callable[[], bytes],
        title: str,
        file_name: str,
        *,
        then: Callable[[PdfPreviewDialog], object] | None = None,
        incident_id: int | None = None,
    ) -> None:
        self.dialog: PdfPreviewDialog | None = None
        self._parent, self._signed_in = parent, signed_in
        self._title, self._file_name, self._then = title, file_name, then
        self._incident_id = incident_id
        Operation(
            parent, make, Changes.NOTHING, on_done=self._made, problem_title="Nothing to print"
        ).run()

    def _made(self, pdf: bytes) -> None:
        self.dialog = preview_for(
            self._parent,
            self._signed_in,
            pdf,
            self._title,
            self._file_name,
            incident_id=self._incident_id,
        )
        if self._then is not None:
            self._then(self.dialog)
