"""Tables. Schema changes go through Alembic migrations (storage/migrations), never create_all."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SchoolSetting(Base):
    """One school-wide setting; ``value`` is JSON text."""

    __tablename__ = "school_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Account(Base):
    """A person who signs in. Removed accounts stay, so the audit log can still name them."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One line of the append-only, hash-chained audit log (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC, hashed as written
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # From 0010: the account that signed it (its user name, or "recovery key"), the Ed25519
    # signature (base64), and on a transaction's last entry the hash of the rows it wrote.
    signer: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(100))
    rows_hash: Mapped[str | None] = mapped_column(String(64))


class RosterRecord(Base):
    """The hash of each change to the key file's signed roster, as the database saw it made
    (append-only). Sign-in refuses a key file whose roster does not continue this record."""

    __tablename__ = "roster_record"

    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    signed_by: Mapped[str] = mapped_column(String(64))


class RowSeal(Base):
    """The hash of one row as a transaction left it (append-only: triggers refuse changes).
    The newest seal of each row must match the row, or ``verify`` names it."""

    __tablename__ = "row_seal"
    __table_args__ = (Index("ix_row_seal_row", "table_name", "row_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, index=True)  # the audit entry that wrote it
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))  # or "deleted"


class Person(Base):
    """Anyone a record can be about: a pupil, staff or volunteer, parent or carer, or visitor.

    Never deleted while anything refers to them; leavers get a leaving date instead."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("kind", "mis_id", name="uq_person_kind_mis_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    forename: Mapped[str] = mapped_column(String(100))  # legal forename
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    upn: Mapped[str | None] = mapped_column(String(13), unique=True)
    mis_id: Mapped[str | None] = mapped_column(String(40))
    year_group: Mapped[str | None] = mapped_column(String(4))
    class_name: Mapped[str | None] = mapped_column(String(40))
    send: Mapped[bool] = mapped_column(default=False)
    eal: Mapped[bool] = mapped_column(default=False)
    looked_after: Mapped[bool] = mapped_column(default=False)
    role: Mapped[str | None] = mapped_column(String(100))  # staff: job; parent: usual relationship
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    laptop_asset_tag: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None]
    leaving_date: Mapped[date | None]
    destination: Mapped[str | None] = mapped_column(String(200))
    possible_leaver_since: Mapped[date | None]  # missing from a full-roll import; DSL confirms
    # Someone recorded only on a case (an unknown or online person, another school's pupil, a
    # family member) is not on the school's register, its lists or its agreements.
    in_register: Mapped[bool] = mapped_column(default=True, server_default="1")
    description: Mapped[str | None] = mapped_column(Text)  # what is known of them
    online_identities: Mapped[str | None] = mapped_column(Text)  # usernames, profile addresses
    platform: Mapped[str | None] = mapped_column(String(200))
    approximate_age: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PersonLink(Base):
    """A parent or carer linked to a pupil."""

    __tablename__ = "person_link"
    __table_args__ = (UniqueConstraint("parent_id", "pupil_id", name="uq_person_link"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(60))
    parental_responsibility: Mapped[bool] = mapped_column(default=False)


class Incident(Base):
    """One online-safety incident, from its report to its close."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. OS-2026-0007
    status: Mapped[str] = mapped_column(String(24), index=True)
    incident_type: Mapped[str | None] = mapped_column(String(40), index=True)
    branch: Mapped[str | None] = mapped_column(String(12))  # illegal / unsuitable
    category: Mapped[str | None] = mapped_column(String(12))  # content, contact, conduct, commerce
    summary: Mapped[str] = mapped_column(Text)  # what happened, in factual words
    child_words: Mapped[str] = mapped_column(Text)  # the child's own words, as said
    location: Mapped[str | None] = mapped_column(String(12))
    online_service: Mapped[str | None] = mapped_column(String(200))
    reported_by: Mapped[str] = mapped_column(String(200))
    reported_at: Mapped[datetime]
    occurred_at: Mapped[datetime | None]
    # An allegation about an account holder is hidden from that account.
    concerns_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    routed_to: Mapped[str | None] = mapped_column(String(40))
    misuse_category: Mapped[str | None] = mapped_column(String(8))  # C1..C4, pupil misuse
    created_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class SealedCase(Base):
    """A restricted case, sealed under its own key (storage/case_room.py): only its number, its
    version and its key wrapped to each account that may see it are in clear."""

    __tablename__ = "sealed_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the case's number (R-0001)
    version: Mapped[int] = mapped_column(Integer)  # one more on every change
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # nonce, AES-256-GCM ciphertext and tag
    keys: Mapped[str] = mapped_column(Text)  # JSON {recipient: wrapped case key}


