"""Agreement versions: each audience's wording (typed, or an imported PDF), a new version
that everyone signs again, and correcting the wording until somebody has signed it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from esafety_desktop.domain.aup import Audience, content_hash
from esafety_desktop.domain.roles import Permission
from esafety_desktop.errors import InvalidInput
from esafety_desktop.paths import resources_dir
from esafety_desktop.services.access import SignedIn
from esafety_desktop.services.agreements._common import AgreementVersion, _versions
from esafety_desktop.services.open_to_all import open_to_every_role
from esafety_desktop.storage.models import AupSignature, AupVersion


def starter_text(audience: Audience) -> str:
    """The app's own starter wording for an audience, which the school edits."""
    return (resources_dir() / "aup" / f"{audience.value}.txt").read_text(encoding="utf-8")


@open_to_every_role("every role reads the agreements in force")
def list_versions(signed_in: SignedIn) -> list[AgreementVersion]:
    with signed_in.database.reading() as session:
        return _versions(session)


def add_version(
    signed_in: SignedIn,
    audience: Audience,
    label: str,
    effective_from: date,
    text: str,
    *,
    pdf: bytes | None = None,
    pdf_name: str = "",
) -> int:
    """A new version of an audience's agreement: its text, or an imported PDF kept encrypted.
    Everyone in that audience signs again once it takes effect."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    label = label.strip()
    if not label:
        raise InvalidInput("Give the version a label, for example 2026/27.")
    if pdf is not None and not pdf.startswith(b"%PDF"):
        raise InvalidInput(f"{pdf_name or 'That file'} is not a PDF.")
    if pdf is None and not text.strip():
        raise InvalidInput("Write the agreement's text, or import it as a PDF.")
    with signed_in.database.transaction() as session:
        taken = session.scalar(
            select(AupVersion.id).where(
                AupVersion.audience == audience.value, AupVersion.label == label
            )
        )
        if taken is not None:
            raise InvalidInput(f"The {audience.label.lower()}' agreement already has {label}.")
        version = AupVersion(
            audience=audience.value,
            label=label,
            effective_from=effective_from,
            text=text.strip(),
            pdf=pdf,
            pdf_name=pdf_name or None,
            sha256=content_hash(pdf if pdf is not None else text.strip().encode("utf-8")),
            created_by_id=signed_in.account.id,
            created_at=signed_in.clock.utc_now(),
        )
        session.add(version)
        session.flush()
        signed_in.record(
            session,
            "agreement.version_added",
            subject_type="aup_version",
            subject_id=version.id,
            details={
                "audience": audience.value,
                "label": label,
                "from": effective_from.isoformat(),
                "sha256": version.sha256,
            },
        )
        return version.id


def change_version_text(signed_in: SignedIn, version_id: int, text: str) -> None:
    """Correct a version's wording, only while nobody has signed it."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    if not text.strip():
        raise InvalidInput("The agreement's text cannot be empty.")
    with signed_in.database.transaction() as session:
        version = session.get(AupVersion, version_id)
        if version is None:
            raise InvalidInput("That agreement no longer exists.")
        signed = session.scalar(
            select(AupSignature.id).where(AupSignature.version_id == version_id).limit(1)
        )
        if signed is not None:
            raise InvalidInput(
                "People have signed this version, so its wording cannot change. "
                "Add a new version instead; everyone then signs again."
            )
        if version.pdf is not None:
            raise InvalidInput("This version is an imported PDF: import a new version instead.")
        version.text = text.strip()
        version.sha256 = content_hash(version.text.encode("utf-8"))
        signed_in.record(
            session,
            "agreement.text_changed",
            subject_type="aup_version",
            subject_id=version_id,
            details={"sha256": version.sha256},
        )


def issue_starter_agreements(signed_in: SignedIn, effective_from: date, label: str) -> None:
    """One version for every audience from the app's starter texts."""
    signed_in.require(Permission.KEEP_AGREEMENTS)
    for audience in Audience:
        add_version(signed_in, audience, label, effective_from, starter_text(audience))


@open_to_every_role("every role reads the agreements in force")
def version_pdf(signed_in: SignedIn, version_id: int) -> bytes | None:
    with signed_in.database.reading() as session:
        version = session.get(AupVersion, version_id)
        return version.pdf if version is not None else None
