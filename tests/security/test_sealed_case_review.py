"""A hostile review of restricted (sealed) cases: the headteacher, holding their own password,
the app's code and raw ``sqlcipher3``, against a case kept from them.

The head can sign in, so whatever they write through ``database.transaction()`` is signed by
their own key and sealed row by row like any session's work: ``verify`` sees a signed, chained
entry by an account on the roster. Each test is an attack, asserting the safe behaviour; the
weaknesses the review found first (marked "FOUND" while open) are all fixed now."""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from esafety_desktop.domain.roles import Role
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import accounts, incidents, restricted_cases
from esafety_desktop.services.access import SignedIn, sign_in, sign_in_with_recovery_key
from esafety_desktop.services.checks import verify_open_database
from esafety_desktop.services.restricted_keys import recipients as _recipients
from esafety_desktop.services.restricting import _renumber
from esafety_desktop.storage.case_room import (
    FORMAT,
    case_key_context,
    case_rows,
    open_document,
    seal_document,
)
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.keypairs import WrongKeys, unb64, wrap_key
from esafety_desktop.storage.models import Account, SealedCase
from tests.conftest import DSL_PASSWORD, HEAD_PASSWORD, School, add_head
from tests.security.raw_pages import found_in_pages
from tests.security.test_restricted_case_attacks import (
    MARKERS,
    Attacker,
    _record_about_the_head,
)
from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

SECRET = "Thornquist"  # what the DSL writes into the case after the attack
LEAD_PASSWORD = "Bramble-Harness-Quartz-53"
PNG_WITH_WORDS = b"\x89PNG\r\n\x1a\n" + b"obsidian-pixels" * 20  # a screenshot's bytes


@pytest.fixture
def attacker_school(school: School) -> Iterator[School]:
    add_head(school)
    yield school


def _head(school: School) -> SignedIn:
    return sign_in(school.path, "p.head", HEAD_PASSWORD, DeviceSecretStore())


def _row(signed_in: SignedIn, number: int = 1) -> tuple[int, bytes, str]:
    with signed_in.database.reading() as session:
        row = session.get(SealedCase, number)
        assert row is not None
        return row.version, bytes(row.sealed), row.keys


def _notes(signed_in: SignedIn, incident_id: int) -> str:
    return " ".join(e.text for e in incidents.chronology(signed_in, incident_id))


def _forged_document(head: SignedIn, decoy_id: int, number: int) -> dict[str, Any]:
    """A case document the head makes from a case they can read (any ordinary case), given the
    restricted case's number, and kept from nobody."""
    with head.database.reading() as session:
        tables = case_rows(session, decoy_id)
    tables["person"] = []
    return {
        "format": FORMAT,
        "kept_from": [],
        "changes": 0,
        "tables": _renumber(tables, decoy_id, number),
        "search": "",
        "history": [],
    }


def _seal_with_a_key_the_head_knows(
    head: SignedIn, number: int, document: dict[str, Any], key: bytearray | None = None
) -> tuple[bytearray, bytes, str]:
    """The head's own case key, the document sealed under it, and wraps to every account on
    the signed roster (the head included) and to the recovery key: anyone may wrap *to* a
    public key."""
    key = key if key is not None else bytearray(secrets.token_bytes(32))
    database_id = head.database.database_id
    wraps = {
        recipient: wrap_key(key, public, case_key_context(database_id, number, recipient)).to_json()
        for recipient, public in _recipients(head, []).items()
    }
    sealed = seal_document(key, database_id, number, document)
    return key, sealed, json.dumps(wraps, sort_keys=True)


def _head_writes_row(
    head: SignedIn, number: int, sealed: bytes, keys: str, version: int | None = None
) -> None:
    """Through the app's own transaction: signed by the head, every row sealed as usual."""
    with head.database.transaction() as session:
        row = session.get(SealedCase, number)
        assert row is not None
        row.sealed = sealed
        row.keys = keys
        row.version = version if version is not None else row.version + 1


# -- swapping the sealed document for one under a key the attacker knows -----------------


def _substitute(school: School, case_id: int, as_whom: SignedIn) -> bytearray:
    """``as_whom`` (signed in through the app) swaps the restricted case for a document under
    their own key, kept from nobody, wrapped to everyone, and signed for by themselves."""
    dsl = school.signed_in
    decoy = incidents.record_incident(dsl, _new(_pupil(school), NUDES_REFERRED))
    number = -case_id
    document = _forged_document(as_whom, decoy.id, number)
    key = bytearray(secrets.token_bytes(32))
    _key, sealed, keys = _seal_with_a_key_the_head_knows(as_whom, number, document, key)
    _head_writes_row(as_whom, number, sealed, keys)
    return key


