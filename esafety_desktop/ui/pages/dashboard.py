"""What needs the DSL today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.dashboard import Dashboard, DashboardItem, Target, dashboard


class DashboardPage(QWidget):
    title = "Dashboard"

    def __init__(
        self, signed_in: SignedIn, go_to: Callable[[Target], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self._signed_in = signed_in
        self._go_to = go_to
        self.greeting = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.greeting.setFont(font)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.cards = QVBoxLayout()
        self.cards.setSpacing(12)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addLayout(self.cards)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.facts)
        layout.addWidget(scroll, 1)
        self.buttons: dict[Target, QPushButton] = {}
        self.refresh()

    def refresh(self) -> None:
        self.show_board(dashboard(self._signed_in))

    def show_board(self, board: Dashboard) -> None:
        hour = datetime.now().hour
        part = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
        self.greeting.setText(f"Good {part}, {board.display_name.split()[0]}")
        checked = (
            f"last checked {board.last_verified.astimezone():%d/%m/%Y}"
            if board.last_verified
            else "not checked yet"
        )
        self.facts.setText(
            f"{board.school_name} · {board.accounts} account"
            f"{'s' if board.accounts != 1 else ''} · audit log of {board.audit_entries} entries "
            f"· database {checked}"
        )
        while self.cards.count():
            widget = self.cards.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # at once: deleteLater only happens on the next event loop pass
                widget.deleteLater()
        self.buttons = {}
        if not board.items:
            done = QLabel("Nothing needs you today.")
            done.setObjectName("allClear")
            self.cards.addWidget(done)
        for item in board.items:
            self.cards.addWidget(self._card(item))

    def _button_clicked(self) -> None:
        # The button says what it opens: a bound method, never a lambda holding the page.
        button = self.sender()
        if button is not None:
            self._go_to(Target(button.property("target")))

    def _card(self, item: DashboardItem) -> QFrame:
        card = QFrame()
        card.setObjectName("dashboardCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        edge = "#c62828" if item.urgent else "#1565c0"
        card.setStyleSheet(f"#dashboardCard {{ border-left: 5px solid {edge}; }}")
        title = QLabel(f"<b>{item.title}</b>")
        title.setWordWrap(True)
        detail = QLabel(item.detail)
        detail.setWordWrap(True)
        button = QPushButton(item.button)
        button.setAccessibleName(item.button)
        button.setProperty("target", item.target.value)
        button.clicked.connect(self._button_clicked)
        self.buttons[item.target] = button
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(detail)
        row = QHBoxLayout(card)
        row.addLayout(text, 1)
        row.addWidget(button)
        return card
