"""Record an incident by walking the school's flowchart, one step per page, up to what has
happened so far.

The pages come from ``resources/flowcharts/online_safety.toml``: a question offers its answers
and asks for the reasons; an action is done, to do or not needed. "Stop here" (or an answer
that waits for the police or for advice) goes to the summary page, and Finish saves the case:
the rest of the flowchart is carried on later from the case view. The wizard saves a draft
(encrypted) every time the user moves on, so a lock, a crash or closing the window loses
nothing; the draft reopens where it stopped.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
    QWizard,
)

from esafety_desktop.domain.flowchart import Flowchart
from esafety_desktop.domain.incidents import (
    Location,
    PersonRole,
    RiskCategory,
    WalkStep,
    incident_type_of,
)
from esafety_desktop.domain.people import CasePersonKind, Newcomer, PersonKind
from esafety_desktop.errors import DatabaseClosed, ProblemForUser
from esafety_desktop.services import incidents, people
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.people import PersonRow
from esafety_desktop.services.settings import SchoolSettings, school_settings
from esafety_desktop.ui import dialogs
from esafety_desktop.ui.incidents.wizard_pages import (
    FIRST_STEP_PAGE,
    PEOPLE_PAGE,
    REPORT_PAGE,
    SUMMARY_PAGE,
    PeoplePage,
    ReportPage,
    StepPage,
    SummaryPage,
)
from esafety_desktop.ui.operations import Changes, Operation
from esafety_desktop.ui.sizing import fit_to_screen


class IncidentWizard(QWizard):
    """``recorded`` carries the new case's summary once it is saved."""

    recorded = Signal(object)

    def __init__(
        self,
        signed_in: SignedIn,
        *,
        draft_id: int | None = None,
        parent: QWidget | None = None,
        start: WizardStart | None = None,
    ) -> None:
        """``start`` is what the wizard reads before it opens (see :func:`wizard_start`),
        read on the worker by a page; without it the wizard reads it itself."""
        super().__init__(parent)
        self.setWindowTitle("Record an online-safety incident")
        self.setObjectName("incidentWizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.signed_in = signed_in
        start = start or wizard_start(signed_in, draft_id)
        self.start = start
        self.chart: Flowchart = start.chart
        self.pupil_word = start.settings.pupil_word
        contacts = {c.key: c for c in start.settings.contacts}
        self._draft = DraftHeld(draft_id)
        self.draft_problem: ProblemForUser | None = None
        self.recording = False  # Finish pressed, the case not yet saved
        self.saved_case: incidents.IncidentSummary | None = None
        self.account_holders = start.account_holders
        self.stopping = False  # "Stop here" was pressed: the next page is the summary
        self.report = ReportPage(self)
        self.people_page = PeoplePage(self)
        self.summary = SummaryPage(self)
        self.setPage(REPORT_PAGE, self.report)
        self.setPage(PEOPLE_PAGE, self.people_page)
        self.setPage(SUMMARY_PAGE, self.summary)
        self.page_of: dict[str, int] = {}
        self.step_pages: dict[str, StepPage] = {}
        for number, step in enumerate(self.chart.steps.values()):
            page = StepPage(self, step, contacts)
            self.page_of[step.id] = FIRST_STEP_PAGE + number
            self.step_pages[step.id] = page
            self.setPage(FIRST_STEP_PAGE + number, page)
        self.setStartId(REPORT_PAGE)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        stop = self.button(QWizard.WizardButton.CustomButton1)
        stop.setText("Stop &here and check…")
        stop.setToolTip(
            "Save the case as it stands now: what has not happened yet is carried on later "
            "from the case."
        )
        self.customButtonClicked.connect(self._custom_button)
        self.currentIdChanged.connect(self._offer_stopping)
        self._offer_stopping()
        fit_to_screen(self, 860, 720)
        if start.draft is not None:
            self.resume(start.draft)

    # -- the walk so far -----------------------------------------------------------------

    def walk(self) -> list[WalkStep]:
        """The steps answered so far, in order: a page left blank when stopping, or the page on
        screen while nothing is answered on it, is not one."""
        pages = [
            self.step_pages[self.chart_step_of(p)]
            for p in self.visitedIds()
            if p >= FIRST_STEP_PAGE
        ]
        return [
            page.walk_step()
            for page in pages
            if not page.left_for_later
            and (page is not self.currentPage() or page.answered_or_nothing_to_answer())
        ]

    def chart_step_of(self, page_id: int) -> str:
        return next(step for step, number in self.page_of.items() if number == page_id)

    def page_after(self, step_id: str) -> int:
        """The page the flowchart goes to after ``step_id``'s answer (the summary at the end or
        after an answer that waits)."""
        following = self.step_pages[step_id].form.next_step_id()
        return SUMMARY_PAGE if following is None else self.page_of[following]

    def incident_type(self) -> str | None:
        return incident_type_of(self.chart, self.walk())[0]

    def _offer_stopping(self, _page_id: int = 0) -> None:
        """ "Stop here" once the report, the kind of incident and the people are in."""
        offered = self.currentId() >= FIRST_STEP_PAGE and PEOPLE_PAGE in self.visitedIds()
        self.button(QWizard.WizardButton.CustomButton1).setVisible(offered)

    def _custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.stop_here()

    def stop_here(self) -> None:
        """Go to the summary: this page is kept if it was answered, and left as the case's next
        step if it was left blank."""
        page = self.currentPage()
        if not isinstance(page, StepPage):
            return
        # A question or action left blank is the case's next step; guidance has been read.
        page.left_for_later = not page.answered_or_nothing_to_answer()
        self.stopping = True
        try:
            self.next()
        finally:
            self.stopping = False

    def draft_data(self) -> dict[str, Any]:
        r = self.report
        return {
            "reported_by": r.reported_by.text(),
            "reported_at": r.reported_at.dateTime().toString("yyyy-MM-ddTHH:mm"),
            "summary": r.summary.toPlainText(),
            "child_words": r.child_words.toPlainText(),
            "location": r.location.currentData(),
            "online_service": r.online_service.text(),
            "category": r.category.currentData(),
            "people": [[pid, role.value] for pid, _, role in self.people_page.chosen],
            "newcomers": [
                {**newcomer.__dict__, "kind": newcomer.kind.value, "role": role.value}
                for newcomer, role in self.people_page.newcomers
            ],
            "walk": [self.step_pages[step.step_id].form.to_draft() for step in self.walk()],
        }

    @property
    def draft_id(self) -> int | None:
        return self._draft.id

    def reject(self) -> None:  # Qt names it: Cancel, Esc and the window's close button
        """Closing keeps what was typed as a draft: the wizard closes once it is saved. If it
        cannot be saved (a full disk), the wizard asks before anything typed is thrown away.
        While the case itself is being saved, closing waits for it (Esc does nothing)."""
        if self.recording:
            return
        if self._typed():
            self.save_draft(then_close=True)
        else:
            super().reject()

    def _close_or_ask(self, problem: ProblemForUser | None) -> None:
        if problem is not None and not dialogs.ask(
            self,
            "The draft could not be saved",
            f"{problem.what}\n\nIf the wizard closes now, what was typed since the "
            "last saved draft is lost. Keep it open, free some space, then press Next or "
            "Finish to save.",
            yes="Close and lose it",
            no="Keep it open",
        ):
            return
        QWizard.reject(self)

    def close_quietly(self) -> None:
        """For locking: the draft is queued to be kept (before the key is dropped), and the
        wizard closes at once without asking."""
        if self._typed():
            self.save_draft()
        super().reject()

    def _typed(self) -> bool:
        if self.recording:
            return False  # the case is being saved: its draft goes with it
        typed = self.report.summary.toPlainText().strip() or self.people_page.chosen
        return bool(typed) or self.draft_id is not None

    def save_draft(self, *, then_close: bool = False) -> None:
        """Saved on the worker as the user moves on; the saves run in order, each updating
        the one draft."""
        summary = self.report.summary.toPlainText().strip()
        label = summary.splitlines()[0][:80] if summary else ""
        Operation(
            self,
            partial(_save_draft, self.signed_in, self._draft, label, self.draft_data()),
            Changes.DRAFTS,
            on_done=partial(self._draft_saved, then_close),
            on_problem=partial(self._draft_not_saved, then_close),
        ).run()

    def _draft_saved(self, then_close: bool, _result: object) -> None:
        self.draft_problem = None
        if then_close:
            QWizard.reject(self)

    def _draft_not_saved(self, then_close: bool, problem: ProblemForUser) -> None:
        # What is typed stays on the pages; the next move tries again.
        self.draft_problem = problem
        page = self.currentPage()
        message = getattr(page, "message", None)
        if isinstance(message, QLabel):
            message.setText(f"The draft could not be saved: {problem}")
        if then_close and isinstance(problem, DatabaseClosed):
            QWizard.reject(self)  # the session has ended: keeping the wizard open saves nothing
        elif then_close:
            self._close_or_ask(problem)

    def resume(self, data: dict[str, Any]) -> None:
        r = self.report
        r.reported_by.setText(data.get("reported_by", ""))
        when = QDateTime.fromString(data.get("reported_at", ""), "yyyy-MM-ddTHH:mm")
        if when.isValid():
            r.reported_at.setDateTime(when)
        r.summary.setPlainText(data.get("summary", ""))
        r.child_words.setPlainText(data.get("child_words", ""))
        r.location.setCurrentIndex(max(r.location.findData(data.get("location")), 0))
        r.online_service.setText(data.get("online_service", ""))
        r.category.setCurrentIndex(max(r.category.findData(data.get("category")), 0))
        for person_id, role in data.get("people", []):
            self.people_page.add_person(int(person_id), PersonRole(role))
        for saved_newcomer in data.get("newcomers", []):
            fields = dict(saved_newcomer)
            role = PersonRole(fields.pop("role"))
            fields["kind"] = CasePersonKind(fields["kind"])
            self.people_page.newcomers.append((Newcomer(**fields), role))
        self.restart()
        for saved in data.get("walk", []):
            page = self.step_pages.get(saved.get("step_id", ""))
            if page is None:
                break
            page.form.restore(saved)
        # Move forward through the pages already done (each saved step was completed) to
        # the page where the user stopped.
        steps = len(data.get("walk", []))
        for _ in range(2 + steps):
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break

    def misuse_pupil(self) -> int | None:
        chosen = self.people_page.chosen
        kinds = {r.id: r.kind for r in self.people_page.register}
        pupils = [(pid, role) for pid, _, role in chosen if kinds.get(pid) == PersonKind.PUPIL]
        for pid, role in pupils:
            if role is PersonRole.ALLEGED_PERPETRATOR:
                return pid
        return pupils[0][0] if pupils else None

    def misuse_suggestion(self, category: str) -> str:
        """The grid's response for the pupil's first or later incident; the DSL decides."""
        pupil = self.misuse_pupil()
        if pupil is None:
            return "Add the pupil (as alleged perpetrator) to see the grid's response."
        suggestion = incidents.misuse_suggestion(self.signed_in, pupil, category)
        return (
            f"{suggestion.sentence()}: <b>{'; '.join(suggestion.responses)}</b>. "
            "If you did this, choose Done and write what you decided in Outcome."
        )

    def misuse_category(self) -> str | None:
        visited = {s.step_id for s in self.walk()}
        for step_id, page in self.step_pages.items():
            if page.misuse is not None and step_id in visited:
                return str(page.misuse.currentData())
        return None

    def concerns_account(self) -> int | None:
        """The account the case is about, chosen where the flowchart routed it upwards."""
        chosen = None
        for taken in self.walk():
            page = self.step_pages[taken.step_id]
            if page.concerns is not None and page.concerns.currentData() is not None:
                chosen = int(page.concerns.currentData())
        return chosen

    def record(self) -> bool:
        """Finish: the case is saved on the worker (Finish greyed meanwhile) and the wizard
        closes once it is; if it cannot be saved, the wizard stays open with the reason."""
        if self.saved_case is not None:
            return True  # saved: Qt checks the last page once more as the wizard closes
        if self.recording:
            return False  # already being saved: a second Finish must not record it twice
        r = self.report
        when = r.reported_at.dateTime().toPython()
        category = r.category.currentData()
        new = incidents.NewIncident(
            reported_by=r.reported_by.text(),
            reported_at=when if isinstance(when, datetime) else self.signed_in.clock.local_now(),
            summary=r.summary.toPlainText(),
            child_words=r.child_words.toPlainText(),
            location=Location(r.location.currentData()),
            online_service=r.online_service.text(),
            category=RiskCategory(category) if category else None,
            people=[(pid, role) for pid, _, role in self.people_page.chosen],
            newcomers=list(self.people_page.newcomers),
            walk=self.walk(),
            misuse_category=self.misuse_category(),
            concerns_account_id=self.concerns_account(),
        )
        self.recording = True
        self._set_saving(True)
        Operation(
            self,
            partial(_record, self.signed_in, new, self._draft),
            Changes.INCIDENTS | Changes.DRAFTS,
            on_done=self._recorded,
            on_problem=self._not_recorded,
        ).run()
        return False  # the wizard closes in _recorded, once the case is saved

    def _recorded(self, case: incidents.IncidentSummary) -> None:
        self.recording = False
        self._set_saving(False)
        self.saved_case = case
        self.recorded.emit(case)
        self.accept()

    def _set_saving(self, saving: bool) -> None:
        """While the case is being saved nothing can be pressed (Back then Next, then Finish
        again, would record it twice) and nothing closes the wizard."""
        for page_id in self.pageIds():
            page = self.page(page_id)
            if page is not None:
                page.setEnabled(not saving)
        for which in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
            QWizard.WizardButton.CustomButton1,
        ):
            self.button(which).setEnabled(not saving)

    def _not_recorded(self, problem: ProblemForUser) -> None:
        self.recording = False
        self._set_saving(False)
        page = self.currentPage()
        if isinstance(page, (StepPage, SummaryPage)):
            page.message.setText(str(problem))


