"""A walk round every window of the demo school: each page and tab of the main window, then each
dialog and wizard its buttons open, then the windows before signing in and review mode.

``--demo --screenshots DIR`` saves each stop as a PNG; the screen-size test checks that each
fits a school laptop. Each stop is yielded while it is on screen and closed when the caller
asks for the next one. No record is changed: every dialog is closed without pressing OK. The
audit log does grow: looking at a person or a case is recorded as always, and review mode needs
a review pack, exported (and recorded) to a temporary folder that is deleted afterwards.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog, QWidget, QWizard

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn
    from esafety_desktop.services.dashboard import Target
    from esafety_desktop.ui.main_window import MainWindow

Stop = tuple[str, QWidget]  # a name for the stop (a file name without .png), what is on screen


def settle() -> None:
    """Work on the worker finishes and reaches its window; the window is laid out."""
    from esafety_desktop.ui.background import busy

    while busy():
        QApplication.processEvents()
    for _ in range(3):  # what the last events queued (a window growing to fit its text)
        QApplication.processEvents()


def slug(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in text.replace("&", "").lower())
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return cleaned.strip("-")


def close(window: QWidget) -> None:
    """Closed as locking closes it: nothing typed is saved, nobody is asked."""
    quietly = getattr(window, "close_quietly", None)
    if quietly is not None:
        quietly()
    elif isinstance(window, QDialog):
        QDialog.done(window, QDialog.DialogCode.Rejected)
    else:
        window.close()
    settle()


def _shown_windows() -> set[QWidget]:
    return {w for w in QApplication.topLevelWidgets() if w.isVisible()}


def _opened_by(action: Callable[[], object]) -> QWidget | None:
    """The window ``action`` opens (the newest one on screen afterwards), if any."""
    before = _shown_windows()
    action()
    settle()
    new = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before]
    dialogs = [w for w in new if isinstance(w, QDialog)]
    return (dialogs or new or [None])[-1]


def _visit(name: str, action: Callable[[], object]) -> Iterator[Stop]:
    """Open a window with ``action``, show it, close it."""
    window = _opened_by(action)
    if window is None:
        return
    yield name, window
    close(window)


def _wizard_pages(name: str, wizard: QWizard) -> Iterator[Stop]:
    """A wizard at its first page (the later ones need what is typed on the first: the
    screen-size test lays each of them out at the size of the first)."""
    yield name, wizard


def main_window_tour(window: MainWindow) -> Iterator[Stop]:
    """Every page and tab, then what each page's buttons open."""
    yield from page_tour(window)
    yield from _incident_windows(window)
    yield from _people_windows(window)
    yield from _agreement_windows(window)
    yield from _report_windows(window)
    yield from _settings_windows(window)
    yield from _visit("about", window.show_about)


def page_tour(window: MainWindow) -> Iterator[Stop]:
    for page in window.pages:
        title = page.title  # type: ignore[attr-defined]
        window.show_page(title)
        settle()
        table = getattr(page, "table", None)
        has_panel = hasattr(page, "select") or hasattr(page, "panel")
        if table is not None and has_panel and table.model().rowCount():
            table.selectRow(0)  # the first person or case, in its panel
            settle()
        tabs = getattr(page, "tabs", None)
        if tabs is None:
            yield slug(title), window
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            settle()
            yield f"{slug(title)}-{slug(tabs.tabText(index))}", window
    window.show_page("People")
    window.people.kind.setCurrentIndex(window.people.kind.findData("pupil"))
    window.go_to(_target("TRANSFERS"))  # a pupil who has left, with the file sent on
    settle()
    panel = window.people.panel
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        settle()
        yield f"people-pupil-{slug(panel.tabs.tabText(index))}", window
    window.people.show_left.setChecked(False)
    window.people.kind.setCurrentIndex(0)


def _target(name: str) -> Target:
    from esafety_desktop.services.dashboard import Target

    return Target[name]


