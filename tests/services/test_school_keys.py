"""Per-account keys: a school of the last release upgrades, account by account, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import InvalidInput, UnknownAccount, WrongRecoveryKey
from esafety_desktop.services import accounts
from esafety_desktop.services.access import sign_in, sign_in_with_recovery_key
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.key_file import KeySlotFile
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head
from tests.storage.fixtures.make_school_v1 import HERE, PASSWORDS, RECOVERY_FILE


@pytest.fixture
def old_school(tmp_path: Path) -> Path:
    """A copy of the committed school made by the last release (one key for everybody)."""
    for name in ("school.db", "school.db.keys"):
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path / "school.db"


def _keys(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(Path(f"{path}.keys").read_text())
    return loaded


def test_an_old_school_opens_as_it_did_until_a_dsl_signs_in_to_the_app(old_school: Path) -> None:
    head = sign_in(old_school, "fixture.head", PASSWORDS["fixture.head"], DeviceSecretStore())
    assert head.account.role is Role.HEADTEACHER and head.keys is None
    head.sign_out()
    assert _keys(old_school)["roster"] == []  # nothing upgraded by a headteacher's sign-in
    # The command line (a scheduled backup) never upgrades: nobody would see the new sheet.
    dsl = sign_in(old_school, "fixture.dsl", PASSWORDS["fixture.dsl"], DeviceSecretStore())
    assert dsl.keys is None and dsl.recovery_key_to_print is None
    with pytest.raises(InvalidInput, match="Sign in to the app once as a Designated"):
        add_head_to(dsl)
    dsl.sign_out()


def add_head_to(signed_in: object) -> None:
    accounts.add_account(
        signed_in,  # type: ignore[arg-type]
        username="p.head",
        display_name="Pat Head",
        role=Role.HEADTEACHER,
        password=HEAD_PASSWORD,
    )


def test_the_dsl_signing_in_upgrades_the_school_and_resets_the_others_passwords(
    old_school: Path,
) -> None:
    old_recovery = RECOVERY_FILE.read_text().strip()
    dsl = sign_in(
        old_school,
        "fixture.dsl",
        PASSWORDS["fixture.dsl"],
        DeviceSecretStore(),
        upgrade_keys=True,
    )
    new_recovery = dsl.recovery_key_to_print
    assert new_recovery is not None and new_recovery != old_recovery
    assert dsl.accounts_needing_passwords == ["fixture.deputy", "fixture.head"]
    assert dsl.keys is not None
    raw = _keys(old_school)
    assert raw["version"] == 2
    roster = raw["roster"]
    assert isinstance(roster, list)
    assert [(e["change"], e["account"], e["role"]) for e in roster] == [
        ("keys_upgraded", "fixture.dsl", "dsl")
    ]
    assert [a["account"] for a in raw["accounts"]] == ["fixture.dsl"]  # type: ignore[index]
    assert raw["legacy_slots"] == []  # no old slot is left to open the database
    assert verify_open_database(dsl).sound
    upgraded = [e for e in audit_entries(dsl) if e.action == "security.keys_upgraded"]
    assert upgraded[0].details == {
        "need_new_passwords": ["fixture.deputy", "fixture.head"],
        "new_recovery_key": True,
    }
    # The accounts list and the dashboard say who cannot sign in yet.
    listed = {a.username: a.needs_password for a in accounts.list_accounts(dsl)}
    assert listed == {"fixture.dsl": False, "fixture.deputy": True, "fixture.head": True}
    from esafety_desktop.services.dashboard import dashboard

    [waiting] = [i for i in dashboard(dsl).items if "cannot sign in yet" in i.title]
    assert waiting.title == "2 accounts cannot sign in yet"
    assert "Fixture Head (fixture.head)" in waiting.detail
    # Until the DSL sets a new password, the head's old one opens nothing.
    with pytest.raises(UnknownAccount):
        sign_in(old_school, "fixture.head", PASSWORDS["fixture.head"], DeviceSecretStore())
    accounts.reset_password(dsl, username="fixture.head", new_password=HEAD_PASSWORD)
    dsl.sign_out()

    head = sign_in(old_school, "fixture.head", HEAD_PASSWORD, DeviceSecretStore())
    assert head.keys is not None and head.account.role is Role.HEADTEACHER
    head.sign_out()
    file = KeySlotFile.load(Path(f"{old_school}.keys"))
    assert [(e.change, e.account, e.signed_by) for e in file.signed.entries][1:] == [
        ("account_added", "fixture.head", "fixture.dsl")
    ]
    assert file.signed.check() == []

    # The old sheet no longer opens today's database; the new one does.
    with pytest.raises(WrongRecoveryKey):
        sign_in_with_recovery_key(
            old_school,
            recovery_key=old_recovery,
            username="fixture.dsl",
            new_password=DSL_PASSWORD,
            device_secrets=DeviceSecretStore(),
        )
    again = sign_in_with_recovery_key(
        old_school,
        recovery_key=new_recovery,
        username="fixture.dsl",
        new_password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    assert again.keys is not None and again.account.role is Role.DSL
    assert verify_open_database(again).sound
    again.sign_out()


def test_a_new_school_signs_every_account_change(school: School) -> None:
    add_head(school)
    accounts.change_role(school.signed_in, username="p.head", role=Role.DEPUTY_DSL)
    accounts.reset_password(school.signed_in, username="p.head", new_password=HEAD_PASSWORD)
    file = KeySlotFile.load(Path(f"{school.path}.keys"))
    assert [e.change for e in file.signed.entries] == [
        "school_created",
        "account_added",
        "role_changed",
        "keys_renewed",
    ]
    assert [e.signed_by for e in file.signed.entries] == ["jo.dsl"] * 4
    assert file.signed.state().active("p.head").role == "deputy_dsl"  # type: ignore[union-attr]
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    assert head.account.role is Role.DEPUTY_DSL
    head.sign_out()
