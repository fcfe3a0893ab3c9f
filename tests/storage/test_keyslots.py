import json
from pathlib import Path

import pytest

from esafety_desktop.errors import KeyFileProblem
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.keyslots import KeySlotFile, SlotLocked

DEVICE = bytes(range(32))
OTHER_DEVICE = bytes(range(1, 33))


def _slot(password: str = "correct horse 12", device: bytes | None = DEVICE) -> keyslots.KeySlot:
    return keyslots.seal_with_password(
        bytes(32 * [7]),
        database_id="db1",
        account="Jo.DSL",
        password=password,
        device_secret=device,
    )


def test_the_right_password_on_the_right_pc_gives_back_the_data_key() -> None:
    slot = _slot()
    assert slot.account == "jo.dsl"
    key = keyslots.open_with_password(
        slot, database_id="db1", password="correct horse 12", device_secret=DEVICE
    )
    assert key == bytearray(32 * [7])


@pytest.mark.parametrize(
    ("password", "device", "database_id"),
    [
        ("wrong horse 12", DEVICE, "db1"),
        ("correct horse 12", OTHER_DEVICE, "db1"),
        ("correct horse 12", None, "db1"),
        ("correct horse 12", DEVICE, "db2"),
    ],
)
def test_a_wrong_password_device_or_database_does_not_open_the_slot(
    password: str, device: bytes | None, database_id: str
) -> None:
    with pytest.raises(SlotLocked):
        keyslots.open_with_password(
            _slot(), database_id=database_id, password=password, device_secret=device
        )


def test_a_password_only_slot_opens_without_a_device_secret() -> None:
    slot = _slot(device=None)
    assert not slot.needs_device_secret
    opened = keyslots.open_with_password(
        slot, database_id="db1", password="correct horse 12", device_secret=None
    )
    assert opened == bytearray(32 * [7])


def test_editing_a_slot_in_the_file_breaks_it(tmp_path: Path) -> None:
    path = tmp_path / "school.db.keys"
    KeySlotFile(path=path, database_id="db1", slots=[_slot()]).save()
    raw = json.loads(path.read_text())
    raw["slots"][0]["account"] = "mallory"
    path.write_text(json.dumps(raw))
    forged = KeySlotFile.load(path).password_slot("mallory")
    assert forged is not None
    with pytest.raises(SlotLocked):
        keyslots.open_with_password(
            forged, database_id="db1", password="correct horse 12", device_secret=DEVICE
        )


def test_weakened_argon2_parameters_are_refused_on_reading(tmp_path: Path) -> None:
    path = tmp_path / "school.db.keys"
    KeySlotFile(path=path, database_id="db1", slots=[_slot()]).save()
    raw = json.loads(path.read_text())
    raw["slots"][0]["kdf"]["memory_kib"] = 8
    path.write_text(json.dumps(raw))
    with pytest.raises(KeyFileProblem, match="damaged"):
        KeySlotFile.load(path)


def test_the_key_file_never_holds_the_data_key_and_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "school.db.keys"
    data_key = bytes(range(100, 132))
    slot = keyslots.seal_with_password(
        data_key, database_id="db1", account="jo", password="correct horse 12", device_secret=DEVICE
    )
    KeySlotFile(path=path, database_id="db1", slots=[slot]).save()
    content = path.read_bytes()
    assert data_key not in content
    assert data_key.hex().encode() not in content
    assert [p.name for p in tmp_path.iterdir()] == ["school.db.keys"]  # no temp file left
    assert KeySlotFile.load(path).accounts() == ["jo"]


@pytest.mark.parametrize(
    "content", [b"", b"not json", b'{"format": "something else"}', b"\xff\xfe"]
)
def test_a_damaged_key_file_is_reported_plainly_and_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "school.db.keys"
    path.write_bytes(content)
    with pytest.raises(KeyFileProblem, match="damaged or is not an eSafety Desktop key file"):
        KeySlotFile.load(path)
    assert path.read_bytes() == content


def test_a_missing_key_file_says_where_it_should_be(tmp_path: Path) -> None:
    with pytest.raises(KeyFileProblem, match=r"school\.db\.keys is missing"):
        KeySlotFile.load(tmp_path / "school.db.keys")


def test_the_recovery_slot_needs_only_the_recovery_key() -> None:
    slot = keyslots.seal_with_recovery_key(
        bytes(32 * [9]), database_id="db1", recovery_key=b"r" * 20
    )
    assert keyslots.open_with_recovery_key(
        slot, database_id="db1", recovery_key=b"r" * 20
    ) == bytearray(32 * [9])
    with pytest.raises(SlotLocked):
        keyslots.open_with_recovery_key(slot, database_id="db1", recovery_key=b"s" * 20)


@pytest.mark.slow
def test_the_real_argon2_parameters_seal_and_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the shipped parameters, not the cheap ones the other tests use
    assert keyslots.DEFAULT_KDF.memory_kib >= 64 * 1024
    slot = keyslots.seal_with_password(
        bytes(32),
        database_id="db1",
        account="jo",
        password="correct horse 12",
        device_secret=DEVICE,
    )
    assert slot.kdf == keyslots.DEFAULT_KDF
    assert keyslots.open_with_password(
        slot, database_id="db1", password="correct horse 12", device_secret=DEVICE
    ) == bytearray(32)
