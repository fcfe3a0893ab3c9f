"""The chosen case, read-only: its facts, where it stands in the flowchart (what comes next,
what is still to do), the people involved, actions, evidence and chronology."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from esafety_desktop.domain.evidence import for_the_screen
from esafety_desktop.domain.incidents import CasePlan, StepState, incident_type_name
from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS
from esafety_desktop.services import incidents
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents import (
    ActionInfo,
    ChronologyEntry,
    EvidenceItem,
    IncidentSummary,
)
from esafety_desktop.ui.operations import Changes, Operation


def case_html(
    case: IncidentSummary,
    entries: Sequence[ChronologyEntry],
    actions: Sequence[ActionInfo],
    evidence: Sequence[EvidenceItem],
    today: date,
    plan: CasePlan | None = None,
) -> str:
    """The case as the page shows it; everything typed by a person is escaped."""
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
    if case.id < 0:
        parts.insert(
            2,
            "<p><b>Restricted case:</b> sealed under a key of its own. Only the accounts it is "
            "not kept from, and the school's recovery key, can open it; it is in no other "
            "account's lists, searches or printouts.</p>",
        )
    if case.child_words:
        parts.append(f"<p><b>The child's own words:</b> “{escape(case.child_words)}”</p>")
    if plan is not None:
        parts.append(plan_html(plan, today))
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
    if actions:
        parts.append("<h3>Actions</h3><ul>")
        for action in actions:
            state = (
                "done"
                if action.done
                else "<b style='color:#c62828'>overdue</b>"
                if action.overdue(today)
                else "open"
            )
            step = " (a flowchart step: record it with Carry on)" if action.step_id else ""
            parts.append(
                f"<li>{escape(action.title)}: {escape(action.owner)}, due "
                f"{action.due:%d/%m/%Y} ({state}){step}</li>"
            )
        parts.append("</ul>")
    if evidence:
        parts.append("<h3>Evidence</h3><ul>")
        for item in evidence:
            where = f", kept in {item.held_where} by {item.held_by}" if item.held_where else ""
            url = f" {item.url}" if item.url else ""
            # No fingerprint on screen: the printed record carries each file's SHA-256.
            kept = f" (file {item.file_name})" if item.file_name else ""
            parts.append(
                f"<li><b>{item.kind.label}</b>: {escape(item.description)}{escape(url)}"
                f"{escape(where)}{escape(kept)}</li>"
            )
        parts.append("</ul>")
    parts.append("<h3>Chronology</h3>")
    for entry in entries:
        lines = [f"<b>{entry.recorded_at:%d/%m/%Y %H:%M}</b> · {escape(entry.title)}"]
        lines.extend(escape(for_the_screen(line)) for line in entry.lines())
        if entry.corrected_by:
            lines.append("<i>Corrected later (see below); the original is kept.</i>")
        lines.append(f"<span style='color:grey'>Recorded by {escape(entry.author)}</span>")
        parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(parts)


_MARKS = {
    StepState.DONE: "✓ done",
    StepState.TO_DO: "to do",
    StepState.NOT_NEEDED: "not needed",
    StepState.UNCONFIRMED: "not confirmed",
}


def plan_html(plan: CasePlan, today: date) -> str:
    """Where the case stands in the flowchart: each step on its path with its state (a step
    to do with its owner and due date, red when overdue), and what comes next."""
    rows = []
    for taken in plan.path:
        step = taken.step
        if step.kind not in ("action", "question"):
            continue
        if step.kind == "question":
            answer = taken.taken.choice if taken.taken else ""
            rows.append(f"<li>{escape(step.title)} <i>{escape(answer or '')}</i></li>")
            continue
        state = taken.state
        mark = _MARKS.get(state, "") if state else ""
        extra = ""
        if state is StepState.TO_DO and taken.taken is not None:
            due = taken.taken.due
            late = due is not None and due < today
            when = f", due {due:%d/%m/%Y}" if due else ""
            extra = f": {escape(taken.taken.owner)}{when}"
            if late:
                mark = "<b style='color:#c62828'>overdue</b>"
        elif state is StepState.UNCONFIRMED:
            mark = "<b style='color:#c62828'>not confirmed</b>"
        rows.append(f"<li>{escape(step.title)}: {mark}{extra}</li>")
    where = escape(plan.where())
    return f"<h3>Where the case stands in the flowchart</h3><p><b>{where}</b></p>" + (
        f"<ul>{''.join(rows)}</ul>" if rows else ""
    )


class CaseView(QTextBrowser):
    """Shows one case. Reading its chronology is recorded in the audit log, so it is read on
    the worker: the window's thread never writes."""

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signed_in = signed_in
        self._showing: int | None = None
        self.setObjectName("caseChronology")
        self.setPlaceholderText("Choose a case to see its chronology.")

    def show_case(self, case: IncidentSummary) -> None:
        self._showing = case.id
        Operation(
            self,
            partial(_read_case, self._signed_in, case.id),
            Changes.AUDIT,
            on_done=partial(self._show, case),
            problem_title="The case could not be opened",
        ).run()

    def _show(self, case: IncidentSummary, read: CaseRead) -> None:
        if self._showing != case.id:
            return  # another case was chosen meanwhile: its own reading follows
        entries, actions, evidence, plan = read
        today = self._signed_in.clock.today()
        self.setHtml(case_html(case, entries, actions, evidence, today, plan))


CaseRead = tuple[list[ChronologyEntry], list[ActionInfo], list[EvidenceItem], CasePlan]


def _read_case(signed_in: SignedIn, incident_id: int) -> CaseRead:
    """On the worker: what the case view shows (the reading goes in the audit log)."""
    return (
        incidents.chronology(signed_in, incident_id),
        incidents.actions(signed_in, incident_id),
        incidents.evidence_for(signed_in, incident_id),
        incidents.case_plan(signed_in, incident_id),
    )
