"""Changing the school's key on real SQLCipher files (storage/rotation.py): every record kept,
the old data key opening nothing, and a crash at any step finished or undone at the next
sign-in.

A crash cannot be had in-process (an exception runs ``change_data_key``'s own clean-up), so
each crash is simulated by copying the files, at that step, to a second folder: what the disk
holds if the power goes then (and this PC's keyring as it was then: it remembers the newest
state it saw, and refuses an older one). The rotation then finishes in the real folder, and the
copy is opened as the app opens a database (``sign_in``, which settles the change)."""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from esafety_desktop.errors import DiskFull, ReadOnlyLocation
from esafety_desktop.services import accounts, incidents
from esafety_desktop.services.access import SignedIn, sign_in, sign_in_with_recovery_key
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.storage import rotation
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.files import write_atomically as write_atomically_for_real
from esafety_desktop.storage.key_file import KeySlotFile
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head
from tests.memory_keyring import MemoryKeyring
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

# How the key file module writes a key file (the tests make it fail).
KEY_FILE_WRITE = "esafety_desktop.storage.key_file.write_atomically"
STEPS = ["copy made", "key file holds the next one", "database swapped"]


def _record_cases(school: School, count: int = 3) -> dict[int, str]:
    amy = _pupil(school)
    cases = {}
    for number in range(1, count + 1):
        summary = f"Case {number}: an older boy online asked Amy for photos."
        case = incidents.record_incident(
            school.signed_in, _new(amy, NUDES_REFERRED, summary=summary)
        )
        cases[case.id] = summary
    return cases


def _cases(signed_in: SignedIn) -> dict[int, str]:
    return {c.id: c.summary for c in incidents.list_incidents(signed_in)}


def _key_file(path: Path) -> KeySlotFile:
    return KeySlotFile.load(DatabaseFiles(path).key_slots)


def _raw_document(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DatabaseFiles(path).key_slots.read_text("utf-8"))
    return document


def _raw(path: Path, data_key: bytearray) -> sqlcipher3.dbapi2.Connection:
    connection = sqlcipher3.dbapi2.connect(str(path))
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = \"x'{bytes(data_key).hex()}'\"")
    return connection


def _copy_as_on_disk(files: DatabaseFiles, folder: Path) -> Path:
    """The files as they are at this instant, in ``folder``: what a power cut leaves."""
    folder.mkdir()
    for source in (
        files.database,
        files.wal,
        files.shm,
        files.key_slots,
        rotation.next_path(files),
    ):
        if source.exists():
            shutil.copy2(source, folder / source.name)
    return folder / files.database.name


def _crash_at(
    monkeypatch: pytest.MonkeyPatch, signed_in: SignedIn, crash_point: Callable[[str], None]
) -> None:
    """The service's next ``change_data_key`` calls ``crash_point`` at each step."""
    database = signed_in.database
    change = database.change_data_key
    monkeypatch.setattr(
        database,
        "change_data_key",
        lambda recipients_in: change(recipients_in, crash_point=crash_point),
    )


