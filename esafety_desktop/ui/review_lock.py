"""Review mode's lock: after the main app's idle minutes (or Ctrl+L) the review window closes
its dialogs, clears itself and closes the pack; this panel asks for the pack's passphrase to
carry on. What was typed and not added is kept in the pack meanwhile (see ``ReviewWindow``)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.services.settings import AUTO_LOCK_DEFAULT
from esafety_desktop.ui.review_open import passphrase_box

# The main app's idle minutes (review mode has no school settings to read them from).
LOCK_MINUTES = AUTO_LOCK_DEFAULT
CHECK_EVERY_MS = 5000


class LockedPanel(QWidget):
    """In place of the cases while review mode is locked. Emits ``unlock`` with what was
    typed as the passphrase."""

    unlock = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewLocked")
        self.heading = QLabel("<b>Review mode is locked.</b>")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setFixedWidth(560)
        self.passphrase, self.open_button, self.message = passphrase_box(
            "The pack's passphrase, as you were given it", "&Open the pack again", self._unlock
        )
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setFixedWidth(600)
        inner = QVBoxLayout(card)
        inner.addWidget(self.heading)
        inner.addWidget(self.about)
        inner.addWidget(QLabel("Passphrase"))
        inner.addWidget(self.passphrase)
        inner.addWidget(self.message)
        inner.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def show_locked(self, pack: Path, why: str, kept: list[str], not_kept: str = "") -> None:
        """Say why it locked, which pack it was, and what became of what was typed."""
        if not_kept:
            typed = (
                f"<p style='color:#c62828'>What you typed on {escape(', '.join(kept))} could "
                f"not be kept in the pack: {escape(not_kept)}</p>"
            )
        elif kept:
            typed = (
                f"<p>What you typed on {escape(', '.join(kept))} and had not added is kept in "
                "the pack: it is back in its box when you open the pack again.</p>"
            )
        else:
            typed = ""
        self.about.setText(
            f"<p>{escape(why)} The pack {escape(pack.name)} is closed: type its passphrase "
            "to carry on with the review.</p>" + typed
        )
        self.about.setMinimumHeight(self.about.heightForWidth(560))
        self.message.clear()
        self.passphrase.clear()
        self.passphrase.setFocus()

    def _unlock(self) -> None:
        self.unlock.emit(self.passphrase.text())


def close_dialogs_of(window: QWidget) -> None:
    """Close every dialog open over ``window`` (a preview, the evidence files, a question):
    each is answered "no" (rejected), so nothing it asked about goes ahead."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible() and _over(widget, window):
            widget.reject()


def _over(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
