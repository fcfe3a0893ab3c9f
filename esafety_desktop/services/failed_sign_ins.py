"""The note of failed sign-ins beside the database (``school.db.attempts``), and moving it into
the audit log at the next successful sign-in. docs/file-format.md section 16 describes it.

A failed attempt must not touch the database's bytes, and nobody has signed in yet, so the note
is a file anyone with the folder can read and edit. Therefore:

* it keeps counts and times only: what was typed as a user name is kept only when it is an
  account on the key file's signed roster (or, for a school from before per-account keys, one
  of its slots); anything else (often a password typed into the wrong box) is "an unknown
  name". The reason is one of three fixed phrases.
* each line carries an HMAC-SHA256 under a key made from this PC's device secret, which the
  writer has without any password. A line that does not check, is malformed or too long never
  becomes an entry of its own: the log says only how many there were. On a PC with no device
  secret (a password-only school without a keyring) the lines cannot be authenticated: they are
  still read field by field (no free text, unknown names never echoed, the cap kept) and each
  entry says it was not checked.
* this PC's keyring also counts the lines written (and the attempts not written because the
  note was full), so a note deleted or cut short after failed attempts is noticed at the next
  sign-in. That does not hold against someone who also edits this PC's keyring entry, or on a
  PC with no device secret.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from esafety_desktop.domain.clock import SystemClock
from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services import school_keys
from esafety_desktop.storage import audit
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles, append_line, read_plain_file
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keyslots import normalise_account
from esafety_desktop.storage.models import Account
from esafety_desktop.storage.roster import RosterAltered

if TYPE_CHECKING:
    from esafety_desktop.services.access import SignedIn

log = logging.getLogger(__name__)

WRONG_PASSWORD, UNKNOWN_ACCOUNT, WRONG_RECOVERY_KEY = (
    "wrong password",
    "unknown account",
    "wrong recovery key",
)
REASONS = frozenset({WRONG_PASSWORD, UNKNOWN_ACCOUNT, WRONG_RECOVERY_KEY})
UNKNOWN_NAME = "an unknown name"  # the audit entry's name for anything not an account
MAX_LINES = 1000  # the writer stops appending here, and counts what it drops
MAX_BYTES = 256 * 1024  # nor does it append to (or the reader read past) this much
MAX_LINE_BYTES = 512  # a line the program writes is about 200 bytes
HKDF_INFO = b"esafety-desktop/attempts/v1"
_FIELDS = frozenset({"v", "n", "at", "reason", "account", "mac"})
_ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_MAC = re.compile(r"^[0-9a-f]{64}$")


# -- writing (a failed attempt, before anyone has signed in) ---------------------------------


def note(
    files: DatabaseFiles,
    key_slots: KeySlotFile,
    typed_name: str,
    reason: str,
    device_secrets: DeviceSecretStore,
) -> None:
    """Note one failed attempt. Never raises: a note that cannot be written must not hide the
    wrong password (it is then counted as not noted, where this PC's keyring allows)."""
    if reason not in REASONS:
        raise ValueError(f"not a reason the note keeps: {reason!r}")
    if not files.database.parent.is_dir():
        return
    try:
        _note(files, key_slots, typed_name, reason, device_secrets)
    except Exception:  # see above
        log.warning("A failed sign-in could not be noted beside the database")


def _note(
    files: DatabaseFiles,
    key_slots: KeySlotFile,
    typed_name: str,
    reason: str,
    device_secrets: DeviceSecretStore,
) -> None:
    name = normalise_account(typed_name)
    account = name if name in names_on_file(key_slots) and _ACCOUNT.match(name) else None
    secret = device_secrets.secret_without_asking()
    database_id, where = key_slots.database_id, _where(files)
    counts = _no_counts()
    if secret is not None:
        counts = device_secrets.failed_sign_ins(database_id, where) or counts
    if _full(files):
        counts["dropped"] += 1
        if secret is not None:
            device_secrets.keep_failed_sign_ins(database_id, where, counts)
        return
    line: dict[str, Any] = {
        "v": 1,
        "n": None,
        "at": SystemClock().now().isoformat(timespec="seconds"),
        "reason": reason,
        "account": account,
        "mac": None,
    }
    if secret is not None:
        line["n"] = max(counts["noted"], counts["read"]) + 1
        line["mac"] = _mac(_key(secret, database_id), line)
    try:
        append_line(files.sign_in_attempts, _canonical(line).decode("utf-8"))
    except BaseException:
        if secret is not None:
            counts["dropped"] += 1
            device_secrets.keep_failed_sign_ins(database_id, where, counts)
        raise
    if secret is not None:
        counts["noted"] = line["n"]
        device_secrets.keep_failed_sign_ins(database_id, where, counts)


def _full(files: DatabaseFiles) -> bool:
    """True when nothing more may be appended (or what is there is not a plain file)."""
    data = read_plain_file(files.sign_in_attempts, MAX_BYTES)
    return data is None or len(data) >= MAX_BYTES or data.count(b"\n") >= MAX_LINES


def names_on_file(key_slots: KeySlotFile) -> set[str]:
    """The accounts the key file's signed roster names (any that were ever on it), or a version
    1 school's slots; none when the roster does not check."""
    try:
        state = school_keys.roster_state(key_slots)
    except (ProblemForUser, RosterAltered):  # an altered roster names nobody; sign-in says why
        return set()
    if state is None:
        return {s.account for s in key_slots.legacy if s.kind == "password" and s.account}
    return set(state.members)


# -- reading (the next successful sign-in) ---------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    account: str | None  # an account's name, or None: an unknown name
    reason: str
    noted_at: str  # the writer's clock, UTC
    checked: bool  # its HMAC checked (False: this PC has no device secret)


@dataclass
class Reading:
    """What the note held, read before the session's first transaction."""

    attempts: list[Attempt] = field(default_factory=list)
    altered: int = 0  # lines that did not check, were malformed or too long
    beyond_cap: bool = False  # the file went on past the cap (not read)
    not_a_plain_file: bool = False  # a link, folder, pipe or device in the note's place
    missing: int = 0  # lines this PC's keyring counted that are not there
    dropped: int = 0  # attempts not noted because the note was full
    full: bool = False  # the note was at its cap (with no count of what it dropped)
    newest: int = 0  # the number to remember as read
    keyed: bool = False  # this PC's device secret checked the lines


def read(
    files: DatabaseFiles, key_slots: KeySlotFile, device_secrets: DeviceSecretStore
) -> Reading:
    """Read the note (at most its cap) and compare it with this PC's count."""
    reading = Reading()
    data = read_plain_file(files.sign_in_attempts, MAX_BYTES + 1)
    if data is None:
        reading.not_a_plain_file, reading.altered, data = True, 1, b""
    if len(data) > MAX_BYTES:
        reading.beyond_cap = True
        data = data[: data.rfind(b"\n", 0, MAX_BYTES) + 1]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) > MAX_LINES:
        reading.beyond_cap, lines = True, lines[:MAX_LINES]
    reading.full = (
        reading.beyond_cap
        or reading.not_a_plain_file
        or len(lines) >= MAX_LINES
        or len(data) >= MAX_BYTES
    )
    secret = device_secrets.secret_without_asking()
    key = _key(secret, key_slots.database_id) if secret is not None else None
    reading.keyed = key is not None
    counts = None
    if key is not None:
        counts = device_secrets.failed_sign_ins(key_slots.database_id, _where(files))
    already = counts["read"] if counts else 0
    seen: set[int] = set()
    for raw in lines:
        line = _checked_line(raw, key)
        if line is None:
            reading.altered += 1
            continue
        if key is not None:
            number = int(line["n"])
            if number <= already:
                continue  # moved into the log before (an old note put back): nothing new
            if number in seen:
                reading.altered += 1
                continue
            seen.add(number)
        reading.attempts.append(
            Attempt(line["account"], line["reason"], line["at"], checked=key is not None)
        )
    if counts is not None:
        absent = sum(1 for n in range(already + 1, counts["noted"] + 1) if n not in seen)
        reading.missing = max(0, absent - reading.altered)  # an altered line stands for one
        reading.dropped = counts["dropped"]
    reading.newest = max([already, counts["noted"] if counts else 0, *seen])
    return reading


