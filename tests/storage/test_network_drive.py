import sys
from pathlib import Path

import pytest

from esafety_desktop.storage import files
from esafety_desktop.storage.files import network_filesystem_in, network_location_reason

MOUNTINFO = r"""27 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 27 0:40 / /mnt/staff rw,relatime shared:20 - cifs //fileserver/staff rw,vers=3.0
41 27 0:41 /export /home/office/Shared\040Drive rw,relatime - nfs4 server:/export rw
42 40 8:17 / /mnt/staff/usb rw,relatime - vfat /dev/sdb1 rw
"""


@pytest.fixture
def mounts(monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.platform != "linux":
        pytest.skip("Linux's mount table")
    monkeypatch.setattr(files, "_linux_mount_table", lambda: MOUNTINFO)


def test_a_local_disk_is_accepted(mounts: None) -> None:
    assert network_location_reason(Path("/home/office/school.db")) is None


def test_windows_and_samba_shares_are_refused_with_the_reason(mounts: None) -> None:
    assert "network share" in str(network_location_reason(Path("//fileserver/dsl/school.db")))
    reason = network_location_reason(Path("/mnt/staff/dsl/school.db"))
    assert reason == "/mnt/staff is a network drive (cifs)"
    nfs = network_location_reason(Path("/home/office/Shared Drive/school.db"))
    assert nfs == "/home/office/Shared Drive is a network drive (nfs4)"


def test_the_innermost_mount_decides() -> None:
    assert network_filesystem_in(MOUNTINFO, "/mnt/staff/usb/school.db") is None
