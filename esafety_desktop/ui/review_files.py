"""Review mode's evidence files: the case's screenshots, shown from memory."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.ui.sizing import fit_to_screen


class EvidenceFilesDialog(QDialog):
    """The case's screenshots, shown from memory (never written out to a file)."""

    def __init__(self, files: list[tuple[str, bytes]], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceFiles")
        self.setWindowTitle("Evidence files")
        # The pictures scroll: several screenshots are taller than any screen.
        shown = QWidget()
        pictures_layout = QVBoxLayout(shown)
        self.pictures: list[QLabel] = []
        for name, data in files:
            pictures_layout.addWidget(QLabel(f"<b>{escape(name)}</b>"))
            picture = QLabel()
            image = QPixmap()
            if image.loadFromData(data):
                picture.setPixmap(image.scaled(760, 560, Qt.AspectRatioMode.KeepAspectRatio))
            else:
                picture.setText("This file is not a picture this program can show.")
            self.pictures.append(picture)
            pictures_layout.addWidget(picture)
        pictures_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(shown)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Evidence files")
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        width = shown.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 40
        fit_to_screen(self, width, shown.sizeHint().height() + 80)