def _checked_line(raw: bytes, key: bytes | None) -> dict[str, Any] | None:
    """The line's fields when it is one the program writes (and, with a key, its HMAC checks);
    None otherwise. The time comes back in one spelling, so nothing typed passes through."""
    if len(raw) > MAX_LINE_BYTES:
        return None
    try:
        line = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(line, dict) or set(line) != _FIELDS or line["v"] != 1:
        return None
    account, number, mac, at = line["account"], line["n"], line["mac"], line["at"]
    if line["reason"] not in REASONS or not isinstance(at, str) or len(at) > 40:
        return None
    if account is not None and not (isinstance(account, str) and _ACCOUNT.match(account)):
        return None
    if number is not None and not (type(number) is int and 1 <= number < 2**53):
        return None
    if mac is not None and not (isinstance(mac, str) and _MAC.match(mac)):
        return None
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        return None
    if when.utcoffset() != timedelta(0):
        return None
    if key is not None and (
        number is None or mac is None or not hmac.compare_digest(mac, _mac(key, line))
    ):
        return None
    return {**line, "at": when.isoformat(timespec="seconds")}


def record(session: Session, signed_in: SignedIn, reading: Reading) -> None:
    """The note's attempts as ``sign_in.failed`` entries (at the real time; ``noted_at`` is
    the writer's), and what did not add up as one entry each, with counts only."""
    known = names_on_file(signed_in.database.key_slots) | set(
        session.scalars(select(Account.username))
    )
    for attempt in reading.attempts:
        details: dict[str, Any] = {"reason": attempt.reason, "noted_at": attempt.noted_at}
        if not attempt.checked:
            details["checked"] = False
        audit.append(
            session,
            actor_id=None,
            actor_name=attempt.account if attempt.account in known else UNKNOWN_NAME,
            action="sign_in.failed",
            details=details,
        )
    if reading.altered or reading.beyond_cap:
        altered: dict[str, Any] = {"lines": reading.altered}
        if reading.beyond_cap:
            altered["more_than_the_cap"] = True
        if reading.not_a_plain_file:
            altered["not_a_plain_file"] = True
        signed_in.record(session, "sign_in.failed.note_altered", details=altered)
    if reading.missing:
        missing = {"attempts": reading.missing}
        signed_in.record(session, "sign_in.failed.note_missing", details=missing)
    if reading.dropped or (reading.full and not reading.keyed):
        dropped: dict[str, Any] = {"reason": "the note was full"}
        if reading.keyed:
            dropped["attempts"] = reading.dropped
        signed_in.record(session, "sign_in.failed.not_noted", details=dropped)


