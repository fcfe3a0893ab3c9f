"""Every window as a screen reader and a keyboard meet it: the demo school's pages, dialogs and
wizards (the walk the screenshots take, ``ui/tour.py``), every page of the setup wizard, and
the person dialog for each kind of person.

- Through ``QAccessible``, as AT-SPI or UI Automation reads it: every control that takes the
  keyboard, every table, list and chart has a name; no two controls side by side share one; a
  label that carries a message is read as its message, not as a fixed name.
- Alt shortcuts (the &-letters of buttons, of labels with a buddy, of tabs and of the menu
  bar) are unique among the controls on screen in one window.
- The keyboard starts in the first field of each dialog, wizard page and page of the main
  window, so the first letters typed are never lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtGui import QAccessible, QAccessibleInterface, Qt, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.demo import DEMO_PASSWORD, DEMO_USERNAME
from esafety_desktop.ui import dialogs, tour
from esafety_desktop.ui.focus import first_field
from tests.conftest import DSL_PASSWORD
from tests.memory_keyring import LockedKeyring, MemoryKeyring, NoKeyring

Stop = tour.Stop

# Roles a screen reader announces as something to use or read through: each needs a name.
NAMED_ROLES = {
    QAccessible.Role.Button,
    QAccessible.Role.CheckBox,
    QAccessible.Role.RadioButton,
    QAccessible.Role.ComboBox,
    QAccessible.Role.EditableText,
    QAccessible.Role.SpinBox,
    QAccessible.Role.Slider,
    QAccessible.Role.Table,
    QAccessible.Role.List,
    QAccessible.Role.Tree,
    QAccessible.Role.PageTabList,
    QAccessible.Role.ButtonMenu,
    QAccessible.Role.ButtonDropDown,
    QAccessible.Role.Chart,
}
# Item views: their rows and cells are named by their data, not checked here.
VIEW_ROLES = {QAccessible.Role.Table, QAccessible.Role.List, QAccessible.Role.Tree}


def _described(widget: QWidget) -> str:
    text = ""
    for attribute in ("text", "title", "placeholderText", "windowTitle"):
        value = getattr(widget, attribute, None)
        if callable(value):
            text = str(value() or "")
            if text:
                break
    return f"{type(widget).__name__} {widget.objectName()!r} {text[:40]!r}"


def _is_chart(widget: object) -> bool:
    return isinstance(widget, QChartView)


def _interface(widget: QWidget) -> QAccessibleInterface:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid()
    return interface


def _plain(text: str) -> str:
    return " ".join(text.replace("&&", "\0").replace("&", "").replace("\0", "&").split())


def _label_text(label: QLabel) -> str:
    """What a label shows, as words (its rich text without the markup)."""
    text = label.text()
    if Qt.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return _plain(text)


def accessibility_problems(window: QWidget) -> list[str]:
    """What a screen reader would get wrong in ``window``, as it is on screen.

    Controls are side by side when they share a parent, or a parent without a name of its own
    (a frame or a plain panel says nothing to the listener, so two "Open the incidents" buttons
    on two dashboard cards sound alike)."""
    found: list[str] = []

    def walk(interface: QAccessibleInterface, named: list[tuple[str, str]]) -> None:
        for index in range(interface.childCount()):
            child = interface.child(index)
            if child is None or not child.isValid() or child.state().invisible:
                continue
            widget = child.object()
            if not isinstance(widget, QWidget) or not widget.isVisible():
                continue
            role, name = child.role(), child.text(QAccessible.Text.Name).strip()
            if role == QAccessible.Role.ComboBox:
                # On Linux (AT-SPI) Qt gives a combo box its current choice as its name, and
                # its name only through a label whose buddy it is; Windows reads that label too.
                labels = child.relations(QAccessible.Relation.Label)
                name = labels[0][0].text(QAccessible.Text.Name).strip() if labels else ""
            what = _described(widget)
            tab_stop = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            control = (
                role in NAMED_ROLES
                or _is_chart(widget)
                or isinstance(widget, QAbstractItemView)
                or (tab_stop and not isinstance(widget, (QAbstractScrollArea, QLabel)))
            )
            if control:
                if name:
                    named.append((name, what))
                else:
                    found.append(f"{what} ({role.name}) has no accessible name")
            if isinstance(widget, QLabel) and widget.pixmap().isNull():
                shown, own = _label_text(widget), widget.accessibleName().strip()
                if own and own != shown:
                    found.append(f"{what} is read as {own!r}, not as its text {shown!r}")
            if role in VIEW_ROLES or _is_chart(widget):
                continue  # rows and cells are named by their data
            if control or name:
                group(child)  # its controls are a group of their own
            else:
                walk(child, named)  # says nothing: its controls sit beside its parent's

    def group(interface: QAccessibleInterface) -> None:
        named: list[tuple[str, str]] = []
        walk(interface, named)
        counts = Counter(name for name, _ in named)
        for name, count in counts.items():
            if count > 1:
                whats = [what for n, what in named if n == name]
                found.append(f"{count} controls side by side are all called {name!r}: {whats}")

    group(_interface(window))
    return found


def _mnemonic(text: str) -> str | None:
    """The Alt letter of ``text`` ("&Save" -> "s"; "&&" is a plain ampersand)."""
    at = 0
    while True:
        at = text.find("&", at)
        if at < 0 or at + 1 >= len(text):
            return None
        if text[at + 1] == "&":
            at += 2
            continue
        return text[at + 1].lower()


def _on_screen(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisible() and widget.window() is window


def shortcut_problems(window: QWidget) -> list[str]:
    """Alt letters used twice among the controls on screen in ``window``."""
    letters: dict[str, list[str]] = {}

    def note(text: str, what: str) -> None:
        letter = _mnemonic(text)
        if letter is not None:
            letters.setdefault(letter, []).append(what)

    for widget in window.findChildren(QWidget):
        if not _on_screen(widget, window):
            continue
        if isinstance(widget, QAbstractButton):
            note(widget.text(), _described(widget))
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            if widget.buddy().isVisible():
                note(widget.text(), _described(widget))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.isTabVisible(index):
                    note(widget.tabText(index), f"tab {widget.tabText(index)!r}")
        elif isinstance(widget, QGroupBox):
            note(widget.title(), _described(widget))
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if action.isVisible():
                note(action.text(), f"menu {action.text()!r}")
    return [f"Alt+{k.upper()} is {' and '.join(v)}" for k, v in letters.items() if len(v) > 1]


def _filled(widget: QWidget) -> bool:
    if isinstance(widget, QComboBox):
        return bool(widget.currentText().strip())
    text = getattr(widget, "text", None)
    return callable(text) and bool(str(text()).strip())


def focus_problems(window: QWidget) -> list[str]:
    """The keyboard starts in the first field of a dialog, of a wizard's page, and of the main
    window's page on screen (so the first letters typed are never lost)."""
    if isinstance(window, QWizard):
        root: QWidget = window.currentPage()
    elif isinstance(window, QMainWindow) and hasattr(window, "stack"):
        root = window.stack.currentWidget()
    else:
        root = window
    expected = first_field(root) or first_field(window)
    actual = window.focusWidget()
    if expected is None or actual is expected:
        return []
    if _filled(expected) and actual is not None and window.isAncestorOf(actual):
        return []  # filled in already (the account at sign-in): the keyboard may start later
    where = _described(actual) if actual is not None else "nothing"
    return [f"the keyboard starts in {where}, not in {_described(expected)}"]


