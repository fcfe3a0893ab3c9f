"""Safe file writes and the names of the files that make up one school database."""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from esafety_desktop.errors import DiskFull, ReadOnlyLocation


@dataclass(frozen=True)
class DatabaseFiles:
    """The database and the files SQLite and eSafety Desktop keep beside it."""

    database: Path

    @property
    def key_slots(self) -> Path:
        return self.database.with_name(self.database.name + ".keys")

    @property
    def wal(self) -> Path:
        return self.database.with_name(self.database.name + "-wal")

    @property
    def shm(self) -> Path:
        return self.database.with_name(self.database.name + "-shm")

    @property
    def sign_in_attempts(self) -> Path:
        return self.database.with_name(self.database.name + ".attempts")

    def all_existing(self) -> list[Path]:
        candidates = [self.database, self.wal, self.shm, self.key_slots, self.sign_in_attempts]
        return [p for p in candidates if p.exists()]


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so a crash leaves either the old or the new file, whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _sync_directory(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise problem_from_os_error(exc, path) from exc


def append_line(path: Path, line: str) -> None:
    """Append one line and make sure it reached the disk."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line.rstrip("\n") + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise problem_from_os_error(exc, path) from exc


def problem_from_os_error(exc: OSError, path: Path) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyLocation(str(path.parent))
    return exc


def _sync_directory(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows has no directory handles to flush; os.replace is already durable there
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
