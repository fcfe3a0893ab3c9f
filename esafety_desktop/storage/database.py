"""One open school database: the encrypted engine, its key-slot file and the data key."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from esafety_desktop.errors import (
    DatabaseClosed,
    DatabaseDamaged,
    DatabaseExists,
    KeyFileProblem,
    NotOurDatabase,
    ProblemForUser,
)
from esafety_desktop.storage import audit, history, keyslots, rotation
from esafety_desktop.storage.backup import back_up_before_upgrade
from esafety_desktop.storage.engine import (
    WRITING,
    create_encrypted_engine,
    problem_from_database_error,
)
from esafety_desktop.storage.files import DatabaseFiles, problem_from_os_error
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keypairs import PrivateKeys, PublicKeys
from esafety_desktop.storage.keyslots import AuditAnchor
from esafety_desktop.storage.migrate import needs_upgrade, upgrade_to_head
from esafety_desktop.storage.models import RosterRecord, SchoolSetting

DATABASE_ID_SETTING = "database_id"
log = logging.getLogger(__name__)


class SchoolDatabase:
    """Holds the data key for as long as the database is open; :meth:`close` wipes it.

    **One writer.** Units of work never overlap, whichever thread runs them: a transaction,
    the key-slot file it saves and the audit anchor it moves are all done under one lock, which
    this object owns. Nothing else writes the key file or the anchor. Reads run beside writes
    (SQLite's WAL gives each its own snapshot) and never share a session with one."""

    def __init__(
        self,
        files: DatabaseFiles,
        key_slots: KeySlotFile,
        data_key: bytearray,
        *,
        read_only: bool = False,
    ) -> None:
        self.files = files
        self.key_slots = key_slots
        self._data_key = data_key
        # The signed-in account's private keys (to sign roster changes and audit entries, and
        # to open restricted cases); None until a session starts, or for a version 1 slot.
        self.keys: PrivateKeys | None = None
        self.signer_name: str | None = None  # the account the session's entries are signed by
        # Called after each commit that moved the audit anchor (the session keeps this PC's
        # record of the newest state up to date, so a copy taken mid-session is noticed).
        self.after_commit: Callable[[], None] | None = None
        # Called on closing (the session's restricted cases, open in memory, are wiped).
        self.closing: list[Callable[[], None]] = []
        self._sealing = False  # records are sealed (once begun it never stops)
        self._unsaved_slots = False
        self.read_only = read_only
        # Set when a check or a statement finds the file damaged: from then on nothing is
        # written to it, so the damage cannot spread and the file stays as evidence.
        self.damage: DatabaseDamaged | None = None
        self.closed = False
        self._writer = threading.RLock()
        self._reader_gate = threading.Condition()
        self._readers = 0
        self._swapping = False
        self.engine = create_encrypted_engine(files.database, data_key, read_only=read_only)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def database_id(self) -> str:
        return self.key_slots.database_id

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, files: DatabaseFiles) -> SchoolDatabase:
        """Make a new, empty database at the current schema. Refuses to replace any file."""
        for path in (files.database, files.key_slots, files.wal):
            if path.exists():
                raise DatabaseExists(str(path))
        try:
            files.database.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise problem_from_os_error(exc, files.database) from exc
        key_slots = KeySlotFile(path=files.key_slots, database_id=uuid.uuid4().hex)
        database = cls(files, key_slots, keyslots.new_data_key())
        try:
            with database._translated_errors():
                upgrade_to_head(database.engine)
                with database.transaction() as session:
                    session.add(
                        SchoolSetting(
                            key=DATABASE_ID_SETTING, value=json.dumps(key_slots.database_id)
                        )
                    )
            key_slots.database_salt = _file_salt(files)
        except BaseException:
            database.close()
            for path in (files.database, files.wal, files.shm):
                path.unlink(missing_ok=True)  # only the files this call just made
            raise
        return database

    @classmethod
    def open(
        cls,
        files: DatabaseFiles,
        key_slots: KeySlotFile,
        data_key: bytearray,
        *,
        migrate: bool = True,
    ) -> SchoolDatabase:
        """Open with a data key already taken from a slot, checking the file really is ours."""
        if not files.database.exists():
            raise KeyFileProblem(
                f"The key file is here but the database {files.database.name} is missing.",
                "Restore the database from the backup the key file came with.",
            )
        database = cls(files, key_slots, data_key)
        try:
            with database._translated_errors():
                with database.engine.connect() as connection:
                    connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
                stored_id = database._stored_database_id()
                if stored_id != key_slots.database_id:
                    raise NotOurDatabase(
                        f"{files.database.name} is not an eSafety Desktop school database, or "
                        f"the key file {files.key_slots.name} belongs to a different one.",
                        "Put back the key file that was made with this database. Neither file "
                        "has been changed.",
                    )
                database.check_on_opening()
                if migrate and needs_upgrade(database.engine):
                    back_up_before_upgrade(database)
                    upgrade_to_head(database.engine)
        except DatabaseDamaged:
            database.close()
            salt = _file_salt(files)
            if key_slots.database_salt and salt and salt != key_slots.database_salt:
                raise NotOurDatabase(
                    f"{files.database.name} does not match its key file "
                    f"{files.key_slots.name}: either the database file was replaced by another "
                    "file, or the key file belongs to a different school database.",
                    "Put back the pair of files that belong together (a backup keeps them "
                    "together). Neither file has been changed.",
                ) from None
            raise
        except BaseException:
            database.close()
            raise
        return database

    def _stored_database_id(self) -> str | None:
        with self.engine.connect() as connection:
            if not inspect(connection).has_table(SchoolSetting.__tablename__):
                return None  # a SQLCipher database, but not one of ours
        with self._sessions() as session:
            value = session.scalar(
                select(SchoolSetting.value).where(SchoolSetting.key == DATABASE_ID_SETTING)
            )
        return None if value is None else str(json.loads(value))

    # -- using ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: committed as a whole, or not at all.

        Changed key slots are written before the commit, so a key file that cannot be written
        (disk full) stops the change. The audit anchor moves after the commit; if that write
        fails the change stands and the anchor catches up with the next entry (``verify``
        accepts an anchor that is behind but whose entry is intact)."""
        if self.damage is not None:
            raise self.damage
        self._refuse_if_closed()
        with self._writer:
            self._refuse_if_closed()  # closed while this one waited its turn
            session = self._sessions()
            history.watch(session)
            try:
                with self._translated_errors(), session.begin():
                    session.connection(execution_options={WRITING: True})
                    yield session
                    if self._unsaved_slots:
                        self._record_roster(session)
                    sealing = history.seal_written(session, self.signer_name, begun=self._sealing)
                    audit.finish(session, self.signer())
                    if self._unsaved_slots:
                        self.key_slots.save()
                        self._unsaved_slots = False
                self._sealing = sealing  # committed: sealing has begun, or not yet
                tail = session.info.pop(audit.PENDING_ANCHOR, None)
                if tail is not None:
                    try:
                        self._move_anchor(*tail)
                    except (ProblemForUser, OSError) as exc:
                        log.warning(
                            "The audit anchor could not be written (%s)", type(exc).__name__
                        )
                    if self.after_commit is not None:
                        self.after_commit()
            finally:
                session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only look: whatever happens, nothing is committed."""
        self._refuse_if_closed()
        with self._reader_gate:
            while self._swapping:
                self._reader_gate.wait()
            self._readers += 1
        session = self._sessions()
        try:
            with self._translated_errors():
                yield session
        finally:
            session.rollback()
            session.close()
            with self._reader_gate:
                self._readers -= 1
                self._reader_gate.notify_all()

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except (DBAPIError, sqlcipher3.dbapi2.Error) as exc:
            problem = problem_from_database_error(exc, self.files.database)
            if problem is None:
                raise
            if isinstance(problem, DatabaseDamaged):
                self.damage = problem
            raise problem from exc

    def _move_anchor(self, sequence: int, hash_: str) -> None:
        """Only the anchor changes, in the key file as it is on disk: another program (a
        password changed from the command line) may have saved it since this one read it."""
        seal = keyslots.seal_anchor(self._data_key, self.database_id, sequence, hash_)
        anchor = AuditAnchor(sequence=sequence, hash=hash_, seal=seal)
        self._reload_key_slots()
        self.key_slots.audit_anchor = anchor
        self.key_slots.save()

    def anchor_is_genuine(self) -> bool:
        with self._writer:
            anchor = self.key_slots.audit_anchor
            return anchor is not None and keyslots.anchor_is_genuine(
                anchor, self._data_key, self.database_id
            )

    @contextmanager
    def audit_snapshot(self) -> Iterator[tuple[Session, AuditAnchor | None, bool]]:
        """A read-only session and the audit anchor as they were at one moment: the session's
        snapshot is taken while no write can commit, so the anchor names its newest entry."""
        with self.reading() as session:
            with self._writer:
                anchor = self.key_slots.audit_anchor
                genuine = self.anchor_is_genuine()
                session.execute(text("SELECT count(*) FROM audit_entry")).scalar()  # snapshot
            yield session, anchor, genuine

    @contextmanager
    def changing_key_slots(self) -> Iterator[KeySlotFile]:
        """Change slots in memory; the next transaction writes them just before it commits.
        If anything fails they are put back as they were. No other write runs meanwhile."""
        with self._writer:
            self._reload_key_slots()
            before = self.key_slots.snapshot()
            self._unsaved_slots = True
            try:
                yield self.key_slots
            except BaseException:
                self.key_slots.restore(before)
                self._unsaved_slots = False
                raise

    # -- key slots -----------------------------------------------------------------------

    def _record_roster(self, session: Session) -> None:
        """Record in the database each roster change the key file gained in this unit of work
        (and any an earlier one saved to the key file but could not commit)."""
        recorded = session.scalar(select(func.max(RosterRecord.sequence))) or 0
        for entry in self.key_slots.signed.entries[recorded:]:
            session.add(
                RosterRecord(
                    sequence=entry.sequence,
                    hash=entry.hash(self.database_id),
                    signed_by=entry.signed_by,
                )
            )
        session.flush()

    def roster_problem(self, key_slots: KeySlotFile | None = None) -> str | None:
        """Why the key file's roster (``key_slots``, or the one in use) does not continue the
        one this database recorded (a re-founded, older or version 1 key file), or None."""
        key_slots = key_slots if key_slots is not None else self.key_slots
        with self.reading() as session:
            recorded = [
                (row[0], str(row[1]))
                for row in session.execute(
                    select(RosterRecord.sequence, RosterRecord.hash).order_by(RosterRecord.sequence)
                )
            ]
        entries = key_slots.signed.entries
        if recorded and not entries:
            return "it is an older kind of key file than this database's."
        if len(recorded) > len(entries):
            return (
                "its list of accounts is older than the one this database recorded: an older "
                "key file was put back."
            )
        for number, (sequence, recorded_hash) in enumerate(recorded, start=1):
            if sequence != number or entries[number - 1].hash(self.database_id) != recorded_hash:
                return (
                    f"its list of accounts differs from the one this database recorded (change "
                    f"{sequence})."
                )
        return None

    def _reload_key_slots(self) -> None:
        """The key file as it is on disk, before changing it: a command run beside the window
        (a scheduled backup, an account's own password change) may have saved it since."""
        if not self.key_slots.changed_on_disk():
            return
        try:
            on_disk = KeySlotFile.load(self.files.key_slots)
        except ProblemForUser:
            return  # the change then writes the copy held here, which opened the database
        if (
            on_disk.database_id == self.database_id
            and on_disk.rotation is None
            and on_disk.generation == self.key_slots.generation
        ):
            self.key_slots = on_disk

    def signer(self) -> history.Signer | None:
        """Who signs the audit entries written now (None: an account on a version 1 slot)."""
        if self.keys is None or self.signer_name is None:
            return None
        return history.Signer(self.signer_name, self.keys, self.database_id)

    def wrap_data_key_to(self, recipient: str, public: PublicKeys) -> None:
        """Wrap the data key to ``recipient``'s public key in the key file (inside
        :meth:`changing_key_slots`)."""
        self.key_slots.wrap_data_key(self._data_key, recipient, public)

    def legacy_slot_for(
        self, account: str, password: str, device_secret: bytes | None
    ) -> keyslots.KeySlot:
        """A version 1 slot (the data key under a password), for a school not yet upgraded to
        per-account keys (a restored old backup)."""
        return keyslots.seal_with_password(
            self._data_key,
            database_id=self.database_id,
            account=account,
            password=password,
            device_secret=device_secret,
        )

    # -- checks --------------------------------------------------------------------------

    def page_check(self) -> list[str]:
        """SQLCipher's HMAC check of every page: one line per damaged page."""
        return self._pragma_rows("PRAGMA cipher_integrity_check", healthy=())

    def structure_check(self) -> list[str]:
        """SQLite's own integrity check of tables and indexes."""
        return self._pragma_rows("PRAGMA integrity_check", healthy=("ok",))

    def check_on_opening(self) -> None:
        """SQLite's quick check, which reads (and so checks the checksum of) every page in use.
        A database that fails is never written to: :attr:`damage` stops every transaction."""
        problems = self._pragma_rows("PRAGMA quick_check", healthy=("ok",))
        if problems:
            self.damage = DatabaseDamaged(
                f"The school database {self.files.database.name} failed its check on opening "
                f"({'; '.join(problems[:2])}).",
                "Nothing has been written to it. Restore the newest good backup, and keep the "
                "damaged file for your IT support.",
            )
            raise self.damage

    def page_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text("PRAGMA page_count")).scalar() or 0)

    def _pragma_rows(self, pragma: str, healthy: tuple[str, ...]) -> list[str]:
        try:
            with self.engine.connect() as connection:
                rows = [str(r[0]) for r in connection.execute(text(pragma))]
        except DBAPIError as exc:
            return [f"the check stopped: {getattr(exc.orig, 'args', [exc])[0]}"]
        return [r for r in rows if r not in healthy]

    def copy_into(self, target: Path) -> bytes:
        """A consistent copy of the committed database in ``target`` (an empty file), encrypted
        with the same key, and the key file's bytes as they were just before (so its anchor is
        never ahead of the copy: ``verify`` accepts an anchor a few entries behind).

        SQLite's ``VACUUM INTO`` reads one snapshot while others write, so the writer lock is
        held only to read the key file: a large school's copy takes a second, and a window
        saving a view of a case must not wait for it."""
        with self._writer:
            key_file = self.key_slots.document()
        connection = self.engine.raw_connection()
        try:
            with self._translated_errors():
                driver = connection.driver_connection
                assert driver is not None
                driver.execute("VACUUM INTO ?", (str(target),))
        finally:
            connection.close()
        return key_file

    def change_data_key(
        self,
        recipients_in: Callable[[KeySlotFile], dict[str, PublicKeys]],
        crash_point: Callable[[str], None] = lambda _step: None,
    ) -> None:
        """A new data key: the database encrypted again under it and the key wrapped to the
        ``recipients_in`` the key file as it is on disk (storage/rotation.py says each step
        and how a crash recovers). Nothing else reads or writes meanwhile; a failure leaves
        the old key in use."""
        if self.damage is not None:
            raise self.damage
        with self._writer:
            self._refuse_if_closed()
            self._reload_key_slots()
            recipients = recipients_in(self.key_slots)
            new_key = keyslots.new_data_key()
            target = rotation.next_path(self.files)
            next_file: KeySlotFile | None = None
            try:
                with self._readers_stopped():
                    before = self._figures_and_export(target, new_key)
                    problems = rotation.check_copy(target, new_key, before)
                    if problems:
                        raise DatabaseDamaged(
                            "The school's key was not changed: the new copy of the database "
                            f"failed its check ({problems[0]}).",
                            "Nothing was changed. Run Verify, and try again.",
                        )
                    next_file = rotation.next_key_file(
                        self.key_slots, new_key, recipients, rotation.file_salt(target)
                    )
                    crash_point("copy made")
                    rotation.swap_in(
                        self.files, self.key_slots, next_file, self.engine.dispose, crash_point
                    )
            except BaseException:
                self.engine.dispose()
                try:
                    rotation.settle(self.files)  # finish or undo whatever step it stopped at
                    self.key_slots = KeySlotFile.load(self.files.key_slots)
                except (ProblemForUser, OSError):
                    log.warning("A change of the school's key is finished on the next opening")
                if next_file is not None and (
                    rotation.file_salt(self.files.database) == next_file.database_salt
                ):
                    self.key_slots = next_file  # the file was swapped: the new key is the one
                    self._use_key(new_key)
                new_key[:] = bytes(len(new_key))
                raise
            assert next_file is not None
            self.key_slots = next_file
            self._use_key(new_key)
            new_key[:] = bytes(len(new_key))

    def _use_key(self, new_key: bytearray) -> None:
        self._data_key[:] = new_key
        self.engine.dispose()
        self.engine = create_encrypted_engine(self.files.database, self._data_key)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _figures_and_export(self, target: Path, new_key: bytearray) -> dict[str, object]:
        connection = self.engine.raw_connection()
        try:
            with self._translated_errors():
                driver = connection.driver_connection
                before = rotation.figures(driver)
                rotation.export_under(driver, target, new_key)
        finally:
            connection.close()
        return before

    @contextmanager
    def _readers_stopped(self) -> Iterator[None]:
        """No read runs while the file is swapped (a reader would hold the old file open)."""
        with self._reader_gate:
            self._swapping = True
            while self._readers:
                self._reader_gate.wait()
        try:
            yield
        finally:
            with self._reader_gate:
                self._swapping = False
                self._reader_gate.notify_all()

    def data_key_copy(self) -> bytearray:
        """A copy of the data key for a check that wipes its own (a backup being verified)."""
        return bytearray(self._data_key)

    def close(self) -> None:
        """Wipe the key once the unit of work running (if any) has finished; from then on
        nothing is read or written (the engine would otherwise reconnect with the key it
        remembers)."""
        with self._writer:
            self.closed = True
            for hook in self.closing:
                hook()
            self.closing.clear()
            self.engine.dispose()
            for i in range(len(self._data_key)):
                self._data_key[i] = 0
            if self.keys is not None:
                self.keys.wipe()

    def _refuse_if_closed(self) -> None:
        if self.closed:
            raise DatabaseClosed()


def _file_salt(files: DatabaseFiles) -> str | None:
    try:
        with files.database.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    return head.hex() if len(head) == 16 else None
