"""Backups: a consistent encrypted copy of the open database, its key file and a manifest.

A backup is one folder, named after the moment it was made::

    eSafety Desktop backups/
        2026-11-23 161502 sign-out/
            school.db        VACUUM INTO copy: same key, same SQLCipher salt, one file, no WAL
            school.db.keys   the key slots as they were just before the copy
            backup.json      what, when, counts and SHA-256 of both files (no names, no text)

The folder is written under a ``.partial-`` name and only renamed to its final name once the
copy has been opened, checked page by page, its structure and audit chain verified, and every
file flushed to the disk. A crash part-way leaves a ``.partial-`` folder that nothing lists as a
backup and the next backup clears away. The live database is never copied as a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text

from esafety_desktop.domain.clock import SystemClock
from esafety_desktop.errors import DatabaseDamaged, DiskFull, ProblemForUser
from esafety_desktop.storage import audit
from esafety_desktop.storage.files import DatabaseFiles, problem_from_os_error, sync_directory
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.migrate import current_revision
from esafety_desktop.storage.models import Account, AuditEntry, Incident, Person

BACKUPS_FOLDER = "eSafety Desktop backups"
BEFORE_UPGRADE = "before upgrade"
MANIFEST = "backup.json"
FORMAT = "esafety-desktop-backup"
FORMAT_VERSION = 1
PARTIAL_PREFIX = ".partial-"
DATABASE_NAME = "school.db"
# A partial folder older than this is a crash's leftover, not a backup still being written.
STALE_PARTIAL = timedelta(hours=1)

# What each count in the manifest is called, and the table it counts (tables a database made by
# an older version lacks are simply left out).
_COUNTED = (("cases", Incident), ("people", Person), ("accounts", Account))


@dataclass(frozen=True)
class Backup:
    """One verified backup folder and what its manifest says about it."""

    folder: Path
    database_id: str
    made_at: datetime  # UTC, aware
    kind: str
    app_version: str
    layout: str | None
    counts: dict[str, int] = field(compare=False)
    audit_entries: int = 0
    files: dict[str, str] = field(compare=False, default_factory=dict)  # name -> SHA-256
    made_on: str = ""  # the computer's name, to tell the office PC's backups apart

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    @property
    def database_files(self) -> DatabaseFiles:
        return DatabaseFiles(self.database)

    @property
    def size(self) -> int:
        return sum((self.folder / name).stat().st_size for name in self.files)

    def manifest(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "made_at": self.made_at.isoformat(timespec="microseconds"),
            "kind": self.kind,
            "app_version": self.app_version,
            "layout": self.layout,
            "counts": self.counts,
            "audit_entries": self.audit_entries,
            "files": self.files,
            "made_on": self.made_on,
        }

    @classmethod
    def read(cls, folder: Path) -> Backup:
        """The backup in ``folder``; :class:`BackupProblem` if it is not one we can trust."""
        try:
            raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("not an eSafety Desktop backup")
            if raw.get("version") != FORMAT_VERSION:
                raise ValueError(f"backup format {raw.get('version')}")
            made_at = datetime.fromisoformat(str(raw["made_at"]))
            return cls(
                folder=folder,
                database_id=str(raw["database_id"]),
                made_at=made_at if made_at.tzinfo else made_at.replace(tzinfo=UTC),
                kind=str(raw["kind"]),
                app_version=str(raw.get("app_version", "")),
                layout=raw.get("layout"),
                counts={str(k): int(v) for k, v in dict(raw.get("counts", {})).items()},
                audit_entries=int(raw.get("audit_entries", 0)),
                files={str(k): str(v) for k, v in dict(raw["files"]).items()},
                made_on=str(raw.get("made_on", "")),
            )
        except FileNotFoundError:
            raise BackupProblem(
                f"{folder} is not an eSafety Desktop backup: it has no {MANIFEST}.",
                "Choose the folder named after the date the backup was made.",
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BackupProblem(
                f"The backup in {folder} cannot be read ({exc}).",
                "Choose another backup; this one has not been changed.",
            ) from exc

    def damaged_files(self) -> list[str]:
        """The files whose bytes no longer match the manifest (missing ones included)."""
        wrong = []
        for name, expected in self.files.items():
            try:
                if sha256_of(self.folder / name) != expected:
                    wrong.append(name)
            except OSError:
                wrong.append(name)
        return wrong


class BackupProblem(ProblemForUser):
    """A backup could not be made, copied, read or trusted."""


@dataclass
class BackupCheck:
    """What opening a backup copy and checking it found."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0
    layout: str | None = None


