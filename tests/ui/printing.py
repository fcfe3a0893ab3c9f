"""Answers for the print dialog. A test reads back what was printed from a PDF file; to the
app, a printer that makes a file is a save (tests/security/test_printing_is_saving.py), so a
paper printer is faked where the app looks at the printer chosen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter


def print_to_file(path: Path) -> Callable[[QPrinter], bool]:
    """Qt's own "print to a PDF file": to the app, a save (warned about and recorded so)."""

    def choose(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return True

    return choose


def on_paper(monkeypatch: pytest.MonkeyPatch, path: Path) -> Callable[[QPrinter], bool]:
    """The office's paper printer, as the app sees it; what it prints is caught in ``path``
    (as a PDF) for the test to read."""
    from esafety_desktop.ui import pdf_preview

    office = pdf_preview.ChosenPrinter("Office printer", "HP LaserJet Pro M404-M405 PCL 6")
    monkeypatch.setattr(pdf_preview, "chosen_printer", lambda _printer: office)
    return print_to_file(path)
