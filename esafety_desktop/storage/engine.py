"""The encrypted SQLAlchemy engine (SQLCipher 4 through sqlcipher3) and SQLite error sorting."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from esafety_desktop.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DiskFull,
    ProblemForUser,
    ReadOnlyLocation,
)

# SQLite primary result codes (https://sqlite.org/rescode.html)
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26


# How long a write waits for another program's lock before the database is "busy".
BUSY_TIMEOUT_SECONDS = 5.0
# SQLCipher wipes the memory it frees (issue 19). It doubles the time of each save and adds
# about 80 ms to a sign-in (bench/sign_in_and_record.py); tests turn it off for speed, as they
# make Argon2 cheap, and tests/security/test_errors_and_memory.py checks it as shipped.
WIPE_FREED_MEMORY = True
# The execution option a writing transaction's connection carries.
WRITING = "esafety_writing"


def create_encrypted_engine(
    path: Path, data_key: bytes | bytearray, *, read_only: bool = False
) -> Engine:
    """An engine whose every connection is keyed first, then set up for safe writing.

    ``read_only`` opens the file so that not one byte of it can change (a backup being
    checked): SQLite refuses every write, and the journal mode is left as it is."""
    if len(data_key) != 32:
        raise ValueError("the data key has 32 bytes")
    # The key is read from ``data_key`` (which the database wipes on closing) at each connection,
    # never kept as text between connections (issue 19).
    key = data_key
    engine = create_engine(
        (
            f"sqlite:///file:{quote(path.as_posix(), safe='/:')}?mode=ro&uri=true"
            if read_only
            else f"sqlite:///{path}"
        ),
        module=sqlcipher3.dbapi2,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        # An error names the statement, never its values (a pupil's name, a date of birth),
        # in a console, a Task Scheduler log or a bug report.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _key_and_configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's recipe
        # for pysqlite-style drivers), so SAVEPOINTs and rollbacks behave.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA cipher_log_level = NONE")
            if not any(key):
                raise sqlcipher3.dbapi2.OperationalError("the database was closed")
            cursor.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")  # first to touch the file
            wipe = "ON" if WIPE_FREED_MEMORY else "OFF"
            cursor.execute(f"PRAGMA cipher_memory_security = {wipe}")  # freed memory is wiped
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA temp_store = MEMORY")
            if not read_only:
                cursor.execute("PRAGMA synchronous = FULL")
                cursor.execute("PRAGMA secure_delete = ON")
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A unit of work takes SQLite's write lock at once (waiting up to the busy timeout for
        # another program), instead of failing half-way when its first write finds the
        # snapshot it read from already out of date.
        writing = connection.get_execution_options().get(WRITING, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def problem_from_database_error(exc: BaseException, path: Path) -> ProblemForUser | None:
    """Sort a SQLite error into the environment's fault (returned) or a bug (``None``)."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(original, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary == _SQLITE_FULL:
        return DiskFull()
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseBusy()
    if primary in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        return ReadOnlyLocation(str(path.parent))
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return damaged(path)
    if primary == _SQLITE_IOERR:
        return DatabaseDamaged(
            f"The computer could not read or write the database file {path.name}.",
            "The disk or USB drive may be failing or was removed. Do not use the database "
            "until it has been checked; restore the newest backup if the check fails.",
        )
    return None


def damaged(path: Path) -> DatabaseDamaged:
    return DatabaseDamaged(
        f"The school database {path.name} is damaged: its pages do not match its key.",
        "It has not been changed. Restore the newest backup, and keep the damaged file for "
        "your IT support.",
    )
