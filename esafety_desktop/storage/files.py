"""Safe file writes, the names of the files that make up one school database, private file
modes, and the refusal of network drives."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from esafety_desktop.errors import DiskFull, ProblemForUser, ReadOnlyLocation

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077  # files 0600, folders 0700: nobody else on the PC reads them
# Opening a file someone else may have replaced: never through a link, never waiting on a pipe.
_NOT_FOLLOWED = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


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
    """Append one line and make sure it reached the disk. A link in its place is not followed
    (on POSIX): the line never lands in a file someone pointed the name at."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | _NOT_FOLLOWED, 0o600)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "not a plain file", str(path))
            os.write(fd, (line.rstrip("\n") + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise problem_from_os_error(exc, path) from exc


def read_plain_file(path: Path, limit: int) -> bytes | None:
    """At most ``limit`` bytes of ``path``: empty when there is nothing there, None when what is
    there is not a plain file. A link is not followed and a named pipe or device is never
    waited on or read (a file anyone with the folder can replace must not hang or feed us)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOT_FOLLOWED | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return b""
    except OSError:  # a link (ELOOP), a folder on Windows, no permission
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        while limit > 0 and (chunk := os.read(fd, min(limit, 1 << 16))):
            chunks.append(chunk)
            limit -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


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


# -- private file modes (POSIX) -------------------------------------------------------------


def use_private_file_modes() -> None:
    """The program's start (window and commands): everything it makes from here on, SQLite's
    database, WAL and SHM included, is this user's only (0600 files, 0700 folders)."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def make_private_folder(folder: Path) -> None:
    """Make ``folder`` and any missing parents 0700 (folders that already exist are left as
    they are: the DSL may have chosen one of their own)."""
    missing = []
    for place in [folder, *folder.parents]:
        if place.exists():
            break
        missing.append(place)
    try:
        for place in reversed(missing):
            with contextlib.suppress(FileExistsError):
                place.mkdir(mode=0o700)
                if os.name == "posix":
                    os.chmod(place, 0o700)  # mkdir's mode is cut by the umask
    except OSError as exc:
        raise problem_from_os_error(exc, folder / "x") from exc


def keep_private(files: DatabaseFiles) -> None:
    """Take away other users' access to the database and its companions (files made by the
    versions before, or while the umask allowed it). SQLite gives a WAL and SHM it makes later
    the database's own mode."""
    if os.name != "posix":
        return  # Windows: the per-user data folder's ACL already keeps other users out
    from esafety_desktop.paths import user_data_dir

    folder = files.database.parent
    with contextlib.suppress(OSError):  # the program's own data folder (not one chosen)
        ours = folder.resolve() == user_data_dir().resolve() and not folder.is_symlink()
        if ours and stat.S_IMODE(folder.stat().st_mode) & 0o077:
            os.chmod(folder, 0o700)
    for path in files.all_existing():
        try:
            now = os.lstat(path)
            if stat.S_ISREG(now.st_mode) and stat.S_IMODE(now.st_mode) & 0o077:
                os.chmod(path, stat.S_IMODE(now.st_mode) & 0o700)
        except OSError as exc:  # another user's file: it is still opened, and said in the log
            log.warning("%s could not be made private (%s)", path.name, exc.strerror)


# -- network drives --------------------------------------------------------------------------


class OnANetworkDrive(ProblemForUser):
    def __init__(self, path: Path, reason: str, what: str = "The school database") -> None:
        super().__init__(
            f"{what} at {path} is on a network drive: {reason}. It cannot be used there, "
            "because SQLite databases are damaged when written over a network.",
            "Nothing was changed. Keep the school database in a folder on this computer (your "
            "own data folder is the usual place), with its .keys file and backups folder beside "
            "it; backups can still be copied to another drive.",
        )


# Linux file system types (/proc/self/mountinfo's) that reach another computer.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "afs", "ceph", "glusterfs",
        "lustre", "gpfs", "davfs", "coda", "fuse.sshfs", "sshfs", "fuse.gvfsd-fuse",
        "fuse.kio-fuse", "fuse.davfs2", "fuse.davfs", "fuse.rclone", "fuse.s3fs",
        "fuse.glusterfs", "fuse.cephfs", "fuse.smbnetfs", "fuse.curlftpfs",
    }
)  # fmt: skip
# GNOME's (gvfs) and KDE's (kio-fuse) mounts of SMB, SFTP and WebDAV shares, by their place.
_DESKTOP_SHARES = re.compile(r"^/run/user/\d+/(gvfs|kio-fuse-[^/]+)(/|$)")
# macOS statfs f_fstypename of network file systems.
_MACOS_NETWORK = frozenset({"smbfs", "nfs", "afpfs", "webdav", "cifs", "ftp"})


def require_local_drive(path: Path, what: str = "The school database") -> None:
    """Refuse (:class:`OnANetworkDrive`) when ``path`` is on a network drive. Called before
    anything is read or written: opening, making a school, restoring into a folder."""
    reason = network_location_reason(Path(path))
    if reason:
        raise OnANetworkDrive(Path(path), reason, what)


