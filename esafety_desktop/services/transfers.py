"""A pupil's safeguarding chronology, the file that goes with them to a new school, and the
record of sending it: where, when, how, and who confirmed receipt. A transfer not confirmed
within five school days is flagged on the Dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from esafety_desktop.domain.people import display_name
from esafety_desktop.domain.roles import Permission
from esafety_desktop.domain.school_year import add_school_days
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import FileTransfer, Person

CONFIRM_WITHIN = 5  # school days


@dataclass(frozen=True)
class Transfer:
    id: int
    person_id: int
    pupil: str
    sent_to: str
    sent_on: date
    how: str
    sent_by: str
    confirmed_on: date | None
    confirmed_by: str | None
    recorded_by: str | None

    @property
    def confirm_by(self) -> date:
        return add_school_days(self.sent_on, CONFIRM_WITHIN)

    def overdue(self, today: date) -> bool:
        return self.confirmed_on is None and today > self.confirm_by


def record_transfer(
    signed_in: SignedIn, person_id: int, sent_to: str, sent_on: date, how: str
) -> int:
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not sent_to.strip():
        raise InvalidInput("Say which school (or setting) the file was sent to.")
    if not how.strip():
        raise InvalidInput("Say how it was sent (for example secure electronic transfer).")
    if sent_on > signed_in.clock.today():
        raise InvalidInput("The date sent is in the future.")
    with signed_in.database.transaction() as session:
        person = session.get(Person, person_id)
        if person is None or person.kind != "pupil":
            raise InvalidInput("A safeguarding file is sent for a pupil in the register.")
        transfer = FileTransfer(
            person_id=person_id,
            sent_to=sent_to.strip(),
            sent_on=sent_on,
            how=how.strip(),
            sent_by_id=signed_in.account.id,
            sent_by_name=signed_in.account.display_name,
            created_at=signed_in.clock.utc_now(),
        )
        session.add(transfer)
        session.flush()
        signed_in.record(
            session,
            "transfer.sent",
            subject_type="person",
            subject_id=person_id,
            details={"to": transfer.sent_to, "on": sent_on.isoformat(), "how": transfer.how},
        )
        return transfer.id


def confirm_receipt(
    signed_in: SignedIn, transfer_id: int, confirmed_on: date, confirmed_by: str
) -> None:
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not confirmed_by.strip():
        raise InvalidInput("Say who at the new school confirmed they have the file.")
    with signed_in.database.transaction() as session:
        transfer = session.get(FileTransfer, transfer_id)
        if transfer is None:
            raise InvalidInput("That transfer does not exist.")
        if transfer.receipt_confirmed_on is not None:
            raise InvalidInput("Receipt of this file has already been confirmed.")
        if confirmed_on < transfer.sent_on or confirmed_on > signed_in.clock.today():
            raise InvalidInput("The date of receipt must be between the date sent and today.")
        transfer.receipt_confirmed_on = confirmed_on
        transfer.receipt_confirmed_by = confirmed_by.strip()
        transfer.confirmation_recorded_by = signed_in.account.display_name
        signed_in.record(
            session,
            "transfer.receipt_confirmed",
            subject_type="person",
            subject_id=transfer.person_id,
            details={"on": confirmed_on.isoformat()},
        )


@open_to_every_role("every role sees where a pupil's file went")
def transfers(signed_in: SignedIn, person_id: int | None = None) -> list[Transfer]:
    """Transfers of one pupil's file (or of every pupil's), newest first."""
    with signed_in.database.reading() as session:
        query = (
            select(FileTransfer, Person)
            .join(Person, Person.id == FileTransfer.person_id)
            .order_by(FileTransfer.sent_on.desc(), FileTransfer.id.desc())
        )
        if person_id is not None:
            query = query.where(FileTransfer.person_id == person_id)
        return [
            Transfer(
                id=t.id,
                person_id=t.person_id,
                pupil=display_name(p.forename, p.surname, p.preferred_name),
                sent_to=t.sent_to,
                sent_on=t.sent_on,
                how=t.how,
                sent_by=t.sent_by_name,
                confirmed_on=t.receipt_confirmed_on,
                confirmed_by=t.receipt_confirmed_by,
                recorded_by=t.confirmation_recorded_by,
            )
            for t, p in session.execute(query)
        ]


@open_to_every_role("every role sees where a pupil's file went")
def unconfirmed(signed_in: SignedIn) -> list[Transfer]:
    """Files sent more than five school days ago with no receipt confirmed."""
    today = signed_in.clock.today()
    return [t for t in transfers(signed_in) if t.overdue(today)]


def child_chronology(signed_in: SignedIn, person_id: int) -> bytes:
    """Every incident, step, note and action involving the pupil, in time order, with the
    record of the file's transfers: the file that goes with them to a new school. Audited."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    from esafety_desktop.domain.incidents import incident_type_name
    from esafety_desktop.reports.child_chronology import ChronologyLine, child_chronology_pdf
    from esafety_desktop.services import incidents
    from esafety_desktop.services.exports import printing
    from esafety_desktop.services.people import person_details
    from esafety_desktop.services.restricted_cases import left_out

    pupil = person_details(signed_in, person_id)
    if pupil.form.kind.value != "pupil":
        raise InvalidInput("A safeguarding chronology is made for a pupil.")
    lines: list[ChronologyLine] = []
    # Every store: the school's cases and the restricted cases this account holds.
    cases = incidents.incidents_about(signed_in, person_id)
    for involvement in cases:
        case = involvement.incident
        heading = f"{case.reference} ({incident_type_name(case.incident_type)})"
        lines.append(
            ChronologyLine(
                case.reported_at,
                heading,
                f"Reported; {pupil.name} was involved as {involvement.role.label.lower()}.",
                case.summary,
            )
        )
        for entry in incidents.chronology(signed_in, case.id, record_view=False):
            detail = "; ".join(
                part
                for part in (
                    f"Decision: {entry.choice}" if entry.choice else "",
                    f"Reasons: {entry.reasons}" if entry.reasons and not entry.corrects else "",
                    f"Done by {entry.done_by}" if entry.done_by else "",
                    f"Outcome: {entry.outcome}" if entry.outcome else "",
                    f"Reference: {entry.reference}" if entry.reference else "",
                    entry.text,
                )
                if part
            )
            lines.append(ChronologyLine(entry.recorded_at, heading, entry.title, detail))
        for action in incidents.actions(signed_in, case.id):
            state = "done" if action.done else f"open, due {action.due:%d/%m/%Y}"
            lines.append(
                ChronologyLine(
                    datetime.combine(action.due, datetime.min.time()),
                    heading,
                    f"Action: {action.title}",
                    f"{action.owner} ({state})",
                )
            )
    lines.sort(key=lambda line: line.when)
    facts = [
        ["Name", pupil.name],
        [
            "Date of birth",
            f"{pupil.form.date_of_birth:%d/%m/%Y}" if pupil.form.date_of_birth else "",
        ],
        ["UPN", pupil.form.upn or ""],
        [
            "Year group and class",
            _year_and_class(pupil.form.year_group, pupil.form.class_name),
        ],
        ["Left", f"{pupil.leaving_date:%d/%m/%Y}" if pupil.leaving_date else "On roll"],
        ["Cases", str(len(cases))],
    ]
    sent = [
        [
            f"{t.sent_on:%d/%m/%Y}",
            t.sent_to,
            t.how,
            t.sent_by,
            f"{t.confirmed_on:%d/%m/%Y} by {t.confirmed_by}" if t.confirmed_on else "not yet",
        ]
        for t in transfers(signed_in, person_id)
    ]
    missing = left_out(signed_in)
    pdf = child_chronology_pdf(
        pupil.name, facts, lines, sent, printing(signed_in), left_out=missing
    )
    # The clear audit log counts only the school database's cases. Nothing is written into a
    # restricted case here, nor is it read as "viewed": any entry about it written now, next
    # to this one naming the pupil, would tell a reader of the audit log whom it is about.
    with signed_in.database.transaction() as session:
        signed_in.record(
            session,
            "report.chronology_made",
            subject_type="person",
            subject_id=person_id,
            details={
                "cases": sum(1 for c in cases if c.incident.id >= 0),
                **({"restricted_cases_left_out": missing} if missing else {}),
            },
        )
    return pdf


def _year_and_class(year_group: str, class_name: str) -> str:
    from esafety_desktop.domain.mis_import import YEAR_GROUP_LABELS

    parts = [
        YEAR_GROUP_LABELS.get(year_group, year_group),
        f"class {class_name}" if class_name else "",
    ]
    return ", ".join(part for part in parts if part)
