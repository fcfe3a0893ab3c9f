"""Crafted backup folders (issue 19, item 3).

A backup folder is only ever read: the program lists the backups it finds (the restore chooser,
"the newest good backup" offered for a damaged database, verify's "older than its own backup"),
and restores one. Someone who can write to a backups folder (a shared drive, a USB stick lent
out) must not be able to make it open a file outside the folder (an absolute path, ``..``, a
Windows UNC path that would send this PC's password hash to their server, ``/dev/zero`` that
never ends), follow a link, or pass an old backup off as the newest.

Opening is watched with an audit hook (``sys.addaudithook``): while a test watches some paths,
any attempt to open one of them is noted and refused (``PermissionError``), so a program that
would have read ``/dev/zero`` for ever fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import shutil
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from esafety_desktop.services import backups, restoring
from esafety_desktop.storage.backup import MANIFEST, Backup, BackupProblem
from esafety_desktop.storage.device_secret import DeviceSecretStore
from tests.conftest import DSL_PASSWORD, School

# -- watching what is opened -----------------------------------------------------------------

_WATCHED: set[str] = set()
_TRIED: list[str] = []


def _normal(path: object) -> str:
    return os.path.normpath(os.path.abspath(os.fsdecode(path)))  # type: ignore[arg-type]


def _refuse_watched_opens(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _WATCHED or not args:
        return
    target = args[0]
    if not isinstance(target, str | bytes | os.PathLike):
        return  # an open file descriptor, not a path
    name = _normal(target)
    if name in _WATCHED:
        _TRIED.append(name)
        raise PermissionError(errno.EACCES, "refused by the test: a crafted backup's path", name)


sys.addaudithook(_refuse_watched_opens)


@contextlib.contextmanager
def never_opened(*paths: Path | str) -> Iterator[list[str]]:
    """Refuse (and note) every attempt to open one of ``paths`` while the block runs."""
    _TRIED.clear()
    _WATCHED.update(_normal(p) for p in paths)
    try:
        yield _TRIED
    finally:
        _WATCHED.clear()


# -- helpers ---------------------------------------------------------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="links and FIFOs made the POSIX way")


def _manifest(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backup(school: School, kind: str = backups.BY_HAND) -> Backup:
    return backups.back_up(school.signed_in, kind, prune=False).backup


def _data_key(school: School) -> bytearray:
    return school.signed_in.database.data_key_copy()


def _open(backup: Backup) -> restoring.OpenedBackup:
    return restoring.open_backup(
        backup, username="jo.dsl", password=DSL_PASSWORD, device_secrets=DeviceSecretStore()
    )


def _nothing_found(school: School, folder: Path) -> None:
    """``folder`` is neither listed nor offered as the newest good backup."""
    listed = [b.folder for b in backups.backups_in(backups.local_root(school.path))]
    assert folder not in listed
    newest = backups.newest_good_backup(school.path)
    assert newest is None or newest.folder != folder


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private file somewhere else on the PC, that no backup may read."""
    place = tmp_path_factory.mktemp("elsewhere") / "private.txt"
    place.write_text("Somebody else's file.\n", encoding="utf-8")
    return place


# -- 1. only the names the program writes ----------------------------------------------------

CRAFTED_NAMES = {
    "dev zero": "/dev/zero",
    "absolute": "{outside}",
    "dot dot": "{relative}",
    "UNC": "\\\\attacker.example\\share\\school.db.keys",
    "UNC forward": "//attacker.example/share/school.db.keys",
    "drive letter": "C:\\Windows\\win.ini",
    "drive relative": "C:school.db.keys",
    "dot slash": "./school.db.keys",
    "another name": "notes.txt",
}


@pytest.mark.parametrize("crafted", CRAFTED_NAMES.values(), ids=CRAFTED_NAMES.keys())
def test_a_manifest_naming_any_other_file_is_not_a_backup(
    school: School, outside: Path, crafted: str
) -> None:
    folder = _backup(school).folder
    (folder / "notes.txt").write_text("notes\n", encoding="utf-8")
    name = crafted.format(outside=outside, relative=os.path.relpath(outside, folder))
    manifest = _manifest(folder)
    # The key file's entry renamed to the crafted one, with the right checksum where there is
    # a file to take it from: the program must not even look.
    manifest["files"].pop("school.db.keys")
    manifest["files"][name] = _sha256(outside) if "outside" in crafted else "0" * 64
    _write_manifest(folder, manifest)

    with never_opened("/dev/zero", outside, folder / name, folder / "notes.txt") as tried:
        with pytest.raises(BackupProblem, match="not an eSafety Desktop backup") as problem:
            Backup.read(folder)
        assert "school.db.keys" in problem.value.what  # says which names a backup holds
        _nothing_found(school, folder)
    assert tried == []


