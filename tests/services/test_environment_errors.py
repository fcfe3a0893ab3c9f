"""A full disk or a database locked by another program: a clear message, and nothing lost."""

from __future__ import annotations

import errno

import pytest
import sqlcipher3

from esafety_desktop.errors import DatabaseBusy, DiskFull
from esafety_desktop.services import accounts, settings
from esafety_desktop.services.access import sign_in, unlock
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.checks import verify_database
from esafety_desktop.services.key_file import accounts_on_file
from esafety_desktop.storage import engine as engine_module
from esafety_desktop.storage import files as files_module
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import School, add_head


def _disk_full(*_args: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_stops_a_new_account_cleanly(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = DatabaseFiles(school.path).key_slots
    before = keys.read_bytes()
    entries_before = len(audit_entries(school.signed_in))
    with monkeypatch.context() as patch:
        patch.setattr(files_module.os, "write", _disk_full)
        with pytest.raises(DiskFull, match="disk is full"):
            add_head(school)
    assert keys.read_bytes() == before
    assert [p.name for p in keys.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert accounts_on_file(school.path) == ["jo.dsl"]
    assert [a.username for a in accounts.list_accounts(school.signed_in)] == ["jo.dsl"]
    assert len(audit_entries(school.signed_in)) == entries_before
    # Once there is space again the same action works.
    add_head(school)
    assert accounts_on_file(school.path) == ["jo.dsl", "p.head"]


def test_a_change_saved_when_only_the_anchor_could_not_be_written_stands(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(files_module.os, "write", _disk_full)
        settings.rename_school(school.signed_in, "Rowan School")
    assert settings.school_settings(school.signed_in).school_name == "Rowan School"
    school.signed_in.database.close()
    report = verify_database(school.path, school.username, school.password, DeviceSecretStore())
    assert report.sound, report.problems


def test_a_database_locked_by_another_program_is_explained(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    school.signed_in.sign_out()
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_SECONDS", 0.1)
    me = sign_in(school.path, school.username, school.password, DeviceSecretStore())
    key = unlock(
        DatabaseFiles(school.path), school.username, school.password, DeviceSecretStore()
    ).data_key
    other_program = sqlcipher3.connect(str(school.path), isolation_level=None)
    other_program.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
    other_program.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="another program on this PC is writing"):
            settings.rename_school(me, "Rowan School")
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    assert settings.school_settings(me).school_name != "Rowan School"
    settings.rename_school(me, "Rowan School")
    assert settings.school_settings(me).school_name == "Rowan School"
    me.sign_out()
