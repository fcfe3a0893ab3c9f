"""An answer for the print dialog that prints to a PDF file the test can read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter


def print_to_file(path: Path) -> Callable[[QPrinter], bool]:
    def choose(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return True

    return choose
