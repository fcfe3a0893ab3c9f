"""The headteacher as an attacker: an account holder with their own password on the office PC,
the app's own code and raw ``sqlcipher3``, trying to get more than their role gives them by
editing the key file and the database directly. Each attack fails with a sentence, or is
named by ``verify``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlcipher3

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import KeyFileAltered, UnknownAccount, WrongPassword, WrongRecoveryKey
from esafety_desktop.services import accounts
from esafety_desktop.services.access import sign_in, sign_in_with_recovery_key
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.services.school_keys import Unlocked, open_password_slot
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.key_file import KeySlotFile, recipient_of
from esafety_desktop.storage.keypairs import PrivateKeys
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head

MALLORY_PASSWORD = "Mallory-Forged-Slot-77"


def _as_head(school: School) -> Unlocked:
    """What the headteacher gets from the key file with their own password and the app's code."""
    key_file = KeySlotFile.load(DatabaseFiles(school.path).key_slots)
    return open_password_slot(key_file, "p.head", HEAD_PASSWORD, DeviceSecretStore())


def _raw(school: School, data_key: bytearray) -> sqlcipher3.dbapi2.Connection:
    connection = sqlcipher3.dbapi2.connect(str(school.path))
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = \"x'{bytes(data_key).hex()}'\"")
    return connection


def test_a_forged_slot_for_a_new_dsl_account_is_refused_and_named(school: School) -> None:
    add_head(school)
    head = _as_head(school)
    # Mallory: a slot and a wrapped data key, made exactly as the app makes them.
    key_file = head.key_slots
    mallory = PrivateKeys.new()
    key_file.put_account(
        keyslots.seal_account_keys(
            mallory,
            database_id=key_file.database_id,
            account="mallory",
            password=MALLORY_PASSWORD,
            device_secret=DeviceSecretStore().get(),
        )
    )
    key_file.wrap_data_key(head.data_key, recipient_of("mallory"), mallory.public)
    connection = _raw(school, head.data_key)
    connection.execute(
        "INSERT INTO account (username, display_name, role, created_at) "
        "VALUES ('mallory', 'Mallory', 'dsl', '2026-12-01 09:00:00')"
    )
    connection.commit()
    connection.close()
    key_file.save()

    with pytest.raises(KeyFileAltered, match="mallory is not on its signed list of accounts"):
        sign_in(school.path, "mallory", MALLORY_PASSWORD, DeviceSecretStore())
    report = verify_open_database(school.signed_in)
    assert any("mallory" in p and "not on the signed" in p for p in report.problems), report


def test_a_roster_change_signed_by_the_head_stops_every_sign_in_and_says_why(
    school: School,
) -> None:
    add_head(school)
    head = _as_head(school)
    assert head.keys is not None
    # The headteacher signs a change of their own role with their own keys.
    entries = head.key_slots.signed.entries
    last = entries[-1]
    from dataclasses import replace

    forged = replace(
        last,
        sequence=last.sequence + 1,
        previous=last.hash(head.key_slots.database_id),
        change="role_changed",
        signed_by="p.head",
        account="p.head",
        role="dsl",
        keys=None,
    )
    forged = replace(
        forged, signature=head.keys.sign(forged.signed_message(head.key_slots.database_id))
    )
    entries.append(forged)
    head.key_slots.save()
    with pytest.raises(KeyFileAltered, match=r"signed by p\.head, who may not sign it"):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    with pytest.raises(KeyFileAltered):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())


def test_editing_the_role_in_the_key_file_breaks_its_signature(school: School) -> None:
    add_head(school)
    path = DatabaseFiles(school.path).key_slots
    raw = json.loads(path.read_text())
    [entry] = [e for e in raw["roster"] if e["account"] == "p.head"]
    entry["role"] = "dsl"
    path.write_text(json.dumps(raw))
    with pytest.raises(KeyFileAltered, match=r"its signature does not match jo\.dsl's key"):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())


def test_promoting_oneself_in_the_database_gives_no_more_than_the_roster_and_is_named(
    school: School,
) -> None:
    add_head(school)
    head = _as_head(school)
    connection = _raw(school, head.data_key)
    connection.execute("UPDATE account SET role = 'dsl' WHERE username = 'p.head'")
    connection.commit()
    connection.close()
    signed_in = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    assert signed_in.account.role is Role.HEADTEACHER
    with pytest.raises(Exception, match="cannot add, change or remove accounts"):
        accounts.list_accounts(signed_in)
    signed_in.sign_out()
    report = verify_open_database(school.signed_in)
    assert any("p.head" in p and "role" in p for p in report.problems), report


def test_after_removing_an_account_its_older_key_file_and_password_open_nothing_current(
    school: School, tmp_path: Path
) -> None:
    add_head(school)
    files = DatabaseFiles(school.path)
    kept = tmp_path / "kept-by-the-head.keys"
    shutil.copy(files.key_slots, kept)  # taken while the head still had an account
    accounts.remove_account(school.signed_in, username="p.head")
    assert accounts.school_key_change_due(school.signed_in) is None

    with pytest.raises(UnknownAccount):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    # The older key file still gives the old data key, which opens no current page.
    old = open_password_slot(KeySlotFile.load(kept), "p.head", HEAD_PASSWORD, DeviceSecretStore())
    connection = _raw(school, old.data_key)
    with pytest.raises(sqlcipher3.dbapi2.DatabaseError, match="file is not a database"):
        connection.execute("SELECT count(*) FROM incident").fetchone()
    connection.close()
    # ... and put back in place, it is refused as it should be.
    shutil.copy(kept, files.key_slots)
    with pytest.raises(Exception, match="does not match its key file"):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())


