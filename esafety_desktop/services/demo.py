"""The demo school's sign-in, shown openly on the unlock screen (which reads it before the
database code loads). The school itself is built by ``esafety_desktop.demo`` from the files in
``resources/demo/``.
"""

from __future__ import annotations

from pathlib import Path

DEMO_SCHOOL_NAME = "Oakfield Primary School (demo)"
DEMO_USERNAME = "demo.dsl"
# Invented school, invented records: its password is printed openly on purpose.
DEMO_PASSWORD = "Demo-Oakfield-2026"  # noqa: S105
DEMO_DISPLAY_NAME = "Alex Morgan"


def demo_ready_marker(path: Path) -> Path:
    """Written once the demo school is completely made: a demo stopped while it was being made
    (the window closed, the PC switched off) has none, and is made again."""
    return path.with_name(path.name + ".ready")


def discard_unfinished_demo(path: Path) -> None:
    """Remove a demo school whose making was stopped part-way. Only ever the demo's own files:
    every record in it is invented, and a half-made demo would show a school missing most of
    its cases as if that were all of them."""
    from esafety_desktop.storage.files import DatabaseFiles

    for leftover in DatabaseFiles(path).all_existing():
        leftover.unlink()
