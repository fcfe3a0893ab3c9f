"""Help → About: the version and where the database is."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QWidget

from esafety_desktop import __version__
from esafety_desktop.ui.generated.ui_about import Ui_AboutDialog


class AboutDialog(QDialog):
    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_AboutDialog()
        self.ui.setupUi(self)
        self.setObjectName("aboutDialog")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.ui.titleLabel.setFont(font)
        self.ui.versionLabel.setText(f"Version {__version__}")
        self.ui.databaseLabel.setText(str(database))
        self.ui.keyFileLabel.setText(str(database.with_name(database.name + ".keys")))
        self.ui.componentsLabel.setText(
            f"Python {platform.python_version()}, Qt {qVersion()}, "
            f"PySide6 {PySide6.__version__}, SQLCipher 4"
        )
        self.ui.buttonBox.rejected.connect(self.reject)