def _read_with(key: bytearray, signed_in: SignedIn, number: int) -> str:
    _version, sealed, _keys = _row(signed_in, number)
    try:
        return json.dumps(
            open_document(key, signed_in.database.database_id, number, sealed), ensure_ascii=False
        )
    except WrongKeys:
        return ""


def test_a_case_the_head_swapped_for_one_under_their_key_is_refused(
    attacker_school: School,
) -> None:
    """The head may not record cases, so a case key the head signs for is not trusted: the
    DSL's session does not take the swapped document, and verify names it."""
    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    head = _head(school)
    key = _substitute(school, case.id, head)
    head.sign_out()
    with contextlib.suppress(ProblemForUser):  # refused: safe
        incidents.add_note(dsl, case.id, f"{SECRET}: the LADO's advice, in full.")
    assert SECRET not in _read_with(key, dsl, -case.id)
    assert any("Restricted case 1" in p for p in verify_open_database(dsl).problems)


def test_a_write_after_a_refused_swap_is_refused_too(attacker_school: School) -> None:
    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    assert "Marrowbank" in _notes(dsl, case.id)  # the DSL's session has the case open
    head = _head(school)
    _substitute(school, case.id, head)
    head.sign_out()
    with pytest.raises(ProblemForUser):
        incidents.add_note(dsl, case.id, f"{SECRET}: the LADO's advice, in full.")


def _add_online_safety_lead(school: School) -> int:
    accounts.add_account(
        school.signed_in,
        username="o.lead",
        display_name="Olly Lead",
        role=Role.ONLINE_SAFETY_LEAD,
        password=LEAD_PASSWORD,
    )
    return next(a.id for a in accounts.list_accounts(school.signed_in) if a.username == "o.lead")


def test_an_online_safety_lead_kept_from_a_case_cannot_swap_in_their_own_key(
    school: School,
) -> None:
    dsl = school.signed_in
    lead_id = _add_online_safety_lead(school)
    case = incidents.record_incident(
        dsl,
        _new(
            _pupil(school),
            NUDES_REFERRED,
            summary="Zephyrine: the online safety lead's messages to a pupil.",
            concerns_account_id=lead_id,
        ),
    )
    assert case.id < 0
    lead = sign_in(school.path, "o.lead", LEAD_PASSWORD, DeviceSecretStore())
    assert restricted_cases.left_out(lead) == 1
    key = _substitute(school, case.id, lead)
    with contextlib.suppress(ProblemForUser):  # refused: safe
        incidents.add_note(dsl, case.id, f"{SECRET}: the LADO's advice, in full.")
    found = _read_with(key, lead, -case.id)
    lead.sign_out()
    assert SECRET not in found
    assert verify_open_database(dsl).problems != []


# -- the same swap with raw SQL ------------------------------------------------------------


def _raw_substitute(school: School, case_id: int) -> bytearray:
    """Raw ``sqlcipher3``: the forged row is not sealed by any signed entry."""
    dsl = school.signed_in
    decoy = incidents.record_incident(dsl, _new(_pupil(school), NUDES_REFERRED))
    number = -case_id
    head = _head(school)
    key, sealed, keys = _seal_with_a_key_the_head_knows(
        head, number, _forged_document(head, decoy.id, number)
    )
    head.sign_out()
    attacker = Attacker(school)
    try:
        attacker.connection.execute(
            "UPDATE sealed_case SET sealed = ?, keys = ?, version = version + 1 WHERE id = ?",
            (sealed, keys, number),
        )
        attacker.connection.commit()
    finally:
        attacker.close()
    return key


def test_a_raw_swap_is_named_and_not_laundered_by_the_dsls_next_write(
    attacker_school: School,
) -> None:
    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    key = _raw_substitute(school, case.id)
    assert any("sealed case" in p for p in verify_open_database(dsl).problems)
    with contextlib.suppress(ProblemForUser):  # refused: safe
        incidents.add_note(dsl, case.id, f"{SECRET}: written after the swap.")
    assert SECRET not in _read_with(key, dsl, -case.id)
    assert verify_open_database(dsl).problems != []


# -- rolling a sealed case back, deleting it -----------------------------------------------


