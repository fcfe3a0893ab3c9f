"""The longest time the window's thread is kept busy (the window can neither repaint nor take a
key meanwhile) while a DSL works in a large school: 20,000 cases, 1,500 pupils in 30 classes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_stalls.py [CASES]

For each task it prints the longest stall and how long the task took from the first click to
the result on screen. Target: every stall under 100 ms.

- record a case: the Incidents page open, the wizard from its first page to Finish and the new
  case shown in the list;
- print forms for every class: from the click to the print preview;
- back up on signing out: from Sign out to the sign-in window with the backup made.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class StallMeter:
    """A 5 ms timer on the window's thread: the longest gap between its ticks is the longest
    the thread was busy elsewhere."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.reset()
        self.timer.start()

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now


def wait_until(done: Callable[[], bool], timeout: float = 300.0) -> None:
    """Run the event loop, as the program does, until ``done()``."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    end = time.monotonic() + timeout
    failed: list[bool] = []

    def check() -> None:
        if done():
            loop.quit()
        elif time.monotonic() > end:
            failed.append(True)
            loop.quit()

    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()  # at least once: a person's next click comes after the window has caught up
    poll.stop()
    if failed:
        raise TimeoutError("the task did not finish")


def measure(
    meter: StallMeter,
    name: str,
    steps: list[Callable[[], object]],
    done: Callable[[], bool],
) -> None:
    """Each step is one click or key a person would make; the event loop runs between them
    (and until the worker is free), as it does between a person's clicks."""
    from esafety_desktop.ui.background import busy

    wait_until(lambda: True)  # let what was queued before run first
    meter.reset()
    start = time.perf_counter()
    for step in steps:
        step()
        wait_until(lambda: not busy())
    wait_until(done)
    took = time.perf_counter() - start
    worst = max(meter.worst, time.perf_counter() - meter.last)
    print(f"{name}: longest stall {worst * 1000:.0f} ms (the task took {took:.2f} s)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    folder = Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    os.environ["HOME"] = str(folder)
    from bench_school import add_bulk_cases, bench_school
    from PySide6.QtWidgets import QApplication, QWizard

    from esafety_desktop.domain.incidents import PersonRole
    from esafety_desktop.services import agreements
    from esafety_desktop.services.app_config import AppConfig
    from esafety_desktop.ui.background import busy, share_the_interpreter_fairly
    from esafety_desktop.ui.controller import AppController, StartOptions
    from esafety_desktop.ui.garbage import MainThreadCollector
    from esafety_desktop.ui.incident_wizard import IncidentWizard
    from esafety_desktop.ui.incidents.wizard_pages import StepPage
    from esafety_desktop.ui.main_window import MainWindow
    from esafety_desktop.ui.unlock_window import UnlockWindow

    app = QApplication.instance() or QApplication(sys.argv)
    share_the_interpreter_fairly()  # as in the program
    collector = MainThreadCollector()  # as in the program: no collection on the worker
    collector.start()
    me = bench_school(folder)
    add_bulk_cases(me, count)
    agreements.issue_starter_agreements(me, date(2026, 9, 1), "2026/27")
    print(f"{count} cases, 1,500 pupils in {len(agreements.classes(me))} classes")

    controller = AppController(StartOptions(database=me.path), AppConfig())
    controller.config.save = lambda path=None: None  # type: ignore[method-assign]
    controller.show_main(me)
    controller.backup_timer.stop()
    main_window = controller.window
    assert isinstance(main_window, MainWindow)
    meter = StallMeter()

    page = main_window.show_page("Incidents")
    wait_until(lambda: not busy())
    incidents_page = main_window.incidents
    before = incidents_page.model.rowCount()
    pupil = next(r.person_id for r in agreements.register(me) if r.kind == "pupil")

    def wizard() -> IncidentWizard:
        return incidents_page.wizard  # type: ignore[no-any-return]

    def fill_report() -> None:
        wizard().report.reported_by.setText("Kim Lowe (class teacher)")
        wizard().report.summary.setPlainText("An invented pupil was sent unkind messages.")

    def add_pupil() -> None:
        wizard().people_page.add_person(pupil, PersonRole.TARGET)

    def answer_and_go_on() -> None:
        current = wizard().currentPage()
        assert isinstance(current, StepPage)
        if current.step.kind == "end":
            wizard().button(QWizard.WizardButton.FinishButton).click()
            return
        if current.step.kind == "question":
            current.choices.buttons()[-1].setChecked(True)
            current.reasons.setPlainText("Invented reasons for the bench.")
        before = wizard().currentId()
        wizard().next()
        assert wizard().currentId() != before, f"stuck on {current.step.id}"

    steps: list[Callable[[], object]] = [
        incidents_page.new_incident,
        fill_report,
        lambda: wizard().next(),
        add_pupil,
        lambda: wizard().next(),
        *[answer_and_go_on] * 40,  # more than the longest path: Finish ends it
    ]

    def while_open(step: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            return step() if wizard().isVisible() else None  # Finish ended it

        return run

    measure(
        meter,
        "record a case",
        [steps[0], *map(while_open, steps[1:])],
        lambda: incidents_page.model.rowCount() == before + 1 and not busy(),
    )
    assert page is incidents_page

    agreements_page = main_window.agreements
    main_window.show_page("Agreements")
    wait_until(lambda: not busy())
    measure(
        meter,
        "print forms for every class",
        [agreements_page.print_all_forms],
        lambda: getattr(agreements_page, "preview", None) is not None and not busy(),
    )
    agreements_page.preview.reject()

    measure(
        meter,
        "back up on signing out",
        [controller.sign_out],
        lambda: isinstance(controller.window, UnlockWindow) and not busy(),
    )
    del page
    app.processEvents()


if __name__ == "__main__":
    main()
