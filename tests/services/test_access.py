"""Creating a school, signing in, the wrong password, a new PC and the recovery key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from esafety_desktop.errors import (
    DatabaseDamaged,
    DatabaseExists,
    DeviceSecretMissing,
    InvalidInput,
    KeyFileProblem,
    KeyringUnavailable,
    NotOurDatabase,
    UnknownAccount,
    WrongPassword,
    WrongRecoveryKey,
)
from esafety_desktop.services.access import (
    create_school,
    sign_in,
    sign_in_with_recovery_key,
)
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.key_file import accounts_on_file
from esafety_desktop.services.settings import school_settings
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import DSL_PASSWORD, SCHOOL_NAME, School, new_pc

NEW_PASSWORD = "Quill-Harbour-Meadow-77"


def _snapshot(path: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in DatabaseFiles(path).all_existing()
        if not p.name.endswith(".attempts")
    }


def _another_school(tmp_path: Path) -> str:
    """A second school (same DSL account name) in ``tmp_path/other``; returns its recovery key."""
    (tmp_path / "other").mkdir()
    other = create_school(
        tmp_path / "other" / "school.db",
        school_name="Other School",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    other.signed_in.sign_out()
    return other.recovery_key


def test_a_new_school_is_signed_in_as_its_first_dsl(school: School) -> None:
    me = school.signed_in.account
    assert (me.username, me.display_name, me.role.label) == (
        "jo.dsl",
        "Jo Bloggs",
        "Designated Safeguarding Lead",
    )
    assert school_settings(school.signed_in).school_name == SCHOOL_NAME
    actions = [e.action for e in audit_entries(school.signed_in)]
    assert actions == ["recovery_key.created", "account.created", "school.created"]
    assert accounts_on_file(school.path) == ["jo.dsl"]


def test_signing_in_and_out_is_recorded(school: School) -> None:
    school.signed_in.sign_out()
    again = sign_in(school.path, "JO.DSL", DSL_PASSWORD, DeviceSecretStore())
    assert again.account.display_name == "Jo Bloggs"
    assert [e.action for e in audit_entries(again)][:2] == ["sign_in", "sign_out"]
    again.sign_out()


def test_a_wrong_password_changes_no_byte_and_is_recorded_at_the_next_sign_in(
    school: School,
) -> None:
    school.signed_in.sign_out()
    before = _snapshot(school.path)
    with pytest.raises(WrongPassword, match=r"Wrong password for jo\.dsl"):
        sign_in(school.path, "jo.dsl", "Kettle-Orchard-Lantern-43", DeviceSecretStore())
    assert _snapshot(school.path) == before
    again = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    failed = [e for e in audit_entries(again) if e.action == "sign_in.failed"]
    assert len(failed) == 1
    assert failed[0].actor_name == "jo.dsl"
    assert failed[0].details["reason"] == "wrong password"
    assert not DatabaseFiles(school.path).sign_in_attempts.exists()
    again.sign_out()


def test_an_unknown_account_lists_the_real_ones(school: School) -> None:
    with pytest.raises(UnknownAccount, match=r"The accounts are: jo\.dsl"):
        sign_in(school.path, "sam", DSL_PASSWORD, DeviceSecretStore())


def test_on_a_new_pc_the_password_alone_fails_and_the_recovery_key_opens_it(school: School) -> None:
    school.signed_in.sign_out()
    new_pc()
    with pytest.raises(DeviceSecretMissing, match="set up on another computer"):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    recovered = sign_in_with_recovery_key(
        school.path,
        recovery_key=school.recovery_key.lower().replace("-", " "),
        username="jo.dsl",
        new_password=NEW_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    actions = [e.action for e in audit_entries(recovered)]
    assert actions[:2] == ["account.password_set_with_recovery_key", "sign_in.recovery_key"]
    recovered.sign_out()
    sign_in(school.path, "jo.dsl", NEW_PASSWORD, DeviceSecretStore()).sign_out()
    with pytest.raises(WrongPassword):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())


def test_a_mistyped_or_foreign_recovery_key_is_told_apart(school: School, tmp_path: Path) -> None:
    school.signed_in.sign_out()
    other_key = _another_school(tmp_path)
    typo = ("Z" if school.recovery_key[0] != "Z" else "Y") + school.recovery_key[1:]
    before = _snapshot(school.path)
    with pytest.raises(WrongRecoveryKey, match="typing mistake"):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=typo,
            username="jo.dsl",
            new_password=NEW_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    with pytest.raises(WrongRecoveryKey, match="belongs to a different school database"):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=other_key,
            username="jo.dsl",
            new_password=NEW_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    assert _snapshot(school.path) == before


def test_recovery_refuses_a_weak_new_password_and_changes_nothing(school: School) -> None:
    school.signed_in.sign_out()
    before = DatabaseFiles(school.path).key_slots.read_bytes()
    with pytest.raises(InvalidInput, match="at least 12"):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=school.recovery_key,
            username="jo.dsl",
            new_password="short",
            device_secrets=DeviceSecretStore(),
        )
    assert DatabaseFiles(school.path).key_slots.read_bytes() == before


def test_no_keyring_is_a_clear_error_and_password_only_is_an_audited_choice(tmp_path: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailable, match="no secure password store"):
        create_school(
            tmp_path / "school.db",
            school_name="X School",
            username="jo.dsl",
            display_name="Jo",
            password=DSL_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    assert list(tmp_path.iterdir()) == []
    new = create_school(
        tmp_path / "school.db",
        school_name="X School",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
        password_only=True,
    )
    assert "security.password_only_chosen" in [e.action for e in audit_entries(new.signed_in)]
    assert school_settings(new.signed_in).password_only
    new.signed_in.sign_out()
    sign_in(tmp_path / "school.db", "jo.dsl", DSL_PASSWORD, DeviceSecretStore()).sign_out()


def test_a_keyring_backed_database_on_a_pc_without_keyring_says_so(school: School) -> None:
    school.signed_in.sign_out()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailable):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "school.db"
    path.write_bytes(b"precious")
    with pytest.raises(DatabaseExists, match="never overwrites"):
        create_school(
            path,
            school_name="X",
            username="jo.dsl",
            display_name="Jo",
            password=DSL_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["school.db"]


def test_a_file_that_is_not_a_database_is_reported_and_left_alone(school: School) -> None:
    school.signed_in.sign_out()
    junk = b"This is a spreadsheet, not a database." * 200
    school.path.write_bytes(junk)
    with pytest.raises(NotOurDatabase, match="replaced by another file"):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert school.path.read_bytes() == junk


def test_a_damaged_first_page_is_reported_as_damage_and_left_alone(school: School) -> None:
    school.signed_in.sign_out()
    with school.path.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00\x01\x02\x03")
    before = school.path.read_bytes()
    with pytest.raises(DatabaseDamaged, match="is damaged"):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert school.path.read_bytes() == before


def test_a_key_file_from_another_database_is_refused(school: School, tmp_path: Path) -> None:
    school.signed_in.sign_out()
    _another_school(tmp_path)
    files, foreign = DatabaseFiles(school.path), DatabaseFiles(tmp_path / "other" / "school.db")
    files.key_slots.write_bytes(foreign.key_slots.read_bytes())
    before = school.path.read_bytes()
    with pytest.raises(NotOurDatabase, match="key file belongs to a different school database"):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert school.path.read_bytes() == before


def test_a_missing_database_or_key_file_is_explained(school: School, tmp_path: Path) -> None:
    school.signed_in.sign_out()
    with pytest.raises(KeyFileProblem, match="There is no school database"):
        sign_in(tmp_path / "nowhere.db", "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    DatabaseFiles(school.path).key_slots.rename(tmp_path / "elsewhere.keys")
    with pytest.raises(KeyFileProblem, match="is missing"):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())


def test_a_session_stamps_rows_by_its_clock_and_the_audit_log_by_the_real_time(
    school: School,
) -> None:
    from esafety_desktop.services.incidents import my_drafts, save_draft

    school.clock.set(datetime(2025, 3, 4, 15, 30, tzinfo=UTC))
    before = datetime.now(UTC)
    save_draft(school.signed_in, None, "Amy's case", {"summary": "Written up late."})
    assert [d.updated_at for d in my_drafts(school.signed_in)] == [datetime(2025, 3, 4, 15, 30)]
    started = audit_entries(school.signed_in, action="incident.draft_started")[0]
    assert before <= started.occurred_at <= datetime.now(UTC)
    school.signed_in.sign_out()
    again = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore(), school.clock)
    assert again.clock is school.clock
    again.sign_out()