@dataclass(frozen=True)
class WizardStart:
    """What the wizard needs before it can open: the flowchart, the register of people on
    roll, the accounts a case may be kept from, the school's wording and contacts, and the
    draft being carried on with."""

    chart: Flowchart
    register: list[PersonRow]
    account_holders: list[incidents.AccountHolder]
    settings: SchoolSettings
    draft: dict[str, Any] | None


def wizard_start(signed_in: SignedIn, draft_id: int | None) -> WizardStart:
    """Read on the worker (a school's whole register takes a moment), then the wizard opens."""
    return WizardStart(
        chart=incidents.shipped_flowchart(),
        register=[r for r in people.list_people(signed_in) if not r.left],
        account_holders=incidents.account_holders(signed_in),
        settings=school_settings(signed_in),
        draft=None if draft_id is None else incidents.load_draft(signed_in, draft_id),
    )


@dataclass
class DraftHeld:
    """The wizard's draft, as the worker last saved it: each save reads the id the one
    before it made, so queued saves update one draft instead of making several."""

    id: int | None
    recorded: bool = False  # the case is saved: no draft of it may be made again


def _save_draft(signed_in: SignedIn, draft: DraftHeld, label: str, data: dict[str, Any]) -> None:
    if draft.recorded:
        return
    draft.id = incidents.save_draft(signed_in, draft.id, label, data)


def _record(
    signed_in: SignedIn, new: incidents.NewIncident, draft: DraftHeld
) -> incidents.IncidentSummary:
    """On the worker: the case, then its draft goes (a draft left behind is only untidy)."""
    case = incidents.record_incident(signed_in, new)
    draft.recorded = True
    if draft.id is not None:
        with contextlib.suppress(ProblemForUser):
            incidents.discard_draft(signed_in, draft.id)
        draft.id = None
    return case
