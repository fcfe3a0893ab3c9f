"""Every model a page really uses, filled from a real school and checked by qtmodeltester as it
changes: filled, sorted on every column both ways, and after its filters change."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from esafety_desktop.domain.incidents import IncidentStatus
from esafety_desktop.services import agreements, backups, incidents, people, review_packs
from esafety_desktop.services.accounts import list_accounts
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.models import account_model
from esafety_desktop.ui.pages.agreements import AgreementsPage
from esafety_desktop.ui.pages.audit_log import AuditLogPage
from esafety_desktop.ui.pages.incidents import IncidentsPage
from esafety_desktop.ui.pages.people import PeoplePage
from esafety_desktop.ui.restore_wizard import backup_model
from esafety_desktop.ui.review_pack_dialogs import ExportPackDialog, ImportReviewDialog
from esafety_desktop.ui.review_window import ReviewWindow
from tests.conftest import School, add_head
from tests.services.test_incidents import BULLYING, _new, _pupil
from tests.services.test_review_packs import _case, exported  # noqa: F401 - a fixture
from tests.ui.test_people_page import _import_invented

ModelCheck = Callable[[QAbstractItemModel, QWidget], None]


@pytest.fixture
def _windows(qapp: QApplication) -> Iterator[list[QWidget]]:
    """The windows a test makes, closed once qtmodeltester has let go of their models (a proxy
    is its page's child and goes with it)."""
    made: list[QWidget] = []
    yield made
    for window in made:
        window.close()
        window.deleteLater()


@pytest.fixture
def check(_windows: list[QWidget], qtmodeltester) -> ModelCheck:  # type: ignore[no-untyped-def]
    """``check(model, window)``: pytest-qt's Python model tester checks ``model`` now and after
    every change it signals; ``window``, which holds it, stays open until the tester lets go."""

    def check(model: QAbstractItemModel, window: QWidget) -> None:
        _windows.append(window)
        qtmodeltester.check(model, force_py=True)

    return check


def _sortable(model: QAbstractItemModel) -> QTableView:
    """A table that sorts ``model`` as a page's does, for a model tested without its page."""
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    return view


def _sort_every_way(view: QTableView) -> None:
    """Sort as a click on each heading does, both ways; the rows stay the same rows."""
    model = view.model()
    rows = model.rowCount()
    for column in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            view.sortByColumn(column, order)
            assert model.rowCount() == rows


def _cases(school: School) -> list[int]:
    """Three cases of two kinds, one of them moved on to monitoring."""
    bullying = incidents.record_incident(school.signed_in, _new(_pupil(school), BULLYING)).id
    incidents.change_status(
        school.signed_in, bullying, IncidentStatus.MONITORING, "Watching the group chat."
    )
    return [_case(school), _case(school, "A group chat turned unkind"), bullying]


def test_the_incidents_pages_cases(school: School, check: ModelCheck) -> None:
    first, _second, _bullying = _cases(school)
    page = IncidentsPage(school.signed_in)
    check(page.model, page)
    assert page.model.rowCount() == 3
    page.select(first)  # a chosen case is held through the sorting
    _sort_every_way(page.table)
    assert page.selected_id == first
    # The page filters in Python and shows only the matching cases: a new set of rows.
    page.model.set_rows([c for c in page.all_rows if c.id != first], in_order=True)
    assert page.model.rowCount() == 2
    page.model.set_rows([], in_order=True)
    page.model.set_rows(page.all_rows, in_order=True)
    page.select(first)
    incidents.add_note(school.signed_in, first, "Spoke to both parents.")
    page.case_updated(first)  # only its row changes
    _case(school, "A new concern about a gaming site")
    page.refresh()
    assert page.model.rowCount() == 4


@pytest.mark.parametrize("which", ["model", "proxy"])
def test_the_people_pages_table_and_its_filter(
    school: School, which: str, check: ModelCheck
) -> None:
    _import_invented(school, 40)
    page = PeoplePage(school.signed_in)
    model: QAbstractItemModel = getattr(page, which)
    check(model, page)
    assert model.rowCount() == 40
    page.table.selectRow(5)
    _sort_every_way(page.table)
    page.year.setCurrentIndex(page.year.findText("Reception"))
    page.flag_boxes["send"].setChecked(True)
    page.proxy.set_search(page.rows[3].surname[:3])
    page.apply_filters()
    _sort_every_way(page.table)
    page.proxy.set_search("no one is called this")
    page.apply_filters()
    assert page.proxy.rowCount() == 0
    page.year.setCurrentIndex(0)
    page.flag_boxes["send"].setChecked(False)
    page.proxy.set_search("")
    page.apply_filters()
    assert page.proxy.rowCount() == 40
    page.refresh()


@pytest.mark.parametrize("which", ["counts", "people"])
def test_the_agreements_pages_counts_and_people(
    school: School, which: str, check: ModelCheck
) -> None:
    _import_invented(school, 40)  # pupils in every year group and several classes
    agreements.issue_starter_agreements(school.signed_in, date(2024, 9, 1), "2024-25")
    every_third = [person.id for person in people.list_people(school.signed_in)][::3]
    agreements.record_signatures(school.signed_in, every_third, date.today())
    page = AgreementsPage(school.signed_in)
    model = getattr(page, which)
    check(model, page)
    assert model.rowCount() > 0
    _sort_every_way(page.counts_table)
    _sort_every_way(page.people_table)
    page.show_filter.setCurrentIndex(1)  # everyone
    page.counts_table.selectRow(1)  # one group's people
    page.show_filter.setCurrentIndex(0)
    page.counts_table.clearSelection()
    page.refresh()


@pytest.mark.parametrize("which", ["model", "proxy"])
def test_the_audit_log_and_its_proxy(school: School, which: str, check: ModelCheck) -> None:
    _cases(school)
    add_head(school)
    page = AuditLogPage(school.signed_in)
    model = getattr(page, which)
    check(model, page)
    everything = model.rowCount()
    assert everything > 5
    _sort_every_way(page.table)
    page.show_group("incident")
    assert 0 < model.rowCount() < everything
    _sort_every_way(page.table)
    page.show_group("")
    assert model.rowCount() >= everything


def test_the_restore_wizards_backups(school: School, check: ModelCheck) -> None:
    _cases(school)
    for kind in (backups.BY_HAND, backups.SIGN_OUT):
        backups.back_up(school.signed_in, kind, prune=False)
    found = backups.backups_in(backups.local_root(school.path))
    assert len(found) == 2
    model = backup_model()
    view = _sortable(model)
    check(model, view)
    model.set_rows(found)
    _sort_every_way(view)
    model.set_rows(found[:1])
    model.clear()


def test_the_accounts(school: School, check: ModelCheck) -> None:
    add_head(school)
    model = account_model()
    view = _sortable(model)
    check(model, view)
    model.set_rows(list_accounts(school.signed_in))
    assert model.rowCount() == 2
    _sort_every_way(view)


def _tick_box(view: QAbstractItemView, index: QModelIndex) -> QPoint:
    """The middle of the tick box the view draws for ``index``, in viewport coordinates."""
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.rect = view.visualRect(index)
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    return box.center()


def test_the_export_dialogs_cases_tick_by_keyboard_and_by_mouse(
    qtbot: QtBot, school: School, check: ModelCheck
) -> None:
    add_head(school)
    cases = _cases(school)
    dialog = ExportPackDialog(school.signed_in, None)
    model = dialog.cases_model
    check(model, dialog)
    dialog.show()
    assert sorted(dialog.chosen()) == sorted(cases)  # each is open and not signed off
    ids = [model.row_at(row).incident_id for row in range(model.rowCount())]
    dialog.cases.setFocus()
    dialog.cases.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(dialog.cases, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.cases, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.cases, Qt.Key.Key_Space)
    assert dialog.chosen() == ids[2:]
    qtbot.mouseClick(
        dialog.cases.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_tick_box(dialog.cases, model.index(0, 0)),
    )
    assert dialog.chosen() == [ids[0], ids[2]]
    model.sort(0, Qt.SortOrder.DescendingOrder)  # the ticks go with their cases
    assert sorted(dialog.chosen()) == sorted([ids[0], ids[2]])


def test_review_modes_cases(
    qtbot: QtBot,
    exported: review_packs.ExportedPack,  # noqa: F811 - the fixture
    check: ModelCheck,
) -> None:
    window = ReviewWindow(review_packs.open_for_review(exported.path, exported.passphrase))
    model = window.cases_model
    check(model, window)
    window.show()
    first, second = (model.row_at(row) for row in range(model.rowCount()))
    assert window.current_case() == first and first.reference in window.record.toPlainText()
    window.cases.setFocus()
    qtbot.keyClick(window.cases, Qt.Key.Key_Down)
    assert window.current_case() == second and second.reference in window.record.toPlainText()
    qtbot.mouseClick(window.reviewed_button, Qt.MouseButton.LeftButton)
    shown = f"{second.reference} · {second.incident_type} · reviewed"
    assert window.cases.currentIndex().data() == shown
    assert window.current_case() == dataclasses.replace(second, progress="reviewed")
    model.sort(0, Qt.SortOrder.DescendingOrder)  # the chosen case stays chosen
    assert window.current_case() == dataclasses.replace(second, progress="reviewed")
    dialogs.set_next_answer(None)  # "Return this pack to your DSL"
    window.close()


def test_the_reviewers_entries_to_import(
    school: School,
    exported: review_packs.ExportedPack,  # noqa: F811 - the fixture
    check: ModelCheck,
) -> None:
    pack = review_packs.open_for_review(exported.path, exported.passphrase)
    first, second = pack.cases()
    pack.add(first.incident_id, review_packs.COMMENT, reviewer="Pat Head", text="Agreed.")
    pack.add(second.incident_id, review_packs.REVIEWED, reviewer="Pat Head")
    pack.close()
    returned = review_packs.read_returned_pack(school.signed_in, exported.path)
    dialog = ImportReviewDialog(school.signed_in, returned, None)
    model = dialog.entries_model
    check(model, dialog)
    rows = [model.row_at(row) for row in range(model.rowCount())]
    assert [(r.incident_id, r.reference) for r in rows] == [
        (first.incident_id, first.reference),
        (second.incident_id, second.reference),
    ]
    assert model.index(0, 2).data() == "Agreed."
    assert model.index(1, 1).data() == "Reviewed by Pat Head"
    _sort_every_way(dialog.table)
