"""The incident wizard's pages: what was reported, one page per step of the flowchart (the
same form the case view shows when the case is carried on later), who was involved (asked once
the kind of incident is known, with the roles that fit it) and the summary before Finish. The
wizard itself (``ui/incident_wizard.py``) walks them, keeps the draft and saves the case.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWizardPage,
)

from esafety_desktop.domain.contacts import Contact
from esafety_desktop.domain.flowchart import REFERENCES, Step
from esafety_desktop.domain.incidents import (
    Location,
    PersonRole,
    RiskCategory,
    StepState,
    WalkStep,
    plan_of,
)
from esafety_desktop.domain.people import Newcomer
from esafety_desktop.ui.accessible import name_typing_box
from esafety_desktop.ui.dates import qdatetime
from esafety_desktop.ui.incidents.step_form import StepForm
from esafety_desktop.ui.look import error_label
from esafety_desktop.ui.models import RecordTableModel
from esafety_desktop.ui.sizing import size_columns

REPORT_PAGE, PEOPLE_PAGE, SUMMARY_PAGE, FIRST_STEP_PAGE = 0, 1, 2, 100

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
        form.addRow("Re&ported by", self.reported_by)
        form.addRow("&When reported", self.reported_at)
        form.addRow("What &happened", self.summary)
        form.addRow("The &child's own words", self.child_words)
        form.addRow("Whe&re", self.location)
        form.addRow("Online &service", self.online_service)
        form.addRow("&Kind of risk", self.category)
        form.addRow(self.message)

    def nextId(self) -> int:  # Qt names it
        return self._wizard.page_of[self._wizard.chart.start]

    def validatePage(self) -> bool:  # Qt names it
        if not self.reported_by.text().strip() or not self.summary.toPlainText().strip():
            self.message.setText("Say who reported it and what happened.")
            return False
        self.message.setText("")
        self._wizard.save_draft()
        return True


class PeoplePage(QWizardPage):
    """Everyone involved, each with a role that fits this kind of incident; someone not on the
    register (an unknown or online person, another school's pupil, a family member) is added
    here without leaving the wizard."""

    def __init__(self, wizard: IncidentWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Who was involved")
        self.setSubTitle(
            "Everyone, each with their role. Full names, never initials; for someone unknown, "
            "what is known of them."
        )
        self.register = wizard.start.register
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.setAccessibleName("Person")
        name_typing_box(self.person)
        for row in self.register:
            kind = row.kind.label(wizard.pupil_word)
            extra = f", {row.class_name}" if row.class_name else ""
            self.person.addItem(f"{row.name} ({kind}{extra})", row.id)
        self.person.setCurrentIndex(-1)
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        self.add_button = QPushButton("&Add")
        self.newcomer_button = QPushButton("Someone n&ot on the register…")
        self.newcomer_button.setToolTip(
            "An unknown or online person, a pupil at another school, or a family member"
        )
        self.remove_button = QPushButton("&Remove")
        self.chosen: list[tuple[int, str, PersonRole]] = []
        self.newcomers: list[tuple[Newcomer, PersonRole]] = []
        self.model: RecordTableModel[tuple[str, str, PersonRole]] = RecordTableModel(
            [
                ("Name", lambda r: r[0], lambda r: r[0]),
                ("Who they are", lambda r: r[1], lambda r: r[1]),
                ("Role", lambda r: r[2].label, lambda r: r[2].label),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("People involved")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        size_columns(self.table)
        self.message = error_label()
        choosing = QHBoxLayout()
        choosing.addWidget(self.person, 3)
        choosing.addWidget(self.role, 1)
        choosing.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.newcomer_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(choosing)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add_chosen)
        self.newcomer_button.clicked.connect(self.add_newcomer)
        self.remove_button.clicked.connect(self.remove_selected)

    def roles(self) -> list[PersonRole]:
        """The roles that fit the kind of incident chosen."""
        return [PersonRole(r) for r in self._wizard.chart.roles_for(self._wizard.incident_type())]

    def initializePage(self) -> None:  # Qt names it
        current = self.role.currentData()
        self.role.clear()
        for role in self.roles():
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(max(self.role.findData(current), 0))
        self._show()

    def _show(self) -> None:
        kinds = {r.id: r.kind.label(self._wizard.pupil_word) for r in self.register}
        rows = [(name, kinds.get(pid, ""), role) for pid, name, role in self.chosen]
        rows += [(n.name(), n.details(), role) for n, role in self.newcomers]
        self.model.set_rows(rows)

    def add_person(self, person_id: int, role: PersonRole) -> None:
        name = next((r.name for r in self.register if r.id == person_id), None)
        if name is None or (person_id, name, role) in self.chosen:
            return
        self.chosen.append((person_id, name, role))
        self._show()

    def add_chosen(self) -> None:
        index = self.person.findText(self.person.currentText())
        if index < 0:
            self.message.setText(
                "Choose someone from the register, or add someone who is not on it with "
                "“Someone not on the register…”."
            )
            return
        self.message.setText("")
        self.add_person(int(self.person.itemData(index)), PersonRole(self.role.currentData()))
        self.person.setCurrentIndex(-1)

    def add_newcomer(self) -> None:
        from esafety_desktop.ui.incidents.newcomer_dialog import NewcomerDialog

        self.dialog = NewcomerDialog(self.roles(), self)
        self.dialog.accepted.connect(self._newcomer_added)
        self.dialog.open()

    def _newcomer_added(self) -> None:
        newcomer, role = self.dialog.newcomer(), self.dialog.role()
        self.newcomers.append((newcomer, role))
        self.message.setText("")
        self._show()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            if row < len(self.chosen):
                del self.chosen[row]
            else:
                del self.newcomers[row - len(self.chosen)]
        self._show()

    def nextId(self) -> int:  # Qt names it
        return self._wizard.page_after(self._wizard.chart.people_after)

    def validatePage(self) -> bool:  # Qt names it
        if not self.chosen and not self.newcomers:
            self.message.setText("Add at least one person involved, with their role.")
            return False
        fitting = self.roles()
        named = [(name, role) for _, name, role in self.chosen]
        named += [(n.name(), role) for n, role in self.newcomers]
        for name, role in named:
            if role not in fitting:
                self.message.setText(
                    f"{name}: “{role.label}” is not a role for this kind of incident. Remove "
                    "them and add them again as one of: "
                    + ", ".join(r.label for r in fitting)
                    + "."
                )
                return False
        self.message.setText("")
        self._wizard.save_draft()
        return True


class StepPage(QWizardPage):
    """One step of the flowchart: its :class:`StepForm`. A page left blank when the DSL chose
    "Stop here" is the case's next step, carried on later from the case view."""

    def __init__(self, wizard: IncidentWizard, step: Step, contacts: dict[str, Contact]) -> None:
        super().__init__()
        self._wizard = wizard
        self.step = step
        self.left_for_later = False
        self.setTitle(step.title)
        source = wizard.chart.sources[step.source]
        self.setSubTitle(
            f"From: {source.title}" + (f", {source.section}" if source.section else "")
        )
        self.form = StepForm(
            wizard.chart,
            step,
            contacts,
            now=wizard.signed_in.clock.local_now,
            owner=wizard.signed_in.account.display_name,
            account_holders=wizard.account_holders,
            misuse_suggestion=wizard.misuse_suggestion,
        )
        self.message = self.form.message
        self.choices = self.form.choices
        self.concerns = self.form.concerns
        self.misuse = self.form.misuse
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)

    def initializePage(self) -> None:  # Qt names it
        self.left_for_later = False
        self.form.show_suggestion()

    def walk_step(self) -> WalkStep:
        return self.form.walk_step()

    def answered_or_nothing_to_answer(self) -> bool:
        return self.step.kind not in ("question", "action") or self.form.has_input()

    def nextId(self) -> int:  # Qt names it
        if self._wizard.stopping or self.step.kind == "end":
            return SUMMARY_PAGE
        if self.step.id == self._wizard.chart.people_after:
            return PEOPLE_PAGE
        return self._wizard.page_after(self.step.id)

    def validatePage(self) -> bool:  # Qt names it
        if self._wizard.stopping and self.left_for_later:
            return True  # left blank: the case's next step
        self.left_for_later = False
        problem = self.form.problem()
        if problem:
            self.message.setText(problem)
            return False
        self.message.setText("")
        self._wizard.save_draft()
        return True