def write_backup(
    database: Any,  # SchoolDatabase: typed loosely to keep this module free of a cycle
    root: Path,
    *,
    kind: str,
    now: datetime,
) -> Backup:
    """Copy the open ``database`` into a new verified backup folder under ``root``, made
    ``now`` (timezone-aware)."""
    made_at = now.astimezone(UTC)
    final = _free_name(root, folder_name(made_at, kind))
    with _partial_folder(root, final.name) as partial:
        copy = partial / DATABASE_NAME
        _create_private_empty(copy)
        key_file = database.copy_into(copy)
        _fsync(copy)
        keys = DatabaseFiles(copy).key_slots
        _write_synced(keys, key_file)
        check = check_copy(DatabaseFiles(copy), database.data_key_copy())
        if check.problems:
            raise BackupProblem(
                "The backup copy failed its check: " + "; ".join(check.problems[:3]),
                "Nothing was changed in the school database. Try again; if it fails again the "
                f"disk holding {root} may be failing.",
            )
        backup = Backup(
            folder=final,
            database_id=database.database_id,
            made_at=made_at,
            kind=kind,
            app_version=_app_version(),
            layout=check.layout,
            counts=check.counts,
            audit_entries=check.audit_entries,
            files={DATABASE_NAME: sha256_of(copy), keys.name: sha256_of(keys)},
            made_on=socket.gethostname(),
        )
        _finish(partial, final, backup)
    return Backup.read(final)


def _no_room(root: Path) -> BackupProblem:
    return BackupProblem(
        f"The disk holding {root} is full, so no backup was made there.",
        "The school database itself is unchanged. Free some space (or choose a bigger drive) "
        "and make a backup again.",
    )


def copy_backup(backup: Backup, root: Path) -> Backup:
    """Copy a verified backup into ``root`` (a USB stick, another drive) and check the copy."""
    final = root / backup.folder.name
    if (final / MANIFEST).exists():
        existing = Backup.read(final)
        if not existing.damaged_files():
            return existing
        raise BackupProblem(
            f"{final} already holds a copy of this backup, but it is damaged.",
            "Move that folder somewhere else (keep it for your IT support) and try again.",
        )
    with _partial_folder(root, final.name) as partial:
        for name in backup.files:
            try:
                shutil.copyfile(backup.folder / name, partial / name)
                os.chmod(partial / name, 0o600)
            except OSError as exc:
                raise problem_from_os_error(exc, root) from exc
            _fsync(partial / name)
        copied = dataclasses.replace(backup, folder=partial)
        wrong = copied.damaged_files()
        if wrong:
            raise BackupProblem(
                f"The copy in {root} does not match the backup ({', '.join(wrong)}).",
                "The drive may be failing or was removed while copying. Try another drive.",
            )
        _finish(partial, final, backup)
    return Backup.read(final)


def check_copy(files: DatabaseFiles, data_key: bytearray) -> BackupCheck:
    """Open a copy read-only with ``data_key`` and check every page, the structure and the
    audit chain against the copy's own key file. Not one byte of the copy changes."""
    from esafety_desktop.storage.database import SchoolDatabase

    try:
        key_slots = KeySlotFile.load(files.key_slots)
    except ProblemForUser as exc:
        return BackupCheck(problems=[str(exc)])
    copy = SchoolDatabase(files, key_slots, data_key, read_only=True)
    try:
        problems = [f"page check: {line}" for line in copy.page_check()]
        problems += [f"structure check: {line}" for line in copy.structure_check()]
        if problems:
            return BackupCheck(problems=problems)
        with copy.engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            layout = current_revision(copy.engine)
            counts = {
                name: int(connection.execute(select(func.count()).select_from(model)).scalar_one())
                for name, model in _COUNTED
                if model.__tablename__ in tables
            }
            stored_id = connection.execute(
                text("SELECT value FROM school_setting WHERE key = 'database_id'")
            ).scalar()
        if stored_id is None or json.loads(stored_id) != key_slots.database_id:
            return BackupCheck(problems=["the copy's key file belongs to another database"])
        with copy.reading() as session:
            chain = audit.verify_chain(
                session, key_slots.audit_anchor, anchor_genuine=copy.anchor_is_genuine()
            )
            entries = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        return BackupCheck(
            problems=[f"audit log: {p}" for p in chain.problems],
            counts=counts,
            audit_entries=int(entries),
            layout=layout,
        )
    except DatabaseDamaged as exc:
        return BackupCheck(problems=[str(exc)])
    finally:
        copy.close()


