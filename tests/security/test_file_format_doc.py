"""docs/file-format.md, followed step by step by someone without this program.

Everything that reads the school's files here is written from the document alone, with only
``cryptography``, ``argon2`` (argon2-cffi's low level), ``json``, ``hashlib``, ``base64``,
``datetime``, ``keyring`` (to read the device secret and the newest state as the document says)
and raw ``sqlcipher3``: never the program's own key-file, key-slot, key-pair, roster, audit or
history code, which is what the document describes. The program's services are used to make
the school (and its backups, key changes, upgrades and review packs) that the document is
checked against, and, where the document states a rule, to see that the program keeps the same
rule (it refuses what the walk by hand refuses). If the document and the code part ways, a test
here fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
import sqlcipher3
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.conftest import DSL_PASSWORD, SCHOOL_NAME, School, add_head

# -- section 1: conventions ------------------------------------------------------------------


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def hkdf(ikm: bytes, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def x25519_public(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def ed25519_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def signature_holds(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except InvalidSignature:
        return False
    return True


# -- section 4: the recovery key -------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def base32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").translate(str.maketrans(RFC4648, CROCKFORD))


def parse_typed_secret(text: str, size: int, label: bytes) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    body_length = size * 8 // 5
    if len(cleaned) != body_length + 4 or any(ch not in CROCKFORD for ch in cleaned):
        raise ValueError("not a well-formed key")
    body, check = cleaned[:body_length], cleaned[body_length:]
    if base32(hashlib.sha256(label + body.encode("ascii")).digest()[:5])[:4] != check:
        raise ValueError("mistyped")
    return base64.b32decode(body.translate(str.maketrans(CROCKFORD, RFC4648)))


def parse_recovery_key(text: str) -> bytes:
    return parse_typed_secret(text, 20, b"esafety-recovery-key:")


def recovery_key_pairs(recovery: bytes, database_id: str) -> tuple[bytes, bytes]:
    """The recovery key's X25519 private key and Ed25519 seed for one database."""
    salt = database_id.encode("utf-8")
    return (
        hkdf(recovery, salt, b"esafety-desktop/recovery/x25519/v2"),
        hkdf(recovery, salt, b"esafety-desktop/recovery/ed25519/v2"),
    )


# -- section 5: the device secret ------------------------------------------------------------


def device_secret_from_keyring() -> bytes:
    stored = keyring.get_password("eSafety Desktop", "device secret")
    assert stored is not None, "this PC has no device secret"
    secret = base64.b64decode(stored, validate=True)
    assert len(secret) == 32
    return secret


def device_secret_id(secret: bytes) -> str:
    return hashlib.sha256(b"esafety-desktop/device-secret-id/" + secret).hexdigest()[:16]


# -- section 6: the key file -----------------------------------------------------------------


def read_key_file(database: Path) -> dict[str, Any]:
    document = json.loads(database.with_name(database.name + ".keys").read_bytes())
    assert document["format"] == "esafety-desktop-key-slots"
    return dict(document)


def data_key_context(document: dict[str, Any], recipient: str) -> bytes:
    return canonical(
        {
            "wrap": 2,
            "database_id": document["database_id"],
            "to": recipient,
            "key": "data key",
            "generation": document["generation"],
        }
    )


def unwrap(wrap: dict[str, str], x25519_private: bytes, associated: bytes) -> bytes:
    recipient, ephemeral = unb64(wrap["recipient"]), unb64(wrap["ephemeral"])
    assert x25519_public(x25519_private) == recipient, "wrapped to someone else"
    private = X25519PrivateKey.from_private_bytes(x25519_private)
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    wrapping = hkdf(shared, ephemeral + recipient, b"esafety-desktop/wrap/v2")
    return AESGCM(wrapping).decrypt(unb64(wrap["nonce"]), unb64(wrap["sealed"]), associated)


def unwrap_data_key(document: dict[str, Any], recipient: str, x25519_private: bytes) -> bytes:
    wrap = document["data_key"][recipient]
    data_key = unwrap(wrap, x25519_private, data_key_context(document, recipient))
    assert len(data_key) == 32
    return data_key


def argon2id(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        secret=unicodedata.normalize("NFC", password).encode("utf-8"),
        salt=salt,
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_kib"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
        version=19,
    )


def open_password_slot(
    document: dict[str, Any], account: str, password: str, device_secret: bytes | None
) -> tuple[bytes, bytes]:
    """Section 6.4: the account's X25519 private key and Ed25519 seed."""
    slot = next(s for s in document["accounts"] if s["account"] == account)
    salt = unb64(slot["salt"])
    assert len(salt) == 16 and len(unb64(slot["nonce"])) == 12
    stretched = argon2id(password, salt, slot["kdf"])
    if slot["device_secret_id"] is None:
        wrapping = hkdf(stretched, salt, b"esafety-desktop/slot/v2/password-only")
    else:
        assert device_secret is not None
        assert device_secret_id(device_secret) == slot["device_secret_id"], "another PC"
        wrapping = hkdf(stretched + device_secret, salt, b"esafety-desktop/slot/v2/password+device")
    described = {k: v for k, v in slot.items() if k not in ("nonce", "sealed_private_keys")}
    associated = canonical({"slot": 2, "database_id": document["database_id"], **described})
    sealed = unb64(slot["sealed_private_keys"])
    assert len(sealed) == 80
    both = AESGCM(wrapping).decrypt(unb64(slot["nonce"]), sealed, associated)
    x25519_private, ed25519_seed = both[:32], both[32:]
    assert x25519_public(x25519_private) == unb64(slot["public"]["x25519"])
    assert ed25519_public(ed25519_seed) == unb64(slot["public"]["ed25519"])
    return x25519_private, ed25519_seed


# -- section 10: the signed roster -----------------------------------------------------------

ROLES = {"dsl", "deputy_dsl", "headteacher", "online_safety_lead"}
FIRST_CHANGES = {"school_created", "keys_upgraded"}
SIGNED_FIELDS = (
    "sequence",
    "previous",
    "at",
    "change",
    "signed_by",
    "account",
    "role",
    "keys",
    "recovery",
)


def roster_content(database_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"database_id": database_id, **{f: entry.get(f) for f in SIGNED_FIELDS}}


def roster_message(database_id: str, entry: dict[str, Any]) -> bytes:
    return b"esafety-desktop/roster/v2\n" + canonical(roster_content(database_id, entry))


def roster_hash(database_id: str, entry: dict[str, Any]) -> str:
    recovery_signature = entry.get("recovery_signature")
    whole = roster_content(database_id, entry) | {
        "signature": base64.b64encode(unb64(entry["signature"])).decode("ascii"),
        "recovery_signature": (
            base64.b64encode(unb64(recovery_signature)).decode("ascii")
            if recovery_signature
            else None
        ),
    }
    return hashlib.sha256(canonical(whole)).hexdigest()