def _assert_settled_and_whole(path: Path, cases: dict[int, str], generation: int) -> None:
    """``path`` opens with the DSL's and the head's passwords, with every case, verify sound,
    no copy left beside it and no change under way in its key file."""
    signed_in = sign_in(path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    try:
        assert _cases(signed_in) == cases
        assert verify_open_database(signed_in).sound
    finally:
        signed_in.sign_out()
    assert not rotation.next_path(DatabaseFiles(path)).exists()
    assert _raw_document(path)["rotation"] is None
    assert _key_file(path).generation == generation
    sign_in(path, "p.head", HEAD_PASSWORD, DeviceSecretStore()).sign_out()


# -- a key change that finishes --------------------------------------------------------------


def test_a_key_change_keeps_every_record_and_the_old_key_opens_nothing(school: School) -> None:
    add_head(school)
    cases = _record_cases(school)
    old_key = school.signed_in.database.data_key_copy()
    assert _key_file(school.path).generation == 1

    changed = accounts.change_school_key(school.signed_in, "a password may have been seen")

    assert changed.generation == 2 and changed.need_new_passwords == []
    assert _key_file(school.path).generation == 2
    assert school.signed_in.database.data_key_copy() != old_key
    assert _cases(school.signed_in) == cases
    assert verify_open_database(school.signed_in).sound
    connection = _raw(school.path, old_key)
    with pytest.raises(sqlcipher3.dbapi2.DatabaseError, match="file is not a database"):
        connection.execute("SELECT count(*) FROM incident").fetchone()
    connection.close()
    connection = _raw(school.path, school.signed_in.database.data_key_copy())
    assert connection.execute("SELECT count(*) FROM incident").fetchone() == (len(cases),)
    connection.close()
    assert not rotation.next_path(DatabaseFiles(school.path)).exists()
    assert _raw_document(school.path)["rotation"] is None
    # Everyone signs in afterwards: the DSL, the head, and the recovery key.
    school.signed_in.sign_out()
    _assert_settled_and_whole(school.path, cases, generation=2)
    by_recovery = sign_in_with_recovery_key(
        school.path,
        recovery_key=school.recovery_key,
        username="jo.dsl",
        new_password="Another-Long-Password-93",
        device_secrets=DeviceSecretStore(),
    )
    assert _cases(by_recovery) == cases
    by_recovery.sign_out()


# -- a crash at each step ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "generation_after_crash"),
    [("copy made", 1), ("key file holds the next one", 1), ("database swapped", 2)],
)
def test_a_crash_at_each_step_is_finished_or_undone_at_the_next_sign_in(
    school: School,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    this_pc_keyring: MemoryKeyring,
    step: str,
    generation_after_crash: int,
) -> None:
    add_head(school)
    cases = _record_cases(school)
    files = DatabaseFiles(school.path)
    crashed = tmp_path / "as-the-disk-held-it"
    seen: list[str] = []
    keyring_then: dict[tuple[str, str], str] = {}

    def power_cut(point: str) -> None:
        seen.append(point)
        if point == step:
            _copy_as_on_disk(files, crashed)
            keyring_then.update(this_pc_keyring.entries)

    _crash_at(monkeypatch, school.signed_in, power_cut)
    accounts.change_school_key(school.signed_in)

    assert seen == STEPS
    # In the real folder the change finished.
    assert _key_file(school.path).generation == 2
    assert not rotation.next_path(files).exists()
    assert _raw_document(school.path)["rotation"] is None
    assert _cases(school.signed_in) == cases
    school.signed_in.sign_out()
    _assert_settled_and_whole(school.path, cases, generation=2)
    # The copy, opened as the app opens it on the PC as it was, is finished or undone, whole.
    if step != "database swapped":
        assert rotation.next_path(DatabaseFiles(crashed / "school.db")).exists()
    if step != "copy made":
        assert _raw_document(crashed / "school.db")["rotation"] is not None
    this_pc_keyring.entries = keyring_then
    _assert_settled_and_whole(crashed / "school.db", cases, generation_after_crash)


def test_a_rename_that_fails_leaves_the_old_key_in_use_and_so_does_a_crash_then(
    school: School,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    this_pc_keyring: MemoryKeyring,
) -> None:
    add_head(school)
    cases = _record_cases(school)
    files = DatabaseFiles(school.path)
    old_key = school.signed_in.database.data_key_copy()
    crashed = tmp_path / "as-the-disk-held-it"
    real_replace = os.replace
    keyring_then: dict[tuple[str, str], str] = {}

    def replace(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if Path(source) == rotation.next_path(files):
            _copy_as_on_disk(files, crashed)
            keyring_then.update(this_pc_keyring.entries)
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ReadOnlyLocation):
        accounts.change_school_key(school.signed_in)
    monkeypatch.setattr(os, "replace", real_replace)

    # The real folder: the change undone, the session carries on under the old key.
    assert _key_file(school.path).generation == 1
    assert not rotation.next_path(files).exists()
    assert _raw_document(school.path)["rotation"] is None
    assert school.signed_in.database.data_key_copy() == old_key
    assert _cases(school.signed_in) == cases
    amy = incidents.list_incidents(school.signed_in)[0].involved[0].person_id
    later = incidents.record_incident(
        school.signed_in, _new(amy, NUDES_REFERRED, summary="Recorded after the failed change.")
    )
    assert verify_open_database(school.signed_in).sound
    # A second try, with the rename working, finishes.
    assert accounts.change_school_key(school.signed_in).generation == 2
    school.signed_in.sign_out()
    _assert_settled_and_whole(school.path, {**cases, later.id: later.summary}, generation=2)
    # A power cut at the rename instead: undone at the next sign-in.
    assert _raw_document(crashed / "school.db")["rotation"] is not None
    this_pc_keyring.entries = keyring_then
    _assert_settled_and_whole(crashed / "school.db", cases, generation=1)


