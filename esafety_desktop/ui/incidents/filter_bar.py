"""The search box and the filters above the cases: which cases the list shows."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.incidents import INCIDENT_TYPE_NAMES, IncidentStatus, RiskCategory
from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS, YEAR_GROUPS
from esafety_desktop.domain.school_year import (
    Period,
    last_days,
    previous_school_year,
    school_year_containing,
)
from esafety_desktop.services import incidents
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import IncidentSummary
from esafety_desktop.ui.accessible import name_typing_box
from esafety_desktop.ui.dates import qdate
from esafety_desktop.ui.search_box import SearchBox
from esafety_desktop.ui.sizing import FlowLayout, labelled, shrinkable

ANYONE = "Anyone involved"
BETWEEN = "between"  # the period choice that shows the two date boxes
NOBODY = -1  # a typed name that is in no case: nothing matches


@dataclass(frozen=True)
class CaseFilter:
    """What the user chose to see; None (or no words) means any."""

    words: str = ""
    found: frozenset[int] | None = None  # the cases the words found; None when not searching
    status: str | None = None
    incident_type: str | None = None
    category: str | None = None
    year_group: str | None = None  # the year group someone involved was in at the time
    person_id: int | None = None
    period: Period | None = None  # when the case was reported

    def matches(self, case: IncidentSummary) -> bool:
        return (
            (self.found is None or case.id in self.found)
            and (self.status is None or case.status.value == self.status)
            and (self.incident_type is None or case.incident_type == self.incident_type)
            and (
                self.category is None
                or (case.category is not None and case.category.value == self.category)
            )
            and (self.year_group is None or self.year_group in case.year_groups)
            and (
                self.person_id is None or any(i.person_id == self.person_id for i in case.involved)
            )
            and (self.period is None or case.reported_at.date() in self.period)
        )

    @property
    def too_short_to_search(self) -> bool:
        """Words were typed, but none long enough to search for."""
        return bool(self.words) and self.found is None


class FilterBar(QWidget):
    """The search box and the filters; ``changed`` whenever what is chosen changes."""

    changed = Signal()

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed_in = signed_in
        self.search = SearchBox("Search cases: names, words, references…", "Search incidents")
        self.status_filter = _choices(
            "Status", "Any status", ((status.label, status.value) for status in IncidentStatus)
        )
        self.type_filter = _choices(
            "Type", "Any type", ((name, key) for key, name in INCIDENT_TYPE_NAMES.items())
        )
        self.category_filter = _choices(
            "Kind of risk",
            "Any kind of risk",
            ((category.value.capitalize(), category.value) for category in RiskCategory),
        )
        self.year_filter = QComboBox()
        self.year_filter.setAccessibleName("Year group")
        self.year_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.person_filter = QComboBox()
        self.person_filter.setAccessibleName("Person involved")
        self.person_filter.setEditable(True)
        name_typing_box(self.person_filter)
        self.person_filter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.person_filter.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.person_filter.setMinimumContentsLength(18)
        self.period_filter = QComboBox()
        self.period_filter.setAccessibleName("When reported")
        today = signed_in.clock.today()
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
        self.date_from = QDateEdit(qdate(this_year.start))
        self.date_to = QDateEdit(qdate(today))
        for edit, name in ((self.date_from, "Reported from"), (self.date_to, "Reported to")):
            edit.setAccessibleName(name)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setVisible(False)
        self.clear_filters = QPushButton("C&lear filters")
        shrinkable(self.status_filter, self.type_filter, self.category_filter, self.period_filter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        first_row = (self.status_filter, self.type_filter, self.category_filter, self.year_filter)
        # Each filter has its label: a screen reader names a combo box by it (on Linux by it
        # alone, else it reads the choice: "Any status"). The row wraps when the page is narrow.
        filters = QWidget()
        flow = FlowLayout(filters)
        for combo in first_row:
            flow.addWidget(labelled(combo.accessibleName(), combo))
        layout.addWidget(filters)
        more_filters = QHBoxLayout()
        more_filters.addWidget(labelled(self.person_filter.accessibleName(), self.person_filter), 2)
        more_filters.addWidget(labelled(self.period_filter.accessibleName(), self.period_filter), 1)
        more_filters.addWidget(self.date_from)
        more_filters.addWidget(self.date_to)
        more_filters.addWidget(self.clear_filters)
        layout.addLayout(more_filters)

        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._chosen)
        self.clear_filters.clicked.connect(self.show_all)
        self.search.settled.connect(self._chosen)
        for combo in first_row:
            combo.currentIndexChanged.connect(self._chosen)
        self.period_filter.currentIndexChanged.connect(self._period_chosen)
        self.person_filter.activated.connect(self._chosen)
        typed = self.person_filter.lineEdit()
        assert typed is not None  # an editable combo box has one
        typed.editingFinished.connect(self._person_typed)

    def chosen(self) -> CaseFilter:
        """What is chosen now; the words typed are searched for (two letters or more)."""
        words = self.search.text().strip()
        searching = bool(incidents.search_words(words))
        found = frozenset(incidents.search_incidents(self._signed_in, words)) if searching else None
        person = self.person_filter.currentData()
        if person is None and self.person_filter.currentText().strip() not in ("", ANYONE):
            person = NOBODY
        return CaseFilter(
            words,
            found,
            status=self.status_filter.currentData(),
            incident_type=self.type_filter.currentData(),
            category=self.category_filter.currentData(),
            year_group=self.year_filter.currentData(),
            person_id=person,
            period=self._period(),
        )

    def fill_choices(self, cases: Sequence[IncidentSummary]) -> None:
        """Year groups and people that appear in the cases, keeping what is chosen."""
        blocked = [QSignalBlocker(c) for c in (self.year_filter, self.person_filter)]
        year, person = self.year_filter.currentData(), self.person_filter.currentData()
        self.year_filter.clear()
        self.year_filter.addItem("Any year group", None)
        years = {y for case in cases for y in case.year_groups if y in YEAR_GROUPS}
        for code in sorted(years, key=YEAR_GROUPS.index):
            self.year_filter.addItem(f"{YEAR_GROUP_LABELS[code]} at the time", code)
        self.year_filter.setCurrentIndex(max(self.year_filter.findData(year), 0))
        self.person_filter.clear()
        self.person_filter.addItem(ANYONE, None)
        names = {i.person_id: i.name for case in cases for i in case.involved}
        for person_id, name in sorted(names.items(), key=lambda item: item[1].casefold()):
            self.person_filter.addItem(name, person_id)
        self.person_filter.setCurrentIndex(max(self.person_filter.findData(person), 0))
        del blocked

    def show_person(self, person_id: int) -> None:
        """Only the cases a person is involved in (from the People page)."""
        self.person_filter.setCurrentIndex(max(self.person_filter.findData(person_id), 0))
        self.changed.emit()

    def show_month(self, year: int, month: int) -> None:
        """Only the cases reported in one month (from a Dashboard bar)."""
        self.period_filter.setCurrentIndex(self.period_filter.findData(BETWEEN))
        self.date_from.setDate(QDate(year, month, 1))
        self.date_to.setDate(QDate(year, month, monthrange(year, month)[1]))
        self.changed.emit()

    def show_type_this_year(self, incident_type: str) -> None:
        """This school year's cases of one type (from a Dashboard bar)."""
        self.type_filter.setCurrentIndex(max(self.type_filter.findData(incident_type), 0))
        self.period_filter.setCurrentIndex(1)  # this school year
        self.changed.emit()

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
        self.changed.emit()

    def _chosen(self) -> None:
        self.changed.emit()

    def _period_chosen(self) -> None:
        """The two date boxes are shown only for "Between dates…"."""
        between = self.period_filter.currentData() == BETWEEN
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        self.changed.emit()

    def _person_typed(self) -> None:
        """A name typed (or cleared) in the person box counts once the user moves on."""
        typed = self.person_filter.currentText().strip()
        found = self.person_filter.findText(typed, Qt.MatchFlag.MatchFixedString) if typed else 0
        self.person_filter.setCurrentIndex(max(found, 0))
        if found < 0:
            self.person_filter.setEditText(typed)
        self.changed.emit()

    def _period(self) -> Period | None:
        chosen = self.period_filter.currentData()
        if chosen == BETWEEN:
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            assert isinstance(start, date) and isinstance(end, date)
            return Period(min(start, end), max(start, end), "between")
        return chosen if isinstance(chosen, Period) else None


def _choices(name: str, anything: str, choices: Iterable[tuple[str, object]]) -> QComboBox:
    """A filter: "any" first (None), then each choice with its value."""
    box = QComboBox()
    box.setAccessibleName(name)
    box.addItem(anything, None)
    for label, value in choices:
        box.addItem(label, value)
    return box
