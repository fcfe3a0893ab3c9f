"""Incidents: the cases this account may see, drafts to carry on with, and the chosen case.

The parts are in ``ui/incidents/``: the filters above the list (``filter_bar``), the case
itself (``case_view``) and the buttons that act on it (``case_actions``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.incidents import incident_type_name
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services import incidents
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import IncidentSummary
from esafety_desktop.ui.incidents.case_actions import CaseActions
from esafety_desktop.ui.incidents.case_view import CaseView
from esafety_desktop.ui.incidents.filter_bar import FilterBar
from esafety_desktop.ui.models import RecordTableModel, select_where
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import FlowLayout, shrinkable, size_columns

if TYPE_CHECKING:
    from esafety_desktop.ui.incident_wizard import WizardStart


def _cases_model() -> RecordTableModel[IncidentSummary]:
    return RecordTableModel(
        [
            ("Reference", lambda i: i.reference, lambda i: i.reference),
            ("Reported", lambda i: f"{i.reported_at:%d/%m/%Y %H:%M}", lambda i: i.reported_at),
            (
                "Type",
                lambda i: incident_type_name(i.incident_type),
                lambda i: i.incident_type or "",
            ),
            ("Status", lambda i: i.status.label, lambda i: i.status.value),
            ("What happened", lambda i: i.summary.splitlines()[0], lambda i: i.summary),
        ]
    )


def _cases_table(model: RecordTableModel[IncidentSummary]) -> QTableView:
    """Newest first; one case chosen at a time."""
    table = QTableView()
    table.setObjectName("incidentsTable")
    table.setAccessibleName("Cases")
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    size_columns(table, stretch=4)  # what happened takes the room left
    return table


class IncidentsPage(QWidget):
    title = "Incidents"
    listens_to = Changes.INCIDENTS | Changes.DRAFTS | Changes.PEOPLE

    def __init__(
        self, signed_in: SignedIn, parent: QWidget | None = None, *, in_background: bool = False
    ) -> None:
        """``in_background``: the cases are read on the worker (the main window: a large
        school's list takes a second to read, and signing in should not freeze meanwhile)."""
        super().__init__(parent)
        self.setObjectName("incidentsPage")
        self._signed_in = signed_in
        self._in_background = in_background
        self.can_record = can(signed_in.account.role, Permission.RECORD_INCIDENTS)
        self.new_button = QPushButton("&Record an incident…")
        self.drafts = QComboBox()
        self.drafts.setAccessibleName("Drafts")
        self.resume_button = QPushButton("Carr&y on with this draft")
        for widget in (self.new_button, self.drafts, self.resume_button):
            widget.setVisible(self.can_record)
        self.pack_button = QPushButton("Review pac&k for the head…")
        self.import_review_button = QPushButton("Import a revie&w…")
        for widget in (self.pack_button, self.import_review_button):
            widget.setVisible(can(signed_in.account.role, Permission.EXPORT_REVIEW_PACKS))
        self.model = _cases_model()
        # Filtering and sorting happen in Python on the whole list (quick even for 20,000
        # cases); the model holds just the matching cases and the view shows it directly.
        self.all_rows: list[IncidentSummary] = []
        self.filters = FilterBar(signed_in)
        self.table = _cases_table(self.model)
        self.case = CaseView(signed_in)
        self.case_actions = CaseActions(signed_in, self._selected_case)
        self.count = QLabel()
        self._lay_out()

        # Bound methods, never lambdas that hold the page: PySide disconnects a bound method
        # when its object goes, while a lambda can outlive the page and crash on exit.
        self.new_button.clicked.connect(self.new_incident)
        self.resume_button.clicked.connect(self.resume_draft)
        self.pack_button.clicked.connect(self.export_pack)
        self.import_review_button.clicked.connect(self.import_review)
        self.filters.changed.connect(self.apply_filters)
        # All cases are kept in the table's order, so each search need not sort again.
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sorted)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.case_actions.case_changed.connect(self._case_changed)
        self.selected_id: int | None = None
        self._choose_again: str | None = None  # a case moved (restricted): its reference
        self.refresh()

    def _lay_out(self) -> None:
        actions = QWidget()
        flow = FlowLayout(actions)  # wraps on a laptop when drafts are shown
        for widget in (
            self.new_button,
            self.pack_button,
            self.import_review_button,
            self.drafts,
            self.resume_button,
        ):
            flow.addWidget(widget)
        shrinkable(self.drafts, letters=24)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.case, 1)
        right_layout.addWidget(self.case_actions)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 500])
        layout = QVBoxLayout(self)
        layout.addWidget(actions)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        if not self._in_background:
            self._show_cases(incidents.list_incidents(self._signed_in))
            return
        self.count.setText("Reading the cases…")
        Operation(
            self,
            partial(incidents.list_incidents, self._signed_in),
            Changes.NOTHING,
            on_done=self._show_cases,
            problem_title="The cases could not be read",
        ).run()

    def _show_cases(self, cases: list[IncidentSummary]) -> None:
        self.all_rows = self.model.in_order(cases)
        self.filters.fill_choices(self.all_rows)
        self.apply_filters()
        self._refresh_drafts()
        reference, self._choose_again = self._choose_again, None
        if reference is not None:
            select_where(self.table, self.model, lambda shown: shown.reference == reference)

    def _refresh_drafts(self) -> None:
        if self.can_record:
            drafts = incidents.my_drafts(self._signed_in)
            self.drafts.clear()
            for draft in drafts:
                self.drafts.addItem(
                    f"{draft.label} (saved {draft.updated_at:%d/%m %H:%M})", draft.id
                )
            for widget in (self.drafts, self.resume_button):
                widget.setVisible(bool(drafts))

    def apply_filters(self) -> None:
        chosen = self.filters.chosen()
        shown_rows = [case for case in self.all_rows if chosen.matches(case)]
        selected = self.selected_id
        self.model.set_rows(shown_rows, in_order=True)
        if selected is not None:
            self.select(selected)
        shown, total = len(shown_rows), len(self.all_rows)
        noun = "case" if total == 1 else "cases"
        counted = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        if chosen.too_short_to_search:
            counted += " · type two or more letters to search"
        self.count.setText(counted)

    def _sorted(self, _column: int, _order: Qt.SortOrder) -> None:
        self.all_rows = self.model.in_order(self.all_rows)

    def new_incident(self) -> None:
        self.open_wizard(None)

    def resume_draft(self) -> None:
        self.open_wizard(self.drafts.currentData())

    def open_wizard(self, draft_id: int | None) -> None:
        """The register and the draft are read on the worker; then the wizard opens."""
        from esafety_desktop.ui.incident_wizard import wizard_start

        Operation(
            self,
            partial(wizard_start, self._signed_in, draft_id),
            Changes.NOTHING,
            on_done=partial(self._show_wizard, draft_id),
            problem_title="The incident wizard could not open",
        ).run()

    def _show_wizard(self, draft_id: int | None, start: WizardStart) -> None:
        from esafety_desktop.ui.incident_wizard import IncidentWizard

        self.wizard = IncidentWizard(self._signed_in, draft_id=draft_id, parent=self, start=start)
        self.wizard.recorded.connect(self._recorded)
        self.wizard.finished.connect(self._wizard_closed)
        self.wizard.open()

    def _wizard_closed(self, _result: int) -> None:
        self._refresh_drafts()

    def _recorded(self, case: IncidentSummary) -> None:
        """A new case: added to the list where it belongs, without reloading every case."""
        self.all_rows = self.model.in_order([case, *self.all_rows])
        self.filters.fill_choices(self.all_rows)
        self.apply_filters()
        self.select(case.id)

    def _case_changed(self, incident_id: int) -> None:
        """After a change to a case: its row (and the case view if it is still the one
        chosen), as it now stands."""
        self.case_updated(incident_id)

    def case_updated(self, incident_id: int) -> None:
        """Only this case is read again; the other rows stay as they are."""
        case = incidents.incident_summary(self._signed_in, incident_id)
        at = next((n for n, c in enumerate(self.all_rows) if c.id == incident_id), None)
        if at is None or case is None:
            # New to this account, no longer to be seen, or moved: a case restricted as it
            # went on is sealed under a new id, and chosen again by its reference.
            if at is not None and self.selected_id == incident_id:
                self._choose_again = self.all_rows[at].reference
            self.refresh()
            return
        self.all_rows[at] = case
        row = self.model.row_where(lambda shown: shown.id == incident_id)
        if row is not None:
            self.model.replace_row(row, case)
        if self.selected_id == incident_id:
            self.show_case(case)

    def select(self, incident_id: int) -> None:
        select_where(self.table, self.model, lambda case: case.id == incident_id)

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        case = self.model.row_at(rows[0].row())
        self.selected_id = case.id
        self.case_actions.enable()
        self.show_case(case)

    def show_case(self, case: IncidentSummary) -> None:
        self.case.show_case(case)

    def _selected_case(self) -> IncidentSummary | None:
        if self.selected_id is None:
            return None
        return next((c for c in self.all_rows if c.id == self.selected_id), None)

    def export_pack(self) -> None:
        from esafety_desktop.ui.review_pack_dialogs import ExportPackDialog

        self.pack_dialog = ExportPackDialog(self._signed_in, self)
        self.pack_dialog.open()

    def import_review(self) -> None:
        from esafety_desktop.ui.review_pack_dialogs import import_returned_pack

        self.import_dialog = import_returned_pack(self, self._signed_in)
        if self.import_dialog is not None:
            self.import_dialog.accepted.connect(self._review_imported)

    def _review_imported(self) -> None:
        self.refresh()
        if self.selected_id is not None:
            self.select(self.selected_id)
