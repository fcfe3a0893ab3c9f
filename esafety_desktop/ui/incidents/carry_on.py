"""Carrying a case on through the flowchart from the case view: the same form the wizard shows
for the case's next step, or for a step still to do (or not confirmed). Recording it moves
the case down the branch its answer takes."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from esafety_desktop.domain.contacts import Contact
from esafety_desktop.domain.flowchart import Flowchart, Step
from esafety_desktop.domain.incidents import CasePlan, PersonRole
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import incidents
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import IncidentSummary
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incidents.step_form import StepForm
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import fit_to_screen


def steps_to_offer(plan: CasePlan) -> list[tuple[Step, str]]:
    """The steps that can be recorded now, each with how it is offered: the next step first,
    then those still to do or not confirmed."""
    offered = []
    if plan.next_step is not None:
        waiting = " (when it is known)" if plan.waiting_for else ""
        offered.append((plan.next_step, f"Next: {plan.next_step.title}{waiting}"))
    for taken in plan.outstanding:
        state = taken.state.label if taken.state else ""
        who = ""
        if taken.taken is not None and taken.taken.owner:
            due = f", due {taken.taken.due:%d/%m/%Y}" if taken.taken.due else ""
            who = f" ({taken.taken.owner}{due})"
        offered.append((taken.step, f"{state}: {taken.step.title}{who}"))
    return offered


class CarryOnDialog(QDialog):
    """One step of the flowchart for a case already recorded."""

    def __init__(
        self,
        signed_in: SignedIn,
        case: IncidentSummary,
        chart: Flowchart,
        step: Step,
        contacts: dict[str, Contact],
        account_holders: list[incidents.AccountHolder],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("carryOnDialog")
        self.setWindowTitle(f"Carry on {case.reference}: {step.title}")
        self._signed_in = signed_in
        self._case = case
        source = chart.sources[step.source]
        heading = QLabel(f"<h3>{step.title}</h3>")
        heading.setWordWrap(True)
        origin = QLabel(f"From: {source.title}" + (f", {source.section}" if source.section else ""))
        origin.setWordWrap(True)
        self.form = StepForm(
            chart,
            step,
            contacts,
            now=signed_in.clock.local_now,
            owner=signed_in.account.display_name,
            account_holders=account_holders,
            misuse_suggestion=self._misuse_suggestion,
        )
        self.message = self.form.message
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Record this step")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(origin)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.buttons)
        self.form.show_suggestion()
        fit_to_screen(self, 640, 0)  # as high as the step needs, within the screen

    def _misuse_suggestion(self, category: str) -> str:
        pupils = [i for i in self._case.involved if i.year_group is not None]
        pupil = next(
            (p for p in pupils if PersonRole.ALLEGED_PERPETRATOR in p.roles),
            pupils[0] if pupils else None,
        )
        if pupil is None:
            return "No pupil is recorded on this case, so the grid has no earlier incidents."
        suggestion = incidents.misuse_suggestion(self._signed_in, pupil.person_id, category)
        return f"{suggestion.sentence()}: <b>{'; '.join(suggestion.responses)}</b>."

    def submit(self) -> None:
        problem = self.form.problem()
        if problem:
            self.message.setText(problem)
            return
        self.message.setText("")
        self.buttons.setEnabled(False)
        concerns = self.form.concerns.currentData() if self.form.concerns is not None else None
        misuse = self.form.misuse.currentData() if self.form.misuse is not None else None
        Operation(
            self,
            partial(
                incidents.carry_on,
                self._signed_in,
                self._case.id,
                self.form.walk_step(),
                concerns_account_id=concerns,
                misuse_category=misuse,
            ),
            Changes.INCIDENTS,
            on_done=self._saved,
            on_problem=self._refused,
        ).run()

    def _saved(self, _plan: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, problem: ProblemForUser) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(str(problem))

    def reject(self) -> None:  # Qt names it: Cancel and Esc
        """While saving, the dialog waits; anything typed is not thrown away without asking."""
        if not self.buttons.isEnabled():
            return
        if self.form.has_input() and not dialogs.ask(
            self,
            "Leave this step unrecorded?",
            "What you typed for this step is not saved yet.",
            yes="Close without recording",
            no="Keep it open",
        ):
            return
        super().reject()

    def close_quietly(self) -> None:
        """For locking: close at once."""
        super().reject()


def choose_step(parent: QWidget, plan: CasePlan) -> Step | None:
    """The step to record: asked only when there is more than one."""
    offered = steps_to_offer(plan)
    if not offered:
        dialogs.inform(
            parent,
            "Nothing left in the flowchart",
            f"{plan.where()} Use “Change status” to move it to monitoring or to close it.",
        )
        return None
    if len(offered) == 1:
        return offered[0][0]
    labels = [label for _, label in offered]
    picked = dialogs.choose(parent, "Carry on", "Which step are you recording?", labels, labels[0])
    return None if picked is None else offered[labels.index(picked)][0]
