"""Issue 19, item 6: Argon2 settings read from a key file are bounded both ways. The floor is
the design's 64 MiB (a key file lowered below it, to make a stolen slot cheaper to guess, is
refused); the ceiling stops a crafted file from hanging sign-in or exhausting memory."""

from __future__ import annotations

import json

import pytest

from esafety_desktop.errors import ProblemForUser
from esafety_desktop.services.access import sign_in
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.device_secret import DeviceSecretStore
from esafety_desktop.storage.files import DatabaseFiles
from tests.conftest import School

SHIPPED_FLOOR = keyslots.MINIMUM_KDF  # as the program ships it (tests lower it per test)


def test_the_floor_is_the_designs_64_mib() -> None:
    assert SHIPPED_FLOOR.memory_kib >= 64 * 1024


@pytest.mark.parametrize(
    "kdf",
    [
        {"time_cost": 1, "memory_kib": 8 * 1024, "parallelism": 1},  # cheaper to guess
        {"time_cost": 1, "memory_kib": 64 * 1024 - 1, "parallelism": 1},
        {"time_cost": 1, "memory_kib": 4 * 1024 * 1024, "parallelism": 1},  # 4 GiB: a hang
        {"time_cost": 100, "memory_kib": 64 * 1024, "parallelism": 1},
    ],
)
def test_a_key_file_with_argon2_settings_out_of_range_is_refused(
    school: School, monkeypatch: pytest.MonkeyPatch, kdf: dict[str, int]
) -> None:
    school.signed_in.sign_out()
    path = DatabaseFiles(school.path).key_slots
    document = json.loads(path.read_text(encoding="utf-8"))
    for slot in document["accounts"]:
        slot["kdf"] = kdf
    path.write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.setattr(keyslots, "MINIMUM_KDF", SHIPPED_FLOOR)
    with pytest.raises(ProblemForUser) as refused:
        sign_in(school.path, school.username, school.password, DeviceSecretStore())
    assert "school.db.keys" in str(refused.value)
