"""A review pack: one SQLCipher file holding copies of some cases for an offline review, and
what the reviewer adds to them.

The file has its own random key, made from the one-time passphrase (120 random bits, so no
password stretching is needed) and kept nowhere but in the school's own encrypted database.
It is written whole under a temporary name and renamed, and kept in rollback-journal mode, so
it is always one self-contained file. The cases are stored as the JSON of their printable
record with a SHA-256 each; the reviewer's entries form a hash chain, so an entry changed,
removed or slipped in outside the app breaks it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from esafety_desktop.errors import DatabaseExists, ProblemForUser
from esafety_desktop.storage.engine import problem_from_database_error
from esafety_desktop.storage.files import problem_from_os_error, sync_directory

FORMAT = "esafety-desktop-review-pack"
FORMAT_VERSION = 1
GENESIS = "0" * 64
SCHEMA = """
CREATE TABLE pack_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE pack_case (
    incident_id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    record TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE pack_attachment (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES pack_case (incident_id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE review_entry (
    sequence INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES pack_case (incident_id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    signed_on TEXT,
    recorded_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""


class PackProblem(ProblemForUser):
    """A review pack that cannot be opened, or is not what it says it is."""


def pack_key(secret: bytes) -> bytes:
    """The file's 256-bit key, from the passphrase's 120 random bits."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"esafety-desktop/review-pack/v1"
    ).derive(secret)


def record_hash(record_json: str) -> str:
    return hashlib.sha256(record_json.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PackCase:
    incident_id: int
    reference: str
    record: dict[str, Any]
    record_json: str
    sha256: str


@dataclass(frozen=True)
class PackEntry:
    sequence: int
    incident_id: int
    kind: str  # comment, reviewed, signed_off
    text: str
    reviewer: str
    signed_on: str | None  # ISO date the reviewer put to a sign-off
    recorded_at: str  # ISO date and time, UTC
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    content = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(bytes.fromhex(prev_hash) + content.encode("utf-8")).hexdigest()


def _entry_content(entry: PackEntry | dict[str, Any]) -> dict[str, Any]:
    raw = entry if isinstance(entry, dict) else entry.__dict__
    return {
        k: raw[k]
        for k in ("sequence", "incident_id", "kind", "text", "reviewer", "signed_on", "recorded_at")
    }


class PackFile:
    """An open review pack. :meth:`close` when done."""

    def __init__(self, path: Path, connection: Any) -> None:
        self.path = path
        self._connection = connection

    # -- making and opening --------------------------------------------------------------

    @classmethod
    def write(
        cls,
        path: Path,
        key: bytes,
        info: dict[str, str],
        cases: list[tuple[int, str, str]],
        attachments: Sequence[tuple[int, str, bytes]] = (),
    ) -> None:
        """Write a new pack with ``cases`` (id, reference, record JSON) and evidence files
        (case id, file name, bytes). Never replaces a file."""
        path = Path(path)
        if path.exists():
            raise DatabaseExists(str(path))
        temp = path.with_name(f".{path.name}.{os.getpid()}.writing")
        temp.unlink(missing_ok=True)
        try:
            connection = _connect(temp, key)
            try:
                connection.executescript(SCHEMA)
                with _transaction(connection, temp):
                    connection.executemany(
                        "INSERT INTO pack_info (key, value) VALUES (?, ?)",
                        [("format", FORMAT), ("version", str(FORMAT_VERSION)), *info.items()],
                    )
                    connection.executemany(
                        "INSERT INTO pack_case VALUES (?, ?, ?, ?)",
                        [(i, ref, rec, record_hash(rec)) for i, ref, rec in cases],
                    )
                    connection.executemany(
                        "INSERT INTO pack_attachment (incident_id, file_name, sha256, content) "
                        "VALUES (?, ?, ?, ?)",
                        [
                            (i, name, hashlib.sha256(data).hexdigest(), data)
                            for i, name, data in attachments
                        ],
                    )
            finally:
                connection.close()
            os.chmod(temp, 0o600)
            os.replace(temp, path)
            sync_directory(path.parent)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise problem_from_os_error(exc, path) from exc
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    @classmethod
    def open(cls, path: Path, key: bytes) -> PackFile:
        path = Path(path)
        if not path.is_file():
            raise PackProblem(f"There is no file at {path}.", "Choose the review pack file.")
        try:
            connection = _connect(path, key)
        except sqlcipher3.dbapi2.Error as exc:
            raise _not_opened(path) from exc
        try:
            rows = dict(connection.execute("SELECT key, value FROM pack_info").fetchall())
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise PackProblem(
                    f"The review pack {path.name} is damaged.",
                    "Ask for it to be sent again; it has not been changed.",
                )
        except sqlcipher3.dbapi2.DatabaseError as exc:
            connection.close()
            raise _not_opened(path) from exc
        except BaseException:
            connection.close()
            raise
        if rows.get("format") != FORMAT or rows.get("version") != str(FORMAT_VERSION):
            connection.close()
            raise PackProblem(
                f"{path.name} is not an eSafety Desktop review pack this version can read.",
                "It has not been changed.",
            )
        return cls(path, connection)

    def close(self) -> None:
        self._connection.close()

    # -- reading -------------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        return dict(self._connection.execute("SELECT key, value FROM pack_info").fetchall())

    def cases(self) -> list[PackCase]:
        rows = self._connection.execute(
            "SELECT incident_id, reference, record, sha256 FROM pack_case ORDER BY reference"
        ).fetchall()
        return [
            PackCase(int(i), str(r), json.loads(rec), str(rec), str(h)) for i, r, rec, h in rows
        ]

    def attachments(self, incident_id: int) -> list[tuple[str, bytes]]:
        rows = self._connection.execute(
            "SELECT file_name, content FROM pack_attachment WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        ).fetchall()
        return [(str(name), bytes(data)) for name, data in rows]

    def entries(self, incident_id: int | None = None) -> list[PackEntry]:
        query = "SELECT * FROM review_entry"
        params: tuple[Any, ...] = ()
        if incident_id is not None:
            query += " WHERE incident_id = ?"
            params = (incident_id,)
        rows = self._connection.execute(query + " ORDER BY sequence", params).fetchall()
        return [PackEntry(*row) for row in rows]

    def problems(self) -> list[str]:
        """What does not add up: a case whose record no longer matches its hash, an entry that
        was changed, removed or added outside the app."""
        found = [
            f"case {c.reference} was changed"
            for c in self.cases()
            if record_hash(c.record_json) != c.sha256
        ]
        records = {c.incident_id: c.record_json for c in self.cases()}
        for incident_id, name, digest, data in self._connection.execute(
            "SELECT incident_id, file_name, sha256, content FROM pack_attachment"
        ):
            # The case's record names each file's SHA-256, and the record itself is checked.
            if hashlib.sha256(data).hexdigest() != digest or digest not in records.get(
                incident_id, ""
            ):
                found.append(f"the evidence file {name} was changed")
        previous = GENESIS
        for number, entry in enumerate(self.entries(), start=1):
            if entry.sequence != number:
                found.append(f"review entry {number} is missing")
                break
            if entry.prev_hash != previous or entry.hash != entry_hash(
                previous, _entry_content(entry)
            ):
                found.append(f"review entry {number} was changed outside eSafety Desktop")
                break
            previous = entry.hash
        return found

    # -- the reviewer's additions ----------------------------------------------------------

    def add_entry(
        self,
        incident_id: int,
        *,
        kind: str,
        text: str,
        reviewer: str,
        signed_on: str | None,
        recorded_at: str,
    ) -> PackEntry:
        with _transaction(self._connection, self.path):
            last = self._connection.execute(
                "SELECT sequence, hash FROM review_entry ORDER BY sequence DESC LIMIT 1"
            ).fetchone()
            sequence, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
            content = {
                "sequence": sequence,
                "incident_id": incident_id,
                "kind": kind,
                "text": text,
                "reviewer": reviewer,
                "signed_on": signed_on,
                "recorded_at": recorded_at,
            }
            digest = entry_hash(previous, content)
            self._connection.execute(
                "INSERT INTO review_entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sequence,
                    incident_id,
                    kind,
                    text,
                    reviewer,
                    signed_on,
                    recorded_at,
                    previous,
                    digest,
                ),
            )
        return PackEntry(
            sequence, incident_id, kind, text, reviewer, signed_on, recorded_at, previous, digest
        )


def _connect(path: Path, key: bytes) -> Any:
    connection = sqlcipher3.dbapi2.connect(str(path), isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        for pragma in (
            "PRAGMA journal_mode = DELETE",  # one self-contained file, always
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA secure_delete = ON",
            "PRAGMA temp_store = MEMORY",
        ):
            connection.execute(pragma)
    except BaseException:
        connection.close()
        raise
    return connection


@contextlib.contextmanager
def _transaction(connection: Any, path: Path) -> Iterator[None]:
    """All or nothing; a full disk or a damaged file is said in plain words."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlcipher3.dbapi2.Error):
                connection.execute("ROLLBACK")
            raise
    except sqlcipher3.dbapi2.Error as exc:
        problem = problem_from_database_error(exc, path)
        if problem is None:
            raise
        raise problem from exc


def _not_opened(path: Path) -> PackProblem:
    return PackProblem(
        f"This passphrase does not open {path.name}, or the file is not a review pack.",
        "Check the passphrase you were given for this pack (each pack has its own). The file "
        "has not been changed.",
    )
