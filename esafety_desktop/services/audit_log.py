"""Reading the audit log, and checking a whole database: pages, structure, audit chain."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import DatabaseDamaged, ProblemForUser
from esafety_desktop.services.access import AccountInfo, _start_session, unlock
from esafety_desktop.services.access import SignedIn as SignedIn
from esafety_desktop.storage import audit
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.migrate import current_revision, head_revision
from esafety_desktop.storage.models import Account, AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    sequence: int
    occurred_at: datetime
    actor_name: str
    action: str
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]


def audit_entries(
    signed_in: SignedIn,
    *,
    actor_name: str | None = None,
    action: str | None = None,
    on_or_after: date | None = None,
    on_or_before: date | None = None,
) -> list[AuditRecord]:
    """Newest first, filtered by person, action (prefix, e.g. ``account``) and dates."""
    signed_in.require(Permission.VIEW_AUDIT_LOG)
    query = select(AuditEntry).order_by(AuditEntry.sequence.desc())
    if actor_name:
        query = query.where(AuditEntry.actor_name == actor_name)
    if action:
        query = query.where(
            (AuditEntry.action == action) | AuditEntry.action.startswith(action + ".")
        )
    if on_or_after:
        query = query.where(AuditEntry.occurred_at >= on_or_after.isoformat())
    if on_or_before:
        query = query.where(AuditEntry.occurred_at < (on_or_before + timedelta(days=1)).isoformat())
    with signed_in.database.reading() as session:
        return [
            AuditRecord(
                sequence=e.sequence,
                occurred_at=datetime.fromisoformat(e.occurred_at),
                actor_name=e.actor_name,
                action=e.action,
                subject_type=e.subject_type,
                subject_id=e.subject_id,
                details=json.loads(e.details),
            )
            for e in session.scalars(query)
        ]


def _start_of_local_day(day: date) -> str:
    """Dates are the user's (UK) dates; entries are stored in UTC."""
    local_midnight = datetime.combine(day, time.min).astimezone()
    return local_midnight.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class VerificationReport:
    pages: int = 0
    accounts: int = 0
    audit_entries: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.sound:
            return (
                f"Sound: {self.pages} pages pass their checksums, the structure check passed, "
                f"and the audit chain of {self.audit_entries} entries is intact "
                f"({self.accounts} account{'' if self.accounts == 1 else 's'})."
            )
        return f"{len(self.problems)} problem(s) found:"


def verify_database(
    path: Path, username: str, password: str, device_secrets: DeviceSecretStore
) -> VerificationReport:
    """Check a database without changing it; only a sound one gets a "verified" audit entry."""
    files = DatabaseFiles(Path(path))
    key_slots, data_key = unlock(files, username, password, device_secrets)
    database = SchoolDatabase(files, key_slots, data_key)
    try:
        problems = [_page_problem(line) for line in database.page_check()]
        problems += [f"Structure check: {line}" for line in database.structure_check()]
        if problems:
            return VerificationReport(problems=problems)
        try:
            reopened = SchoolDatabase.open(files, key_slots, bytearray(data_key), migrate=False)
        except ProblemForUser as exc:
            return VerificationReport(problems=[str(exc)])
        database.close()
        database = reopened
        notes = []
        if current_revision(database.engine) != head_revision():
            notes.append("The database will be upgraded to this version's layout when opened.")
        with database.reading() as session:
            chain = audit.verify_chain(
                session,
                key_slots.audit_anchor,
                anchor_genuine=database.anchor_is_genuine(),
            )
            accounts = len(list(session.scalars(select(Account.id))))
        if chain.anchor_behind_by:
            notes.append(
                f"The last {chain.anchor_behind_by} audit entries were saved just before the "
                "program stopped; they are intact."
            )
        report = VerificationReport(
            pages=database.page_count(),
            accounts=accounts,
            audit_entries=chain.entries,
            problems=chain.problems,
            notes=notes,
        )
        if report.sound:
            signed_in = _start_session(database, username, device_secrets, "database.verified")
            database = signed_in.database
        return report
    except DatabaseDamaged as exc:
        return VerificationReport(problems=[str(exc)])
    finally:
        database.close()


_PAGE = re.compile(r"page (\d+)", re.IGNORECASE)


def _page_problem(line: str) -> str:
    found = _PAGE.search(line)
    if found:
        return (
            f"Page {found.group(1)} of the database is damaged: its checksum does not match "
            f"({line})."
        )
    return f"Page check: {line}"


def account_names(signed_in: SignedIn) -> list[AccountInfo]:
    """Everyone who can appear as the actor of an audit entry, for the audit filter."""
    signed_in.require(Permission.VIEW_AUDIT_LOG)
    with signed_in.database.reading() as session:
        return [
            AccountInfo.of(a) for a in session.scalars(select(Account).order_by(Account.username))
        ]
