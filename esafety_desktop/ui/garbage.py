"""Python's cyclic garbage collector, run on the UI thread only.

Left automatic, the collector runs in whichever thread happens to allocate, including the
database worker; collecting a cycle that holds widgets there makes Qt delete them later in an
order that can crash. So automatic collection is off while the app runs, and a timer on the
UI thread collects as often as the collector itself would have (qutebrowser does the same).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    # Every 100 ms: while the worker makes a big document, a second's worth of new objects
    # took 60 ms to collect in one go on the window's thread; a tenth at a time is unnoticed.
    def __init__(self, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()

    def check(self) -> None:
        thresholds, counts = gc.get_threshold(), gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return
