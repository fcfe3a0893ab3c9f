"""One step of the flowchart as a form: the incident wizard shows it as a page, and the case
view shows the same form when the case is carried on later.

A question offers its answers (one may wait: "still waiting for the police", "not sure yet")
and asks for the reasons. An action has three honest answers, and nothing is filled in as
done: *done* (by whom, when it was done, the outcome and each agency's reference), *to do*
(who will do it, by when: it becomes one of the case's actions) or *not needed* (why). Every
agency the step names is shown with its number from Settings (a web address as a link).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from esafety_desktop.domain.contacts import Contact
from esafety_desktop.domain.flowchart import REFERENCES, Flowchart, Step
from esafety_desktop.domain.incidents import StepState, WalkProblem, WalkStep, check_step
from esafety_desktop.domain.roles import Role
from esafety_desktop.services import incidents
from esafety_desktop.ui.dates import qdate, qdatetime
from esafety_desktop.ui.look import ERROR_STYLE, error_label

ANSWERS = (
    (StepState.DONE, "&Done", "It has happened: say who did it, when, and what came of it."),
    (StepState.TO_DO, "&To do", "It still has to happen: say who will do it and by when."),
    (StepState.NOT_NEEDED, "Not need&ed", "It does not apply to this case: say why."),
)
TO_DO_DAYS = 7  # a step to do is due in a week unless the DSL says otherwise


class StepForm(QWidget):
    """The form for ``step``. ``now`` gives the session's local time (the latest a step can
    have been done); ``pupil`` the pupil the misuse grid looks up (None: none chosen)."""

    def __init__(
        self,
        chart: Flowchart,
        step: Step,
        contacts: dict[str, Contact],
        *,
        now: Callable[[], datetime],
        owner: str,
        account_holders: list[incidents.AccountHolder] | None = None,
        misuse_suggestion: Callable[[str], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.step = step
        self._now = now
        self._misuse_suggestion = misuse_suggestion
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if step.text:
            layout.addWidget(wrapped(step.text))
        for heading, items, style in (("Do", step.do, ""), ("Do not", step.do_not, ERROR_STYLE)):
            if items:
                label = wrapped(f"<b>{heading}:</b> " + "; ".join(items) + ".")
                label.setStyleSheet(style)
                layout.addWidget(label)
        if step.evidence == "no_images":
            layout.addWidget(
                wrapped(
                    "<b>No images are ever stored for this kind of incident.</b> Describe what "
                    "was reported; never attach, copy or photograph the imagery."
                )
            )
        for key in step.contacts:
            contact = contacts.get(key)
            if contact is not None:
                layout.addWidget(contact_line(contact))
        form = QFormLayout()
        self.choices = QButtonGroup(self)
        self.reasons = QPlainTextEdit()
        self.reasons.setAccessibleName("Reasons for the decision")
        self.reasons.setMaximumHeight(80)
        self.answer = QButtonGroup(self)
        self.done_by = QLineEdit()
        self.done_by.setAccessibleName("Done by")
        self.done_by.setPlaceholderText("who did it (full name)")
        self.done_at = QDateTimeEdit(qdatetime(now()))
        self.done_at.setAccessibleName("When it was done")
        self.done_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.done_at.setCalendarPopup(True)
        self.done_at.setMaximumDateTime(qdatetime(now()))
        self._done_at_shown = self.done_at.dateTime()  # not moved: done when recorded
        self.outcome = QLineEdit()
        self.outcome.setAccessibleName("Outcome")
        self.references: dict[str, QLineEdit] = {}
        self.owner = QLineEdit(owner)
        self.owner.setAccessibleName("Who will do it")
        self.due = QDateEdit(qdate(now().date() + timedelta(days=TO_DO_DAYS)))
        self.due.setAccessibleName("Due by")
        self.due.setDisplayFormat("dd/MM/yyyy")
        self.due.setCalendarPopup(True)
        self.why_not = QPlainTextEdit()
        self.why_not.setAccessibleName("Why it is not needed")
        self.why_not.setMaximumHeight(70)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        self.notes.setAccessibleName("Notes")
        self.done_box = QWidget()
        self.to_do_box = QWidget()
        self.not_needed_box = QWidget()
        if step.kind == "question":
            box = QVBoxLayout()
            for number, choice in enumerate(step.choices):
                button = QRadioButton(choice.label)
                self.choices.addButton(button, number)
                box.addWidget(button)
            form.addRow("Answer", box)
            form.addRow("Rea&sons", self.reasons)
        elif step.kind == "action":
            self._action_rows(form)
        self.misuse: QComboBox | None = None
        self.suggestion = wrapped("")
        if step.form == "misuse_grid":
            self._misuse_rows(form)
        self.concerns: QComboBox | None = None
        if step.routes_to and account_holders is not None:
            self._concerns_rows(form, account_holders)
        if step.kind not in ("question", "end"):
            form.addRow("N&otes", self.notes)
        layout.addLayout(form)
        self.message = error_label()
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._show_answer()

    def _action_rows(self, form: QFormLayout) -> None:
        answers = QVBoxLayout()
        for number, (state, label, tip) in enumerate(ANSWERS):
            button = QRadioButton(label)
            button.setToolTip(tip)
            button.setAccessibleDescription(tip)
            button.setProperty("state", state.value)
            self.answer.addButton(button, number)
            answers.addWidget(button)
        self.answer.buttonToggled.connect(self._answer_toggled)
        form.addRow("Where is this step?", answers)
        done = QFormLayout(self.done_box)
        done.setContentsMargins(0, 0, 0, 0)
        done.addRow("Done b&y", self.done_by)
        done.addRow("&When it was done", self.done_at)
        done.addRow("Outco&me", self.outcome)
        for kind in self.step.references:
            edit = QLineEdit()
            edit.setAccessibleName(REFERENCES[kind])
            self.references[kind] = edit
            done.addRow(REFERENCES[kind], edit)
        to_do = QFormLayout(self.to_do_box)
        to_do.setContentsMargins(0, 0, 0, 0)
        to_do.addRow("Who &will do it", self.owner)
        to_do.addRow("D&ue by", self.due)
        not_needed = QFormLayout(self.not_needed_box)
        not_needed.setContentsMargins(0, 0, 0, 0)
        not_needed.addRow("W&hy not needed", self.why_not)
        for box in (self.done_box, self.to_do_box, self.not_needed_box):
            form.addRow(box)

    def _misuse_rows(self, form: QFormLayout) -> None:
        self.misuse = QComboBox()
        self.misuse.setAccessibleName("Misuse category")
        for code, category in incidents.shipped_misuse_grid().items():
            self.misuse.addItem(f"{code}: {category.examples[0]}…", code)
            self.misuse.setItemData(
                self.misuse.count() - 1, "\n".join(category.examples), Qt.ItemDataRole.ToolTipRole
            )
        form.insertRow(0, "&Category", self.misuse)
        form.insertRow(1, "", self.suggestion)
        self.misuse.currentIndexChanged.connect(self.show_suggestion)

    def _concerns_rows(
        self, form: QFormLayout, account_holders: list[incidents.AccountHolder]
    ) -> None:
        # Routing upwards means the case is about someone who may hold an account here.
        self.concerns = QComboBox()
        self.concerns.setAccessibleName("Keep this case from")
        self.concerns.addItem("Nobody: they have no account in this app", None)
        for holder in account_holders:
            self.concerns.addItem(f"{holder.name} ({holder.role.label})", holder.id)
            if self.step.routes_to == incidents.HEAD_ROUTE and holder.role is Role.HEADTEACHER:
                self.concerns.setCurrentIndex(self.concerns.count() - 1)
        form.addRow("&Keep this case from", self.concerns)
        form.addRow(
            "",
            wrapped(
                "The account chosen here will not see this case, its search results or its counts."
            ),
        )

    def showEvent(self, event: Any) -> None:  # Qt names it
        """The latest time a step can have been done is now, however long the form was open."""
        latest = qdatetime(self._now())
        self.done_at.setMaximumDateTime(latest)
        if self.done_at.dateTime() == self._done_at_shown:
            self.done_at.setDateTime(latest)
            self._done_at_shown = latest
        super().showEvent(event)

    # -- what was answered ---------------------------------------------------------------

    def state(self) -> StepState | None:
        button = self.answer.checkedButton()
        return StepState(button.property("state")) if button is not None else None

    def chosen(self) -> str | None:
        button = self.choices.checkedButton()
        return button.text() if button is not None else None

    def _answer_toggled(self, _button: object, _checked: bool) -> None:
        self._show_answer()

    def _show_answer(self) -> None:
        state = self.state()
        self.done_box.setVisible(state is StepState.DONE)
        self.to_do_box.setVisible(state is StepState.TO_DO)
        self.not_needed_box.setVisible(state is StepState.NOT_NEEDED)

    def show_suggestion(self) -> None:
        """The grid's response for this pupil's first or later incident; the DSL decides."""
        if self.misuse is None or self._misuse_suggestion is None:
            return
        suggestion = self._misuse_suggestion(str(self.misuse.currentData()))
        self.suggestion.setText(suggestion)

    def walk_step(self) -> WalkStep:
        state = self.state() if self.step.kind == "action" else None
        done = state is StepState.DONE
        when = self.done_at.dateTime().toPython()
        # Only a time the user chose is kept as when it happened; left alone, it happened
        # when it is recorded.
        moved = self.done_at.dateTime() != self._done_at_shown
        happened = when if done and moved and isinstance(when, datetime) else None
        due = self.due.date().toPython()
        return WalkStep(
            step_id=self.step.id,
            choice=self.chosen() if self.step.kind == "question" else None,
            reasons=(
                self.reasons.toPlainText().strip()
                if self.step.kind == "question"
                else self.why_not.toPlainText().strip()
                if state is StepState.NOT_NEEDED
                else ""
            ),
            state=state,
            done_by=self.done_by.text().strip() if done else "",
            done_at=happened,
            outcome=self.outcome.text().strip() if done else "",
            references=tuple(
                (kind, edit.text().strip())
                for kind, edit in self.references.items()
                if done and edit.text().strip()
            ),
            owner=self.owner.text().strip() if state is StepState.TO_DO else "",
            due=due if state is StepState.TO_DO and isinstance(due, date) else None,
            notes=self.notes.toPlainText().strip(),
        )

    def problem(self) -> str | None:
        """What is missing, shown under the form, or None when the answer is complete."""
        if self.step.kind == "question" and self.chosen() is None:
            return "Choose an answer."
        if self.step.kind == "action" and self.state() is None:
            return "Say whether this step is done, still to do, or not needed."
        try:
            check_step(self.step, self.walk_step(), self._now())
        except WalkProblem as problem:
            return str(problem).split(": ", 1)[-1].capitalize()
        return None

    def has_input(self) -> bool:
        """Anything answered or typed (so stopping here keeps it)."""
        return bool(
            self.chosen()
            or self.state()
            or self.reasons.toPlainText().strip()
            or self.notes.toPlainText().strip()
        )

    def waits(self) -> bool:
        choice = self.step.choice(self.chosen())
        return choice is not None and choice.next is None

    def next_step_id(self) -> str | None:
        """Where the flowchart goes after this answer (None: the end, or an answer that waits)."""
        if self.step.kind == "question":
            choice = self.step.choice(self.chosen()) or self.step.choices[0]
            return choice.next
        return self.step.next

    # -- drafts ----------------------------------------------------------------------------

    def to_draft(self) -> dict[str, Any]:
        taken = self.walk_step()
        state = self.state()
        return {
            "step_id": self.step.id,
            "choice": taken.choice,
            "reasons": self.reasons.toPlainText(),
            "state": state.value if state else None,
            "done_by": self.done_by.text(),
            # Kept only when the user chose it: left alone, it is when the step is recorded.
            "done_at": (
                self.done_at.dateTime().toString("yyyy-MM-ddTHH:mm")
                if self.done_at.dateTime() != self._done_at_shown
                else ""
            ),
            "outcome": self.outcome.text(),
            "references": {k: e.text() for k, e in self.references.items()},
            "owner": self.owner.text(),
            "due": self.due.date().toString("yyyy-MM-dd"),
            "why_not": self.why_not.toPlainText(),
            "notes": self.notes.toPlainText(),
            "concerns": self.concerns.currentData() if self.concerns is not None else None,
            "misuse": self.misuse.currentData() if self.misuse is not None else None,
        }

    def restore(self, saved: dict[str, Any]) -> None:
        for button in self.choices.buttons():
            button.setChecked(button.text() == saved.get("choice"))
        for button in self.answer.buttons():
            button.setChecked(button.property("state") == saved.get("state"))
        self.reasons.setPlainText(saved.get("reasons", ""))
        self.done_by.setText(saved.get("done_by", ""))
        when = QDateTime.fromString(saved.get("done_at", ""), "yyyy-MM-ddTHH:mm")
        if when.isValid():
            self.done_at.setDateTime(when)
        self.outcome.setText(saved.get("outcome", ""))
        for kind, value in dict(saved.get("references", {})).items():
            if kind in self.references:
                self.references[kind].setText(str(value))
        self.owner.setText(saved.get("owner", self.owner.text()))
        due = qdate(date.fromisoformat(saved["due"])) if saved.get("due") else None
        if due is not None:
            self.due.setDate(due)
        self.why_not.setPlainText(saved.get("why_not", ""))
        self.notes.setPlainText(saved.get("notes", ""))
        if self.concerns is not None and "concerns" in saved:
            self.concerns.setCurrentIndex(max(self.concerns.findData(saved["concerns"]), 0))
        if self.misuse is not None and saved.get("misuse"):
            self.misuse.setCurrentIndex(max(self.misuse.findData(saved["misuse"]), 0))
        self._show_answer()


def contact_line(contact: Contact) -> QLabel:
    """An agency with its number or web address (a link that opens in the browser)."""
    from html import escape

    reach = escape(contact.phone)
    if contact.web:
        address = contact.web if "://" in contact.web else f"https://{contact.web}"
        link = f"<a href='{escape(address, quote=True)}'>{escape(contact.web)}</a>"
        reach = f"{reach} {link}".strip()
    if not reach:
        reach = "(not filled in: see Settings, Contacts)"
    label = wrapped(f"<b>{escape(contact.label)}:</b> {escape(contact.name)} {reach}".strip())
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(bool(contact.web))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


def wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
