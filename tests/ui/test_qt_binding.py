"""The Qt binding itself must not wear the program down.

PySide6 6.12.0 takes one reference from ``None`` on every call of a static Qt function that
returns nothing (``QTimer.singleShot``, ``QGuiApplication.setOverrideCursor``,
``QApplication.processEvents``…). ``None`` starts with about 5,000 references, so after a few
thousand such calls, a busy day at the office, the program aborts ("deallocating None"), and
with it whatever was being typed. ``pyproject.toml`` keeps that version out; this test fails on
any version that brings the fault back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication


def _nothing() -> None:
    """A slot for the timer."""


def test_static_qt_calls_leave_none_alone(qtbot: object) -> None:
    before = sys.getrefcount(None)
    for _ in range(500):
        QTimer.singleShot(0, _nothing)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QGuiApplication.restoreOverrideCursor()
        QApplication.processEvents()
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 2,000 Qt calls"