class SummaryPage(QWizardPage):
    """What will be recorded, what is still to do and by whom, what is not needed and why, and
    the case's next step, before Finish."""

    def __init__(self, wizard: IncidentWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Check before saving")
        self.setSubTitle(
            "This is what the case will record. Go Back to change anything; what is still to "
            "do is carried on later from the case."
        )
        self.text = QTextBrowser()
        self.text.setAccessibleName("What will be recorded")
        self.message = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.message)
        self.setFinalPage(True)

    def initializePage(self) -> None:  # Qt names it
        self.text.setHtml(summary_html(self._wizard))

    def nextId(self) -> int:  # Qt names it
        return -1

    def validatePage(self) -> bool:  # Qt names it
        return self._wizard.record()


def summary_html(wizard: IncidentWizard) -> str:
    """The summary page's text; everything typed is escaped."""
    walk = wizard.walk()
    chart = wizard.chart
    plan = plan_of(chart, {t.step_id: t for t in walk})
    report = wizard.report
    parts = [
        f"<p><b>Reported by</b> {escape(report.reported_by.text())}, "
        f"{report.reported_at.dateTime().toString('dd/MM/yyyy HH:mm')}.</p>",
        f"<p>{escape(report.summary.toPlainText())}</p>",
        "<h3>People involved</h3><ul>",
    ]
    people = wizard.people_page
    for _, name, role in people.chosen:
        parts.append(f"<li>{escape(name)}: {escape(role.label)}</li>")
    for newcomer, role in people.newcomers:
        parts.append(
            f"<li>{escape(newcomer.name())}: {escape(role.label)} "
            f"({escape(newcomer.details())}; not on the register)</li>"
        )
    parts.append("</ul>")
    sections: dict[str, list[str]] = {"answered": [], "done": [], "to_do": [], "not_needed": []}
    for taken in walk:
        step = chart.step(taken.step_id)
        title = escape(step.title)
        if step.kind == "question":
            sections["answered"].append(
                f"<li>{title} <b>{escape(taken.choice or '')}</b>: {escape(taken.reasons)}</li>"
            )
        elif taken.state is StepState.DONE:
            when = f" on {taken.done_at:%d/%m/%Y at %H:%M}" if taken.done_at else ""
            refs = "".join(
                f"; {escape(REFERENCES.get(k, k))} {escape(v)}" for k, v in taken.references
            )
            sections["done"].append(
                f"<li>{title}: by {escape(taken.done_by)}{when}. {escape(taken.outcome)}{refs}</li>"
            )
        elif taken.state is StepState.TO_DO:
            due = f"{taken.due:%d/%m/%Y}" if taken.due else ""
            sections["to_do"].append(f"<li>{title}: <b>{escape(taken.owner)}</b>, by {due}</li>")
        elif taken.state is StepState.NOT_NEEDED:
            sections["not_needed"].append(f"<li>{title}: {escape(taken.reasons)}</li>")
    headings = {
        "answered": "Decisions",
        "done": "Done",
        "to_do": "Still to do (each becomes one of the case's actions)",
        "not_needed": "Not needed, and why",
    }
    for key, heading in headings.items():
        if sections[key]:
            parts.append(f"<h3>{heading}</h3><ul>{''.join(sections[key])}</ul>")
    parts.append(f"<h3>Where the case will stand</h3><p>{escape(plan.where())}</p>")
    return "".join(parts)
