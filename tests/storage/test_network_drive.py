from pathlib import Path

from esafety_desktop.storage.files import network_location_reason

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
//fileserver/staff /mnt/staff cifs rw,vers=3.0 0 0
server:/export /home/office/Shared\\040Drive nfs4 rw 0 0
/dev/sdb1 /mnt/staff/usb vfat rw 0 0
"""


def test_a_local_disk_is_accepted() -> None:
    assert network_location_reason(Path("/home/office/school.db"), MOUNTS) is None


def test_windows_and_samba_shares_are_refused_with_the_reason() -> None:
    assert "network share" in str(
        network_location_reason(Path("//fileserver/dsl/school.db"), MOUNTS)
    )
    reason = network_location_reason(Path("/mnt/staff/dsl/school.db"), MOUNTS)
    assert reason == "/mnt/staff is a network drive (cifs)"
    nfs = network_location_reason(Path("/home/office/Shared Drive/school.db"), MOUNTS)
    assert nfs == "/home/office/Shared Drive is a network drive (nfs4)"


def test_the_innermost_mount_decides() -> None:
    assert network_location_reason(Path("/mnt/staff/usb/school.db"), MOUNTS) is None
