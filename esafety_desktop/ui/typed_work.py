"""Typed work is never thrown away without asking: a window notes what its fields held when it
opened, and Esc, Cancel or its close button ask first when anything differs."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from esafety_desktop.ui import dialogs


def field_values(root: QWidget) -> list[tuple[str, object]]:
    """What every field under ``root`` holds now, in a fixed order."""
    values: list[tuple[str, object]] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            if widget.parent() is not None and isinstance(widget.parent(), QAbstractSpinBox):
                continue  # the spin box's own edit: the spin box is read below
            if isinstance(widget.parent(), QComboBox):
                continue  # an editable combo box's edit: read with the combo box
            values.append(("line", widget.text()))
        elif isinstance(widget, QPlainTextEdit):
            values.append(("text", widget.toPlainText()))
        elif isinstance(widget, QTextEdit):
            if not widget.isReadOnly():
                values.append(("text", widget.toPlainText()))
        elif isinstance(widget, QComboBox):
            values.append(("choice", widget.currentText()))
        elif isinstance(widget, QAbstractSpinBox):
            values.append(("number", widget.text()))
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(("tick", widget.isChecked()))
    return values


class TypedWork:
    """Whether anything was typed, ticked or chosen under ``root`` since :meth:`start`."""

    def __init__(self, root: QWidget) -> None:
        self._root = root
        self._start: list[tuple[str, object]] | None = None

    def start(self) -> None:
        """Now is "nothing typed" (when the window opens, or after a save)."""
        self._start = field_values(self._root)

    def started(self) -> bool:
        return self._start is not None

    def changed(self) -> bool:
        return self._start is not None and field_values(self._root) != self._start


def may_discard(parent: QWidget, work: TypedWork, what: str = "What you typed here") -> bool:
    """True when nothing was typed, or the user agrees to lose it."""
    if not work.changed():
        return True
    return dialogs.ask(
        parent,
        "Lose what you typed?",
        f"{what} has not been saved. Close and lose it?",
        yes="Close and lose it",
        no="Keep typing",
    )


class AsksBeforeDiscarding:
    """For a QDialog (listed before it) whose ``typed`` is a :class:`TypedWork` of itself:
    Esc, Cancel and the close button ask before typed work is lost; locking closes at once."""

    typed: TypedWork

    def showEvent(self, event: QShowEvent) -> None:  # Qt names it
        super().showEvent(event)  # type: ignore[misc]
        if not self.typed.started():
            self.typed.start()  # as the dialog opens: nothing typed yet

    def reject(self) -> None:  # Qt names it: Cancel, Esc and the close button
        if may_discard(self, self.typed):  # type: ignore[arg-type]
            super().reject()  # type: ignore[misc]

    def close_quietly(self) -> None:
        """For locking: close at once, without asking."""
        super().reject()  # type: ignore[misc]