def test_an_old_recovery_sheet_opens_nothing_current_once_replaced(
    school: School, tmp_path: Path
) -> None:
    files = DatabaseFiles(school.path)
    kept = tmp_path / "older.keys"
    shutil.copy(files.key_slots, kept)
    new_key = accounts.replace_recovery_key(school.signed_in)
    with pytest.raises(WrongRecoveryKey):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=school.recovery_key,
            username="jo.dsl",
            new_password="Another-Long-Password-93",
            device_secrets=DeviceSecretStore(),
        )
    from esafety_desktop.services.school_keys import open_with_recovery

    old = open_with_recovery(KeySlotFile.load(kept), school.recovery_key, "no")
    connection = _raw(school, old.data_key)
    with pytest.raises(sqlcipher3.dbapi2.DatabaseError, match="file is not a database"):
        connection.execute("SELECT count(*) FROM incident").fetchone()
    connection.close()
    school.signed_in.sign_out()
    again = sign_in_with_recovery_key(
        school.path,
        recovery_key=new_key,
        username="jo.dsl",
        new_password="Another-Long-Password-93",
        device_secrets=DeviceSecretStore(),
    )
    again.sign_out()


def test_an_old_password_with_an_older_key_file_opens_nothing_after_a_key_change(
    school: School, tmp_path: Path
) -> None:
    add_head(school)
    files = DatabaseFiles(school.path)
    kept = tmp_path / "older.keys"
    shutil.copy(files.key_slots, kept)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    accounts.change_own_password(
        head, current_password=HEAD_PASSWORD, new_password="Granite-Newer-Parcel-88"
    )
    head.sign_out()
    with pytest.raises(WrongPassword):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    accounts.change_school_key(school.signed_in, "a password may have been seen")
    old = open_password_slot(KeySlotFile.load(kept), "p.head", HEAD_PASSWORD, DeviceSecretStore())
    connection = _raw(school, old.data_key)
    with pytest.raises(sqlcipher3.dbapi2.DatabaseError, match="file is not a database"):
        connection.execute("SELECT count(*) FROM incident").fetchone()
    connection.close()
    # Everyone else still signs in, with the records as they were.
    head = sign_in(school.path, "p.head", "Granite-Newer-Parcel-88", DeviceSecretStore())
    head.sign_out()
    assert verify_open_database(school.signed_in).sound


def test_an_older_pair_of_files_put_back_is_refused_on_this_pc(
    school: School, tmp_path: Path
) -> None:
    from esafety_desktop.errors import DatabaseOlderThanLastUsed
    from esafety_desktop.services import incidents
    from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

    files = DatabaseFiles(school.path)
    school.signed_in.sign_out()
    older = tmp_path / "older"
    older.mkdir()
    for path in (files.database, files.key_slots):
        shutil.copy(path, older / path.name)
    again = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    school.signed_in = again
    incidents.record_incident(
        again, _new(_pupil(school), NUDES_REFERRED, summary="Recorded after the copy was taken")
    )
    from esafety_desktop.services import backups

    backups.back_up(again, backups.BY_HAND)
    again.sign_out()
    for path in (files.database, files.key_slots):
        shutil.copy(older / path.name, path)  # the head puts the older pair back
    with pytest.raises(DatabaseOlderThanLastUsed, match="older than the ones last used on this PC"):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    # Put back on purpose: the recovery key goes on with it, and says so in the log.
    accepted = sign_in_with_recovery_key(
        school.path,
        recovery_key=school.recovery_key,
        username="jo.dsl",
        new_password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    school.signed_in = accepted
    assert incidents.list_incidents(accepted) == []
    # verify compares with the newest backup, which holds more of the log
    problems = verify_open_database(accepted).problems
    assert any("it is older than its own backup" in p for p in problems), problems


def test_a_recovery_key_of_ones_own_slipped_into_a_self_signed_change_is_refused(
    school: School,
) -> None:
    """Found in review: an account renewing its own keys (which it may sign alone) carried a
    recovery key of its choosing, then signed itself DSL "as the recovery key"."""
    from dataclasses import replace

    add_head(school)
    head = _as_head(school)
    assert head.keys is not None
    roster = head.key_slots.signed
    database_id = head.key_slots.database_id
    mine = PrivateKeys.new()

    def append(**fields: object) -> None:
        last = roster.entries[-1]
        entry = replace(
            last,
            sequence=last.sequence + 1,
            previous=last.hash(database_id),
            recovery_signature=None,
            **fields,  # type: ignore[arg-type]
        )
        signer = head.keys if entry.signed_by == "p.head" else mine
        assert signer is not None
        roster.entries.append(
            replace(entry, signature=signer.sign(entry.signed_message(database_id)))
        )

    append(
        change="keys_renewed",
        signed_by="p.head",
        account="p.head",
        role=None,
        keys=head.keys.public,
        recovery=mine.public,
    )
    append(
        change="role_changed",
        signed_by="recovery key",
        account="p.head",
        role="dsl",
        keys=None,
        recovery=None,
    )
    head.key_slots.save()
    with pytest.raises(KeyFileAltered, match="carries a recovery key"):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
