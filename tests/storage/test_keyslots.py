import base64
import json
from pathlib import Path

import pytest

from esafety_desktop.errors import KeyFileProblem
from esafety_desktop.storage import keyslots
from esafety_desktop.storage.key_file import KeySlotFile
from esafety_desktop.storage.keypairs import PrivateKeys, WrongKeys
from esafety_desktop.storage.keyslots import SlotLocked
from tests.storage.fixtures.make_school_v1 import HERE as V1_SCHOOL

DEVICE = bytes(range(32))
OTHER_DEVICE = bytes(range(1, 33))


def _account_slot(
    keys: PrivateKeys, password: str = "correct horse 12", device: bytes | None = DEVICE
) -> keyslots.AccountSlot:
    return keyslots.seal_account_keys(
        keys, database_id="db1", account="Jo.DSL", password=password, device_secret=device
    )


def test_an_account_slot_gives_back_the_accounts_private_keys_only_with_its_password() -> None:
    keys = PrivateKeys.new()
    slot = _account_slot(keys)
    assert slot.account == "jo.dsl" and slot.public == keys.public
    opened = keyslots.open_account_keys(
        slot, database_id="db1", password="correct horse 12", device_secret=DEVICE
    )
    assert opened.public == keys.public
    for password, device, database_id in [
        ("wrong horse 12", DEVICE, "db1"),
        ("correct horse 12", OTHER_DEVICE, "db1"),
        ("correct horse 12", None, "db1"),
        ("correct horse 12", DEVICE, "db2"),
    ]:
        with pytest.raises(SlotLocked):
            keyslots.open_account_keys(
                slot, database_id=database_id, password=password, device_secret=device
            )


def test_a_slot_given_another_accounts_public_keys_does_not_open(tmp_path: Path) -> None:
    slot = _account_slot(PrivateKeys.new())
    other = PrivateKeys.new().public
    forged = keyslots.AccountSlot(**{**slot.__dict__, "public": other})
    with pytest.raises(SlotLocked):
        keyslots.open_account_keys(
            forged, database_id="db1", password="correct horse 12", device_secret=DEVICE
        )


def test_a_key_wrapped_to_an_account_opens_only_with_its_keys_and_in_its_place() -> None:
    from esafety_desktop.storage.keypairs import wrap_key

    keys, stranger = PrivateKeys.new(), PrivateKeys.new()
    context = {"database_id": "db1", "to": "account:jo", "key": "data key", "generation": 1}
    wrapped = wrap_key(bytes(range(32)), keys.public.x25519, context)
    assert keys.unwrap(wrapped, context) == bytearray(range(32))
    with pytest.raises(WrongKeys):
        stranger.unwrap(wrapped, context)
    with pytest.raises(WrongKeys):  # moved to another recipient or generation
        keys.unwrap(wrapped, {**context, "generation": 2})


def test_the_recovery_key_always_gives_the_same_key_pairs_for_one_database() -> None:
    a = PrivateKeys.from_recovery_key(b"r" * 20, "db1")
    assert a.public == PrivateKeys.from_recovery_key(b"r" * 20, "db1").public
    assert a.public != PrivateKeys.from_recovery_key(b"r" * 20, "db2").public
    assert a.public != PrivateKeys.from_recovery_key(b"s" * 20, "db1").public


def test_a_school_of_the_last_release_still_loads(tmp_path: Path) -> None:
    old = KeySlotFile.load(V1_SCHOOL / "school.db.keys")
    assert not old.upgraded
    assert old.accounts() == ["fixture.deputy", "fixture.dsl", "fixture.head"]
    assert old.legacy_recovery_slot() is not None


def _slot(password: str = "correct horse 12", device: bytes | None = DEVICE) -> keyslots.KeySlot:
    return keyslots.seal_with_password(
        bytes(32 * [7]),
        database_id="db1",
        account="Jo.DSL",
        password=password,
        device_secret=device,
    )


def test_a_password_only_slot_opens_without_a_device_secret() -> None:
    slot = _slot(device=None)
    assert not slot.needs_device_secret
    opened = keyslots.open_with_password(
        slot, database_id="db1", password="correct horse 12", device_secret=None
    )
    assert opened == bytearray(32 * [7])


def _key_file(tmp_path: Path, data_key: bytes = bytes(32)) -> tuple[Path, PrivateKeys]:
    path = tmp_path / "school.db.keys"
    keys = PrivateKeys.new()
    file = KeySlotFile(path=path, database_id="db1")
    file.signed.start(
        "school_created",
        at="2026-12-01T09:00:00",
        account="jo",
        keys=keys,
        recovery=PrivateKeys.from_recovery_key(b"r" * 20, "db1"),
    )
    file.put_account(_account_slot(keys))
    file.wrap_data_key(data_key, "account:jo.dsl", keys.public)
    file.save()
    return path, keys


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("memory_kib", 8),
        ("memory_kib", 64 * 1024 * 1024),
        ("time_cost", 10_000),
        ("parallelism", 0),
        ("parallelism", 4096),
        ("time_cost", "3"),
        ("time_cost", 2.5),
    ],
)
def test_argon2_settings_outside_the_accepted_range_are_refused_on_reading(
    tmp_path: Path, setting: str, value: object
) -> None:
    path, _ = _key_file(tmp_path)
    raw = json.loads(path.read_text())
    raw["accounts"][0]["kdf"][setting] = value
    path.write_text(json.dumps(raw))
    with pytest.raises(KeyFileProblem, match="damaged"):
        KeySlotFile.load(path)


def test_the_key_file_never_holds_the_data_key_or_a_private_key_and_is_written_whole(
    tmp_path: Path,
) -> None:
    data_key = bytes(range(100, 132))
    path, keys = _key_file(tmp_path, data_key)
    content = path.read_bytes()
    private = keys.to_bytes()
    for secret in (data_key, bytes(private[:32]), bytes(private[32:])):
        assert secret not in content
        assert secret.hex().encode() not in content
        assert base64.b64encode(secret) not in content
    assert [p.name for p in tmp_path.iterdir()] == ["school.db.keys"]  # no temp file left
    loaded = KeySlotFile.load(path)
    assert loaded.accounts() == ["jo.dsl"]
    assert loaded.unwrap_data_key("account:jo.dsl", keys) == bytearray(data_key)


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
    keys = PrivateKeys.new()
    slot = _account_slot(keys)
    assert slot.kdf == keyslots.DEFAULT_KDF
    opened = keyslots.open_account_keys(
        slot, database_id="db1", password="correct horse 12", device_secret=DEVICE
    )
    assert opened.public == keys.public
