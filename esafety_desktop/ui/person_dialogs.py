"""Adding and changing a person by hand, marking a leaver, linking a parent or carer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS, YEAR_GROUPS
from esafety_desktop.domain.people import RELATIONSHIPS, PersonKind
from esafety_desktop.domain.school_year import year_group_mismatch
from esafety_desktop.domain.uk_dates import DateProblem, parse_uk_date
from esafety_desktop.errors import InvalidInput, ProblemForUser
from esafety_desktop.services.people import PersonForm
from esafety_desktop.ui.accessible import name_typing_box
from esafety_desktop.ui.dates import add_calendar
from esafety_desktop.ui.focus import focus_first_field
from esafety_desktop.ui.look import ERROR_STYLE, WARNING_STYLE
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import fit_to_screen
from esafety_desktop.ui.typed_work import TypedWork, may_discard


class FormDialog(QDialog):
    """A form, and an OK button that saves it and stays open with the reason if refused.

    ``save`` reads the form on the UI thread and returns the write to make; the write runs as
    an :class:`Operation` on the worker (OK is greyed meanwhile), then the dialog closes.
    ``changes`` says which kinds of record the write changes, so other pages refresh."""

    changes = Changes.NOTHING

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.typed = TypedWork(self)

    def line(self, label: str, text: str = "", placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(label.replace("&", ""))
        self.form.addRow(label, edit)
        return edit

    def submit(self) -> None:
        try:
            write = self.save()
        except (ProblemForUser, DateProblem) as problem:
            self.message.setText(str(problem))
            return
        self.message.setText("")
        self.buttons.setEnabled(False)
        Operation(self, write, self.changes, on_done=self._saved, on_problem=self._refused).run()

    def showEvent(self, event: QShowEvent) -> None:  # Qt names it
        super().showEvent(event)
        if not self.typed.started():
            self.typed.start()  # as the form opens: filled in, nothing typed yet
            focus_first_field(self)

    def reject(self) -> None:  # Qt names it: Cancel, Esc and the close button
        """While a save is running the dialog stays until it is known whether it worked;
        anything typed is lost only when the user says so."""
        if self.buttons.isEnabled() and may_discard(self, self.typed):
            super().reject()

    def close_quietly(self) -> None:
        """For locking: close at once; a save still running reports after sign-in."""
        super().reject()

    def _saved(self, _result: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, problem: ProblemForUser) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(str(problem))

    def save(self) -> Callable[[], object]:
        """Read the form (refusing what is missing) and return the write to make."""
        raise AssertionError("subclasses save")


def read_date(edit: QLineEdit, what: str, required: bool = False) -> date | None:
    text = edit.text().strip()
    if not text:
        if required:
            raise DateProblem(f"Type the {what} (dd/mm/yyyy).")
        return None
    try:
        return parse_uk_date(text)
    except DateProblem as exc:
        raise DateProblem(f"The {what}: {exc}.") from None


def show_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


class PersonDialog(FormDialog):
    """Add a person (choose the kind) or change one (kind fixed)."""

    changes = Changes.PEOPLE

    def __init__(
        self,
        save: Callable[[PersonForm], None],
        *,
        pupil_word: str,
        existing: PersonForm | None = None,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        """``today`` (the session's) tells which year group a date of birth usually gives."""
        super().__init__("Change a person" if existing else "Add a person", parent)
        self._today = today or date.today()
        self.setObjectName("personDialog")
        self._save = save
        start = existing or PersonForm(PersonKind.PUPIL, "", "")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type")
        for kind in PersonKind:
            self.kind.addItem(kind.label(pupil_word), kind.value)
        self.kind.setCurrentIndex(self.kind.findData(start.kind.value))
        self.kind.setEnabled(existing is None)
        self.form.addRow("&Type", self.kind)
        self.forename = self.line("&Legal forename", start.forename)
        self.preferred = self.line("&Preferred name", start.preferred_name)
        self.surname = self.line("&Surname", start.surname)
        self.dob = self.line("&Date of birth", show_date(start.date_of_birth), "dd/mm/yyyy")
        add_calendar(self.dob, latest=self._today)
        self.upn = self.line("&UPN", start.upn)
        self.mis_id = self.line("&MIS id or admission no.", start.mis_id)
        self.year = QComboBox()
        self.year.setAccessibleName("Year group")
        self.year.addItem("", "")
        for code in YEAR_GROUPS:
            self.year.addItem(YEAR_GROUP_LABELS[code], code)
        self.year.setCurrentIndex(max(self.year.findData(start.year_group), 0))
        self.form.addRow("&Year group", self.year)
        self.year_warning = QLabel()
        self.year_warning.setWordWrap(True)
        self.year_warning.setStyleSheet(WARNING_STYLE)
        self.year_warning.setAccessibleDescription("Year group warning")  # read as its text
        self.form.addRow("", self.year_warning)
        self.class_name = self.line("&Class or form", start.class_name)
        self.send = QCheckBox("SEND")
        self.send.setChecked(start.send)
        self.eal = QCheckBox("EAL")
        self.eal.setChecked(start.eal)
        self.looked_after = QCheckBox("Looked after / child in care")
        self.looked_after.setChecked(start.looked_after)
        for box in (self.send, self.eal, self.looked_after):
            self.form.addRow("", box)
        self.role = self.line("&Role or relationship", start.role)
        self.email = self.line("&Email", start.email)
        self.phone = self.line("P&hone", start.phone)
        self.asset = self.line("Staff laptop asset ta&g", start.laptop_asset_tag)
        self.organisation = self.line("&Organisation", start.organisation)
        self.start = self.line("St&art date", show_date(start.start_date), "dd/mm/yyyy")
        add_calendar(self.start)
        self.kind.currentIndexChanged.connect(self._show_rows)
        self.dob.textChanged.connect(self._check_year_group)
        self.year.currentIndexChanged.connect(self._check_year_group)
        self._show_rows()
        fit_to_screen(self, 520, 0)

    def current_kind(self) -> PersonKind:
        return PersonKind(self.kind.currentData())

    def _show_rows(self) -> None:
        kind = self.current_kind()
        pupil = kind is PersonKind.PUPIL
        visible = {
            self.dob: pupil,
            self.upn: pupil,
            self.year: pupil,
            self.class_name: pupil,
            self.send: pupil,
            self.eal: pupil,
            self.looked_after: pupil,
            self.mis_id: kind in (PersonKind.PUPIL, PersonKind.STAFF),
            self.role: kind in (PersonKind.STAFF, PersonKind.PARENT),
            self.email: kind in (PersonKind.STAFF, PersonKind.PARENT),
            self.phone: kind in (PersonKind.STAFF, PersonKind.PARENT, PersonKind.VISITOR),
            self.asset: kind is PersonKind.STAFF,
            self.organisation: kind is PersonKind.VISITOR,
            self.start: kind in (PersonKind.PUPIL, PersonKind.STAFF),
        }
        for widget, shown in visible.items():
            self.form.setRowVisible(widget, shown)
        self._check_year_group()

    def _check_year_group(self) -> None:
        """A warning, not a refusal: the year group a date of birth does not usually give."""
        warning = None
        if self.current_kind() is PersonKind.PUPIL:
            try:
                born = read_date(self.dob, "date of birth", required=False)
            except DateProblem:
                born = None
            warning = year_group_mismatch(born, self.year.currentData(), self._today)
        self.year_warning.setText(warning or "")
        self.form.setRowVisible(self.year_warning, bool(warning))

    def save(self) -> Callable[[], object]:
        kind = self.current_kind()
        pupil = kind is PersonKind.PUPIL
        return partial(
            self._save,
            PersonForm(
                kind=kind,
                forename=self.forename.text(),
                surname=self.surname.text(),
                preferred_name=self.preferred.text(),
                date_of_birth=read_date(self.dob, "date of birth", required=pupil)
                if pupil
                else None,
                upn=self.upn.text() if pupil else "",
                mis_id=self.mis_id.text(),
                year_group=self.year.currentData() if pupil else "",
                class_name=self.class_name.text() if pupil else "",
                send=self.send.isChecked() and pupil,
                eal=self.eal.isChecked() and pupil,
                looked_after=self.looked_after.isChecked() and pupil,
                role=self.role.text(),
                email=self.email.text(),
                phone=self.phone.text(),
                laptop_asset_tag=self.asset.text() if kind is PersonKind.STAFF else "",
                organisation=self.organisation.text() if kind is PersonKind.VISITOR else "",
                start_date=read_date(self.start, "start date"),
            ),
        )


class LeaverDialog(FormDialog):
    changes = Changes.PEOPLE

    def __init__(
        self,
        name: str,
        save: Callable[[date, str], None],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"{name} has left", parent)
        self.setObjectName("leaverDialog")
        self._save = save
        intro = QLabel(
            f"{name} stays in every record, shown as left. For a pupil, the child protection "
            "file goes to the new school's DSL within 5 school days."
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.when = self.line("&Leaving date", show_date(today), "dd/mm/yyyy")
        add_calendar(self.when)
        self.destination = self.line("&Destination (new school or employer)")

    def save(self) -> Callable[[], object]:
        when = read_date(self.when, "leaving date", required=True)
        assert when is not None
        return partial(self._save, when, self.destination.text())


class LinkDialog(FormDialog):
    """Link a parent or carer (chosen from the register) to a pupil."""

    changes = Changes.PEOPLE

    def __init__(
        self,
        pupil_name: str,
        parents: list[tuple[int, str]],
        save: Callable[[int, str, bool], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Link a parent or carer to {pupil_name}", parent)
        self.setObjectName("linkDialog")
        self._save = save
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.setAccessibleName("Parent or carer")
        name_typing_box(self.person)
        for person_id, name in parents:
            self.person.addItem(name, person_id)
        self.form.addRow("&Parent or carer", self.person)
        self.relationship = QComboBox()
        self.relationship.setEditable(True)
        self.relationship.addItems(list(RELATIONSHIPS))
        self.relationship.setAccessibleName("Relationship")
        name_typing_box(self.relationship)
        self.form.addRow("&Relationship", self.relationship)
        self.responsibility = QCheckBox("Has parental responsibility")
        self.responsibility.setChecked(True)
        self.form.addRow("", self.responsibility)

    def save(self) -> Callable[[], object]:
        index = self.person.findText(self.person.currentText())
        if index < 0:
            raise InvalidInput("Choose a parent or carer from the list (add them first if new).")
        return partial(
            self._save,
            int(self.person.itemData(index)),
            self.relationship.currentText(),
            self.responsibility.isChecked(),
        )