# -- the windows ----------------------------------------------------------------------------


@pytest.fixture
def main_window(qtbot: QtBot, demo: SignedIn) -> Iterator[QMainWindow]:
    from esafety_desktop.ui.main_window import MainWindow

    window = MainWindow(demo, on_lock=lambda: None, on_sign_out=lambda: None, on_close=lambda: None)
    qtbot.addWidget(window)
    window.show()
    tour.settle()
    yield window


def person_dialogs(window: QMainWindow) -> Iterator[Stop]:
    """Adding a person of each kind: each kind shows other boxes, with their own letters."""
    people = window.people  # type: ignore[attr-defined]
    window.show_page(people.title)  # type: ignore[attr-defined]
    tour.settle()
    for kind in PersonKind:
        people.add_button.click()
        tour.settle()
        dialog = people.dialog
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind.value))
        tour.settle()
        yield f"add-a-person-{kind.value}", dialog
        tour.close(dialog)


def refused_sign_in(database: Path) -> Iterator[Stop]:
    """The sign-in window saying the password is wrong: read as what it says."""
    from esafety_desktop.ui.unlock_window import UnlockWindow

    window = UnlockWindow(database)
    window.show()
    tour.settle()
    window.ui.accountCombo.setCurrentText(DEMO_USERNAME)
    window.ui.passwordEdit.setText("Not-The-Password-1")
    window.sign_in()
    tour.settle()
    assert "Wrong password" in window.ui.messageLabel.text()
    yield "sign-in-refused", window
    tour.close(window)
    window.deleteLater()


