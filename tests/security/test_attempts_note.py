"""Attacks on the note of failed sign-ins (``school.db.attempts``), issue 19 item 2.

The note is written before anyone has signed in, so it lives beside the database in a file
anyone with the folder can read and edit. It must not keep what was typed as a user name (often
a password typed into the wrong box), and whatever is put into it must not reach the signed
audit log as if the program had written it. Deleting it after failed attempts is noticed."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from esafety_desktop.domain.recovery_key import format_recovery_key, new_recovery_key
from esafety_desktop.errors import UnknownAccount, WrongPassword, WrongRecoveryKey
from esafety_desktop.services.access import (
    create_school,
    sign_in,
    sign_in_with_recovery_key,
)
from esafety_desktop.services.audit_log import AuditRecord, audit_entries
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from esafety_desktop.storage.key_file import KeySlotFile
from tests.conftest import DSL_PASSWORD, School, add_head

PASSWORD_IN_THE_WRONG_BOX = "Tulip-Compass-Ferry-31"


def _attempts(school: School) -> Path:
    return DatabaseFiles(school.path).sign_in_attempts


def _fail(school: School, username: str, password: str = "Kettle-Orchard-Lantern-43") -> None:
    with pytest.raises((WrongPassword, UnknownAccount)):
        sign_in(school.path, username, password, DeviceSecretStore())


def _entries_at_next_sign_in(school: School) -> list[AuditRecord]:
    again = sign_in(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    try:
        return [e for e in audit_entries(again) if e.action.startswith("sign_in.failed")]
    finally:
        again.sign_out()


def _lines(school: School) -> list[dict[str, Any]]:
    text = _attempts(school).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_a_password_typed_as_a_user_name_is_never_written(school: School) -> None:
    school.signed_in.sign_out()
    _fail(school, PASSWORD_IN_THE_WRONG_BOX, DSL_PASSWORD)
    assert PASSWORD_IN_THE_WRONG_BOX.lower() not in _attempts(school).read_text().lower()
    [line] = _lines(school)
    assert line["account"] is None and line["reason"] == "unknown account"
    [entry] = _entries_at_next_sign_in(school)
    assert entry.action == "sign_in.failed"
    assert entry.actor_name == "an unknown name"
    assert PASSWORD_IN_THE_WRONG_BOX.lower() not in json.dumps(entry.details).lower()


def test_an_account_on_the_roster_is_named_with_a_fixed_reason_and_the_time_it_was_noted(
    school: School,
) -> None:
    add_head(school)
    school.signed_in.sign_out()
    before = datetime.now(UTC) - timedelta(seconds=2)
    _fail(school, " P.Head ")
    [line] = _lines(school)
    assert line["account"] == "p.head"
    [entry] = _entries_at_next_sign_in(school)
    assert entry.actor_name == "p.head"
    assert entry.details["reason"] == "wrong password"
    noted_at = datetime.fromisoformat(entry.details["noted_at"])
    assert noted_at.utcoffset() == timedelta(0) and noted_at >= before.replace(microsecond=0)
    assert entry.occurred_at >= noted_at  # the entry's own time is when it reached the log


def test_a_wrong_recovery_key_is_noted_without_the_name_typed(school: School) -> None:
    school.signed_in.sign_out()
    with pytest.raises(WrongRecoveryKey):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=format_recovery_key(new_recovery_key()),  # another school's
            username=PASSWORD_IN_THE_WRONG_BOX,
            new_password="Quill-Harbour-Meadow-77",
            device_secrets=DeviceSecretStore(),
        )
    assert PASSWORD_IN_THE_WRONG_BOX.lower() not in _attempts(school).read_text().lower()
    [entry] = _entries_at_next_sign_in(school)
    assert (entry.actor_name, entry.details["reason"]) == ("an unknown name", "wrong recovery key")


FORGED: list[dict[str, Any]] = [
    # what an attacker with the folder writes, hoping to see it in the signed audit log
    {"account": "mr.smith", "reason": "he looked at the DSL's files", "at": "2020-01-01T00:00:00"},
    {"v": 1, "n": 1, "at": "2026-11-23T08:01:02+00:00", "reason": "wrong password",
     "account": "jo.dsl", "mac": None},
    {"v": 1, "n": 2, "at": "2026-11-23T08:01:02+00:00", "reason": "wrong password",
     "account": "jo.dsl", "mac": "00" * 32},
]  # fmt: skip


def test_forged_lines_reach_the_log_only_as_a_count(school: School) -> None:
    school.signed_in.sign_out()
    with _attempts(school).open("w", encoding="utf-8") as note:
        for line in FORGED:
            note.write(json.dumps(line) + "\n")
        note.write("not json at all: the head of year typed Hunter2\n")
        note.write(json.dumps({"account": "x" * 5000, "reason": "r", "at": "t"}) + "\n")
    entries = _entries_at_next_sign_in(school)
    assert [e.action for e in entries] == ["sign_in.failed.note_altered"]
    assert entries[0].details == {"lines": 5}
    assert entries[0].actor_name == "Jo Bloggs"  # the session that found it, signed as such
    text = json.dumps([e.details for e in entries] + [e.actor_name for e in entries])
    for planted in ("mr.smith", "looked", "2020", "Hunter2", "xxxx"):
        assert planted not in text
    assert not _attempts(school).exists()


def test_a_genuine_line_changed_by_hand_is_caught(school: School) -> None:
    school.signed_in.sign_out()
    _fail(school, "jo.dsl")
    _fail(school, "jo.dsl")
    first, second = _lines(school)
    first["at"] = "2026-01-01T03:00:00+00:00"  # "it happened at 3 in the morning"
    second["account"] = None
    _attempts(school).write_text(
        "\n".join(json.dumps(line) for line in (first, second)) + "\n", encoding="utf-8"
    )
    entries = _entries_at_next_sign_in(school)
    assert [(e.action, e.details) for e in entries] == [
        ("sign_in.failed.note_altered", {"lines": 2})
    ]


def test_deleting_the_note_after_failed_attempts_is_noticed(school: School) -> None:
    school.signed_in.sign_out()
    _fail(school, "jo.dsl")
    _fail(school, PASSWORD_IN_THE_WRONG_BOX)
    _attempts(school).unlink()
    entries = _entries_at_next_sign_in(school)
    assert [(e.action, e.details) for e in entries] == [
        ("sign_in.failed.note_missing", {"attempts": 2})
    ]
    # Once told, it is not told again.
    assert _entries_at_next_sign_in(school)[0].action == "sign_in.failed.note_missing"
    assert len(_entries_at_next_sign_in(school)) == 1


def test_removing_one_line_is_noticed_and_the_rest_are_kept(school: School) -> None:
    school.signed_in.sign_out()
    for _ in range(3):
        _fail(school, "jo.dsl")
    lines = _attempts(school).read_text(encoding="utf-8").splitlines()
    _attempts(school).write_text(lines[0] + "\n" + lines[2] + "\n", encoding="utf-8")
    entries = _entries_at_next_sign_in(school)
    actions = sorted(e.action for e in entries)
    assert actions == ["sign_in.failed", "sign_in.failed", "sign_in.failed.note_missing"]
    assert next(e for e in entries if e.action.endswith("missing")).details == {"attempts": 1}


def test_an_old_note_put_back_adds_nothing(school: School, tmp_path: Path) -> None:
    school.signed_in.sign_out()
    _fail(school, "jo.dsl")
    kept = tmp_path / "old.attempts"
    shutil.copyfile(_attempts(school), kept)
    [moved] = _entries_at_next_sign_in(school)
    _attempts(school).write_text(kept.read_text() * 3, encoding="utf-8")  # put back, thrice
    assert _entries_at_next_sign_in(school) == [moved]  # already in the log: nothing more


def test_the_note_stops_growing_at_its_cap_and_counts_what_it_dropped(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esafety_desktop.services import failed_sign_ins

    monkeypatch.setattr(failed_sign_ins, "MAX_LINES", 3)
    school.signed_in.sign_out()
    for _ in range(5):
        _fail(school, "jo.dsl")
    assert len(_lines(school)) == 3
    entries = _entries_at_next_sign_in(school)
    assert sorted(e.action for e in entries) == ["sign_in.failed"] * 3 + [
        "sign_in.failed.not_noted"
    ]
    assert next(e for e in entries if e.action.endswith("not_noted")).details == {
        "attempts": 2,
        "reason": "the note was full",
    }


def test_a_huge_note_is_read_only_up_to_its_cap(school: School) -> None:
    from esafety_desktop.services import failed_sign_ins

    school.signed_in.sign_out()
    with _attempts(school).open("w", encoding="utf-8") as note:
        for _ in range(200_000):
            note.write('{"account": "jo.dsl", "reason": "wrong password", "at": "x"}\n')
    size = _attempts(school).stat().st_size
    _fail(school, "jo.dsl")
    assert _attempts(school).stat().st_size == size  # nothing appended to an oversized note
    entries = _entries_at_next_sign_in(school)
    altered = next(e for e in entries if e.action == "sign_in.failed.note_altered")
    assert altered.details["lines"] <= failed_sign_ins.MAX_LINES + 1
    assert altered.details.get("more_than_the_cap") is True
    assert sum(e.action == "sign_in.failed" for e in entries) == 0
    assert [e.details for e in entries if e.action == "sign_in.failed.not_noted"] == [
        {"attempts": 1, "reason": "the note was full"}
    ]


def test_without_a_device_secret_the_note_is_unchecked_but_still_says_no_free_text(
    tmp_path: Path,
) -> None:
    path = tmp_path / "school.db"
    create_school(
        path,
        school_name="Password-only School (invented)",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
        password_only=True,
    ).signed_in.sign_out()
    note = DatabaseFiles(path).sign_in_attempts
    with pytest.raises(UnknownAccount):
        sign_in(path, PASSWORD_IN_THE_WRONG_BOX, DSL_PASSWORD, DeviceSecretStore())
    assert PASSWORD_IN_THE_WRONG_BOX.lower() not in note.read_text().lower()
    with note.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(FORGED[0]) + "\n")
        forged = {**FORGED[1], "account": "mr.smith", "at": "2020-01-01T00:00:00+00:00"}
        handle.write(json.dumps(forged) + "\n")
    again = sign_in(path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    entries = [e for e in audit_entries(again) if e.action.startswith("sign_in.failed")]
    again.sign_out()
    by_action = {e.action: e for e in entries}
    assert by_action["sign_in.failed.note_altered"].details == {"lines": 1}
    failed = [e for e in entries if e.action == "sign_in.failed"]
    assert [e.actor_name for e in failed] == ["an unknown name"] * 2  # mr.smith is no account
    assert all(e.details["checked"] is False for e in failed)
    assert "mr.smith" not in json.dumps([e.details for e in entries])


def test_the_note_is_as_docs_file_format_section_16_says(school: School) -> None:
    """Checked by hand from the document: HKDF of the device secret, HMAC of the line."""
    school.signed_in.sign_out()
    _fail(school, "jo.dsl")
    [line] = _lines(school)
    assert sorted(line) == ["account", "at", "mac", "n", "reason", "v"]
    database_id = KeySlotFile.load(DatabaseFiles(school.path).key_slots).database_id
    secret = DeviceSecretStore().get()
    assert secret is not None
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=database_id.encode("utf-8"),
        info=b"esafety-desktop/attempts/v1",
    ).derive(secret)
    body = {k: v for k, v in line.items() if k != "mac"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert line["mac"] == hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    assert line["n"] == 1 and line["v"] == 1
    where = str(DatabaseFiles(school.path).database.resolve())
    record = DeviceSecretStore().failed_sign_ins(database_id, where)
    assert record == {"noted": 1, "read": 0, "dropped": 0}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "folder"])
def test_a_note_that_is_not_a_plain_file_neither_blocks_nor_is_followed(
    school: School, kind: str
) -> None:
    school.signed_in.sign_out()
    note = _attempts(school)
    if kind == "fifo":
        os.mkfifo(note)  # an open() for reading or writing would wait for ever
    elif kind == "folder":
        note.mkdir()
    else:
        note.symlink_to("/dev/zero")
    _fail(school, "jo.dsl")
    entries = _entries_at_next_sign_in(school)
    assert sorted((e.action, json.dumps(e.details)) for e in entries) == [
        ("sign_in.failed.not_noted", json.dumps({"attempts": 1, "reason": "the note was full"})),
        ("sign_in.failed.note_altered", json.dumps({"lines": 1, "not_a_plain_file": True})),
    ]
    assert not note.exists() and not note.is_symlink()