def test_a_manifest_with_an_extra_file_or_a_missing_one_is_not_a_backup(
    school: School, outside: Path
) -> None:
    folder = _backup(school).folder
    manifest = _manifest(folder)
    extra = dict(manifest, files={**manifest["files"], str(outside): _sha256(outside)})
    _write_manifest(folder, extra)
    with never_opened(outside) as tried:
        with pytest.raises(BackupProblem, match="not an eSafety Desktop backup"):
            Backup.read(folder)
        _nothing_found(school, folder)
    assert tried == []

    missing = dict(manifest, files={"school.db": manifest["files"]["school.db"]})
    _write_manifest(folder, missing)
    with pytest.raises(BackupProblem, match="not an eSafety Desktop backup"):
        Backup.read(folder)


# -- 2. no links, no special files -----------------------------------------------------------


@posix_only
def test_a_backup_folder_that_is_a_link_is_not_followed(
    school: School, tmp_path_factory: pytest.TempPathFactory
) -> None:
    real = _backup(school).folder
    elsewhere = tmp_path_factory.mktemp("elsewhere") / real.name
    shutil.move(real, elsewhere)
    real.symlink_to(elsewhere, target_is_directory=True)
    watched = [real / n for n in (MANIFEST, "school.db", "school.db.keys")]
    with never_opened(*watched) as tried:
        with pytest.raises(BackupProblem, match="link"):
            Backup.read(real)
        _nothing_found(school, real)
    assert tried == []


