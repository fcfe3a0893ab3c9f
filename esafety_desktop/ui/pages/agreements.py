"""Agreements: who has signed the Acceptable Use Agreement, who has not and why, the forms to
print, the returned forms to record, and the list IT needs of who may log on."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.aup import Audience
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services import agreements
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements import CoverageCount, PersonCoverage
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.models import RecordTableModel
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.pdf_preview import PreviewLater
from esafety_desktop.ui.sizing import FlowLayout, labelled, size_columns

EVERYONE = "Everyone"


def _table(model: RecordTableModel[object], name: str, spoken: str) -> QTableView:
    """``spoken``: what a screen reader calls the table."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(spoken)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


def _who(row: PersonCoverage) -> str:
    """Where they belong; staff and visitors without an agreement are flagged."""
    if row.kind in ("staff", "visitor") and not row.coverage.covered:
        return f"{agreements.place(row)}: no system access"
    return agreements.place(row)


class AgreementsPage(QWidget):
    title = "Agreements"
    listens_to = Changes.AGREEMENTS | Changes.PEOPLE | Changes.SETTINGS

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementsPage")
        self._signed_in = signed_in
        self.can_keep = can(signed_in.account.role, Permission.KEEP_AGREEMENTS)
        self.rows: list[PersonCoverage] = []
        self.chosen_group = EVERYONE

        self.none_issued = QLabel(
            "<b>No Acceptable Use Agreements have been issued yet.</b> Start from the app's "
            "agreements for staff and volunteers, pupils (younger and older), parents and "
            "carers, and visitors; change their wording under <i>Agreements and versions</i>."
        )
        self.none_issued.setWordWrap(True)
        self.issue_button = QPushButton("&Issue the starter agreements…")
        self.record_button = QPushButton("&Record returned forms…")
        self.forms_button = QPushButton("&Print forms")
        forms_menu = QMenu(self.forms_button)
        self.class_forms_action = forms_menu.addAction("For one class…")
        self.all_forms_action = forms_menu.addAction("For every class")
        self.visitor_forms_action = forms_menu.addAction("Blank forms for visitors")
        self.staff_forms_action = forms_menu.addAction("Blank forms for staff and volunteers")
        self.forms_button.setMenu(forms_menu)
        self.summary_button = QPushButton("Print the &summary…")
        self.cleared_button = QPushButton("Cleared for system &access")
        cleared_menu = QMenu(self.cleared_button)
        self.print_cleared_action = cleared_menu.addAction("Print who may log on…")
        self.print_not_cleared_action = cleared_menu.addAction("Print who may not log on…")
        self.save_cleared_action = cleared_menu.addAction("Save as a spreadsheet (CSV)…")
        self.cleared_button.setMenu(cleared_menu)
        self.versions_button = QPushButton("Agreements and &versions…")
        for widget in (
            self.issue_button,
            self.record_button,
            self.forms_button,
            self.cleared_button,
            self.versions_button,
        ):
            widget.setVisible(self.can_keep)

        self.counts: RecordTableModel[CoverageCount] = RecordTableModel(
            [
                ("Group", lambda c: c.group, lambda c: c.group),
                ("Signed", lambda c: str(c.signed), lambda c: c.signed),
                ("Of", lambda c: str(c.total), lambda c: c.total),
                ("Covered", lambda c: f"{c.percent}%", lambda c: c.percent),
            ]
        )
        self.counts_table = _table(self.counts, "coverageTable", "Agreements signed, by group")  # type: ignore[arg-type]
        size_columns(self.counts_table, whole=True)
        self.show_filter = QComboBox()
        self.show_filter.setAccessibleName("Show")
        self.show_filter.addItem("Outstanding only", False)
        self.show_filter.addItem("Everyone", True)
        today = self._signed_in.clock.today()
        self.people: RecordTableModel[PersonCoverage] = RecordTableModel(
            [
                ("Name", lambda r: r.name, lambda r: r.name),
                ("Who", _who, agreements.place),
                ("Agreement", lambda r: r.coverage.reason, lambda r: r.coverage.reason),
                (
                    "Days overdue",
                    lambda r: str(r.coverage.days_overdue(today)) if not r.coverage.covered else "",
                    lambda r: r.coverage.days_overdue(today),
                ),
            ]
        )
        self.people_table = _table(self.people, "outstandingTable", "People and their agreements")  # type: ignore[arg-type]
        # Sized to the first few hundred rows only: every row would be slow in a large school.
        size_columns(self.people_table, stretch=2)  # why not covered takes the room left
        self.people_table.setSortingEnabled(True)
        self.people_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.count = QLabel()

        top = QWidget()
        flow = FlowLayout(top)  # wraps on a laptop
        for widget in (
            self.record_button,
            self.forms_button,
            self.summary_button,
            self.cleared_button,
            self.versions_button,
        ):
            flow.addWidget(widget)
        banner = QHBoxLayout()
        banner.addWidget(self.none_issued, 1)
        banner.addWidget(self.issue_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(labelled("Sho&w", self.show_filter), 0, Qt.AlignmentFlag.AlignLeft)
        right_layout.addWidget(self.people_table, 1)
        right_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(self.counts_table)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.counts_table.minimumWidth(), 800])
        layout = QVBoxLayout(self)
        layout.addWidget(top)
        layout.addLayout(banner)
        layout.addWidget(splitter, 1)

        self.issue_button.clicked.connect(self.issue_starters)
        self.record_button.clicked.connect(self.record_returned)
        self.class_forms_action.triggered.connect(self.print_class_forms)
        self.all_forms_action.triggered.connect(self.print_all_forms)
        self.visitor_forms_action.triggered.connect(self.print_visitor_forms)
        self.staff_forms_action.triggered.connect(self.print_staff_forms)
        self.summary_button.clicked.connect(self.print_summary)
        self.print_cleared_action.triggered.connect(self.print_cleared)
        self.print_not_cleared_action.triggered.connect(self.print_not_cleared)
        self.save_cleared_action.triggered.connect(self.save_cleared)
        self.versions_button.clicked.connect(self.manage_versions)
        self.show_filter.currentIndexChanged.connect(self._show_people)
        self.counts_table.selectionModel().selectionChanged.connect(self._group_chosen)
        self.refresh()

    # -- showing -------------------------------------------------------------------------

    def refresh(self) -> None:
        issued = bool(agreements.list_versions(self._signed_in))
        self.none_issued.setVisible(not issued)
        self.issue_button.setVisible(not issued and self.can_keep)
        self.rows = agreements.register(self._signed_in)
        self.counts.set_rows(agreements.coverage_counts(self.rows))
        self._show_people()

    def _group_chosen(self) -> None:
        chosen = self.counts_table.selectionModel().selectedRows()
        self.chosen_group = (
            self.counts.row_at(chosen[0].row()).group.strip() if chosen else EVERYONE
        )
        self._show_people()

    def _in_group(self, row: PersonCoverage) -> bool:
        group = self.chosen_group
        if group == EVERYONE or group == row.audience.label:
            return True
        if group.startswith("Class "):
            return row.kind == "pupil" and f"Class {row.class_name}" == group
        from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS

        return row.kind == "pupil" and YEAR_GROUP_LABELS.get(row.year_group or "") == group

    def _show_people(self) -> None:
        everyone = bool(self.show_filter.currentData())
        shown = [r for r in self.rows if self._in_group(r) and (everyone or not r.coverage.covered)]
        self.people.set_rows(shown)
        outstanding = sum(1 for r in shown if not r.coverage.covered)
        where = "" if self.chosen_group == EVERYONE else f" in {self.chosen_group}"
        self.count.setText(f"{outstanding} outstanding{where}, of {len(shown)} shown")

    # -- recording -----------------------------------------------------------------------

    def issue_starters(self) -> None:
        from esafety_desktop.domain.school_year import school_year_containing

        year = school_year_containing(
            self._signed_in.clock.today(), agreements.school_year_start(self._signed_in)
        )
        if not dialogs.ask(
            self,
            "Issue the starter agreements",
            f"Issue the app's five agreements as version {year.label}, in force from "
            f"{year.start:%d/%m/%Y}? You can change their wording until the first person signs.",
            yes="Issue them",
        ):
            return
        Operation(
            self,
            partial(agreements.issue_starter_agreements, self._signed_in, year.start, year.label),
            Changes.AGREEMENTS,
            on_done=self._changed,
            problem_title="The agreements were not issued",
        ).run()

    def _changed(self, _result: object = None) -> None:
        self.refresh()

    def record_returned(self) -> None:
        from esafety_desktop.ui.agreement_dialogs import ReturnedFormsDialog

        group = None if self.chosen_group == EVERYONE else self.chosen_group
        if group and not group.startswith("Class ") and group not in {a.label for a in Audience}:
            group = None
        self.dialog: QDialog = ReturnedFormsDialog(self._signed_in, self.rows, group, self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()

    def manage_versions(self) -> None:
        from esafety_desktop.ui.agreement_dialogs import VersionsDialog

        self.dialog = VersionsDialog(self._signed_in, self)
        self.dialog.finished.connect(self._versions_closed)
        self.dialog.open()

    def _versions_closed(self, _result: int) -> None:
        self.refresh()

    # -- printing ------------------------------------------------------------------------

    def _preview(self, make: Callable[[], bytes], title: str, file_name: str) -> None:
        """Made on the worker (every class's forms take seconds in a big school)."""
        PreviewLater(
            self, self._signed_in, make, title, file_name, then=partial(setattr, self, "preview")
        )

    def print_class_forms(self) -> None:
        classes = agreements.classes(self._signed_in)
        if not classes:
            dialogs.inform(self, "No classes", "No pupils on roll have a class yet.")
            return
        current = self.chosen_group.removeprefix("Class ")
        chosen = dialogs.choose(self, "Print forms", "Print the forms for class:", classes, current)
        if chosen:
            self._preview(
                lambda: agreements.pupil_forms(self._signed_in, chosen),
                f"Agreement forms, class {chosen}",
                f"agreement-forms-{chosen}.pdf",
            )

    def print_all_forms(self) -> None:
        self._preview(
            lambda: agreements.pupil_forms(self._signed_in),
            "Agreement forms, every class",
            "agreement-forms-all-classes.pdf",
        )

    def print_visitor_forms(self) -> None:
        self._preview(
            lambda: agreements.blank_forms(self._signed_in, Audience.VISITORS, copies=5),
            "Agreement forms for visitors",
            "agreement-forms-visitors.pdf",
        )

    def print_staff_forms(self) -> None:
        self._preview(
            lambda: agreements.blank_forms(self._signed_in, Audience.STAFF, copies=5),
            "Agreement forms for staff and volunteers",
            "agreement-forms-staff.pdf",
        )

    def print_summary(self) -> None:
        self._preview(
            lambda: agreements.coverage_summary(self._signed_in),
            "Acceptable Use Agreement coverage",
            f"agreement-coverage-{self._signed_in.clock.today():%Y-%m-%d}.pdf",
        )

    def print_cleared(self) -> None:
        self._preview(
            lambda: agreements.cleared_list(self._signed_in),
            "Cleared for system access",
            f"cleared-for-access-{self._signed_in.clock.today():%Y-%m-%d}.pdf",
        )

    def print_not_cleared(self) -> None:
        self._preview(
            lambda: agreements.not_cleared_list(self._signed_in),
            "Not cleared for system access",
            f"not-cleared-for-access-{self._signed_in.clock.today():%Y-%m-%d}.pdf",
        )

    def save_cleared(self) -> None:
        from pathlib import Path

        name = dialogs.save_file_name(
            self,
            "Save the cleared-for-access list",
            f"cleared-for-access-{self._signed_in.clock.today():%Y-%m-%d}.csv",
            "Spreadsheet (*.csv)",
        )
        if not name:
            return
        if not dialogs.ask(
            self,
            "Save an unencrypted copy?",
            "The list names staff, pupils and visitors. Once saved it is not encrypted: give "
            "it to IT and delete it when they have finished.",
            yes="Save it",
        ):
            return
        Operation(
            self,
            partial(agreements.save_cleared_csv, self._signed_in, Path(name)),
            Changes.AUDIT,
            on_done=partial(self._saved, name),
            problem_title="The list was not saved",
        ).run()

    def _saved(self, name: str, _result: object) -> None:
        dialogs.inform(self, "Saved", f"The list was saved to {name}.")
