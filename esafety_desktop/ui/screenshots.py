"""``--demo --screenshots DIR``: sign in to the demo school and save each page as a PNG.

Used by `make run` where there is no display, and to look at every screen after a change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from esafety_desktop.ui.unlock_window import UnlockWindow


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
            _pages(window, folder)
            for path in sorted(folder.glob("*.png")):
                print(path)
            controller.quit()

    poll.timeout.connect(step)
    poll.start()
    controller._screenshot_timer = poll  # kept alive with the controller


def _pages(window: Any, folder: Path) -> None:
    number = 2
    for page in window.pages:
        window.show_page(page.title)
        _settle()  # what a page reads on the worker (the cases) is on screen first
        table = getattr(page, "table", None)
        has_panel = hasattr(page, "select") or hasattr(page, "panel")
        if table is not None and has_panel and table.model().rowCount():
            table.selectRow(0)  # show the first person or case in its panel
            _settle()
        tabs = getattr(page, "tabs", None)
        if tabs is None:
            _save(window, folder / f"{number:02d}-{_slug(page.title)}.png")
            number += 1
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            name = f"{_slug(page.title)}-{_slug(tabs.tabText(index))}"
            _save(window, folder / f"{number:02d}-{name}.png")
            number += 1


def _settle() -> None:
    from esafety_desktop.ui.background import busy

    while busy():
        QApplication.processEvents()


def _save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.replace("&", "").lower()).strip("-")
