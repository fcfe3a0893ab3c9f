"""The DSL administers accounts; everyone else is refused by the services themselves."""

from __future__ import annotations

import pytest

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import InvalidInput, NotAllowed, UnknownAccount, WrongPassword
from esafety_desktop.services import accounts, settings
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.key_file import accounts_on_file
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head


def test_the_dsl_adds_an_account_who_can_then_sign_in(school: School) -> None:
    add_head(school)
    assert accounts_on_file(school.path) == ["jo.dsl", "p.head"]
    listed = {(a.username, a.role) for a in accounts.list_accounts(school.signed_in)}
    assert listed == {("jo.dsl", Role.DSL), ("p.head", Role.HEADTEACHER)}
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    assert head.account.display_name == "Pat Head"
    head.sign_out()
    entry = next(e for e in audit_entries(school.signed_in) if e.action == "account.created")
    assert entry.details == {"username": "p.head", "role": "headteacher"}
    assert entry.actor_name == "Jo Bloggs"


def test_a_duplicate_or_badly_named_account_is_refused(school: School) -> None:
    add_head(school)
    with pytest.raises(InvalidInput, match=r"already an account called p\.head"):
        add_head(school)
    with pytest.raises(InvalidInput, match="cannot be an account name"):
        accounts.add_account(
            school.signed_in,
            username="pat head!",
            display_name="Pat",
            role=Role.DSL,
            password=HEAD_PASSWORD,
        )


def test_other_roles_are_refused_by_the_service_and_the_refusal_is_recorded(school: School) -> None:
    add_head(school)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    with pytest.raises(
        NotAllowed, match="A Headteacher account cannot add, change or remove accounts"
    ):
        accounts.add_account(
            head, username="x.new", display_name="X", role=Role.DSL, password=HEAD_PASSWORD
        )
    with pytest.raises(NotAllowed):
        accounts.remove_account(head, username="jo.dsl")
    with pytest.raises(NotAllowed, match="change the school settings"):
        settings.rename_school(head, "Pat's School")
    head.sign_out()
    assert accounts_on_file(school.path) == ["jo.dsl", "p.head"]
    refused = [e for e in audit_entries(school.signed_in) if e.action == "permission.refused"]
    assert [e.actor_name for e in refused] == ["Pat Head"] * 3


def test_a_reset_password_replaces_the_old_one(school: School) -> None:
    add_head(school)
    accounts.reset_password(
        school.signed_in, username="p.head", new_password="Copper-Lagoon-Pebble-08"
    )
    with pytest.raises(WrongPassword):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    sign_in(school.path, "p.head", "Copper-Lagoon-Pebble-08", DeviceSecretStore()).sign_out()


def test_changing_your_own_password_needs_the_current_one(school: School) -> None:
    me = school.signed_in
    with pytest.raises(WrongPassword):
        accounts.change_own_password(
            me, current_password="not it at all", new_password="Copper-Lagoon-Pebble-08"
        )
    with pytest.raises(InvalidInput, match="attackers try"):
        accounts.change_own_password(me, current_password=DSL_PASSWORD, new_password="password1234")
    accounts.change_own_password(
        me, current_password=DSL_PASSWORD, new_password="Copper-Lagoon-Pebble-08"
    )
    me.sign_out()
    with pytest.raises(WrongPassword):
        sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    again = sign_in(school.path, "jo.dsl", "Copper-Lagoon-Pebble-08", DeviceSecretStore())
    assert "account.password_changed" in [e.action for e in audit_entries(again)]
    again.sign_out()


def test_a_removed_account_cannot_sign_in_but_stays_named_in_the_log(school: School) -> None:
    add_head(school)
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    head.sign_out()
    accounts.remove_account(school.signed_in, username="p.head")
    assert accounts_on_file(school.path) == ["jo.dsl"]
    with pytest.raises(UnknownAccount):
        sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    assert "Pat Head" in {e.actor_name for e in audit_entries(school.signed_in)}
    removed = accounts.list_accounts(school.signed_in, include_removed=True)
    assert [a.removed for a in removed if a.username == "p.head"] == [True]


def test_the_last_dsl_can_be_neither_removed_nor_demoted(school: School) -> None:
    add_head(school)
    with pytest.raises(InvalidInput, match="only Designated Safeguarding Lead"):
        accounts.change_role(school.signed_in, username="jo.dsl", role=Role.DEPUTY_DSL)
    with pytest.raises(InvalidInput, match="your own account"):
        accounts.remove_account(school.signed_in, username="jo.dsl")
    accounts.change_role(school.signed_in, username="p.head", role=Role.DSL)
    accounts.change_role(school.signed_in, username="jo.dsl", role=Role.DEPUTY_DSL)
    roles = {a.username: a.role for a in accounts.list_accounts(school.signed_in)}
    assert roles == {"jo.dsl": Role.DEPUTY_DSL, "p.head": Role.DSL}


def test_a_new_recovery_key_replaces_the_old_one(school: School) -> None:
    from esafety_desktop.errors import WrongRecoveryKey
    from esafety_desktop.services.access import sign_in_with_recovery_key

    new_key = accounts.replace_recovery_key(school.signed_in)
    assert new_key != school.recovery_key
    school.signed_in.sign_out()
    with pytest.raises(WrongRecoveryKey, match="different school database"):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=school.recovery_key,
            username="jo.dsl",
            new_password="Copper-Lagoon-Pebble-08",
            device_secrets=DeviceSecretStore(),
        )
    sign_in_with_recovery_key(
        school.path,
        recovery_key=new_key,
        username="jo.dsl",
        new_password="Copper-Lagoon-Pebble-08",
        device_secrets=DeviceSecretStore(),
    ).sign_out()


def test_settings_changes_are_recorded_with_old_and_new_values(school: School) -> None:
    settings.set_pupil_word(school.signed_in, "Learner")
    assert settings.school_settings(school.signed_in).pupil_word == "learner"
    with pytest.raises(InvalidInput, match="pupil, learner, student"):
        settings.set_pupil_word(school.signed_in, "child")
    entry = audit_entries(school.signed_in, action="settings")[0]
    assert entry.details == {"setting": "pupil_word", "from": None, "to": "learner"}


def test_the_audit_log_filters_by_person_action_and_date(school: School) -> None:
    from datetime import date, timedelta

    add_head(school)
    me = school.signed_in
    assert {e.action for e in audit_entries(me, action="account")} == {"account.created"}
    assert all(e.actor_name == "Jo Bloggs" for e in audit_entries(me, actor_name="Jo Bloggs"))
    today = date.today()
    assert len(audit_entries(me, on_or_after=today, on_or_before=today)) == len(audit_entries(me))
    assert audit_entries(me, on_or_before=today - timedelta(days=1)) == []
