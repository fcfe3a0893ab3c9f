"""Checking a whole database: every page's checksum, SQLite's structure, the audit chain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from esafety_desktop.domain.roles import Permission, Role
from esafety_desktop.errors import DatabaseDamaged, ProblemForUser
from esafety_desktop.services.access import SignedIn, start_session, unlock
from esafety_desktop.storage import audit, history
from esafety_desktop.storage.database import SchoolDatabase
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.migrate import current_revision, head_revision
from esafety_desktop.storage.models import Account
from esafety_desktop.storage.roster import RECOVERY_SIGNER


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
    unlocked = unlock(files, username, password, device_secrets)
    key_slots, data_key = unlocked.key_slots, unlocked.data_key
    unchecked = SchoolDatabase(files, key_slots, data_key)
    try:
        problems = _page_and_structure_problems(unchecked)
        if problems:
            return VerificationReport(problems=problems)
        try:
            database = SchoolDatabase.open(files, key_slots, bytearray(data_key), migrate=False)
            database.keys = unlocked.keys
        except ProblemForUser as exc:
            unlocked.wipe()
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
    if report.pages:  # the file reads: its restricted cases are checked too
        report = _with_restricted_cases(signed_in, report)
    if report.sound:
        with database.transaction() as session:
            signed_in.record(session, "database.verified", details={"pages": report.pages})
    return report


def _with_restricted_cases(signed_in: SignedIn, report: VerificationReport) -> VerificationReport:
    """Each restricted case this account holds opens with its key and is kept from nobody it
    was given to; the others are counted, not checked (their keys are not this account's)."""
    from dataclasses import replace

    from esafety_desktop.services import restricted_cases

    found = restricted_cases.case_problems(signed_in)
    problems, notes = report.problems + found.problems, list(report.notes)
    if found.not_held:
        cases = "case" if found.not_held == 1 else "cases"
        notes.append(
            f"{found.not_held} restricted {cases} could not be checked by this account: it does "
            "not hold their keys (an account they are not kept from can check them)."
        )
    return replace(report, problems=problems, notes=notes)


def _page_and_structure_problems(database: SchoolDatabase) -> list[str]:
    problems = [_page_problem(line) for line in database.page_check()]
    return problems + [f"Structure check: {line}" for line in database.structure_check()]


def _chain_report(database: SchoolDatabase) -> VerificationReport:
    notes = []
    if current_revision(database.engine) != head_revision():
        notes.append("The database will be upgraded to this version's layout when opened.")
    try:  # the key file as it is on disk: what the next sign-in will read
        key_slots = KeySlotFile.load(database.files.key_slots)
    except ProblemForUser as exc:
        return VerificationReport(problems=[str(exc)])
    with database.audit_snapshot() as (session, anchor, genuine):
        chain = audit.verify_chain(session, anchor, anchor_genuine=genuine)
        accounts = session.scalar(select(func.count()).select_from(Account)) or 0
        rows = list(session.scalars(select(Account).where(Account.removed_at.is_(None))))
        key_problems = _key_file_problems(key_slots, rows)
        recorded = database.roster_problem(key_slots)
        if recorded:
            key_problems.append(f"The key file does not match the database: {recorded}")
        waiting = [
            r.username
            for r in rows
            if key_slots.upgraded and not key_problems and not _on_roster(key_slots, r)
        ]
        if key_slots.upgraded and not key_slots.signed.check():
            signers = history.signers_from_roster(key_slots.signed.entries, RECOVERY_SIGNER)
            key_problems += history.check(session, database.database_id, signers)
    if waiting:
        notes.append(
            "These accounts cannot sign in until a DSL gives them a new password (Settings › "
            "Accounts › Reset password): " + ", ".join(waiting) + "."
        )
    if chain.anchor_behind_by:
        notes.append(
            f"The last {chain.anchor_behind_by} audit entries were saved just before the "
            "program stopped; they are intact."
        )
    return VerificationReport(
        pages=database.page_count(),
        accounts=accounts,
        audit_entries=chain.entries,
        problems=key_problems + chain.problems + _older_than_backup(database, chain.entries),
        notes=notes,
    )


def _older_than_backup(database: SchoolDatabase, entries: int) -> list[str]:
    """The newest backup holds more of the audit log than the database: the database is an
    older copy put back, or its newest entries were removed."""
    from esafety_desktop.services.backups import newest_good_backup_of

    backup = newest_good_backup_of(database)  # its manifest's signature checked
    if backup is None or backup.audit_entries <= entries:
        return []
    return [
        f"The newest backup, made {backup.made_at.astimezone():%d/%m/%Y %H:%M}, holds "
        f"{backup.audit_entries} audit entries; the database holds {entries}: it is older than "
        "its own backup (an older copy put back, or entries removed)."
    ]


def _key_file_problems(key_slots: KeySlotFile, accounts: list[Account]) -> list[str]:
    """Where the key file and the accounts in the database disagree with the signed roster:
    a slot or a wrapped key nobody signed for, a role given outside the app."""
    if not key_slots.upgraded:
        return []
    altered = "the key file was altered outside the app."
    problems = [f"{p} ({altered})" for p in key_slots.signed.check()]
    if problems:
        return problems
    state = key_slots.signed.state()
    for slot in key_slots.account_slots:
        member = state.active(slot.account)
        if member is None or member.keys != slot.public:
            problems.append(
                f"A password slot for {slot.account} is not on the signed roster: {altered}"
            )
    for recipient in key_slots.data_key_wraps:
        account = recipient.removeprefix("account:")
        if recipient != RECOVERY_SIGNER and state.active(account) is None:
            problems.append(
                f"The school's key is wrapped for {account}, who is not on the signed roster: "
                f"{altered}"
            )
    listed = {row.username for row in accounts}
    for name in sorted(set(state.members) - listed):
        if state.active(name) is not None:
            problems.append(
                f"The signed roster lists {name}, who has no account in the database: the key "
                f"file or the database was altered outside the app."
            )
    for row in accounts:
        member = state.active(row.username)
        if member is None:
            continue  # no password yet since the upgrade: it cannot sign in (see notes)
        if member.role != row.role:
            problems.append(
                f"The database gives {row.username} the role {_role_label(row.role)}, but the "
                f"signed roster says {_role_label(member.role)}: the database was altered "
                "outside the app (the roster's role is the one that counts)."
            )
    return problems


def _on_roster(key_slots: KeySlotFile, row: Account) -> bool:
    return key_slots.signed.state().active(row.username) is not None


def _role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return repr(value)


_PAGE = re.compile(r"page (\d+)", re.IGNORECASE)


def _page_problem(line: str) -> str:
    found = _PAGE.search(line)
    if found:
        return (
            f"Page {found.group(1)} of the database is damaged: its checksum does not match "
            f"({line})."
        )
    return f"Page check: {line}"
