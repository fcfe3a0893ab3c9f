"""What needs the DSL today."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.dashboard import (
    Bar,
    Dashboard,
    DashboardItem,
    Target,
    Urgency,
    dashboard,
)
from esafety_desktop.ui.operations import EVERYTHING


class DashboardPage(QWidget):
    """``show_cases(kind, key)`` asks for the Incidents page filtered to what a bar counts:
    ("month", "2026-03") or ("type", "cyberbullying")."""

    title = "Dashboard"
    listens_to = EVERYTHING
    show_cases = Signal(str, str)

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
        self.cards.setSpacing(8)
        self.charts = QHBoxLayout()
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addLayout(self.cards)
        holder_layout.addLayout(self.charts)
        holder_layout.addStretch(1)
        self.month_bars: QBarSet | None = None
        self.type_bars: QBarSet | None = None
        self.chart_views: list[QChartView] = []
        self.bar_keys: dict[str, list[str]] = {}
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
        self.show_charts()

    def show_charts(self) -> None:
        """Cases by month (the last twelve) and by type (this school year); a bar opens the
        cases it counts."""
        from esafety_desktop.services.dashboard import incident_bars

        while self.charts.count():
            taken = self.charts.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        if not can(self._signed_in.account.role, Permission.RECORD_INCIDENTS) and not can(
            self._signed_in.account.role, Permission.SIGN_OFF_CASES
        ):
            return
        by_month, by_type = incident_bars(self._signed_in)
        if not any(bar.count for bar in by_month):
            return
        month_view, self.month_bars = _bar_chart(
            "Cases reported each month", by_month, horizontal=False
        )
        self.bar_keys["month"] = [bar.key for bar in by_month]
        self.month_bars.clicked.connect(self._month_clicked)
        self.charts.addWidget(month_view, 3)
        # Held here too: a chart view known only to its layout was collected with the garbage.
        self.chart_views = [month_view]
        if by_type:
            type_view, self.type_bars = _bar_chart(
                "This school year's cases by type", by_type, horizontal=True
            )
            self.bar_keys["type"] = [bar.key for bar in by_type]
            self.type_bars.clicked.connect(self._type_clicked)
            self.charts.addWidget(type_view, 2)
            self.chart_views.append(type_view)

    def _month_clicked(self, index: int) -> None:
        self.show_cases.emit("month", self.bar_keys["month"][index])

    def _type_clicked(self, index: int) -> None:
        self.show_cases.emit("type", self.bar_keys["type"][index])

    def show_board(self, board: Dashboard) -> None:
        hour = self._signed_in.clock.local_now().hour
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
            taken = self.cards.takeAt(0)
            widget = taken.widget() if taken is not None else None
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
        """The item's icon and coloured edge say how urgent it is; its button stays beside
        the words, which wrap however narrow the window."""
        look = LOOKS[item.urgency]
        card = QFrame()
        card.setObjectName("dashboardCard")
        card.setProperty("urgency", item.urgency.name.lower())
        card.setStyleSheet(
            "#dashboardCard { background: palette(base); border: 1px solid palette(mid); "
            f"border-left: 6px solid {look.edge}; border-radius: 4px; }}"
        )
        icon = QLabel()
        icon.setObjectName("urgencyIcon")
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_LargeIconSize) * 3 // 4
        icon.setPixmap(self.style().standardIcon(look.icon).pixmap(size, size))
        icon.setToolTip(look.words)
        icon.setAccessibleName(look.words)
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<b>{escape(item.title)}</b>")
        title.setWordWrap(True)
        detail = QLabel(item.detail)
        detail.setWordWrap(True)
        button = QPushButton(item.button)
        # Two items may both offer "Open the incidents": the name says which.
        button.setAccessibleName(f"{item.button}: {item.title}")
        button.setAccessibleDescription(item.detail)
        button.setProperty("target", item.target.value)
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        button.clicked.connect(self._button_clicked)
        self.buttons[item.target] = button
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title)
        text.addWidget(detail)
        row = QHBoxLayout(card)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        return card


@dataclass(frozen=True)
class Look:
    edge: str  # the colour of the card's left edge, readable on light and dark windows
    icon: QStyle.StandardPixmap
    words: str  # what the icon means, for a screen reader and as its tooltip


LOOKS = {
    Urgency.URGENT: Look("#d32f2f", QStyle.StandardPixmap.SP_MessageBoxCritical, "Urgent"),
    Urgency.SOON: Look("#f29d0c", QStyle.StandardPixmap.SP_MessageBoxWarning, "To do soon"),
    Urgency.NOTE: Look("#8a8f98", QStyle.StandardPixmap.SP_MessageBoxInformation, "To know"),
}


def _bar_chart(title: str, bars: list[Bar], horizontal: bool) -> tuple[QChartView, QBarSet]:
    chart = QChart()
    if QApplication.palette().window().color().lightness() < 128:  # a dark palette
        chart.setTheme(QChart.ChartTheme.ChartThemeDark)
    chart.setBackgroundBrush(QApplication.palette().base())
    chart.setTitle(title)
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    bar_set = QBarSet("Cases")
    ordered = list(reversed(bars)) if horizontal else bars  # largest at the top
    for bar in ordered:
        bar_set.append(bar.count)
    series.append(bar_set)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    bar_set.setColor(QColor("#1976d2"))  # after the theme has given the series its colours
    categories = QBarCategoryAxis()
    categories.append([bar.label for bar in ordered])
    values = QValueAxis()
    values.setLabelFormat("%d")
    values.setRange(0, max(max(bar.count for bar in bars), 1) + 1)
    values.setTickCount(2)
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    view.setToolTip("Click a bar to see those cases.")
    # A picture to the eye; to a screen reader, its title and every bar's count.
    view.setAccessibleName(title)
    view.setAccessibleDescription("; ".join(f"{bar.label}: {bar.count}" for bar in bars))
    return view, bar_set
