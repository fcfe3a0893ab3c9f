"""Dates between Python and Qt's date widgets."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateEdit


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
