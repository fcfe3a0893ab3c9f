"""Incidents: the cases this account may see, drafts to carry on with, and a case's chronology."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from html import escape

from PySide6.QtCore import QDate, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.incidents import (
    INCIDENT_TYPE_NAMES,
    IncidentStatus,
    RiskCategory,
    incident_type_name,
)
from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS, YEAR_GROUPS
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.domain.school_year import (
    Period,
    last_days,
    previous_school_year,
    school_year_containing,
)
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import incidents
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import IncidentSummary
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.models import RecordTableModel, select_where
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.search_box import SearchBox

ANYONE = "Anyone involved"
BETWEEN = "between"  # the period choice that shows the two date boxes


class IncidentsPage(QWidget):
    title = "Incidents"
    listens_to = Changes.INCIDENTS | Changes.DRAFTS | Changes.PEOPLE

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentsPage")
        self._signed_in = signed_in
        self.can_record = can(signed_in.account.role, Permission.RECORD_INCIDENTS)
        self.new_button = QPushButton("&Record an incident…")
        self.drafts = QComboBox()
        self.drafts.setAccessibleName("Drafts")
        self.resume_button = QPushButton("&Carry on with this draft")
        for widget in (self.new_button, self.drafts, self.resume_button):
            widget.setVisible(self.can_record)
        self.pack_button = QPushButton("Review pac&k for the head…")
        self.import_review_button = QPushButton("Import a revie&w…")
        for widget in (self.pack_button, self.import_review_button):
            widget.setVisible(can(signed_in.account.role, Permission.EXPORT_REVIEW_PACKS))
        self.pack_button.clicked.connect(self.export_pack)
        self.import_review_button.clicked.connect(self.import_review)
        self.model: RecordTableModel[IncidentSummary] = RecordTableModel(
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
        # Filtering and sorting happen in Python on the whole list (quick even for 20,000
        # cases); the model holds just the matching cases and the view shows it directly.
        self.all_rows: list[IncidentSummary] = []
        self.search = SearchBox("Search cases: names, words, references…", "Search incidents")
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Status")
        self.status_filter.addItem("Any status", None)
        for status in IncidentStatus:
            self.status_filter.addItem(status.label, status.value)
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName("Type")
        self.type_filter.addItem("Any type", None)
        for key, name in INCIDENT_TYPE_NAMES.items():
            self.type_filter.addItem(name, key)
        self.category_filter = QComboBox()
        self.category_filter.setAccessibleName("Kind of risk")
        self.category_filter.addItem("Any kind of risk", None)
        for category in RiskCategory:
            self.category_filter.addItem(category.value.capitalize(), category.value)
        self.year_filter = QComboBox()
        self.year_filter.setAccessibleName("Year group")
        self.year_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.person_filter = QComboBox()
        self.person_filter.setAccessibleName("Person involved")
        self.person_filter.setEditable(True)
        self.person_filter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person_filter.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.person_filter.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.person_filter.setMinimumContentsLength(18)
        self.period_filter = QComboBox()
        self.period_filter.setAccessibleName("When reported")
        today = date.today()
        from esafety_desktop.services.agreements import school_year_start

        start = school_year_start(signed_in)
        this_year = school_year_containing(today, start)
        last_year = previous_school_year(today, start)
        for label, period in (
            ("Any date", None),
            (f"This school year ({this_year.label})", this_year),
            (f"Last school year ({last_year.label})", last_year),
            ("The last 30 days", last_days(today, 30)),
            ("Between dates…", BETWEEN),
        ):
            self.period_filter.addItem(label, period)
        self.date_from = QDateEdit(QDate(this_year.start))
        self.date_to = QDateEdit(QDate(today))
        for edit, name in ((self.date_from, "Reported from"), (self.date_to, "Reported to")):
            edit.setAccessibleName(name)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setVisible(False)
            edit.dateChanged.connect(self.apply_filters)
        self.clear_filters = QPushButton("Clear &filters")
        self.clear_filters.clicked.connect(self.show_all)
        self.search.settled.connect(self.apply_filters)
        for combo in (
            self.status_filter,
            self.type_filter,
            self.category_filter,
            self.year_filter,
            self.period_filter,
        ):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.person_filter.activated.connect(self.apply_filters)
        self.person_filter.lineEdit().editingFinished.connect(self._person_typed)
        self.table = QTableView()
        self.table.setObjectName("incidentsTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        # All cases are kept in the table's order, so each search need not sort again.
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sorted)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((110, 120, 170, 130)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.case = QTextBrowser()
        self.case.setObjectName("caseChronology")
        self.case.setPlaceholderText("Choose a case to see its chronology.")
        self.note_button = QPushButton("Add a &note…")
        self.note_button.setEnabled(False)
        self.note_button.setVisible(self.can_record)
        self.print_button = QPushButton("&Print the record…")
        self.print_button.setEnabled(False)
        self.sign_off_button = QPushButton("Review and &sign off…")
        self.sign_off_button.setEnabled(False)
        self.sign_off_button.setVisible(can(signed_in.account.role, Permission.SIGN_OFF_CASES))
        self.action_button = QPushButton("Add an &action…")
        self.done_button = QPushButton("Action &done…")
        for button in (self.action_button, self.done_button):
            button.setEnabled(False)
            button.setVisible(self.can_record)
        self.correct_button = QPushButton("&Correct an entry…")
        self.correct_button.setEnabled(False)
        self.correct_button.setVisible(self.can_record)
        self.review_button = QPushButton("Device or site &review…")
        self.review_button.setEnabled(False)
        self.review_button.setVisible(self.can_record)
        self.evidence_button = QPushButton("Add &evidence…")
        self.evidence_button.setEnabled(False)
        self.evidence_button.setVisible(self.can_record)
        self.status_button = QPushButton("Change &status…")
        self.status_button.setEnabled(False)
        self.status_button.setVisible(self.can_record)
        self.count = QLabel()

        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.pack_button)
        actions.addWidget(self.import_review_button)
        actions.addStretch(1)
        actions.addWidget(self.drafts)
        actions.addWidget(self.resume_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.case, 1)
        case_buttons = QHBoxLayout()
        case_buttons.addWidget(self.note_button)
        case_buttons.addWidget(self.action_button)
        case_buttons.addWidget(self.done_button)
        case_buttons.addWidget(self.evidence_button)
        case_buttons.addWidget(self.review_button)
        case_buttons.addWidget(self.correct_button)
        case_buttons.addWidget(self.sign_off_button)
        case_buttons.addWidget(self.status_button)
        case_buttons.addWidget(self.print_button)
        case_buttons.addStretch(1)
        right_layout.addLayout(case_buttons)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.type_filter, 1)
        filters.addWidget(self.category_filter, 1)
        filters.addWidget(self.year_filter, 1)
        more_filters = QHBoxLayout()
        more_filters.addWidget(self.person_filter, 2)
        more_filters.addWidget(self.period_filter, 1)
        more_filters.addWidget(self.date_from)
        more_filters.addWidget(self.date_to)
        more_filters.addWidget(self.clear_filters)
        left_layout.addWidget(self.search)
        left_layout.addLayout(filters)
        left_layout.addLayout(more_filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([620, 480])
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        # Bound methods, never lambdas that hold the page: PySide disconnects a bound method
        # when its object goes, while a lambda can outlive the page and crash on exit.
        self.new_button.clicked.connect(self.new_incident)
        self.resume_button.clicked.connect(self.resume_draft)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.note_button.clicked.connect(self.add_note)
        self.print_button.clicked.connect(self.print_record)
        self.status_button.clicked.connect(self.change_status)
        self.evidence_button.clicked.connect(self.add_evidence)
        self.review_button.clicked.connect(self.device_review)
        self.correct_button.clicked.connect(self.correct_entry)
        self.action_button.clicked.connect(self.add_action)
        self.done_button.clicked.connect(self.action_done)
        self.sign_off_button.clicked.connect(self.sign_off)
        self.selected_id: int | None = None
        self.refresh()

    def refresh(self) -> None:
        self.all_rows = self.model.in_order(incidents.list_incidents(self._signed_in))
        self._fill_choices()
        self.apply_filters()
        self._refresh_drafts()

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

    def _fill_choices(self) -> None:
        """Year groups and people that appear in the cases, keeping what is chosen."""
        blocked = [QSignalBlocker(c) for c in (self.year_filter, self.person_filter)]
        year, person = self.year_filter.currentData(), self.person_filter.currentData()
        self.year_filter.clear()
        self.year_filter.addItem("Any year group", None)
        years = {y for case in self.all_rows for y in case.year_groups if y in YEAR_GROUPS}
        for code in sorted(years, key=YEAR_GROUPS.index):
            self.year_filter.addItem(f"{YEAR_GROUP_LABELS[code]} at the time", code)
        self.year_filter.setCurrentIndex(max(self.year_filter.findData(year), 0))
        self.person_filter.clear()
        self.person_filter.addItem(ANYONE, None)
        names = {i.person_id: i.name for case in self.all_rows for i in case.involved}
        for person_id, name in sorted(names.items(), key=lambda item: item[1].casefold()):
            self.person_filter.addItem(name, person_id)
        self.person_filter.setCurrentIndex(max(self.person_filter.findData(person), 0))
        del blocked

    def _person_typed(self) -> None:
        """A name typed (or cleared) in the person box counts once the user moves on."""
        typed = self.person_filter.currentText().strip()
        found = self.person_filter.findText(typed, Qt.MatchFlag.MatchFixedString) if typed else 0
        self.person_filter.setCurrentIndex(max(found, 0))
        if found < 0:
            self.person_filter.setEditText(typed)
        self.apply_filters()

    def show_person(self, person_id: int) -> None:
        """Only the cases a person is involved in (from the People page)."""
        self.person_filter.setCurrentIndex(max(self.person_filter.findData(person_id), 0))
        self.apply_filters()

    def show_month(self, year: int, month: int) -> None:
        """Only the cases reported in one month (from a Dashboard bar)."""
        from calendar import monthrange

        self.period_filter.setCurrentIndex(self.period_filter.findData(BETWEEN))
        self.date_from.setDate(QDate(year, month, 1))
        self.date_to.setDate(QDate(year, month, monthrange(year, month)[1]))
        self.apply_filters()

    def show_type_this_year(self, incident_type: str) -> None:
        """This school year's cases of one type (from a Dashboard bar)."""
        self.type_filter.setCurrentIndex(max(self.type_filter.findData(incident_type), 0))
        self.period_filter.setCurrentIndex(1)  # this school year
        self.apply_filters()

    def show_all(self) -> None:
        self.search.clear()
        for combo in (
            self.status_filter,
            self.type_filter,
            self.category_filter,
            self.year_filter,
            self.person_filter,
            self.period_filter,
        ):
            combo.setCurrentIndex(0)
        self.apply_filters()

    def _period(self) -> Period | None:
        chosen = self.period_filter.currentData()
        between = chosen == BETWEEN
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        if between:
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            assert isinstance(start, date) and isinstance(end, date)
            return Period(min(start, end), max(start, end), "between")
        return chosen if isinstance(chosen, Period) else None

    def apply_filters(self) -> None:
        words = self.search.text().strip()
        searching = bool(incidents.search_words(words))
        found = incidents.search_incidents(self._signed_in, words) if searching else None
        status, kind = self.status_filter.currentData(), self.type_filter.currentData()
        category, year = self.category_filter.currentData(), self.year_filter.currentData()
        person, period = self.person_filter.currentData(), self._period()
        if person is None and self.person_filter.currentText().strip() not in ("", ANYONE):
            person = -1  # a name that is in no case: nothing matches
        shown_rows = [
            case
            for case in self.all_rows
            if (found is None or case.id in found)
            and (status is None or case.status.value == status)
            and (kind is None or case.incident_type == kind)
            and (category is None or (case.category and case.category.value == category))
            and (year is None or year in case.year_groups)
            and (person is None or any(i.person_id == person for i in case.involved))
            and (period is None or case.reported_at.date() in period)
        ]
        chosen = self.selected_id
        self.model.set_rows(shown_rows, in_order=True)
        if chosen is not None:
            self.select(chosen)
        shown, total = len(shown_rows), len(self.all_rows)
        noun = "case" if total == 1 else "cases"
        counted = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        if words and not searching:
            counted += " · type two or more letters to search"
        self.count.setText(counted)

    def _sorted(self, _column: int, _order: Qt.SortOrder) -> None:
        self.all_rows = self.model.in_order(self.all_rows)

    def new_incident(self) -> None:
        self.open_wizard(None)

    def resume_draft(self) -> None:
        self.open_wizard(self.drafts.currentData())

    def open_wizard(self, draft_id: int | None) -> None:
        from esafety_desktop.ui.incident_wizard import IncidentWizard

        self.wizard = IncidentWizard(self._signed_in, draft_id=draft_id, parent=self)
        self.wizard.recorded.connect(self._recorded)
        self.wizard.finished.connect(self._wizard_closed)
        self.wizard.open()

    def _wizard_closed(self, _result: int) -> None:
        self._refresh_drafts()

    def _recorded(self, case: IncidentSummary) -> None:
        """A new case: added to the list where it belongs, without reloading every case."""
        self.all_rows = self.model.in_order([case, *self.all_rows])
        self._fill_choices()
        self.apply_filters()
        self.select(case.id)

    def _case_changed(self, _result: object = None) -> None:
        """After a change to the chosen case: its row and the case view, as it now stands."""
        if self.selected_id is not None:
            self.case_updated(self.selected_id)

    def case_updated(self, incident_id: int) -> None:
        """Only this case is read again; the other rows stay as they are."""
        case = incidents.incident_summary(self._signed_in, incident_id)
        at = next((n for n, c in enumerate(self.all_rows) if c.id == incident_id), None)
        if at is None or case is None:
            self.refresh()  # new to this account, or no longer to be seen
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
        self.note_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.status_button.setEnabled(True)
        self.evidence_button.setEnabled(True)
        self.review_button.setEnabled(True)
        self.correct_button.setEnabled(True)
        self.action_button.setEnabled(True)
        self.done_button.setEnabled(True)
        self.sign_off_button.setEnabled(True)
        self.show_case(case)

    def show_case(self, case: IncidentSummary) -> None:
        entries = incidents.chronology(self._signed_in, case.id)
        kind = incident_type_name(case.incident_type)
        reported = f"{case.reported_at:%d/%m/%Y %H:%M}"
        where = case.location.label if case.location else ""
        if case.online_service:
            where += f" ({case.online_service})"
        parts = [
            f"<h2>{escape(case.reference)}: {escape(kind)}</h2>",
            f"<p><b>Status:</b> {case.status.label}. <b>Reported</b> {reported} by "
            f"{escape(case.reported_by)}."
            + (f" <b>Where:</b> {escape(where)}." if where else "")
            + "</p>",
            f"<p>{escape(case.summary)}</p>",
        ]
        if case.child_words:
            parts.append(f"<p><b>The child's own words:</b> “{escape(case.child_words)}”</p>")
        if case.involved:
            parts.append("<h3>People involved</h3><ul>")
            for person in case.involved:
                roles = ", ".join(role.label for role in person.roles)
                year = (
                    f" ({YEAR_GROUP_LABELS[person.year_group]} at the time)"
                    if person.year_group in YEAR_GROUP_LABELS
                    else ""
                )
                parts.append(f"<li>{escape(person.name)}{year}: {escape(roles)}</li>")
            parts.append("</ul>")
        case_actions = incidents.actions(self._signed_in, case.id)
        if case_actions:
            today = date.today()
            parts.append("<h3>Actions</h3><ul>")
            for action in case_actions:
                state = (
                    "done"
                    if action.done
                    else "<b style='color:#c62828'>overdue</b>"
                    if action.overdue(today)
                    else "open"
                )
                parts.append(
                    f"<li>{escape(action.title)}: {escape(action.owner)}, due "
                    f"{action.due:%d/%m/%Y} ({state})</li>"
                )
            parts.append("</ul>")
        held = incidents.evidence_for(self._signed_in, case.id)
        if held:
            parts.append("<h3>Evidence</h3><ul>")
            for item in held:
                where = f", kept in {item.held_where} by {item.held_by}" if item.held_where else ""
                url = f" {item.url}" if item.url else ""
                kept = f" ({item.file_name}, SHA-256 {item.sha256[:16]}…)" if item.sha256 else ""
                parts.append(
                    f"<li><b>{item.kind.label}</b>: {escape(item.description)}{escape(url)}"
                    f"{escape(where)}{escape(kept)}</li>"
                )
            parts.append("</ul>")
        parts.append("<h3>Chronology</h3>")
        for entry in entries:
            lines = [f"<b>{entry.recorded_at:%d/%m/%Y %H:%M}</b> · {escape(entry.title)}"]
            if entry.choice:
                lines.append(f"Decision: {escape(entry.choice)}")
            if entry.reasons and not entry.corrects:
                lines.append(f"Reasons: {escape(entry.reasons)}")
            if entry.done_by:
                lines.append(f"Done by {escape(entry.done_by)}")
            if entry.outcome:
                lines.append(f"Outcome: {escape(entry.outcome)}")
            if entry.reference:
                lines.append(f"Reference: {escape(entry.reference)}")
            if entry.text:
                lines.append(escape(entry.text))
            if entry.corrected_by:
                lines.append("<i>Corrected later (see below); the original is kept.</i>")
            if entry.corrects:
                lines.append(f"Why corrected: {escape(entry.reasons)}")
            lines.append(f"<span style='color:grey'>Recorded by {escape(entry.author)}</span>")
            parts.append("<p>" + "<br>".join(lines) + "</p>")
        self.case.setHtml("".join(parts))

    def _selected_case(self) -> IncidentSummary | None:
        if self.selected_id is None:
            return None
        return next((c for c in self.all_rows if c.id == self.selected_id), None)

    def _write(self, work: Callable[[], object], problem_title: str) -> None:
        """A change to the chosen case, on the worker; then its row and view are redrawn."""
        Operation(
            self, work, Changes.INCIDENTS, on_done=self._case_changed, problem_title=problem_title
        ).run()

    def add_action(self) -> None:
        from esafety_desktop.ui.status_dialog import ActionDialog

        case = self._selected_case()
        if case is None:
            return
        me = self._signed_in
        self.dialog = ActionDialog(
            case.reference,
            lambda what, who, due: incidents.add_action(me, case.id, what, who, due),
            me.account.display_name,
            self,
        )
        self.dialog.accepted.connect(self._case_changed)
        self.dialog.open()

    def action_done(self) -> None:
        case = self._selected_case()
        if case is None:
            return
        open_actions = incidents.actions(self._signed_in, case.id, open_only=True)
        if not open_actions:
            dialogs.inform(self, "No open actions", "Every action on this case is done.")
            return
        labels = [f"{a.title} ({a.owner}, due {a.due:%d/%m/%Y})" for a in open_actions]
        picked = dialogs.choose(self, "Action done", "Which action is done?", labels, labels[0])
        if picked is None:
            return
        outcome = dialogs.ask_text(self, "Action done", "What was the outcome?")
        if outcome is None:
            return
        action = open_actions[labels.index(picked)]
        self._write(
            partial(incidents.complete_action, self._signed_in, action.id, outcome),
            "The action was not marked as done",
        )

    def correct_entry(self) -> None:
        """Saved text is never overwritten: a correction is added, the original kept."""
        case = self._selected_case()
        if case is None:
            return
        entries = [
            e for e in incidents.chronology(self._signed_in, case.id) if e.kind != "correction"
        ]
        labels = [f"{e.recorded_at:%d/%m/%Y %H:%M} · {e.title}" for e in entries]
        picked = dialogs.choose(
            self, "Correct an entry", "Which entry is wrong?", labels, labels[-1]
        )
        if picked is None:
            return
        corrected = dialogs.ask_text(self, "Correct an entry", "What it should say:")
        if corrected is None:
            return
        why = dialogs.ask_text(self, "Correct an entry", "Why it is being corrected:")
        if why is None:
            return
        self._write(
            partial(
                incidents.correct_entry,
                self._signed_in,
                entries[labels.index(picked)].id,
                corrected,
                why,
            ),
            "The correction was not saved",
        )

    def device_review(self) -> None:
        from esafety_desktop.ui.status_dialog import DeviceReviewDialog

        case = self._selected_case()
        if case is None:
            return
        me = self._signed_in
        self.dialog = DeviceReviewDialog(
            case.reference,
            lambda review: incidents.record_device_review(me, case.id, review),
            self,
        )
        self.dialog.accepted.connect(self._device_reviewed)
        self.dialog.open()

    def _device_reviewed(self) -> None:
        """The review is saved: its form, with the two reviewers' signature lines, to print."""
        self._case_changed()
        case = self._selected_case()
        if case is None:
            return
        self._preview(
            partial(_device_review_form, self._signed_in, case.id),
            f"Device / site review {case.reference}",
            case.reference,
        )

    def _preview(self, make: Callable[[], bytes], title: str, reference: str) -> None:
        """The document is made on the worker, then shown in the print preview."""
        from esafety_desktop.ui.pdf_preview import PreviewLater

        PreviewLater(
            self,
            self._signed_in,
            make,
            title,
            f"{reference}.pdf",
            then=partial(setattr, self, "preview"),
        )

    def sign_off(self) -> None:
        case = self._selected_case()
        if case is None:
            return
        comment = dialogs.ask_text(
            self,
            f"Review and sign off {case.reference}",
            "Your comments (signed with your name and today's date):",
        )
        if comment is None:
            return
        self._write(
            partial(incidents.sign_off, self._signed_in, case.id, comment),
            "The case was not signed off",
        )

    def add_evidence(self) -> None:
        from esafety_desktop.ui.evidence_dialog import EvidenceDialog

        case = self._selected_case()
        if case is None:
            return
        me = self._signed_in
        self.dialog = EvidenceDialog(
            case.reference,
            case.incident_type,
            lambda kind, what, url, where, who, name, content: incidents.add_evidence(
                me,
                case.id,
                kind,
                what,
                url=url,
                held_where=where,
                held_by=who,
                file_name=name,
                content=content,
            ),
            self,
        )
        self.dialog.accepted.connect(self._case_changed)
        self.dialog.open()

    def change_status(self) -> None:
        from esafety_desktop.ui.status_dialog import StatusDialog

        case = self._selected_case()
        if case is None:
            return
        self.dialog = StatusDialog(
            case.reference,
            case.status,
            lambda status, why, closing: incidents.change_status(
                self._signed_in, case.id, status, why, closing
            ),
            self,
        )
        self.dialog.accepted.connect(self._case_changed)
        self.dialog.open()

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

    def print_record(self) -> None:
        case = self._selected_case()
        if case is None:
            return
        self._preview(
            partial(incidents.incident_record, self._signed_in, case.id),
            f"Incident record {case.reference}",
            case.reference,
        )

    def add_note(self) -> None:
        if self.selected_id is None:
            return
        text = dialogs.ask_text(self, "Add a note", "Note (it is dated and signed with your name):")
        if not text or not text.strip():
            return
        self._write(
            partial(incidents.add_note, self._signed_in, self.selected_id, text),
            "The note was not added",
        )


def _device_review_form(signed_in: SignedIn, incident_id: int) -> bytes:
    form = incidents.device_review_form(signed_in, incident_id)
    if form is None:
        raise ProblemForUser("This case has no device or site review to print yet.")
    return form
