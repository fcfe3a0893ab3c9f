"""Backups: a consistent encrypted copy of the open database, its key file and a manifest.

A backup is one folder, named after the moment it was made::

    eSafety Desktop backups/
        2026-11-23 161502 sign-out/
            school.db        VACUUM INTO copy: same key, same SQLCipher salt, one file, no WAL
            school.db.keys   the key slots as they were just before the copy
            backup.json      when, why, a few counts, SHA-256 of both files; signed (HMAC)

The folder is written under a ``.partial-`` name and only renamed to its final name once the
copy has been opened, checked page by page, its structure and audit chain verified, and every
file flushed to the disk. A crash part-way leaves a ``.partial-`` folder that nothing lists as a
backup and the next backup clears away. The live database is never copied as a file.

Reading a folder trusts nothing in it (anyone may have made it): a manifest may name only the
two files above, only ordinary files are read (never through a link), and what a manifest says
is a claim until its signature is checked with the data key (restoring, verify).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import shutil
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import func, inspect, select, text

from esafety_desktop.domain.clock import SystemClock
from esafety_desktop.errors import DatabaseDamaged, DiskFull, ProblemForUser
from esafety_desktop.storage import audit
from esafety_desktop.storage.files import (
    DatabaseFiles,
    NotAnOrdinaryFile,
    copy_plain_file,
    open_plain,
    problem_from_os_error,
    require_plain,
    sha256_of,
    sync_directory,
)
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.migrate import current_revision
from esafety_desktop.storage.models import Account, AuditEntry, Incident, Person

BACKUPS_FOLDER = "eSafety Desktop backups"
BEFORE_UPGRADE = "before upgrade"
MANIFEST = "backup.json"
FORMAT = "esafety-desktop-backup"
FORMAT_VERSION = 2  # the manifest is signed ("mac")
UNSIGNED_VERSION = 1  # written before manifests were signed: still read, never preferred
PARTIAL_PREFIX = ".partial-"
DATABASE_NAME = "school.db"
KEY_FILE_NAME = DatabaseFiles(Path(DATABASE_NAME)).key_slots.name  # "school.db.keys"
BACKUP_FILES = (DATABASE_NAME, KEY_FILE_NAME)  # the only names a manifest may list
MANIFEST_MAC_INFO = b"esafety-desktop/backup-manifest/v1"
MANIFEST_MAX_BYTES = 64 * 1024  # a real one is well under 1 KiB
# A partial folder older than this is a crash's leftover, not a backup still being written.
STALE_PARTIAL = timedelta(hours=1)

# What the copy's check counts (tables an older layout lacks are left out); only SHOWN_COUNTS,
# which the restore chooser shows, go into the manifest in the clear.
_COUNTED = (("cases", Incident), ("people", Person), ("accounts", Account))
SHOWN_COUNTS = ("cases", "people")

_SIGNED_FIELDS = frozenset(
    {"format", "version", "database_id", "made_at", "kind", "app_version", "layout"}
    | {"counts", "audit_entries", "files", "made_on", "mac"}
)
_UNSIGNED_FIELDS = _SIGNED_FIELDS - {"mac"}
_REQUIRED = frozenset({"format", "version", "database_id", "made_at", "kind", "files"})
_LONGEST_TEXT = 200


@dataclass(frozen=True)
class Backup:
    """One backup folder and what its manifest says about it: a claim until
    :meth:`signature_holds` is true under the data key (or the backup is unsigned)."""

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
    # HMAC-SHA256 of the manifest (hex); None for one made before manifests were signed.
    mac: str | None = field(compare=False, default=None, repr=False)

    @property
    def signed(self) -> bool:
        """False if made before manifests were signed (never offered ahead of a signed one)."""
        return self.mac is not None

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    @property
    def database_files(self) -> DatabaseFiles:
        return DatabaseFiles(self.database)

    def _fields(self) -> dict[str, Any]:
        """The manifest without its ``mac``: what the signature covers."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "database_id": self.database_id,
            "made_at": self.made_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "kind": self.kind,
            "app_version": self.app_version,
            "layout": self.layout,
            "counts": self.counts,
            "audit_entries": self.audit_entries,
            "files": self.files,
            "made_on": self.made_on,
        }

    def manifest(self) -> dict[str, Any]:
        if self.mac is None:
            return {**self._fields(), "version": UNSIGNED_VERSION}
        return {**self._fields(), "mac": self.mac}

    def signed_with(self, data_key: bytes | bytearray) -> Backup:
        return dataclasses.replace(self, mac=manifest_mac(self._fields(), data_key))

    def signature_holds(self, data_key: bytes | bytearray) -> bool:
        """The manifest is as written for the database ``data_key`` opens (not relabelled,
        counts and checksums unchanged). False for an unsigned one."""
        expected = manifest_mac(self._fields(), data_key)
        return self.mac is not None and hmac.compare_digest(self.mac, expected)

    @classmethod
    def read(cls, folder: Path) -> Backup:
        """The backup in ``folder``; :class:`BackupProblem` if it is not one we can read. Only
        ordinary files in ``folder`` are opened, and the manifest no further than one can be."""
        folder = Path(folder)
        try:
            _check_folder(folder)
            raw = json.loads(_read_plain(folder / MANIFEST).decode("utf-8"), parse_constant=_bad)
            return cls._from_manifest(folder, raw)
        except NotAnOrdinaryFile as exc:
            raise _not_plain(exc, folder) from None
        except (FileNotFoundError, _NotABackup) as exc:
            why = f"it has no {MANIFEST}" if isinstance(exc, FileNotFoundError) else str(exc)
            raise BackupProblem(
                f"{folder} is not an eSafety Desktop backup: {why}.",
                "Choose the folder named after the date a backup was made; this one has not "
                "been changed, and nothing outside it was read.",
            ) from None
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise BackupProblem(
                f"The backup in {folder} cannot be read ({exc}).",
                "Choose another backup; this one has not been changed.",
            ) from exc

    @classmethod
    def _from_manifest(cls, folder: Path, raw: Any) -> Backup:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise _NotABackup(f"its {MANIFEST} is not a backup's manifest")
        version, fields = raw.get("version"), set(raw)
        signed = version == FORMAT_VERSION
        if signed and "mac" not in raw:
            raise _NotABackup(f"its {MANIFEST} is not signed, though version {version} always is")
        if not signed and version != UNSIGNED_VERSION:
            raise ValueError(f"backup format {version!r}")
        if not (fields == _SIGNED_FIELDS if signed else _REQUIRED <= fields <= _UNSIGNED_FIELDS):
            raise _NotABackup(f"its {MANIFEST} holds other fields than a backup's manifest")
        files, counts = raw["files"], raw.get("counts", {})
        if not isinstance(files, dict) or sorted(files) != sorted(BACKUP_FILES):
            raise _NotABackup(
                f"its {MANIFEST} lists other files than the two a backup holds, "
                f"{DATABASE_NAME} and {KEY_FILE_NAME}"
            )
        if not isinstance(counts, dict) or not set(counts) <= set(
            SHOWN_COUNTS if signed else (name for name, _ in _COUNTED)
        ):
            raise _NotABackup(f"its {MANIFEST} holds other counts than a backup's manifest")
        text = {k: _line(raw.get(k, ""), k) for k in ("database_id", "kind", "app_version")}
        made_at = datetime.fromisoformat(_line(raw.get("made_at"), "made_at"))
        layout = raw.get("layout")
        backup = cls(
            folder=folder,
            made_at=made_at if made_at.tzinfo else made_at.replace(tzinfo=UTC),
            layout=None if layout is None else _line(layout, "layout"),
            counts={_line(name, "a count's name"): _count(counts[name]) for name in counts},
            audit_entries=_count(raw.get("audit_entries", 0)),
            files={name: _sha256_hex(files[name]) for name in BACKUP_FILES},
            made_on=_line(raw.get("made_on", ""), "made_on"),
            mac=_sha256_hex(raw["mac"]) if signed else None,
            **text,
        )
        as_written = _canonical({k: v for k, v in raw.items() if k != "mac"})
        if not backup.database_id or (signed and _canonical(backup._fields()) != as_written):
            raise _NotABackup(f"its {MANIFEST} is not written as eSafety Desktop writes one")
        return backup

    def check_files(self) -> None:
        """:class:`BackupProblem` if the folder or a file in it is a link or special file."""
        try:
            _check_folder(self.folder)
        except NotAnOrdinaryFile as exc:
            raise _not_plain(exc, self.folder) from None
        except OSError as exc:
            raise problem_from_os_error(exc, self.folder) from exc

    def damaged_files(self) -> list[str]:
        """The files whose bytes no longer match the manifest (missing ones included)."""
        wrong = []
        for name, expected in self.files.items():
            try:
                if name not in BACKUP_FILES or sha256_of(self.folder / name) != expected:
                    wrong.append(name)
            except OSError:
                wrong.append(name)
        return wrong