def test_a_sealed_case_rolled_back_by_the_head_is_named(attacker_school: School) -> None:
    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    _old, old_sealed, old_keys = _row(dsl, -case.id)
    incidents.add_note(dsl, case.id, f"{SECRET}: the chair has suspended the head.")
    head = _head(school)
    newest, _sealed, _keys = _row(head, -case.id)
    _head_writes_row(head, -case.id, old_sealed, old_keys, version=newest + 1)
    head.sign_out()
    with pytest.raises(ProblemForUser, match="put back"):  # said plainly, never written into
        _notes(dsl, case.id)
    problems = verify_open_database(dsl).problems
    assert any("older than its history in the audit log" in p for p in problems)


def test_a_sealed_case_deleted_by_the_head_is_named(attacker_school: School) -> None:
    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    head = _head(school)
    with head.database.transaction() as session:
        row = session.get(SealedCase, -case.id)
        session.delete(row)
    head.sign_out()
    problems = verify_open_database(dsl).problems
    assert case.reference in [c.reference for c in incidents.list_incidents(dsl)] or problems


def test_a_deleted_case_number_is_never_given_again(attacker_school: School) -> None:
    school = attacker_school
    first = _record_about_the_head(school)
    head = _head(school)
    with head.database.transaction() as session:
        session.delete(session.get(SealedCase, -first.id))
    head.sign_out()
    second = _record_about_the_head(school)
    assert second.reference != first.reference


def test_sealed_documents_swapped_between_cases_do_not_open(attacker_school: School) -> None:
    """A document is bound to its case number (and a wrap to its case and recipient)."""
    school = attacker_school
    dsl = school.signed_in
    one = _record_about_the_head(school)
    two = _record_about_the_head(school)
    head = _head(school)
    _v1, sealed1, keys1 = _row(head, -one.id)
    _v2, sealed2, keys2 = _row(head, -two.id)
    _head_writes_row(head, -one.id, sealed2, keys2)
    _head_writes_row(head, -two.id, sealed1, keys1)
    assert restricted_cases.left_out(head) == 2
    head.sign_out()
    dsl.sign_out()
    again = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    try:
        assert incidents.list_incidents(again) == []
        assert restricted_cases.left_out(again) == 2
    finally:
        again.sign_out()


def test_a_case_hidden_from_the_dsl_by_removing_their_wrap_is_named(
    attacker_school: School,
) -> None:
    school = attacker_school
    case = _record_about_the_head(school)
    head = _head(school)
    _version, sealed, keys = _row(head, -case.id)
    wraps = {k: v for k, v in json.loads(keys).items() if k != "account:jo.dsl"}
    _head_writes_row(head, -case.id, sealed, json.dumps(wraps, sort_keys=True))
    head.sign_out()
    school.signed_in.sign_out()
    dsl = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    try:
        seen = case.reference in [c.reference for c in incidents.list_incidents(dsl)]
        assert seen or verify_open_database(dsl).problems != []
    finally:
        dsl.sign_out()


def test_a_forged_case_cannot_pull_in_a_person_kept_with_another_case(school: School) -> None:
    from esafety_desktop.domain.incidents import PersonRole
    from esafety_desktop.domain.people import CasePersonKind, Newcomer

    dsl = school.signed_in
    lead_id = _add_online_safety_lead(school)
    stranger = Newcomer(CasePersonKind.ONLINE, forename="Zephyrine", surname="Quillfeather")
    first = incidents.record_incident(
        dsl,
        _new(
            _pupil(school),
            NUDES_REFERRED,
            newcomers=[(stranger, PersonRole.ALLEGED_PERPETRATOR)],
            kept_from=(lead_id,),
        ),
    )
    second = incidents.record_incident(
        dsl, _new(_pupil(school), NUDES_REFERRED, kept_from=(lead_id,))
    )
    victim = next(
        i.person_id for i in incidents.incident_summary(dsl, first.id).involved if i.person_id < 0
    )
    lead = sign_in(school.path, "o.lead", LEAD_PASSWORD, DeviceSecretStore())
    number = -second.id
    decoy = incidents.record_incident(dsl, _new(_pupil(school), NUDES_REFERRED))
    document = _forged_document(lead, decoy.id, number)
    link = dict(document["tables"]["incident_person"][0])
    link.update(id=number * -(2**32) - 999, person_id=victim)
    document["tables"]["incident_person"].append(link)
    key = bytearray(secrets.token_bytes(32))
    _key, sealed, keys = _seal_with_a_key_the_head_knows(lead, number, document, key)
    _head_writes_row(lead, number, sealed, keys)
    with contextlib.suppress(ProblemForUser):
        incidents.add_note(dsl, second.id, "A note on the second case.")
    found = _read_with(key, lead, number)
    lead.sign_out()
    assert "Zephyrine" not in found


