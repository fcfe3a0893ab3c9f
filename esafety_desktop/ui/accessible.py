"""What a screen reader is told, where Qt does not tell it by itself."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def name_typing_box(combo: QComboBox) -> None:
    """An editable combo box's typing box is where the keyboard is: it carries the combo box's
    name (Qt leaves it unnamed, so a screen reader would say only "text")."""
    edit = combo.lineEdit()
    if edit is not None:
        edit.setAccessibleName(combo.accessibleName())
