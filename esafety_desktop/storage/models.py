"""Tables. Schema changes go through Alembic migrations (storage/migrations), never create_all."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
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
