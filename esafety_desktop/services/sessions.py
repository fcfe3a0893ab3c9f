"""Ending a session: the sign-out backup, the last audit entry, closing the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.open_to_all import open_to_every_role

if TYPE_CHECKING:
    from pathlib import Path

    from esafety_desktop.services.access import SignedIn
    from esafety_desktop.services.restoring import OpenedBackup, Restored
    from esafety_desktop.storage.device_secret import DeviceSecretStore


@dataclass(frozen=True)
class SessionEnd:
    """What happened on the way out; the database is closed and its key wiped either way."""

    backup_problem: ProblemForUser | None = None
    second_location_problem: str | None = None
    closing_problem: ProblemForUser | None = None


@open_to_every_role("every session ends")
def end_session(
    signed_in: SignedIn, action: str, *, backup: bool = False, prune_backups: bool = True
) -> SessionEnd:
    """Back up first when ``backup`` (a failure is said and signing out goes on), record
    ``action`` (``sign_out`` or ``session.locked``), then close the database and wipe its key.
    ``prune_backups=False`` thins out no backup (before a restore)."""
    from esafety_desktop.services import backups

    backup_problem: ProblemForUser | None = None
    second_problem: str | None = None
    if backup:
        try:
            run = backups.back_up(signed_in, backups.SIGN_OUT, prune=prune_backups)
            second_problem = run.second_problem
        except ProblemForUser as problem:
            backup_problem = problem
    closing_problem: ProblemForUser | None = None
    try:
        with signed_in.database.transaction() as session:
            signed_in.record(session, action)
        signed_in.remember_position()
    except ProblemForUser as problem:
        closing_problem = problem
    finally:
        signed_in.database.close()
    return SessionEnd(backup_problem, second_problem, closing_problem)


@open_to_every_role("open_backup let only a DSL or the recovery key open it")
def restore_in_place_of(
    signed_in: SignedIn | None,
    opened: OpenedBackup,
    target: Path,
    *,
    username: str,
    new_password: str | None,
    device_secrets: DeviceSecretStore,
) -> tuple[Restored, SessionEnd | None]:
    """Restore ``opened`` at ``target``. A session still open there is ended first, with a
    sign-out backup that thins out nothing (so the backup being restored stays); how that
    went comes back with the restored session."""
    from esafety_desktop.services import restoring

    ended = None
    if signed_in is not None:
        ended = end_session(signed_in, "sign_out", backup=True, prune_backups=False)
    restored = restoring.restore(
        opened,
        target,
        username=username,
        new_password=new_password,
        device_secrets=device_secrets,
        replace_existing=True,
    )
    return restored, ended
