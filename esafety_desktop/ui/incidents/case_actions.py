"""The buttons under the chosen case, and what each one does.

Changes are saved on the worker (an :class:`Operation`); then ``case_changed`` asks the page
to read that one case again. Documents are made on the worker too (``PreviewLater``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from esafety_desktop.domain.incidents import CasePlan
from esafety_desktop.domain.roles import Permission, can
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import incidents
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import IncidentSummary
from esafety_desktop.services.restricting import restrict_case
from esafety_desktop.services.settings import SchoolSettings, school_settings
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import FlowLayout


def _on_the_chosen_case(
    act: Callable[[CaseActions, IncidentSummary], None],
) -> Callable[[CaseActions], None]:
    """A button's handler, given the case chosen when it is pressed (none chosen: nothing)."""

    def on_click(self: CaseActions) -> None:
        case = self._chosen()
        if case is not None:
            act(self, case)

    on_click.__name__, on_click.__doc__ = act.__name__, act.__doc__
    return on_click


class CaseActions(QWidget):
    """Acts on the case ``chosen()`` returns at the moment a button is pressed."""

    case_changed = Signal(int)  # a change to this case (its id) was saved

    def __init__(
        self,
        signed_in: SignedIn,
        chosen: Callable[[], IncidentSummary | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._signed_in = signed_in
        self._chosen = chosen
        self.carry_on_button = QPushButton("Carry &on: next step…")
        self.carry_on_button.setToolTip(
            "Record the case's next step in the flowchart, or a step still to do"
        )
        self.note_button = QPushButton("Add a &note…")
        self.print_button = QPushButton("&Print the record…")
        self.sign_off_button = QPushButton("Review and &sign off…")
        self.action_button = QPushButton("Add an &action…")
        self.done_button = QPushButton("Action &done…")
        self.correct_button = QPushButton("&Correct an entry…")
        self.review_button = QPushButton("De&vice or site review…")
        self.evidence_button = QPushButton("Add &evidence…")
        self.status_button = QPushButton("Change s&tatus…")
        self.restrict_button = QPushButton("Restr&ict…")
        role = signed_in.account.role
        # Ten buttons do not fit side by side under the case on a laptop: they wrap.
        layout = FlowLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in self._buttons():
            button.setEnabled(False)
            layout.addWidget(button)
            if button is self.sign_off_button:
                button.setVisible(can(role, Permission.SIGN_OFF_CASES))
            elif button is self.restrict_button:  # only a DSL or a deputy seals a case away
                button.setVisible(can(role, Permission.RESTRICT_CASES))
            elif button is not self.print_button:  # anyone who may see the case may print it
                button.setVisible(can(role, Permission.RECORD_INCIDENTS))

        self.carry_on_button.clicked.connect(self.carry_on)
        self.note_button.clicked.connect(self.add_note)
        self.print_button.clicked.connect(self.print_record)
        self.status_button.clicked.connect(self.change_status)
        self.evidence_button.clicked.connect(self.add_evidence)
        self.review_button.clicked.connect(self.device_review)
        self.correct_button.clicked.connect(self.correct_entry)
        self.action_button.clicked.connect(self.add_action)
        self.done_button.clicked.connect(self.action_done)
        self.sign_off_button.clicked.connect(self.sign_off)
        self.restrict_button.clicked.connect(self.restrict)

    def _buttons(self) -> tuple[QPushButton, ...]:
        """In the order they stand under the case."""
        return (
            self.carry_on_button,
            self.note_button,
            self.action_button,
            self.done_button,
            self.evidence_button,
            self.review_button,
            self.correct_button,
            self.sign_off_button,
            self.status_button,
            self.restrict_button,
            self.print_button,
        )

    def enable(self) -> None:
        """A case is chosen: the buttons act on it (a restricted case is not restricted again)."""
        for button in self._buttons():
            button.setEnabled(True)
        case = self._chosen()
        restricted = case is not None and case.id < 0
        tip = (
            RESTRICTED_ALREADY
            if restricted
            else "Seal this case away from accounts you choose, such as the head's"
        )
        self.restrict_button.setEnabled(not restricted)
        self.restrict_button.setToolTip(tip)
        self.restrict_button.setAccessibleDescription(tip)

    def _open(
        self, dialog: QDialog, case: IncidentSummary, then: Callable[[], object] | None = None
    ) -> None:
        """A form that saves a change to ``case`` itself; once it has, ``then`` (or the page is
        told which case changed: another may be chosen by then)."""
        self.dialog = dialog
        self._dialog_case = case
        self.dialog.accepted.connect(then or self._dialog_saved)
        self.dialog.open()

    def _dialog_saved(self) -> None:
        self.case_changed.emit(self._dialog_case.id)

    def _saved(self, incident_id: int, _result: object = None) -> None:
        self.case_changed.emit(incident_id)

    def _write(self, case: IncidentSummary, work: Callable[[], object], problem_title: str) -> None:
        """A change to ``case``, on the worker; then the page redraws that case (even if
        another has been chosen meanwhile)."""
        Operation(
            self,
            work,
            Changes.INCIDENTS,
            on_done=partial(self._saved, case.id),
            problem_title=problem_title,
        ).run()

    def _preview(
        self, make: Callable[[], bytes], title: str, reference: str, incident_id: int
    ) -> None:
        """The document is made on the worker, then shown in the print preview; printing or
        saving it is recorded with the case (sealed with it, for a restricted case)."""
        from esafety_desktop.ui.pdf_preview import PreviewLater

        PreviewLater(
            self,
            self._signed_in,
            make,
            title,
            f"{reference}.pdf",
            then=partial(setattr, self, "preview"),
            incident_id=incident_id,
        )

    @_on_the_chosen_case
    def carry_on(self, case: IncidentSummary) -> None:
        """Where the case stands is read on the worker; then the step's form opens."""
        Operation(
            self,
            partial(_carry_on_start, self._signed_in, case.id),
            Changes.NOTHING,
            on_done=partial(self._carry_on, case),
            problem_title="The case could not be carried on",
        ).run()

    def _carry_on(self, case: IncidentSummary, start: CarryOnStart) -> None:
        from esafety_desktop.ui.incidents.carry_on import CarryOnDialog, choose_step

        plan, settings, holders = start
        step = choose_step(self, plan)
        if step is None:
            return
        contacts = {c.key: c for c in settings.contacts}
        chart = incidents.shipped_flowchart()
        self._open(CarryOnDialog(self._signed_in, case, chart, step, contacts, holders, self), case)

    @_on_the_chosen_case
    def add_note(self, case: IncidentSummary) -> None:
        text = dialogs.ask_text(self, "Add a note", "Note (it is dated and signed with your name):")
        if not text or not text.strip():
            return
        self._write(
            case,
            partial(incidents.add_note, self._signed_in, case.id, text),
            "The note was not added",
        )

    @_on_the_chosen_case
    def print_record(self, case: IncidentSummary) -> None:
        self._preview(
            partial(incidents.incident_record, self._signed_in, case.id),
            f"Incident record {case.reference}",
            case.reference,
            case.id,
        )

    @_on_the_chosen_case
    def change_status(self, case: IncidentSummary) -> None:
        from esafety_desktop.ui.status_dialog import StatusDialog

        save = partial(incidents.change_status, self._signed_in, case.id)
        self._open(StatusDialog(case.reference, case.status, save, self), case)

    @_on_the_chosen_case
    def add_evidence(self, case: IncidentSummary) -> None:
        from esafety_desktop.ui.evidence_dialog import EvidenceDialog

        me = self._signed_in
        self._open(
            EvidenceDialog(
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
            ),
            case,
        )

    @_on_the_chosen_case
    def device_review(self, case: IncidentSummary) -> None:
        from esafety_desktop.ui.status_dialog import DeviceReviewDialog

        save = partial(incidents.record_device_review, self._signed_in, case.id)
        self._open(DeviceReviewDialog(case.reference, save, self), case, then=self._device_reviewed)

    def _device_reviewed(self) -> None:
        """The review is saved: its form, with the two reviewers' signature lines, to print."""
        case = self._dialog_case
        self._saved(case.id)
        self._preview(
            partial(_device_review_form, self._signed_in, case.id),
            f"Device / site review {case.reference}",
            case.reference,
            case.id,
        )

    @_on_the_chosen_case
    def correct_entry(self, case: IncidentSummary) -> None:
        """Saved text is never overwritten: a correction is added, the original kept."""
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
            case,
            partial(
                incidents.correct_entry,
                self._signed_in,
                entries[labels.index(picked)].id,
                corrected,
                why,
            ),
            "The correction was not saved",
        )

    @_on_the_chosen_case
    def add_action(self, case: IncidentSummary) -> None:
        from esafety_desktop.ui.status_dialog import ActionDialog

        me = self._signed_in
        save = partial(incidents.add_action, me, case.id)
        self._open(
            ActionDialog(case.reference, save, me.account.display_name, me.clock.today(), self),
            case,
        )

    @_on_the_chosen_case
    def action_done(self, case: IncidentSummary) -> None:
        open_actions = [
            a
            for a in incidents.actions(self._signed_in, case.id, open_only=True)
            if a.step_id is None  # a flowchart step to do is recorded with "Carry on"
        ]
        if not open_actions:
            dialogs.inform(
                self,
                "No open actions",
                "Every action set on this case is done. Flowchart steps still to do are "
                "recorded with “Carry on”.",
            )
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
            case,
            partial(incidents.complete_action, self._signed_in, action.id, outcome),
            "The action was not marked as done",
        )

    @_on_the_chosen_case
    def sign_off(self, case: IncidentSummary) -> None:
        comment = dialogs.ask_text(
            self,
            f"Review and sign off {case.reference}",
            "Your comments (signed with your name and today's date):",
        )
        if comment is None:
            return
        self._write(
            case,
            partial(incidents.sign_off, self._signed_in, case.id, comment),
            "The case was not signed off",
        )

    @_on_the_chosen_case
    def restrict(self, case: IncidentSummary) -> None:
        """The other accounts are read on the worker; then the form to choose among them."""
        if case.id < 0:
            dialogs.inform(self, "Restrict this case", f"{RESTRICTED_ALREADY}.")
            return
        Operation(
            self,
            partial(incidents.account_holders, self._signed_in),
            Changes.NOTHING,
            on_done=partial(self._restrict, case),
            problem_title="The case could not be restricted",
        ).run()

    def _restrict(self, case: IncidentSummary, holders: list[incidents.AccountHolder]) -> None:
        """Once sealed, the case has a new id: the page is told the old one, and finds the
        case again by its reference."""
        from esafety_desktop.ui.incidents.restrict_dialog import RestrictDialog

        if not holders:
            dialogs.inform(
                self,
                "Restrict this case",
                "There is no other account to keep this case from. Add the account first "
                "(Settings, Accounts), then restrict the case.",
            )
            return
        restrict = partial(restrict_case, self._signed_in, case.id)
        self._open(RestrictDialog(case.reference, holders, restrict, self), case)


RESTRICTED_ALREADY = "This case is restricted already"


def _device_review_form(signed_in: SignedIn, incident_id: int) -> bytes:
    form = incidents.device_review_form(signed_in, incident_id)
    if form is None:
        raise ProblemForUser("This case has no device or site review to print yet.")
    return form


CarryOnStart = tuple[CasePlan, SchoolSettings, list[incidents.AccountHolder]]


def _carry_on_start(signed_in: SignedIn, incident_id: int) -> CarryOnStart:
    """On the worker: where the case stands, the school's contacts, the accounts a case may be
    kept from."""
    return (
        incidents.case_plan(signed_in, incident_id),
        school_settings(signed_in),
        incidents.account_holders(signed_in),
    )
