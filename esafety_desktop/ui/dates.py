"""Dates between Python and Qt's date widgets."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def qdate(day: date) -> QDate:
    """Qt takes a Python date too, but its type stubs do not say so."""
    return QDate(day.year, day.month, day.day)
