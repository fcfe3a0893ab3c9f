"""The signed roster: who may sign in, in which role, with which public keys.

It lives in the key file, as a chain of changes. It names accounts by their user names only
(which the sign-in screen shows anyway), never by a person's name: the key file is not
encrypted. Each change names the one before it by hash
and is signed (Ed25519) by whoever made it; the first, by the DSL who created the school (and,
for a new school, by the recovery key too). Only a DSL, or the recovery key, may sign a change;
an account may also renew its own keys (a new password). So an account holder who edits the
key file cannot add an account, give themselves a role or swap in their own keys: the roster
no longer checks, and sign-in and ``verify`` say so.

``check`` walks the chain and returns every problem in words; ``members`` is the state it
leads to. The roster holds no secret; a reader of the key file sees the names and roles of the
accounts (as the sign-in screen does).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from esafety_desktop.domain.roles import Role
from esafety_desktop.storage.keypairs import (
    PrivateKeys,
    PublicKeys,
    b64,
    canonical,
    signature_holds,
    unb64,
    usable_x25519,
)

GENESIS = "0" * 64
RECOVERY_SIGNER = "recovery key"

Change = Literal[
    "school_created",  # the first entry of a new school: the founding DSL
    "keys_upgraded",  # the first entry of a school made before per-account keys
    "account_added",
    "account_removed",
    "role_changed",
    "keys_renewed",  # a new password gives new key pairs
    "recovery_replaced",
]
CHANGES: tuple[str, ...] = Change.__args__  # type: ignore[attr-defined]
FIRST_CHANGES = ("school_created", "keys_upgraded")


class RosterAltered(Exception):
    """The roster does not check: the key file was altered outside the app."""


@dataclass(frozen=True)
class Member:
    account: str
    role: str
    keys: PublicKeys
    since: str
    removed_at: str | None = None

    @property
    def active(self) -> bool:
        return self.removed_at is None


@dataclass(frozen=True)
class RosterEntry:
    sequence: int
    previous: str
    at: str
    change: str
    signed_by: str
    account: str | None = None
    role: str | None = None
    keys: PublicKeys | None = None
    recovery: PublicKeys | None = None
    signature: bytes = b""
    recovery_signature: bytes | None = None  # the first entry of a new school

    def content(self, database_id: str) -> dict[str, Any]:
        """What is signed: everything but the signatures, and the database it belongs to."""
        return {
            "database_id": database_id,
            "sequence": self.sequence,
            "previous": self.previous,
            "at": self.at,
            "change": self.change,
            "signed_by": self.signed_by,
            "account": self.account,
            "role": self.role,
            "keys": self.keys.to_json() if self.keys else None,
            "recovery": self.recovery.to_json() if self.recovery else None,
        }

    def signed_message(self, database_id: str) -> bytes:
        return b"esafety-desktop/roster/v2\n" + canonical(self.content(database_id))

    def hash(self, database_id: str) -> str:
        whole = self.content(database_id) | {
            "signature": b64(self.signature),
            "recovery_signature": b64(self.recovery_signature) if self.recovery_signature else None,
        }
        return hashlib.sha256(canonical(whole)).hexdigest()

    def to_json(self) -> dict[str, Any]:
        raw = self.content("")
        del raw["database_id"]
        raw["signature"] = b64(self.signature)
        if self.recovery_signature is not None:
            raw["recovery_signature"] = b64(self.recovery_signature)
        return raw

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RosterEntry:
        if raw["change"] not in CHANGES:
            raise ValueError(f"unknown roster change {raw['change']!r}")
        if type(raw["sequence"]) is not int:
            raise ValueError("a roster change's sequence is a whole number")
        for name in ("previous", "at", "signed_by"):
            if not isinstance(raw[name], str) or len(raw[name]) > 200:
                raise ValueError(f"a roster change's {name} is short text")
        for name in ("account", "role"):
            if raw.get(name) is not None and (
                not isinstance(raw[name], str) or len(raw[name]) > 64
            ):
                raise ValueError(f"a roster change's {name} is short text")
        return cls(
            sequence=raw["sequence"],
            previous=raw["previous"],
            at=raw["at"],
            change=raw["change"],
            signed_by=raw["signed_by"],
            account=raw.get("account"),
            role=raw.get("role"),
            keys=PublicKeys.from_json(raw["keys"]) if raw.get("keys") else None,
            recovery=PublicKeys.from_json(raw["recovery"]) if raw.get("recovery") else None,
            signature=unb64(raw["signature"]),
            recovery_signature=(
                unb64(raw["recovery_signature"]) if raw.get("recovery_signature") else None
            ),
        )


@dataclass
class RosterState:
    members: dict[str, Member] = field(default_factory=dict)
    recovery: PublicKeys | None = None

    def active(self, account: str) -> Member | None:
        member = self.members.get(account)
        return member if member is not None and member.active else None


@dataclass
class Roster:
    database_id: str
    entries: list[RosterEntry] = field(default_factory=list)

    # -- reading -------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Every place the chain does not hold, in words (empty: it checks)."""
        return self._walk()[1]

    def state(self) -> RosterState:
        """The accounts and recovery key the chain leads to; :class:`RosterAltered` if it does
        not check."""
        state, problems = self._walk()
        if problems:
            raise RosterAltered(problems[0])
        return state

    def root(self) -> str | None:
        return self.entries[0].hash(self.database_id) if self.entries else None

    def head(self) -> tuple[int, str] | None:
        if not self.entries:
            return None
        last = self.entries[-1]
        return last.sequence, last.hash(self.database_id)

    def hash_at(self, sequence: int) -> str | None:
        if 1 <= sequence <= len(self.entries):
            return self.entries[sequence - 1].hash(self.database_id)
        return None

    # -- changing ------------------------------------------------------------------------

    def start(
        self,
        change: Literal["school_created", "keys_upgraded"],
        *,
        at: str,
        account: str,
        keys: PrivateKeys,
        recovery: PrivateKeys | None,
    ) -> RosterEntry:
        """The first entry: the DSL who creates (or upgrades) the school, signed by them and,
        when the recovery key is to hand, by the recovery key too."""
        if self.entries:
            raise ValueError("the roster has begun already")
        entry = RosterEntry(
            sequence=1,
            previous=GENESIS,
            at=at,
            change=change,
            signed_by=account,
            account=account,
            role=Role.DSL.value,
            keys=keys.public,
            recovery=recovery.public if recovery else None,
        )
        message = entry.signed_message(self.database_id)
        entry = replace(
            entry,
            signature=keys.sign(message),
            recovery_signature=recovery.sign(message) if recovery else None,
        )
        self.entries.append(entry)
        return entry

    def add(
        self,
        change: Change,
        *,
        at: str,
        signer: str,
        signer_keys: PrivateKeys,
        account: str | None = None,
        role: str | None = None,
        keys: PublicKeys | None = None,
        recovery: PublicKeys | None = None,
    ) -> RosterEntry:
        """Append a change signed by ``signer``; refused here already if ``signer`` may not
        sign it (so a service cannot write a roster that will not check)."""
        state = self.state()
        previous = self.entries[-1]
        entry = RosterEntry(
            sequence=previous.sequence + 1,
            previous=previous.hash(self.database_id),
            at=at,
            change=change,
            signed_by=signer,
            account=account,
            role=role,
            keys=keys,
            recovery=recovery,
        )
        entry = replace(entry, signature=signer_keys.sign(entry.signed_message(self.database_id)))
        problem = _problem_with(entry, state, self.database_id)
        if problem:
            raise RosterAltered(problem)
        self.entries.append(entry)
        return entry

    # -- the file ------------------------------------------------------------------------

    def to_json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.entries]

    @classmethod
    def from_json(cls, database_id: str, raw: list[dict[str, Any]]) -> Roster:
        if not isinstance(raw, list) or len(raw) > 10_000:
            raise ValueError("the roster is a list of changes")
        return cls(database_id=database_id, entries=[RosterEntry.from_json(e) for e in raw])

    # -- the walk ------------------------------------------------------------------------

    def _walk(self) -> tuple[RosterState, list[str]]:
        state = RosterState()
        problems: list[str] = []
        previous = GENESIS
        for number, entry in enumerate(self.entries, start=1):
            if entry.sequence != number or entry.previous != previous:
                problems.append(
                    f"Roster change {number} does not follow the one before it: changes were "
                    "removed, inserted or reordered."
                )
            problem = (
                _problem_with_first(entry, self.database_id)
                if number == 1
                else _problem_with(entry, state, self.database_id)
            )
            if problem:
                problems.append(problem)
            else:
                _apply(state, entry)
            previous = entry.hash(self.database_id)
        return state, problems


