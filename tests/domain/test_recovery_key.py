import pytest

from esafety_desktop.domain.recovery_key import (
    RecoveryKeyFormatError,
    format_recovery_key,
    new_recovery_key,
    parse_recovery_key,
)


def test_a_printed_key_reads_back_however_it_is_typed() -> None:
    key = new_recovery_key()
    printed = format_recovery_key(key)
    assert len(printed.split("-")) == 9
    assert all(len(group) == 4 for group in printed.split("-"))
    assert parse_recovery_key(printed) == key
    assert parse_recovery_key(printed.lower().replace("-", " ")) == key
    assert parse_recovery_key(printed.replace("0", "O").replace("1", "l")) == key


def test_a_typing_mistake_is_caught_by_the_check_group() -> None:
    printed = format_recovery_key(new_recovery_key())
    first = printed[0]
    changed = ("A" if first != "A" else "B") + printed[1:]
    with pytest.raises(RecoveryKeyFormatError, match="typing mistake"):
        parse_recovery_key(changed)


def test_a_key_of_the_wrong_length_says_how_many_characters_were_typed() -> None:
    with pytest.raises(RecoveryKeyFormatError, match="36 letters and digits; 8 were typed"):
        parse_recovery_key("ABCD-EFGH")


def test_the_key_holds_at_least_128_random_bits() -> None:
    keys = {new_recovery_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(len(k) * 8 >= 128 for k in keys)
