"""Review mode's first window: choose the pack and type its passphrase."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop import APP_NAME
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import review_packs
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.look import error_label
from esafety_desktop.ui.sizing import fit_to_screen


def passphrase_box(
    placeholder: str, button: str, opening: Callable[[], None]
) -> tuple[QLineEdit, QPushButton, QLabel]:
    """A pack's passphrase box, the button that opens the pack (Enter presses it too) and the
    line that says why it did not open."""
    passphrase = QLineEdit()
    passphrase.setAccessibleName("Passphrase")
    passphrase.setPlaceholderText(placeholder)
    passphrase.returnPressed.connect(opening)
    open_button = QPushButton(button)
    open_button.setDefault(True)
    open_button.clicked.connect(opening)
    return passphrase, open_button, error_label()


class ReviewOpenWindow(QWidget):
    """Choose the pack and type its passphrase. Emits ``opened`` with the :class:`OpenPack`."""

    opened = Signal(object)

    def __init__(
        self,
        path: Path | None = None,
        parent: QWidget | None = None,
        *,
        no_school_here: bool = False,
    ) -> None:
        """``no_school_here``: this PC has no school database (the head's own laptop), which
        the window says is fine, so nobody goes looking for a setup they do not need."""
        super().__init__(parent)
        self.setObjectName("reviewOpenWindow")
        self.setWindowTitle(f"{APP_NAME}: open a review pack")
        self.path = QLineEdit(str(path) if path else "")
        self.path.setAccessibleName("Review pack file")
        browse = QPushButton("&Choose…")
        browse.clicked.connect(self.browse)
        self.passphrase, self.open_button, self.message = passphrase_box(
            "As you were given it, for example K7QX-…", "&Open the pack", self.open_pack
        )
        intro = QLabel(
            "<b>Review cases away from the office.</b> Open the pack the Designated "
            "Safeguarding Lead gave you with the passphrase they told you separately. You can "
            "read and print each case, add comments, mark it reviewed or sign it off; it is all "
            "saved in the pack, which goes back to the DSL."
        )
        intro.setWordWrap(True)
        intro.setFixedWidth(580)  # a known width, so the wrapped text gets the height it needs
        intro.setMinimumHeight(intro.heightForWidth(580))
        self.no_school_note: QLabel | None = None
        if no_school_here:
            self.no_school_note = QLabel(
                "This PC has no school database, and that is fine for reviewing: the pack "
                "holds the cases, and nothing needs setting up here. You do not need the "
                "school's password either, only the pack's passphrase."
            )
            self.no_school_note.setObjectName("noSchoolHere")
            self.no_school_note.setWordWrap(True)
            self.no_school_note.setFixedWidth(580)
            self.no_school_note.setMinimumHeight(self.no_school_note.heightForWidth(580))
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Pack", file_row)
        form.addRow("Passphrase", self.passphrase)
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setFixedWidth(620)
        inner = QVBoxLayout(card)
        inner.addWidget(intro)
        if self.no_school_note is not None:
            inner.addWidget(self.no_school_note)
        inner.addLayout(form)
        inner.addWidget(self.message)
        inner.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        fit_to_screen(self, 960, 640)
        (self.passphrase if path else self.path).setFocus()

    def browse(self) -> None:
        chosen = dialogs.open_file_name(
            self,
            "Open a review pack",
            str(Path.home()),
            f"Review packs (*{review_packs.PACK_SUFFIX})",
        )
        if chosen:
            self.path.setText(chosen)
            self.passphrase.setFocus()

    def open_pack(self) -> None:
        if not self.path.text().strip():
            self.message.setText("Choose the review pack file.")
            return
        try:
            pack = review_packs.open_for_review(
                Path(self.path.text().strip()), self.passphrase.text()
            )
        except ProblemForUser as problem:
            self.message.setText(str(problem))
            return
        self.passphrase.clear()
        self.opened.emit(pack)