def _incident_windows(window: MainWindow) -> Iterator[Stop]:
    page = window.incidents
    window.show_page(page.title)
    settle()
    page.table.selectRow(0)
    settle()
    actions = page.case_actions
    opened = _opened_by(page.new_button.click)
    if isinstance(opened, QWizard):
        yield from _wizard_pages("incident-wizard", opened)
        close(opened)
    yield from _carry_on(window)
    for name, button in (
        ("add-an-action", actions.action_button),
        ("add-evidence", actions.evidence_button),
        ("device-or-site-review", actions.review_button),
        ("change-status", actions.status_button),
        ("print-the-record", actions.print_button),
        ("review-pack-for-the-head", page.pack_button),
    ):
        if button.isVisible():
            yield from _visit(name, button.click)
    if actions.status_button.isVisible():
        dialog = _opened_by(actions.status_button.click)
        if dialog is not None:
            status = dialog.status  # type: ignore[attr-defined]
            status.setCurrentIndex(status.findText("Closed"))
            settle()
            yield "change-status-to-closed", dialog
            close(dialog)


def _carry_on(window: MainWindow) -> Iterator[Stop]:
    """Carrying a case on: the first open case whose next step is a question, and the first
    whose next step is an action."""
    from esafety_desktop.domain.incidents import IncidentStatus
    from esafety_desktop.services import incidents
    from esafety_desktop.ui.incidents.carry_on import CarryOnDialog, steps_to_offer
    from esafety_desktop.ui.incidents.case_actions import _carry_on_start

    me = window.signed_in
    if not window.incidents.case_actions.carry_on_button.isVisible():
        return
    chart = incidents.shipped_flowchart()
    kinds_shown: set[str] = set()
    for case in window.incidents.all_rows:
        if case.status is IncidentStatus.CLOSED:
            continue
        plan, settings, holders = _carry_on_start(me, case.id)
        offered = steps_to_offer(plan)
        if not offered or offered[0][0].kind in kinds_shown:
            continue
        step = offered[0][0]
        kinds_shown.add(step.kind)
        contacts = {c.key: c for c in settings.contacts}
        dialog = CarryOnDialog(me, case, chart, step, contacts, holders, window.incidents)
        yield from _visit(f"carry-on-{step.kind}", dialog.open)
        if len(kinds_shown) == 2:
            return


def _people_windows(window: MainWindow) -> Iterator[Stop]:
    page = window.people
    window.show_page(page.title)
    page.kind.setCurrentIndex(page.kind.findData("pupil"))
    settle()
    page.table.selectRow(0)
    settle()
    panel = page.panel
    for name, button in (
        ("add-a-person", page.add_button),
        ("edit-a-pupil", panel.edit_button),
        ("mark-as-left", panel.left_button),
        ("link-a-parent-or-carer", panel.link_button),
        ("record-a-signed-form", panel.agreement_tab.record_button),
        ("record-the-file-sent", panel.transfer_tab.send_button),
    ):
        if not button.isHidden():
            yield from _visit(name, button.click)
    wizard = _opened_by(page.import_button.click) if page.import_button.isVisible() else None
    if isinstance(wizard, QWizard):
        yield from _wizard_pages("import-from-the-mis", wizard)
        close(wizard)
    page.kind.setCurrentIndex(0)
    settle()


def _agreement_windows(window: MainWindow) -> Iterator[Stop]:
    page = window.agreements
    window.show_page(page.title)
    settle()
    if not page.record_button.isVisible():
        return
    yield from _visit("record-returned-forms", page.record_button.click)
    yield from _visit("print-the-agreements-summary", page.summary_button.click)
    versions = _opened_by(page.versions_button.click)
    if versions is None:
        return
    yield "agreements-and-versions", versions
    new_button = versions.new_button  # type: ignore[attr-defined]
    yield from _visit("new-agreement-version", new_button.click)
    close(versions)


def _report_windows(window: MainWindow) -> Iterator[Stop]:
    page = window.reports
    window.show_page(page.title)
    settle()
    yield from _visit("governors-report", page.governors_button.click)


def _settings_windows(window: MainWindow) -> Iterator[Stop]:
    settings = window.settings
    window.show_page(settings.title)
    settle()
    accounts = settings.accounts_tab
    if accounts is not None:
        settings.show_tab(accounts)
        accounts.table.selectRow(0)
        yield from _visit("add-an-account", accounts.add_button.click)
        yield from _visit("reset-a-password", accounts.reset_button.click)
    settings.show_tab(settings.my_account_tab)
    yield from _visit("change-my-password", settings.my_account_tab.change_button.click)
    settings.show_tab(settings.backups_tab)
    yield from _visit("restore-from-a-backup", lambda: _restore_wizard(window).open())


