"""Every window fits a school laptop: the demo school's pages, dialogs and wizards on a
1366×768 screen (a taskbar and a title bar taken off), every control inside its window.

The walk round the windows is the one the screenshots take (``ui/tour.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.demo import DEMO_PASSWORD, DEMO_USERNAME
from esafety_desktop.ui import tour

LAPTOP = QSize(1366, 768)
TASKBAR, TITLE_BAR = 40, 32
# What a window may take: the screen less the taskbar, and its own title bar.
ROOM = QSize(LAPTOP.width(), LAPTOP.height() - TASKBAR - TITLE_BAR)
# 1280×720 at 125 % scaling: the main window still fits at its smallest.
SCALED_ROOM = QSize(1024, 576 - TASKBAR - TITLE_BAR)

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
)


def _rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _scrolled(widget: QWidget, window: QWidget) -> bool:
    """Inside a scroll area's viewport: reached by scrolling, so it may lie outside."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            return True
        parent = area
    return False


def _visible_part(widget: QWidget, window: QWidget) -> QRect:
    """The part of the window ``widget``'s parents leave to it."""
    part = window.rect()
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        part = part.intersected(_rect_in(parent, window))
        parent = parent.parentWidget()
    return part


def _name(widget: QWidget) -> str:
    text = ""
    for attribute in ("text", "accessibleName", "placeholderText", "windowTitle"):
        value = getattr(widget, attribute, None)
        if callable(value):
            text = str(value() or "")
            if text:
                break
    return f"{type(widget).__name__} {widget.objectName() or ''} {text[:50]!r}".strip()


def _inside(widget: QWidget, root: QWidget) -> bool:
    """Shown as part of ``root`` (not hidden itself nor in a hidden parent), though ``root``
    itself may be a page of a wizard not on screen."""
    current: QWidget | None = widget
    while current is not None and current is not root:
        if current.isHidden():
            return False
        current = current.parentWidget()
    return current is root


def misplaced(root: QWidget, window: QWidget) -> list[str]:
    """Controls of ``root`` (the window or one of its pages) cut off or outside the window."""
    found = []
    for widget in root.findChildren(QWidget):
        if not _inside(widget, root) or not widget.isEnabled() or widget.isWindow():
            continue
        if _scrolled(widget, window) or not isinstance(widget, (*CONTROLS, QLabel)):
            continue
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox, QLineEdit, QTabBar)):
            continue  # their own parts, placed by them
        if widget.objectName() == "qt_tableview_cornerbutton":
            continue  # shown only with both headers (none of the tables has row numbers)
        rect = _rect_in(widget, window)
        if isinstance(widget, QLabel):
            if not widget.text() or isinstance(widget.parentWidget(), QAbstractButton):
                continue
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height() + 2:
                    found.append(f"{_name(widget)}: {widget.height()} px high, needs {needed}")
                    continue
        smallest = widget.minimumSizeHint()
        if rect.width() < 4 or rect.height() < 4:
            found.append(f"{_name(widget)}: squeezed to {rect.width()}×{rect.height()}")
        elif isinstance(widget, (QAbstractButton, QComboBox)) and (
            rect.width() < smallest.width() - 1 or rect.height() < smallest.height() - 1
        ):
            found.append(
                f"{_name(widget)}: squeezed to {rect.width()}×{rect.height()}, "
                f"needs {smallest.width()}×{smallest.height()}"
            )
        elif not _visible_part(widget, window).adjusted(-1, -1, 1, 1).contains(rect):
            part = _visible_part(widget, window)
            found.append(
                f"{_name(widget)}: at {rect.x()},{rect.y()} {rect.width()}×{rect.height()}, "
                f"its space is {part.x()},{part.y()} {part.width()}×{part.height()}"
            )
    return found


def size_problems(window: QWidget, room: QSize = ROOM) -> list[str]:
    found = []
    smallest = window.minimumSizeHint().expandedTo(window.minimumSize())
    if smallest.width() > room.width() or smallest.height() > room.height():
        found.append(
            f"cannot be smaller than {smallest.width()}×{smallest.height()} "
            f"(room: {room.width()}×{room.height()})"
        )
    if window.width() > room.width() or window.height() > room.height():
        found.append(f"opens at {window.width()}×{window.height()}")
    return found


def window_problems(window: QWidget) -> list[str]:
    found = size_problems(window) + misplaced(window, window)
    if isinstance(window, QWizard):
        # Every page, laid out at the size of the page on screen (only one is shown).
        shown = window.currentPage()
        for page_id in window.pageIds():
            page = window.page(page_id)
            if page is shown or page.layout() is None:
                continue
            page.resize(shown.size())
            page.layout().setGeometry(page.rect())
            hint = page.minimumSizeHint()
            if hint.width() > shown.width() or hint.height() > shown.height():
                found.append(
                    f"page {page.title()!r} needs {hint.width()}×{hint.height()}, "
                    f"has {shown.width()}×{shown.height()}"
                )
            found += [f"page {page.title()!r}: {p}" for p in misplaced(page, page)]
    return found


@pytest.fixture
def laptop() -> QSize:
    screen = QGuiApplication.primaryScreen()
    if screen.availableGeometry().size() != LAPTOP:
        pytest.skip("the tests' screen is not the laptop's (tests/laptop_screen.json)")
    return LAPTOP