def find_backups(root: Path, database_id: str | None = None) -> list[Backup]:
    """The finished backups in ``root`` (of one database if ``database_id``), newest first.
    Unreadable folders and unfinished ``.partial-`` ones are not backups and are left out."""
    found = []
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return []
    for folder in folders:
        if folder.name.startswith(PARTIAL_PREFIX):
            continue
        try:
            backup = Backup.read(folder)
        except BackupProblem:
            continue
        if database_id is None or backup.database_id == database_id:
            found.append(backup)
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def remove(backups: Iterable[Backup]) -> int:
    """Delete backup folders the schedule no longer keeps; returns how many went."""
    removed = 0
    for backup in backups:
        # Only folders that are plainly ours: a manifest, and nothing but the files it names.
        names = {p.name for p in backup.folder.iterdir()}
        if names - set(backup.files) - {MANIFEST}:
            continue
        # Renamed first (one atomic step), so a crash part-way through deleting leaves a
        # ``.partial-`` folder, never a listed backup with files missing.
        doomed = backup.folder.with_name(f"{PARTIAL_PREFIX}removing-{backup.folder.name}")
        try:
            os.rename(backup.folder, doomed)
        except OSError:
            continue
        shutil.rmtree(doomed, ignore_errors=True)
        removed += 1
    return removed


def clear_leftovers(root: Path, now: datetime) -> None:
    """Remove ``.partial-`` folders a crash left behind (never one still being written)."""
    moment = now.timestamp()
    with contextlib.suppress(OSError):
        for folder in root.iterdir():
            if folder.name.startswith(PARTIAL_PREFIX) and folder.is_dir():
                age = moment - folder.stat().st_mtime
                if age > STALE_PARTIAL.total_seconds():
                    shutil.rmtree(folder, ignore_errors=True)


def folder_name(made_at: datetime, kind: str) -> str:
    return f"{made_at.astimezone(UTC):%Y-%m-%d %H%M%S} {kind}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- files -------------------------------------------------------------------------------


@contextlib.contextmanager
def _partial_folder(root: Path, name: str) -> Iterator[Path]:
    """A ``.partial-`` folder to write a backup into; removed again if anything fails (a full
    disk is said as such)."""
    partial = root / f"{PARTIAL_PREFIX}{name}-{os.getpid()}"
    try:
        try:
            root.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(mode=0o700)
        except OSError as exc:
            raise problem_from_os_error(exc, root / name) from exc
        yield partial
    except DiskFull:
        shutil.rmtree(partial, ignore_errors=True)
        raise _no_room(root) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _create_private_empty(path: Path) -> None:
    # VACUUM INTO accepts an empty file: making it first keeps the copy readable by this user
    # only, whatever the umask.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _write_synced(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise problem_from_os_error(exc, path) from exc


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise problem_from_os_error(exc, path) from exc


def _finish(partial: Path, final: Path, backup: Backup) -> None:
    """Write the manifest last, then give the folder its final name: only now is it listed."""
    document = json.dumps(backup.manifest(), indent=2).encode("utf-8")
    _write_synced(partial / MANIFEST, document + b"\n")
    try:
        sync_directory(partial)
        if final.exists():
            raise BackupProblem(
                f"There is already a folder called {final.name} in {final.parent}.",
                "It has been left as it is. Try again in a second.",
            )
        os.rename(partial, final)
        sync_directory(final.parent)
    except OSError as exc:
        raise problem_from_os_error(exc, final) from exc


def _free_name(root: Path, name: str) -> Path:
    """``root/name``, or ``root/name (2)`` and so on when two backups share a second."""
    candidate, number = root / name, 1
    while candidate.exists():
        number += 1
        candidate = root / f"{name} ({number})"
    return candidate


def _app_version() -> str:
    from esafety_desktop import __version__

    return str(__version__)


def back_up_before_upgrade(database: Any) -> Backup:
    """The copy :meth:`SchoolDatabase.open` makes just before it changes the layout (before
    anyone is signed in, so on the system clock)."""
    root = database.files.database.parent / BACKUPS_FOLDER
    return write_backup(database, root, kind=BEFORE_UPGRADE, now=SystemClock().now())
