"""Restricted cases through the services: who holds their keys as accounts come, go, change
passwords and use the recovery key; cases kept from an account before seals existed are moved
into seals at a DSL's sign-in; every change to a restricted case is in the audit log in
general words only, and ``verify`` finds the school whole."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services import accounts, incidents
from esafety_desktop.services.access import SignedIn, sign_in, sign_in_with_recovery_key
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.services.restricted_cases import left_out
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.models import SealedCase
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head
from tests.services.test_incidents import ABOUT_THE_HEAD, NUDES_REFERRED, _new, _pupil

DEPUTY_PASSWORD = "Meadow-Copper-Thimble-77"


def _head_id(school: School) -> int:
    return next(a.id for a in accounts.list_accounts(school.signed_in) if a.username == "p.head")


def _about_the_head(school: School) -> incidents.IncidentSummary:
    return incidents.record_incident(
        school.signed_in,
        _new(
            _pupil(school),
            ABOUT_THE_HEAD,
            summary="Messages from the head's account.",
            concerns_account_id=_head_id(school),
        ),
    )


def _add_deputy(school: School) -> None:
    accounts.add_account(
        school.signed_in,
        username="d.deputy",
        display_name="Dee Deputy",
        role=Role.DEPUTY_DSL,
        password=DEPUTY_PASSWORD,
    )


def _sees(session: SignedIn, reference: str) -> bool:
    return reference in {c.reference for c in incidents.list_incidents(session)}


def _wrapped_to(school: School) -> set[str]:
    with school.signed_in.database.reading() as session:
        return set(json.loads(session.scalars(select(SealedCase.keys)).one()))


def test_an_account_added_later_can_read_the_restricted_cases_it_may_see(school: School) -> None:
    add_head(school)
    case = _about_the_head(school)
    assert _wrapped_to(school) == {"account:jo.dsl", "recovery key"}
    _add_deputy(school)  # added after the case: the DSL's session wraps its key to them
    assert _wrapped_to(school) == {"account:jo.dsl", "account:d.deputy", "recovery key"}
    deputy = sign_in(school.path, "d.deputy", DEPUTY_PASSWORD, DeviceSecretStore())
    try:
        assert _sees(deputy, case.reference)
        incidents.add_note(deputy, case.id, "The deputy adds what the chair said.")
    finally:
        deputy.sign_out()
    assert "The deputy adds what the chair said." in [
        e.text for e in incidents.chronology(school.signed_in, case.id)
    ]


def test_a_password_change_and_a_recovery_sign_in_keep_the_cases_readable(school: School) -> None:
    add_head(school)
    _add_deputy(school)
    case = _about_the_head(school)
    deputy = sign_in(school.path, "d.deputy", DEPUTY_PASSWORD, DeviceSecretStore())
    accounts.change_own_password(
        deputy, current_password=DEPUTY_PASSWORD, new_password="Harbour-Pigeon-Velvet-31"
    )
    deputy.sign_out()
    deputy = sign_in(school.path, "d.deputy", "Harbour-Pigeon-Velvet-31", DeviceSecretStore())
    try:
        assert _sees(deputy, case.reference)
    finally:
        deputy.sign_out()
    school.signed_in.sign_out()
    # A forgotten password: the recovery key sets a new one, and opens the cases for it.
    again = sign_in_with_recovery_key(
        school.path,
        recovery_key=school.recovery_key,
        username="jo.dsl",
        new_password="Lantern-Thistle-Gravel-58",
        device_secrets=DeviceSecretStore(),
    )
    try:
        assert _sees(again, case.reference)
    finally:
        again.sign_out()


def test_a_removed_account_loses_its_wrap_and_the_head_never_had_one(school: School) -> None:
    add_head(school)
    _add_deputy(school)
    _about_the_head(school)
    accounts.remove_account(school.signed_in, username="d.deputy")
    assert _wrapped_to(school) == {"account:jo.dsl", "recovery key"}


def test_the_audit_log_says_only_that_a_restricted_case_changed(school: School) -> None:
    """In the database: one generic action, the rest sealed. In the Audit log: what was done,
    for an account that holds the case's key."""
    from esafety_desktop.storage.models import AuditEntry

    add_head(school)
    case = _about_the_head(school)
    incidents.add_note(school.signed_in, case.id, "Strategy meeting booked for Tuesday.")
    with school.signed_in.database.reading() as session:
        stored = session.execute(
            select(AuditEntry.action, AuditEntry.details).where(
                AuditEntry.subject_type == "restricted_case"
            )
        ).all()
    assert stored and {action for action, _ in stored} == {"restricted_case.changed"}
    assert not any("Tuesday" in details or "R-0001" in details for _, details in stored)
    shown = [e for e in audit_entries(school.signed_in) if e.subject_type == "restricted_case"]
    assert {"incident.created", "incident.note_added"} <= {e.action for e in shown}
    assert {e.details.get("restricted case") for e in shown} == {"R-0001"}
    head = sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())
    try:
        assert left_out(head) == 1
    finally:
        head.sign_out()
    assert verify_open_database(school.signed_in).problems == []


def test_a_case_kept_from_the_head_before_seals_is_moved_at_the_dsls_next_sign_in(
    school: School,
) -> None:
    """A database from before 0011 kept such a case in plain rows, hidden by the window only."""
    add_head(school)
    case = incidents.record_incident(
        school.signed_in, _new(_pupil(school), NUDES_REFERRED, summary="Kept from the head")
    )
    with school.signed_in.database.transaction() as session:  # as the old version stored it
        session.execute(
            text("UPDATE incident SET concerns_account_id = :head WHERE id = :id"),
            {"head": _head_id(school), "id": case.id},
        )
    school.signed_in.sign_out()
    dsl = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    try:
        [moved] = incidents.list_incidents(dsl)
        assert moved.id < 0 and moved.reference == case.reference
        assert moved.summary == "Kept from the head"
        with dsl.database.reading() as session:
            assert session.execute(text("SELECT count(*) FROM incident")).scalar() == 0
        assert verify_open_database(dsl).problems == []
    finally:
        dsl.sign_out()


def test_only_a_dsl_restricts_and_never_from_themselves(school: School) -> None:
    from esafety_desktop.services.restricting import restrict_case

    add_head(school)
    case = incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED))
    with pytest.raises(InvalidInput, match="kept from the account restricting it"):
        restrict_case(school.signed_in, case.id, [school.signed_in.account.id])
    with pytest.raises(InvalidInput, match="Choose the accounts"):
        restrict_case(school.signed_in, case.id, [])