def _problem_with_first(entry: RosterEntry, database_id: str) -> str | None:
    message = entry.signed_message(database_id)
    if (
        entry.change not in FIRST_CHANGES
        or entry.keys is None
        or entry.account is None
        or entry.signed_by != entry.account
        or entry.role != Role.DSL.value
    ):
        return "The roster's first change is not a DSL creating the school."
    if not signature_holds(entry.keys.ed25519, message, entry.signature):
        return "The roster's first change is not signed by the DSL who created the school."
    if not usable_x25519(entry.keys.x25519):
        return "The roster's first change gives keys nobody can wrap a key to."
    if (
        entry.recovery is None
        or entry.recovery_signature is None
        or not signature_holds(entry.recovery.ed25519, message, entry.recovery_signature)
    ):
        return "The roster's first change is not signed by the school's recovery key."
    return None


def _problem_with(entry: RosterEntry, state: RosterState, database_id: str) -> str | None:
    """Why ``entry`` cannot follow ``state`` (None: it can)."""
    where = f"Roster change {entry.sequence} ({_words(entry)})"
    if entry.change in FIRST_CHANGES:
        return f"{where} can only be the first change."
    signer = _signer_keys(entry, state)
    if signer is None:
        return f"{where} is signed by {entry.signed_by}, who may not sign it."
    if not signature_holds(signer.ed25519, entry.signed_message(database_id), entry.signature):
        return f"{where}: its signature does not match {entry.signed_by}'s key."
    member = state.members.get(entry.account or "")
    if entry.change == "account_added":
        if not entry.account or not entry.role or (member is not None and member.active):
            return f"{where} adds an account that is already there."
        if entry.role not in {r.value for r in Role}:
            return f"{where} gives an unknown role."
        if entry.keys is None:
            return f"{where} adds an account with no keys."
    elif entry.change in ("account_removed", "role_changed", "keys_renewed"):
        if member is None or not member.active:
            return f"{where} names an account that is not on the roster."
        if entry.change == "role_changed" and entry.role not in {r.value for r in Role}:
            return f"{where} gives an unknown role."
        if entry.change == "keys_renewed" and entry.keys is None:
            return f"{where} gives no keys."
    elif entry.change == "recovery_replaced" and entry.recovery is None:
        return f"{where} gives no recovery key."
    if entry.recovery is not None and entry.change != "recovery_replaced":
        return f"{where} carries a recovery key, which only replacing the recovery key may."
    if entry.keys is not None and entry.change not in ("account_added", "keys_renewed"):
        return f"{where} carries keys it may not give."
    for given in (entry.keys, entry.recovery):
        if given is not None and not usable_x25519(given.x25519):
            return f"{where} gives keys nobody can wrap a key to."
    return None


