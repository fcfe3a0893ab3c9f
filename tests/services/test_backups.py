"""Backups, the schedule, the second location and restoring, on real encrypted files."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from esafety_desktop.errors import (
    DatabaseDamaged,
    DatabaseExists,
    DeviceSecretMissing,
    NotAllowed,
    WorkStopped,
    WrongRecoveryKey,
)
from esafety_desktop.services import backups, incidents, restoring
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.storage.backup import (
    MANIFEST,
    Backup,
    BackupProblem,
    find_backups,
    sha256_of,
    write_backup,
)
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.migrate import head_revision
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head, damage_a_page, new_pc
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

NEW_PASSWORD = "Copper-Lagoon-Pebble-08"


@pytest.fixture
def usb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the data folder, standing in for a USB stick."""
    return tmp_path_factory.mktemp("usb")


def _case(school: School, summary: str) -> int:
    person = _pupil(school)
    return incidents.record_incident(
        school.signed_in, _new(person, NUDES_REFERRED, summary=summary)
    ).id


def _summaries(signed_in: object) -> list[str]:
    return sorted(r.summary for r in incidents.list_incidents(signed_in))  # type: ignore[arg-type]


def _make_unsigned(folder: Path, **changes: object) -> None:
    """The manifest as versions before signing wrote it: version 1, no ``mac``, all three
    counts in the clear."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest.pop("mac", None)
    manifest.update(version=1, counts={**manifest["counts"], "accounts": 1}, **changes)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _tree_bytes(folder: Path) -> dict[str, str]:
    return {p.name: sha256_of(p) for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_backup_is_a_verified_encrypted_copy_with_its_key_file(school: School) -> None:
    _case(school, "Amy was asked for photos by an older boy online.")
    run = backups.back_up(school.signed_in, backups.BY_HAND)
    folder = run.backup.folder
    assert folder.parent == school.path.parent / "eSafety Desktop backups"
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "school.db", "school.db.keys"]
    # in the clear only what the restore chooser shows; the manifest is signed
    assert run.backup.counts == {"cases": 1, "people": 1}
    assert run.backup.kind == "by hand" and run.backup.layout == head_revision()
    assert run.backup.signed
    assert run.backup.signature_holds(school.signed_in.database.data_key_copy())
    # encrypted: no text of the case, no SQLite header; private to this user
    raw = (folder / "school.db").read_bytes()
    assert b"older boy" not in raw and not raw.startswith(b"SQLite format 3")
    assert b"older boy" not in (folder / MANIFEST).read_bytes()
    if os.name == "posix":
        assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o600"}
    assert run.backup.damaged_files() == []
    # audited
    [made] = audit_entries(school.signed_in, action="backup.made")
    assert made.details["folder"] == folder.name
    assert made.details["second_location"] == "not set"


def test_restore_on_this_pc_sets_the_current_database_aside_and_brings_back_the_backup(
    school: School,
) -> None:
    _case(school, "Before the backup: Amy was asked for photos.")
    run = backups.back_up(school.signed_in, backups.SIGN_OUT)
    _case(school, "After the backup: a second concern.")
    school.signed_in.sign_out()
    before = _tree_bytes(school.path.parent)

    opened = restoring.open_backup(
        run.backup, username="jo.dsl", password=DSL_PASSWORD, device_secrets=DeviceSecretStore()
    )
    assert opened.check.counts["cases"] == 1 and not opened.by_recovery_key
    restored = restoring.restore(
        opened,
        school.path,
        username="jo.dsl",
        new_password=None,
        device_secrets=DeviceSecretStore(),
        replace_existing=True,
    )
    opened.close()
    signed_in = restored.signed_in
    assert _summaries(signed_in) == ["Before the backup: Amy was asked for photos."]
    [restored_from] = audit_entries(signed_in, action="database.restored_from")
    assert restored_from.details["opened_with"] == "password"
    signed_in.sign_out()
    # the replaced database is kept whole, byte for byte, in a folder of its own
    assert restored.set_aside is not None and restored.set_aside.parent == school.path.parent
    kept = _tree_bytes(restored.set_aside)
    assert kept == {name: digest for name, digest in before.items() if name in kept}
    assert kept["school.db"] == before["school.db"]
    # and still opens, with both cases
    aside = sign_in(restored.set_aside / "school.db", "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert len(_summaries(aside)) == 2
    aside.sign_out()
    # the usual password still opens the restored database
    sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore()).sign_out()


def test_restore_on_a_new_pc_with_the_recovery_key_and_a_new_password(
    school: School, tmp_path: Path, usb: Path
) -> None:
    _case(school, "Amy was asked for photos by an older boy online.")
    backups.set_second_location(school.signed_in, usb)
    run = backups.back_up(school.signed_in, backups.SIGN_OUT)
    assert run.second is not None and run.second.folder.parent == usb / "eSafety Desktop backups"
    school.signed_in.sign_out()
    shutil.rmtree(school.path.parent / "eSafety Desktop backups")  # the office PC is gone

    new_pc()
    found = backups.backups_in(usb)
    assert [b.folder for b in found] == [run.second.folder]
    with pytest.raises(DeviceSecretMissing):  # a new PC: the password alone cannot open it
        restoring.open_backup(
            found[0], username="jo.dsl", password="x", device_secrets=DeviceSecretStore()
        )
    with pytest.raises(WrongRecoveryKey):
        restoring.open_backup(
            found[0], recovery_key="AAAAA-" * 8 + "AAAA", device_secrets=DeviceSecretStore()
        )
    opened = restoring.open_backup(
        found[0], recovery_key=school.recovery_key, device_secrets=DeviceSecretStore()
    )
    assert opened.accounts == ["jo.dsl"] and opened.by_recovery_key
    target = tmp_path / "new-pc" / "school.db"
    with pytest.raises(Exception, match="new password"):
        restoring.restore(
            opened, target, username="jo.dsl", new_password=None, device_secrets=DeviceSecretStore()
        )
    restored = restoring.restore(
        opened,
        target,
        username="jo.dsl",
        new_password=NEW_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    assert restored.set_aside is None
    restored.signed_in.sign_out()
    again = sign_in(target, "jo.dsl", NEW_PASSWORD, DeviceSecretStore())
    assert _summaries(again) == ["Amy was asked for photos by an older boy online."]
    again.sign_out()
    # the backup itself was only read
    assert run.second.damaged_files() == []


def test_a_restore_never_overwrites_unless_asked_to_set_the_database_aside(
    school: School, tmp_path: Path
) -> None:
    run = backups.back_up(school.signed_in, backups.BY_HAND)
    opened = restoring.open_backup(
        run.backup, username="jo.dsl", password=DSL_PASSWORD, device_secrets=DeviceSecretStore()
    )
    with pytest.raises(DatabaseExists):
        restoring.restore(
            opened,
            school.path,
            username="jo.dsl",
            new_password=None,
            device_secrets=DeviceSecretStore(),
        )
    opened.close()


def test_a_headteacher_cannot_restore_and_a_changed_backup_is_refused(school: School) -> None:
    add_head(school)
    run = backups.back_up(school.signed_in, backups.BY_HAND)
    with pytest.raises(NotAllowed, match="restore"):
        restoring.open_backup(
            run.backup,
            username="p.head",
            password=HEAD_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    # one byte of the copy changed after it was written
    copy = run.backup.database
    data = bytearray(copy.read_bytes())
    data[5000] ^= 0x40
    copy.write_bytes(bytes(data))
    with pytest.raises(BackupProblem, match="has changed since it was made"):
        restoring.open_backup(
            run.backup, username="jo.dsl", password=DSL_PASSWORD, device_secrets=DeviceSecretStore()
        )
    # ... even when someone also rewrote the manifest's checksum to match: its signature
    # no longer holds
    manifest = json.loads((run.backup.folder / MANIFEST).read_text())
    manifest["files"]["school.db"] = sha256_of(copy)
    (run.backup.folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupProblem, match="changed after the backup was made"):
        restoring.open_backup(
            Backup.read(run.backup.folder),
            username="jo.dsl",
            password=DSL_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    # ... and, for a backup made before manifests were signed, by the copy's own check
    _make_unsigned(run.backup.folder)
    with pytest.raises(BackupProblem, match="failed its check"):
        restoring.open_backup(
            Backup.read(run.backup.folder),
            username="jo.dsl",
            password=DSL_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )


def test_the_second_location_missing_or_stale_is_reported(school: School, usb: Path) -> None:
    now = datetime.now(UTC)
    status = backups.backup_status(school.signed_in)
    assert "No second backup location" in (status.second_location_warning(now) or "")
    assert status.daily_due(now)
    backups.set_second_location(school.signed_in, usb)
    assert "no backup in the second location" in (
        backups.backup_status(school.signed_in).second_location_warning(now) or ""
    )
    backups.back_up(school.signed_in, backups.DAILY)
    status = backups.backup_status(school.signed_in)
    assert status.second_location_warning(now) is None and not status.daily_due(now)
    assert "8 days ago" in (status.second_location_warning(now + timedelta(days=8)) or "")
    assert status.daily_due(now + timedelta(hours=25))
    # the stick is unplugged: the backup still happens here, the run and the audit say why
    shutil.rmtree(usb)
    run = backups.back_up(school.signed_in, backups.SIGN_OUT)
    assert run.backup.damaged_files() == [] and run.second is None
    assert "is not there" in (run.second_problem or "")
    assert "is not there" in (
        backups.backup_status(school.signed_in).second_location_warning(now) or ""
    )
    last = audit_entries(school.signed_in, action="backup.made")[0]  # newest first
    assert "is not there" in last.details["second_location"]


def test_the_second_location_cannot_be_inside_the_data_folder(school: School) -> None:
    with pytest.raises(Exception, match="somewhere other than the data folder"):
        backups.set_second_location(school.signed_in, school.path.parent / "copies")


def test_old_backups_are_thinned_to_the_schedule(school: School) -> None:
    root = backups.local_root(school.path)
    start = datetime(2026, 1, 1, 16, 0, tzinfo=UTC)
    for day in range(120):  # two a day for four months
        for hour in (0, 2):
            write_backup(
                school.signed_in.database,
                root,
                kind=backups.SIGN_OUT,
                now=start + timedelta(days=day, hours=hour),
            )
    removed = backups._prune(root, school.signed_in.database.database_id)
    kept = find_backups(root)
    assert removed == 240 - len(kept)
    days = sorted({b.made_at.astimezone().date() for b in kept}, reverse=True)
    # 7 daily + the newest of older weeks and months, never two from one day
    assert len(kept) == len(days)
    assert 7 + 3 <= len(kept) <= 7 + 4 + 12
    newest = start + timedelta(days=119, hours=2)
    assert kept[0].made_at == newest


def test_a_database_that_fails_its_check_is_not_written_and_the_newest_good_backup_is_offered(
    school: School,
) -> None:
    _case(school, "Amy was asked for photos by an older boy online.")
    run = backups.back_up(school.signed_in, backups.SIGN_OUT)
    school.signed_in.sign_out()
    files = DatabaseFiles(school.path)
    damage_a_page(files.database)
    before = sha256_of(files.database), sha256_of(files.key_slots)
    with pytest.raises(DatabaseDamaged):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert (sha256_of(files.database), sha256_of(files.key_slots)) == before
    assert not files.sign_in_attempts.exists()
    newest = backups.newest_good_backup(school.path)
    assert newest is not None and newest.folder == run.backup.folder


def test_opening_an_older_database_backs_it_up_before_the_upgrade(tmp_path: Path) -> None:
    from esafety_desktop.storage.database import SchoolDatabase
    from esafety_desktop.storage.key_file import KeySlotFile
    from esafety_desktop.storage.migrate import current_revision, head_revision
    from tests.storage.fixtures.make_schema_fixtures import FIXTURE_KEY, HERE

    path = tmp_path / "school.db"
    shutil.copy(HERE / "schema_0005.db", path)
    files = DatabaseFiles(path)
    slots = KeySlotFile(path=files.key_slots, database_id="fixture-0001")
    database = SchoolDatabase.open(files, slots, bytearray(FIXTURE_KEY))
    assert current_revision(database.engine) == head_revision()
    database.close()
    [backup] = find_backups(backups.local_root(path))
    assert backup.kind == "before upgrade" and backup.layout == "0005"
    assert backup.counts == {"cases": 1, "people": 1}
    assert backup.signature_holds(bytearray(FIXTURE_KEY))
    assert backup.damaged_files() == []


def test_locking_stops_a_backup_at_a_safe_point(school: School, usb: Path) -> None:
    """Asked to stop before it starts, nothing is made; asked once the copy is made and
    checked, it is kept but not copied to the (slow) second location, and the log says so."""
    backups.set_second_location(school.signed_in, usb)
    with pytest.raises(WorkStopped, match="locked before it began"):
        backups.back_up(school.signed_in, backups.DAILY, stop=lambda: True)
    assert backups.backups_in(backups.local_root(school.path)) == []

    asked = iter([False, True])
    run = backups.back_up(school.signed_in, backups.DAILY, stop=lambda: next(asked))
    assert run.backup.damaged_files() == [] and run.second is None
    assert run.second_problem == "the program was locked before the copy was made"
    assert backups.backups_in(usb) == []
    made = audit_entries(school.signed_in)[0]
    assert made.action == "backup.made"
    assert "locked before the copy was made" in str(made.details)


def test_a_backup_made_before_manifests_were_signed_still_restores(school: School) -> None:
    """Listed, offered and restored as before, but marked unsigned and never offered ahead of
    a signed backup, even one older than it."""
    _case(school, "Amy was asked for photos by an older boy online.")
    signed = backups.back_up(school.signed_in, backups.BY_HAND).backup
    _case(school, "A second concern.")
    unsigned = backups.back_up(school.signed_in, backups.SIGN_OUT, prune=False).backup
    _make_unsigned(unsigned.folder)
    school.signed_in.sign_out()

    old = Backup.read(unsigned.folder)
    assert not old.signed and old.counts == {"cases": 2, "people": 2, "accounts": 1}
    listed = backups.backups_in(backups.local_root(school.path))
    assert [b.folder for b in listed] == [unsigned.folder, signed.folder]
    newest = backups.newest_good_backup(school.path)
    assert newest is not None and newest.folder == signed.folder
    shutil.rmtree(signed.folder)
    newest = backups.newest_good_backup(school.path)
    assert newest is not None and newest.folder == unsigned.folder

    opened = restoring.open_backup(
        old, username="jo.dsl", password=DSL_PASSWORD, device_secrets=DeviceSecretStore()
    )
    restored = restoring.restore(
        opened,
        school.path,
        username="jo.dsl",
        new_password=None,
        device_secrets=DeviceSecretStore(),
        replace_existing=True,
    )
    opened.close()
    assert len(_summaries(restored.signed_in)) == 2
    [restored_from] = audit_entries(restored.signed_in, action="database.restored_from")
    assert restored_from.details["manifest"] == "made before manifests were signed"
    restored.signed_in.sign_out()


def test_a_backup_copied_to_the_second_location_keeps_its_signature(
    school: School, usb: Path
) -> None:
    backups.set_second_location(school.signed_in, usb)
    run = backups.back_up(school.signed_in, backups.BY_HAND)
    assert run.second is not None and run.second.folder.parent == usb / "eSafety Desktop backups"
    key = school.signed_in.database.data_key_copy()
    assert run.second.signature_holds(key) and run.second.mac == run.backup.mac
    newest = backups.newest_good_backup(school.path, usb, data_key=key)
    assert newest is not None and newest.made_at == run.backup.made_at
