"""Review mode locks after idle minutes, like the main app (issue 19, item 1).

Found in review: a pack opened in review mode stayed open, its cases on screen and its key in
memory, however long the head's laptop was left. A safe review mode locks after the same idle
minutes as the main app (and with Ctrl+L): it closes its dialogs, clears the window, closes the
pack (SQLCipher wipes its key), and asks for the passphrase again. What was typed and not yet
added is never lost silently: it is kept in the pack (encrypted with it, never imported), and
is back in its case's box when the pack is opened again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.recovery_key import parse_passphrase
from esafety_desktop.services import review_packs
from esafety_desktop.storage.review_pack import pack_key
from esafety_desktop.ui import dialogs
from esafety_desktop.ui import review_window as review_module
from esafety_desktop.ui.review_window import ReviewWindow
from tests.conftest import School, new_pc
from tests.services.test_review_packs import (
    MARKER,
    exported,  # noqa: F401 - a fixture
)
from tests.ui.conftest import (  # noqa: F401 - the UI tests' rules: every dialog answered
    answered_dialogs,
    collect_on_the_ui_thread,
    no_modal_dialogs,
)
from tests.ui.stepping import click, type_into
from tests.ui.waiting import settle

ON_A = "Parents met; I agree with the actions."
ON_B = "Check in with both families next week."


@pytest.fixture
def quick_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Idleness checked every 50 ms (the app: every 5 s); a test then makes the minutes 0."""
    monkeypatch.setattr(review_module, "CHECK_EVERY_MS", 50, raising=False)


def _idle_minutes(window: ReviewWindow, minutes: int) -> None:
    window.inactivity.minutes = minutes