def walk_roster(document: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Section 10: every problem, and the state the roster leads to."""
    database_id = document["database_id"]
    members: dict[str, dict[str, Any]] = {}
    state: dict[str, Any] = {"members": members, "recovery": None}
    problems: list[str] = []
    previous = "0" * 64
    for number, entry in enumerate(document["roster"], start=1):
        if entry["sequence"] != number or entry["previous"] != previous:
            problems.append(f"{number}: out of the chain")
        message = roster_message(database_id, entry)
        signature = unb64(entry["signature"])
        problem = None
        if number == 1:
            keys = entry.get("keys")
            if (
                entry["change"] not in FIRST_CHANGES
                or keys is None
                or entry.get("account") is None
                or entry["signed_by"] != entry["account"]
                or entry.get("role") != "dsl"
            ):
                problem = "the first change is not a DSL creating the school"
            elif not signature_holds(unb64(keys["ed25519"]), message, signature):
                problem = "the first change is not signed by its DSL"
            elif entry["change"] == "school_created":
                recovery = entry.get("recovery")
                recovery_signature = entry.get("recovery_signature")
                if (
                    recovery is None
                    or not recovery_signature
                    or not signature_holds(
                        unb64(recovery["ed25519"]), message, unb64(recovery_signature)
                    )
                ):
                    problem = "the first change is not signed by the recovery key"
        else:
            problem = _later_problem(entry, state, message, signature)
        if problem:
            problems.append(f"{number}: {problem}")
        else:
            _apply(entry, state)
        previous = roster_hash(database_id, entry)
    return problems, state


def _later_problem(
    entry: dict[str, Any], state: dict[str, Any], message: bytes, signature: bytes
) -> str | None:
    """Section 10, step 3, in its order: the first rule the entry breaks."""
    members = state["members"]
    change = entry["change"]
    if change in FIRST_CHANGES:
        return "can only be the first change"
    signer_keys: dict[str, str] | None = None
    if entry["signed_by"] == "recovery key":
        signer_keys = state["recovery"]
    else:
        signer = members.get(entry["signed_by"])
        if signer is not None and signer["active"]:
            if change == "keys_renewed" and entry.get("account") == entry["signed_by"]:
                signer_keys = signer["keys"]  # its current keys, never the entry's new ones
            elif signer["role"] == "dsl":
                signer_keys = signer["keys"]
    if signer_keys is None:
        return "signed by someone who may not sign it"
    if not signature_holds(unb64(signer_keys["ed25519"]), message, signature):
        return "the signature does not hold"
    member = members.get(entry.get("account") or "")
    if change == "account_added":
        if not entry.get("account") or not entry.get("role") or (member and member["active"]):
            return "adds an account that is already there"
        if entry["role"] not in ROLES:
            return "an unknown role"
        if entry.get("keys") is None:
            return "an account with no keys"
    elif change in ("account_removed", "role_changed", "keys_renewed"):
        if member is None or not member["active"]:
            return "names an account not on the roster"
        if change == "role_changed" and entry.get("role") not in ROLES:
            return "an unknown role"
        if change == "keys_renewed" and entry.get("keys") is None:
            return "no keys"
    elif change == "recovery_replaced" and entry.get("recovery") is None:
        return "no recovery key"
    if entry.get("recovery") is not None and change != "recovery_replaced":
        return "carries a recovery key"
    if entry.get("keys") is not None and change not in ("account_added", "keys_renewed"):
        return "carries keys it may not give"
    return None


def _apply(entry: dict[str, Any], state: dict[str, Any]) -> None:
    if entry.get("recovery") is not None:
        state["recovery"] = entry["recovery"]
    account = entry.get("account")
    if account is None:
        return
    members = state["members"]
    change = entry["change"]
    if change in FIRST_CHANGES or change == "account_added":
        members[account] = {"role": entry.get("role"), "keys": entry["keys"], "active": True}
    elif account in members and change == "account_removed":
        members[account]["active"] = False
    elif account in members and change == "role_changed":
        members[account]["role"] = entry["role"]
    elif account in members and change == "keys_renewed":
        members[account]["keys"] = entry["keys"]


def public_keys_json(x25519_public_key: bytes, ed25519_public_key: bytes) -> dict[str, str]:
    return {
        "x25519": base64.b64encode(x25519_public_key).decode("ascii"),
        "ed25519": base64.b64encode(ed25519_public_key).decode("ascii"),
    }


def new_public_keys() -> tuple[dict[str, str], bytes]:
    """Fresh key pairs: their public keys as the roster writes them, and the Ed25519 seed."""
    x25519_private = X25519PrivateKey.generate().private_bytes_raw()
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return public_keys_json(x25519_public(x25519_private), ed25519_public(seed)), seed


def with_entry(document: dict[str, Any], seed: bytes, **fields: Any) -> dict[str, Any]:
    """A copy of ``document`` with one more roster entry, made and signed (with ``seed``) as
    section 6.5 says: the next sequence, the hash of the last entry, the signed message."""
    database_id = document["database_id"]
    copy = json.loads(json.dumps(document))
    roster = copy["roster"]
    entry: dict[str, Any] = {f: None for f in SIGNED_FIELDS} | {
        "sequence": len(roster) + 1,
        "previous": roster_hash(database_id, roster[-1]),
        "at": "2026-12-01T10:00:00",
    }
    entry |= fields
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(roster_message(database_id, entry))
    entry["signature"] = base64.b64encode(signature).decode("ascii")
    roster.append(entry)
    return copy


# -- section 7: the database -----------------------------------------------------------------


def open_database(path: Path, data_key: bytes) -> sqlcipher3.dbapi2.Connection:
    connection = sqlcipher3.dbapi2.connect(str(path))
    connection.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    return connection


def setting(connection: sqlcipher3.dbapi2.Connection, key: str) -> Any:
    row = connection.execute("SELECT value FROM school_setting WHERE key = ?", (key,)).fetchone()
    assert row is not None, key
    return json.loads(row[0])


def file_salt(path: Path) -> str:
    return path.read_bytes()[:16].hex()


def recovered_data_key(database: Path, recovery_text: str) -> bytes:
    """Section 8, steps 2 to 7."""
    document = read_key_file(database)
    assert document["version"] == 2 and document["rotation"] is None
    x25519_private, _seed = recovery_key_pairs(
        parse_recovery_key(recovery_text), document["database_id"]
    )
    return unwrap_data_key(document, "recovery key", x25519_private)


def newest_audit_entry(path: Path, data_key: bytes) -> tuple[int, str]:
    connection = open_database(path, data_key)
    try:
        row = connection.execute(
            "SELECT sequence, hash FROM audit_entry ORDER BY sequence DESC LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return int(row[0]), str(row[1])


# -- sections 7.3 and 7.4: the audit chain and signed history --------------------------------

GENESIS = "0" * 64
AUDIT_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_name",
    "action",
    "subject_type",
    "subject_id",
    "details",
    "prev_hash",
    "hash",
    "signer",
    "signature",
    "rows_hash",
)
HASHED = AUDIT_COLUMNS[:8]
NOT_SEALED = {"audit_entry", "row_seal", "incident_draft", "alembic_version"}


def audit_entries(connection: sqlcipher3.dbapi2.Connection) -> list[dict[str, Any]]:
    rows = connection.execute(
        f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_entry ORDER BY sequence"
    ).fetchall()
    return [dict(zip(AUDIT_COLUMNS, row, strict=True)) for row in rows]


def audit_hash(entry: dict[str, Any]) -> str:
    content = {k: entry[k] for k in HASHED}
    if entry["signer"] is not None or entry["rows_hash"] is not None:
        content |= {"signer": entry["signer"], "rows_hash": entry["rows_hash"]}
    return hashlib.sha256(bytes.fromhex(entry["prev_hash"]) + canonical(content)).hexdigest()


def audit_message(database_id: str, entry_hash: str) -> bytes:
    return b"esafety-desktop/audit/v2\n" + f"{database_id}\n{entry_hash}".encode("ascii")


def signing_keys(document: dict[str, Any]) -> dict[str, list[bytes]]:
    """Every Ed25519 key the roster ever gave each account, and the recovery key's."""
    keys: dict[str, list[bytes]] = {}
    for entry in document["roster"]:
        if entry.get("keys") and entry.get("account"):
            keys.setdefault(entry["account"], []).append(unb64(entry["keys"]["ed25519"]))
        if entry.get("recovery"):
            keys.setdefault("recovery key", []).append(unb64(entry["recovery"]["ed25519"]))
    return keys


def sealed_tables(connection: sqlcipher3.dbapi2.Connection) -> list[str]:
    names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return sorted(
        name
        for (name,) in names
        if name not in NOT_SEALED and not name.startswith(("sqlite_", "incident_search"))
    )


def row_for_sealing(columns: list[tuple[Any, ...]], values: tuple[Any, ...]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for (_cid, name, declared, *_rest), value in zip(columns, values, strict=True):
        if value is not None and declared.upper() == "BOOLEAN":
            value = bool(value)
        elif value is not None and declared.upper() == "DATETIME":
            value = datetime.fromisoformat(value).isoformat()
        elif isinstance(value, bytes):
            value = "sha256:" + hashlib.sha256(value).hexdigest()
        row[name] = value
    return row


def table_hashes(
    connection: sqlcipher3.dbapi2.Connection, table: str
) -> dict[tuple[str, str], str]:
    columns = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
    primary = [i for i, column in enumerate(columns) if column[5]]
    assert len(primary) == 1, f"{table} has a one-column primary key"
    found = {}
    for values in connection.execute(f'SELECT * FROM "{table}"'):
        row = row_for_sealing(columns, values)
        found[(table, str(values[primary[0]]))] = hashlib.sha256(canonical(row)).hexdigest()
    return found


def rows_hash(seals: dict[tuple[str, str], str]) -> str:
    listed = [[table, key, content] for (table, key), content in sorted(seals.items())]
    return hashlib.sha256(canonical(listed)).hexdigest()


def sealed_from(connection: sqlcipher3.dbapi2.Connection) -> int | None:
    row = connection.execute(
        "SELECT value FROM school_setting WHERE key = 'records_sealed_from'"
    ).fetchone()
    return None if row is None else int(json.loads(row[0]))


def check_signed_history(
    connection: sqlcipher3.dbapi2.Connection, document: dict[str, Any]
) -> list[str]:
    """Section 7.3 and 7.4's "what verify checks", by hand: every problem found."""
    problems = []
    entries = audit_entries(connection)
    previous = GENESIS
    for number, entry in enumerate(entries, start=1):
        if entry["sequence"] != number or entry["prev_hash"] != previous:
            problems.append(f"audit {entry['sequence']}: out of the chain")
        if audit_hash(entry) != entry["hash"]:
            problems.append(f"audit {entry['sequence']}: changed")
        previous = entry["hash"]
    since = sealed_from(connection)
    if since is None:
        return problems
    by_sequence: dict[int, dict[tuple[str, str], str]] = {}
    newest: dict[tuple[str, str], str] = {}
    for sequence, table, key, content in connection.execute(
        "SELECT sequence, table_name, row_key, content_hash FROM row_seal ORDER BY id"
    ):
        by_sequence.setdefault(sequence, {})[(table, key)] = content
        newest[(table, key)] = content
    keys = signing_keys(document)
    for entry in entries:
        if entry["sequence"] < since:
            continue
        about = f"audit {entry['sequence']}"
        if not entry["signer"] or not entry["signature"]:
            problems.append(f"{about}: not signed")
        else:
            message = audit_message(document["database_id"], entry["hash"])
            signature = unb64(entry["signature"])
            if not any(
                signature_holds(k, message, signature) for k in keys.get(entry["signer"], [])
            ):
                problems.append(f"{about}: not signed by {entry['signer']}")
        seals = by_sequence.pop(entry["sequence"], {})
        if entry["rows_hash"] is None and seals:
            problems.append(f"{about}: seals slipped in")
        elif entry["rows_hash"] is not None and rows_hash(seals) != entry["rows_hash"]:
            problems.append(f"{about}: its seals were changed")
    problems += [f"seals for no entry {sequence}" for sequence in sorted(by_sequence)]
    current: dict[tuple[str, str], str] = {}
    for table in sealed_tables(connection):
        current |= table_hashes(connection, table)
    for (table, key), content in sorted(current.items()):
        if (table, key) not in newest:
            problems.append(f"{table} {key}: added")
        elif newest[(table, key)] != content:
            problems.append(f"{table} {key}: changed")
    for (table, key), content in sorted(newest.items()):
        if content != "deleted" and (table, key) not in current:
            problems.append(f"{table} {key}: deleted")
    return problems


# -- section 11: the version 1 key file -------------------------------------------------------


def open_version_1_slot(database_id: str, slot: dict[str, Any], wrapping: bytes) -> bytes:
    described = {k: v for k, v in slot.items() if k not in ("nonce", "sealed_key")}
    described |= {"database_id": database_id, "format": 1}
    associated = json.dumps(described, sort_keys=True, separators=(",", ":")).encode("utf-8")
    sealed = unb64(slot["sealed_key"])
    assert len(sealed) == 48
    return AESGCM(wrapping).decrypt(unb64(slot["nonce"]), sealed, associated)


def open_version_1_recovery_slot(
    database_id: str, slots: list[dict[str, Any]], recovery: bytes
) -> bytes:
    slot = next(s for s in slots if s["kind"] == "recovery")
    assert slot["account"] is None and slot["kdf"] is None
    wrapping = hkdf(recovery, unb64(slot["salt"]), b"esafety-desktop/slot/recovery/v1")
    return open_version_1_slot(database_id, slot, wrapping)


# -- the tests -------------------------------------------------------------------------------


def test_the_recovery_key_alone_opens_the_school(school: School) -> None:
    document = read_key_file(school.path)
    assert document["version"] == 2 and document["generation"] == 1
    assert re.fullmatch(r"[0-9a-f]{32}", document["database_id"])
    assert document["rotation"] is None and document["legacy_slots"] == []

    # Section 4: the text on the sheet, and the same key typed carelessly.
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){8}[0-9A-HJKMNP-TV-Z]{4}", school.recovery_key)
    recovery = parse_recovery_key(school.recovery_key)
    assert len(recovery) == 20
    typed = school.recovery_key.lower().replace("-", " ")
    assert parse_recovery_key(typed.replace("0", "o").replace("1", "l")) == recovery
    changed = "0" if school.recovery_key[0] != "0" else "1"
    with pytest.raises(ValueError, match="mistyped"):
        parse_recovery_key(changed + school.recovery_key[1:])

    x25519_private, ed25519_seed = recovery_key_pairs(recovery, document["database_id"])
    wrap = document["data_key"]["recovery key"]
    assert x25519_public(x25519_private) == unb64(wrap["recipient"])
    first = document["roster"][0]
    assert first["recovery"] == {
        "x25519": base64.b64encode(x25519_public(x25519_private)).decode("ascii"),
        "ed25519": base64.b64encode(ed25519_public(ed25519_seed)).decode("ascii"),
    }

    data_key = unwrap_data_key(document, "recovery key", x25519_private)
    # The associated data is exact: another recipient's or generation's context fails.
    with pytest.raises(InvalidTag):
        unwrap(wrap, x25519_private, data_key_context(document, "account:jo.dsl"))

    connection = open_database(school.path, data_key)
    try:
        assert setting(connection, "school_name") == SCHOOL_NAME
        assert setting(connection, "database_id") == document["database_id"]
        assert setting(connection, "key_storage") == "device"
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()


def test_a_password_and_this_pcs_device_secret_open_an_account(school: School) -> None:
    document = read_key_file(school.path)
    secret = device_secret_from_keyring()
    slot = next(s for s in document["accounts"] if s["account"] == "jo.dsl")
    assert slot["device_secret_id"] == device_secret_id(secret)

    x25519_private, _seed = open_password_slot(document, "jo.dsl", school.password, secret)
    data_key = unwrap_data_key(document, "account:jo.dsl", x25519_private)
    assert data_key == recovered_data_key(school.path, school.recovery_key)

    with pytest.raises(InvalidTag):  # a wrong password
        open_password_slot(document, "jo.dsl", school.password + "!", secret)
    with pytest.raises(AssertionError, match="another PC"):
        open_password_slot(document, "jo.dsl", school.password, bytes(32))

    connection = open_database(school.path, data_key)
    try:
        assert setting(connection, "school_name") == SCHOOL_NAME
        display = connection.execute(
            "SELECT display_name FROM account WHERE username = 'jo.dsl'"
        ).fetchone()[0]
    finally:
        connection.close()
    assert display == "Jo Bloggs"
    assert b"Jo Bloggs" not in school.path.with_name("school.db.keys").read_bytes()


def test_every_roster_change_is_signed_and_chained(school: School, tmp_path: Path) -> None:
    from esafety_desktop.domain.roles import Role
    from esafety_desktop.errors import KeyFileAltered
    from esafety_desktop.services import accounts
    from esafety_desktop.services.access import unlock
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from esafety_desktop.storage.files import DatabaseFiles

    add_head(school)
    accounts.change_role(school.signed_in, username="p.head", role=Role.DEPUTY_DSL)
    new_password = "Saucer-Thimble-Harbour-83"
    accounts.change_own_password(
        school.signed_in, current_password=DSL_PASSWORD, new_password=new_password
    )
    new_recovery = accounts.replace_recovery_key(school.signed_in)
    accounts.remove_account(school.signed_in, username="p.head")

    document = read_key_file(school.path)
    changes = [(e["change"], e["signed_by"], e.get("account")) for e in document["roster"]]
    assert changes == [
        ("school_created", "jo.dsl", "jo.dsl"),
        ("account_added", "jo.dsl", "p.head"),
        ("role_changed", "jo.dsl", "p.head"),
        ("keys_renewed", "jo.dsl", "jo.dsl"),
        ("recovery_replaced", "jo.dsl", None),
        ("account_removed", "jo.dsl", "p.head"),
    ]
    assert all("database_id" not in e for e in document["roster"])
    assert all(
        set(e) <= {*SIGNED_FIELDS, "signature", "recovery_signature"} for e in document["roster"]
    )
    assert [("recovery_signature" in e) for e in document["roster"]] == [True] + [False] * 5
    # Keys only on the first entry, account_added and keys_renewed; recovery keys only on the
    # first entry and recovery_replaced.
    assert [e["change"] for e in document["roster"] if e["keys"]] == [
        "school_created",
        "account_added",
        "keys_renewed",
    ]
    assert [e["change"] for e in document["roster"] if e["recovery"]] == [
        "school_created",
        "recovery_replaced",
    ]

    problems, state = walk_roster(document)
    assert problems == []
    members = state["members"]
    assert members["jo.dsl"]["role"] == "dsl" and members["jo.dsl"]["active"]
    assert members["p.head"]["role"] == "deputy_dsl" and not members["p.head"]["active"]
    slot = next(s for s in document["accounts"] if s["account"] == "jo.dsl")
    assert members["jo.dsl"]["keys"] == slot["public"]
    assert [s["account"] for s in document["accounts"]] == ["jo.dsl"]
    assert sorted(document["data_key"]) == ["account:jo.dsl", "recovery key"]

    # The roster's recovery key is the new sheet's, and only the new sheet opens today's key.
    new_x25519, new_ed25519 = recovery_key_pairs(
        parse_recovery_key(new_recovery), document["database_id"]
    )
    assert unb64(state["recovery"]["x25519"]) == x25519_public(new_x25519)
    assert unb64(state["recovery"]["ed25519"]) == ed25519_public(new_ed25519)
    old_x25519, _ = recovery_key_pairs(
        parse_recovery_key(school.recovery_key), document["database_id"]
    )
    with pytest.raises(AssertionError, match="wrapped to someone else"):
        unwrap_data_key(document, "recovery key", old_x25519)
    # Replacing the recovery key and removing an account each changed the school's key.
    assert document["generation"] == 3
    data_key = recovered_data_key(school.path, new_recovery)
    own, _ = open_password_slot(document, "jo.dsl", new_password, device_secret_from_keyring())
    assert unwrap_data_key(document, "account:jo.dsl", own) == data_key

    # The walk is not a formality: an edited role, or an entry taken out, is found.
    edited = json.loads(json.dumps(document))
    edited["roster"][2]["role"] = "dsl"
    assert walk_roster(edited)[0] == [
        "3: the signature does not hold",
        "4: out of the chain",  # its hash changed, so the next entry no longer follows it
    ]
    cut = json.loads(json.dumps(document))
    del cut["roster"][3]
    assert any("out of the chain" in p for p in walk_roster(cut)[0])

    # Entries made and signed as section 6.5 says, by the DSL's own key: the walk accepts a
    # proper one and names each rule the others break; the program agrees on every one.
    _x25519, jo_seed = open_password_slot(
        document, "jo.dsl", new_password, device_secret_from_keyring()
    )
    other_keys, other_seed = new_public_keys()
    stray_recovery, _ = new_public_keys()
    head_again = {"change": "account_added", "signed_by": "jo.dsl", "account": "p.head"}
    made = {
        None: with_entry(document, jo_seed, **head_again, role="headteacher", keys=other_keys),
        "7: carries a recovery key": with_entry(
            document,
            jo_seed,
            **head_again,
            role="headteacher",
            keys=other_keys,
            recovery=stray_recovery,
        ),
        "7: carries keys it may not give": with_entry(
            document,
            jo_seed,
            change="role_changed",
            signed_by="jo.dsl",
            account="jo.dsl",
            role="dsl",
            keys=other_keys,
        ),
        # Renewing one's own keys is signed with the current keys, never the new ones.
        "7: the signature does not hold": with_entry(
            document,
            other_seed,
            change="keys_renewed",
            signed_by="jo.dsl",
            account="jo.dsl",
            keys=other_keys,
        ),
    }
    elsewhere = DatabaseFiles(tmp_path / "elsewhere" / "school.db")
    elsewhere.database.parent.mkdir()
    for problem, edited in made.items():
        assert walk_roster(edited)[0] == ([problem] if problem else [])
        elsewhere.key_slots.write_text(json.dumps(edited, indent=2), encoding="utf-8")
        if problem is None:
            unlock(elsewhere, "jo.dsl", new_password, DeviceSecretStore()).wipe()
        else:
            with pytest.raises(KeyFileAltered):
                unlock(elsewhere, "jo.dsl", new_password, DeviceSecretStore())


def test_the_key_file_names_its_database_and_its_newest_audit_entry(school: School) -> None:
    document = read_key_file(school.path)
    assert document["database_salt"] == file_salt(school.path)
    data_key = recovered_data_key(school.path, school.recovery_key)

    anchor = document["audit_anchor"]
    anchor_key = hkdf(data_key, None, b"esafety-desktop/audit-anchor/v1")
    message = f"{document['database_id']}|{anchor['sequence']}|{anchor['hash']}".encode()
    assert anchor["seal"] == hmac.new(anchor_key, message, hashlib.sha256).hexdigest()

    connection = open_database(school.path, data_key)
    try:
        row = connection.execute(
            "SELECT hash FROM audit_entry WHERE sequence = ?", (anchor["sequence"],)
        ).fetchone()
        first = connection.execute(
            "SELECT prev_hash FROM audit_entry ORDER BY sequence LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    assert row == (anchor["hash"],)
    assert first == ("0" * 64,)


def test_a_change_of_the_schools_key_is_as_described(school: School) -> None:
    from esafety_desktop.services import accounts

    before = read_key_file(school.path)
    old_key = recovered_data_key(school.path, school.recovery_key)
    accounts.change_school_key(school.signed_in)

    after = read_key_file(school.path)
    assert after["generation"] == before["generation"] + 1 == 2
    assert after["rotation"] is None and after["database_id"] == before["database_id"]
    assert after["database_salt"] == file_salt(school.path) != before["database_salt"]
    assert not school.path.with_name("school.db.next").exists()
    assert after["roster"] == before["roster"]

    x25519_private, _ = recovery_key_pairs(
        parse_recovery_key(school.recovery_key), after["database_id"]
    )
    new_key = unwrap_data_key(after, "recovery key", x25519_private)
    assert new_key != old_key
    # The generation is bound into the wrap: read with the old generation, it fails.
    with pytest.raises(InvalidTag):
        unwrap(
            after["data_key"]["recovery key"],
            x25519_private,
            data_key_context(before, "recovery key"),
        )

    connection = open_database(school.path, new_key)
    try:
        assert setting(connection, "school_name") == SCHOOL_NAME
    finally:
        connection.close()
    stale = open_database(school.path, old_key)
    try:
        with pytest.raises(sqlcipher3.dbapi2.DatabaseError, match="not a database"):
            stale.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        stale.close()


def test_a_backup_folder_is_as_described(school: School, tmp_path: Path) -> None:
    from esafety_desktop.services.backups import BY_HAND, back_up

    folder = back_up(school.signed_in, BY_HAND).backup.folder
    assert folder.parent == school.path.parent / "eSafety Desktop backups"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{6} by hand", folder.name)
    assert sorted(p.name for p in folder.iterdir()) == [
        "backup.json",
        "school.db",
        "school.db.keys",
    ]

    manifest = json.loads((folder / "backup.json").read_text(encoding="utf-8"))
    assert set(manifest) == {
        "format",
        "version",
        "database_id",
        "made_at",
        "kind",
        "app_version",
        "layout",
        "counts",
        "audit_entries",
        "files",
        "made_on",
        "mac",
    }
    assert manifest["format"] == "esafety-desktop-backup" and manifest["version"] == 2
    assert manifest["kind"] == "by hand" and manifest["made_at"].endswith("+00:00")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00", manifest["made_at"])
    assert set(manifest["counts"]) == {"cases", "people"}  # only what the chooser shows
    assert sorted(manifest["files"]) == ["school.db", "school.db.keys"]
    for name in ("school.db", "school.db.keys"):
        assert manifest["files"][name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert len((folder / "backup.json").read_bytes()) <= 64 * 1024

    # Same key and same salt as the live database; it opens with the recovery key alone.
    document = read_key_file(folder / "school.db")
    assert document["database_id"] == manifest["database_id"]
    assert file_salt(folder / "school.db") == file_salt(school.path)
    assert document["database_salt"] == file_salt(folder / "school.db")
    copy = tmp_path / "recovered" / "school.db"
    copy.parent.mkdir()
    shutil.copyfile(folder / "school.db", copy)
    shutil.copyfile(folder / "school.db.keys", copy.with_name("school.db.keys"))
    data_key = recovered_data_key(copy, school.recovery_key)
    connection = open_database(copy, data_key)
    try:
        assert setting(connection, "school_name") == SCHOOL_NAME
        layout = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        cases = connection.execute("SELECT count(*) FROM incident").fetchone()[0]
        people = connection.execute("SELECT count(*) FROM person").fetchone()[0]
        entries = connection.execute("SELECT count(*) FROM audit_entry").fetchone()[0]
    finally:
        connection.close()
    assert layout == manifest["layout"]
    assert manifest["counts"] == {"cases": cases, "people": people}
    assert manifest["audit_entries"] == entries

    # The signature, by hand: HMAC-SHA256 of the canonical manifest without "mac", under
    # HKDF(data key, salt = database_id, info = "esafety-desktop/backup-manifest/v1").
    def mac_of(fields: dict[str, Any]) -> str:
        key = hkdf(
            data_key,
            fields["database_id"].encode("utf-8"),
            b"esafety-desktop/backup-manifest/v1",
        )
        message = canonical({k: v for k, v in fields.items() if k != "mac"})
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    assert hmac.compare_digest(manifest["mac"], mac_of(manifest))

    # The program keeps the rules the document states: a relabelled manifest's signature no
    # longer holds and restoring it is refused; a name other than the two is not a backup.
    from esafety_desktop.services import restoring
    from esafety_desktop.storage.backup import Backup, BackupProblem
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    relabelled = dict(manifest, made_at="2099-01-01T00:00:00.000000+00:00")
    assert mac_of(relabelled) != manifest["mac"]
    (folder / "backup.json").write_text(json.dumps(relabelled, indent=2), encoding="utf-8")
    with pytest.raises(BackupProblem, match="changed after the backup was made"):
        restoring.open_backup(
            Backup.read(folder),
            recovery_key=school.recovery_key,
            device_secrets=DeviceSecretStore(),
        )
    renamed = dict(manifest, files={"school.db": manifest["files"]["school.db"], "../x": "0" * 64})
    (folder / "backup.json").write_text(json.dumps(renamed, indent=2), encoding="utf-8")
    with pytest.raises(BackupProblem, match="not an eSafety Desktop backup"):
        Backup.read(folder)


def test_a_version_1_key_file_opens_as_described(tmp_path: Path) -> None:
    from tests.storage.fixtures.make_school_v1 import HERE, PASSWORDS, RECOVERY_FILE

    copy = tmp_path / "school.db"
    shutil.copyfile(HERE / "school.db", copy)
    shutil.copyfile(HERE / "school.db.keys", tmp_path / "school.db.keys")
    document = read_key_file(copy)
    assert document["version"] == 1
    database_id = document["database_id"]

    recovery = parse_recovery_key(RECOVERY_FILE.read_text())
    data_key = open_version_1_recovery_slot(database_id, document["slots"], recovery)

    password_slot = next(s for s in document["slots"] if s["account"] == "fixture.dsl")
    assert password_slot["kind"] == "password" and password_slot["device_secret_id"] is None
    salt = unb64(password_slot["salt"])
    stretched = argon2id(PASSWORDS["fixture.dsl"], salt, password_slot["kdf"])
    wrapping = hkdf(stretched, salt, b"esafety-desktop/slot/password-only/v1")
    assert open_version_1_slot(database_id, password_slot, wrapping) == data_key

    connection = open_database(copy, data_key)
    try:
        assert setting(connection, "database_id") == database_id
        assert setting(connection, "school_name") == "Fixture Primary (invented)"
    finally:
        connection.close()


def test_audit_entries_are_signed_and_records_sealed_as_described(school: School) -> None:
    from esafety_desktop.domain.evidence import EvidenceKind
    from esafety_desktop.domain.roles import Role
    from esafety_desktop.services import accounts, checks, incidents
    from tests.services.test_incidents import BULLYING, PNG, _new, _pupil

    add_head(school)
    accounts.change_role(school.signed_in, username="p.head", role=Role.DEPUTY_DSL)
    case = incidents.record_incident(school.signed_in, _new(_pupil(school), BULLYING)).id
    incidents.add_evidence(
        school.signed_in,
        case,
        EvidenceKind.SCREENSHOT,
        "Group chat",
        file_name="a.png",
        content=PNG,
    )
    # New keys for jo.dsl: what was signed before is signed with the keys of its day.
    accounts.change_own_password(
        school.signed_in, current_password=DSL_PASSWORD, new_password="Saucer-Thimble-Harbour-83"
    )

    document = read_key_file(school.path)
    database_id = document["database_id"]
    first_keys, renewed = document["roster"][0]["keys"], document["roster"][-1]
    assert renewed["change"] == "keys_renewed" and renewed["account"] == "jo.dsl"
    connection = open_database(school.path, recovered_data_key(school.path, school.recovery_key))
    try:
        since = sealed_from(connection)
        assert isinstance(since, int) and since >= 1
        entries = {e["sequence"]: e for e in audit_entries(connection)}

        # One entry, step by step: the head's account being added.
        added = next(
            e
            for e in entries.values()
            if e["action"] == "account.created" and '"p.head"' in e["details"]
        )
        assert added["sequence"] > since and added["signer"] == "jo.dsl"
        content = {k: added[k] for k in HASHED} | {
            "signer": added["signer"],
            "rows_hash": added["rows_hash"],
        }
        digest = hashlib.sha256(bytes.fromhex(added["prev_hash"]) + canonical(content))
        assert digest.hexdigest() == added["hash"]
        assert added["prev_hash"] == entries[added["sequence"] - 1]["hash"]
        assert len(added["signature"]) == 88
        message = b"esafety-desktop/audit/v2\n" + f"{database_id}\n{added['hash']}".encode()
        signature = unb64(added["signature"])
        assert signature_holds(unb64(first_keys["ed25519"]), message, signature)
        assert not signature_holds(unb64(renewed["keys"]["ed25519"]), message, signature)
        seals = connection.execute(
            "SELECT table_name, row_key, content_hash FROM row_seal WHERE sequence = ?",
            (added["sequence"],),
        ).fetchall()
        head_id = connection.execute("SELECT id FROM account WHERE username = 'p.head'").fetchone()
        # It carries the seals of the records it wrote: the account row, and the record of
        # the roster change that added it.
        seals = sorted(seals)
        assert [(t, k) for t, k, _ in seals] == [
            ("account", str(head_id[0])),
            ("roster_record", "2"),
        ]
        assert added["rows_hash"] == hashlib.sha256(canonical([list(s) for s in seals])).hexdigest()

        # One row seal, by hand: the school's name, sealed when sealing began.
        value = connection.execute(
            "SELECT value FROM school_setting WHERE key = 'school_name'"
        ).fetchone()[0]
        sealed = connection.execute(
            "SELECT sequence, content_hash FROM row_seal WHERE table_name = 'school_setting' "
            "AND row_key = 'school_name' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        row = {"key": "school_name", "value": value}
        assert sealed == (since, hashlib.sha256(canonical(row)).hexdigest())
        assert entries[since]["rows_hash"] is not None

        # Then everything section 7.4 says verify checks: dates, times, true/false and the
        # screenshot's bytes included, with the entries signed before the new password.
        assert check_signed_history(connection, document) == []
        assert {e["signer"] for e in entries.values()} == {"jo.dsl"}
        assert {"person", "incident", "incident_entry", "evidence"} <= set(
            sealed_tables(connection)
        )

        # An edit with the data key and raw SQL is named, by hand and by the program alike.
        connection.execute(
            "UPDATE school_setting SET value = '\"Elsewhere Primary\"' WHERE key = 'school_name'"
        )
        connection.commit()
        assert check_signed_history(connection, document) == ["school_setting school_name: changed"]
    finally:
        connection.close()
    report = checks.verify_open_database(school.signed_in)
    assert [p for p in report.problems if "school_name" in p and "changed outside" in p]


def test_the_keyring_keeps_the_newest_state_as_described(school: School) -> None:
    from esafety_desktop.errors import DatabaseOlderThanLastUsed
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore

    document = read_key_file(school.path)
    data_key = recovered_data_key(school.path, school.recovery_key)
    entry = f"newest state of {document['database_id']} at {school.path.resolve()}"
    # Written after each commit now and then (at most twice a minute), and on signing out.
    assert keyring.get_password("eSafety Desktop", entry) is not None

    school.signed_in.sign_out()
    sequence, entry_hash = newest_audit_entry(school.path, data_key)
    stored = keyring.get_password("eSafety Desktop", entry)
    assert stored == f'{{"audit": [{sequence}, "{entry_hash}"], "generation": 1}}'

    # A password sign-in refuses a database older than the entry says, and writes nothing.
    for pinned in (
        {"audit": [sequence + 1, entry_hash], "generation": 1},
        {"audit": [sequence, "0" * 64], "generation": 1},
        {"audit": [sequence, entry_hash], "generation": 2},
    ):
        keyring.set_password("eSafety Desktop", entry, json.dumps(pinned, sort_keys=True))
        with pytest.raises(DatabaseOlderThanLastUsed):
            sign_in(school.path, "jo.dsl", school.password, DeviceSecretStore())
    assert newest_audit_entry(school.path, data_key) == (sequence, entry_hash)

    # An entry that is not one the program wrote checks nothing; the sign-in writes it anew.
    keyring.set_password("eSafety Desktop", entry, "not the program's")
    signed_in = sign_in(school.path, "jo.dsl", school.password, DeviceSecretStore())
    try:
        now = json.loads(keyring.get_password("eSafety Desktop", entry) or "")
        assert now["generation"] == 1 and now["audit"][0] > sequence
    finally:
        signed_in.sign_out()
    assert json.loads(keyring.get_password("eSafety Desktop", entry) or "") == {
        "audit": list(newest_audit_entry(school.path, data_key)),
        "generation": 1,
    }


def test_a_version_1_school_is_upgraded_as_described(tmp_path: Path) -> None:
    from esafety_desktop.services import accounts
    from esafety_desktop.services.access import sign_in
    from esafety_desktop.storage.device_secret import DeviceSecretStore
    from tests.storage.fixtures.make_school_v1 import HERE, PASSWORDS, RECOVERY_FILE

    copy = tmp_path / "school.db"
    shutil.copyfile(HERE / "school.db", copy)
    shutil.copyfile(HERE / "school.db.keys", tmp_path / "school.db.keys")
    database_id = read_key_file(copy)["database_id"]
    old_recovery = parse_recovery_key(RECOVERY_FILE.read_text())

    # Not upgraded (a headteacher signs in): the file is written again in the version 2 layout,
    # every version 1 slot kept in legacy_slots, and nothing is signed.
    sign_in(copy, "fixture.head", PASSWORDS["fixture.head"], DeviceSecretStore()).sign_out()
    document = read_key_file(copy)
    assert document["version"] == 2 and document["generation"] == 1
    assert document["roster"] == [] and document["accounts"] == [] and document["data_key"] == {}
    assert sorted((s["kind"], s["account"] or "") for s in document["legacy_slots"]) == [
        ("password", "fixture.deputy"),
        ("password", "fixture.dsl"),
        ("password", "fixture.head"),
        ("recovery", ""),
    ]
    data_key = open_version_1_recovery_slot(database_id, document["legacy_slots"], old_recovery)
    connection = open_database(copy, data_key)
    try:
        assert sealed_from(connection) is None
        assert {e["signer"] for e in audit_entries(connection)} == {None}
        assert check_signed_history(connection, document) == []  # the chain alone
    finally:
        connection.close()

    # The upgrade: a DSL signs in; then a DSL gives the headteacher a new password.
    dsl = sign_in(
        copy, "fixture.dsl", PASSWORDS["fixture.dsl"], DeviceSecretStore(), upgrade_keys=True
    )
    try:
        new_recovery = dsl.recovery_key_to_print
        assert new_recovery is not None
        assert dsl.accounts_needing_passwords == ["fixture.deputy", "fixture.head"]
        head_password = "Pebble-Quarry-Teapot-85"
        accounts.reset_password(dsl, username="fixture.head", new_password=head_password)
    finally:
        dsl.sign_out()

    document = read_key_file(copy)
    # The school's key changed straight after the upgrade: copies of the old key file held it.
    assert document["legacy_slots"] == [] and document["generation"] == 2
    changes = [(e["change"], e["signed_by"], e["account"], e["role"]) for e in document["roster"]]
    assert changes == [
        ("keys_upgraded", "fixture.dsl", "fixture.dsl", "dsl"),
        ("account_added", "fixture.dsl", "fixture.head", "headteacher"),
    ]
    problems, state = walk_roster(document)
    assert problems == []
    assert sorted(state["members"]) == ["fixture.dsl", "fixture.head"]  # no fixture.deputy
    assert sorted(s["account"] for s in document["accounts"]) == ["fixture.dsl", "fixture.head"]
    assert sorted(document["data_key"]) == [
        "account:fixture.dsl",
        "account:fixture.head",
        "recovery key",
    ]

    # The first entry names a new recovery key, which signed it too; the old sheet opens
    # nothing in this key file, the new one opens the new data key.
    new_x25519, new_ed25519 = recovery_key_pairs(parse_recovery_key(new_recovery), database_id)
    first = document["roster"][0]
    assert first["recovery"] == public_keys_json(
        x25519_public(new_x25519), ed25519_public(new_ed25519)
    )
    assert signature_holds(
        ed25519_public(new_ed25519),
        roster_message(database_id, first),
        unb64(first["recovery_signature"]),
    )
    old_x25519, _ = recovery_key_pairs(old_recovery, database_id)
    with pytest.raises(AssertionError, match="wrapped to someone else"):
        unwrap_data_key(document, "recovery key", old_x25519)
    new_data_key = unwrap_data_key(document, "recovery key", new_x25519)
    assert new_data_key != data_key
    head_x25519, _ = open_password_slot(document, "fixture.head", head_password, None)
    assert unwrap_data_key(document, "account:fixture.head", head_x25519) == new_data_key
    data_key = new_data_key

    # Signed history began with the DSL's sign-in: older entries unsigned, later ones signed.
    connection = open_database(copy, data_key)
    try:
        since = sealed_from(connection)
        assert since is not None
        entries = audit_entries(connection)
        sealing = next(e for e in entries if e["sequence"] == since)
        assert sealing["action"] == "security.records_sealed"
        seals = connection.execute(
            "SELECT count(*) FROM row_seal WHERE sequence = ?", (since,)
        ).fetchone()[0]
        # Everything as it was, and the record of the roster's first change, written with it.
        assert json.loads(sealing["details"]) == {"records": seals - 1}
        roster_seal = connection.execute(
            "SELECT row_key FROM row_seal WHERE sequence = ? AND table_name = 'roster_record'",
            (since,),
        ).fetchall()
        assert roster_seal == [("1",)]
        assert {e["signer"] for e in entries if e["sequence"] >= since} == {"fixture.dsl"}
        assert None in {e["signer"] for e in entries if e["sequence"] < since}
        assert check_signed_history(connection, document) == []
    finally:
        connection.close()


def test_a_review_pack_opens_with_its_passphrase_as_described(
    school: School, tmp_path: Path
) -> None:
    from esafety_desktop.services import incidents, review_packs
    from tests.services.test_incidents import NUDES_REFERRED, _new, _pupil

    case = incidents.record_incident(school.signed_in, _new(_pupil(school), NUDES_REFERRED)).id
    out = tmp_path / "for-the-head.esreview"
    exported = review_packs.export_review_pack(school.signed_in, [case], "Pat Head", out)

    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}", exported.passphrase)
    secret = parse_typed_secret(exported.passphrase, 15, b"esafety-review-pack:")
    key = hkdf(secret, None, b"esafety-desktop/review-pack/v1")
    pack = open_database(out, key)
    try:
        info = dict(pack.execute("SELECT key, value FROM pack_info").fetchall())
        rows = pack.execute("SELECT reference, record, sha256 FROM pack_case").fetchall()
        journal = pack.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        pack.close()
    assert info["format"] == "esafety-desktop-review-pack" and info["version"] == "1"
    assert info["school_name"] == SCHOOL_NAME and info["reviewer"] == "Pat Head"
    assert journal == "delete"
    assert [r[0] for r in rows] == exported.references
    for _reference, record, digest in rows:
        assert hashlib.sha256(record.encode("utf-8")).hexdigest() == digest
        json.loads(record)

    # The school keeps the pack's key, so the recovery key opens the school's own packs.
    document = read_key_file(school.path)
    assert info["database_id"] == document["database_id"]
    connection = open_database(school.path, recovered_data_key(school.path, school.recovery_key))
    try:
        kept = connection.execute(
            "SELECT pack_key FROM review_pack WHERE pack_id = ?", (info["pack_id"],)
        ).fetchone()
    finally:
        connection.close()
    assert kept == (key.hex(),)


# -- section 17: restricted cases ------------------------------------------------------------


def test_a_restricted_case_opens_with_the_recovery_key_as_described(school: School) -> None:
    """Only the recovery key and the document: the data key, then the case key, then the
    case's rows, its history and each audit entry's sealed details."""
    from esafety_desktop.services import incidents
    from tests.services.test_incidents import ABOUT_THE_HEAD, _new, _pupil

    add_head(school)
    from esafety_desktop.services.accounts import list_accounts

    head = next(a.id for a in list_accounts(school.signed_in) if a.username == "p.head")
    case = incidents.record_incident(
        school.signed_in,
        _new(
            _pupil(school),
            ABOUT_THE_HEAD,
            summary="Łucja's words, sealed",
            concerns_account_id=head,
        ),
    )
    incidents.add_note(school.signed_in, case.id, "A note inside the seal")
    document = read_key_file(school.path)
    x25519_private, _ = recovery_key_pairs(
        parse_recovery_key(school.recovery_key), document["database_id"]
    )
    data_key = unwrap_data_key(document, "recovery key", x25519_private)
    connection = open_database(school.path, data_key)
    try:
        number, version, sealed, keys = connection.execute(
            "SELECT id, version, sealed, keys FROM sealed_case"
        ).fetchone()
        entries = connection.execute(
            "SELECT action, subject_type, subject_id, details FROM audit_entry "
            "WHERE subject_type = 'restricted_case' ORDER BY sequence"
        ).fetchall()
        assert connection.execute("SELECT count(*) FROM incident").fetchone() == (0,)
    finally:
        connection.close()
    assert number == 1 and version >= 2
    wraps = json.loads(keys)
    assert set(wraps) == {"account:jo.dsl", "recovery key"}  # never the head's
    context = {
        "wrap": 2,
        "database_id": document["database_id"],
        "to": "recovery key",
        "key": "restricted case",
        "case": number,
    }
    case_key = unwrap(wraps["recovery key"], x25519_private, canonical(context))
    associated = canonical(
        {"case": number, "database_id": document["database_id"], "sealed": "restricted case"}
    )
    opened = json.loads(AESGCM(case_key).decrypt(sealed[:12], sealed[12:], associated))
    assert opened["format"] == 1 and opened["kept_from"] == ["p.head"]
    first = json.loads(entries[0][3])
    assert first["key"] == hashlib.sha256(case_key).hexdigest()
    assert first["kept_from"] == ["p.head"] and opened["changes"] == len(entries)
    roster_keys = {e["account"]: e["keys"]["ed25519"] for e in document["roster"] if e.get("keys")}
    for name, wrap in wraps.items():
        fields = {k: wrap[k] for k in ("recipient", "ephemeral", "nonce", "sealed")}
        message = b"esafety-desktop/restricted-case-wrap/v1\n" + canonical(
            {"database_id": document["database_id"], "case": number, "to": name, **fields}
        )
        Ed25519PublicKey.from_public_bytes(unb64(roster_keys[wrap["by"]])).verify(
            unb64(wrap["signature"]), message
        )
    [incident] = opened["tables"]["incident"]
    assert (incident["id"], incident["reference"]) == (-1, "R-0001")
    assert incident["summary"] == "Łucja's words, sealed"
    notes = [e for e in opened["tables"]["incident_entry"] if e["kind"] == "note"]
    assert [n["text"] for n in notes] == ["A note inside the seal"]
    assert all(-(2**33) < e["id"] <= -(2**32) and e["incident_id"] == -1 for e in notes)
    assert "sealed" in opened["search"]
    assert [h["action"] for h in opened["history"]][:1] == ["incident.created"]
    assert {a for a, *_ in entries} == {"restricted_case.changed"}
    said = []
    for _action, subject_type, subject_id, details in entries:
        assert (subject_type, subject_id) == ("restricted_case", "1")
        blob = unb64(json.loads(details)["sealed"])
        said.append(json.loads(AESGCM(case_key).decrypt(blob[:12], blob[12:], associated)))
    assert said == opened["history"][-len(said) :]


# -- section 18: wizard drafts ---------------------------------------------------------------


def test_a_draft_is_sealed_to_its_author_as_described(school: School) -> None:
    from esafety_desktop.services import incidents

    incidents.save_draft(school.signed_in, None, "Tŷ: half written", {"page": 2})
    document = read_key_file(school.path)
    secret = device_secret_from_keyring()
    x25519_private, _ = open_password_slot(document, "jo.dsl", school.password, secret)
    connection = open_database(
        school.path, unwrap_data_key(document, "account:jo.dsl", x25519_private)
    )
    try:
        label, data = connection.execute("SELECT label, data FROM incident_draft").fetchone()
    finally:
        connection.close()
    assert label == "(sealed)"
    raw = json.loads(data)
    context = {"database_id": document["database_id"], "key": "draft", "to": "account:jo.dsl"}
    key = unwrap(raw["key"], x25519_private, canonical({"wrap": 2, **context}))
    body = unb64(raw["sealed"])
    inside = json.loads(AESGCM(key).decrypt(body[:12], body[12:], canonical(context)))
    assert inside == {"label": "Tŷ: half written", "data": '{"page": 2}'}
