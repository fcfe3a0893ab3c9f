"""A school database on a network drive is refused wherever it is opened or made (issue 19
item 4): SQLite's locking is unsafe over a network, so two PCs (or one PC with a stale lock)
could damage it. Links are resolved first; Linux's mount table is read from
/proc/self/mountinfo, GNOME's and KDE's SMB mounts (gvfs, kio-fuse) included."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.access import create_school, sign_in, sign_in_with_recovery_key
from esafety_desktop.storage import files as files_module
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles, network_location_reason
from tests.conftest import DSL_PASSWORD, School

on_linux = pytest.mark.skipif(sys.platform != "linux", reason="Linux's mount table")

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 27 0:40 / /mnt/staff rw,relatime shared:20 - cifs //fileserver/staff rw,vers=3.0
41 27 0:41 /export /home/office/Shared\040Drive rw,relatime - nfs4 server:/export rw
42 40 8:17 / /mnt/staff/usb rw,relatime - vfat /dev/sdb1 rw
43 30 0:52 / /run/user/1000/gvfs rw,nosuid shared:40 - fuse.gvfsd-fuse gvfsd-fuse rw,user_id=1000
44 30 0:53 / /run/user/1000/kio-fuse-AbCdEf rw shared:41 - fuse.kio-fuse kio-fuse rw
45 27 0:54 / /home/office/laptop rw,relatime shared:42 master:7 - fuse.sshfs office@laptop: rw
46 27 0:55 / /srv/local\134name rw - ext4 /dev/sdc1 rw
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/office/school.db", None),
        ("/mnt/staff/dsl/school.db", ("/mnt/staff", "cifs")),
        ("/home/office/Shared Drive/school.db", ("/home/office/Shared Drive", "nfs4")),
        ("/mnt/staff/usb/school.db", None),  # the innermost mount decides
        (
            "/run/user/1000/gvfs/smb-share:server=fs,share=dsl/school.db",
            ("/run/user/1000/gvfs", "fuse.gvfsd-fuse"),
        ),
        (
            "/run/user/1000/kio-fuse-AbCdEf/smb/fs/dsl/school.db",
            ("/run/user/1000/kio-fuse-AbCdEf", "fuse.kio-fuse"),
        ),
        ("/home/office/laptop/school.db", ("/home/office/laptop", "fuse.sshfs")),
        ("/srv/local\\name/school.db", None),
        ("/mnt/staffroom/school.db", None),  # a name that merely begins like a share's
    ],
)
def test_the_mount_table_says_which_paths_are_network_drives(
    path: str, expected: tuple[str, str] | None
) -> None:
    from esafety_desktop.storage.files import network_filesystem_in

    assert network_filesystem_in(MOUNTINFO, path) == expected


def test_gvfs_and_kio_fuse_folders_are_known_by_their_place_even_without_the_table() -> None:
    from esafety_desktop.storage.files import network_filesystem_in

    assert network_filesystem_in("", "/run/user/1000/gvfs/dav:host=x/school.db") is not None
    assert network_filesystem_in("", "/run/user/1000/kio-fuse-Xy12/smb/school.db") is not None
    assert network_filesystem_in("", "/run/user/1000/school.db") is None


@on_linux
def test_a_link_to_a_network_drive_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_module, "_linux_mount_table", lambda: MOUNTINFO, raising=False)
    link = tmp_path / "Looks local"
    link.symlink_to("/mnt/staff/dsl")
    reason = network_location_reason(link / "school.db")
    assert reason is not None and "/mnt/staff" in reason and "cifs" in reason
    assert "network share" in str(network_location_reason(Path("//fileserver/dsl/school.db")))


def _on_a_network_drive(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The mount table says ``folder`` is an SMB share: only the detector is replaced."""
    where = str(folder.resolve()).replace(" ", "\\040")
    table = MOUNTINFO + f"50 27 0:60 / {where} rw,relatime - cifs //nas/dsl rw\n"
    monkeypatch.setattr(files_module, "_linux_mount_table", lambda: table, raising=False)


def _every_byte(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@on_linux
def test_opening_a_database_on_a_network_drive_is_refused_and_nothing_is_written(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    school.signed_in.sign_out()
    before = _every_byte(school.path.parent)
    _on_a_network_drive(monkeypatch, school.path.parent)
    for password in (DSL_PASSWORD, "Kettle-Orchard-Lantern-43"):  # right or wrong: no note
        with pytest.raises(ProblemForUser) as raised:
            sign_in(school.path, "jo.dsl", password, DeviceSecretStore())
        problem = raised.value
        assert "is on a network drive" in problem.what and "(cifs)" in problem.what
        assert "Nothing was changed" in problem.advice
        assert "folder on this computer" in problem.advice
    with pytest.raises(ProblemForUser, match="network drive"):
        sign_in_with_recovery_key(
            school.path,
            recovery_key=school.recovery_key,
            username="jo.dsl",
            new_password="Quill-Harbour-Meadow-77",
            device_secrets=DeviceSecretStore(),
        )
    assert _every_byte(school.path.parent) == before
    assert not DatabaseFiles(school.path).sign_in_attempts.exists()


@on_linux
def test_a_new_school_on_a_network_drive_is_refused_before_anything_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "Shared Drive"
    share.mkdir()
    _on_a_network_drive(monkeypatch, share)
    store = DeviceSecretStore()
    with pytest.raises(ProblemForUser, match="network drive"):
        create_school(
            share / "new" / "school.db",
            school_name="X School (invented)",
            username="jo.dsl",
            display_name="Jo",
            password=DSL_PASSWORD,
            device_secrets=store,
        )
    assert list(share.iterdir()) == []
    assert store.get() is None  # not even a device secret was made for it


@on_linux
def test_the_commands_refuse_a_network_drive_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from esafety_desktop.cli import EXIT_PROBLEM, main

    share = tmp_path / "share"
    share.mkdir()
    _on_a_network_drive(monkeypatch, share)
    monkeypatch.setattr(sys, "stdin", io.StringIO(DSL_PASSWORD + "\n" + DSL_PASSWORD + "\n"))
    argv = ["init", "--db", str(share / "school.db"), "--school", "X (invented)", "--user", "jo"]
    assert main(argv) == EXIT_PROBLEM
    err = capsys.readouterr().err
    assert "is on a network drive" in err and "(cifs)" in err
    assert list(share.iterdir()) == []


@on_linux
def test_restoring_onto_a_network_drive_is_refused_by_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from esafety_desktop.cli import EXIT_PROBLEM, main

    share = tmp_path / "share"
    share.mkdir()
    _on_a_network_drive(monkeypatch, share)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    argv = ["restore", "--from", str(tmp_path / "any backup"), "--db", str(share / "school.db")]
    assert main([*argv, "--user", "jo.dsl"]) == EXIT_PROBLEM
    assert "is on a network drive" in capsys.readouterr().err