def network_location_reason(path: Path) -> str | None:
    """Why ``path`` is on a network drive (SQLite's locking is unsafe there), or None. Links
    are resolved first, so a local-looking link to a share is caught."""
    given = str(path)
    if given.startswith(("\\\\", "//")):
        return "it is a network share (a path starting with \\\\)"
    try:
        resolved = Path(path).expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of links
        resolved = Path(os.path.abspath(path))
    if str(resolved).startswith(("\\\\", "//")):
        return f"it leads to the network share {resolved}"
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_network_drive(resolved)
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        return _macos_network_drive(resolved)
    found = network_filesystem_in(_linux_mount_table(), str(resolved))
    if found is None:
        return None
    point, kind = found
    return f"{point} is a network drive ({kind})"


def network_filesystem_in(mountinfo: str, path: str) -> tuple[str, str] | None:
    """The mount point and file system type of the network drive holding ``path`` (absolute,
    links resolved), read from the text of /proc/self/mountinfo; None when it is local. The
    innermost mount decides; GNOME's and KDE's share folders count even if not listed."""
    best_point, best_type = "", ""
    for line in mountinfo.splitlines():
        fields = line.split(" ")
        try:
            point = _unescape(fields[4])
            kind = fields[fields.index("-", 6) + 1]
        except (IndexError, ValueError):
            continue
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best_point):
            best_point, best_type = point, kind
    if best_type in NETWORK_FILESYSTEMS:
        return best_point, best_type
    desktop = _DESKTOP_SHARES.match(path)
    if desktop:  # not in the table given, or hidden from it
        kind = "fuse.gvfsd-fuse" if desktop.group(1) == "gvfs" else "fuse.kio-fuse"
        return path[: desktop.end(1)], kind
    return None


def _unescape(field: str) -> str:
    """Undo mountinfo's octal escapes (``\\040`` a space, ``\\134`` a backslash)."""
    raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), os.fsencode(field))
    return os.fsdecode(raw)


def _linux_mount_table() -> str:
    """This process's mount table; empty (nothing refused) where there is none to read."""
    try:
        return Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return ""


def _windows_network_drive(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(str(path))[0]
    if not drive:
        return None
    drive_remote = 4
    if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote:  # type: ignore[attr-defined]
        return f"{drive} is a network drive"
    return None


def _macos_network_drive(path: Path) -> str | None:  # pragma: no cover - macOS only
    """statfs's ``f_fstypename`` (struct statfs with 64-bit inodes: the name is 16 bytes at
    offset 72) for the nearest folder that exists."""
    import ctypes
    import ctypes.util

    existing = next((p for p in [path, *path.parents] if p.exists()), Path("/"))
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    try:
        statfs = libc["statfs$INODE64"]  # Intel Macs; Apple silicon has only the 64-bit one
    except AttributeError:
        statfs = libc["statfs"]
    buffer = ctypes.create_string_buffer(4096)  # struct statfs is 2,168 bytes
    if statfs(os.fsencode(existing), buffer) != 0:
        return None
    kind = buffer.raw[72:88].split(b"\0", 1)[0].decode("ascii", "replace")
    if kind in _MACOS_NETWORK:
        return f"{existing} is on a network drive ({kind})"
    return None


# -- reading only ordinary files ---------------------------------------------------------


def sha256_of(path: Path) -> str:
    """SHA-256 (hex) of an ordinary file (:class:`NotAnOrdinaryFile`, unread, for a link,
    pipe or device: ``/dev/zero`` cannot keep it reading for ever)."""
    digest = hashlib.sha256()
    with os.fdopen(open_plain(path), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_plain_file(source: Path, target: Path) -> None:
    """Copy an ordinary file (as :func:`sha256_of` reads it) into ``target``, private."""
    with os.fdopen(open_plain(source), "rb") as reading:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
        with os.fdopen(fd, "wb") as writing:
            shutil.copyfileobj(reading, writing, 1 << 20)


_BINARY = getattr(os, "O_BINARY", 0)
# A link swapped in after the check is not followed (O_NOFOLLOW), a pipe not waited on
# (O_NONBLOCK; fstat then refuses it). Windows has neither; lstat sees its reparse points.
_NAMES = 0x20000000  # Windows: IsReparseTagNameSurrogate (a link, a junction, a mount point)
_READ_PLAIN = os.O_RDONLY | _BINARY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class NotAnOrdinaryFile(OSError):
    """A folder or file that is a link, a pipe, a device or a socket: it is not read."""

    def __init__(self, path: Path, link: bool) -> None:
        super().__init__(f"{path} is {'a link' if link else 'not an ordinary file'}")
        self.path, self.link = path, link


def _refusal(path: Path, found: os.stat_result, directory: bool = False) -> None:
    # Windows: other reparse points (OneDrive's placeholders) are the file itself.
    reparse = getattr(found, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    if stat.S_ISLNK(found.st_mode) or (reparse and getattr(found, "st_reparse_tag", 0) & _NAMES):
        raise NotAnOrdinaryFile(path, link=True)
    if not (stat.S_ISDIR if directory else stat.S_ISREG)(found.st_mode):
        raise NotAnOrdinaryFile(path, link=False)


def require_plain(path: Path, directory: bool = False) -> None:
    _refusal(path, os.lstat(path), directory)


def open_plain(path: Path) -> int:
    """A descriptor for reading an ordinary file, checked before opening and once open."""
    require_plain(path)
    fd = os.open(path, _READ_PLAIN)
    try:
        _refusal(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return fd