def setup_pages(folder: Path) -> Iterator[Stop]:
    """Every page of the setup wizard, the school made on the way; and its first page on a PC
    without a keyring and on one whose keyring is locked."""
    from esafety_desktop.ui.setup_wizard import SetupWizard

    for name, backend in (("no-keyring", NoKeyring()), ("locked-keyring", LockedKeyring())):
        keyring.set_keyring(backend)
        wizard = SetupWizard(folder / f"{name}.db")
        wizard.show()
        tour.settle()
        yield f"set-up-{name}", wizard
        tour.close(wizard)
    keyring.set_keyring(MemoryKeyring())
    wizard = SetupWizard(folder / "school.db")
    wizard.show()
    tour.settle()
    yield "set-up-where", wizard
    wizard.next()
    yield "set-up-school", wizard
    wizard.school_page.ui.schoolNameEdit.setText("Larkspur Primary (invented)")
    wizard.next()
    yield "set-up-contacts", wizard
    wizard.next()
    page = wizard.account_page.ui
    for edit, text in (
        (page.nameEdit, "Jo Bloggs"),
        (page.usernameEdit, "jo.dsl"),
        (page.passwordEdit, "short"),
        (page.repeatEdit, "shorter"),
    ):
        edit.setText(text)
    yield "set-up-account", wizard
    page.passwordEdit.setText(DSL_PASSWORD)
    page.repeatEdit.setText(DSL_PASSWORD)
    wizard.next()
    tour.settle()
    assert wizard.currentPage() is wizard.recovery_page
    yield "set-up-recovery-sheet", wizard
    me = wizard.signed_in
    dialogs.set_next_answer(True)  # close without the sheet
    wizard.reject()
    me.sign_out()


def _check(stops: Iterator[Stop], check: object) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    seen = []
    for name, window in stops:
        seen.append(name)
        problems = check(window)  # type: ignore[operator]
        if problems:
            found[name] = problems
    assert seen, "no window was shown"
    return found


CHECKS = {
    "screen reader": accessibility_problems,
    "shortcuts": shortcut_problems,
    "first field": focus_problems,
}


@pytest.mark.parametrize("check", CHECKS)
def test_the_main_window_its_pages_and_dialogs(check: str, main_window: QMainWindow) -> None:
    stops = tour.main_window_tour(main_window)  # type: ignore[arg-type]
    assert _check(stops, CHECKS[check]) == {}
    assert _check(person_dialogs(main_window), CHECKS[check]) == {}


@pytest.mark.parametrize("check", CHECKS)
def test_the_windows_before_signing_in(check: str, demo_school: Path, tmp_path: Path) -> None:
    stops = tour.door_tour(demo_school, (DEMO_USERNAME, DEMO_PASSWORD))
    assert _check(stops, CHECKS[check]) == {}
    assert _check(refused_sign_in(demo_school), CHECKS[check]) == {}
    assert _check(setup_pages(tmp_path), CHECKS[check]) == {}


@pytest.mark.parametrize("check", CHECKS)
def test_review_mode_and_its_dialogs(check: str, main_window: QMainWindow, demo: SignedIn) -> None:
    assert _check(tour.review_tour(demo, main_window), CHECKS[check]) == {}


def test_the_checks_find_what_they_look_for(qtbot: QtBot) -> None:
    """A window with every fault the checks look for, and each is found."""
    from PySide6.QtWidgets import (
        QComboBox,
        QDialog,
        QFormLayout,
        QFrame,
        QHBoxLayout,
        QLineEdit,
        QPushButton,
        QTableView,
    )

    window = QDialog()
    form = QFormLayout(window)
    form.addRow("&Name", QLineEdit())
    form.addRow(QPushButton("&New"))
    for _card in range(2):  # two cards, each with the same button
        card = QFrame()
        QHBoxLayout(card).addWidget(QPushButton("Open the incidents"))
        form.addRow(card)
    form.addRow(QTableView())
    unlabelled = QComboBox()
    unlabelled.addItems(["Any status", "Open"])
    unlabelled.setAccessibleName("Status")  # Windows would read it; AT-SPI reads "Any status"
    form.addRow(unlabelled)
    labelled = QComboBox()
    labelled.addItems(["Any type"])
    form.addRow("&Type", labelled)
    message = QLabel("Wrong password for jo.dsl.")
    message.setAccessibleName("Message")
    form.addRow(message)
    qtbot.addWidget(window)
    window.show()
    read = accessibility_problems(window)
    assert len(read) == 4, read
    assert any("QTableView" in p and "no accessible name" in p for p in read)
    assert any("QComboBox" in p and "no accessible name" in p for p in read)
    assert any("2 controls side by side are all called 'Open the incidents'" in p for p in read)
    assert any("read as 'Message'" in p for p in read)
    assert shortcut_problems(window) == ["Alt+N is QLabel '' '&Name' and QPushButton '' '&New'"]
