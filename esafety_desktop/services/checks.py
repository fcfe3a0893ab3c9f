"""Checking a whole database: every page's checksum, SQLite's structure, the audit chain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import DatabaseDamaged, ProblemForUser
from esafety_desktop.services.access import SignedIn, start_session, unlock
from esafety_desktop.storage import audit
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.migrate import current_revision, head_revision
from esafety_desktop.storage.models import Account


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
        return f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} found:"


def verify_database(
    path: Path, username: str, password: str, device_secrets: DeviceSecretStore
) -> VerificationReport:
    """Check a database without changing it; only a sound one gets a "verified" audit entry."""
    files = DatabaseFiles(Path(path))
    key_slots, data_key = unlock(files, username, password, device_secrets)
    unchecked = SchoolDatabase(files, key_slots, data_key)
    try:
        problems = _page_and_structure_problems(unchecked)
        if problems:
            return VerificationReport(problems=problems)
        try:
            database = SchoolDatabase.open(files, key_slots, bytearray(data_key), migrate=False)
        except ProblemForUser as exc:
            return VerificationReport(problems=[str(exc)])
    finally:
        unchecked.close()
    try:
        report = _chain_report(database)
        if report.sound:
            start_session(database, username, device_secrets, "database.verified")
        return report
    except DatabaseDamaged as exc:
        return VerificationReport(problems=[str(exc)])
    finally:
        database.close()


def verify_open_database(signed_in: SignedIn) -> VerificationReport:
    """The same checks on the database the user has open (the Verify button)."""
    signed_in.require(Permission.VERIFY_DATABASE)
    database = signed_in.database
    try:
        problems = _page_and_structure_problems(database)
        report = VerificationReport(problems=problems) if problems else _chain_report(database)
    except DatabaseDamaged as exc:
        report = VerificationReport(problems=[str(exc)])
    if report.sound:
        with database.transaction() as session:
            signed_in.record(session, "database.verified", details={"pages": report.pages})
    return report


def _page_and_structure_problems(database: SchoolDatabase) -> list[str]:
    problems = [_page_problem(line) for line in database.page_check()]
    return problems + [f"Structure check: {line}" for line in database.structure_check()]


def _chain_report(database: SchoolDatabase) -> VerificationReport:
    notes = []
    if current_revision(database.engine) != head_revision():
        notes.append("The database will be upgraded to this version's layout when opened.")
    with database.audit_snapshot() as (session, anchor, genuine):
        chain = audit.verify_chain(session, anchor, anchor_genuine=genuine)
        accounts = session.scalar(select(func.count()).select_from(Account)) or 0
    if chain.anchor_behind_by:
        notes.append(
            f"The last {chain.anchor_behind_by} audit entries were saved just before the "
            "program stopped; they are intact."
        )
    return VerificationReport(
        pages=database.page_count(),
        accounts=accounts,
        audit_entries=chain.entries,
        problems=chain.problems,
        notes=notes,
    )


_PAGE = re.compile(r"page (\d+)", re.IGNORECASE)


def _page_problem(line: str) -> str:
    found = _PAGE.search(line)
    if found:
        return (
            f"Page {found.group(1)} of the database is damaged: its checksum does not match "
            f"({line})."
        )
    return f"Page check: {line}"
