"""The kill harness (bench/crash_kills.py) in small: real SIGKILLs while saving, backing up,
upgrading and changing the school's key. The README's figures come from the full run of 1,000
kills of each kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "bench" / "crash_kills.py"


@pytest.mark.skipif(sys.platform == "win32", reason="the harness forks and sends SIGKILL")
def test_nothing_reported_saved_is_lost_when_the_writer_is_killed() -> None:
    result = subprocess.run(
        [sys.executable, str(HARNESS), "--trials", "12", "--json", "--seed", "7"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = {f["kind"]: f for f in json.loads(result.stdout)}
    assert set(figures) == {"save", "backup", "migrate", "rotate"}
    for kind, f in figures.items():
        assert f["trials"] == 12, kind
        assert f["lost"] == 0 and f["corrupt"] == 0 and f["problems"] == [], (kind, f)
    assert figures["save"]["kills"] == 12 and figures["save"]["saved_reported"] > 12
    assert figures["backup"]["kills"] == 12 and figures["backup"]["backups_checked"] >= 12
    # kills landed both during upgrades and after them, and every backup left was sound
    assert figures["migrate"]["kills"] >= 1
    assert figures["migrate"]["backups_checked"] > 0
    # key changes were killed at every step, each finished or undone on opening
    rotate = figures["rotate"]
    assert rotate["kills"] == 12 and rotate["saved_reported"] > 12, rotate
    assert set(rotate["key_changes_interrupted"]) == {
        "copy begun",
        "key file holds the next one",
        "database swapped",
    }, rotate
