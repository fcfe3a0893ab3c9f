"""Evidence logged on a case, with the SHA-256 of any file so that it can be shown unaltered.
Images are refused for nudes and indecent images: a school must not hold them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from esafety_desktop.domain.evidence import EvidenceKind, image_refusal, looks_like_image
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.incidents._common import (
    _case_changed,
    _entry,
    _local,
    _visible_incident,
)
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.services.restricted_cases import store_for
from esafety_desktop.storage.models import Evidence


@dataclass(frozen=True)
class EvidenceItem:
    id: int
    kind: EvidenceKind
    description: str
    url: str | None
    held_where: str | None
    held_by: str | None
    file_name: str | None
    sha256: str | None
    recorded_by: str
    recorded_at: datetime


def add_evidence(
    signed_in: SignedIn,
    incident_id: int,
    kind: EvidenceKind,
    description: str,
    *,
    url: str = "",
    held_where: str = "",
    held_by: str = "",
    file_name: str = "",
    content: bytes | None = None,
) -> None:
    """Log evidence on a case. Images are refused outright for nudes and indecent images."""
    signed_in.require(Permission.RECORD_INCIDENTS)
    if not description.strip():
        raise InvalidInput("Describe the evidence.")
    if kind is EvidenceKind.URL and not url.strip():
        raise InvalidInput("Type the web address.")
    if kind is EvidenceKind.DEVICE and not (held_where.strip() and held_by.strip()):
        raise InvalidInput("Say where the device is kept and who holds it (chain of custody).")
    if kind is EvidenceKind.SCREENSHOT and not content:
        raise InvalidInput("Choose the screenshot to attach.")
    with store_for(signed_in, incident_id).reading() as session:
        incident_type = _visible_incident(session, signed_in, incident_id).incident_type
    refusal = image_refusal(incident_type)
    is_image = kind is EvidenceKind.SCREENSHOT or (
        content is not None and looks_like_image(content, file_name)
    )
    if refusal and is_image:
        with store_for(signed_in, incident_id).transaction() as session:
            signed_in.record(
                session, "evidence.image_refused", subject_type="incident", subject_id=incident_id
            )
        raise InvalidInput(refusal)
    with store_for(signed_in, incident_id).transaction() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        digest = hashlib.sha256(content).hexdigest() if content is not None else None
        now = signed_in.clock.utc_now()
        session.add(
            Evidence(
                incident_id=incident.id,
                kind=kind.value,
                description=description.strip(),
                url=url.strip() or None,
                held_where=held_where.strip() or None,
                held_by=held_by.strip() or None,
                file_name=file_name or None,
                sha256=digest,
                content=content,
                recorded_by=signed_in.account.display_name,
                recorded_at=now,
            )
        )
        details = [description.strip(), url.strip(), held_where.strip(), held_by.strip()]
        session.add(
            _entry(
                signed_in,
                incident.id,
                now,
                kind="evidence",
                title=f"Evidence: {kind.label}",
                text="; ".join(d for d in details if d)
                + (f" (file {file_name}, SHA-256 {digest})" if digest else ""),
            )
        )
        _case_changed(
            session,
            signed_in,
            incident.id,
            "evidence.added",
            details={"kind": kind.value, "sha256": digest},
        )


@open_to_every_role("the cases this account may see")
def evidence_for(signed_in: SignedIn, incident_id: int) -> list[EvidenceItem]:
    with store_for(signed_in, incident_id).reading() as session:
        incident = _visible_incident(session, signed_in, incident_id)
        rows = session.scalars(
            select(Evidence).where(Evidence.incident_id == incident.id).order_by(Evidence.id)
        )
        return [
            EvidenceItem(
                id=e.id,
                kind=EvidenceKind(e.kind),
                description=e.description,
                url=e.url,
                held_where=e.held_where,
                held_by=e.held_by,
                file_name=e.file_name,
                sha256=e.sha256,
                recorded_by=e.recorded_by,
                recorded_at=_local(e.recorded_at),
            )
            for e in rows
        ]
