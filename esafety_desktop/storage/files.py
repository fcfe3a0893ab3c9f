"""Safe file writes and the names of the files that make up one school database."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
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
    """Replace ``path`` with ``data`` so a crash leaves either the old or the new file, whole.

    Each write has a temp file of its own (made exclusively, private to the user), so two
    writes at once can never rename each other's half-written bytes into place."""
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        sync_directory(path.parent)
    except OSError as exc:
        if tmp is not None:
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


def sync_directory(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows has no directory handles to flush; os.replace is already durable there
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "sshfs",
    "fuse.sshfs",
    "9p",
    "afs",
    "davfs",
    "fuse.davfs2",
    "fuse.rclone",
    "ncpfs",
    "glusterfs",
    "ceph",
}


def network_location_reason(path: Path, mounts_text: str | None = None) -> str | None:
    """Why ``path`` is on a network drive (SQLite's locking is unsafe there), or None."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "it is a network share (a path starting with \\\\)"
    if os.name == "nt":
        return _windows_network_drive(path)
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # not Linux: no reliable way to tell, so do not refuse
    best_point, best_type = "", ""
    resolved = str(Path(os.path.abspath(path)))
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best_point):
            best_point, best_type = point, fields[2]
    if best_type in _NETWORK_FILESYSTEMS:
        return f"{best_point} is a network drive ({best_type})"
    return None


def _windows_network_drive(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(path))[0]
    if not drive:
        return None
    drive_remote = 4
    if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote:  # type: ignore[attr-defined]
        return f"{drive} is a network drive"
    return None
