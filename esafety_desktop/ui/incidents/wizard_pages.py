"""The incident wizard's pages: what was reported, who was involved, and one page per step of
the flowchart (a question with its answers and reasons, or an action with who did it, the
outcome and any reference number). The wizard itself (``ui/incident_wizard.py``) walks them,
keeps the draft and saves the case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from esafety_desktop.domain.contacts import Contact
from esafety_desktop.domain.flowchart import REFERENCES, Step
from esafety_desktop.domain.incidents import Location, PersonRole, RiskCategory, WalkStep
from esafety_desktop.domain.roles import Role
from esafety_desktop.services import incidents
from esafety_desktop.ui.dates import qdatetime
from esafety_desktop.ui.look import ERROR_STYLE, error_label
from esafety_desktop.ui.models import RecordTableModel

REPORT_PAGE, PEOPLE_PAGE, FIRST_STEP_PAGE = 0, 1, 100

if TYPE_CHECKING:
    from esafety_desktop.ui.incident_wizard import IncidentWizard

CATEGORIES = {
    None: "Not sure yet",
    RiskCategory.CONTENT: "Content (what they saw)",
    RiskCategory.CONTACT: "Contact (who they met)",
    RiskCategory.CONDUCT: "Conduct (how they behaved)",
    RiskCategory.COMMERCE: "Commerce (scams, gambling, money)",
}


class ReportPage(QWizardPage):
    def __init__(self, wizard: IncidentWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("What was reported")
        self.setSubTitle("Facts, in plain words. Keep the child's own words exactly as said.")
        self.reported_by = QLineEdit()
        self.reported_by.setAccessibleName("Reported by")
        self.reported_at = QDateTimeEdit(qdatetime(wizard.signed_in.clock.local_now()))
        self.reported_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.reported_at.setCalendarPopup(True)
        self.summary = QPlainTextEdit()
        self.summary.setAccessibleName("What happened")
        self.child_words = QPlainTextEdit()
        self.child_words.setAccessibleName("The child's own words")
        self.location = QComboBox()
        for place in Location:
            self.location.addItem(place.label, place.value)
        self.online_service = QLineEdit()
        self.online_service.setPlaceholderText("for example the app, game or website")
        self.category = QComboBox()
        for value, label in CATEGORIES.items():
            self.category.addItem(label, value.value if value else None)
        self.message = error_label()
        form = QFormLayout(self)
        form.addRow("Reported &by", self.reported_by)
        form.addRow("&When reported", self.reported_at)
        form.addRow("What &happened", self.summary)
        form.addRow("The child's own &words", self.child_words)
        form.addRow("&Where", self.location)
        form.addRow("Online &service", self.online_service)
        form.addRow("&Kind of risk", self.category)
        form.addRow(self.message)

    def validatePage(self) -> bool:  # Qt names it
        if not self.reported_by.text().strip() or not self.summary.toPlainText().strip():
            self.message.setText("Say who reported it and what happened.")
            return False
        self.message.setText("")
        self._wizard.save_draft()
        return True


class PeoplePage(QWizardPage):
    def __init__(self, wizard: IncidentWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Who was involved")
        self.setSubTitle("Everyone, each with their role. Full names, never initials.")
        self.register = wizard.start.register
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.setAccessibleName("Person")
        for row in self.register:
            kind = row.kind.label(wizard.pupil_word)
            extra = f", {row.class_name}" if row.class_name else ""
            self.person.addItem(f"{row.name} ({kind}{extra})", row.id)
        self.person.setCurrentIndex(-1)
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for role in PersonRole:
            self.role.addItem(role.label, role.value)
        self.add_button = QPushButton("&Add")
        self.remove_button = QPushButton("&Remove")
        self.chosen: list[tuple[int, str, PersonRole]] = []
        self.model: RecordTableModel[tuple[int, str, PersonRole]] = RecordTableModel(
            [
                ("Name", lambda r: r[1], lambda r: r[1]),
                ("Role", lambda r: r[2].label, lambda r: r[2].label),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.message = error_label()
        choosing = QHBoxLayout()
        choosing.addWidget(self.person, 3)
        choosing.addWidget(self.role, 1)
        choosing.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(choosing)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.remove_button)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button.clicked.connect(self.remove_selected)

    def add_person(self, person_id: int, role: PersonRole) -> None:
        name = next((r.name for r in self.register if r.id == person_id), None)
        if name is None or (person_id, name, role) in self.chosen:
            return
        self.chosen.append((person_id, name, role))
        self.model.set_rows(self.chosen)

    def add_chosen(self) -> None:
        index = self.person.findText(self.person.currentText())
        if index < 0:
            self.message.setText(
                "Choose someone from the register (add them on the People page if new)."
            )
            return
        self.message.setText("")
        self.add_person(int(self.person.itemData(index)), PersonRole(self.role.currentData()))
        self.person.setCurrentIndex(-1)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            del self.chosen[row]
        self.model.set_rows(self.chosen)

    def nextId(self) -> int:  # Qt names it
        return self._wizard.page_of[self._wizard.chart.start]

    def validatePage(self) -> bool:  # Qt names it
        if not self.chosen:
            self.message.setText("Add at least one person involved, with their role.")
            return False
        self._wizard.save_draft()
        return True


class StepPage(QWizardPage):
    """One step of the flowchart."""

    def __init__(self, wizard: IncidentWizard, step: Step, contacts: dict[str, Contact]) -> None:
        super().__init__()
        self._wizard = wizard
        self.step = step
        self.setTitle(step.title)
        source = wizard.chart.sources[step.source]
        self.setSubTitle(
            f"From: {source.title}" + (f", {source.section}" if source.section else "")
        )
        layout = QVBoxLayout(self)
        if step.text:
            layout.addWidget(_wrapped(step.text))
        for heading, items, style in (("Do", step.do, ""), ("Do not", step.do_not, ERROR_STYLE)):
            if items:
                label = _wrapped(f"<b>{heading}:</b> " + "; ".join(items) + ".")
                label.setStyleSheet(style)
                layout.addWidget(label)
        if step.evidence == "no_images":
            layout.addWidget(
                _wrapped(
                    "<b>No images are ever stored for this kind of incident.</b> Describe what "
                    "was reported; never attach, copy or photograph the imagery."
                )
            )
        contact = contacts.get(step.contact or "")
        if contact is not None:
            reach = contact.phone or contact.web or "(not filled in: see Settings, Contacts)"
            layout.addWidget(_wrapped(f"<b>{contact.label}:</b> {contact.name} {reach}".strip()))
        form = QFormLayout()
        self.choices = QButtonGroup(self)
        self.reasons = QPlainTextEdit()
        self.reasons.setAccessibleName("Reasons for the decision")
        self.reasons.setMaximumHeight(90)
        self.done_by = QLineEdit(wizard.signed_in.account.display_name)
        self.done_by.setAccessibleName("Done by")
        self.outcome = QLineEdit()
        self.outcome.setAccessibleName("Outcome")
        self.reference = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        self.notes.setAccessibleName("Notes")
        if step.kind == "question":
            box = QVBoxLayout()
            for number, choice in enumerate(step.choices):
                button = QRadioButton(choice.label)
                self.choices.addButton(button, number)
                box.addWidget(button)
            form.addRow("Answer", box)
            form.addRow("&Reasons", self.reasons)
        elif step.kind == "action":
            form.addRow("Done &by", self.done_by)
            form.addRow("&Outcome", self.outcome)
            if step.reference:
                self.reference.setAccessibleName(REFERENCES[step.reference])
                form.addRow(REFERENCES[step.reference], self.reference)
        self.misuse: QComboBox | None = None
        self.suggestion = _wrapped("")
        if step.form == "misuse_grid":
            self.misuse = QComboBox()
            self.misuse.setAccessibleName("Misuse category")
            for code, category in incidents.shipped_misuse_grid().items():
                self.misuse.addItem(f"{code}: {category.examples[0]}…", code)
                self.misuse.setItemData(
                    self.misuse.count() - 1,
                    "\n".join(category.examples),
                    Qt.ItemDataRole.ToolTipRole,
                )
            form.insertRow(0, "&Category", self.misuse)
            form.insertRow(1, "", self.suggestion)
            self.misuse.currentIndexChanged.connect(self.show_suggestion)
        self.concerns: QComboBox | None = None
        if step.routes_to:
            # Routing upwards means the case is about someone who may hold an account here.
            self.concerns = QComboBox()
            self.concerns.setAccessibleName("Keep this case from")
            self.concerns.addItem("Nobody: they have no account in this app", None)
            for holder in wizard.account_holders:
                self.concerns.addItem(f"{holder.name} ({holder.role.label})", holder.id)
                if step.routes_to == incidents.HEAD_ROUTE and holder.role is Role.HEADTEACHER:
                    self.concerns.setCurrentIndex(self.concerns.count() - 1)
            form.addRow("&Keep this case from", self.concerns)
            form.addRow(
                "",
                _wrapped(
                    "The account chosen here will not see this case, its search results or its "
                    "counts."
                ),
            )
        if step.kind != "question":
            form.addRow("&Notes", self.notes)
        layout.addLayout(form)
        self.message = error_label()
        layout.addWidget(self.message)
        layout.addStretch(1)
        if step.kind == "end":
            self.setFinalPage(True)

    def initializePage(self) -> None:  # Qt names it
        if self.misuse is not None:
            self.show_suggestion()

    def show_suggestion(self) -> None:
        """The grid's response for this pupil's first or later incident; the DSL decides."""
        assert self.misuse is not None
        pupil = self._wizard.misuse_pupil()
        if pupil is None:
            self.suggestion.setText(
                "Add the pupil (as alleged perpetrator) to see the grid's response."
            )
            return
        suggestion = incidents.misuse_suggestion(
            self._wizard.signed_in, pupil, str(self.misuse.currentData())
        )
        self.suggestion.setText(
            f"{suggestion.sentence()}: <b>{'; '.join(suggestion.responses)}</b>. "
            "Write what you decided in Outcome."
        )
        if not self.outcome.text().strip() or self.outcome.property("suggested"):
            self.outcome.setText("; ".join(suggestion.responses))
            self.outcome.setProperty("suggested", True)

    def chosen(self) -> str | None:
        button = self.choices.checkedButton()
        return button.text() if button is not None else None

    def walk_step(self) -> WalkStep:
        return WalkStep(
            step_id=self.step.id,
            choice=self.chosen(),
            reasons=self.reasons.toPlainText().strip(),
            done_by=self.done_by.text().strip() if self.step.kind == "action" else "",
            outcome=self.outcome.text().strip(),
            reference=self.reference.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def restore(self, saved: dict[str, Any]) -> None:
        if self.concerns is not None and "concerns" in saved:
            self.concerns.setCurrentIndex(max(self.concerns.findData(saved["concerns"]), 0))
        for button in self.choices.buttons():
            button.setChecked(button.text() == saved.get("choice"))
        self.reasons.setPlainText(saved.get("reasons", ""))
        self.done_by.setText(saved.get("done_by") or self.done_by.text())
        self.outcome.setText(saved.get("outcome", ""))
        self.reference.setText(saved.get("reference", ""))
        self.notes.setPlainText(saved.get("notes", ""))

    def extra_draft(self) -> dict[str, Any]:
        return {"concerns": self.concerns.currentData()} if self.concerns is not None else {}

    def nextId(self) -> int:  # Qt names it
        if self.step.kind == "end":
            return -1
        if self.step.kind == "question":
            label = self.chosen()
            choice = next((c for c in self.step.choices if c.label == label), self.step.choices[0])
            return self._wizard.page_of[choice.next]
        assert self.step.next is not None
        return self._wizard.page_of[self.step.next]

    def validatePage(self) -> bool:  # Qt names it
        taken = self.walk_step()
        if self.step.kind == "question":
            if taken.choice is None:
                self.message.setText("Choose an answer.")
                return False
            if self.step.asks_reasons and not taken.reasons:
                self.message.setText("Write down the reasons for this decision.")
                return False
        if self.step.kind == "action" and not taken.done_by:
            self.message.setText("Say who did it.")
            return False
        self.message.setText("")
        if self.step.kind == "end":
            return self._wizard.record()
        self._wizard.save_draft()
        return True


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
