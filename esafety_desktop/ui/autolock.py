"""Auto-lock after a number of idle minutes, measured on the wall clock so sleep counts.

An application-wide event filter notes the last keyboard or mouse use (KeePassXC's
InactivityTimer). A timer checks every few seconds how long ago that was.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class InactivityTimer(QObject):
    idle = Signal()

    def __init__(
        self,
        minutes: int,
        clock: Callable[[], float] = time.time,
        check_every_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.minutes = minutes
        self._last_activity = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(check_every_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self._last_activity = self._clock()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def note_activity(self) -> None:
        self._last_activity = self._clock()

    def check(self) -> None:
        if self._clock() - self._last_activity >= self.minutes * 60:
            self.stop()
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt names it
        if event.type() in _ACTIVITY:
            self._last_activity = self._clock()
        return False
