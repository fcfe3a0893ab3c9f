"""Restricted cases: each one sealed under its own case key, and opened into a room in memory.

A restricted case (an allegation about a member of staff or the headteacher; any case the DSL
restricts) is not in the database's ``incident`` tables at all. Its rows (the case, its people
and roles, chronology, evidence with its files, actions, device reviews, its search text and
its history) are one JSON document, sealed with AES-256-GCM under the case's own 32-byte key,
in one ``sealed_case`` row. The case key is wrapped (``keypairs.wrap_key``) to each account
that may see the case and to the recovery key, never to an account it is kept from.

For the accounts that hold its key, the case is opened into a *room*: a SQLite database in
memory with the school's schema, holding a copy of the register and accounts (to show names)
and every restricted case the account holds. The services read and write a restricted case
in the room with the same code as any case; after each change the case is sealed again and
written back in one signed transaction of the school database.

Ids: a restricted case numbered *k* has the id ``-k`` and its other rows the ids
``-(k * 2**32 + n)``, so a negative id always means "in the room", ids never clash between
cases, and the rows keep their ids whichever cases a room holds.
``docs/file-format.md`` describes the document and the wraps.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlcipher3
from sqlalchemy import (
    Date,
    DateTime,
    LargeBinary,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from esafety_desktop.storage.keypairs import canonical, seal, unseal
from esafety_desktop.storage.models import (
    Account,
    Base,
    DeviceReview,
    Evidence,
    Incident,
    IncidentAction,
    IncidentEntry,
    IncidentPerson,
    Person,
    PersonLink,
    SchoolSetting,
)

FORMAT = 1
CASE_SPAN = 2**32
# The tables a case's rows live in (each row names its case by ``incident_id``).
CASE_TABLES: tuple[type[Base], ...] = (
    IncidentPerson,
    IncidentEntry,
    Evidence,
    IncidentAction,
    DeviceReview,
)
# Copied from the school database into each room, so the room can show names and roles.
REFERENCE_TABLES: tuple[type[Base], ...] = (SchoolSetting, Account, Person, PersonLink)
# Set on a room session: the restricted case number its new rows belong to.
CASE_NUMBER = "esafety_sealed_case"
# Set on a room session: the cases its work changed.
_TOUCHED = "esafety_cases_touched"


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def case_number(incident_id: int) -> int:
    """The restricted case a room id belongs to (``-k`` is case *k*'s own row)."""
    if incident_id >= 0:
        raise ValueError("not a restricted case's id")
    return -incident_id if -incident_id < CASE_SPAN else -incident_id // CASE_SPAN


def case_reference(number: int) -> str:
    """Restricted cases have their own series, so the main series shows no gap."""
    return f"R-{number:04d}"


def case_key_context(database_id: str, number: int, recipient: str) -> dict[str, Any]:
    """The context a case key's wrap binds in (``docs/file-format.md`` section 17)."""
    return {"database_id": database_id, "to": recipient, "key": "restricted case", "case": number}


def document_associated(database_id: str, number: int) -> bytes:
    """The associated data of a case's sealed document and of its audit entries' details."""
    return canonical({"database_id": database_id, "sealed": "restricted case", "case": number})


def seal_document(
    key: bytes | bytearray, database_id: str, number: int, doc: dict[str, Any]
) -> bytes:
    return seal(key, canonical(doc), document_associated(database_id, number))


def open_document(
    key: bytes | bytearray, database_id: str, number: int, sealed: bytes
) -> dict[str, Any]:
    """The case's document; ``WrongKeys`` if the key does not open it or it was altered."""
    raw = json.loads(unseal(key, sealed, document_associated(database_id, number)))
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError("not a restricted case this version can read")
    return raw


# -- rows as JSON ------------------------------------------------------------------------


def _encode(table: Table, row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row._mapping[column.name]
        if value is None:
            out[column.name] = None
        elif isinstance(column.type, LargeBinary):
            out[column.name] = base64.b64encode(value).decode("ascii")
        elif isinstance(value, datetime | date):
            out[column.name] = value.isoformat()
        else:
            out[column.name] = value
    return out


def _decode(table: Table, raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = raw.get(column.name)
        if value is None:
            out[column.name] = None
        elif isinstance(column.type, LargeBinary):
            out[column.name] = base64.b64decode(value)
        elif isinstance(column.type, DateTime):
            out[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            out[column.name] = date.fromisoformat(value)
        else:
            out[column.name] = value
    return out


def case_rows(session: Session, incident_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of one case (its own people kept with it included), as JSON-ready dicts."""
    tables: dict[str, list[dict[str, Any]]] = {}
    incident = _table(Incident)
    tables[incident.name] = [
        _encode(incident, r)
        for r in session.execute(select(incident).where(incident.c.id == incident_id))
    ]
    for model in CASE_TABLES:
        table = _table(model)
        rows = session.execute(
            select(table).where(table.c.incident_id == incident_id).order_by(table.c.id)
        )
        tables[table.name] = [_encode(table, r) for r in rows]
    person = _table(Person)
    linked = {r["person_id"] for r in tables[IncidentPerson.__tablename__]}
    number = case_number(incident_id) if incident_id < 0 else None
    # Only the people kept with this case itself (its own span of ids): never one kept with
    # another restricted case, whatever a link says.
    own = sorted(p for p in linked if number is not None and _in_span(p, number))
    tables[person.name] = [
        _encode(person, r) for r in session.execute(select(person).where(person.c.id.in_(own)))
    ]
    return tables


def search_text(session: Session, incident_id: int) -> str:
    found = session.execute(
        text("SELECT body FROM incident_search WHERE rowid = :id"), {"id": incident_id}
    ).scalar()
    return str(found or "")


# -- the room ----------------------------------------------------------------------------


class CaseRoom:
    """The restricted cases one account holds, open in memory while it is signed in.

    Every session on the room runs under one lock: the room has one connection. A session
    asked for while one is open on the same thread is that same session (a service that calls
    another must not roll back its caller's work)."""

    def __init__(self) -> None:
        self.engine = create_engine(
            "sqlite://",
            module=sqlcipher3.dbapi2,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE VIRTUAL TABLE incident_search USING fts5(body, tokenize = 'unicode61')"
            )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.RLock()
        self._open: Session | None = None
        self._owner: int | None = None
        self.versions: dict[int, int] = {}  # each case held: the version of it loaded
        self.reference_mark: object = None  # the school database's state the copies are of

    @contextmanager
    def session(self, number: int | None = None, *, writing: bool = False) -> Iterator[Session]:
        """A session on the room. ``writing``: its work is flushed and the caller seals it;
        otherwise it is rolled back, whatever happens."""
        with self._lock:
            if self._open is not None:
                yield self._open
                return
            session = self._sessions()
            session.info[CASE_NUMBER] = number
            session.info[_TOUCHED] = set()
            event.listen(session, "before_flush", _give_ids)
            self._open = session
            self._owner = threading.get_ident()
            try:
                yield session
                if writing:
                    session.flush()
            except BaseException:
                session.rollback()
                raise
            finally:
                self._open = None
                self._owner = None
                if not writing:
                    session.rollback()
                    session.close()

    def busy_here(self) -> bool:
        """A session is open on this thread (a service called from within another)."""
        return self._open is not None and self._owner == threading.get_ident()

    def finish(self, session: Session, saved: bool) -> None:
        """After the caller sealed a writing session's cases: keep its work, or drop it."""
        if saved:
            session.commit()
        else:
            session.rollback()
        session.close()

    @staticmethod
    def touched(session: Session) -> set[int]:
        """The cases a writing session changed."""
        found: set[int] = session.info.get(_TOUCHED, set())
        return found

    # -- filling ------------------------------------------------------------------------

    def copy_reference(self, school: Session) -> None:
        """Copy the register, accounts and settings from the school database (people kept with
        a restricted case stay as they are). Raw rows, column by column: a school's whole
        register is copied in milliseconds (``bench/restricted_cases.py``)."""
        source = school.connection()
        with self._lock, self.engine.begin() as connection:
            for model in REFERENCE_TABLES:
                table = _table(model)
                if model is Person:
                    connection.execute(delete(table).where(table.c.id > 0))
                else:
                    connection.execute(delete(table))
                names = [c.name for c in table.columns]
                listed = ", ".join(f'"{n}"' for n in names)
                rows = source.exec_driver_sql(f'SELECT {listed} FROM "{table.name}"').fetchall()
                if rows:
                    marks = ", ".join("?" for _ in names)
                    connection.connection.driver_connection.executemany(  # type: ignore[union-attr]
                        f'INSERT INTO "{table.name}" ({listed}) VALUES ({marks})', rows
                    )

    def put_case(self, number: int, version: int, document: dict[str, Any]) -> None:
        """Load (or reload) one case from its opened document."""
        with self._lock, self.engine.begin() as connection:
            _drop_case(connection, number)
            tables: dict[str, Any] = document.get("tables", {})
            models: tuple[type[Base], ...] = (Person, Incident, *CASE_TABLES)
            for model in models:
                table = _table(model)
                rows = [_decode(table, r) for r in tables.get(table.name, [])]
                if any(not _belongs(table.name, r, number) for r in rows):
                    raise ValueError("a restricted case holds rows of another case")
                if rows:
                    connection.execute(insert(table), rows)
            connection.execute(
                text("INSERT INTO incident_search (rowid, body) VALUES (:id, :body)"),
                {"id": -number, "body": str(document.get("search", ""))},
            )
        self.versions[number] = version

    def drop_case(self, number: int) -> None:
        with self._lock, self.engine.begin() as connection:
            _drop_case(connection, number)
        self.versions.pop(number, None)

    def close(self) -> None:
        self.engine.dispose()
        self.versions.clear()


def _in_span(row_id: int, number: int) -> bool:
    return bool(-(number + 1) * CASE_SPAN < row_id <= -number * CASE_SPAN)


def _belongs(table: str, row: dict[str, Any], number: int) -> bool:
    low, high = -(number + 1) * CASE_SPAN, -number * CASE_SPAN
    if table == Incident.__tablename__:
        return bool(row["id"] == -number)
    ok = low < row["id"] <= high
    if table != Person.__tablename__:
        ok = ok and row["incident_id"] == -number
    if table == IncidentPerson.__tablename__ and row["person_id"] < 0:
        ok = ok and _in_span(row["person_id"], number)  # never a person kept with another case
    return bool(ok)


def _drop_case(connection: Any, number: int) -> None:
    low, high = -(number + 1) * CASE_SPAN, -number * CASE_SPAN
    for model in CASE_TABLES:
        table = _table(model)
        connection.execute(delete(table).where(table.c.incident_id == -number))
    person = _table(Person)
    connection.execute(delete(person).where(person.c.id > low, person.c.id <= high))
    connection.execute(delete(_table(Incident)).where(_table(Incident).c.id == -number))
    connection.execute(text("DELETE FROM incident_search WHERE rowid = :id"), {"id": -number})


def _give_ids(session: Session, _context: Any, _instances: Any) -> None:
    """New rows in the room take ids in their case's span (see the module's docstring)."""
    touched: set[int] = session.info[_TOUCHED]
    for instance in list(session.new) + list(session.dirty) + list(session.deleted):
        number = _number_of(session, instance)
        if number is not None:
            touched.add(number)
    for instance in session.new:
        if getattr(instance, "id", None) is not None:
            continue
        number = _number_of(session, instance)
        if number is None:
            raise ValueError(f"a new {type(instance).__name__} in the room belongs to no case")
        if isinstance(instance, Incident):
            instance.id = -number
            continue
        table = _table(type(instance))
        lowest = session.execute(
            select(func.min(table.c.id)).where(
                table.c.id <= -number * CASE_SPAN, table.c.id > -(number + 1) * CASE_SPAN
            )
        ).scalar()
        counter: dict[str, int] = session.info.setdefault("esafety_next_ids", {})
        start = lowest if lowest is not None else -number * CASE_SPAN
        following = min(counter.get(f"{table.name}:{number}", start), start) - 1
        counter[f"{table.name}:{number}"] = following
        instance.id = following


def _number_of(session: Session, instance: Any) -> int | None:
    if isinstance(instance, Incident):
        found: int | None = instance.id  # None until the room gives it one
        return case_number(found) if found is not None else session.info.get(CASE_NUMBER)
    incident_id = getattr(instance, "incident_id", None)
    if incident_id is not None and incident_id < 0:
        return case_number(incident_id)
    if isinstance(instance, Person) and instance.id is not None and instance.id > 0:
        return None  # the register's copy: never written in the room
    if isinstance(instance, Person) and (instance.id is None or instance.id < 0):
        return session.info.get(CASE_NUMBER) if instance.id is None else case_number(instance.id)
    if type(instance) in (*CASE_TABLES, Person):
        return session.info.get(CASE_NUMBER)
    return None


def held_numbers(room: CaseRoom) -> Iterable[int]:
    return sorted(room.versions)