# -- wraps ---------------------------------------------------------------------------------


def test_a_wrap_the_head_writes_for_themselves_is_named_and_dropped(
    attacker_school: School,
) -> None:
    school = attacker_school
    case = _record_about_the_head(school)
    head = _head(school)
    _version, sealed, keys = _row(head, -case.id)
    wraps = json.loads(keys)
    assert head.keys is not None
    wraps["account:p.head"] = wrap_key(
        secrets.token_bytes(32),
        head.keys.public.x25519,
        case_key_context(head.database.database_id, -case.id, "account:p.head"),
    ).to_json()
    _head_writes_row(head, -case.id, sealed, json.dumps(wraps, sort_keys=True))
    assert restricted_cases.left_out(head) == 1  # it opens nothing
    head.sign_out()
    problems = verify_open_database(school.signed_in).problems
    assert any("p.head" in p for p in problems)
    school.signed_in.sign_out()
    dsl = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())  # settles the keys
    try:
        assert "account:p.head" not in json.loads(_row(dsl, -case.id)[2])
    finally:
        dsl.sign_out()


def test_a_recovery_wrap_replaced_by_the_head_is_named_or_mended(attacker_school: School) -> None:
    school = attacker_school
    case = _record_about_the_head(school)
    head = _head(school)
    _version, sealed, keys = _row(head, -case.id)
    wraps = json.loads(keys)
    recovery = unb64(wraps["recovery key"]["recipient"])
    wraps["recovery key"] = wrap_key(
        secrets.token_bytes(32),
        recovery,
        case_key_context(head.database.database_id, -case.id, "recovery key"),
    ).to_json()
    _head_writes_row(head, -case.id, sealed, json.dumps(wraps, sort_keys=True))
    head.sign_out()
    named = verify_open_database(school.signed_in).problems != []
    school.signed_in.sign_out()
    dsl = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())  # settles the keys
    dsl.sign_out()
    # The DSL forgets their password: the recovery key is the only way back to the case.
    again = sign_in_with_recovery_key(
        school.path,
        recovery_key=school.recovery_key,
        username="jo.dsl",
        new_password="Lantern-Thistle-Gravel-58",
        device_secrets=DeviceSecretStore(),
    )
    try:
        recovered = case.reference in [c.reference for c in incidents.list_incidents(again)]
    finally:
        again.sign_out()
    assert named and recovered


def test_the_head_made_dsl_by_a_roster_change_is_still_not_given_the_key(
    attacker_school: School,
) -> None:
    """The case is kept from the head by name: a later role changes nothing."""
    school = attacker_school
    case = _record_about_the_head(school)
    accounts.change_role(school.signed_in, username="p.head", role=Role.DSL)
    school.signed_in.sign_out()
    dsl = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    dsl.sign_out()
    head = _head(school)
    try:
        assert head.account.role is Role.DSL
        assert restricted_cases.left_out(head) == 1
        assert incidents.list_incidents(head) == [] or case.reference not in [
            c.reference for c in incidents.list_incidents(head)
        ]
        assert "account:p.head" not in json.loads(_row(head, -case.id)[2])
    finally:
        head.sign_out()


def test_the_head_removed_and_added_again_is_not_given_the_key(attacker_school: School) -> None:
    school = attacker_school
    case = _record_about_the_head(school)
    accounts.remove_account(school.signed_in, username="p.head")
    add_head(school)
    assert "account:p.head" not in json.loads(_row(school.signed_in, -case.id)[2])
    head = _head(school)
    try:
        assert restricted_cases.left_out(head) == 1
    finally:
        head.sign_out()


# -- the head's own row in the accounts table ------------------------------------------