@posix_only
@pytest.mark.parametrize("name", [MANIFEST, "school.db", "school.db.keys"])
def test_a_file_in_a_backup_that_is_a_link_is_not_followed(
    school: School, tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    folder = _backup(school).folder
    moved = tmp_path_factory.mktemp("elsewhere") / name
    shutil.move(folder / name, moved)  # the same bytes, so every checksum still matches
    (folder / name).symlink_to(moved)
    with never_opened(folder / name, moved) as tried:
        with pytest.raises(BackupProblem, match="link"):
            Backup.read(folder)
        _nothing_found(school, folder)
    assert tried == []


@posix_only
@pytest.mark.parametrize("name", [MANIFEST, "school.db", "school.db.keys"])
def test_a_file_in_a_backup_that_leads_to_dev_zero_is_never_opened(
    school: School, name: str
) -> None:
    folder = _backup(school).folder
    (folder / name).unlink()
    (folder / name).symlink_to("/dev/zero")
    with never_opened(folder / name, "/dev/zero") as tried:
        with pytest.raises(BackupProblem, match="link"):
            Backup.read(folder)
        _nothing_found(school, folder)
    assert tried == []


@posix_only
@pytest.mark.parametrize("name", [MANIFEST, "school.db", "school.db.keys"])
def test_a_file_in_a_backup_that_is_a_pipe_is_never_opened(school: School, name: str) -> None:
    folder = _backup(school).folder
    (folder / name).unlink()
    os.mkfifo(folder / name, 0o600)  # opening it for reading would wait for ever
    with never_opened(folder / name) as tried:
        with pytest.raises(BackupProblem, match="not an ordinary file"):
            Backup.read(folder)
        _nothing_found(school, folder)
    assert tried == []


# -- 3. the manifest is signed ---------------------------------------------------------------


def _old_and_new(school: School) -> tuple[Backup, Backup]:
    old = _backup(school, backups.SIGN_OUT)
    new = _backup(school, backups.BY_HAND)
    assert new.made_at > old.made_at
    return old, new


def _relabel(backup: Backup, **changes: Any) -> None:
    manifest = _manifest(backup.folder)
    manifest.update(changes)
    _write_manifest(backup.folder, manifest)


def test_a_relabelled_old_backup_is_not_taken_as_the_newest(school: School) -> None:
    old, new = _old_and_new(school)
    later = (new.made_at + timedelta(hours=1)).isoformat(timespec="microseconds")
    _relabel(old, made_at=later)
    relabelled = Backup.read(old.folder)  # what it claims, before any key is known
    assert relabelled.made_at > new.made_at
    # restoring it is refused, with a sentence that says why
    with pytest.raises(BackupProblem, match="changed after the backup was made"):
        _open(relabelled)

    key = _data_key(school)
    newest = backups.newest_good_backup(school.path, data_key=key)
    assert newest is not None and newest.folder == new.folder
    assert not relabelled.signature_holds(key) and Backup.read(new.folder).signature_holds(key)
    # verify's comparison: the newest backup whose signature holds under the data key
    trusted = backups.newest_good_backup_of(school.signed_in.database)
    assert trusted is not None and trusted.folder == new.folder


def test_a_manifest_whose_counts_were_changed_is_refused(school: School) -> None:
    """More audit entries claimed than the backup holds would make verify call the database
    "older than its own backup"; more cases would make the chooser offer it."""
    _, new = _old_and_new(school)
    _relabel(new, audit_entries=new.audit_entries + 1000, counts={"cases": 99, "people": 99})
    changed = Backup.read(new.folder)
    with pytest.raises(BackupProblem, match="changed after the backup was made"):
        _open(changed)
    assert not changed.signature_holds(_data_key(school))
    trusted = backups.newest_good_backup_of(school.signed_in.database)
    assert trusted is None or trusted.folder != new.folder


def test_a_manifest_signed_with_another_key_is_refused(school: School) -> None:
    """Anyone can compute an HMAC: one under a key they chose (here, one derived from a data
    key of zeros) does not hold under the school's."""
    old, new = _old_and_new(school)
    manifest = _manifest(old.folder)
    manifest["made_at"] = (new.made_at + timedelta(hours=1)).isoformat(timespec="microseconds")
    manifest.pop("mac", None)
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=manifest["database_id"].encode("utf-8"),
        info=b"esafety-desktop/backup-manifest/v1",
    ).derive(bytes(32))
    message = json.dumps(
        manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    manifest["mac"] = hmac.new(key, message, hashlib.sha256).hexdigest()
    _write_manifest(old.folder, manifest)
    with pytest.raises(BackupProblem, match="changed after the backup was made"):
        _open(Backup.read(old.folder))
    newest = backups.newest_good_backup(school.path, data_key=_data_key(school))
    assert newest is not None and newest.folder == new.folder


def test_a_signed_manifest_with_its_signature_taken_off_is_not_a_backup(school: School) -> None:
    _, new = _old_and_new(school)
    manifest = _manifest(new.folder)
    manifest.pop("mac")
    _write_manifest(new.folder, manifest)
    with pytest.raises(BackupProblem, match="not signed"):
        Backup.read(new.folder)


def test_an_old_backup_passed_off_as_made_before_signing_is_never_preferred(
    school: School,
) -> None:
    """Taking the signature off and calling the manifest version 1 (as older versions wrote
    it) makes it unsigned: it is marked so, and a signed backup is always offered first."""
    old, new = _old_and_new(school)
    manifest = _manifest(old.folder)
    manifest.pop("mac", None)
    manifest.update(
        version=1,
        made_at=(new.made_at + timedelta(days=1)).isoformat(timespec="microseconds"),
        counts={**manifest["counts"], "accounts": 1},
    )
    _write_manifest(old.folder, manifest)
    newest = backups.newest_good_backup(school.path)
    assert newest is not None and newest.folder == new.folder
    for newest in (
        backups.newest_good_backup(school.path, data_key=_data_key(school)),
        backups.newest_good_backup_of(school.signed_in.database),
    ):
        assert newest is not None and newest.folder == new.folder
    downgraded = Backup.read(old.folder)
    assert not downgraded.signed and Backup.read(new.folder).signed


def test_the_manifest_is_read_no_further_than_a_manifest_can_be(school: School) -> None:
    folder = _backup(school).folder
    manifest = _manifest(folder)
    manifest["made_on"] = "x" * 5_000_000  # a manifest of megabytes is not ours
    _write_manifest(folder, manifest)
    with pytest.raises(BackupProblem, match="not an eSafety Desktop backup"):
        Backup.read(folder)


def test_when_a_manifest_claims_a_time_it_is_only_a_claim_until_checked(
    school: School,
) -> None:
    """The restore chooser lists backups before any key is known: what it shows is what each
    manifest claims, and whether it is signed at all. The check comes on unlocking."""
    old, new = _old_and_new(school)
    claimed = [b.folder for b in backups.backups_in(backups.local_root(school.path))]
    assert claimed == [new.folder, old.folder]
    assert all(b.signed for b in backups.backups_in(backups.local_root(school.path)))
    opened = _open(Backup.read(new.folder))
    try:
        assert opened.backup.signed
    finally:
        opened.close()


def test_made_at_must_be_written_as_the_program_writes_it(school: School) -> None:
    """One spelling of each value, so the signature covers exactly what is shown."""
    folder = _backup(school).folder
    manifest = _manifest(folder)
    made_at = datetime.fromisoformat(manifest["made_at"])
    _relabel(Backup.read(folder), made_at=made_at.isoformat(timespec="seconds"))
    with pytest.raises(BackupProblem, match="not an eSafety Desktop backup"):
        Backup.read(folder)
