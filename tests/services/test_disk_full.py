"""A really full disk (a small tmpfs filled to the last byte): saves fail cleanly, nothing
that was saved is lost, and everything works again once space is freed."""

from __future__ import annotations

import pytest

from esafety_desktop.errors import DiskFull
from esafety_desktop.services import backups, incidents
from esafety_desktop.services.access import SignedIn, create_school
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.storage.backup import PARTIAL_PREFIX, BackupProblem, find_backups
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import DSL_PASSWORD, School, SmallDisk
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil


def school_on(disk: SmallDisk) -> School:
    made = create_school(
        disk.path / "school.db",
        school_name="Full Disk Primary (invented)",
        username="jo.dsl",
        display_name="Jo Bloggs",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    return School(path=disk.path / "school.db", signed_in=made.signed_in, recovery_key="")


def shrink_journal(signed_in: SignedIn) -> None:
    """Fold the write-ahead log back into the database, so the next save needs new space."""
    with signed_in.database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def test_a_save_on_a_full_disk_fails_cleanly_and_works_once_space_is_freed(
    small_disk: SmallDisk,
) -> None:
    school = school_on(small_disk)
    me = school.signed_in
    amy = _pupil(school)
    incidents.record_incident(
        me, _new(amy, NUDES_REFERRED, summary="Saved before the disk filled.")
    )
    shrink_journal(me)
    small_disk.fill()

    with pytest.raises(DiskFull, match="Nothing was lost"):
        incidents.record_incident(me, _new(amy, NUDES_REFERRED, summary="Typed on a full disk."))
    with pytest.raises(BackupProblem, match="is full, so no backup was made"):
        backups.back_up(me, backups.BY_HAND)
    root = backups.local_root(school.path)
    assert find_backups(root) == []
    assert not [p for p in root.iterdir() if p.name.startswith(PARTIAL_PREFIX)]
    assert [c.summary for c in incidents.list_incidents(me)] == ["Saved before the disk filled."]

    small_disk.free()
    incidents.record_incident(me, _new(amy, NUDES_REFERRED, summary="Typed on a full disk."))
    assert backups.back_up(me, backups.BY_HAND).backup.damaged_files() == []
    assert sorted(c.summary for c in incidents.list_incidents(me)) == [
        "Saved before the disk filled.",
        "Typed on a full disk.",
    ]
    assert verify_open_database(me).sound
    me.sign_out()


def test_a_full_second_location_does_not_stop_the_backup_here(
    school: School, small_disk: SmallDisk
) -> None:
    backups.set_second_location(school.signed_in, small_disk.path)
    small_disk.fill()
    run = backups.back_up(school.signed_in, backups.SIGN_OUT)
    assert run.backup.damaged_files() == [] and run.second is None
    assert "is full" in (run.second_problem or "")
    small_disk.free()
    assert backups.back_up(school.signed_in, backups.SIGN_OUT).second is not None
