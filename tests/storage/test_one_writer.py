"""One writer: writes from the window's thread and the worker at once (short saves, a backup,
an account change) never overlap. Every write lands, the audit chain verifies, the key file
opens with every account and the backup made in the middle checks out."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from esafety_desktop.domain.people import PersonKind
from esafety_desktop.domain.roles import Role
from esafety_desktop.services import accounts, backups, people
from esafety_desktop.services.access import sign_in
from esafety_desktop.services.audit_log import audit_entries
from esafety_desktop.services.checks import verify_database, verify_open_database
from esafety_desktop.storage import files as storage_files
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import DSL_PASSWORD, School

WRITES_PER_THREAD = 40
NEW_ACCOUNTS = ("al.deputy", "bo.lead", "cy.deputy")
NEW_PASSWORD = "Granite-Willow-Parcel-19"


def _visitor(prefix: str, number: int) -> people.PersonForm:
    return people.PersonForm(PersonKind.VISITOR, f"{prefix}{number:03d}", "Caller")


def test_writes_from_two_threads_a_backup_and_account_changes_all_land(
    school: School, tmp_path: Path
) -> None:
    signed_in = school.signed_in
    failures: list[BaseException] = []
    made_backups: list[backups.BackupRun] = []
    start = threading.Barrier(4)

    def guarded(work: object) -> object:
        def run() -> None:
            start.wait()
            try:
                work()  # type: ignore[operator]
            except BaseException as exc:  # the test reports every failure below
                failures.append(exc)

        return run

    def short_writes(prefix: str) -> None:
        for number in range(WRITES_PER_THREAD):
            people.add_person(signed_in, _visitor(prefix, number))

    def account_changes() -> None:
        for username in NEW_ACCOUNTS:
            accounts.add_account(
                signed_in,
                username=username,
                display_name=username.replace(".", " ").title(),
                role=Role.DEPUTY_DSL,
                password=NEW_PASSWORD,
            )

    def a_backup() -> None:
        made_backups.append(backups.back_up(signed_in, backups.BY_HAND))

    threads = [
        threading.Thread(target=guarded(lambda: short_writes("Ui"))),
        threading.Thread(target=guarded(lambda: short_writes("Worker"))),
        threading.Thread(target=guarded(account_changes)),
        threading.Thread(target=guarded(a_backup)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    names = {row.forename for row in people.list_people(signed_in)}
    for prefix in ("Ui", "Worker"):
        assert {f"{prefix}{n:03d}" for n in range(WRITES_PER_THREAD)} <= names
    report = verify_open_database(signed_in)
    assert report.problems == []
    assert made_backups and made_backups[0].backup.damaged_files() == []
    signed_in.sign_out()

    for username, password in [("jo.dsl", DSL_PASSWORD)] + [
        (u, NEW_PASSWORD) for u in NEW_ACCOUNTS
    ]:
        again = sign_in(school.path, username, password, DeviceSecretStore())
        again.sign_out()
    assert verify_database(school.path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore()).problems == []
    assert not list(school.path.parent.glob(".*.tmp")), "a temp file was left behind"


def test_two_saves_of_one_file_at_once_never_share_a_temp_file(tmp_path: Path) -> None:
    """The key file is replaced through a temp file; two writes at the same moment (two
    threads of one program) must each use their own, or one could rename the other's half."""
    target = tmp_path / "school.db.keys"
    seen: list[str] = []
    real_open = storage_files.os.open
    both_inside = threading.Barrier(2, timeout=5)

    def spying_open(path: object, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(".tmp"):
            seen.append(str(path))
            both_inside.wait()
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    storage_files.os.open = spying_open  # type: ignore[assignment]
    try:
        writers = [
            threading.Thread(target=storage_files.write_atomically, args=(target, data))
            for data in (b"first\n" * 1000, b"second\n" * 1000)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=10)
    finally:
        storage_files.os.open = real_open  # type: ignore[assignment]
    assert len(seen) == 2 and seen[0] != seen[1]
    assert target.read_bytes() in (b"first\n" * 1000, b"second\n" * 1000)


def test_a_save_does_not_wait_while_a_new_password_is_hashed(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 takes half a second: an account change hashes before it takes the writer lock,
    so a save made meanwhile (a note, a view recorded by a window) goes straight through."""
    from esafety_desktop.storage import keyslots

    real_seal = keyslots.seal_account_keys
    hashing, saved = threading.Event(), threading.Event()

    def slow_seal(*args: object, **kwargs: object) -> object:
        hashing.set()
        saved.wait(timeout=10)  # holds the hashing open until the other save is through
        return real_seal(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(keyslots, "seal_account_keys", slow_seal)
    adding = threading.Thread(
        target=accounts.add_account,
        kwargs={
            "signed_in": school.signed_in,
            "username": "al.deputy",
            "display_name": "Al Deputy",
            "role": Role.DEPUTY_DSL,
            "password": NEW_PASSWORD,
        },
    )
    adding.start()
    assert hashing.wait(timeout=10)
    people.add_person(school.signed_in, _visitor("During", 1))
    still_hashing = adding.is_alive()
    saved.set()
    adding.join(timeout=30)
    assert still_hashing  # the save went through while the password was being hashed
    actions = [e.action for e in audit_entries(school.signed_in)]  # newest first
    assert actions.index("account.created") < actions.index("person.created")