@pytest.fixture
def window(
    qtbot: QtBot,
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> Iterator[ReviewWindow]:
    new_pc()  # the head's laptop at home
    shown = ReviewWindow(review_packs.open_for_review(exported.path, exported.passphrase))
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    yield shown


def _choose(window: ReviewWindow, summary: str) -> int:
    for row in range(window.cases_model.rowCount()):
        case = window.cases_model.row_at(row)
        window.cases.setCurrentIndex(window.cases_model.index(row, 0))
        if summary in window.record.toPlainText():
            return case.incident_id
    raise AssertionError(summary)


def _locked(window: ReviewWindow) -> bool:
    return bool(getattr(window, "locked", False))


def _kept_drafts(pack: review_packs.ExportedPack) -> dict[str, str]:
    """What the pack file holds as unfinished text, read with its key."""
    connection = sqlcipher3.dbapi2.connect(str(pack.path))
    connection.execute(f"PRAGMA key = \"x'{pack_key(parse_passphrase(pack.passphrase)).hex()}'\"")
    rows = connection.execute(
        "SELECT key, value FROM pack_info WHERE key LIKE 'draft:%'"
    ).fetchall()
    connection.close()
    return dict(rows)


def _type_on_two_cases(qtbot: QtBot, window: ReviewWindow) -> tuple[int, int]:
    a = _choose(window, MARKER)
    type_into(qtbot, window.comment, ON_A)
    b = _choose(window, "group chat turned unkind")
    type_into(qtbot, window.comment, ON_B)
    return a, b


def test_idle_review_mode_locks_closes_the_pack_and_keeps_what_was_typed(
    qtbot: QtBot,
    quick_lock: None,
    window: ReviewWindow,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> None:
    a, b = _type_on_two_cases(qtbot, window)
    before = window.pack
    click(qtbot, window.print_button)  # the preview is open when it locks
    settle(qtbot)
    preview = window.preview
    assert preview.isVisible()

    _idle_minutes(window, 0)  # as if the head had been away for the minutes the app allows
    qtbot.waitUntil(lambda: _locked(window), timeout=5000)
    assert "without use" in window.locked_panel.about.text()
    # the pack is closed (SQLCipher wipes its key on closing)
    with pytest.raises(sqlcipher3.dbapi2.ProgrammingError):
        before.pack._connection.execute("SELECT count(*) FROM pack_case")
    # nothing of the cases is left on screen, nor in the preview
    assert not preview.isVisible()
    assert MARKER not in window.record.toPlainText()
    assert window.cases_model.rowCount() == 0 and window.comment.toPlainText() == ""
    assert window.locked_panel.isVisible()
    # what was typed is in the pack, encrypted with it
    assert sorted(_kept_drafts(exported).values()) == sorted([ON_A, ON_B])
    raw = exported.path.read_bytes()
    assert ON_A.encode() not in raw and ON_B.encode() not in raw

    # the passphrase again: a wrong one is refused, and it stays locked
    type_into(qtbot, window.locked_panel.passphrase, "AAAA-" + exported.passphrase[5:])
    qtbot.keyClick(window.locked_panel.passphrase, Qt.Key.Key_Return)
    assert _locked(window) and window.locked_panel.message.text()
    _idle_minutes(window, 5)
    type_into(qtbot, window.locked_panel.passphrase, exported.passphrase)
    qtbot.keyClick(window.locked_panel.passphrase, Qt.Key.Key_Return)
    assert not _locked(window)
    assert window.locked_panel.passphrase.text() == ""
    assert window.pack is not before and window.cases_model.rowCount() == 2
    # back on the case it was on, with what was typed in its box
    assert window.current_case().incident_id == b  # type: ignore[union-attr]
    assert window.comment.toPlainText() == ON_B
    window.cases.setCurrentIndex(
        window.cases_model.index(window.cases_model.row_where(lambda c: c.incident_id == a), 0)
    )
    assert window.comment.toPlainText() == ON_A
    assert _kept_drafts(exported) == {}  # taken back out of the pack
    click(qtbot, window.comment_button)
    assert [e.text for e in window.pack.entries(a)] == [ON_A]
    # still watching: idle again, it locks again
    _idle_minutes(window, 0)
    qtbot.waitUntil(lambda: _locked(window), timeout=5000)
    dialogs.set_next_answer(None)  # "Return this pack to your DSL"
    window.close()


def test_ctrl_l_locks_review_mode_at_once(qtbot: QtBot, window: ReviewWindow) -> None:
    from esafety_desktop.services.settings import AUTO_LOCK_DEFAULT

    # the main app's idle minutes, measured the main app's way
    assert window.inactivity.minutes == AUTO_LOCK_DEFAULT
    _type_on_two_cases(qtbot, window)
    qtbot.keyClick(window.comment, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert _locked(window)
    assert window.cases_model.rowCount() == 0


def test_closed_while_locked_the_typing_waits_in_the_pack_for_next_time(
    qtbot: QtBot,
    window: ReviewWindow,
    exported: review_packs.ExportedPack,  # noqa: F811
) -> None:
    _a, b = _type_on_two_cases(qtbot, window)
    window.lock()
    window.close()  # nothing is lost, so nothing to ask
    assert not window.isVisible()
    again = ReviewWindow(review_packs.open_for_review(exported.path, exported.passphrase))
    qtbot.addWidget(again)
    again.show()
    again.cases.setCurrentIndex(
        again.cases_model.index(again.cases_model.row_where(lambda c: c.incident_id == b), 0)
    )
    assert again.comment.toPlainText() == ON_B
    dialogs.set_next_answer(True)  # "Close without adding what you typed?" yes
    again.close()


def test_a_save_chosen_after_it_locked_writes_nothing(
    qtbot: QtBot,
    window: ReviewWindow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """It locked while the save dialog was open (the dialog's own loop ran the idle timer):
    the file chosen afterwards is not written, and nothing is recorded."""
    click(qtbot, window.print_button)
    settle(qtbot)
    copy = tmp_path / "record.pdf"

    def chosen_while_it_locked(*_args: object) -> str:
        window.lock()
        return str(copy)

    monkeypatch.setattr(dialogs, "save_file_name", chosen_while_it_locked)
    dialogs.set_next_answer(True)  # "Save an unencrypted copy?"
    window.preview.save_copy()
    assert not copy.exists()
    assert _locked(window)
