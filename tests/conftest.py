from __future__ import annotations

import errno
import os
import subprocess
import sys

# The windows are drawn off screen, on a school laptop's 1366×768 screen (Qt's own is 800×800).
os.environ["QT_QPA_PLATFORM"] = (
    f"offscreen:configfile={os.path.join(os.path.dirname(__file__), 'laptop_screen.json')}"
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen" and ":" not in __file__
    else os.environ["QT_QPA_PLATFORM"]
)

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest

from esafety_desktop.domain.clock import SettableClock
from esafety_desktop.services.access import SignedIn, create_school
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.memory_keyring import MemoryKeyring

DSL_PASSWORD = "Kettle-Orchard-Lantern-42"
SCHOOL_NAME = "Hollowbrook Primary (invented)"


@pytest.fixture(autouse=True)
def this_pc_keyring() -> Iterator[MemoryKeyring]:
    """Each test runs on a "PC" whose keyring is in memory."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


TEST_KDF = keyslots.KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
# The floor as shipped: slots a separate process (the command line run as a program) must
# accept are made with it.
SHIPPED_FLOOR = keyslots.MINIMUM_KDF


@pytest.fixture(autouse=True)
def no_memory_wiping(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLCipher's wiping of freed memory doubles the suite's database time; it is off here
    and checked as shipped in tests/security/test_errors_and_memory.py."""
    from esafety_desktop.storage import engine

    monkeypatch.setattr(engine, "WIPE_FREED_MEMORY", False)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2 keeps the suite fast: below the shipped floor, which is lowered to match
    (tests/security/test_argon2_floor.py checks the floor as shipped; one test runs the real
    parameters)."""
    monkeypatch.setattr(keyslots, "MINIMUM_KDF", TEST_KDF)
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", TEST_KDF)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))


def new_pc() -> MemoryKeyring:
    """Move the test to another computer: a keyring without this PC's device secret."""
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@dataclass
class School:
    path: Path
    signed_in: SignedIn
    recovery_key: str
    username: str = "jo.dsl"
    password: str = DSL_PASSWORD
    # The session's clock: the system's until a test sets it (``school.clock.set(...)``).
    clock: SettableClock = field(default_factory=SettableClock)


HEAD_PASSWORD = "Granite-Willow-Parcel-19"


def add_head(school: School) -> None:
    """The DSL adds the headteacher, Pat Head (account p.head)."""
    from esafety_desktop.domain.roles import Role
    from esafety_desktop.services.accounts import add_account

    add_account(
        school.signed_in,
        username="p.head",
        display_name="Pat Head",
        role=Role.HEADTEACHER,
        password=HEAD_PASSWORD,
    )


@pytest.fixture
def school(tmp_path: Path) -> Iterator[School]:
    """A new school database with one DSL (Jo Bloggs), signed in."""
    path = tmp_path / "school.db"
    clock = SettableClock()
    new = create_school(
        path,
        school_name=SCHOOL_NAME,
        username="jo.dsl",
        display_name="Jo Bloggs",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
        clock=clock,
    )
    made = School(path=path, signed_in=new.signed_in, recovery_key=new.recovery_key, clock=clock)
    yield made
    _let_windows_finish()
    if made.signed_in.database.engine is not None:
        made.signed_in.database.close()


def _let_windows_finish() -> None:
    """Work a window started (a person being shown, a case being read) finishes, and reaches
    its window, while the school is still open: in the program a window never outlives its
    session, but a test's page does until the test is torn down."""
    background = sys.modules.get("esafety_desktop.ui.background")
    if background is None:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    while background.busy():
        background.wait_for_background()
        if app is not None:
            app.processEvents()


@dataclass
class SmallDisk:
    """A real, small file system (tmpfs) that a test can fill to the last byte."""

    path: Path

    def fill(self) -> None:
        filler = os.open(self.path / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                os.write(filler, bytes(4096))
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(filler)

    def free(self) -> None:
        (self.path / "filler").unlink()


@pytest.fixture
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmallDisk]:
    """A 16 MB disk of its own. Mounting needs root: CI runs as root, so these tests always run
    there; elsewhere they are skipped with the reason."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root (CI runs as root)")
    mount_point = tmp_path_factory.mktemp("small-disk")
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount_point)], check=True
    )
    try:
        yield SmallDisk(mount_point)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def damage_a_page(database: Path) -> None:
    """Overwrite 16 bytes in the middle of a page near the middle of the file, as a failing
    disk would."""
    data = bytearray(database.read_bytes())
    middle = len(data) // 2 // 4096 * 4096 + 100
    data[middle : middle + 16] = bytes(16)
    database.write_bytes(bytes(data))