def test_the_heads_role_in_the_database_does_not_put_the_case_in_a_review_pack(
    attacker_school: School, tmp_path: Any
) -> None:
    from esafety_desktop.services.review_packs.exporting import (
        cases_for_review,
        export_review_pack,
        review_choice,
    )

    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    assert case.id not in {c.incident_id for c in review_choice(dsl).cases}
    head = _head(school)  # signed by the head; or raw SQL, then any saved work
    with head.database.transaction() as session:
        mine = session.scalars(select(Account).where(Account.username == "p.head")).one()
        mine.role = Role.ONLINE_SAFETY_LEAD.value
    head.sign_out()
    # The DSL exports the termly pack as ticked, for the head to review.
    ticked = cases_for_review(dsl)
    if ticked:
        pack = export_review_pack(dsl, ticked, "Pat Head", tmp_path / "termly.esreview")
        assert case.reference not in pack.references
    assert case.id not in {c.incident_id for c in review_choice(dsl).cases}


# -- plain words of a restricted case in the school database -----------------------------


def test_printing_a_restricted_case_leaves_no_reference_in_clear(
    attacker_school: School, tmp_path: Any
) -> None:
    from esafety_desktop.services.exports import record_printed, save_pdf

    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    pdf = incidents.incident_record(dsl, case.id)
    # What the case's Print button does (ui/incidents/case_actions.py, ui/pdf_preview.py).
    record_printed(dsl, f"Incident record {case.reference}", 3)
    save_pdf(dsl, f"Incident record {case.reference}", pdf, tmp_path / f"{case.reference}.pdf")
    dsl.database.close()
    attacker = Attacker(school)
    try:
        assert attacker.tables_holding(case.reference) == {}
    finally:
        attacker.close()


def test_a_pupils_chronology_does_not_count_a_hidden_case_in_clear(
    attacker_school: School,
) -> None:
    from esafety_desktop.services.transfers import child_chronology
    from esafety_desktop.storage.models import AuditEntry

    school = attacker_school
    dsl = school.signed_in
    _record_about_the_head(school)  # about the pupil added first (person 1)
    child_chronology(dsl, 1)
    with dsl.database.reading() as session:
        said = session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "report.chronology_made")
        ).one()
    assert json.loads(said)["cases"] == 0  # the cases the head can see


def test_a_review_pack_with_a_restricted_case_leaves_no_reference_in_clear(
    school: School, tmp_path: Any
) -> None:
    from esafety_desktop.services.review_packs.exporting import export_review_pack

    dsl = school.signed_in
    add_head(school)
    lead_id = _add_online_safety_lead(school)
    case = incidents.record_incident(
        dsl,
        _new(_pupil(school), NUDES_REFERRED, summary="Zephyrine", kept_from=(lead_id,)),
    )
    assert case.id < 0
    export_review_pack(dsl, [case.id], "Pat Head", tmp_path / "pack.esreview")
    dsl.database.close()
    attacker = Attacker(school)  # any account's data key: the online safety lead's too
    try:
        assert attacker.tables_holding(case.reference) == {}
    finally:
        attacker.close()


def test_everyday_work_on_a_restricted_case_leaves_no_plain_words(
    attacker_school: School,
) -> None:
    """A screenshot, an action, a status change, a correction, a device review and the head's
    failed attempts: nothing of the case in any table or page the head can decrypt."""
    from datetime import date

    from esafety_desktop.domain.evidence import EvidenceKind
    from esafety_desktop.domain.incidents import IncidentStatus

    school = attacker_school
    dsl = school.signed_in
    case = _record_about_the_head(school)
    incidents.add_evidence(
        dsl,
        case.id,
        EvidenceKind.SCREENSHOT,
        "Zephyrine chat screenshot",
        file_name="Quillfeather-chat.png",
        content=PNG_WITH_WORDS,
    )
    incidents.add_action(dsl, case.id, "Marrowbank: tell the LADO", "Jo Bloggs", date(2026, 12, 24))
    incidents.change_status(dsl, case.id, IncidentStatus.AWAITING_ADVICE, "Zephyrine strategy met")
    head = _head(school)
    try:
        for attempt in (
            lambda: incidents.add_note(head, case.id, "x"),
            lambda: incidents.evidence_for(head, case.id),
            lambda: incidents.incident_record(head, case.id),
        ):
            with pytest.raises(ProblemForUser):
                attempt()
    finally:
        head.sign_out()
    dsl.sign_out()
    attacker = Attacker(school)
    try:
        assert attacker.tables_holding(*MARKERS, "R-0001", "obsidian-pixels") == {}
        assert (
            found_in_pages(school.path, attacker.data_key, *MARKERS, "R-0001", "obsidian-pixels")
            == set()
        )
    finally:
        attacker.close()
