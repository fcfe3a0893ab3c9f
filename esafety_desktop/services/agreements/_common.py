"""What every part of the register reads: the agreement versions, with how often each has
been signed. Here rather than in ``versions`` so that signing, the register and the
printouts read them without importing each other."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.aup import Audience, Version
from esafety_desktop.storage.models import AupSignature, AupVersion


@dataclass(frozen=True)
class AgreementVersion:
    id: int
    audience: Audience
    label: str
    effective_from: date
    text: str
    sha256: str
    pdf_name: str | None
    signatures: int

    @property
    def facts(self) -> Version:
        return Version(self.id, self.audience, self.label, self.effective_from)


def _versions(session: Session) -> list[AgreementVersion]:
    counts = Counter(session.scalars(select(AupSignature.version_id)))
    return [
        AgreementVersion(
            id=v.id,
            audience=Audience(v.audience),
            label=v.label,
            effective_from=v.effective_from,
            text=v.text,
            sha256=v.sha256,
            pdf_name=v.pdf_name,
            signatures=counts[v.id],
        )
        for v in session.scalars(
            select(AupVersion).order_by(AupVersion.audience, AupVersion.effective_from)
        )
    ]
