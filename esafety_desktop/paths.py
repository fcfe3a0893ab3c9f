"""Where things live: shipped resources, and the user's data folder (never beside the program)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from esafety_desktop import APP_NAME


def resources_dir() -> Path:
    """The ``resources/`` folder: in the bundle when frozen, at the repository root otherwise."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def private_runtime_dir() -> Path:
    """A folder only this user can reach, for the single-instance socket: ``$XDG_RUNTIME_DIR``
    when it is this user's own private folder (as systemd makes it), otherwise a folder of the
    program's own in the user's cache folder, made (or tightened to) 0700. Never a shared
    folder such as /tmp, where anyone could take the name first."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and _private_folder_of_mine(Path(runtime)):
        return Path(runtime)
    import platformdirs

    own = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "run"
    own.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not os.path.islink(own):
        os.chmod(own, 0o700)
    if not _private_folder_of_mine(own):
        raise PermissionError(f"{own} is not a private folder of this user's")
    return own


def _private_folder_of_mine(folder: Path) -> bool:
    try:
        found = os.lstat(folder)
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    return stat.S_ISDIR(found.st_mode) and mine and not stat.S_IMODE(found.st_mode) & 0o077
