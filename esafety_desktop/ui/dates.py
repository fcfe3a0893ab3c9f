"""Dates between Python and Qt's date widgets."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDateEdit, QLineEdit, QWidget


def qdate(day: date) -> QDate:
    """Qt takes a Python date too, but its type stubs do not say so."""
    return QDate(day.year, day.month, day.day)


def qdatetime(moment: datetime) -> QDateTime:
    """A wall-clock time (no zone) for a date-and-time box."""
    return QDateTime(qdate(moment.date()), QTime(moment.hour, moment.minute, moment.second))


def past_date_edit(day: date, today: date) -> QDateEdit:
    """A date box with a calendar for something that has happened: no later than today."""
    edit = QDateEdit(qdate(day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setMaximumDate(qdate(today))
    return edit


def add_calendar(edit: QLineEdit, latest: date | None = None) -> QAction:
    """A calendar button at the end of a typed date box (dd/mm/yyyy): the date can be typed or
    picked. ``latest`` is the last day the calendar offers (for things that have happened)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QCalendarWidget, QMenu, QStyle, QWidgetAction

    icon = QIcon.fromTheme(
        "x-office-calendar",
        edit.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView),
    )
    action = edit.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
    action.setText("Choose the date from a calendar")
    action.setToolTip("Choose the date from a calendar")

    def pick() -> None:
        menu = QMenu(edit)
        calendar = QCalendarWidget(menu)
        calendar.setAccessibleName("Calendar")
        calendar.setGridVisible(True)
        if latest is not None:
            calendar.setMaximumDate(qdate(latest))
        try:
            typed = datetime.strptime(edit.text().strip(), "%d/%m/%Y").date()
        except ValueError:
            typed = None
        if typed is not None:
            calendar.setSelectedDate(qdate(typed))
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(calendar)
        menu.addAction(holder)
        calendar.clicked.connect(partial(_picked, edit, menu))
        calendar.activated.connect(partial(_picked, edit, menu))
        edit.calendar_menu = menu  # type: ignore[attr-defined]  # kept for tests
        menu.popup(edit.mapToGlobal(edit.rect().bottomLeft()))
        calendar.setFocus()

    action.triggered.connect(pick)
    return action


def _picked(edit: QLineEdit, menu: QWidget, day: QDate) -> None:
    edit.setText(day.toString("dd/MM/yyyy"))
    menu.close()
    edit.setFocus()
