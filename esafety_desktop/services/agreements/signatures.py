"""Signed forms: recording those that come back (a class at a time), and correcting or
withdrawing one. A signature row never changes; a correction is a new row that replaces it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from esafety_desktop.domain.aup import Audience, HowSigned, Version, audience_of
from esafety_desktop.domain.people import display_name
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements._common import _versions
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import AupSignature, Person


@dataclass(frozen=True)
class SignatureRecord:
    id: int
    version_label: str
    audience: Audience
    signed_on: date
    how: HowSigned
    parent_signed: bool
    laptop: str | None
    recorded_by: str
    recorded_at: datetime
    replaced: bool  # a later correction replaced or withdrew it
    withdrawn: bool  # this row withdraws the one it replaces
    why: str  # the reason given for a correction


def record_signatures(
    signed_in: SignedIn,
    person_ids: list[int],
    signed_on: date,
    how: HowSigned = HowSigned.PAPER,
    *,
    parent_signed: bool = False,
) -> int:
    """Record signed forms for several people at once (all or none): each signs the version of
    their audience's agreement in force on the day. Returns how many were recorded."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    if signed_on > signed_in.clock.today():
        raise InvalidInput("The date signed is in the future.")
    if not person_ids:
        raise InvalidInput("Tick at least one person whose signed form came back.")
    with signed_in.database.transaction() as session:
        versions = [v.facts for v in _versions(session)]
        now = signed_in.clock.utc_now()
        for person_id in dict.fromkeys(person_ids):
            person = session.get(Person, person_id)
            if person is None:
                raise InvalidInput("One of the people is not in the register.")
            audience = audience_of(person.kind, person.year_group)
            name = display_name(person.forename, person.surname, person.preferred_name)
            version = _in_force(versions, audience, signed_on)
            if version is None:
                raise InvalidInput(
                    f"{name}: no agreement for {audience.label.lower() if audience else 'them'} "
                    f"had taken effect by {signed_on:%d/%m/%Y}."
                )
            session.add(
                AupSignature(
                    person_id=person_id,
                    version_id=version.id,
                    signed_on=signed_on,
                    how=how.value,
                    parent_signed=parent_signed,
                    laptop=person.laptop_asset_tag or None,
                    recorded_by_id=signed_in.account.id,
                    recorded_by_name=signed_in.account.display_name,
                    recorded_at=now,
                    withdrawn=False,
                    why="",
                )
            )
        signed_in.record(
            session,
            "agreement.signatures_recorded",
            details={"people": len(set(person_ids)), "signed_on": signed_on.isoformat()},
        )
    return len(set(person_ids))


def correct_signature(
    signed_in: SignedIn,
    signature_id: int,
    why: str,
    *,
    signed_on: date | None = None,
    parent_signed: bool | None = None,
    withdraw: bool = False,
) -> None:
    """Correct a signature (another date, the parent's signature) or withdraw one recorded in
    error. The original stays, shown as corrected, with who, when and why."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    if not why.strip():
        raise InvalidInput("Say why the signature is being corrected.")
    with signed_in.database.transaction() as session:
        original = session.get(AupSignature, signature_id)
        if original is None:
            raise InvalidInput("That signature does not exist.")
        if session.scalar(select(AupSignature.id).where(AupSignature.replaces_id == signature_id)):
            raise InvalidInput("That signature has already been corrected: correct the newer one.")
        when = signed_on or original.signed_on
        if when > signed_in.clock.today():
            raise InvalidInput("The date signed is in the future.")
        correction = AupSignature(
            person_id=original.person_id,
            version_id=original.version_id,
            signed_on=when,
            how=original.how,
            parent_signed=original.parent_signed if parent_signed is None else parent_signed,
            laptop=original.laptop,
            recorded_by_id=signed_in.account.id,
            recorded_by_name=signed_in.account.display_name,
            recorded_at=signed_in.clock.utc_now(),
            replaces_id=original.id,
            withdrawn=withdraw,
            why=why.strip(),
        )
        session.add(correction)
        session.flush()
        signed_in.record(
            session,
            "agreement.signature_withdrawn" if withdraw else "agreement.signature_corrected",
            subject_type="person",
            subject_id=original.person_id,
            details={"signature": original.id, "why": why.strip()},
        )


@open_to_every_role("every role reads the agreements register")
def signature_history(signed_in: SignedIn, person_id: int) -> list[SignatureRecord]:
    """Every signature row for a person, oldest first, corrections included."""
    with signed_in.database.reading() as session:
        versions = {v.id: v for v in _versions(session)}
        rows = list(
            session.scalars(
                select(AupSignature)
                .where(AupSignature.person_id == person_id)
                .order_by(AupSignature.id)
            )
        )
        replaced = {r.replaces_id for r in rows if r.replaces_id is not None}
        return [
            SignatureRecord(
                id=r.id,
                version_label=versions[r.version_id].label,
                audience=versions[r.version_id].audience,
                signed_on=r.signed_on,
                how=HowSigned(r.how),
                parent_signed=r.parent_signed,
                laptop=r.laptop,
                recorded_by=r.recorded_by_name,
                recorded_at=r.recorded_at,
                replaced=r.id in replaced,
                withdrawn=r.withdrawn,
                why=r.why,
            )
            for r in rows
        ]


def _in_force(versions: list[Version], audience: Audience | None, day: date) -> Version | None:
    from esafety_desktop.domain.aup import version_in_force

    return version_in_force(versions, audience, day) if audience is not None else None
