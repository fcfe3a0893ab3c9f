"""Where the keyboard starts: the first field of a page, tab or dialog has focus when it is
shown, so the first letters typed are never lost."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)


def _takes_tab(widget: QWidget, root: QWidget) -> bool:
    return (
        bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and widget.isEnabled()
        and widget.isVisibleTo(root)
        and widget.focusProxy() is None
    )


def _is_field(widget: QWidget) -> bool:
    """Something to fill in: a box to type in or a choice to make. A tick box is not: it
    confirms or adds to what was filled in, so a stray Space must not tick it first."""
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, (QComboBox, QAbstractSpinBox, QRadioButton))


def focusable_in_order(root: QWidget) -> list[QWidget]:
    """The widgets under ``root`` that Tab reaches, in Tab order."""
    found: list[QWidget] = []
    widget = root.nextInFocusChain()
    seen = 0
    while widget is not root and widget is not None and seen < 10_000:
        seen += 1
        if root.isAncestorOf(widget) and _takes_tab(widget, root) and widget not in found:
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def first_field(root: QWidget) -> QWidget | None:
    """The first field (a box to type in, a choice) under ``root`` in Tab order, or else the
    first control Tab reaches."""
    reachable = focusable_in_order(root)
    fields = [w for w in reachable if _is_field(w)]
    # A scroll area round controls is only their frame; a tab bar leads to other controls.
    controls = [
        w
        for w in reachable
        if not isinstance(w, QTabBar)
        and not (isinstance(w, QScrollArea) and any(w.isAncestorOf(o) for o in reachable))
    ]
    for found in (fields, controls, reachable):
        if found:
            return found[0]
    return None


def focus_first_field(root: QWidget | None) -> None:
    if root is None:
        return
    target = first_field(root)
    if target is not None:
        target.setFocus(Qt.FocusReason.OtherFocusReason)


class FirstFieldOnTabChange(QObject):
    """A tab chosen by a click or Ctrl+Tab starts in its first field; one chosen with the arrow
    keys on the tab bar keeps the keyboard on the tab bar, so the next arrow still works."""

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        tabs.currentChanged.connect(self._changed)

    def _changed(self, index: int) -> None:
        if not self._tabs.isVisible() or self._tabs.tabBar().hasFocus():
            return
        page = self._tabs.widget(index)
        if page is not None:
            focus_first_field(page)