def manifest_mac(fields: dict[str, Any], data_key: bytes | bytearray) -> str:
    """HMAC-SHA256 (hex) of a manifest without its ``mac``, in canonical JSON, under
    HKDF(data key, salt = the database_id, info = :data:`MANIFEST_MAC_INFO`)."""
    salt = str(fields["database_id"]).encode("utf-8")
    key = HKDF(hashes.SHA256(), 32, salt, MANIFEST_MAC_INFO).derive(bytes(data_key))
    return hmac.new(key, _canonical(fields), hashlib.sha256).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class _NotABackup(ValueError):
    """Not a manifest the program writes: said as "not a backup: <why>"."""


def _bad(constant: str) -> None:
    raise ValueError(f"{constant} is not a number a manifest holds")


def _line(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > _LONGEST_TEXT or not value.isprintable():
        raise ValueError(f"{what} is not a short line of text")
    return value


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise ValueError("a count is not a whole number")
    return value


def _sha256_hex(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64 or value.strip("0123456789abcdef"):
        raise ValueError("a checksum is not 64 hex digits")
    return value


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
            counts={k: v for k, v in check.counts.items() if k in SHOWN_COUNTS},
            audit_entries=check.audit_entries,
            files={DATABASE_NAME: sha256_of(copy), KEY_FILE_NAME: sha256_of(keys)},
            made_on="".join(filter(str.isprintable, socket.gethostname()))[:_LONGEST_TEXT],
        )
        data_key = database.data_key_copy()
        try:
            backup = backup.signed_with(data_key)
        finally:
            data_key[:] = bytes(len(data_key))
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
    if os.path.lexists(final / MANIFEST):
        existing = Backup.read(final)
        same = existing.manifest() == backup.manifest()
        if same and not existing.damaged_files():
            return existing
        if same:
            raise BackupProblem(
                f"{final} already holds a copy of this backup, but it is damaged.",
                "Move that folder somewhere else (keep it for your IT support) and try again.",
            )
        # Another backup made in the same second (a restore, then a sign-out): a name of its
        # own, as on this PC.
        final = _free_name(root, backup.folder.name)
    backup.check_files()
    with _partial_folder(root, final.name) as partial:
        for name in BACKUP_FILES:
            try:
                copy_plain_file(backup.folder / name, partial / name)
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


def _not_plain(exc: NotAnOrdinaryFile, folder: Path) -> BackupProblem:
    what = "it" if exc.path == folder else f"{exc.path.name} in it"
    why = "a link (a shortcut to somewhere else)" if exc.link else "not an ordinary file"
    return BackupProblem(
        f"{folder} is not an eSafety Desktop backup: {what} is {why}.",
        "Choose another backup; this one has not been changed. If it is a copy of one of "
        "yours, copy the folder itself there, not a link to it.",
    )


def _check_folder(folder: Path) -> None:
    """The folder and those of its files that are there (a missing one is damage) are plain."""
    require_plain(folder, directory=True)
    for name in (MANIFEST, *BACKUP_FILES):
        with contextlib.suppress(FileNotFoundError):
            require_plain(folder / name)


def _read_plain(path: Path, limit: int = MANIFEST_MAX_BYTES) -> bytes:
    with os.fdopen(open_plain(path), "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _NotABackup(f"its {path.name} is far larger than a backup's manifest")
    return data


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
