"""Every message box, file dialog and print dialog goes through here.

Tests queue the answer a person would give with :func:`set_next_answer`, so no test ever waits
on a modal dialog; what each dialog said is kept in :data:`shown` for the test to read.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from esafety_desktop.errors import ProblemForUser

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

# The Qt dialog classes are imported where they are used: the sign-in window, which imports
# this module, should not wait for them.

_answers: deque[Any] = deque()
shown: list[tuple[str, str]] = []  # (title, text) of every dialog, newest last


def set_next_answer(answer: Any) -> None:
    """Answer the next dialog: True/False for questions, a path or None for file dialogs,
    True/False for the print dialog, None for a message that is only acknowledged."""
    _answers.append(answer)


def pending_answers() -> int:
    return len(_answers)


def _answered(title: str, text: str) -> tuple[bool, Any]:
    shown.append((title, text))
    if _answers:
        return True, _answers.popleft()
    return False, None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    if not _answered(title, text)[0]:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    if not _answered(title, text)[0]:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, title, text)


def report_problem(parent: QWidget | None, problem: ProblemForUser, title: str = "") -> None:
    """An environment problem: what happened, then what to do."""
    text = problem.what + (f"\n\n{problem.advice}" if problem.advice else "")
    heading = title or "Something needs your attention"
    if not _answered(heading, text)[0]:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, heading, problem.what, parent=parent)
        box.setInformativeText(problem.advice)
        box.exec()


def ask(parent: QWidget | None, title: str, text: str, *, yes: str, no: str = "Cancel") -> bool:
    answered, answer = _answered(title, text)
    if answered:
        return bool(answer)
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


def choose(
    parent: QWidget | None, title: str, label: str, items: list[str], current: str
) -> str | None:
    """Pick one of ``items``; None when cancelled."""
    answered, answer = _answered(title, label)
    if answered:
        return None if answer is None else str(answer)
    from PySide6.QtWidgets import QInputDialog

    index = items.index(current) if current in items else 0
    item, ok = QInputDialog.getItem(parent, title, label, items, index, False)
    return item if ok else None


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """A few lines of text; None when cancelled."""
    answered, answer = _answered(title, label)
    if answered:
        return None if answer is None else str(answer)
    from PySide6.QtWidgets import QInputDialog

    text, ok = QInputDialog.getMultiLineText(parent, title, label)
    return text if ok else None


def save_file_name(
    parent: QWidget | None, title: str, suggested: str, file_filter: str
) -> str | None:
    answered, answer = _answered(title, suggested)
    if answered:
        return None if answer is None else str(answer)
    from PySide6.QtWidgets import QFileDialog

    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return name or None


def open_file_name(parent: QWidget | None, title: str, start: str, file_filter: str) -> str | None:
    answered, answer = _answered(title, start)
    if answered:
        return None if answer is None else str(answer)
    from PySide6.QtWidgets import QFileDialog

    name, _ = QFileDialog.getOpenFileName(parent, title, start, file_filter)
    return name or None


def choose_folder(parent: QWidget | None, title: str, start: str) -> str | None:
    answered, answer = _answered(title, start)
    if answered:
        return None if answer is None else str(answer)
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, title, start) or None


def choose_printer(parent: QWidget | None, printer: QPrinter) -> bool:
    """The system print dialog, without "Print to File": a file is a save, which warns first
    (the caller checks what was chosen: ``pdf_preview.chosen_printer``). A test answers with
    a callable that sets up ``printer`` and returns True, or with False for Cancel."""
    from PySide6.QtPrintSupport import (  # loaded when first needed, not at start-up
        QAbstractPrintDialog,
        QPrintDialog,
    )

    answered, answer = _answered("Print", "")
    if answered:
        return bool(answer(printer)) if callable(answer) else bool(answer)
    dialog = QPrintDialog(printer, parent)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    return dialog.exec() == QPrintDialog.DialogCode.Accepted
