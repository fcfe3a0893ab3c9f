"""Files only this user can read (issue 19 item 5): the database, its WAL and SHM, the key
file, the note of failed sign-ins, backups and saved documents are 0600 in 0700 folders on
POSIX, and the program starts with a private umask. A damaged keyring entry is refused, never
replaced, and the single-instance socket is not a predictable name in /tmp."""

from __future__ import annotations

import base64
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from esafety_desktop.errors import ProblemForUser, WrongPassword
from esafety_desktop.services import backups
from esafety_desktop.services.access import create_school, sign_in
from esafety_desktop.services.exports import recovery_sheet, save_pdf
from esafety_desktop.storage.device_secret import KEYRING_ENTRY, KEYRING_SERVICE, DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import DSL_PASSWORD
from tests.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def ordinary_umask() -> Iterator[None]:
    """The umask a script that uses the services (not the program's start-up) may have."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _write_something(signed_in: object) -> None:
    from esafety_desktop.services.access import SignedIn

    assert isinstance(signed_in, SignedIn)
    with signed_in.database.transaction() as session:
        signed_in.record(session, "test.write")


def test_a_new_school_is_private_whatever_the_umask(tmp_path: Path, ordinary_umask: None) -> None:
    path = tmp_path / "made here" / "and here" / "school.db"
    new = create_school(
        path,
        school_name="Private School (invented)",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    )
    files = DatabaseFiles(path)
    _write_something(new.signed_in)
    assert files.wal.exists() and files.shm.exists()
    for companion in (files.database, files.wal, files.shm, files.key_slots):
        assert mode(companion) == 0o600, companion.name
    assert mode(tmp_path / "made here") == 0o700
    assert mode(path.parent) == 0o700
    sheet = tmp_path / "sheet.pdf"
    save_pdf(
        new.signed_in, "Recovery sheet", recovery_sheet(new.signed_in, new.recovery_key), sheet
    )
    assert mode(sheet) == 0o600
    run = backups.back_up(new.signed_in, backups.BY_HAND)
    assert mode(run.backup.folder) == 0o700
    assert {p.name: mode(p) for p in run.backup.folder.iterdir()} == {
        p.name: 0o600 for p in run.backup.folder.iterdir()
    }
    new.signed_in.sign_out()
    with pytest.raises(WrongPassword):
        sign_in(path, "jo.dsl", "Kettle-Orchard-Lantern-43", DeviceSecretStore())
    assert mode(files.sign_in_attempts) == 0o600
    again = sign_in(path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    _write_something(again)  # the WAL as SQLite makes it again
    for companion in files.all_existing():
        assert mode(companion) == 0o600, companion.name
    again.sign_out()


def test_an_older_school_is_made_private_when_it_is_next_opened(
    tmp_path: Path, ordinary_umask: None
) -> None:
    path = tmp_path / "school.db"
    create_school(
        path,
        school_name="Older School (invented)",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    ).signed_in.sign_out()
    files = DatabaseFiles(path)
    for companion in files.all_existing():
        companion.chmod(0o644)  # as the versions before made them
    sign_in(path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore()).sign_out()
    assert {p.name: mode(p) for p in files.all_existing()} == {
        p.name: 0o600 for p in files.all_existing()
    }


def test_the_program_s_own_data_folder_is_made_private_when_the_school_is_opened(
    ordinary_umask: None,
) -> None:
    from esafety_desktop.paths import user_data_dir

    folder = user_data_dir()
    folder.mkdir(parents=True)
    folder.chmod(0o755)  # as the versions before made it
    create_school(
        folder / "school.db",
        school_name="Default Folder School (invented)",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    ).signed_in.sign_out()
    folder.chmod(0o755)
    sign_in(folder / "school.db", "jo.dsl", DSL_PASSWORD, DeviceSecretStore()).sign_out()
    assert mode(folder) == 0o700


def test_the_program_and_its_commands_start_with_a_private_umask(
    ordinary_umask: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from esafety_desktop import app, cli

    assert cli.main([]) == cli.EXIT_USAGE
    assert os.umask(0o022) == 0o077
    assert app.main(["--help-commands"]) == 0
    assert os.umask(0o022) == 0o077
    capsys.readouterr()


def test_a_command_makes_its_folders_and_backups_private(
    tmp_path: Path,
    ordinary_umask: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from esafety_desktop.cli import main

    db = tmp_path / "new" / "school.db"
    monkeypatch.setattr(sys, "stdin", io.StringIO(DSL_PASSWORD + "\n" + DSL_PASSWORD + "\n"))
    argv = ["init", "--db", str(db), "--school", "Cli School (invented)", "--user", "jo.dsl"]
    assert main(argv) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(DSL_PASSWORD + "\n"))
    assert main(["backup", "--db", str(db), "--user", "jo.dsl"]) == 0
    capsys.readouterr()
    made = [tmp_path / "new", *(p for p in (tmp_path / "new").rglob("*"))]
    assert {str(p): mode(p) for p in made} == {str(p): 0o700 if p.is_dir() else 0o600 for p in made}


@pytest.mark.parametrize(
    "damaged",
    [
        "not base64 at all!",
        base64.b64encode(b"too short").decode("ascii"),
        base64.b64encode(bytes(33)).decode("ascii"),
    ],
)
def test_a_damaged_keyring_entry_is_refused_and_never_replaced(
    this_pc_keyring: MemoryKeyring, tmp_path: Path, damaged: str
) -> None:
    this_pc_keyring.set_password(KEYRING_SERVICE, KEYRING_ENTRY, damaged)
    store = DeviceSecretStore()
    with pytest.raises(ProblemForUser) as raised:
        store.get_or_create()
    problem = raised.value
    assert '"eSafety Desktop / device secret"' in problem.what and "damaged" in problem.what
    assert "not been replaced" in problem.advice
    with pytest.raises(ProblemForUser, match="damaged"):
        create_school(
            tmp_path / "school.db",
            school_name="X School (invented)",
            username="jo.dsl",
            display_name="Jo",
            password=DSL_PASSWORD,
            device_secrets=store,
        )
    assert this_pc_keyring.get_password(KEYRING_SERVICE, KEYRING_ENTRY) == damaged
    assert list(tmp_path.iterdir()) == []


def test_signing_in_with_a_damaged_keyring_entry_says_so(
    this_pc_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "school.db"
    create_school(
        path,
        school_name="X School (invented)",
        username="jo.dsl",
        display_name="Jo",
        password=DSL_PASSWORD,
        device_secrets=DeviceSecretStore(),
    ).signed_in.sign_out()
    this_pc_keyring.set_password(KEYRING_SERVICE, KEYRING_ENTRY, "garbled")
    with pytest.raises(ProblemForUser, match="is damaged"):
        sign_in(path, "jo.dsl", DSL_PASSWORD, DeviceSecretStore())
    assert this_pc_keyring.get_password(KEYRING_SERVICE, KEYRING_ENTRY) == "garbled"


def test_the_single_instance_socket_is_in_this_user_s_runtime_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esafety_desktop.ui.single_instance import instance_name

    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert Path(instance_name("-demo")).parent == runtime


@pytest.mark.parametrize("runtime", [None, "shared", "elsewhere"])
def test_without_a_private_runtime_folder_the_socket_goes_in_one_of_the_program_s_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runtime: str | None
) -> None:
    from esafety_desktop.ui.single_instance import instance_name

    if runtime is None:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    elif runtime == "shared":
        shared = tmp_path / "shared"
        shared.mkdir()
        shared.chmod(0o1777)  # like /tmp: anyone may make a name there
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    else:
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "not there"))
    name = Path(instance_name())
    assert name.is_absolute()
    assert name.parent != Path(tempfile.gettempdir())
    assert name.parent.stat().st_uid == os.getuid()
    assert mode(name.parent) == 0o700
    assert str(tmp_path) not in str(name)
