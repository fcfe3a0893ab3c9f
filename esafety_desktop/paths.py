"""Where things live: shipped resources, and the user's data folder (never beside the program)."""

from __future__ import annotations

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