def _restore_wizard(window: MainWindow) -> QWizard:
    """As the controller opens it from Settings › Backups."""
    from esafety_desktop.services import backups
    from esafety_desktop.ui.restore_wizard import RestoreWizard

    me = window.signed_in
    return RestoreWizard(
        me.path,
        places=[backups.local_root(me.path)],
        database_id=me.database.database_id,
        replaces_existing=True,
        account=me.account.username,
        parent=window,
    )


def door_tour(database: Path, demo_sign_in: tuple[str, str]) -> Iterator[Stop]:
    """The windows before signing in: the sign-in screen and what it opens, the setup wizard,
    the restore wizard for a new PC, and the window that opens a review pack."""
    from esafety_desktop.ui.unlock_window import UnlockWindow

    unlock = UnlockWindow(
        database, school_hint="Oakfield Primary School (demo)", demo_sign_in=demo_sign_in
    )
    unlock.show()
    settle()
    yield "sign-in", unlock
    yield from _visit("use-the-recovery-key", unlock.ui.recoveryButton.click)
    close(unlock)
    unlock.deleteLater()

    from esafety_desktop.ui.setup_wizard import SetupWizard

    with tempfile.TemporaryDirectory() as folder:
        setup = SetupWizard(Path(folder) / "school.db")
        setup.show()
        settle()
        yield from _wizard_pages("set-up", setup)
        close(setup)
        setup.deleteLater()

    from esafety_desktop.ui.restore_wizard import RestoreWizard

    with tempfile.TemporaryDirectory() as folder:
        from esafety_desktop.services import backups

        restore = RestoreWizard(
            Path(folder) / "school.db",
            places=[backups.local_root(database)],
            database_id=None,
            replaces_existing=False,
        )
        restore.show()
        settle()
        yield from _wizard_pages("restore-on-a-new-pc", restore)
        close(restore)
        restore.deleteLater()

    from esafety_desktop.ui.review_window import ReviewOpenWindow

    opening = ReviewOpenWindow(no_school_here=True)
    opening.show()
    settle()
    yield "open-a-review-pack", opening
    close(opening)
    opening.deleteLater()


def review_tour(signed_in: SignedIn, parent: QWidget) -> Iterator[Stop]:
    """Review mode on a pack of the open cases, its passphrase, and the pack coming back."""
    from esafety_desktop.domain.incidents import IncidentStatus
    from esafety_desktop.services import incidents, review_packs
    from esafety_desktop.ui.review_pack_dialogs import ImportReviewDialog, PassphraseDialog
    from esafety_desktop.ui.review_window import EvidenceFilesDialog, ReviewWindow

    cases = [
        c.id for c in incidents.list_incidents(signed_in) if c.status is not IncidentStatus.CLOSED
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"tour{review_packs.PACK_SUFFIX}"
        exported = review_packs.export_review_pack(
            signed_in, cases, "Chris Evans", path, with_files=True
        )
        yield from _visit("review-pack-passphrase", PassphraseDialog(exported, parent).open)
        pack = review_packs.open_for_review(path, exported.passphrase)
        try:
            review = ReviewWindow(pack)
            review.show()
            settle()
            yield "review-mode", review
            with_files = next(
                (
                    row
                    for row in range(review.cases_model.rowCount())
                    if pack.evidence_files(review.cases_model.row_at(row).incident_id)
                ),
                None,
            )
            if with_files is not None:
                review.cases.setCurrentIndex(review.cases_model.index(with_files, 0))
                settle()
                yield from _visit("review-mode-evidence-files", review.files_button.click)
            else:  # the demo keeps no screenshots: two made up for the window
                files = EvidenceFilesDialog([_picture("post.png"), _picture("chat.png")], review)
                yield from _visit("review-mode-evidence-files", files.open)
            first = review.cases_model.row_at(0).incident_id
            pack.add(first, review_packs.COMMENT, reviewer="Chris Evans", text="Agreed.")
            review.hide()
            review.deleteLater()
        finally:
            with contextlib.suppress(Exception):
                pack.close()
        returned = review_packs.read_returned_pack(signed_in, path)
        yield from _visit("import-a-review", ImportReviewDialog(signed_in, returned, parent).open)


def _picture(name: str) -> tuple[str, bytes]:
    """A screenshot's worth of grey, as the PNG file an evidence file would be."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(1600, 1000, QImage.Format.Format_RGB32)
    image.fill(QColor("#9e9e9e"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; str works
    return name, bytes(data.data())