def test_a_key_file_that_cannot_be_saved_after_the_swap_leaves_the_session_working(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 4 (saving the next key file) fails once, say the disk is full: the clean-up's
    settle() finishes the change on disk, and the open session must go on reading the file."""
    cases = _record_cases(school)
    real_write = write_atomically_for_real
    failing: list[bool] = []  # armed by the swap: the next key file save fails, once

    def write_atomically(path: Path, data: bytes) -> None:
        if failing:
            failing.clear()
            raise DiskFull()
        real_write(path, data)

    monkeypatch.setattr(KEY_FILE_WRITE, write_atomically)
    _crash_at(
        monkeypatch,
        school.signed_in,
        lambda point: failing.append(True) if point == "database swapped" else None,
    )
    with pytest.raises(DiskFull):
        accounts.change_school_key(school.signed_in)

    assert _key_file(school.path).generation == 2  # settle() finished it on disk
    assert school.signed_in.database.key_slots.generation == 2
    assert _cases(school.signed_in) == cases
    assert school.signed_in.database.damage is None
    assert verify_open_database(school.signed_in).sound


def test_a_key_file_held_by_another_program_after_the_swap_leaves_the_session_working(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 4 fails and the key file stays unwritable (on Windows, an antivirus scanner
    holding it): the open session must still read the database, not call it damaged and send
    the user to restore a backup. Once the file is free, the next sign-in finishes the change."""
    add_head(school)
    cases = _record_cases(school)
    real_write = write_atomically_for_real
    held: list[bool] = []  # from the swap on, the key file cannot be written

    def write_atomically(path: Path, data: bytes) -> None:
        if held:
            raise ReadOnlyLocation(str(path.parent))
        real_write(path, data)

    monkeypatch.setattr(KEY_FILE_WRITE, write_atomically)
    _crash_at(
        monkeypatch,
        school.signed_in,
        lambda point: held.append(True) if point == "database swapped" else None,
    )
    with pytest.raises(ReadOnlyLocation):
        accounts.change_school_key(school.signed_in)

    try:
        assert _cases(school.signed_in) == cases
        assert school.signed_in.database.damage is None
    finally:
        held.clear()
        school.signed_in.database.close()
        _assert_settled_and_whole(school.path, cases, generation=2)


# -- a leftover copy ------------------------------------------------------------------------


def test_a_leftover_copy_with_no_change_under_way_is_removed_at_the_next_sign_in(
    school: School,
) -> None:
    cases = _record_cases(school)
    files = DatabaseFiles(school.path)
    old_key = school.signed_in.database.data_key_copy()
    school.signed_in.sign_out()
    leftover = rotation.next_path(files)
    journal = leftover.with_name(leftover.name + "-journal")

    # What sign-in runs first touches nothing but the leftover...
    leftover.write_bytes(os.urandom(3 * 4096))
    journal.write_bytes(os.urandom(512))
    database_bytes, key_file_bytes = files.database.read_bytes(), files.key_slots.read_bytes()
    rotation.settle(files)
    assert not leftover.exists() and not journal.exists()
    assert files.database.read_bytes() == database_bytes
    assert files.key_slots.read_bytes() == key_file_bytes

    # ...and sign-in removes it and opens the database as it was.
    leftover.write_bytes(os.urandom(3 * 4096))
    again = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    try:
        assert not leftover.exists()
        assert again.database.data_key_copy() == old_key
        assert again.database.key_slots.generation == 1
        assert _cases(again) == cases
        assert verify_open_database(again).sound
    finally:
        again.sign_out()
    assert _raw_document(school.path)["rotation"] is None