def moved_into_log(
    files: DatabaseFiles,
    key_slots: KeySlotFile,
    device_secrets: DeviceSecretStore,
    reading: Reading,
) -> None:
    """After the entries are committed: remember them as read on this PC, then delete the note
    (a note that outlives this, put back or not deleted, adds nothing next time)."""
    if reading.keyed and (reading.newest or reading.dropped):
        counts = {"noted": reading.newest, "read": reading.newest, "dropped": 0}
        device_secrets.keep_failed_sign_ins(key_slots.database_id, _where(files), counts)
    note = files.sign_in_attempts
    try:
        note.unlink(missing_ok=True)  # a link itself, never what it leads to
    except OSError:
        with contextlib.suppress(OSError):
            note.rmdir()  # an empty folder in its place; anything else stays, and is told again


# -- the line's key and HMAC -----------------------------------------------------------------


def _key(device_secret: bytes, database_id: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=database_id.encode("utf-8"), info=HKDF_INFO
    ).derive(device_secret)


def _mac(key: bytes, line: dict[str, Any]) -> str:
    body = {name: value for name, value in line.items() if name != "mac"}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _where(files: DatabaseFiles) -> str:
    return str(files.database.resolve())  # as services/history_guard.py names it


def _no_counts() -> dict[str, int]:
    return {"noted": 0, "read": 0, "dropped": 0}
