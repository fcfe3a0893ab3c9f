"""Sizes that fit a school office PC: a 1366×768 laptop, or 1280×720 at 125 % scaling.

Windows open no larger than the screen they are on; rows of buttons wrap onto a second line
instead of pushing the window wider; forms keep a readable width instead of stretching across
a wide screen; table columns are as wide as what they hold.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QMainWindow,
    QSizePolicy,
    QStyle,
    QTableView,
    QWidget,
)

# The share of the screen a window opens at, at most: room is left for the title bar and the
# taskbar, and for the window below to show that it is a dialog.
SCREEN_SHARE = 0.92
# A form (labels and fields) wider than this is hard to read: the eye loses the row.
FORM_WIDTH = 760
# A column that holds prose (a reason, a description) is no wider than this; the rest is
# read in its tooltip or by widening the column.
PROSE_COLUMN = 420


def available(widget: QWidget | None = None) -> QRect:
    """The part of the screen windows may use (without the taskbar) where ``widget`` is, or on
    the main screen.

    Not ``widget.screen()``: with PySide 6.11, asking it of windows that came and went left
    Qt's list of screens pointing at freed memory, and the next window made crashed (found by
    the UI tests; not narrowed down further). ``QGuiApplication.screenAt`` asks nothing of
    the widget."""
    screen = None
    if widget is not None:
        screen = QGuiApplication.screenAt(widget.window().geometry().center())
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Open at ``width`` × ``height``, or smaller where the screen is smaller: never larger
    than the screen's free area less the title bar. A window whose parent is on another screen
    is sized for that screen. The window grows taller when its wrapped text needs it (a
    message shown, larger fonts), within the screen."""
    most = most_room(window)
    window.resize(min(width, most.width()), min(height, most.height()))
    if not isinstance(window, QMainWindow) and not hasattr(window, "_grows_with_text"):
        window._grows_with_text = _GrowsWithText(window)  # type: ignore[attr-defined]


def most_room(window: QWidget) -> QSize:
    """The largest a window should be on its screen (its parent's, for a dialog)."""
    parent = window.parentWidget()
    area = available(parent.window() if parent is not None else window)
    return QSize(
        int(area.width() * SCREEN_SHARE), int(area.height() * SCREEN_SHARE) - _title_bar(window)
    )


class _GrowsWithText(QObject):
    """Qt sizes a window by its layout's minimum, which leaves out what wrapped text needs at
    the window's width: a long message in a small dialog would be cut off. This makes the
    window tall enough once its layout has settled."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._pending = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt names it
        kinds = (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Show)
        window = getattr(self, "_window", None)  # None while Python builds or drops this
        if watched is window and event.type() in kinds and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._grow)
        return False

    def _grow(self) -> None:
        self._pending = False
        window = self._window
        try:
            layout = window.layout()
        except RuntimeError:  # the window has gone meanwhile
            return
        if layout is None or not layout.hasHeightForWidth() or not window.isVisible():
            return
        needed = layout.totalHeightForWidth(window.width())
        if window.height() < needed:
            window.resize(window.width(), min(needed, most_room(window).height()))


def _title_bar(window: QWidget) -> int:
    return window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight) + 8


class FlowLayout(QLayout):
    """Widgets side by side, wrapping onto the next line when the row is full (as words do):
    a row of buttons never makes its window wider than the screen."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)  # lined up with what is above and below

    def addItem(self, item: QLayoutItem) -> None:  # Qt names it
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one row."""
        shown = self._shown()
        margins = self.contentsMargins()
        width = sum(item.sizeHint().width() for item in shown) + self._gap * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """The widest widget alone on its row."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._shown():
            hint = item.sizeHint().boundedTo(item.maximumSize()).expandedTo(item.minimumSize())
            width = min(hint.width(), area.width())
            if x > area.x() and x + width > area.right() + 1:
                x, y, row_height = area.x(), y + row_height + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._gap
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


def button_row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    """Buttons at their own width, left-aligned (a form's last row), never stretched across."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    if stretch_first:
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    if not stretch_first:
        row.addStretch(1)
    return row


def labelled(text: str, field: QWidget) -> QWidget:
    """A short label and its field kept together (in a row that wraps); the label names the
    field for a screen reader and gives it its Alt key."""
    from PySide6.QtWidgets import QLabel

    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(field)
    row.addWidget(label)
    row.addWidget(field)
    return holder


def shrinkable(*boxes: QComboBox, letters: int = 12) -> None:
    """Combo boxes that may be narrower than their longest choice (the list still shows it
    whole): a row of filters then fits a laptop."""
    for box in boxes:
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(letters)


def readable(widget: QWidget, width: int = FORM_WIDTH) -> QWidget:
    """A form no wider than ``width`` however wide the window (it still narrows with it)."""
    widget.setMaximumWidth(width)
    policy = widget.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
    widget.setSizePolicy(policy)
    return widget


def size_columns(
    table: QTableView,
    *,
    stretch: int | None = None,
    prose: tuple[int, ...] = (),
    rows: int = 500,
    whole: bool = False,
) -> None:
    """Each column as wide as its heading and what it holds (the first ``rows`` rows are
    measured, so a long list is quick), sized again whenever the rows are replaced while the
    person has not resized a column. Columns listed in ``prose`` are no wider than
    :data:`PROSE_COLUMN`; ``stretch`` takes the room that is left (none: the columns keep
    their widths and the room stays empty, rather than one column becoming huge). ``whole``:
    the table is never narrower than its columns (a short table beside another)."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(rows)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows_header = table.verticalHeader()
    rows_header.setMinimumSectionSize(table.fontMetrics().height() + 4)
    rows_header.setDefaultSectionSize(table.fontMetrics().height() + 10)  # one line a row
    sizer = _ColumnSizer(table, stretch, prose, whole)
    table.setProperty("columnSizer", True)
    table._column_sizer = sizer  # type: ignore[attr-defined]  # kept with its table
    sizer.size()


class _ColumnSizer:
    def __init__(
        self, table: QTableView, stretch: int | None, prose: tuple[int, ...], whole: bool
    ) -> None:
        self._table = table
        self._stretch = stretch
        self._prose = prose
        self._whole = whole
        self._sizing = False
        self._moved_by_hand = False
        model = table.model()
        if model is not None:
            model.modelReset.connect(self.size)
            model.rowsInserted.connect(self._rows_added)
        table.horizontalHeader().sectionResized.connect(self._resized)

    def _rows_added(self) -> None:
        model = self._table.model()
        if model is not None and model.rowCount() <= 50:
            self.size()  # a short list (the people in a case): quick to measure again

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if not self._sizing and column != self._stretch:  # the stretched one follows the view
            self._moved_by_hand = True

    def size(self) -> None:
        if self._moved_by_hand:
            return
        table, header = self._table, self._table.horizontalHeader()
        model = table.model()
        self._sizing = True
        try:
            for column in range(model.columnCount()):
                if column == self._stretch:
                    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                wanted = max(header.sectionSizeHint(column), table.sizeHintForColumn(column))
                if column in self._prose:
                    wanted = min(wanted, PROSE_COLUMN)
                table.setColumnWidth(column, wanted + 8)
            if self._stretch is not None and 0 <= self._stretch < model.columnCount():
                header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Stretch)
            if self._whole:
                frame = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
                rows_header = table.verticalHeader()
                frame += 0 if rows_header.isHidden() else rows_header.width()
                table.setMinimumWidth(header.length() + frame)
        finally:
            self._sizing = False
