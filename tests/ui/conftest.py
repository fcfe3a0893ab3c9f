from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

from esafety_desktop.ui import dialogs
from esafety_desktop.ui.background import busy, take_orphaned_failures, wait_for_background
from tests.conftest import School

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn
    from esafety_desktop.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def collect_on_the_ui_thread() -> Iterator[None]:
    """As in the app: no automatic garbage collection (it could run on the worker thread).
    Failures kept for after the next sign-in belong to their own test."""
    gc.disable()
    take_orphaned_failures()
    yield
    wait_for_background()
    take_orphaned_failures()
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def answered_dialogs() -> Iterator[list[tuple[str, str]]]:
    """Every dialog a test meets must have been answered in advance, and every answer used."""
    dialogs._answers.clear()
    dialogs.shown.clear()
    yield dialogs.shown
    wait_for_background()
    left = dialogs.pending_answers()
    dialogs._answers.clear()
    assert left == 0, f"{left} prepared dialog answer(s) were never asked for"


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog that was not answered fails the test instead of hanging it."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(f"an unanswered dialog would have waited: {dialogs.shown[-1:]}")

    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    for name in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", refuse)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", refuse)
    monkeypatch.setattr(QInputDialog, "getItem", refuse)
    monkeypatch.setattr(QInputDialog, "getMultiLineText", refuse)


@pytest.fixture
def main(qtbot: QtBot, school: School) -> Iterator[MainWindow]:
    """The main window, signed in as the school's DSL, on screen."""
    from esafety_desktop.ui.main_window import MainWindow

    window = MainWindow(
        school.signed_in, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not busy(), timeout=15000)  # the cases are read on the worker
    yield window


@pytest.fixture(scope="session")
def demo_school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo school (charts, tables, cases, people), made once for the whole run: it takes
    a few seconds. Tests sign in to it; none may change it."""
    import keyring

    from esafety_desktop.demo import build_demo_school
    from tests.memory_keyring import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())  # the demo's accounts need only their passwords
    try:
        return build_demo_school(tmp_path_factory.mktemp("demo") / "demo.db").path
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def demo(demo_school: Path) -> Iterator[SignedIn]:
    """Signed in to the demo school as its DSL."""
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.services.demo import DEMO_PASSWORD, DEMO_USERNAME
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from esafety_desktop.ui import tour

    me = sign_in(demo_school, DEMO_USERNAME, DEMO_PASSWORD, DeviceSecretStore())
    yield me
    tour.settle()
    me.sign_out()