class IncidentPerson(Base):
    __tablename__ = "incident_person"
    __table_args__ = (
        UniqueConstraint("incident_id", "person_id", "role", name="uq_incident_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    year_group: Mapped[str | None] = mapped_column(String(4))  # a pupil's, when the case began


class IncidentEntry(Base):
    """One line of a case's chronology. Never changed: a correction is a new entry that points
    at the one it corrects, with who, when and why."""

    __tablename__ = "incident_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    recorded_at: Mapped[datetime]
    author_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # step, note, correction, status…
    step_id: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    choice: Mapped[str | None] = mapped_column(String(300))
    reasons: Mapped[str] = mapped_column(Text)
    done_by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(Text)
    reference_kind: Mapped[str | None] = mapped_column(String(24))
    reference_value: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("incident_entry.id"))
    # An action step's answer: done, to do or not needed (None on entries from before 0008;
    # "unconfirmed" on the correction 0008 added to an old step done with no outcome).
    state: Mapped[str | None] = mapped_column(String(12))
    happened_at: Mapped[datetime | None]  # when it was done, if not when it was recorded
    owner: Mapped[str | None] = mapped_column(String(200))  # to do: who will do it
    due: Mapped[date | None]  # to do: by when
    more_references: Mapped[str | None] = mapped_column(Text)  # JSON [[kind, value], …]


class IncidentDraft(Base):
    """A wizard in progress, saved as the DSL types (encrypted like everything else)."""

    __tablename__ = "incident_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[datetime]


class Evidence(Base):
    """A web address, a device held (with its custody) or a description; a screenshot is kept
    inside the encrypted database with its SHA-256. Never changed or removed."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # url, device, description, screenshot
    description: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    held_where: Mapped[str | None] = mapped_column(String(200))
    held_by: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(300))
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class IncidentAction(Base):
    """Something someone must do for a case, by a date."""

    __tablename__ = "incident_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[date]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    step_id: Mapped[str | None] = mapped_column(String(60))  # a flowchart step still to do


class DeviceReview(Base):
    """A review of devices or internet sites by two senior staff (its fields as JSON)."""

    __tablename__ = "device_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    data: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class AupVersion(Base):
    """One version of an audience's Acceptable Use Agreement: its text (or an imported PDF),
    label, the day it takes effect and the SHA-256 of exactly what is signed."""

    __tablename__ = "aup_version"
    __table_args__ = (UniqueConstraint("audience", "label", name="uq_aup_version_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience: Mapped[str] = mapped_column(String(24), index=True)
    label: Mapped[str] = mapped_column(String(80))
    effective_from: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_name: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime]


class AupSignature(Base):
    """Who signed which version, when and how. Never changed: a correction replaces a row (or
    withdraws it) with a new one that says who, when and why."""

    __tablename__ = "aup_signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("aup_version.id"), index=True)
    signed_on: Mapped[date]
    how: Mapped[str] = mapped_column(String(16))
    parent_signed: Mapped[bool] = mapped_column(default=False)
    laptop: Mapped[str | None] = mapped_column(String(40))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("aup_signature.id"))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    why: Mapped[str] = mapped_column(Text, default="")


class FileTransfer(Base):
    """A pupil's safeguarding file sent to their new school, and the receipt confirmed."""

    __tablename__ = "file_transfer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    sent_to: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date]
    how: Mapped[str] = mapped_column(String(200))
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    sent_by_name: Mapped[str] = mapped_column(String(200))
    receipt_confirmed_on: Mapped[date | None]
    receipt_confirmed_by: Mapped[str | None] = mapped_column(String(200))
    confirmation_recorded_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class ReviewPack(Base):
    """Cases handed over for an offline review, and when the review came back."""

    __tablename__ = "review_pack"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(32), unique=True)
    exported_at: Mapped[datetime]
    exported_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    exported_by_name: Mapped[str] = mapped_column(String(200))
    reviewer: Mapped[str] = mapped_column(String(200))
    pack_key: Mapped[str] = mapped_column(String(64))  # hex; only ever inside this database
    cases: Mapped[str] = mapped_column(Text)  # JSON: incident id -> SHA-256 of what was sent
    imported_at: Mapped[datetime | None]  # the latest import
    imported_by_name: Mapped[str | None] = mapped_column(String(200))
    # JSON list of the hashes of the pack's entries already imported (a pack can come back more
    # than once); NULL on a pack imported before 0009, which did not keep them.
    imported_entries: Mapped[str | None] = mapped_column(Text)
