"""``--demo --screenshots DIR``: sign in to the demo school and save every window as a PNG.

Used by `make run` where there is no display, and to look at every screen after a change (with
``--palette light`` or ``--palette dark``). The screen is a school laptop's, 1366×768: each
page of the main window (maximised), then each dialog and wizard its buttons open, review
mode, and the windows before signing in (``ui/tour.py`` walks round them).
"""

from __future__ import annotations

import atexit
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from esafety_desktop.ui.unlock_window import UnlockWindow

LAPTOP = (1366, 768)
# The main window maximised on a laptop: the screen less the taskbar and the title bar.
MAXIMISED = (1366, 700)


def use_a_laptop_screen() -> None:
    """Without a display, Qt's screen is 800×800: the pictures are taken on a laptop's. Done
    before the application starts; a platform chosen by the caller is left alone."""
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    if platform != "offscreen":
        return
    width, height = LAPTOP
    screen = {"name": "Laptop", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    handle, name = tempfile.mkstemp(prefix="esafety-screen-", suffix=".json")
    with os.fdopen(handle, "w") as file:
        json.dump({"screens": [screen]}, file)
    atexit.register(os.unlink, name)
    if ":" not in name:  # Qt reads "offscreen:configfile=PATH"
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={name}"


def take_screenshots(controller: Any, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    state = {"signed_in": False, "done": False}
    poll = QTimer()
    poll.setInterval(100)

    def step() -> None:
        window = controller.window
        if isinstance(window, UnlockWindow) and not state["signed_in"]:
            if window.ui.accountCombo.count() == 0:
                return  # the demo school is still being made
            _save(window, folder / "01-sign-in.png")
            from esafety_desktop.services.demo import DEMO_PASSWORD

            window.ui.passwordEdit.setText(DEMO_PASSWORD)
            state["signed_in"] = True
            window.sign_in()
            return
        if window is not None and hasattr(window, "pages") and not state["done"]:
            state["done"] = True
            poll.stop()
            window.resize(*MAXIMISED)
            _walk(_everything(window), folder)
            for path in sorted(folder.glob("*.png")):
                print(path)
            controller.quit()

    poll.timeout.connect(step)
    poll.start()
    controller._screenshot_timer = poll  # kept alive with the controller


def _everything(window: Any) -> Iterator[tuple[str, QWidget]]:
    from esafety_desktop.services.demo import DEMO_PASSWORD, DEMO_USERNAME
    from esafety_desktop.ui import tour

    yield from tour.main_window_tour(window)
    yield from tour.review_tour(window.signed_in, window)
    for name, shown in tour.door_tour(window.signed_in.path, (DEMO_USERNAME, DEMO_PASSWORD)):
        if name != "sign-in":  # taken first, before signing in
            yield name, shown


def _walk(stops: Iterator[tuple[str, QWidget]], folder: Path) -> None:
    for number, (name, window) in enumerate(stops, start=2):
        _save(window, folder / f"{number:02d}-{name}.png")


def _save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
