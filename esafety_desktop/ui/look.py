"""Colours and styles shared by every window, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: #c62828"  # a message saying what went wrong, next to the field
WARNING_STYLE = "color: #a15c00"  # something to check, that does not stop the save


def error_label() -> QLabel:
    """The red line under a form or a wizard page that says what went wrong."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label
