import pytest

from esafety_desktop.domain.roles import Permission, Role, can


def test_only_the_dsl_administers_accounts_and_settings() -> None:
    assert can(Role.DSL, Permission.MANAGE_ACCOUNTS)
    for role in (Role.DEPUTY_DSL, Role.HEADTEACHER, Role.ONLINE_SAFETY_LEAD):
        assert not can(role, Permission.MANAGE_ACCOUNTS)
        assert not can(role, Permission.CHANGE_SETTINGS)
        assert can(role, Permission.VERIFY_DATABASE)


def test_headteacher_and_deputy_read_the_audit_log_but_the_online_safety_lead_does_not() -> None:
    assert can(Role.HEADTEACHER, Permission.VIEW_AUDIT_LOG)
    assert can(Role.DEPUTY_DSL, Permission.VIEW_AUDIT_LOG)
    assert not can(Role.ONLINE_SAFETY_LEAD, Permission.VIEW_AUDIT_LOG)


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("dsl", Role.DSL),
        ("Deputy DSL", Role.DEPUTY_DSL),
        ("deputy-dsl", Role.DEPUTY_DSL),
        ("Headteacher", Role.HEADTEACHER),
        ("online_safety_lead", Role.ONLINE_SAFETY_LEAD),
    ],
)
def test_roles_are_read_from_what_people_type(typed: str, role: Role) -> None:
    assert Role.from_text(typed) is role


def test_an_unknown_role_names_the_choices() -> None:
    with pytest.raises(ValueError, match="deputy_dsl"):
        Role.from_text("caretaker")