@pytest.fixture
def main_window(qtbot: QtBot, demo: SignedIn) -> Iterator[QMainWindow]:
    from esafety_desktop.ui.main_window import MainWindow

    window = MainWindow(demo, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None)
    qtbot.addWidget(window)
    window.show()
    tour.settle()
    yield window


def _walk(stops: Iterator[tour.Stop]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    names = []
    for name, window in stops:
        names.append(name)
        problems = window_problems(window)
        if problems:
            found[name] = problems
    assert names, "the tour showed nothing"
    return found


def test_the_main_window_fits_a_laptop_even_at_125_percent(
    laptop: QSize, main_window: QMainWindow
) -> None:
    smallest = main_window.minimumSizeHint().expandedTo(main_window.minimumSize())
    assert smallest.width() <= SCALED_ROOM.width(), smallest
    assert smallest.height() <= SCALED_ROOM.height(), smallest
    assert main_window.width() <= ROOM.width() and main_window.height() <= ROOM.height()


def test_every_page_and_dialog_of_the_main_window_fits_a_laptop(
    laptop: QSize, main_window: QMainWindow
) -> None:
    assert _walk(tour.main_window_tour(main_window)) == {}  # type: ignore[arg-type]


def test_every_page_fits_the_smallest_main_window(laptop: QSize, main_window: QMainWindow) -> None:
    """At 1280×720 and 125 %, the window as small as it goes: still nothing cut off."""
    main_window.resize(SCALED_ROOM)
    tour.settle()
    found = {}
    for name, window in tour.page_tour(main_window):  # type: ignore[arg-type]
        if problems := size_problems(window, SCALED_ROOM) + misplaced(window, window):
            found[name] = problems
    assert found == {}


def test_the_windows_before_signing_in_fit_a_laptop(
    laptop: QSize, qtbot: QtBot, demo_school: Path
) -> None:
    assert _walk(tour.door_tour(demo_school, (DEMO_USERNAME, DEMO_PASSWORD))) == {}


def test_review_mode_and_its_dialogs_fit_a_laptop(
    laptop: QSize, main_window: QMainWindow, demo: SignedIn
) -> None:
    assert _walk(tour.review_tour(demo, main_window)) == {}


def test_every_step_of_the_flowchart_fits_when_a_case_is_carried_on(
    laptop: QSize, main_window: QMainWindow, demo: SignedIn
) -> None:
    from esafety_desktop.services import incidents
    from esafety_desktop.ui.incidents.carry_on import CarryOnDialog
    from esafety_desktop.ui.incidents.case_actions import _carry_on_start

    chart = incidents.shipped_flowchart()
    case = incidents.list_incidents(demo)[0]
    _plan, settings, holders = _carry_on_start(demo, case.id)
    contacts = {c.key: c for c in settings.contacts}
    found = {}
    for step in chart.steps.values():
        dialog = CarryOnDialog(demo, case, chart, step, contacts, holders, main_window)
        dialog.open()
        tour.settle()
        if problems := window_problems(dialog):
            found[step.id] = problems
        tour.close(dialog)
    assert found == {}


def test_the_sign_in_card_grows_with_larger_fonts(
    laptop: QSize, qtbot: QtBot, demo_school: Path
) -> None:
    """Text half as large again (a setting many people use) and a long message: the card is
    as tall as its text, nothing cut off."""
    from PySide6.QtWidgets import QApplication

    from esafety_desktop.ui.unlock_window import UnlockWindow

    usual = QApplication.font()
    larger = QApplication.font()
    larger.setPointSizeF(usual.pointSizeF() * 1.5)
    QApplication.setFont(larger)
    try:
        window = UnlockWindow(
            demo_school,
            school_hint="Oakfield Primary School (demo)",
            demo_sign_in=(DEMO_USERNAME, DEMO_PASSWORD),
            message="The password is wrong. Check Caps Lock is off and try again; after three "
            "wrong tries each try waits a little longer.",
        )
        qtbot.addWidget(window)
        window.show()
        tour.settle()
        assert window_problems(window) == []
    finally:
        QApplication.setFont(usual)


def test_the_dashboard_puts_the_most_urgent_first_each_with_its_colour_and_sign(
    laptop: QSize, main_window: QMainWindow
) -> None:
    from esafety_desktop.services.dashboard import Urgency
    from esafety_desktop.ui.pages.dashboard import LOOKS

    page = main_window.dashboard  # type: ignore[attr-defined]
    main_window.resize(SCALED_ROOM)  # the smallest window: every button still whole
    tour.settle()
    cards = [w for w in page.findChildren(QFrame, "dashboardCard") if w.isVisible()]
    cards.sort(key=lambda card: card.mapTo(page, QPoint(0, 0)).y())
    order = [Urgency[card.property("urgency").upper()] for card in cards]
    assert order == sorted(order) and order[0] is Urgency.URGENT and Urgency.SOON in order
    for card, urgency in zip(cards, order, strict=True):
        assert LOOKS[urgency].edge in card.styleSheet()
        icon = card.findChild(QLabel, "urgencyIcon")
        assert not icon.pixmap().isNull() and icon.accessibleName() == LOOKS[urgency].words
    assert misplaced(main_window, main_window) == []
    words = {card: " ".join(label.text() for label in card.findChildren(QLabel)) for card in cards}
    overdue = next(card for card in cards if "overdue action" in words[card])
    assert overdue.property("urgency") == "urgent"
