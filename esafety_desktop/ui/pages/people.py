"""The people register: a filterable table on the left, the chosen person on the right."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS, YEAR_GROUPS
from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.services import people
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import PersonIncident, incidents_about
from esafety_desktop.services.people import LinkedPerson, PersonDetails, PersonForm, PersonRow
from esafety_desktop.services.settings import school_settings
from esafety_desktop.ui.models import RecordTableModel, select_where
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.people_models import FLAGS, PeopleFilter, people_model
from esafety_desktop.ui.person_dialogs import LeaverDialog, LinkDialog, PersonDialog, show_date
from esafety_desktop.ui.search_box import SearchBox
from esafety_desktop.ui.sizing import FlowLayout, button_row, labelled, size_columns

ANY = "Any"


class PeoplePage(QWidget):
    """``case_chosen`` carries the id of a case opened from the person's Incidents tab."""

    title = "People"
    listens_to = Changes.PEOPLE | Changes.INCIDENTS | Changes.AGREEMENTS
    case_chosen = Signal(int)

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peoplePage")
        self._signed_in = signed_in
        self.signed_in = signed_in
        self.pupil_word = school_settings(signed_in).pupil_word
        self.can_change = can(signed_in.account.role, Permission.MANAGE_PEOPLE)
        self.rows: list[PersonRow] = []

        self.search = SearchBox("Search names, UPN, admission number, class…", "Search people")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type")
        self.kind.addItem("Everyone", None)
        for kind in PersonKind:
            self.kind.addItem(kind.label(self.pupil_word) + "s", kind.value)
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year = QComboBox()
        self.year.setAccessibleName("Year")
        self.class_box = QComboBox()
        self.class_box.setAccessibleName("Class")
        self.flag_boxes = {key: QCheckBox(label) for key, label in FLAGS.items()}
        self.possible_leavers = QCheckBox("Possible leavers")
        self.show_left = QCheckBox("Leavers too")
        self.count = QLabel()

        self.model: RecordTableModel[PersonRow] = people_model(self.pupil_word)
        self.proxy = PeopleFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("peopleTable")
        self.table.setAccessibleName("People")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        size_columns(self.table, prose=(6,))  # names whole; no column wider than it needs

        self.panel = PersonPanel(self)
        self.add_button = QPushButton("&Add…")
        self.import_button = QPushButton("&Import from MIS…")
        for button in (self.add_button, self.import_button):
            button.setVisible(self.can_change)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.count)
        # The filters wrap onto a second line when the list is narrow (a laptop).
        filters = QWidget()
        flow = FlowLayout(filters)
        for label, box in (("Type", self.kind), ("Year", self.year), ("Class", self.class_box)):
            flow.addWidget(labelled(label, box))
        for flag in (*self.flag_boxes.values(), self.possible_leavers, self.show_left):
            flow.addWidget(flag)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(button_row(self.add_button, self.import_button))
        left_layout.addLayout(search_row)
        left_layout.addWidget(filters)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        # Typing waits for a pause of 150 ms before filtering, so fast typists never wait.
        self.search.settled.connect(self._apply_search)
        for box in (self.kind, self.year, self.class_box):
            box.currentIndexChanged.connect(self.apply_filters)
        for flag in (*self.flag_boxes.values(), self.possible_leavers, self.show_left):
            flag.toggled.connect(self.apply_filters)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.add_button.clicked.connect(self.add_person)
        self.import_button.clicked.connect(self.import_people)
        self.refresh()

    # -- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.panel.person.id if self.panel.person else None
        self.rows = people.list_people(self._signed_in)
        self.proxy.source_reset(self.rows)
        self.model.set_rows(self.rows)
        self._fill_choices()
        self.apply_filters()
        if chosen is not None:
            self.select_person(chosen)

    def _fill_choices(self) -> None:
        years = sorted({r.year_group for r in self.rows if r.year_group}, key=YEAR_GROUPS.index)
        classes = sorted({r.class_name for r in self.rows if r.class_name})
        for box, values, labels in (
            (self.year, years, [YEAR_GROUP_LABELS[y] for y in years]),
            (self.class_box, classes, classes),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(ANY, None)
            for value, label in zip(values, labels, strict=True):
                box.addItem(label, value)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.blockSignals(False)

    def _apply_search(self) -> None:
        self.proxy.set_search(self.search.text())
        self.apply_filters()

    def apply_filters(self) -> None:
        kind = self.kind.currentData()
        self.proxy.kind = PersonKind(kind) if kind else None
        self.proxy.year = self.year.currentData()
        self.proxy.class_name = self.class_box.currentData()
        self.proxy.needs = {key for key, box in self.flag_boxes.items() if box.isChecked()}
        self.proxy.only_possible_leavers = self.possible_leavers.isChecked()
        self.proxy.show_left = self.show_left.isChecked() or self.possible_leavers.isChecked()
        self.proxy.apply()
        shown, total = self.proxy.rowCount(), len(self.rows)
        self.count.setText(f"{shown} of {total}")

    def shown_names(self) -> list[str]:
        return [self.proxy.index(r, 0).data() for r in range(self.proxy.rowCount())]

    def select_person(self, person_id: int) -> None:
        select_where(self.table, self.model, lambda row: row.id == person_id)

    def _selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.model.row_at(self.proxy.mapToSource(rows[0]).row())
        self._showing = row.id
        # Looking at a person is recorded in the audit log: read on the worker.
        Operation(
            self,
            partial(people.person_details, self._signed_in, row.id),
            Changes.AUDIT,
            on_done=partial(self._show_person, row),
            problem_title="The person could not be shown",
        ).run()

    def _show_person(self, row: PersonRow, details: PersonDetails) -> None:
        if self._showing == row.id:  # not another person chosen meanwhile
            self.panel.show_person(details, row)

    # -- actions -------------------------------------------------------------------------

    def add_person(self) -> None:
        self._changed_id: int | None = None

        def save(form: PersonForm) -> None:
            self._changed_id = people.add_person(self._signed_in, form)

        self.dialog: QDialog = PersonDialog(
            save,
            pupil_word=self.pupil_word,
            parent=self,
            today=self._signed_in.clock.today(),
        )
        self.dialog.accepted.connect(self._dialog_accepted)
        self.dialog.open()

    def edit_person(self, details: PersonDetails) -> None:
        self.dialog = PersonDialog(
            lambda form: people.update_person(self._signed_in, details.id, form),
            pupil_word=self.pupil_word,
            existing=details.form,
            parent=self,
            today=self._signed_in.clock.today(),
        )
        self._changed_id = details.id
        self.dialog.accepted.connect(self._dialog_accepted)
        self.dialog.open()

    def mark_left(self, details: PersonDetails) -> None:
        self.dialog = LeaverDialog(
            details.name,
            lambda when, where: people.mark_left(self._signed_in, details.id, when, where),
            self._signed_in.clock.today(),
            self,
        )
        self.show_left.setChecked(True)
        self._changed_id = details.id
        self.dialog.accepted.connect(self._dialog_accepted)
        self.dialog.open()

    def keep_on_roll(self, details: PersonDetails) -> None:
        Operation(
            self,
            partial(people.keep_on_roll, self._signed_in, details.id),
            Changes.PEOPLE,
            on_done=partial(self._kept_on_roll, details.id),
            problem_title="Nothing was changed",
        ).run()

    def _kept_on_roll(self, person_id: int, _result: object) -> None:
        self._after_change(person_id)

    def link_parent(self, details: PersonDetails) -> None:
        parents = [(r.id, r.name) for r in self.rows if r.kind is PersonKind.PARENT and not r.left]
        self.dialog = LinkDialog(
            details.name,
            parents,
            lambda parent_id, relationship, pr: people.link_parent(
                self._signed_in,
                parent_id=parent_id,
                pupil_id=details.id,
                relationship=relationship,
                parental_responsibility=pr,
            ),
            self,
        )
        self._changed_id = details.id
        self.dialog.accepted.connect(self._dialog_accepted)
        self.dialog.open()

    def _dialog_accepted(self) -> None:
        # Bound methods, never lambdas that hold the page: see IncidentsPage.
        self._after_change(self._changed_id)

    def import_people(self) -> None:
        from esafety_desktop.ui.import_wizard import ImportWizard

        self.wizard = ImportWizard(self._signed_in, self)
        self.wizard.finished.connect(self._wizard_closed)
        self.wizard.open()

    def _wizard_closed(self, _result: int) -> None:
        self.refresh()

    def _after_change(self, person_id: int | None) -> None:
        self.refresh()
        if person_id is not None:
            self.select_person(person_id)


class PersonPanel(QWidget):
    """The chosen person: details, then linked people; later issues add more tabs."""

    def __init__(self, page: PeoplePage) -> None:
        super().__init__(page)
        self.setObjectName("personPanel")
        self._page = page
        self.person: PersonDetails | None = None
        self.heading = QLabel("Choose someone in the list.")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("About this person")
        self.details = QWidget()
        self.details_form = QFormLayout(self.details)
        self.links_model: RecordTableModel[LinkedPerson] = RecordTableModel[LinkedPerson](
            [
                ("Name", lambda lp: lp.name, lambda lp: lp.name),
                ("Relationship", lambda lp: lp.relationship, lambda lp: lp.relationship),
                (
                    "Parental responsibility",
                    lambda lp: "Yes" if lp.parental_responsibility else "No",
                    lambda lp: lp.parental_responsibility,
                ),
            ]
        )
        self.links_view = QTableView(self)  # Qt owns it even while its tab is hidden
        self.links_view.setAccessibleName("Linked people")
        self.links_view.hide()
        self.links_view.setModel(self.links_model)
        self.links_view.verticalHeader().hide()
        size_columns(self.links_view)
        self.links_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.incidents_model: RecordTableModel[PersonIncident] = RecordTableModel[PersonIncident](
            [
                ("Reference", lambda pi: pi.incident.reference, lambda pi: pi.incident.reference),
                (
                    "Reported",
                    lambda pi: f"{pi.incident.reported_at:%d/%m/%Y}",
                    lambda pi: pi.incident.reported_at,
                ),
                ("Role", lambda pi: pi.role.label, lambda pi: pi.role.label),
                (
                    "Status",
                    lambda pi: pi.incident.status.label,
                    lambda pi: pi.incident.status.value,
                ),
            ]
        )
        self.incidents_view = QTableView(self)  # shown in a tab only when there are cases
        self.incidents_view.setAccessibleName("Their cases")
        self.incidents_view.hide()
        self.incidents_view.setModel(self.incidents_model)
        self.incidents_view.verticalHeader().hide()
        size_columns(self.incidents_view)
        self.incidents_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.incidents_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.incidents_view.setToolTip("Double-click or press Enter to open the case.")
        self.incidents_view.activated.connect(self._case_activated)
        from esafety_desktop.ui.agreement_dialogs import PersonAgreementTab

        self.agreement_tab = PersonAgreementTab(page.signed_in, self)
        self.agreement_tab.hide()
        from esafety_desktop.ui.transfer_tab import TransferTab

        self.transfer_tab = TransferTab(page.signed_in, self)
        self.transfer_tab.hide()
        self.tabs.addTab(self.details, "Details")
        self.edit_button = QPushButton("&Edit…")
        self.left_button = QPushButton("Mark as &left…")
        self.keep_button = QPushButton("Still on &roll")
        self.link_button = QPushButton("Link parent or &carer…")
        buttons = QWidget()
        flow = FlowLayout(buttons)
        for button in (self.edit_button, self.left_button, self.keep_button, self.link_button):
            flow.addWidget(button)
            button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        layout.addWidget(self.tabs, 1)
        self.tabs.hide()
        self.edit_button.clicked.connect(self._edit)
        self.left_button.clicked.connect(self._mark_left)
        self.keep_button.clicked.connect(self._keep_on_roll)
        self.link_button.clicked.connect(self._link_parent)

    def _case_activated(self, index: QModelIndex) -> None:
        self._page.case_chosen.emit(self.incidents_model.row_at(index.row()).incident.id)

    def _edit(self) -> None:
        self._page.edit_person(self._current())

    def _mark_left(self) -> None:
        self._page.mark_left(self._current())

    def _keep_on_roll(self) -> None:
        self._page.keep_on_roll(self._current())

    def _link_parent(self) -> None:
        self._page.link_parent(self._current())

    def _tab_when(self, view: QWidget, label: str, wanted: bool) -> None:
        """A tab appears only when it has something to show."""
        index = self.tabs.indexOf(view)
        if wanted and index < 0:
            self.tabs.addTab(view, label)
        elif not wanted and index >= 0:
            self.tabs.removeTab(index)

    def _current(self) -> PersonDetails:
        assert self.person is not None
        return self.person

    def show_person(self, details: PersonDetails, row: PersonRow) -> None:
        self.person = details
        form = details.form
        self.heading.setText(details.name)
        kind_label = form.kind.label(self._page.pupil_word)
        if details.leaving_date:
            where = f" to {details.destination}" if details.destination else ""
            status = f"{kind_label}. Left on {show_date(details.leaving_date)}{where}."
        elif details.possible_leaver_since:
            status = (
                f"{kind_label}. Not in the full-roll import of "
                f"{show_date(details.possible_leaver_since)}: mark as left, or keep on roll."
            )
        else:
            status = kind_label + "."
        self.status.setText(status)
        while self.details_form.rowCount():
            self.details_form.removeRow(0)
        today = self._page._signed_in.clock.today()
        for label, value in _detail_lines(form, self._page.pupil_word, today):
            if value:
                text = QLabel(value)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.details_form.addRow(label, text)
        self.links_model.set_rows(details.links)
        cases = incidents_about(self._page.signed_in, details.id)
        self.incidents_model.set_rows(cases)
        self._tab_when(self.links_view, "Linked people", bool(details.links))
        self._tab_when(self.incidents_view, "Incidents", bool(cases))
        signs = not row.left and self.agreement_tab.show_person(details.id)
        self._tab_when(self.agreement_tab, "Agreement", signs)
        self.transfer_tab.show_person(details.id, details.destination or "")
        has_file = form.kind is PersonKind.PUPIL and bool(
            cases or details.leaving_date or self.transfer_tab.sent
        )
        self._tab_when(self.transfer_tab, "Safeguarding file", has_file)
        self.tabs.show()
        change = self._page.can_change
        self.edit_button.setVisible(change)
        self.left_button.setVisible(change and details.leaving_date is None)
        self.keep_button.setVisible(change and details.possible_leaver_since is not None)
        self.link_button.setVisible(change and form.kind is PersonKind.PUPIL and not row.left)


def _detail_lines(form: PersonForm, pupil_word: str, today: date) -> list[tuple[str, str]]:
    flags = ", ".join(
        label
        for key, label in (("send", "SEND"), ("eal", "EAL"), ("looked_after", "Looked after"))
        if getattr(form, key)
    )
    return [
        ("Preferred name", form.preferred_name),
        ("Date of birth", show_date(form.date_of_birth) + _age(form.date_of_birth, today)),
        ("UPN", form.upn),
        ("MIS id", form.mis_id),
        ("Year group", YEAR_GROUP_LABELS.get(form.year_group, "")),
        ("Class", form.class_name),
        ("Needs", flags),
        ("Role", form.role),
        ("Email", form.email),
        ("Phone", form.phone),
        ("Laptop asset tag", form.laptop_asset_tag),
        ("Organisation", form.organisation),
        ("Start date", show_date(form.start_date)),
    ]


def _age(born: date | None, today: date) -> str:
    if born is None:
        return ""
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f" (age {years})"
