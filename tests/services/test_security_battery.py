"""What an attacker with the files (but not a password and this PC) could read: nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import DeviceSecretMissing
from esafety_desktop.services import accounts, settings
from esafety_desktop.services.access import sign_in, sign_in_with_recovery_key
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import DSL_PASSWORD, School, new_pc

MARKERS = ["ZEPHYR-MARKER-SCHOOL-4471", "QUOKKA-MARKER-PERSON-9902", "NARWHAL-MARKER-WORD"]


def _write_markers(school: School) -> None:
    settings.rename_school(school.signed_in, MARKERS[0])
    accounts.add_account(
        school.signed_in,
        username="deputy",
        display_name=MARKERS[1],
        role=Role.DEPUTY_DSL,
        password="Granite-Willow-Parcel-19",
    )
    # A long text so it spills across pages and into the WAL.
    contacts = settings.school_settings(school.signed_in).contacts
    contacts[0] = contacts[0].updated(name=(MARKERS[2] + " ") * 300, phone="01632 960000", email="")
    settings.set_contacts(school.signed_in, contacts)


def _all_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DatabaseFiles(path).all_existing()}


def _assert_no_marker(files: dict[str, bytes]) -> None:
    for name, content in files.items():
        for marker in MARKERS:
            for encoding in ("utf-8", "utf-16-le"):
                assert marker.encode(encoding) not in content, f"{marker} readable in {name}"


def test_markers_appear_in_no_file_while_open_or_after_closing(school: School) -> None:
    _write_markers(school)
    open_files = _all_bytes(school.path)
    assert "school.db-wal" in open_files and len(open_files["school.db-wal"]) > 0
    _assert_no_marker(open_files)
    school.signed_in.sign_out()
    _assert_no_marker(_all_bytes(school.path))


def test_the_standard_sqlite_library_cannot_read_the_database(school: School) -> None:
    _write_markers(school)
    school.signed_in.sign_out()
    assert not school.path.read_bytes().startswith(b"SQLite format 3")
    connection = sqlite3.connect(f"file:{school.path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        connection.execute("SELECT name FROM sqlite_master").fetchall()
    connection.close()


def test_a_copy_on_a_new_pc_needs_the_recovery_key(school: School, tmp_path: Path) -> None:
    _write_markers(school)
    school.signed_in.sign_out()
    stolen = tmp_path / "usb-stick"
    stolen.mkdir()
    files = DatabaseFiles(school.path)
    shutil.copy(files.database, stolen / "school.db")
    shutil.copy(files.key_slots, stolen / "school.db.keys")
    new_pc()
    with pytest.raises(DeviceSecretMissing):
        sign_in(stolen / "school.db", "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    with pytest.raises(DeviceSecretMissing):
        sign_in(stolen / "school.db", "deputy", "Granite-Willow-Parcel-19", DeviceSecretStore())
    opened = sign_in_with_recovery_key(
        stolen / "school.db",
        recovery_key=school.recovery_key,
        username="jo.dsl",
        new_password="Copper-Lagoon-Pebble-08",
        device_secrets=DeviceSecretStore(),
    )
    assert settings.school_settings(opened).school_name == MARKERS[0]
    assert settings.school_settings(opened).contacts[0].name.startswith(MARKERS[2])
    assert audit_entries(opened)[0].action == "account.password_set_with_recovery_key"
    opened.sign_out()