def _signer_keys(entry: RosterEntry, state: RosterState) -> PublicKeys | None:
    """The public keys that must have signed ``entry``: a DSL's, the recovery key's, or (for
    renewing one's own keys with a new password) the account's own current keys."""
    if entry.signed_by == RECOVERY_SIGNER:
        return state.recovery
    signer = state.active(entry.signed_by)
    if signer is None:
        return None
    if entry.change == "keys_renewed" and entry.account == entry.signed_by:
        return signer.keys
    if signer.role != Role.DSL.value:
        return None
    return signer.keys


def _apply(state: RosterState, entry: RosterEntry) -> None:
    if entry.recovery is not None:
        state.recovery = entry.recovery
    if entry.account is None:
        return
    member = state.members.get(entry.account)
    if entry.change in FIRST_CHANGES or entry.change == "account_added":
        assert entry.keys is not None  # checked before an entry is applied
        state.members[entry.account] = Member(
            account=entry.account,
            role=entry.role or "",
            keys=entry.keys,
            since=entry.at,
        )
    elif member is not None and entry.change == "account_removed":
        state.members[entry.account] = replace(member, removed_at=entry.at)
    elif member is not None and entry.change == "role_changed":
        state.members[entry.account] = replace(member, role=entry.role or member.role)
    elif member is not None and entry.change == "keys_renewed" and entry.keys is not None:
        state.members[entry.account] = replace(member, keys=entry.keys)


def _words(entry: RosterEntry) -> str:
    about = f" {entry.account}" if entry.account else ""
    return f"{entry.change.replace('_', ' ')}{about}"
