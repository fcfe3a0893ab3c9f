"""Tables. Schema changes go through Alembic migrations (storage/migrations), never create_all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
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
