"""Windows save through operations on the worker: a test waits for them as a person would
wait for the dialog to close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from esafety_desktop.ui.background import busy


def settle(qtbot: QtBot, timeout: int = 15000) -> None:
    """Wait until every operation has finished and told its window (callbacks included)."""
    qtbot.waitUntil(lambda: not busy(), timeout=timeout)


def press_ok(qtbot: QtBot, dialog: QWidget) -> None:
    """Click a form's OK button, as a person would, and wait for the save to finish."""
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)  # type: ignore[attr-defined]
    assert button.isEnabled(), "OK is greyed out"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot)
